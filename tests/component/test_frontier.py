"""The shared Redis frontier, piece by piece, against the machine's real Redis (a database of
each test's own): leases, the run, the start requests' claim, the coordinator's place, the
per-crawl duplicate filter, the shared politeness' permits and delay, and the workers' counts
added up. Lease times are a few hundred milliseconds, so that their ending is waited for."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from scrapy_redis import picklecompat

from newsarchive import counters
from newsarchive.frontier import Frontier, FrontierError, FrontierUnreachableError
from newsarchive.frontier.coordinator import sum_stats
from newsarchive.frontier.politeness import SharedPoliteness
from newsarchive.frontier.scheduler import FrontierScheduler, progress_stats
from newsarchive.frontier.shared import Lease, RunInfo
from newsarchive.health import EXIT_FRONTIER_LOST
from tests.support.frontier import redis_url

__all__ = ["redis_url"]  # the fixture, used by name

SITE = "everyday"
UNREACHABLE = "redis://127.0.0.1:1/0"
# Politeness settings as a worker gets them (newsarchive.frontier.worker), before each test's.
POLITE = {
    "NEWSARCHIVE_SITE_CONCURRENCY": 4,
    "NEWSARCHIVE_SITE_DELAY": 0.0,
    "NEWSARCHIVE_SITE_AUTOTHROTTLE": False,
    "RANDOMIZE_DOWNLOAD_DELAY": False,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
    "DOWNLOAD_TIMEOUT": 30,
}


class _Spider(Spider):
    name = SITE


def _crawler(url: str, worker: str = "w1", **settings: Any) -> Crawler:
    return get_crawler(
        _Spider,
        {
            "NEWSARCHIVE_REDIS_URL": url,
            "NEWSARCHIVE_WORKER": worker,
            "NEWSARCHIVE_SITE_NAME": SITE,
            **settings,
        },
    )


@pytest.fixture
def frontier(redis_url: str) -> Iterator[Frontier]:
    """The site's frontier as the coordinator (or another worker) sees it."""
    opened = Frontier(redis_url, SITE)
    yield opened
    opened.close()


@pytest.fixture
def scheduler(redis_url: str) -> Iterator[FrontierScheduler]:
    """Worker w1's scheduler, opened as Scrapy's engine opens it. The engine is built but never
    started (it has no downloads and holds no request: the scheduler's leases are done with as
    soon as the next one is taken); the scheduler's ticks never run."""
    crawler = _crawler(redis_url, DOWNLOAD_HANDLERS={"http": None, "https": None})
    crawler.engine = crawler._create_engine()
    opened = FrontierScheduler.from_crawler(crawler)
    opened.open(_Spider.from_crawler(crawler))
    yield opened
    opened.close("finished")
    opened.frontier.close()


@pytest.fixture
def politeness(redis_url: str) -> Iterator[Callable[..., SharedPoliteness]]:
    """Makes a worker's SharedPoliteness with these settings over :data:`POLITE`."""
    made: list[SharedPoliteness] = []

    def make(worker: str = "w1", **settings: Any) -> SharedPoliteness:
        crawler = _crawler(redis_url, worker, **{**POLITE, **settings})
        middleware = SharedPoliteness.from_crawler(crawler)
        made.append(middleware)
        return middleware

    yield make
    for middleware in made:
        middleware.frontier.close()


def _queue(scheduler: FrontierScheduler, *priorities: int) -> None:
    """Queue one request per priority through the worker's scheduler, as the engine does."""
    for priority in priorities:
        assert scheduler.enqueue_request(_request(priority))


def _request(priority: int) -> Request:
    return Request(f"https://example.org/{priority}", priority=priority)


def _url(lease: Lease | None) -> str:
    assert lease is not None
    return str(picklecompat.loads(lease.data)["url"])


# --- the queue and its leases -----------------------------------------------------------------


