"""Bad input from people and from the machine: one clear line, a documented status, no damage.

Every case runs the real command in a subprocess. Bad input (site, URL, site file, output
folder, an archive written by a newer newsarchive) is exit status 2 with one line on stderr and
nothing written; a disk that fills up during a crawl is status 1 with one line, the archive's
earlier files untouched, nothing half-written published and the store intact, and the next run
archives the rest exactly once.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive import load_articles
from newsarchive.analysis import load_runs
from newsarchive.health import EXIT_FAILED, EXIT_USAGE
from newsarchive.records import SCHEMA_VERSION
from newsarchive.sites import available_sites
from tests.support.helpers import FAST, ROOT, run_cli
from tests.support.tiny_site import TinySite, tree, write_site_file

pytestmark = pytest.mark.slow

BUILT_IN = f"(built-in sites: {', '.join(available_sites())})"
IS_ROOT = os.geteuid() == 0
ROOT_READS_ANYTHING = "runs as root, which reads and writes files whatever their mode"


def assert_one_line(result: subprocess.CompletedProcess[str], status: int, line: str) -> None:
    """Exactly this status and this one line on stderr (so no traceback either)."""
    assert (result.returncode, result.stderr) == (status, line + "\n")


# --- sites and URLs ----------------------------------------------------------------------------

TARGETS = [
    ("nosuchsite", f"unknown site 'nosuchsite' {BUILT_IN}"),
    ("htp:/x", "not a valid http(s) URL: 'htp:/x'"),
    ("http://", "not a valid http(s) URL: 'http://'"),
    ("ftp://host/", "not a valid http(s) URL: 'ftp://host/'"),
    ("http://a..b/", "not a valid http(s) URL: 'http://a..b/'"),
    ("http://[::1", "not a valid URL: 'http://[::1' (Invalid IPv6 URL)"),
    ("http://exa mple.com/", "not a valid URL: 'http://exa mple.com/' (a space or control "
     "character; write %20)"),
    ("http://example.com/a b", "not a valid URL: 'http://example.com/a b' (a space or control "
     "character; write %20)"),
]  # fmt: skip


@pytest.mark.parametrize(("target", "message"), TARGETS, ids=[t for t, _ in TARGETS])
def test_bad_site_or_url(tmp_path: Path, target: str, message: str) -> None:
    result = run_cli("crawl", target, "--out", str(tmp_path / "out"))
    assert_one_line(result, EXIT_USAGE, f"newsarchive: error: {message}")
    assert list(tmp_path.iterdir()) == []


# --- site files ----------------------------------------------------------------------------


def _site_file(tmp_path: Path, change: tuple[str, str] = ("", "")) -> Path:
    """A valid site file for a site on news.example, with one text replacement applied."""
    path = write_site_file(tmp_path / "mysite.toml", "https://news.example/")
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(*change, 1), encoding="utf-8")
    return path


def test_site_file_that_is_missing(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    result = run_cli("crawl", "--site-file", str(missing), "--out", str(tmp_path / "out"))
    assert_one_line(
        result,
        EXIT_USAGE,
        f"newsarchive: error: cannot read site file {missing}: [Errno 2] No such file or "
        f"directory: '{missing}'",
    )
    assert list(tmp_path.iterdir()) == []


def test_site_file_that_is_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "site.toml"
    folder.mkdir()
    result = run_cli("crawl", "--site-file", str(folder), "--out", str(tmp_path / "out"))
    assert_one_line(
        result,
        EXIT_USAGE,
        f"newsarchive: error: cannot read site file {folder}: [Errno 21] Is a directory: "
        f"'{folder}'",
    )
    assert list(tmp_path.iterdir()) == [folder]


@pytest.mark.skipif(IS_ROOT, reason=f"mode 000 cannot be tested: the suite {ROOT_READS_ANYTHING}")
def test_site_file_without_read_permission(tmp_path: Path) -> None:
    path = _site_file(tmp_path)
    path.chmod(0)
    result = run_cli("crawl", "--site-file", str(path), "--out", str(tmp_path / "out"))
    assert_one_line(
        result,
        EXIT_USAGE,
        f"newsarchive: error: cannot read site file {path}: [Errno 13] Permission denied: '{path}'",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mysite.toml"]


BAD_SITE_FILES = [
    # (replacement in a valid site file, the one line after "newsarchive: error: FILE")
    (('name = "tiny"', 'name = "tiny'), ": Illegal character '\\n' (at line 1, column 13)"),
    (('name = "tiny"', "name = 5"), ":1: key 'name' must be a non-empty string"),
    (
        ('title = ["h1"]', "title = 7"),
        ":11: key 'article.title' must be a string or a non-empty list of strings",
    ),
    (
        ("[listing]", "[throttle]\nconcurrency = 1.5\n[listing]"),
        ":7: key 'throttle.concurrency' must be a whole number >= 0",
    ),
    (("[listing]", "[listing]\nlinks = 'x'"), ": Cannot overwrite a value (at line 8, column 17)"),
]


@pytest.mark.parametrize(("change", "message"), BAD_SITE_FILES, ids=[m for _, m in BAD_SITE_FILES])
def test_site_file_with_bad_toml_or_types(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = _site_file(tmp_path, change)
    result = run_cli("crawl", "--site-file", str(path), "--out", str(tmp_path / "out"))
    assert_one_line(result, EXIT_USAGE, f"newsarchive: error: {path}{message}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mysite.toml"]


def test_site_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.toml"
    path.write_bytes('name = "новости"\n'.encode("cp1251"))
    result = run_cli("crawl", "--site-file", str(path), "--out", str(tmp_path / "out"))
    assert_one_line(
        result,
        EXIT_USAGE,
        f"newsarchive: error: cannot read site file {path}: 'utf-8' codec can't decode byte "
        "0xed in position 8: invalid continuation byte",
    )


# --- the output folder -------------------------------------------------------------------------


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    out = tmp_path / "archive"
    out.write_text("notes\n")
    result = run_cli("crawl", "everyday", "--out", str(out))
    assert_one_line(result, EXIT_USAGE, f"newsarchive: error: output folder {out} is a file")
    assert out.read_text() == "notes\n"


def test_output_folder_under_a_file() -> None:
    result = run_cli("crawl", "everyday", "--out", "/dev/null/archive")
    assert_one_line(
        result,
        EXIT_USAGE,
        "newsarchive: error: cannot create output folder /dev/null/archive: Not a directory",
    )


def test_output_folder_nobody_can_write() -> None:
    """/proc takes no new folders, not even root's (who passes the permission check)."""
    result = run_cli("crawl", "everyday", "--out", "/proc")
    reason = " (/proc/everyday: No such file or directory)" if IS_ROOT else ""
    assert_one_line(
        result, EXIT_USAGE, f"newsarchive: error: output folder /proc is not writable{reason}"
    )


