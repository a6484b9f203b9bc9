"""Re-runs that cost nothing when nothing changed (issue #17), read from the server's own log.

The synthetic DLE site (``benchmarks/synthetic_site.py``) of 30 articles offers what both
spiders walk: a paginated listing (``/``, ``/page/N/``), a sitemap index of child sitemaps of 8
articles (oldest first, each with its ``<lastmod>``), an RSS feed, a page per section and per
day. Its log says, for every request, the status it got and whether it asked "changed since?".
The site-file spider reads it with the ``everyday`` site file, the generic spider by discovery.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.synthetic_site import SECTIONS, Hit, SyntheticSite, Validating
from newsarchive.analysis import load_runs
from newsarchive.evidence.reader import WarcEntry, read_warc
from tests.support.helpers import FAST, ROOT, read_jsonl, run_cli
from tests.support.postgres import postgres_url

pytestmark = pytest.mark.slow

__all__ = ["postgres_url"]  # the fixture, used by name

ARTICLES = 30
PER_SITEMAP = 8
SPIDERS = {"site": ("--site", "everyday"), "generic": ()}
FOLDERS = {"site": "everyday", "generic": "127-0-0-1"}
SECTION_PAGES = {f"/{name}/" for name in SECTIONS}
# What the first crawl of the site fetches, every answer a 200 and nothing asked: robots.txt,
# the 4 listing pages (/ and /page/1/ to /page/3/) and the 30 articles for the site file; for
# the generic crawl also robots.txt a second time (Scrapy's and the spider's), the sitemap
# index and its 4 children, the feed, the 7 sections and 5 days.
FIRST_RUN = {"site": 35, "generic": 51}


def _site(validators: Validating = "honoured", **kwargs: Any) -> SyntheticSite:
    return SyntheticSite(ARTICLES, validators=validators, per_sitemap=PER_SITEMAP, **kwargs)


def _crawl(site: SyntheticSite, out: Path, spider: str, *extra: str) -> list[Hit]:
    """Crawl the site with ``spider``; the requests the server answered meanwhile."""
    mark = len(site.log)
    result = run_cli("crawl", site.url, "--out", str(out), *SPIDERS[spider], *FAST, *extra)
    assert result.returncode == 0, result.stderr
    return site.hits(mark)


def _kinds(hits: Iterable[Hit]) -> Counter[str]:
    """Requests by what they asked and got: "200", "200 asked", "304"."""
    return Counter(f"{hit.status}{' asked' if hit.conditional and hit.status != 304 else ''}"
                   for hit in hits)  # fmt: skip


def _run(out: Path, spider: str) -> dict[str, Any]:
    return list(load_runs(out / FOLDERS[spider]))[-1]


def _archived(out: Path, spider: str) -> list[str]:
    """The path of each article record, in the order written."""
    records = read_jsonl(out / FOLDERS[spider] / "articles")
    return [record["url"].split("/", 3)[3] for record in records]


def _article_path(number: int) -> str:
    """The path of the synthetic site's article ``number`` (0 the newest, -1 published after)."""
    section = SECTIONS[number % len(SECTIONS)]
    return f"{section}/{100000 - number}-post.html"