def test_the_best_priority_is_leased_first(
    scheduler: FrontierScheduler, frontier: Frontier
) -> None:
    _queue(scheduler, 0, 10, -5)
    leases = [frontier.lease(60_000, "w2") for _ in range(3)]
    assert [_url(lease) for lease in leases] == [
        "https://example.org/10",
        "https://example.org/0",
        "https://example.org/-5",
    ]
    assert [lease.token for lease in leases if lease] == ["w2:1", "w2:2", "w2:3"]
    assert frontier.lease(60_000, "w2") is None
    assert frontier.pending() == (0, 3)


def test_the_scheduler_hands_the_engine_the_best_priority_and_holds_its_lease(
    scheduler: FrontierScheduler, frontier: Frontier
) -> None:
    _queue(scheduler, 1, 7, 3)
    request = scheduler.next_request()
    assert request is not None
    assert (request.url, request.priority) == ("https://example.org/7", 7)
    assert list(scheduler.held.values()) == [request]
    assert frontier.pending() == (2, 1)
    assert scheduler.has_pending_requests()
    assert scheduler.stats.get_value("scheduler/enqueued/redis") == 3


def test_a_lease_not_renewed_comes_back_after_its_time_with_its_priority(
    scheduler: FrontierScheduler, frontier: Frontier
) -> None:
    _queue(scheduler, 0, 10)
    assert _url(frontier.lease(200, "w2")) == "https://example.org/10"
    assert frontier.requeue_ended() == 0
    assert frontier.pending() == (1, 1)
    time.sleep(0.25)
    assert frontier.requeue_ended() == 1
    assert frontier.pending() == (2, 0)
    queued = frontier.redis.zrange(frontier.key("queue"), 0, -1, withscores=True)
    assert sorted(score for _, score in queued) == [-10.0, 0.0]
    assert _url(frontier.lease(60_000, "w3")) == "https://example.org/10"


def test_a_renewed_lease_stays_and_an_ended_one_is_not_revived(
    scheduler: FrontierScheduler, frontier: Frontier
) -> None:
    _queue(scheduler, 2, 1)
    kept, dropped = frontier.lease(200, "w2"), frontier.lease(200, "w2")
    assert kept is not None
    assert dropped is not None
    time.sleep(0.1)
    frontier.renew([kept.token], 60_000)
    time.sleep(0.15)
    assert frontier.requeue_ended() == 1
    assert frontier.pending() == (1, 1)
    assert frontier.redis.zrange(frontier.key("leases"), 0, -1) == [kept.token.encode()]
    frontier.renew([dropped.token], 60_000)  # its worker, too late: the request is queued
    assert frontier.pending() == (1, 1)
    assert _url(frontier.lease(60_000, "w3")) == "https://example.org/1"


def test_a_finished_lease_never_comes_back(
    scheduler: FrontierScheduler, frontier: Frontier
) -> None:
    _queue(scheduler, 0)
    lease = frontier.lease(200, "w2")
    assert lease is not None
    frontier.finish([lease.token])
    assert frontier.pending() == (0, 0)
    time.sleep(0.25)
    assert frontier.requeue_ended() == 0
    assert frontier.pending() == (0, 0)
    assert frontier.redis.hlen(frontier.key("leased")) == 0


def test_a_lease_finishes_the_given_leases_in_the_same_step(
    scheduler: FrontierScheduler, frontier: Frontier
) -> None:
    _queue(scheduler, 1, 2, 3)
    first, second = frontier.lease(60_000, "w2"), frontier.lease(60_000, "w2")
    assert first is not None
    assert second is not None
    third = frontier.lease(60_000, "w2", [first.token])
    assert _url(third) == "https://example.org/1"
    assert frontier.pending() == (0, 2)
    assert frontier.lease(60_000, "w2", [second.token]) is None  # finished, though none queued
    assert frontier.pending() == (0, 1)
    assert frontier.requeue_ended() == 0  # finished leases are never handed back


