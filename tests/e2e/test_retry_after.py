"""A server that answers 429 or 503 with ``Retry-After`` gets the pause it asks for.

One real ``newsarchive crawl`` of a small site on loopback (tests/support/hostile_site.py's server
with its own pages), one request at a time, so that the request the server gets after a
``Retry-After`` answer is the crawler's next move: the retry waits as long as the answer asks
(delta-seconds or an HTTP date), the host gets nothing else meanwhile, a request that asks for
more than ``NEWSARCHIVE_RETRY_AFTER_MAX`` is given up at once, and retries stay ``RETRY_TIMES``
in all. Times are the server's arrival times, not the crawler's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import formatdate
from itertools import pairwise

import pytest

from tests.support.hostile_site import (
    ARTICLES,
    Article,
    Crawl,
    HostileSite,
    Route,
    article_page,
    crawl,
    listing_page,
)

pytestmark = pytest.mark.slow

HTML = "text/html; charset=utf-8"
# One request at a time, so that nothing but the crawler's pause stands between two requests.
# The short delay is what keeps it to one: without any, Scrapy 2.19 sends a whole queue at once
# (a request counts as transferring only once its task runs, after the queue was emptied).
SEQUENTIAL = ("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY=0.05")
SECONDS = 1.0
AFTER_503 = ARTICLES[1001]  # 503, Retry-After: 1, then the article
AFTER_429 = ARTICLES[1002]  # 429, Retry-After: an HTTP date two seconds ahead, then the article
PLAIN = (ARTICLES[1003], ARTICLES[1004])
TOO_LONG = "/faults/3001-an-hour.html"  # 503, Retry-After: 3600, every time
ALWAYS = "/faults/3002-always-busy.html"  # 503, Retry-After: 1, every time


def _busy(status: int, header: Callable[[], str], then: Article | None = None) -> Route:
    """``status`` with ``Retry-After: header()``; from the second request on, ``then``."""
    page = "<html><body>Сервер занят.</body></html>".encode()
    return lambda handler: (
        handler.deliver(then, article_page(then).encode(), HTML)
        if then is not None and handler.site.count(handler.path) > 1
        else handler.send(status, page, Retry_After=header())
    )


def _article(article: Article) -> Route:
    return lambda handler: handler.deliver(article, article_page(article).encode(), HTML)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    paths = [AFTER_503.path, AFTER_429.path, *(a.path for a in PLAIN), TOO_LONG, ALWAYS]
    with HostileSite() as site:
        site.routes = {
            "/": lambda handler: handler.send(200, listing_page(paths)),
            AFTER_503.path: _busy(503, lambda: f"{SECONDS:.0f}", AFTER_503),
            AFTER_429.path: _busy(429, lambda: formatdate(time.time() + 2, usegmt=True), AFTER_429),
            **{article.path: _article(article) for article in PLAIN},
            TOO_LONG: _busy(503, lambda: "3600"),
            ALWAYS: _busy(503, lambda: f"{SECONDS:.0f}"),
        }
        return crawl(site, tmp_path_factory.mktemp("out"), "everyday", "--site", "everyday",
                     *SEQUENTIAL)  # fmt: skip


def _arrivals(crawled: Crawl, path: str) -> list[float]:
    return [hit.at for hit in crawled.hits if hit.path == path]


def _gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in pairwise(times)]


def test_requests_as_the_server_saw_them(crawled: Crawl) -> None:
    assert crawled.returncode == 0, crawled.stderr
    requests = {path: crawled.requests(path) for path in {hit.path for hit in crawled.hits}}
    assert requests == {
        "/robots.txt": 1,
        "/": 1,
        AFTER_503.path: 2,
        AFTER_429.path: 2,
        PLAIN[0].path: 1,
        PLAIN[1].path: 1,
        TOO_LONG: 1,  # asked for an hour: given up at once, not retried
        ALWAYS: 3,  # RETRY_TIMES (2) retries after the first try, no more
    }
    assert crawled.archived() == [1001, 1002, 1003, 1004]


def test_each_retry_waits_as_long_as_asked(crawled: Crawl) -> None:
    for path in (AFTER_503.path, ALWAYS):
        gaps = _gaps(_arrivals(crawled, path))
        assert all(gap >= SECONDS for gap in gaps), (path, gaps)
    # The date was two seconds ahead at one-second resolution: at least one second.
    [gap] = _gaps(_arrivals(crawled, AFTER_429.path))
    assert gap >= 1.0
    # Scrapy alone retried within milliseconds: the whole crawl still takes seconds, not an hour.
    assert crawled.seconds < 30


def test_the_host_gets_nothing_else_while_it_asked_for_a_pause(crawled: Crawl) -> None:
    hits = crawled.hits
    first = {path: min(_arrivals(crawled, path)) for path in (AFTER_503.path, AFTER_429.path)}
    # Every answer whose Retry-After was honoured: the first of each, all of the busy one's.
    asked = [i for i, hit in enumerate(hits) if hit.path == ALWAYS or first.get(hit.path) == hit.at]
    assert len(asked) == 5
    pauses = [hits[index + 1].at - hits[index].at for index in asked if index + 1 < len(hits)]
    assert all(pause >= SECONDS for pause in pauses), pauses


def test_given_up_requests_are_counted_as_before(crawled: Crawl) -> None:
    assert crawled.failures() == {TOO_LONG: "http_503", ALWAYS: "http_503"}
    assert crawled.run["errors"] == {"http_503": 2}
    assert (
        f"Gave up retrying <GET {crawled.base}{TOO_LONG}> (failed 1 times): Retry-After 3600 s "
        "is more than NEWSARCHIVE_RETRY_AFTER_MAX (60 s)"
    ) in crawled.stderr
