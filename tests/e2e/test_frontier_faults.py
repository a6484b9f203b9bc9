"""End to end: the shared frontier's Redis stopped under a crawl of several workers.

The Redis is a private ``redis-server`` (tests/support/redisserver.py), so that the machine's
own, which other tests' frontiers live in, is never stopped; it keeps nothing on disk, so that
once started again it is empty, as a Redis that lost its memory would be. PostgreSQL is the
machine's real one and stays the authority on what is archived.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.synthetic_site import SyntheticSite
from tests.support.crawls import assert_whole_lines
from tests.support.frontier import (
    article_fetches,
    article_ids,
    frontier_command,
    run,
    start,
    wait_for_articles,
)
from tests.support.postgres import postgres_url
from tests.support.redisserver import RedisServer, redis_server

__all__ = ["postgres_url", "redis_server"]  # the fixtures, used by name

pytestmark = pytest.mark.slow

ARTICLES = 400
# Two workers, each 2 requests in flight, answers 30 ms late: seconds of crawling, so that
# Redis stops mid-way, after 30% of the articles.
SETTINGS = (
    "CONCURRENT_REQUESTS=2",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "DOWNLOAD_DELAY=0",
    "NEWSARCHIVE_FRONTIER_LEASE=3",
)
ALL_IDS = {f"everyday:{100000 - number}" for number in range(ARTICLES)}
LOST_FRONTIER = 9  # the exit status of a crawl whose frontier (Redis) was lost


def test_redis_stopped_mid_crawl_stops_the_workers_with_one_line_and_the_same_command_goes_on(
    postgres_url: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    out = tmp_path / "archive"
    folder = out / "everyday"
    with SyntheticSite(ARTICLES, delay=0.03) as site:
        site.warm()
        line = frontier_command(
            "crawl",
            site.url,
            out,
            *SETTINGS,
            workers=2,
            redis_url=redis_server.url,
            store=postgres_url,
        )
        process = start(line)
        try:
            wait_for_articles(process, out, ARTICLES * 3 // 10)
            redis_server.stop()
            stdout, stderr = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert process.returncode == LOST_FRONTIER, (stdout, stderr)
        # One line, naming Redis and where it was; no traceback anywhere.
        assert len(stderr.splitlines()) == 1, stderr
        assert re.search("redis", stderr, re.IGNORECASE), stderr
        assert f"127.0.0.1:{redis_server.port}" in stderr
        assert "Traceback" not in stdout + stderr
        # Every record whole and published; none twice; the crawl had not finished.
        assert_whole_lines(folder)
        before = article_ids(out)
        assert len(before) == len(set(before))
        assert ARTICLES * 3 // 10 <= len(before) < ARTICLES
        mark = len(site.log)
        redis_server.start()  # the same port, empty
        again = run(line)
        rerun = site.hits(mark)
    assert again.returncode == 0, again.stderr
    assert_whole_lines(folder)
    ids = article_ids(out)
    assert (len(ids), set(ids)) == (ARTICLES, ALL_IDS)
    # The command that went on fetched what was not archived, each page once, and nothing else.
    fetched = article_fetches(rerun)
    assert set(fetched.values()) == {1}
    assert {_article_id(path) for path in fetched} == ALL_IDS - set(before)


def _article_id(path: str) -> str:
    """The archive id of the article at ``path`` (``/<section>/<number>-post.html``)."""
    return "everyday:" + path.rsplit("/", 1)[1].split("-", 1)[0]