def test_a_lease_renewed_to_minus_one_ms_is_handed_back_at_once(
    scheduler: FrontierScheduler, frontier: Frontier
) -> None:
    """How a closing worker gives back what its engine still held."""
    _queue(scheduler, 4, 5)
    leases = [frontier.lease(60_000, "w2"), frontier.lease(60_000, "w2")]
    frontier.renew([lease.token for lease in leases if lease], -1)
    assert frontier.requeue_ended() == 2
    assert frontier.pending() == (2, 0)
    assert _url(frontier.lease(60_000, "w3")) == "https://example.org/5"


def test_drained_only_once_seeded_and_nothing_queued_or_leased(
    scheduler: FrontierScheduler, frontier: Frontier
) -> None:
    assert not frontier.drained()  # nothing yet, but the start requests are not queued
    _queue(scheduler, 0)
    assert not frontier.drained()
    frontier.seeded()
    assert frontier.is_seeded()
    assert not frontier.drained()  # one queued
    lease = frontier.lease(60_000, "w2")
    assert lease is not None
    assert frontier.pending() == (0, 1)
    assert not frontier.drained()  # one in flight
    frontier.finish([lease.token])
    assert frontier.drained()


# --- the run --------------------------------------------------------------------------------


def test_begin_run_empties_a_fresh_frontier_but_keeps_its_coordinator(
    scheduler: FrontierScheduler, frontier: Frontier
) -> None:
    _queue(scheduler, 0, 1)
    frontier.redis.set(frontier.key("polite:delay"), 700)
    frontier.redis.hset(frontier.key("worker:w4"), "host", '"old"')
    assert frontier.become_coordinator("r2", 15) is None
    assert frontier.begin_run("r2", listings_complete=True, settings={"since": None}) == (
        None,
        0,
    )
    assert sorted(frontier.redis.keys(f"newsarchive:{SITE}:*")) == [
        frontier.key("coordinator").encode(),
        frontier.key("run").encode(),
    ]
    assert frontier.run() == RunInfo("r2", True, {"since": None})
    assert frontier.coordinator() == "r2"
    assert not frontier.is_seeded()
    assert scheduler.enqueue_request(_request(0))  # the duplicate filter was emptied too


def test_begin_run_carries_on_an_unfinished_frontier(
    scheduler: FrontierScheduler, frontier: Frontier
) -> None:
    assert frontier.begin_run("r1", listings_complete=False, settings={}) == (None, 0)
    assert [frontier.join({"host": "a"}), frontier.join({"host": "b"})] == ["w1", "w2"]
    assert frontier.claim_seed(30)
    _queue(scheduler, 0, 9, 5)
    frontier.seeded()
    assert _url(frontier.lease(60_000, "w2")) == "https://example.org/9"
    assert frontier.pending() == (2, 1)

    settings = {"since": "2025-01-01", "recheck_days": 3}
    assert frontier.begin_run("r2", listings_complete=True, settings=settings) == ("r1", 3)
    assert frontier.pending() == (3, 0)
    assert frontier.run() == RunInfo("r2", True, settings)
    assert not frontier.is_seeded()
    assert frontier.claim_seed(30)  # the claim of the run before went with it
    assert frontier.workers() == {}
    assert frontier.join({"host": "c"}) == "w1"
    assert frontier.workers() == {"w1": {"host": "c"}}
    assert not scheduler.enqueue_request(_request(5))  # its duplicate filter is kept
    assert _url(frontier.lease(60_000, "w1")) == "https://example.org/9"  # its priority too


def test_claim_seed_goes_to_exactly_one_caller(redis_url: str) -> None:
    frontiers = [Frontier(redis_url, SITE) for _ in range(8)]
    try:
        with ThreadPoolExecutor(len(frontiers)) as pool:
            claims = list(pool.map(lambda one: one.claim_seed(30), frontiers))
        assert sorted(claims) == [False] * 7 + [True]
        frontiers[claims.index(True)].seeded()
        assert [one.claim_seed(30) for one in frontiers] == [False] * 8
    finally:
        for one in frontiers:
            one.close()