@pytest.mark.parametrize(
    ("spider", "store"),
    [("site", "sqlite"), ("generic", "sqlite"), ("generic", "postgresql")],
)
def test_an_unchanged_rerun_fetches_almost_nothing_and_new_articles_are_found(
    spider: str, store: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    stored = ("--store", request.getfixturevalue("postgres_url")) if store == "postgresql" else ()
    out = tmp_path / "archive"
    with _site() as site:
        first = _crawl(site, out, spider, *stored)
        unchanged = _crawl(site, out, spider, *stored)
        site.publish(3)
        changed = _crawl(site, out, spider, *stored)

    assert _kinds(first) == {"200": FIRST_RUN[spider]}
    if spider == "site":
        # Listing page 1 is unchanged, so nothing is new: robots.txt is all that is read.
        assert [(hit.path, hit.status) for hit in unchanged] == [("/robots.txt", 200), ("/", 304)]
    else:
        # Robots.txt (twice) and the home page, which names the feed; everything else answers
        # 304: the sitemap index (its 304 answers for its dated children), the feed, and the
        # sections and day linked from the home page. Pagination stops at the home page.
        assert sorted(hit.path for hit in unchanged if hit.status == 200) == [
            "/", "/robots.txt", "/robots.txt"
        ]  # fmt: skip
        assert {hit.path for hit in unchanged if hit.status == 304} == {
            "/sitemap.xml", "/rss.xml", "/2025/12/11/", *SECTION_PAGES
        }  # fmt: skip
        assert _kinds(unchanged) == {"200": 3, "304": 10}
    quiet = list(load_runs(out / FOLDERS[spider]))[1]
    assert (quiet["articles_new"], quiet["requests"], quiet["errors"]) == (
        0, len(unchanged), {}
    )  # fmt: skip

    # Three articles published: each found and archived once, nothing else fetched again.
    new = [_article_path(number) for number in (-1, -2, -3)]
    assert sorted(_archived(out, spider)[ARTICLES:]) == sorted(new)
    assert len(set(_archived(out, spider))) == ARTICLES + 3
    assert _run(out, spider)["articles_new"] == 3
    fetched = {hit.path for hit in changed}
    assert {f"/{path}" for path in new} <= fetched
    if spider == "site":
        # Every listing page moved; /page/4/ is new. Pages 2 to 4 hold nothing new.
        assert _kinds(changed) == {"200": 5, "200 asked": 4}
    else:
        # The child sitemaps whose <lastmod> did not move are not fetched: only the one the
        # two newest went into (asked, its validators are stale) and the new fifth one.
        assert sorted(path for path in fetched if path.startswith("/sitemap")) == [
            "/sitemap-4.xml", "/sitemap-5.xml", "/sitemap.xml"
        ]  # fmt: skip
        assert _kinds(changed) == {"200": 8, "200 asked": 15}


def test_an_unchanged_site_file_rerun_is_healthy(tmp_path: Path) -> None:
    out = tmp_path / "archive"
    with _site() as site:
        _crawl(site, out, "site")
        assert _crawl(site, out, "site") == [Hit("/robots.txt", 200, False), Hit("/", 304, True)]
    assert (_run(out, "site")["health"], _run(out, "site")["exit_status"]) == ("ok", 0)


def test_the_warc_keeps_each_304_with_the_request_that_asked(tmp_path: Path) -> None:
    """A 304 is evidence too: kept as a response to the request that carried the validators;
    the WARC file reads without a problem, the archive still validates, an import skips it."""
    out = tmp_path / "archive"
    with _site() as site:
        _crawl(site, out, "generic")
        _crawl(site, out, "generic")
    (warc,) = [path for path in (out / "127-0-0-1" / "warc").iterdir()
               if path.name.startswith(_run(out, "generic")["run_id"])]  # fmt: skip
    entries = list(read_warc(warc))
    assert all(isinstance(entry, WarcEntry) for entry in entries)
    records = [entry for entry in entries if isinstance(entry, WarcEntry)]
    answers = {entry.target_uri: entry for entry in records if entry.record_type == "response"}
    asked = {entry.target_uri: entry for entry in records if entry.record_type == "request"}
    feed = next(url for url in answers if url and url.endswith("/rss.xml"))
    assert (answers[feed].http_status, answers[feed].body) == (304, b"")
    assert asked[feed].http_header("If-None-Match") == answers[feed].http_header("ETag")
    # The 3 pages read again are unchanged: revisits of their first captures.
    kept = Counter((entry.record_type, entry.http_status) for entry in records if entry.http_status)
    assert kept == {("response", 304): 10, ("revisit", 200): 3}
    validated = run_cli("validate", str(out))
    assert validated.returncode == 0, validated.stdout
    # An import of the two runs' WARC files skips the 304s by their reason, and finds every
    # article the first run fetched.
    warcs = sorted(str(path) for path in warc.parent.iterdir())
    imported = run_cli("import", "--generic", "--out", str(tmp_path / "import"), *warcs)
    assert imported.returncode == 0, imported.stderr
    assert "records skipped    10 (http_304: 10)" in imported.stdout
    assert "articles written   30 new" in imported.stdout


@pytest.mark.parametrize("spider", sorted(SPIDERS))
def test_after_a_limited_run_nothing_is_asked_and_every_listing_page_is_read(
    spider: str, tmp_path: Path
) -> None:
    """The limited run read what changed and stored its validators (and the new sitemaps'
    dates), but its budget of 2 was spent before every new article was fetched (the generic
    crawl may spend it on section pages): trusting them would hide the rest behind 304s."""
    out = tmp_path / "archive"
    with _site() as site:
        _crawl(site, out, spider)
        site.publish(12)
        limited = _crawl(site, out, spider, "--max-articles", "2")
        left = ARTICLES + 12 - len(_archived(out, spider))
        full = _crawl(site, out, spider)
    assert any(hit.conditional for hit in limited)  # the run before it was complete
    assert not any(hit.conditional for hit in full)
    assert left >= 10
    if spider == "site":
        assert left == 10
    assert _run(out, spider)["articles_new"] == left
    assert len(set(_archived(out, spider))) == len(_archived(out, spider)) == ARTICLES + 12
    fetched = {hit.path for hit in full}
    # Every listing page (42 articles: / and /page/1/ to /page/5/), read whole.
    assert {"/", *(f"/page/{n}/" for n in range(1, 6))} <= fetched
    if spider == "generic":  # and every child sitemap, whatever its <lastmod>
        assert {f"/sitemap-{n}.xml" for n in range(1, 7)} <= fetched


@pytest.mark.parametrize("spider", sorted(SPIDERS))
def test_after_a_killed_run_nothing_is_asked(spider: str, tmp_path: Path) -> None:
    out = tmp_path / "archive"
    with _site() as site:
        _crawl(site, out, spider)
        site.publish(20)
        site.delay = 0.2  # slow enough to be caught mid-way, on a loaded machine too
        mark = len(site.log)
        command = [sys.executable, "-m", "newsarchive", "crawl", site.url, "--out", str(out),
                   *SPIDERS[spider], *FAST]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)  # fmt: skip
        # Killed once it has read a changed page it asked about and fetched a new article.
        deadline = time.monotonic() + 60
        while not any(hit.path.endswith("-post.html") for hit in site.hits(mark)):
            assert process.poll() is None, "the crawl ended before it could be killed"
            assert time.monotonic() < deadline, "the crawl fetched no article"
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert len(list(load_runs(out / FOLDERS[spider]))) == 1, "the crawl ended unkilled"
        killed = site.hits(mark)
        site.delay = 0.0
        after = _crawl(site, out, spider)
    assert Hit("/sitemap.xml" if spider == "generic" else "/", 200, True) in killed
    assert not any(hit.conditional for hit in after)
    archived = _archived(out, spider)
    assert len(archived) == len(set(archived)) == ARTICLES + 20


