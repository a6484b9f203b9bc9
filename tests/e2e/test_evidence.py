"""End to end: the pages a crawl kept as WARC, records that point at them, reparse, import."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from newsarchive import __version__
from newsarchive.demo import DemoServer
from newsarchive.demo.pages import fixture_root
from newsarchive.evidence import reparse
from newsarchive.evidence.reader import WarcEntry, WarcProblem, read_record_at, read_warc
from newsarchive.sites import load_site
from tests.support.helpers import DEMO_SITE, FAST, ROOT, expected_articles, read_jsonl, run_cli

pytestmark = pytest.mark.slow

ARTICLES = len(expected_articles())
CODECS = ("utf-8", "windows-1251")
# Fields a reparse or an import must give exactly as the crawl did.
READ_FIELDS = (
    "id", "url", "title", "lead", "body", "section", "author", "published_at",
    "published_precision", "published_raw", "fetched_at", "lang", "content_hash",
)  # fmt: skip


def crawl(url: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    result = run_cli("crawl", url, "--site", "everyday", "--out", str(out), *FAST, *extra)
    assert result.returncode == 0, result.stderr
    return result


def entries(path: Path) -> list[WarcEntry]:
    read = list(read_warc(path))
    assert [entry for entry in read if isinstance(entry, WarcProblem)] == []
    return [entry for entry in read if isinstance(entry, WarcEntry)]


def runs(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "runs.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo crawled twice, the second time re-fetching every listed article."""
    out = tmp_path_factory.mktemp("evidence")
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        first = crawl(server.url, out)
        second = crawl(server.url, out, "--recheck-days", "0")
        url = server.url
    return {"out": out, "folder": out / "everyday", "first": first, "second": second, "url": url}


def test_every_response_is_kept_with_its_request(crawled: dict[str, Any]) -> None:
    folder = crawled["folder"]
    first_run, second_run = runs(folder)
    first_file, second_file = sorted((folder / "warc").iterdir())
    assert first_file.name == f"{first_run['run_id']}-0001.warc.gz"
    records = entries(first_file)
    kinds = [entry.record_type for entry in records]
    # robots.txt, 3 listing pages, 28 articles and the one 404: 33 responses, each with its request.
    assert kinds == ["warcinfo", *["response", "request"] * 33]
    responses = [entry for entry in records if entry.record_type == "response"]
    assert [entry.http_status for entry in responses].count(404) == 1
    assert responses[0].target_uri == crawled["url"] + "robots.txt"
    info = dict(records[0].warcinfo or {})
    assert info["software"] == f"newsarchive/{__version__}"
    assert info["run-id"] == first_run["run_id"]
    assert info["site"] == "everyday"
    assert info["parser-version"] == load_site("everyday").parser_version
    assert info["http-header-accept-encoding"] == "gzip, deflate"
    assert info["robots"] == "obey"
    request = next(entry for entry in records if entry.record_type == "request")
    headers = dict(request.http_headers or ())
    assert headers["User-Agent"].startswith(f"newsarchive/{__version__} (+")
    assert headers["Accept-Encoding"] == "gzip, deflate"  # never zstd, which replay cannot read
    assert headers["Host"] == crawled["url"].split("/")[2]
    assert first_run["warc_pages"] == 33
    assert first_run["warc_bytes"] == sum(
        entry.length for entry in records if entry.record_type != "warcinfo"
    )
    assert f"{first_run['run_id']}-0001.warc.gz" in " ".join(first_run["files"])
    assert "pages kept (WARC)  33 (0 unchanged, kept as revisits)" in crawled["first"].stdout
    assert second_file.name == f"{second_run['run_id']}-0001.warc.gz"


def test_each_article_record_points_at_its_page(crawled: dict[str, Any]) -> None:
    folder = crawled["folder"]
    articles = read_jsonl(folder / "articles")
    assert len(articles) == ARTICLES
    for record in articles:
        source = record["source"]
        entry = read_record_at(folder / source["warc"], source["offset"])
        assert (entry.record_type, entry.record_id) == ("response", source["record_id"])
        assert (entry.length, entry.target_uri) == (source["length"], record["url"])
        # The page as kept reads as the record says (some demo pages are windows-1251).
        assert any(record["title"].encode(code) in (entry.body or b"") for code in CODECS)
        assert record["parser_version"] == load_site("everyday").parser_version
        assert (record["reparsed"], record["changed_fields"]) == (False, None)