def test_claim_seed_is_free_again_when_the_claim_ends(redis_url: str) -> None:
    first, second = Frontier(redis_url, SITE), Frontier(redis_url, SITE)
    try:
        assert first.claim_seed(1)
        assert not second.claim_seed(1)
        time.sleep(1.1)
        assert second.claim_seed(1)
        second.seeded()
        second.redis.delete(second.key("seed"))  # as if this claim had ended too
        assert not first.claim_seed(1)  # once the start requests are queued, never again
    finally:
        first.close()
        second.close()


def test_one_coordinator_at_a_time(redis_url: str) -> None:
    first, second = Frontier(redis_url, SITE), Frontier(redis_url, SITE)
    try:
        assert first.become_coordinator("r1", 15) is None
        assert second.become_coordinator("r2", 15) == "r1"
        second.step_down("r2")  # not its place: nothing changes
        assert second.coordinator() == "r1"
        first.step_down("r1")
        assert second.coordinator() is None
        assert second.become_coordinator("r2", 0.2) is None
        assert first.become_coordinator("r3", 15) == "r2"
        time.sleep(0.25)  # r2 never renewed its place
        assert first.become_coordinator("r3", 15) is None
        first.still_coordinator("r3", 15)
        assert 14_000 < first.redis.pttl(first.key("coordinator")) <= 15_000
    finally:
        first.close()
        second.close()


def test_workers_report_what_they_say_of_themselves(frontier: Frontier) -> None:
    assert frontier.join({"host": "a", "pid": 12}) == "w1"
    assert frontier.join({"host": "b"}) == "w2"
    frontier.report("w1", {"stats": {"pages": 4}, "exit_status": 0})
    assert frontier.workers() == {
        "w1": {"host": "a", "pid": 12, "stats": {"pages": 4}, "exit_status": 0},
        "w2": {"host": "b"},
    }


# --- the duplicate filter, per crawl --------------------------------------------------------


def test_the_duplicate_filter_is_the_crawls_and_goes_with_it(
    scheduler: FrontierScheduler, frontier: Frontier
) -> None:
    listing = Request("https://example.org/news?page=2&sort=new")
    assert scheduler.enqueue_request(listing)
    assert not scheduler.enqueue_request(listing.replace())
    # The same page with its query in another order is the same request.
    assert not scheduler.enqueue_request(Request("https://example.org/news?sort=new&page=2"))
    assert scheduler.enqueue_request(listing.replace(dont_filter=True))
    assert scheduler.enqueue_request(listing.replace(dont_filter=True, priority=1))
    assert frontier.pending() == (3, 0)
    assert frontier.redis.scard(frontier.key("seen")) == 1

    frontier.complete()
    assert frontier.redis.keys(f"newsarchive:{SITE}:*") == []
    assert scheduler.enqueue_request(listing.replace())  # the next run reads it again
    assert frontier.pending() == (1, 0)
    assert scheduler.stats.get_value("scheduler/enqueued/redis") == 4


# --- the site's politeness, shared ----------------------------------------------------------


def _in_flight(middleware: SharedPoliteness) -> dict[str, float]:
    """The site's permits held, by token, with the server's millisecond each ends at."""
    frontier = middleware.frontier
    held = frontier.redis.zrange(frontier.key("polite:inflight"), 0, -1, withscores=True)
    return {token.decode(): score for token, score in held}


def _server_ms(frontier: Frontier) -> int:
    seconds, microseconds = frontier.redis.time()
    return seconds * 1000 + microseconds // 1000


