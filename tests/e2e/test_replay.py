"""The archive replays in pywb and passes warcio's checks (issue #16).

First the harness itself, on WARC files two other producers wrote against the demo site:
warcio's ``capture_http`` (WARC/1.1, as our capture writes) and Debian's ``wget --warc-file``
(WARC/1.0). pywb serves them after the site has stopped, so every answer comes from the
archive. Two replay modes are checked: ``id_`` returns the archived response itself, so its
bytes must equal the record's payload; ``mp_`` is what a researcher's browser shows (the page
rewritten so its links stay inside the archive), so it must keep the title. pywb's default
mode, the frame, is left out: it is pywb's own page, titled by script.

Then a crawl's own files: two crawls of the demo site (the second re-fetches every listed
article, kept as revisits) pass ``warcio check`` with digests on every record, ``warcio index``
finds every article record's ``source``, and pywb replays 20 archived articles (status 200,
the archived bytes, the live site's title) and each revisit with its first capture's payload.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive.demo import DemoServer
from newsarchive.demo.local import LocalServer
from tests.support.helpers import DEMO_SITE, FAST, expected_articles, read_jsonl, run_cli
from tests.support.replay import (
    Fetched,
    IndexEntry,
    Replay,
    http_get,
    require_pywb,
    timestamp14,
    title_of,
    warc_check,
    warc_index,
)

pytestmark = pytest.mark.slow

# A page the demo site never serves: its server sends it gzip-coded, as most news sites do.
CODED_TITLE = "Сжатая страница"
CODED_PAGE = f"<html><head><title>{CODED_TITLE}</title></head><body>текст</body></html>"


class _GzipHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = gzip.compress(CODED_PAGE.encode("utf-8"), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _capture_with_warcio(urls: list[str], warc: Path) -> None:
    # Imported when used: importing capture_http swaps http.client's connection class for the
    # whole process (recording inside its block, passing through outside), which collecting
    # this module should not do.
    from warcio.capture_http import capture_http

    with capture_http(str(warc), warc_version="1.1", gzip=True):
        for url in urls:
            request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()


def _capture_with_wget(urls: list[str], warc: Path) -> None:
    if shutil.which("wget") is None:
        pytest.fail("wget is needed: apt-get install wget")
    prefix = str(warc).removesuffix(".warc.gz")
    command = ["wget", "--no-config", "--no-verbose", "--tries=1", "--timeout=10"]
    done = subprocess.run(
        [*command, f"--warc-file={prefix}", "-O", "/dev/null", *urls],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _payload(entry: IndexEntry) -> bytes:
    """The record's HTTP body, as a WARC reader at ``entry.offset`` gets it."""
    with entry.path.open("rb") as handle:
        handle.seek(entry.offset)
        record = next(iter(ArchiveIterator(handle)))
        payload: bytes = record.content_stream().read()
        return payload


def _memento(entry: IndexEntry) -> str:
    """The ``Memento-Datetime`` a replay of ``entry`` must carry: its WARC-Date, to the second.

    >>> _memento(IndexEntry(Path("a.warc.gz"), 0, 1, "response", "<urn:x>", "http://a/",
    ...                     "2026-12-06T22:30:14.032771Z"))
    'Sun, 06 Dec 2026 22:30:14 GMT'
    """
    assert entry.date is not None
    return format_datetime(datetime.fromisoformat(entry.date).replace(microsecond=0), usegmt=True)


@dataclass(frozen=True)
class ThirdParty:
    """WARC files of other producers, their response records, what the live site gave, pywb."""

    warcs: list[Path]
    responses: dict[str, IndexEntry]  # by URL
    live: dict[str, Fetched]  # by URL, fetched outside any capture
    coded_url: str
    replay: Replay


@pytest.fixture(scope="module")
def third_party(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThirdParty]:
    bin_dir = require_pywb()
    folder = tmp_path_factory.mktemp("third-party")
    warcio_warc, wget_warc = folder / "warcio.warc.gz", folder / "wget.warc.gz"
    paths = [row["url_path"] for row in expected_articles()[:6]]
    with (
        DemoServer(DEMO_SITE, port=0, virtual_clock=True) as site,
        LocalServer(_GzipHandler) as coded,
    ):
        urls = [site.url + path.lstrip("/") for path in paths]
        coded_url = coded.url + "coded.html"
        _capture_with_warcio([site.url, *urls[:3], coded_url], warcio_warc)
        _capture_with_wget(urls[3:], wget_warc)
        live = {url: http_get(url) for url in [site.url, *urls, coded_url]}
    warcs = [warcio_warc, wget_warc]
    responses = {
        entry.target_uri: entry
        for entry in warc_index(warcs)
        if entry.warc_type == "response" and entry.target_uri is not None
    }
    with Replay(warcs, folder / "pywb", bin_dir=bin_dir) as replay:
        yield ThirdParty(warcs, responses, live, coded_url, replay)