def test_an_unchanged_refetch_is_a_revisit_of_the_first_capture(crawled: dict[str, Any]) -> None:
    folder = crawled["folder"]
    first_file, second_file = sorted((folder / "warc").iterdir())
    first = {e.target_uri: e for e in entries(first_file) if e.record_type == "response"}
    second = [e for e in entries(second_file) if e.record_type not in ("warcinfo", "request")]
    revisits = [entry for entry in second if entry.record_type == "revisit"]
    # Exactly the pages whose payload the first run kept are revisits (robots.txt, the articles
    # whose sidebar stamps did not move); the rest are whole responses again.
    for entry in second:
        original = first[entry.target_uri]
        same = entry.payload_digest == original.payload_digest
        assert entry.record_type == ("revisit" if same else "response"), entry.target_uri
        if same:
            assert entry.body is None
            assert entry.refers_to is not None
            assert entry.refers_to.record_id == original.record_id
            assert entry.refers_to.date == original.date
            assert entry.refers_to.target_uri == entry.target_uri
    articles = {record["url"] for record in read_jsonl(folder / "articles")}
    assert articles & {entry.target_uri for entry in revisits}
    second_run = runs(folder)[1]
    assert second_run["articles_new"] == second_run["articles_updated"] == 0
    assert second_run["warc_pages"] == len(second)
    assert f"({len(revisits)} unchanged, kept as revisits)" in crawled["second"].stdout


def test_reparse_dry_run_of_a_fresh_crawl_changes_nothing(crawled: dict[str, Any]) -> None:
    result = run_cli("reparse", str(crawled["out"]), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        f"  unchanged          {ARTICLES}",
        "  would change       0",
    ]


