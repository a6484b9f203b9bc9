"""The scheduler of a crawl with workers: scrapy-redis' queue and duplicate filter, mended.

scrapy-redis 0.9 pops a request from Redis and forgets it: a worker killed with requests in
flight loses them for good. Here a request taken from the queue is *leased*: it stays in Redis
(``leases``) until the worker is done with it, that is until Scrapy's engine has handled its
response or failure, its items are written and the requests it led to are queued. A worker
renews its leases while it lives; the lease of a dead worker ends (``NEWSARCHIVE_FRONTIER_LEASE``
seconds) and any worker puts the request back in the queue. A request is so fetched at least
once, and twice only when its worker died with it in flight; the store's claims keep the
archive from holding it twice.

scrapy-redis' other traps are mended here too: the shared queue and duplicate filter are never
deleted when one worker closes (``SCHEDULER_PERSIST``), only by the coordinator once the crawl
is complete; the start requests are queued once per run, by one worker (see
:class:`FrontierStart`), not by every worker's ``start()``; and a worker whose own queue is
empty waits for the others rather than closing while they still find new pages.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from newsarchive import counters
from newsarchive.frontier.shared import Frontier, FrontierError
from newsarchive.health import EXIT_FRONTIER_LOST

__all__ = ["FRONTIER_LOST", "FrontierScheduler", "FrontierStart", "frontier_of"]

logger = logging.getLogger(__name__)

# The finish reason of a worker that lost Redis.
FRONTIER_LOST = "frontier_lost"
# How often a worker looks after its leases, wakes its engine for queued work and reports.
_TICK = 0.25
# How long a worker's claim to queue the start requests holds if it dies before it is done.
_SEED_SECONDS = 30


def frontier_of(crawler: Crawler) -> Frontier:
    """The frontier of a worker's crawl, from its settings (NotConfigured outside one)."""
    settings = crawler.settings
    url, worker = settings.get("NEWSARCHIVE_REDIS_URL"), settings.get("NEWSARCHIVE_WORKER")
    if not (url and worker):
        raise NotConfigured("not a worker of a crawl with a shared frontier")
    return Frontier(url, settings.get("NEWSARCHIVE_SITE_NAME"))


class _LeasedQueue(PriorityQueue):  # type: ignore[misc]  # scrapy-redis has no annotations
    """scrapy-redis' priority queue, whose pop leases instead of forgetting."""

    def __init__(self, frontier: Frontier, spider: Spider, lease_ms: int, owner: str) -> None:
        super().__init__(frontier.redis, spider, frontier.key("queue"), picklecompat)
        self.frontier = frontier
        self.lease_ms = lease_ms
        self.owner = owner

    def pop_leased(self, finished: list[str]) -> tuple[str, Request] | None:
        lease = self.frontier.lease(self.lease_ms, self.owner, finished)
        if lease is None:
            return None
        request: Request = self._decode_request(lease.data)
        return lease.token, request