def test_warcio_checks_and_indexes_other_producers_warcs(third_party: ThirdParty) -> None:
    report = warc_check(third_party.warcs)
    assert report.ok, report.output
    # warcio: request and response each; wget: warcinfo, then its log as metadata and resources.
    assert [record.warc_type for record in report.records] == [
        *["response", "request"] * 5,
        "warcinfo",
        *["request", "response"] * 3,
        "metadata",
        "resource",
        "resource",
    ]
    assert {record.verdicts for record in report.records} == {("digest pass",)}
    assert sorted(third_party.responses) == sorted(third_party.live)


def test_id_mode_replays_the_archived_bytes(third_party: ThirdParty) -> None:
    replay = third_party.replay
    for url, entry in third_party.responses.items():
        page = replay.fetch(url, timestamp14(entry.date or ""))
        assert page.status == 200, url
        assert page.headers["Memento-Datetime"] == _memento(entry), url
        if url == third_party.coded_url:
            continue  # the next test: pywb undoes the content coding for this client
        assert page.body == _payload(entry), url
        assert title_of(page) == title_of(third_party.live[url]), url
        assert title_of(page), url


def test_rewriting_mode_keeps_the_title_and_links_into_the_archive(
    third_party: ThirdParty,
) -> None:
    replay = third_party.replay
    for url, entry in third_party.responses.items():
        timestamp = timestamp14(entry.date or "")
        page = replay.fetch(url, timestamp, "mp_")
        assert page.status == 200, url
        assert title_of(page) == title_of(third_party.live[url]), url
        if url != third_party.coded_url:
            # The site's menu link to its home page now leads to the archived home page.
            home = urlsplit(url)._replace(path="/").geturl()
            link = f'href="/{replay.collection}/{timestamp}mp_/{home}"'
            assert link in page.body.decode("utf-8"), url


def test_a_gzip_coded_page_replays_as_the_client_accepts_it(third_party: ThirdParty) -> None:
    """The WARC keeps the body as sent, coded; pywb decodes it for a client that accepts only
    identity and hands it on coded to one that accepts gzip."""
    url = third_party.coded_url
    entry = third_party.responses[url]
    target = third_party.replay.url(url, timestamp14(entry.date or ""))
    with entry.path.open("rb") as handle:
        handle.seek(entry.offset)
        record = next(iter(ArchiveIterator(handle)))
        assert record.http_headers.get_header("Content-Encoding") == "gzip"
        kept = record.raw_stream.read()
    plain = http_get(target)
    assert (plain.status, plain.headers["Content-Encoding"]) == (200, None)
    assert plain.body == CODED_PAGE.encode("utf-8")
    assert title_of(plain) == CODED_TITLE
    coded = http_get(target, headers={"Accept-Encoding": "gzip"})
    assert (coded.status, coded.headers["Content-Encoding"]) == (200, "gzip")
    assert coded.body == kept
    assert gzip.decompress(coded.body) == CODED_PAGE.encode("utf-8")


def test_the_nearest_capture_answers_and_an_unarchived_url_is_not_found(
    third_party: ThirdParty,
) -> None:
    replay = third_party.replay
    url, entry = next(iter(third_party.responses.items()))
    earlier = replay.fetch(url, "19990101000000")
    assert (earlier.status, earlier.headers["Memento-Datetime"]) == (200, _memento(entry))
    never = urlsplit(url)._replace(path="/never-archived.html").geturl()
    assert replay.fetch(never, "19990101000000").status == 404


def test_warc_check_reports_each_record_whose_bytes_changed(tmp_path: Path) -> None:
    """The check the crawl's files pass is no formality: one changed byte fails its record."""
    warc = tmp_path / "edited.warc"
    with warc.open("wb") as handle:
        writer = WARCWriter(handle, gzip=False, warc_version="1.1")
        for name in ("a", "b"):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
            page = BytesIO(f"<title>{name}</title>".encode())
            record = writer.create_warc_record(
                f"http://127.0.0.1/{name}", "response", payload=page, http_headers=http
            )
            writer.write_record(record)
    warc.write_bytes(warc.read_bytes().replace(b"<title>a<", b"<title>z<"))
    report = warc_check([warc])
    assert (report.ok, report.returncode, report.errors) == (False, 1, ())
    assert [
        (record.warc_type, tuple(re.sub(r" ?sha1:\w+$", "", v) for v in record.verdicts))
        for record in report.records
    ] == [
        ("response", ("block digest failed:", "payload digest failed")),
        ("response", ("digest pass",)),
    ]


