"""End to end: one site crawled by several worker processes sharing a Redis frontier
(``crawl --workers N``, ``worker``), against the machine's real Redis and PostgreSQL.

The site is the synthetic DLE site (benchmarks/synthetic_site.py), crawled with the everyday
site file; its log of requests, each timed, is what the site saw. Each crawl gets a Redis
database and a PostgreSQL schema of its own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from benchmarks.synthetic_site import Hit, SyntheticSite, max_in_flight, rate, site_paths
from tests.support.crawls import assert_whole_lines
from tests.support.frontier import (
    ARTICLE_PATH,
    article_fetches,
    article_ids,
    article_records,
    frontier_command,
    ids_by_worker,
    redis_database,
    redis_url,
    run,
    run_records,
    start,
    summary,
    wait_for_articles,
    worker_processes,
)
from tests.support.pgserver import scratch_schema
from tests.support.postgres import postgres_url

__all__ = ["postgres_url", "redis_url"]  # the fixtures, used by name

# The site: 5,000 articles on 100 listing pages, each answer 30 ms late.
BIG = 5000
BIG_PER_PAGE = 50
SERVER_DELAY = 0.03
# The kill test's site: a fifth of it, so that the three runs take half a minute, not two.
KILLED = 1000
# The site a worker from another folder joins the crawl of: long enough to join (seconds).
JOINED = 300
# The site's limits raised: each worker 2 requests in flight, the site 16, no delay.
RAISED = (
    "CONCURRENT_REQUESTS=2",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
)
PER_WORKER = 2  # CONCURRENT_REQUESTS above: what a killed worker can have had in flight
LEASE = "NEWSARCHIVE_FRONTIER_LEASE=3"


def _ids(count: int) -> set[str]:
    """The archive ids of the site's ``count`` articles (the site file's: the DLE number)."""
    return {f"everyday:{100000 - number}" for number in range(count)}


def _article_paths(count: int, per_page: int = 10) -> list[str]:
    return [path for path in site_paths(count, per_page) if ARTICLE_PATH.match(path)]


def _crawl(url: str, out: Path, workers: int, redis: str, store: str, *settings: str) -> list[str]:
    """``newsarchive crawl URL --site everyday --workers N --redis R --store S -s SETTINGS``."""
    return frontier_command(
        "crawl", url, out, *settings, workers=workers, redis_url=redis, store=store
    )


def _timed(line: list[str]) -> tuple[subprocess.CompletedProcess[str], float]:
    began = time.monotonic()
    result = run(line)
    return result, time.monotonic() - began


def _assert_one_run(out: Path, stdout: str, workers: list[str]) -> dict[str, Any]:
    """One run record, listing ``workers``, each exit 0, whose counts add up to the record's
    and to the summary the command printed; the record."""
    records = run_records(out)
    assert len(records) == 1, records
    record = records[0]
    listed = record["workers"]
    assert [worker["worker"] for worker in listed] == workers
    assert [worker["exit_status"] for worker in listed] == [0] * len(workers)
    for key in ("pages", "articles_new"):
        assert sum(worker[key] for worker in listed) == record[key], key
    assert summary(stdout) == {"pages": record["pages"], "articles_new": record["articles_new"]}
    return record


@pytest.mark.slow
def test_four_workers_fetch_every_article_once_and_each_does_its_share(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    """The issue's first criterion but its speed: 5,000 articles on 100 listing pages, 4
    workers; the start URL fetched once however many workers. How fast 4 workers are against
    one is a figure, printed by ``benchmarks/frontier.py --articles 5000 --workers 1 4`` side
    by side in one run, not a timed test."""
    with SyntheticSite(BIG, delay=SERVER_DELAY, per_page=BIG_PER_PAGE) as site:
        site.warm()
        four, four_seconds = _timed(
            _crawl(site.url, tmp_path / "four", 4, redis_url, postgres_url, *RAISED)
        )
        hits = site.hits()
    print(f"\n5,000 articles, 4 workers: {four_seconds:.1f} s")
    assert four.returncode == 0, four.stderr
    # Every article page once; the start URL and every listing page once too.
    assert article_fetches(hits) == Counter(_article_paths(BIG, BIG_PER_PAGE))
    fetched = Counter(hit.path for hit in hits if not ARTICLE_PATH.match(hit.path))
    assert fetched["/"] == 1
    listing = [path for path in site_paths(BIG, BIG_PER_PAGE) if path.startswith("/page/")]
    assert len(listing) == 100
    assert {path: fetched[path] for path in listing} == dict.fromkeys(listing, 1)
    # 5,000 ids, no line twice, each worker's share at least 10%, as its files say.
    out = tmp_path / "four"
    ids = article_ids(out)
    assert (len(ids), set(ids)) == (BIG, _ids(BIG))
    record = _assert_one_run(out, four.stdout, ["w1", "w2", "w3", "w4"])
    shares = {worker: len(ids) for worker, ids in ids_by_worker(out).items()}
    assert shares == {worker["worker"]: worker["articles_new"] for worker in record["workers"]}
    assert min(shares.values()) >= BIG // 10, shares
    assert record["articles_new"] == BIG


@pytest.mark.slow
def test_a_worker_killed_at_30_percent_loses_nothing_and_refetches_at_most_its_requests(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    """SIGKILL one of four workers: the others finish (its leased requests come back after
    the lease), one re-run completes the archive; a further re-run fetches no article."""
    out = tmp_path / "archive"
    with SyntheticSite(KILLED, delay=SERVER_DELAY, per_page=BIG_PER_PAGE) as site:
        site.warm()
        line = _crawl(site.url, out, 4, redis_url, postgres_url, *RAISED, LEASE)
        process = start(line)
        try:
            wait_for_articles(process, out, KILLED * 3 // 10)
            workers = worker_processes(process.pid)
            assert sorted(workers) == ["w1", "w2", "w3", "w4"]
            os.kill(workers["w2"], signal.SIGKILL)
            _, first_stderr = process.communicate(timeout=300)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        print(
            f"\nthe run with w2 killed: exit {process.returncode}, "
            f"{len(set(article_ids(out)))} articles archived; stderr: {first_stderr!r}"
        )
        # The run went on without the killed worker, and says so in its one record.
        (record,) = run_records(out)
        statuses = {worker["worker"]: worker["exit_status"] for worker in record["workers"]}
        assert statuses == {"w1": 0, "w2": -signal.SIGKILL, "w3": 0, "w4": 0}
        rerun = run(line)
        assert rerun.returncode == 0, rerun.stderr
        complete = len(site.log)
        again = run(line)
        assert again.returncode == 0, again.stderr
        last = site.hits(complete)
        fetches = article_fetches(site.log)
    ids = article_ids(out)
    assert (len(ids), set(ids)) == (KILLED, _ids(KILLED))
    assert_whole_lines(out / "everyday")
    assert set(fetches) == set(_article_paths(KILLED, BIG_PER_PAGE))
    assert sum(fetches.values()) <= KILLED + PER_WORKER, sum(fetches.values())
    # After a complete crawl: the listing's first page, and no article.
    assert article_fetches(last) == Counter()
    assert Counter(hit.path for hit in last if hit.path != "/robots.txt") == Counter(["/"])


def _polite_run(site: SyntheticSite, out: Path, workers: int, redis: str, store: str) -> list[Hit]:
    mark = len(site.log)
    # The site file's politeness (2 requests in flight at most), its delay scaled down
    # from 0.5 s so that the run takes seconds: nothing raised.
    result = run(_crawl(site.url, out, workers, redis, store, "DOWNLOAD_DELAY=0.05"))
    assert result.returncode == 0, result.stderr
    assert sorted(article_ids(out)) == sorted(_ids(site.count))
    return site.hits(mark)


@pytest.mark.slow
def test_four_polite_workers_send_the_site_no_more_than_one_does(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    """The site's delay and its cap on requests in flight hold for all workers together."""
    with SyntheticSite(100, delay=SERVER_DELAY) as site:
        one = _polite_run(site, tmp_path / "one", 1, redis_url, postgres_url)
        with scratch_schema() as store, redis_database("four polite workers") as redis4:
            four = _polite_run(site, tmp_path / "four", 4, redis4, store)
    print(
        f"\npolite: 1 worker {rate(one):.1f} requests/s, {max_in_flight(one)} in flight at "
        f"most; 4 workers {rate(four):.1f} requests/s, {max_in_flight(four)} in flight"
    )
    assert rate(four) <= 1.1 * rate(one)
    assert max_in_flight(four) <= 2  # the everyday site file's concurrency
    assert max_in_flight(one) <= 2


