"""``newsarchive import`` on WARC files the project did not write (issue #16).

The demo site recorded by ``wget --warc-file`` and by warcio's ``capture_http``, damaged files
with good records around the damage (and a record of 100 MB, read in a subprocess whose peak
memory is measured), input that is no WARC at all, and a whole-file-gzipped WARC read back by
``reparse``. Every import runs the real CLI in a subprocess, as people run it.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.capture_http import capture_http

from newsarchive.demo import DemoServer
from newsarchive.evidence.reader import WarcEntry, read_record_at, read_warc
from newsarchive.records import article_id
from tests.support.helpers import (
    DEMO_SITE,
    ROOT,
    expected_articles,
    expected_rates,
    read_jsonl,
    run_cli,
)
from tests.support.warcs import (
    Layout,
    http_message,
    plain,
    response,
    warc_header,
    warcinfo,
    with_warc_header,
    write_huge_response,
)

pytestmark = pytest.mark.slow

WGET = shutil.which("wget")
QUIET = ("-s", "NEWSARCHIVE_PROGRESS_INTERVAL=0")
# What the site's parsers (and, on the demo's pages, the generic extractor) read from a page.
READ_FIELDS = (
    "id", "title", "lead", "body", "section", "author", "published_precision", "published_raw",
    "lang",
)  # fmt: skip
INFO = {"software": "test-writer/1.0", "format": "WARC File Format 1.1"}
ROWS = expected_articles()
# An article URL of the demo's form that no page has: the 100 MB record's.
HUGE_PATH = "/society/99999-post.html"
# The peak memory an import with a record of 100 MB may take. An import of small files peaks
# near 85 MB (Scrapy, lxml, Twisted), so a body held whole even once would pass this.
MAX_RSS_BYTES = 160 * 1024 * 1024


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        yield server


def import_warcs(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("import", *args, *QUIET)


def summary(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The summary's counting lines: pages read to health."""
    lines = result.stdout.splitlines()
    end = next(n for n, line in enumerate(lines) if line.startswith("  health"))
    return lines[1 : end + 1]


def runs(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "runs.jsonl").read_text().splitlines()]


def read_fields(record: dict[str, Any]) -> dict[str, Any]:
    return {field: record[field] for field in (*READ_FIELDS, "url", "published_at")}


def expected(server: DemoServer, row: dict[str, Any], *, name: str | None = None) -> dict[str, Any]:
    """The record an article page of the demo gives, at the server's address; with ``name``,
    as a generic import of that name identifies it (by its URL's hash)."""
    url = server.url.rstrip("/") + row["url_path"]
    published = row["published_at"]
    return {
        **{field: row[field] for field in READ_FIELDS},
        "id": article_id(name, url, None) if name else row["id"],
        "url": url,
        "published_at": server.shift_time(published).isoformat() if published else None,
    }


def served(server: DemoServer, path: str) -> bytes:
    """The HTTP message the demo sends for ``path``: status line, headers, body."""
    with urllib.request.urlopen(server.url.rstrip("/") + path, timeout=10) as answer:
        return http_message(f"{answer.status} {answer.reason}", answer.getheaders(), answer.read())