def test_the_sites_concurrency_is_capped_across_workers(
    politeness: Callable[..., SharedPoliteness],
) -> None:
    one = politeness("w1", NEWSARCHIVE_SITE_CONCURRENCY=2)
    other = politeness("w2", NEWSARCHIVE_SITE_CONCURRENCY=2)
    first, second, third, fourth = (Request(f"https://example.org/{n}") for n in range(4))

    async def crawl() -> tuple[bool, bool]:
        await one.process_request(first)
        await one.process_request(second)
        waiting = asyncio.create_task(other.process_request(third))
        await asyncio.sleep(0.15)
        refused = not waiting.done()
        one.process_response(first, Response(first.url, request=first))
        await asyncio.wait_for(waiting, 1.0)
        queued = asyncio.create_task(other.process_request(fourth))
        await asyncio.sleep(0.15)
        refused_again = not queued.done()
        one.process_exception(second, TimeoutError())
        await asyncio.wait_for(queued, 1.0)
        return refused, refused_again

    assert asyncio.run(crawl()) == (True, True)
    assert set(_in_flight(one)) == {"w2:1", "w2:2"}
    assert "newsarchive_permit" not in first.meta
    assert "newsarchive_permit" not in second.meta


def test_a_permit_of_a_dead_worker_ends_after_the_download_timeout(
    politeness: Callable[..., SharedPoliteness],
) -> None:
    middleware = politeness(DOWNLOAD_TIMEOUT=30)
    asyncio.run(middleware.process_request(Request("https://example.org/1")))
    now = _server_ms(middleware.frontier)
    ends = _in_flight(middleware)["w1:1"]
    assert now + 35_000 - 50 < ends <= now + 35_000


def test_the_sites_delay_spaces_permits(politeness: Callable[..., SharedPoliteness]) -> None:
    one = politeness("w1", NEWSARCHIVE_SITE_DELAY=0.2)
    other = politeness("w2", NEWSARCHIVE_SITE_DELAY=0.2)
    first, second = Request("https://example.org/1"), Request("https://example.org/2")

    async def crawl() -> tuple[float, float]:
        began = time.monotonic()
        await one.process_request(first)
        granted = time.monotonic()
        await other.process_request(second)
        return granted - began, time.monotonic() - granted

    at_once, spaced = asyncio.run(crawl())
    assert at_once < 0.05
    # Redis counts whole milliseconds, so the wall clock may see up to 1 ms less.
    assert 0.199 <= spaced < 0.4
    permits = _in_flight(one)
    assert 200 <= permits["w2:1"] - permits["w1:1"] < 300  # on the server's clock


def test_the_delay_is_randomized_as_scrapys(politeness: Callable[..., SharedPoliteness]) -> None:
    """Between 0.5 and 1.5 times the delay, as RANDOMIZE_DOWNLOAD_DELAY does."""
    middleware = politeness(NEWSARCHIVE_SITE_DELAY=10.0, RANDOMIZE_DOWNLOAD_DELAY=True)
    next_key = middleware.frontier.key("polite:next")
    intervals = set()
    for number in range(20):
        middleware.frontier.redis.delete(next_key)  # as if the delay had passed
        request = Request(f"https://example.org/{number}")
        asyncio.run(middleware.process_request(request))
        middleware.process_response(request, Response(request.url, request=request))
        intervals.add(middleware.frontier.redis.pttl(next_key) - 60_000)
    assert all(5_000 - 20 <= interval <= 15_000 for interval in intervals)
    assert len(intervals) > 10


def _respond(middleware: SharedPoliteness, status: int, latency: float | None) -> float | None:
    """The shared delay (ms) after a response of ``status`` that took ``latency`` seconds."""
    meta = {} if latency is None else {"download_latency": latency}
    request = Request("https://example.org/a", meta=meta)
    response = Response(request.url, status, request=request)
    assert middleware.process_response(request, response) is response
    stored = middleware.frontier.redis.get(middleware.frontier.key("polite:delay"))
    return None if stored is None else float(stored)


