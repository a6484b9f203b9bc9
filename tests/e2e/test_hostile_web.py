"""A crawl of a site that fails in every way real ones do (tests/support/hostile_site.py) ends
on its own, archives every healthy article exactly once, retries what is worth retrying, counts
and logs every failure by URL and kind, and fetches nothing it must not.

Two real ``newsarchive crawl`` processes: one with the ``everyday`` site file (listing pages and
every HTTP and transport fault), one without (the generic spider, through the sitemaps
robots.txt names). Requests are counted by the server, not by the crawler.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

import pytest

from newsarchive.parsers.feeds import Link, read_feed, read_sitemap
from tests.support.hostile_site import (
    ARTICLES,
    FAULTS,
    PRIVATE,
    REDIRECT_CHAIN,
    Crawl,
    HostileSite,
    crawl,
    report,
    xxe_feed,
    xxe_sitemap,
)

pytestmark = pytest.mark.slow

# Scrapy's REDIRECT_MAX_TIMES, and our RETRY_TIMES (2) plus the first try.
REDIRECTS_FOLLOWED = 20
ATTEMPTS = 3
# What each fault URL costs the server, in requests: retried faults are asked for three times.
REQUESTS = {
    "/economy/1009-post.html": 2,  # 500, then the article
    "/page/2/": 2,  # 503, then the listing
    "/politics/1010-old.html": 1,
    "/go/1": 1,
    "/go/2": 1,
    "/society/1011-refresh.html": 1,
    "/faults/1016-cp1251-as-utf8.html": 1,
    "/faults/1017-cp1251-unlabelled.html": 1,
    "/faults/2001-http500.html": ATTEMPTS,
    "/faults/2002-http503.html": ATTEMPTS,
    "/faults/2003-http429.html": ATTEMPTS,
    "/faults/2004-http404.html": 1,
    "/faults/2005-http410.html": 1,
    "/faults/2006-timeout.html": ATTEMPTS,
    "/faults/2007-stall.html": ATTEMPTS,
    "/faults/2008-reset.html": ATTEMPTS,
    "/faults/2009-truncated.html": ATTEMPTS,
    "/faults/2010-fake-gzip.html": 1,
    "/faults/2011-gzip-bomb.html": 1,
    "/faults/2012-loop.html": 1,
    "/loop": 1,
    "/faults/2013-chain.html": 1,
    **{f"/hop/{n}": 1 for n in range(1, REDIRECTS_FOLLOWED + 1)},
    **{f"/hop/{n}": 0 for n in range(REDIRECTS_FOLLOWED + 1, REDIRECT_CHAIN + 1)},
    "/faults/2014-offsite.html": 1,
    "/faults/2015-empty.html": 1,
    "/faults/2016-pdf.html": 1,
    "/faults/2017-oversize.html": 1,
    "/faults/2018-oversize-streamed.html": 1,
    **dict.fromkeys(PRIVATE, 0),
}
# Each URL that archived nothing, by the kind the crawl logged it as.
FAILURES = {
    "/faults/2001-http500.html": "http_500",
    "/faults/2002-http503.html": "http_503",
    "/faults/2003-http429.html": "http_429",
    "/faults/2004-http404.html": "http_404",
    "/faults/2005-http410.html": "http_410",
    "/faults/2006-timeout.html": "DownloadTimeoutError",
    "/faults/2007-stall.html": "DownloadTimeoutError",
    "/faults/2008-reset.html": "DownloadFailedError",
    "/faults/2009-truncated.html": "ResponseDataLossError",
    "/faults/2010-fake-gzip.html": "BadGzipFile",
    "/faults/2011-gzip-bomb.html": "too_large_decompressed",
    "/faults/2012-loop.html": "redirect_loop",
    "/faults/2013-chain.html": "too_many_redirects",
    "/faults/2014-offsite.html": "offsite_redirect",
    "/faults/2015-empty.html": "incomplete_article",
    "/faults/2016-pdf.html": "not_html",
    "/faults/2017-oversize.html": "DownloadCancelledError",
    "/faults/2018-oversize-streamed.html": "DownloadCancelledError",
    **dict.fromkeys(PRIVATE, "robots.txt"),
}
# Off-limits paths: entities resolved, or URLs cut short at an entity, would ask for these.
HOSTILE_XML_PATHS = ("/xxe/", "/leak/", "/probe/", "/laughs/")


@pytest.fixture(scope="module")
def listing(tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    with HostileSite() as site:
        return crawl(site, tmp_path_factory.mktemp("listing"), "everyday", "--site", "everyday")


@pytest.fixture(scope="module")
def discovery(tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    # Depth 0: only the sitemaps (and the home page's pagination) lead to articles.
    with HostileSite() as site:
        return crawl(site, tmp_path_factory.mktemp("discovery"), "hostile", "--name", "hostile",
                     "-s", "NEWSARCHIVE_DISCOVERY_DEPTH=0")  # fmt: skip


def test_crawl_ends_on_its_own_healthy(listing: Crawl) -> None:
    assert listing.returncode == 0, listing.stderr
    assert listing.run["finish_reason"] == "finished"
    assert listing.run["health"] == "ok"
    # Three 2-second timeouts in a row are the slowest thing on the site.
    assert listing.seconds < 60
    # Every request the crawler counted reached the server; none went elsewhere.
    assert listing.run["requests"] == sum(hit.listener == "main" for hit in listing.hits)


def test_every_healthy_article_archived_exactly_once(listing: Crawl) -> None:
    assert listing.served == set(ARTICLES)
    assert listing.archived() == sorted(ARTICLES)  # no duplicate, nothing from a fault URL
    records = {_number(record): record for record in listing.records}
    for number, article in ARTICLES.items():
        record = records[number]
        assert (record["title"], record["body"]) == (article.title, article.body), number
    # The windows-1251 page labelled UTF-8 reads as Cyrillic, and the response smuggled after
    # a Content-Length reached no record.
    assert not [r["url"] for r in listing.records if "\ufffd" in r["title"] + r["body"]]
    assert not [r["url"] for r in listing.records if "SMUGGLED" in r["title"]]


def test_retries_as_the_server_saw_them(listing: Crawl) -> None:
    assert {path: listing.requests(path) for path in REQUESTS} == REQUESTS
    # Every healthy article page was asked for once, redirects and refreshes included.
    once = [a.path for a in ARTICLES.values() if a.id not in (1009, 1016, 1017)]
    assert [listing.requests(path) for path in once] == [1] * len(once)
    # Answers with Retry-After: 1 are retried a second later, not at once.
    for path in ("/page/2/", "/faults/2002-http503.html", "/faults/2003-http429.html"):
        times = [hit.at for hit in listing.hits if hit.path == path]
        assert min(later - earlier for earlier, later in pairwise(times)) >= 1.0, path


def test_each_failure_counted_and_logged_by_url_and_kind(listing: Crawl) -> None:
    assert listing.failures() == FAILURES
    # robots.txt is obeyed, not failed; every other kind is counted in the run record.
    counted = Counter(kind for kind in FAILURES.values() if kind != "robots.txt")
    assert listing.run["errors"] == dict(counted)
    assert f"errors             {sum(counted.values())} (" in listing.stdout


def test_nothing_fetched_off_site_or_forbidden(listing: Crawl) -> None:
    assert [hit for hit in listing.hits if hit.listener != "main"] == []
    assert {hit.host for hit in listing.hits} == {listing.base.removeprefix("http://")}
    # Page 2's 4,995 tag links are no articles; robots.txt forbids /private/.
    assert [hit.path for hit in listing.hits if hit.path.startswith(("/tags/", "/private/"))] == []


def test_oversize_bodies_are_cut_off_not_archived(listing: Crawl) -> None:
    # The crawler hung up on the 64 MiB body instead of reading it: memory stays bounded.
    assert listing.abandoned == {"/faults/2018-oversize-streamed.html"}
    oversize = {
        "/faults/2011-gzip-bomb.html": "too_large_decompressed",
        "/faults/2017-oversize.html": "DownloadCancelledError",
        "/faults/2018-oversize-streamed.html": "DownloadCancelledError",
    }
    assert {path: listing.failures()[path] for path in oversize} == oversize
    assert not [r["url"] for r in listing.records if "oversize" in r["url"] or "bomb" in r["url"]]


def test_report_table(listing: Crawl, discovery: Crawl) -> None:
    table = report(listing, discovery).splitlines()
    rows = {cells[0]: cells[1:] for cells in (re.split(r"\s{2,}", line) for line in table[:-3])}
    assert rows["fault"] == ["requests", "counted as", "archived"]
    assert rows["500"] == ["3", "http_500", "no"]
    assert rows["500 once, then 200"] == ["2", "-", "yes (1009)"]
    assert rows["windows-1251 labelled utf-8"] == ["1", "-", "yes (1016)"]
    assert rows["listing: 503 once, then 5,000 links"] == ["2", "-", "yes (1014, 1015)"]
    assert rows["robots.txt Disallow: /private/"] == ["0", "robots.txt", "no"]
    assert rows["sitemap: billion laughs"] == ["1", "unreadable_sitemap", "no"]
    assert len(rows) == 1 + len(FAULTS) + 4
    assert table[-3].endswith("healthy articles served 17, archived 17 (0 twice); records lost: 0")
    assert table[-2].endswith("healthy articles served 4, archived 4 (0 twice); records lost: 0")
    assert table[-1] == "requests to another host: 0; to /xxe/, /leak/, /probe/, /laughs/: 0"


# --- the generic spider, through the hostile sitemaps ---------------------------------------


def test_sitemap_crawl_expands_and_fetches_nothing(discovery: Crawl) -> None:
    assert discovery.returncode == 0, discovery.stderr
    assert discovery.seconds < 60
    # The plain sitemap's three and the XXE sitemap's one readable entry; not the bomb's.
    assert discovery.archived() == [1001, 1002, 1003, 1005]
    assert discovery.served == {1001, 1002, 1003, 1005}
    assert [hit for hit in discovery.hits if hit.listener != "main"] == []
    assert [hit.path for hit in discovery.hits if hit.path.startswith(HOSTILE_XML_PATHS)] == []
    assert discovery.failures() == {"/sitemap-bomb.xml": "unreadable_sitemap"}
    assert discovery.run["errors"] == {"unreadable_sitemap": 1}


def test_sitemap_and_feed_parsers_on_external_entities() -> None:
    with HostileSite() as site:
        sitemap = read_sitemap(xxe_sitemap(site.url))
        feed = read_feed(xxe_feed(site.url), site.url)
        hits = site.hits
    # The entries that hold an entity are skipped whole: neither /etc/passwd in a URL nor the
    # URL cut short at the entity (".../leak/") is read.
    assert sitemap == ("urlset", [Link(site.url + ARTICLES[1005].path)])
    assert feed == [Link(site.url + ARTICLES[1006].path)]
    assert hits == []  # no DTD, entity or parameter entity fetched


def _number(record: dict[str, object]) -> int:
    return int(str(record["url"]).rsplit("/", 1)[1].split("-", 1)[0])