@pytest.mark.slow
def test_the_generic_spider_shares_the_frontier_too(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    """No site file, two workers, Redis named by NEWSARCHIVE_REDIS: every article once."""
    out = tmp_path / "archive"
    with SyntheticSite(60, delay=SERVER_DELAY) as site:
        line = frontier_command(
            "crawl",
            site.url,
            out,
            *RAISED,
            workers=2,
            redis_url=None,
            store=postgres_url,
            site=None,
        )
        result = run(line, env={"NEWSARCHIVE_REDIS": redis_url})
        fetches = article_fetches(site.log)
    assert result.returncode == 0, result.stderr
    records = article_records(out, site="127-0-0-1")
    paths = sorted(urlsplit(record["url"]).path for record in records)
    assert paths == sorted(_article_paths(60))
    assert len({record["id"] for record in records}) == 60
    assert fetches == Counter(_article_paths(60))
    assert len(run_records(out, site="127-0-0-1")[0]["workers"]) == 2


@pytest.mark.slow
def test_a_worker_from_another_folder_joins_the_run(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    """``newsarchive worker`` on "another machine" (its own --out): counted in the same run
    as worker 3; the two folders together hold every article once."""
    here, there = tmp_path / "here", tmp_path / "there"
    slow = ("CONCURRENT_REQUESTS=1", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "DOWNLOAD_DELAY=0")
    with SyntheticSite(JOINED, delay=0.05) as site:
        crawl = start(_crawl(site.url, here, 2, redis_url, postgres_url, *slow))
        try:
            wait_for_articles(crawl, here, 1)
            joined = run(
                frontier_command(
                    "worker", site.url, there, *slow, redis_url=redis_url, store=postgres_url
                )
            )
            stdout, stderr = crawl.communicate(timeout=300)
        finally:
            if crawl.poll() is None:
                crawl.kill()
                crawl.wait()
        fetches = article_fetches(site.log)
    assert joined.returncode == 0, joined.stderr
    assert crawl.returncode == 0, stderr
    ids = article_ids(here, there)
    assert (len(ids), set(ids)) == (JOINED, _ids(JOINED))
    assert fetches == Counter(_article_paths(JOINED))
    assert set(ids_by_worker(here)) == {"w1", "w2"}
    assert set(ids_by_worker(there)) == {"w3"}
    record = _assert_one_run(here, stdout, ["w1", "w2", "w3"])
    assert record["articles_new"] == JOINED
    assert not list(there.glob("*/logs/*.w1.log")), "worker ids are unique within the run"


def _without_redis_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "NEWSARCHIVE_REDIS"}


USAGE = [
    # (arguments besides the target and --out; what the one line must name)
    (["--workers", "2", "--store", "STORE"], "--redis"),
    (["--workers", "2", "--redis", "REDIS"], "postgresql"),
]


@pytest.mark.parametrize(("arguments", "named"), USAGE)
def test_workers_without_redis_or_postgresql_is_exit_2_and_one_line(
    arguments: list[str], named: str, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    given = [{"STORE": postgres_url, "REDIS": redis_url}.get(word, word) for word in arguments]
    line = frontier_command("crawl", "everyday", tmp_path, redis_url=None, store=None, site=None)
    result = subprocess.run(
        [*line, *given],
        capture_output=True,
        text=True,
        env=_without_redis_env(),
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert named in result.stderr
    assert not (tmp_path / "everyday").exists()


def test_a_worker_without_redis_is_exit_2_and_one_line(postgres_url: str, tmp_path: Path) -> None:
    line = frontier_command(
        "worker", "everyday", tmp_path, redis_url=None, store=postgres_url, site=None
    )
    result = subprocess.run(
        line, capture_output=True, text=True, env=_without_redis_env(), timeout=60, check=False
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "--redis" in result.stderr


def test_a_redis_that_does_not_answer_is_exit_3_and_one_line(
    postgres_url: str, tmp_path: Path
) -> None:
    with SyntheticSite(10) as site:
        result = run(
            frontier_command(
                "crawl",
                site.url,
                tmp_path,
                workers=2,
                redis_url="redis://:secret@127.0.0.1:1/0",
                store=postgres_url,
            )
        )
        asked = list(site.log)
    assert (result.returncode, result.stdout) == (3, "")
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Redis" in result.stderr
    assert "127.0.0.1:1" in result.stderr
    assert "secret" not in result.stderr
    assert "Traceback" not in result.stderr
    assert asked == []


def test_a_worker_with_no_crawl_to_join_says_so_and_exits_0(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    with SyntheticSite(10) as site:
        result = run(
            frontier_command("worker", site.url, tmp_path, redis_url=redis_url, store=postgres_url)
        )
        asked = list(site.log)
    assert result.returncode == 0, result.stderr
    assert len((result.stdout + result.stderr).splitlines()) == 1, (result.stdout, result.stderr)
    assert asked == []