class FrontierScheduler(Scheduler):  # type: ignore[misc]  # scrapy-redis has no annotations
    """``SCHEDULER`` of a worker: one shared queue in Redis, each request leased till done."""

    def __init__(self, crawler: Crawler, frontier: Frontier) -> None:
        settings = crawler.settings
        super().__init__(
            server=frontier.redis,
            # Never flush on close: the queue and duplicate filter are every worker's.
            persist=True,
            queue_key=frontier.key("queue"),
            dupefilter=RFPDupeFilter(frontier.redis, key=frontier.key("seen")),
            serializer=picklecompat,
        )
        self.crawler = crawler
        self.stats = crawler.stats
        self.frontier = frontier
        self.worker = settings.get("NEWSARCHIVE_WORKER")
        self.lease_seconds = settings.getfloat("NEWSARCHIVE_FRONTIER_LEASE")
        self.holds_at_most = settings.getint("CONCURRENT_REQUESTS")
        # Leases held by this worker: the request each token leased, until the engine is done.
        self.held: dict[str, Request] = {}
        self.lost: FrontierError | None = None
        self._ticks = LoopingCall(self._tick)
        self._renewed = self._requeued = self._reported = 0.0
        self._seeding = self._seeded = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        frontier = frontier_of(crawler)
        frontier.call(frontier.redis.ping)
        return cls(crawler, frontier)

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = _LeasedQueue(
            self.frontier, spider, int(self.lease_seconds * 1000), self.worker
        )
        self.crawler.signals.connect(self._idle, signal=signals.spider_idle)
        # The first tick queues the start requests, if no other worker does: the engine's
        # slot, which engine.crawl() needs, is made after the scheduler opens.
        self._ticks.start(_TICK, now=False)

    def close(self, reason: str) -> None:
        if self._ticks.running:
            self._ticks.stop()
        self._guard(self._settle)
        # Whatever the engine still held (a shutdown, a lost store) goes back to the queue now,
        # for the other workers, rather than when its lease would end.
        self._guard(lambda: self._hand_back(list(self.held)))
        self._guard(self.report)

    # --- what Scrapy's engine asks ---------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        # scrapy-redis' fingerprint and serialization, queued in one step with the filter.
        fingerprint = None if request.dont_filter else self.df.request_fingerprint(request)
        try:
            queued = self.frontier.enqueue(
                fingerprint, -request.priority, self.queue._encode_request(request)
            )
        except FrontierError as error:
            self._lose(error)
            return False
        if not queued:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.lost is not None:
            return None
        try:
            done = self._done()
            # What a worker holds is what it would fetch again if killed: no more than it
            # can have in flight (the engine would take more while it parses).
            if len(self.held) - len(done) >= self.holds_at_most:
                self._finish(done)
                return None
            # The leases it is done with are finished in the same call.
            taken = self.queue.pop_leased(done)
            self._forget(done)
        except FrontierError as error:
            self._lose(error)
            return None
        if taken is None:
            return None
        token, request = taken
        self.held[token] = request
        self.stats.inc_value(counters.FRONTIER_LEASED)
        return request

    def has_pending_requests(self) -> bool:
        if self.lost is not None:
            return False
        try:
            return self.frontier.pending()[0] > 0
        except FrontierError as error:
            self._lose(error)
            return False

    # --- leases ---------------------------------------------------------------------------

    def _settle(self) -> None:
        """Finish the leases of the requests the engine is done with.

        Scrapy's engine keeps each request it took from the scheduler in its slot's
        ``inprogress`` set until its response or failure has gone through the callback, the
        items through the pipelines and the new requests into this scheduler; Scrapy offers no
        public signal for that moment, so the set is read.
        """
        self._finish(self._done())

    def _done(self) -> list[str]:
        """The tokens of the held requests the engine is done with."""
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        in_progress: set[Request] = slot.inprogress if slot is not None else set()
        return [token for token, request in self.held.items() if request not in in_progress]

    def _finish(self, tokens: list[str]) -> None:
        if tokens:
            self.frontier.finish(tokens)
            self._forget(tokens)

    def _forget(self, tokens: list[str]) -> None:
        for token in tokens:
            del self.held[token]

    def _hand_back(self, tokens: list[str]) -> None:
        if tokens:
            self.frontier.renew(tokens, -1)  # ends them now ...
            self.frontier.requeue_ended()  # ... and queues their requests again
            for token in tokens:
                self.held.pop(token, None)

    def _tick(self) -> None:
        self._guard(self._look_after)

    def _look_after(self) -> None:
        now = time.monotonic()
        self._seed_if_needed()
        self._settle()
        if now - self._renewed >= self.lease_seconds / 3:
            self.frontier.renew(list(self.held), int(self.lease_seconds * 1000))
            self._renewed = now
        if now - self._requeued >= min(1.0, self.lease_seconds / 3):
            requeued = self.frontier.requeue_ended()
            if requeued:
                self.stats.inc_value(counters.FRONTIER_REQUEUED, requeued)
                logger.warning(
                    "%d request(s) of a worker that stopped answering went back to the queue",
                    requeued,
                )
            self._requeued = now
        if now - self._reported >= 1.0:
            self.report()
            self._reported = now
        self._wake()

    def _wake(self) -> None:
        """Have the engine ask for requests now, not at its next 5-second heartbeat: others'
        requests may have been queued, or the crawl drained (the engine then finds itself
        idle and asks ``_idle`` again). Scrapy has no public call for "the scheduler has work
        again"."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def report(self) -> None:
        """Tell the coordinator this worker's counts (its progress lines add them up)."""
        self.frontier.report(self.worker, {"stats": progress_stats(self.stats.get_stats())})

    # --- start requests and the end of the crawl ------------------------------------------

    def _seed_if_needed(self) -> None:
        if self._seeded or self._seeding:
            return
        if self.frontier.is_seeded():
            self._seeded = True
        elif self.frontier.claim_seed(_SEED_SECONDS):
            self._seeding = True
            deferred_from_coro(self._seed())

    async def _seed(self) -> None:
        """Queue the spider's start requests, once for the whole crawl."""
        engine = self.crawler.engine
        assert engine is not None
        start: AsyncIterator[Any] = self.spider.start()
        async for request in start:
            if isinstance(request, Request):
                engine.crawl(request)
        self._guard(self.frontier.seeded)
        self._seeding = False
        self._seeded = True

    def _idle(self) -> None:
        """Close only once the crawl is drained: none queued, none leased by any worker."""
        if self.lost is not None:
            return
        try:
            self._settle()
            if self.frontier.drained():
                return
            self._seed_if_needed()  # the worker that claimed the start requests died
        except FrontierError as error:
            self._lose(error)
            return
        raise DontCloseSpider

    # --- Redis going away -----------------------------------------------------------------

    def _guard(self, action: Any) -> None:
        if self.lost is not None:
            return
        try:
            action()
        except FrontierError as error:
            self._lose(error)

    def _lose(self, error: FrontierError) -> None:
        """Redis failed: stop this worker, once. What it archived stays archived; its leases
        end and the next run (or a worker still connected) takes their requests again."""
        if self.lost is not None:
            return
        self.lost = error
        self.stats.set_value(counters.FRONTIER_ERROR, str(error))
        self.stats.set_value(counters.EXIT_STATUS, EXIT_FRONTIER_LOST)
        logger.error("%s; this worker stops", error)
        engine = self.crawler.engine
        if engine is not None and engine.running:
            deferred_from_coro(engine.close_spider_async(reason=FRONTIER_LOST))


class FrontierStart:
    """Spider middleware of a worker: the spider's own ``start()`` queues nothing, because the
    start requests are queued once for the whole crawl (``FrontierScheduler._seed``), not once
    per worker; outside a crawl with workers it is switched off."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        frontier_of(crawler)  # NotConfigured outside a crawl with workers
        scheduler = load_object(crawler.settings["SCHEDULER"])
        if not issubclass(scheduler, FrontierScheduler):
            raise NotConfigured("the frontier's scheduler is not in use")
        return cls()

    async def process_start(self, start: AsyncGenerator[Any]) -> AsyncIterator[Any]:
        await start.aclose()
        return
        yield  # an asynchronous generator that yields nothing


def progress_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """The part of a worker's stats that adds up across workers: numbers and lists by name
    (times and other objects stay with the worker).

    >>> progress_stats({"a": 1, "b": [1], "c": object(), "d": "x", "e": True})
    {'a': 1, 'b': [1], 'd': 'x'}
    """
    return {
        name: value
        for name, value in stats.items()
        if isinstance(value, (int, float, str, list)) and not isinstance(value, bool)
    }