def fetch(url: str) -> int:
    """GET ``url`` (through whatever records the process's HTTP), read it all: its status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            answer.read()
            return int(answer.status)
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if " WARNING: " in line]


# -- wget --warc-file -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def wget_warc(demo: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site as ``wget --recursive`` sees it: listings, every article, its broken
    links, the trap URLs (a trailing slash, utm_ parameters), in one gzip-per-record WARC."""
    if WGET is None:
        pytest.skip("wget is not installed")
    folder = tmp_path_factory.mktemp("wget")
    subprocess.run(
        [WGET, "-e", "robots=off", "--recursive", "--level=2", "--delete-after", "--no-verbose",
         "--warc-file=demo", demo.url],
        cwd=folder,
        check=False,  # wget exits 8 for the demo's 404s
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return folder / "demo.warc.gz"


def test_a_wget_warc_imports_as_the_crawl_archives_the_site(
    demo: DemoServer, wget_warc: Path, tmp_path: Path
) -> None:
    entries = [item for item in read_warc(wget_warc) if isinstance(item, WarcEntry)]
    kinds = Counter(entry.record_type for entry in entries)
    # wget's own records: what it asked, its log and its arguments; none is a page.
    assert set(kinds) == {"warcinfo", "request", "response", "metadata", "resource"}
    statuses = Counter(entry.http_status for entry in entries if entry.record_type == "response")
    assert set(statuses) == {200, 404}
    assert statuses[404] > 0

    result = import_warcs(
        str(wget_warc), "--site", "everyday", "--host", demo.url, "--out", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    # Every 200 response is read; only the 404s are skipped: wget's request, metadata and
    # resource records (and the warcinfo) hold no page and are not counted.
    assert summary(result) == [
        f"  pages read         {statuses[200]}",
        f"  records skipped    {statuses[404]} (http_404: {statuses[404]})",
        f"  articles written   {len(ROWS)} new, 0 updated (0 already archived)",
        f"  rate rows written  {len(expected_rates())}",
        "  errors             0",
        "  health             ok",
    ]
    assert result.stderr == ""
    folder = tmp_path / "everyday"
    articles = read_jsonl(folder / "articles")
    assert sorted(map(read_fields, articles), key=lambda r: r["id"]) == sorted(
        (expected(demo, row) for row in ROWS), key=lambda r: r["id"]
    )
    for record in articles:
        source = record["source"]
        assert source["warc"] == str(wget_warc)
        entry = read_record_at(source["warc"], source["offset"])
        assert (entry.record_type, entry.record_id, entry.length) == (
            "response",
            source["record_id"],
            source["length"],
        )
        # wget reached 16890 only with utm_ parameters; the record's URL is the canonical one.
        assert (entry.target_uri or "").partition("?")[0] == record["url"]
    rates = [
        {"currency": r["currency"], "rate": f"{r['rate']:.2f}", "change": f"{r['change']:.2f}",
         "as_of": r["as_of"], "source": r["source"]}
        for r in read_jsonl(folder / "rates")
    ]  # fmt: skip
    assert rates == expected_rates()
    first = runs(folder)[0]
    assert (first["health"], first["exit_status"], first["requests"]) == ("ok", 0, 0)
    assert (first["pages"], first["articles_new"]) == (statuses[200], len(ROWS))

    # The same file again: every article and rate row is known already.
    again = import_warcs(
        str(wget_warc), "--site", "everyday", "--host", demo.url, "--out", str(tmp_path)
    )
    assert again.returncode == 0, again.stderr
    assert summary(again)[2:4] == [
        f"  articles written   0 new, 0 updated ({len(ROWS)} already archived)",
        "  rate rows written  0",
    ]
    assert read_jsonl(folder / "articles") == articles
    assert len(read_jsonl(folder / "rates")) == len(expected_rates())
    assert [(run["health"], run["articles_new"]) for run in runs(folder)] == [
        ("ok", len(ROWS)),
        ("ok", 0),
    ]


# -- warcio's capture_http, read by the generic extractor ------------------------------------
CAPTURED = [
    "/",
    "/page/2/",
    ROWS[0]["url_path"],
    ROWS[1]["url_path"],
    ROWS[7]["url_path"],
    "/sport/16896-post.html",  # a link of the demo's that is 404
    "/sitemap.xml",
]


def test_a_capture_http_warc_imports_generically(demo: DemoServer, tmp_path: Path) -> None:
    warc = tmp_path / "captured.warc.gz"
    with capture_http(str(warc)):
        statuses = [fetch(demo.url.rstrip("/") + path) for path in CAPTURED]
    assert statuses == [200] * 5 + [404, 200]
    result = import_warcs(
        str(warc), "--generic", "--name", "captured", "--tz", "Asia/Tashkent",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # Six pages read (the capture's request records are not pages); three are articles, the
    # listings and the sitemap are not; the home page gives the rate widget.
    assert summary(result) == [
        "  pages read         6",
        "  records skipped    1 (http_404: 1)",
        "  articles written   3 new, 0 updated (0 already archived)",
        "  rate rows written  3",
        "  errors             0",
        "  health             ok",
    ]
    folder = tmp_path / "captured"
    articles = read_jsonl(folder / "articles")
    assert [read_fields(record) for record in articles] == [
        expected(demo, ROWS[n], name="captured") for n in (0, 1, 7)
    ]
    assert {record["id"].partition(":u-")[0] for record in articles} == {"captured"}
    assert [record["source"]["warc"] for record in articles] == [str(warc)] * 3
    assert [r["url"] for r in read_jsonl(folder / "rates")] == [demo.url] * 3
    assert runs(folder)[0]["health"] == "ok"


# -- damaged files, good records around the damage ------------------------------------------
# Runs ``newsarchive ARGS`` and, as it exits, writes the process's peak resident memory (KiB)
# to the file named first: /proc's VmHWM counts only what the process used after it started
# Python, where rusage would also count the copy of the forking test process (a fork's child
# starts with its parent's resident pages, and exec keeps that peak).
MEASURED = """
import atexit, sys
from pathlib import Path

def peak() -> None:
    status = Path("/proc/self/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    Path(sys.argv[1]).write_text(line.split()[1])

atexit.register(peak)
from newsarchive.cli import main
sys.exit(main(sys.argv[2:]))
"""


def run_measured(logs: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """``newsarchive ARGS`` in a subprocess (its output kept in ``logs``), and the peak
    resident memory (bytes) of that process alone."""
    peak = logs / "peak_kib"
    result = subprocess.run(
        [sys.executable, "-c", MEASURED, str(peak), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        timeout=120,
        check=False,
    )
    return result, int(peak.read_text()) * 1024


def test_damaged_files_give_one_line_per_problem_and_their_good_records(
    demo: DemoServer, tmp_path: Path
) -> None:
    base = demo.url.rstrip("/")
    rows = iter(ROWS[8:])

    def article(gzipped: bool, n: int) -> tuple[bytes, str]:
        """The next demo article as response record n, and its id."""
        row = next(rows)
        record = response(gzipped, n, base + row["url_path"], served(demo, row["url_path"]))
        return record, row["id"]

    files: list[tuple[Path, int, str]] = []  # (file, offset of the damage, problem reason)
    good: list[str] = []
    damaged: list[str] = []

    def write(name: str, gzipped: bool, damage: Callable[[bytes], bytes], reason: str) -> None:
        """A file of warcinfo, a good article, the damaged one, another good article (the
        truncated file ends in its damage)."""
        (before, before_id), (hurt, hurt_id) = article(gzipped, 1), article(gzipped, 2)
        parts = [warcinfo(gzipped, INFO), before, damage(hurt)]
        good.append(before_id)
        damaged.append(hurt_id)
        if reason != "truncated":
            after, after_id = article(gzipped, 3)
            parts.append(after)
            good.append(after_id)
        layout = Layout(tuple(parts))
        files.append((layout.write(tmp_path / name), layout.offsets[2], reason))

    def longer(record: bytes) -> bytes:
        length = int(warc_header(record, "Content-Length"))
        return with_warc_header(record, "Content-Length", str(length + 10))

    def other_digest(record: bytes) -> bytes:
        return with_warc_header(record, "WARC-Payload-Digest", "sha1:" + "A" * 32)

    write("truncated.warc.gz", True, lambda record: record[: len(record) // 2], "truncated")
    write("length.warc", False, longer, "bad_length")
    write("digest.warc.gz", True, other_digest, "bad_digest")
    write("member.warc.gz", True, lambda record: record[: len(record) // 2], "bad_gzip")
    huge = tmp_path / "huge.warc.gz"
    with huge.open("wb") as handle:
        before, before_id = article(True, 1)
        after, after_id = article(True, 3)
        handle.write(warcinfo(True, INFO) + before)
        files.append((huge, handle.tell(), "too_large"))
        write_huge_response(handle, base + HUGE_PATH, 2)
        handle.write(after)
    good += [before_id, after_id]
    damaged.append("everyday:99999")

    result, max_rss = run_measured(
        tmp_path, "import", *(str(path) for path, _, _ in files), "--site", "everyday",
        "--host", demo.url, "--out", str(tmp_path / "archive"), *QUIET,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert summary(result) == [
        f"  pages read         {len(good)}",
        "  records skipped    5 (warc_bad_digest: 1, warc_bad_gzip: 1, warc_bad_length: 1, "
        "warc_too_large: 1, warc_truncated: 1)",
        f"  articles written   {len(good)} new, 0 updated (0 already archived)",
        "  rate rows written  3",  # the demo's rate widget is on its article pages too
        "  errors             0",
        "  health             ok",
    ]
    # One line per problem, naming the file and the offset where the damaged record starts.
    lines = problem_lines(result.stderr)
    assert result.stderr.splitlines() == lines
    assert [line.split(" WARNING: ", 1)[1].split(": ", 2)[:2] for line in lines] == [
        [f"{path} at offset {offset}", reason] for path, offset, reason in files
    ]
    assert "Traceback" not in result.stdout + result.stderr
    folder = tmp_path / "archive" / "everyday"
    articles = read_jsonl(folder / "articles")
    assert [record["id"] for record in articles] == good
    assert not set(damaged) & {record["id"] for record in articles}
    by_id = {row["id"]: row for row in ROWS}
    assert [read_fields(record) for record in articles] == [
        expected(demo, by_id[key]) for key in good
    ]
    assert (runs(folder)[0]["health"], runs(folder)[0]["exit_status"]) == ("ok", 0)
    # A 100 MB record is read past, not held: the whole import stays far below its size.
    print(f"import of the damaged files (one record of 100 MB): max RSS {max_rss / 2**20:.0f} MB")
    assert max_rss < MAX_RSS_BYTES


# -- bad usage and input that is no WARC -----------------------------------------------------
def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "nosuch.warc.gz"
    result = import_warcs(str(missing), "--site", "everyday", "--out", str(tmp_path))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"newsarchive: error: no such WARC file: {missing}\n"
    assert not (tmp_path / "everyday").exists()


def test_an_unknown_site_is_a_usage_error(tmp_path: Path) -> None:
    any_file = DEMO_SITE / "expected" / "articles.jsonl"
    result = import_warcs(str(any_file), "--site", "nosuch", "--out", str(tmp_path))
    assert (result.returncode, result.stdout) == (2, "")
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("newsarchive: error: unknown site 'nosuch' (built-in sites: ")


def test_a_file_that_is_no_warc_reads_nothing_and_says_so(tmp_path: Path) -> None:
    jsonl = DEMO_SITE / "expected" / "articles.jsonl"
    result = import_warcs(str(jsonl), "--site", "everyday", "--out", str(tmp_path))
    assert result.returncode == 3, result.stderr  # unreachable: no page could be read
    assert summary(result) == [
        "  pages read         0",
        "  records skipped    1 (warc_garbage: 1)",
        "  articles written   0 new, 0 updated (0 already archived)",
        "  rate rows written  0",
        "  errors             0",
        "  health             unreachable",
    ]
    problem, verdict = result.stderr.splitlines()
    assert problem.endswith(
        f" WARNING: {jsonl} at offset 0: garbage: bytes that are no WARC record "
        f"({jsonl.stat().st_size} bytes skipped, the rest of the file)"
    )
    assert verdict == (
        "newsarchive: unhealthy import of 1 WARC file(s) into everyday (unreachable, exit "
        "status 3): no page could be read from the WARC files (1 records skipped)"
    )
    assert runs(tmp_path / "everyday")[0]["health"] == "unreachable"


# -- a whole-file-gzipped WARC, read back by reparse -----------------------------------------
def test_an_empty_warc_reads_nothing_and_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    result = import_warcs(str(empty), "--site", "everyday", "--out", str(tmp_path / "out"))
    assert result.returncode == 3, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "newsarchive: unhealthy import of 1 WARC file(s) into everyday (unreachable, exit "
        "status 3): no page could be read from the WARC files (0 records skipped)"
    )
    assert "Traceback" not in result.stderr


def test_a_whole_file_gzip_warc_imports_and_reparses_unchanged(
    demo: DemoServer, tmp_path: Path
) -> None:
    base = demo.url.rstrip("/")
    rows = ROWS[2:5]
    parts = [plain(warcinfo(False, INFO))] + [
        plain(response(False, n, base + row["url_path"], served(demo, row["url_path"])))
        for n, row in enumerate(rows, 1)
    ]
    layout = Layout(tuple(parts))
    warc = tmp_path / "whole.warc.gz"
    warc.write_bytes(gzip.compress(b"".join(parts), mtime=0))  # one member for every record
    out = tmp_path / "archive"
    result = import_warcs(str(warc), "--site", "everyday", "--host", demo.url, "--out", str(out))
    assert result.returncode == 0, result.stderr
    # The warcinfo is no page and no skip.
    assert summary(result) == [
        "  pages read         3",
        "  articles written   3 new, 0 updated (0 already archived)",
        "  rate rows written  3",
        "  errors             0",
        "  health             ok",
    ]
    articles = read_jsonl(out / "everyday" / "articles")
    assert [read_fields(record) for record in articles] == [expected(demo, row) for row in rows]
    assert [record["source"] for record in articles] == [
        {
            "warc": str(warc),
            "offset": 0,
            "length": len(parts[n]),
            "record_id": warc_header(parts[n], "WARC-Record-ID"),
            "offset_in_member": layout.offsets[n],
        }
        for n in (1, 2, 3)
    ]
    site_file = ROOT / "newsarchive" / "sites" / "everyday.toml"
    dry = run_cli("reparse", str(out), "--dry-run", "--site-file", str(site_file))
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[1:] == [
        "  unchanged          3",
        "  would change       0",
    ]