@pytest.mark.parametrize("spider", sorted(SPIDERS))
def test_a_server_that_ignores_validators_is_read_whole(spider: str, tmp_path: Path) -> None:
    out = tmp_path / "archive"
    with _site("ignored") as site:
        _crawl(site, out, spider)
        again = _crawl(site, out, spider)
    assert _run(out, spider)["exit_status"] == 0
    assert (_run(out, spider)["articles_new"], _run(out, spider)["errors"]) == (0, {})
    if spider == "site":
        assert [(hit.path, hit.status, hit.conditional) for hit in again] == [
            ("/robots.txt", 200, False), ("/", 200, True)
        ]  # fmt: skip
    else:
        # Asked and read: the index (its children's <lastmod> unmoved: none fetched), the
        # feed, the 7 sections and the day the home page links, and the day the sections
        # link; pagination stops at the home page.
        assert _kinds(again) == {"200": 3, "200 asked": 11}


@pytest.mark.parametrize(("spider", "path"), [("site", "/page/2/"), ("generic", "/rss.xml")])
def test_a_304_nobody_asked_for_is_a_failed_page(spider: str, path: str, tmp_path: Path) -> None:
    """A server (or a cache before it) answers 304 to a request that named no validator: there
    is nothing to read, so it is a failure, and the listing walk is not complete."""
    out = tmp_path / "archive"
    with _site(forced={path: 304}) as site:
        first = _crawl(site, out, spider)
        second = _crawl(site, out, spider)
    assert Hit(path, 304, False) in first
    assert Hit(path, 304, False) in second
    assert not any(hit.conditional for hit in second)  # a failed listing page: a full walk
    runs = list(load_runs(out / FOLDERS[spider]))
    assert [run["errors"] for run in runs] == [{"http_304": 1}] * 2
    # The site file misses the 10 articles only page 2 lists; discovery finds every one.
    assert len(_archived(out, spider)) == {"site": 20, "generic": ARTICLES}[spider]


@pytest.mark.parametrize(("spider", "number"), [("site", 0), ("generic", ARTICLES - 1)])
def test_an_article_that_failed_is_fetched_again_by_the_next_run(
    spider: str, number: int, tmp_path: Path
) -> None:
    """The pages it was found through are read whole again, not answered 304: a complete run
    with a failed article must not hide it behind its listing page's validators. (The newest
    article for the site file: one below listing page 1 waits, as without validators, until
    a run walks past page 1, since page 1 holds nothing new. The oldest for the generic crawl:
    it is in the first child sitemap, on its section's and its day's page.)"""
    out = tmp_path / "archive"
    failing = f"/{_article_path(number)}"
    with _site(forced={failing: 500}) as site:
        first = _crawl(site, out, spider)
        del site.forced[failing]
        second = _crawl(site, out, spider)
    assert [hit.status for hit in first if hit.path == failing] == [500] * 3  # and 2 retries
    assert _run(out, spider)["articles_new"] == 1
    assert Hit(failing, 200, False) in second
    if spider == "site":  # page 1's validators were dropped: it is read whole
        assert second[:2] == [Hit("/robots.txt", 200, False), Hit("/", 200, False)]
    else:  # the rest of the walk was still asked, and answered 304
        assert any(hit.status == 304 for hit in second)