# -- a crawl's own WARC files -----------------------------------------------------------------

# The figure: enough articles to catch a pattern, few enough to stay within a second.
REPLAYED_ARTICLES = 20


@dataclass(frozen=True)
class Crawled:
    """Two crawls of the demo site (the second re-fetches every listed article), their WARC
    files as warcio indexes them, the article records, live titles, and pywb serving it all."""

    site: Path  # the site's archive folder, that ``source.warc`` is relative to
    warcs: list[Path]
    index: dict[tuple[Path, int], IndexEntry]  # by (file, offset)
    articles: list[dict[str, Any]]
    live: dict[str, Fetched]  # each article URL as the live site answered it after the crawls
    replay: Replay

    def source_of(self, article: dict[str, Any]) -> IndexEntry | None:
        """The index entry at an article record's ``source``, None if warcio lists none there."""
        source = article["source"]
        return self.index.get((self.site / source["warc"], source["offset"]))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    bin_dir = require_pywb()
    out = tmp_path_factory.mktemp("crawl")
    site = out / "everyday"
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        for extra in ((), ("--recheck-days", "0")):
            done = run_cli(
                "crawl", server.url, "--site", "everyday", "--out", str(out), *FAST, *extra
            )
            assert done.returncode == 0, done.stderr
        articles = read_jsonl(site / "articles")
        live = {article["url"]: http_get(article["url"]) for article in articles}
    warcs = sorted((site / "warc").glob("*.warc.gz"))
    index = {(entry.path, entry.offset): entry for entry in warc_index(warcs)}
    with Replay(warcs, out / "pywb", bin_dir=bin_dir) as replay:
        yield Crawled(site, warcs, index, articles, live, replay)


def test_warcio_check_passes_on_every_warc_file_a_crawl_writes(crawled: Crawled) -> None:
    # Both runs published their file; no .part is left behind.
    assert sorted(path.name for path in (crawled.site / "warc").iterdir()) == [
        path.name for path in crawled.warcs
    ]
    report = warc_check(crawled.warcs)
    assert report.ok, report.output
    kinds = [
        Counter(record.warc_type for record in report.records if record.path == str(path))
        for path in crawled.warcs
    ]
    # 33 pages fetched, then 12 re-fetched unchanged (robots.txt, the home page, 10 articles).
    assert kinds == [
        {"warcinfo": 1, "response": 33, "request": 33},
        {"warcinfo": 1, "revisit": 12, "request": 12},
    ]
    # Digests on every record; warcio checks all but a revisit's, whose payload is elsewhere.
    verdicts = {(record.warc_type == "revisit", record.verdicts) for record in report.records}
    assert verdicts == {
        (False, ("digest pass",)),
        (True, ("digest present but not checked (revisit)",)),
    }


def test_warcio_index_lists_every_article_records_source(crawled: Crawled) -> None:
    assert len(crawled.articles) == len(expected_articles())
    for article in crawled.articles:
        source = article["source"]
        entry = crawled.source_of(article)
        assert entry is not None, (article["url"], source)
        assert (entry.warc_type, entry.record_id, entry.length, entry.target_uri) == (
            "response",
            source["record_id"],
            source["length"],
            article["url"],
        )


def test_pywb_replays_archived_articles_with_their_live_titles(crawled: Crawled) -> None:
    articles = sorted(crawled.articles, key=lambda article: article["url"])[:REPLAYED_ARTICLES]
    assert len(articles) == REPLAYED_ARTICLES
    for article in articles:
        url, entry = article["url"], crawled.source_of(article)
        assert entry is not None, url
        live_title = title_of(crawled.live[url])
        assert live_title, url
        timestamp = timestamp14(entry.date or "")
        page = crawled.replay.fetch(url, timestamp)
        assert (page.status, page.headers["Memento-Datetime"]) == (200, _memento(entry)), url
        assert page.body == _payload(entry), url
        assert title_of(page) == live_title, url
        rewritten = crawled.replay.fetch(url, timestamp, "mp_")
        assert (rewritten.status, title_of(rewritten)) == (200, live_title), url


def test_pywb_replays_a_revisit_with_its_first_captures_payload(crawled: Crawled) -> None:
    first = {
        entry.target_uri: entry
        for entry in crawled.index.values()
        if entry.warc_type == "response" and entry.path == crawled.warcs[0]
    }
    revisits = [entry for entry in crawled.index.values() if entry.warc_type == "revisit"]
    assert len(revisits) == 12
    for revisit in revisits:
        url = revisit.target_uri or ""
        page = crawled.replay.fetch(url, timestamp14(revisit.date or ""))
        assert (page.status, page.headers["Memento-Datetime"]) == (200, _memento(revisit)), url
        assert page.body == _payload(first[url]), url