@pytest.mark.skipif(IS_ROOT, reason=f"a read-only folder: the suite {ROOT_READS_ANYTHING}")
def test_output_folder_without_write_permission(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir(mode=0o555)
    result = run_cli("crawl", "everyday", "--out", str(out))
    assert_one_line(result, EXIT_USAGE, f"newsarchive: error: output folder {out} is not writable")
    assert list(out.iterdir()) == []


# --- an archive written by a newer newsarchive -------------------------------------------------


def _newer_archive(out: Path, *, with_runs: bool) -> Path:
    """An everyday archive whose last run (or newest file) carries a newer schema_version."""
    folder = out / "everyday"
    (folder / "articles").mkdir(parents=True)
    newer = SCHEMA_VERSION + 1
    run = {"kind": "run", "schema_version": newer, "run_id": "20991231T000000Z-abcd"}
    article = {"kind": "article", "schema_version": newer, "id": "everyday:1", "version": 1}
    (folder / "articles" / "20991231T000000Z-abcd-0001.jsonl").write_text(
        json.dumps(article) + "\n"
    )
    if with_runs:
        old_run = {**run, "schema_version": SCHEMA_VERSION, "run_id": "20251211T000000Z-0000"}
        (folder / "runs.jsonl").write_text(json.dumps(old_run) + "\n" + json.dumps(run) + "\n")
    return folder


@pytest.mark.parametrize("with_runs", [True, False], ids=["run-record", "article-file"])
def test_archive_of_a_newer_schema_is_left_alone(tmp_path: Path, with_runs: bool) -> None:
    out = tmp_path / "out"
    folder = _newer_archive(out, with_runs=with_runs)
    before = tree(tmp_path)
    result = run_cli("crawl", "everyday", "--out", str(out))
    assert_one_line(
        result,
        EXIT_USAGE,
        f"newsarchive: error: {folder} holds records of schema_version {SCHEMA_VERSION + 1}, "
        f"newer than this newsarchive writes ({SCHEMA_VERSION}): upgrade newsarchive; the "
        "archive was not touched",
    )
    assert tree(tmp_path) == before  # not even a lock file


def test_scrapy_crawl_leaves_an_archive_of_a_newer_schema_alone(tmp_path: Path) -> None:
    """`scrapy crawl` does not pass through the CLI's check: the archive layer refuses too."""
    out = tmp_path / "out"
    folder = _newer_archive(out, with_runs=True)
    before = tree(tmp_path)
    with TinySite() as site:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "everyday", "-a", f"start_url={site.url}",
             "-s", f"NEWSARCHIVE_DIR={out}", *FAST],
            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    lines = result.stderr.splitlines()
    errors = [line.split("ERROR: ", 1)[1] for line in lines if "ERROR: " in line]
    assert errors == [
        f"{folder} holds records of schema_version {SCHEMA_VERSION + 1}, newer than this "
        f"newsarchive writes ({SCHEMA_VERSION}): upgrade newsarchive; the archive was not touched"
    ]
    assert "Spider closed (archive_schema_newer)" in result.stderr
    # Scrapy exits 0 for a spider closed on purpose; nothing was fetched and nothing written.
    assert result.returncode == 0
    assert site.requests == []
    assert tree(tmp_path) == before