def test_autothrottles_rule_on_the_shared_delay(
    politeness: Callable[..., SharedPoliteness],
) -> None:
    middleware = politeness(NEWSARCHIVE_SITE_AUTOTHROTTLE=True)
    assert _respond(middleware, 200, None) is None  # no latency measured: no change
    assert _respond(middleware, 200, 0.1) == 525.0  # max(50, (1000 + 50) / 2)
    assert _respond(middleware, 503, 0.1) == 525.0  # a failure never shortens it
    assert _respond(middleware, 200, 0.1) == 287.5
    assert _respond(middleware, 404, 10.0) == 5_000.0  # but may lengthen it
    assert _respond(middleware, 200, 100.0) == 30_000.0  # AUTOTHROTTLE_MAX_DELAY


def test_the_shared_delay_stays_at_or_above_the_sites_delay(
    politeness: Callable[..., SharedPoliteness],
) -> None:
    middleware = politeness(NEWSARCHIVE_SITE_AUTOTHROTTLE=True, NEWSARCHIVE_SITE_DELAY=0.3)
    assert [_respond(middleware, 200, 0.001) for _ in range(3)] == [500.25, 300.0, 300.0]


def test_permits_start_from_autothrottles_start_delay_then_its_shared_one(
    politeness: Callable[..., SharedPoliteness],
) -> None:
    middleware = politeness(NEWSARCHIVE_SITE_AUTOTHROTTLE=True, NEWSARCHIVE_SITE_DELAY=0.1)
    next_key = middleware.frontier.key("polite:next")
    asyncio.run(middleware.process_request(Request("https://example.org/1")))
    assert 60_000 + 1_000 - 20 <= middleware.frontier.redis.pttl(next_key) <= 61_000
    assert _respond(middleware, 200, 0.1) == 525.0
    middleware.frontier.redis.delete(next_key)  # as if the start delay had passed
    asyncio.run(middleware.process_request(Request("https://example.org/2")))
    assert 60_000 + 525 - 20 <= middleware.frontier.redis.pttl(next_key) <= 60_525


def test_without_autothrottle_responses_leave_the_delay_alone(
    politeness: Callable[..., SharedPoliteness],
) -> None:
    middleware = politeness(NEWSARCHIVE_SITE_DELAY=0.5)
    assert _respond(middleware, 200, 0.1) is None


# --- the workers' counts added up -----------------------------------------------------------


def test_sum_stats_adds_numbers_joins_lists_and_keeps_the_first_of_the_rest() -> None:
    assert sum_stats(
        [
            {"pages": 2, "latency": 0.5, "files": ["a"], "host": "one", "flag": True},
            {"pages": 3, "latency": 0.25, "files": ["b", "c"], "host": "two", "flag": False},
            {"errors": 1, "files": []},
        ]
    ) == {
        "pages": 5,
        "latency": 0.75,
        "files": ["a", "b", "c"],
        "host": "one",
        "flag": True,
        "errors": 1,
    }
    assert sum_stats([]) == {}


@pytest.mark.parametrize(
    ("reasons", "combined"),
    [
        (["finished", "finished"], "finished"),
        (["finished", "shutdown", "closespider_timeout"], "shutdown"),
        (["frontier_lost", "finished"], "frontier_lost"),
        ([None, "finished"], "finished"),
        ([None, None], None),
    ],
)
def test_a_crawl_is_finished_only_if_every_worker_finished(
    reasons: list[str | None], combined: str | None
) -> None:
    stats = [{} if reason is None else {"finish_reason": reason} for reason in reasons]
    assert sum_stats(stats).get("finish_reason") == combined


def test_progress_stats_keep_what_adds_up() -> None:
    worker = {
        "start_time": datetime(2025, 12, 11, tzinfo=UTC),
        "pages": 3,
        "latency": 0.5,
        "finish_reason": "finished",
        "files": ["a.jsonl"],
        "flag": True,
        "by_status": {"200": 3},
        "nothing": None,
    }
    assert progress_stats(worker) == {
        "pages": 3,
        "latency": 0.5,
        "finish_reason": "finished",
        "files": ["a.jsonl"],
    }
    assert sum_stats([progress_stats(worker), progress_stats(worker)]) == {
        "pages": 6,
        "latency": 1.0,
        "finish_reason": "finished",
        "files": ["a.jsonl", "a.jsonl"],
    }