def test_reparse_after_a_parser_change_writes_exactly_the_changed_records(
    crawled: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "archive"
    shutil.copytree(crawled["out"], out)
    folder = out / "everyday"
    # The parser change: titles from <title> (which adds " » Everyday.uz — ...") instead of h1.
    site_file = tmp_path / "everyday.toml"
    text = (ROOT / "newsarchive" / "sites" / "everyday.toml").read_text(encoding="utf-8")
    title_line = next(line for line in text.splitlines() if line.startswith("title = ["))
    site_file.write_text(text.replace(title_line, 'title = ["head title"]'), encoding="utf-8")
    before = read_jsonl(folder / "articles")
    dry = run_cli("reparse", str(out), "--dry-run", "--site-file", str(site_file))
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[1:4] == [
        "  unchanged          0",
        f"  would change       {ARTICLES}",
        f"  title              {ARTICLES} would change",
    ]
    # Three examples, each the archived title and the new one, cut to where they differ.
    titles = {record["id"]: record["title"] for record in before}
    examples = lines[4:]
    assert len(examples) == 3
    for line in examples:
        article_id, _, change = line.strip().partition(": ")
        old, _, new = change.partition(" → ")
        assert old.startswith("…")
        assert repr(titles[article_id]).endswith(old[1:])
        assert new.endswith(" » Everyday.uz — Новости Узбекистана'")
    assert read_jsonl(folder / "articles") == before  # a dry run writes nothing

    wet = run_cli("reparse", str(out), "--site-file", str(site_file), "--processes", "2")
    assert wet.returncode == 0, wet.stderr
    after = read_jsonl(folder / "articles")
    assert after[: len(before)] == before  # the earlier lines stay
    new = {record["id"]: record for record in after[len(before) :]}
    assert len(new) == ARTICLES
    for old in before:
        record = new[old["id"]]
        assert record["version"] == 2
        assert (record["reparsed"], record["changed_fields"]) == (True, ["title"])
        assert record["title"].startswith(old["title"] + " » ")
        assert record["source"] == old["source"]
        assert record["fetched_at"] == old["fetched_at"]
        assert record["published_at"] == old["published_at"]  # relative stamps: the same instant
        assert record["parser_version"] != old["parser_version"]
        assert record["parser_version"].startswith(f"{__version__}+")
    reparse_run = runs(folder)[-1]
    assert (reparse_run["finish_reason"], reparse_run["health"]) == ("reparsed", "ok")
    assert (reparse_run["articles_updated"], reparse_run["requests"]) == (ARTICLES, 0)
    # Read again with the same description: nothing more to change.
    again = run_cli("reparse", str(out), "--dry-run", "--site-file", str(site_file))
    assert again.stdout.splitlines()[1:3] == [
        f"  unchanged          {ARTICLES}",
        "  would change       0",
    ]
    assert run_cli("validate", str(folder)).returncode == 0


def test_import_of_our_own_warc_gives_the_crawls_records(
    crawled: dict[str, Any], tmp_path: Path
) -> None:
    folder = crawled["folder"]
    warcs = sorted((folder / "warc").iterdir())
    result = run_cli(
        "import", *map(str, warcs), "--site", "everyday", "--host", crawled["url"],
        "--out", str(tmp_path), "-s", "NEWSARCHIVE_PROGRESS_INTERVAL=0",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    imported = {record["id"]: record for record in read_jsonl(tmp_path / "everyday" / "articles")}
    crawled_records = {record["id"]: record for record in read_jsonl(folder / "articles")}
    assert imported.keys() == crawled_records.keys()
    for key, record in imported.items():
        original = crawled_records[key]
        assert {f: record[f] for f in READ_FIELDS} == {f: original[f] for f in READ_FIELDS}
        source = record["source"]
        assert Path(source["warc"]).is_absolute()
        assert (source["offset"], source["record_id"]) == (
            original["source"]["offset"],
            original["source"]["record_id"],
        )
    # Every page of both runs is read, a revisit through to its first capture; the 404 is not.
    pages = [e for path in warcs for e in entries(path) if e.record_type in ("response", "revisit")]
    ok = sum(1 for entry in pages if entry.http_status == 200)
    assert result.stdout.splitlines()[:3] == [
        result.stdout.splitlines()[0],
        f"  pages read         {ok}",
        f"  records skipped    {len(pages) - ok} (http_404: {len(pages) - ok})",
    ]
    assert result.stdout.startswith("newsarchive: import of 2 WARC file(s) into everyday finished")
    assert runs(tmp_path / "everyday")[0]["health"] == "ok"


def test_no_warc_keeps_no_pages(tmp_path: Path) -> None:
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        result = crawl(server.url, tmp_path, "--no-warc")
    folder = tmp_path / "everyday"
    assert not (folder / "warc").exists()
    assert {record["source"] for record in read_jsonl(folder / "articles")} == {None}
    assert (runs(folder)[0]["warc_bytes"], runs(folder)[0]["warc_pages"]) == (0, 0)
    assert "pages kept (WARC)" not in result.stdout
    dry = run_cli("reparse", str(tmp_path), "--dry-run")
    assert f"  without a page     {ARTICLES} (archived with --no-warc)" in dry.stdout


def test_warc_files_roll_at_the_size_set(tmp_path: Path) -> None:
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        crawl(server.url, tmp_path, "-s", "NEWSARCHIVE_WARC_MAX_BYTES=20000")
    folder = tmp_path / "everyday"
    files = sorted((folder / "warc").iterdir())
    assert len(files) >= 5
    for path in files:
        assert entries(path)[0].record_type == "warcinfo"
    for record in read_jsonl(folder / "articles"):
        source = record["source"]
        assert (
            read_record_at(folder / source["warc"], source["offset"]).record_id
            == (source["record_id"])
        )


def test_a_site_crawled_by_its_address_reparses_unchanged(tmp_path: Path) -> None:
    """No site file: reparse reads the zone from the warcinfo record and judges pages as the
    generic spider did; an import of the same WARC with --generic finds the same articles."""
    with DemoServer(fixture_root("plain-site"), port=0, virtual_clock=True) as server:
        result = run_cli("crawl", server.url, "--tz", "Asia/Tashkent", "--name", "plain",
                         "--out", str(tmp_path / "crawl"), *FAST)  # fmt: skip
        assert result.returncode == 0, result.stderr
    folder = tmp_path / "crawl" / "plain"
    crawled_records = {record["id"]: record for record in read_jsonl(folder / "articles")}
    dry = run_cli("reparse", str(tmp_path / "crawl"), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[1:] == [
        f"  unchanged          {len(crawled_records)}",
        "  would change       0",
    ]
    imported = run_cli(
        "import", *map(str, sorted((folder / "warc").iterdir())), "--generic", "--name", "plain",
        "--tz", "Asia/Tashkent", "--out", str(tmp_path / "import"),
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    records = {r["id"]: r for r in read_jsonl(tmp_path / "import" / "plain" / "articles")}
    assert records.keys() == crawled_records.keys()
    for key, record in records.items():
        assert {f: record[f] for f in READ_FIELDS} == {
            f: crawled_records[key][f] for f in READ_FIELDS
        }


def test_reparse_on_two_processes_reads_as_one_does(
    crawled: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of 4 pages over 2 worker processes, a few chunks ahead: the same report, in the
    same order, as reading every page in this process."""
    site_file = tmp_path / "everyday.toml"
    text = (ROOT / "newsarchive" / "sites" / "everyday.toml").read_text(encoding="utf-8")
    title_line = next(line for line in text.splitlines() if line.startswith("title = ["))
    site_file.write_text(text.replace(title_line, 'title = ["head title"]'), encoding="utf-8")
    monkeypatch.setattr(reparse, "_CHUNK", 4)
    folder = crawled["folder"]
    site = reparse.crawled_site(folder, site_file)
    serial = reparse.reparse_site(folder, reparse.Reparse(site=site, processes=1, dry_run=True))
    spread = reparse.reparse_site(folder, reparse.Reparse(site=site, processes=2, dry_run=True))
    assert (spread.records, spread.changed, spread.unchanged) == (ARTICLES, ARTICLES, 0)
    assert (serial.records, serial.changed, serial.unchanged) == (ARTICLES, ARTICLES, 0)
    assert spread.by_field == serial.by_field == {"title": ARTICLES}
    assert spread.examples == serial.examples