# --- a disk that fills up ----------------------------------------------------------------------

# A file may grow to this many bytes, no more: the store (36 KiB, its shared-memory file 32 KiB)
# still opens, and the new articles (16 KB each, 6 KB gzipped) outgrow their file mid-run.
ROOM = 40_000
ARTICLES = 12


# Runs `python -m newsarchive ARGS` with every file stopped from growing past ROOM bytes, as on
# a full disk: writes past it fail with EFBIG, an OSError like ENOSPC. SIGXFSZ is ignored so
# that the write fails instead of the process dying (CPython ignores it at start-up anyway);
# both the limit and the ignored signal survive the exec. (No preexec_fn: the test's server
# thread is running, and fork-then-run-Python is not safe in a threaded process.)
UNDER_LIMIT = (
    "import os, resource, signal, sys; "
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
    "resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]),) * 2); "
    "os.execv(sys.executable, [sys.executable, '-m', 'newsarchive', *sys.argv[2:]])"
)


def _crawl(
    site_file: Path, out: Path, *extra: str, room: int | None = None
) -> subprocess.CompletedProcess[str]:
    args = ["crawl", "--site-file", str(site_file), "--out", str(out), *FAST, *extra]
    if room is None:
        return run_cli(*args)
    return subprocess.run(
        [sys.executable, "-c", UNDER_LIMIT, str(room), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _integrity(folder: Path) -> list[tuple[str]]:
    database = sqlite3.connect(f"file:{folder / 'state.sqlite3'}?mode=ro", uri=True)
    try:
        return database.execute("PRAGMA integrity_check").fetchall()
    finally:
        database.close()


def _archived_ids(folder: Path) -> list[str]:
    return sorted(record["id"] for record in load_articles(folder / "articles"))


SQLITE_SIDE_FILES = {"state.sqlite3-wal", "state.sqlite3-shm"}
WRITE_FAILED = (
    "newsarchive: cannot write the archive at {folder}: {reason}; the crawl stopped, and the "
    "next run keeps what it wrote"
)


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_disk_full_mid_crawl(tmp_path: Path, compress: bool) -> None:
    extra = ("--compress",) if compress else ()
    suffix = ".jsonl.gz" if compress else ".jsonl"
    out = tmp_path / "out"
    folder = out / "tiny"
    with TinySite(ARTICLES, paragraphs=30, private=False) as site:
        site_file = write_site_file(tmp_path / "tiny.toml", site.url)
        first = _crawl(site_file, out, "--max-articles", "3", *extra)
        assert first.returncode == 0, first.stderr
        before = tree(folder)

        full = _crawl(site_file, out, *extra, room=ROOM)
        reason = "File too large"  # EFBIG; a real full disk says "No space left on device"
        assert_one_line(full, EXIT_FAILED, WRITE_FAILED.format(folder=folder, reason=reason))
        after = tree(folder)
        # The first run's files byte for byte, and no new published file: what this run wrote
        # stays a .part file (its last line torn), which no reader opens.
        earlier = [name for name in before if name.endswith((suffix, ".warc.gz", "runs.jsonl"))]
        assert len(earlier) == 3
        assert [after[name] for name in earlier] == [before[name] for name in earlier]
        added = sorted(set(after) - set(before) - SQLITE_SIDE_FILES)
        part = re.compile(
            rf"articles/(\d{{8}}T\d{{6}}Z-[0-9a-z-]+-[0-9a-f]{{4}})-0001{re.escape(suffix)}\.part"
        )
        # ... and the run's pages, kept before the records read from them.
        assert len(added) == 2, added
        match = part.fullmatch(added[0])
        assert match is not None, added
        stopped_run = match[1]
        assert added[1] == f"warc/{stopped_run}-0001.warc.gz.part"
        assert _integrity(folder) == [("ok",)]
        assert len(list(load_runs(folder))) == 1  # a run that could not finish writes no run record

        rest = _crawl(site_file, out, *extra)
        assert rest.returncode == 0, rest.stderr
    # Every article exactly once: the stopped run's complete lines, published by the next run,
    # and what that run fetched itself.
    assert _archived_ids(folder) == sorted(f"tiny:{n}" for n in range(1, ARTICLES + 1))
    assert not list(folder.glob("*/*.part"))
    assert _integrity(folder) == [("ok",)]
    kept = len(list(load_articles(folder / "articles" / f"{stopped_run}-0001{suffix}")))
    runs = list(load_runs(folder))
    assert [(run["articles_new"], run["recovered_runs"]) for run in runs] == [
        (3, []),
        (ARTICLES - 3 - kept, [stopped_run]),
    ]


def test_disk_already_full_when_the_crawl_starts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    folder = out / "tiny"
    with TinySite(3, private=False) as site:
        site_file = write_site_file(tmp_path / "tiny.toml", site.url)
        assert _crawl(site_file, out).returncode == 0
        before = tree(folder)
        requests = len(site.requests)
        full = _crawl(site_file, out, room=1000)
        assert len(site.requests) == requests  # stopped before fetching anything
    assert_one_line(full, EXIT_FAILED, WRITE_FAILED.format(folder=folder, reason="disk I/O error"))
    after = tree(folder)
    assert {name: after[name] for name in before} == before
    assert set(after) - set(before) <= SQLITE_SIDE_FILES
    assert _integrity(folder) == [("ok",)]