# --- Redis failing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [UNREACHABLE, "redis://:s3cret@127.0.0.1:1/0", "redis://crawler:s3cret@127.0.0.1:1/0"],
)
def test_unreachable_redis_is_one_line_naming_the_server_never_the_password(url: str) -> None:
    frontier = Frontier(url, SITE)
    try:
        operations: list[Callable[[], object]] = [
            lambda: frontier.call(frontier.redis.ping),
            lambda: frontier.lease(1000, "w1"),
        ]
        for operation in operations:
            with pytest.raises(FrontierUnreachableError) as raised:
                operation()
            message = str(raised.value)
            assert message.startswith("Redis at 127.0.0.1:1/0 does not answer (")
            assert "\n" not in message
            assert "s3cret" not in message
            assert raised.value.__cause__ is None
    finally:
        frontier.close()


def test_a_scheduler_without_redis_does_not_start() -> None:
    with pytest.raises(FrontierUnreachableError, match=r"^Redis at 127\.0\.0\.1:1/0 "):
        FrontierScheduler.from_crawler(_crawler(UNREACHABLE))


def test_a_redis_error_is_a_frontier_error_naming_the_server(
    redis_url: str, frontier: Frontier
) -> None:
    frontier.redis.set(frontier.key("queue"), "not a sorted set")
    with pytest.raises(FrontierError) as raised:
        frontier.lease(1000, "w1")
    assert not isinstance(raised.value, FrontierUnreachableError)
    where = redis_url.removeprefix("redis://")
    assert str(raised.value).startswith(f"Redis at {where} failed: WRONGTYPE ")
    assert "\n" not in str(raised.value)


def test_a_refused_password_is_never_shown(
    redis_url: str,
) -> None:
    """The machine's Redis has no user ``crawler``: it answers, and refuses."""
    refused = Frontier(redis_url.replace("redis://", "redis://crawler:s3cret@"), SITE)
    try:
        with pytest.raises(FrontierError) as raised:
            refused.call(refused.redis.ping)
    finally:
        refused.close()
    where = redis_url.removeprefix("redis://")
    assert str(raised.value).startswith(f"Redis at {where} ")
    assert "s3cret" not in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_refused_password_is_a_frontier_error_not_an_unreachable_server(
    redis_url: str,
) -> None:
    refused = Frontier(redis_url.replace("redis://", "redis://crawler:s3cret@"), SITE)
    try:
        with pytest.raises(FrontierError) as raised:
            refused.call(refused.redis.ping)
    finally:
        refused.close()
    assert not isinstance(raised.value, FrontierUnreachableError)
    assert " refused the credentials (" in str(raised.value)


def test_a_scheduler_whose_redis_fails_stops_giving_requests(
    scheduler: FrontierScheduler, frontier: Frontier
) -> None:
    frontier.redis.set(frontier.key("queue"), "not a sorted set")
    assert not scheduler.enqueue_request(_request(0))
    assert isinstance(scheduler.lost, FrontierError)
    assert str(scheduler.lost).startswith("Redis at 127.0.0.1:6379/")
    assert scheduler.stats.get_value(counters.FRONTIER_ERROR) == str(scheduler.lost)
    assert scheduler.stats.get_value(counters.EXIT_STATUS) == EXIT_FRONTIER_LOST
    frontier.redis.delete(frontier.key("queue"))
    # The failed push left the request unseen: queued with its filter entry or not at all.
    assert scheduler.enqueue_request(_request(0))
    assert scheduler.enqueue_request(_request(1))  # what the engine still finds is kept
    assert frontier.pending() == (2, 0)
    assert scheduler.next_request() is None  # but this worker takes no more
    assert not scheduler.has_pending_requests()
    assert frontier.pending() == (2, 0)
