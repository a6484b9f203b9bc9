"""A site's politeness, shared by every worker of its crawl through Redis.

Scrapy keeps a site's delay and concurrency per process (its downloader slot, AutoThrottle):
four workers would each send the site what one polite crawl sends. Here every request asks
Redis first for a permit: at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests of all workers
are in flight at once, and each starts at least the site's delay after the one before, the
delay being ``DOWNLOAD_DELAY`` or, with AutoThrottle, one delay that every worker's responses
adjust by AutoThrottle's own rule (so N workers send no more than one polite crawl would).
Each worker's own downloader then applies no delay of its own (``newsarchive.frontier.worker``
sets that up), and ``CONCURRENT_REQUESTS`` is each worker's own cap. To let more workers go
faster, raise the site's limits: ``-s CONCURRENT_REQUESTS_PER_DOMAIN=16 -s DOWNLOAD_DELAY=0``.

A permit held by a worker that died ends on its own after the download timeout, so a dead
worker never keeps the site's share.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from newsarchive.frontier.scheduler import frontier_of
from newsarchive.frontier.shared import Frontier, FrontierError

__all__ = ["SharedPoliteness"]

# A permit: returns 0 when granted, else how many milliseconds to wait before asking again.
_PERMIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 10 end
local next_start = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < next_start then return next_start - now end
local delay = tonumber(redis.call('GET', KEYS[3]) or ARGV[4])
if delay < tonumber(ARGV[5]) then delay = tonumber(ARGV[5]) end
local interval = math.floor(delay * tonumber(ARGV[6]))
redis.call('SET', KEYS[2], now + interval, 'PX', interval + 60000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
return 0
"""
# AutoThrottle's rule on the shared delay: halfway towards latency / target concurrency, never
# below that, within [minimum, maximum]; a failed response never makes it shorter.
_ADJUST = """
local delay = tonumber(redis.call('GET', KEYS[1]) or ARGV[5])
local target = tonumber(ARGV[1]) / tonumber(ARGV[2])
local new = math.max(target, (delay + target) / 2)
new = math.min(math.max(new, tonumber(ARGV[3])), tonumber(ARGV[4]))
if ARGV[6] == '0' and new < delay then return 0 end
redis.call('SET', KEYS[1], new)
return 0
"""
_PERMIT_KEY = "newsarchive_permit"


class SharedPoliteness:
    """Downloader middleware of a worker (next to the downloader): one permit per request."""

    def __init__(self, crawler: Crawler, frontier: Frontier) -> None:
        settings = crawler.settings
        self.frontier = frontier
        self.worker = settings.get("NEWSARCHIVE_WORKER")
        self.cap = settings.getint("NEWSARCHIVE_SITE_CONCURRENCY")
        self.minimum_ms = settings.getfloat("NEWSARCHIVE_SITE_DELAY") * 1000
        self.autothrottle = settings.getbool("NEWSARCHIVE_SITE_AUTOTHROTTLE")
        self.start_ms = (
            max(self.minimum_ms, settings.getfloat("AUTOTHROTTLE_START_DELAY") * 1000)
            if self.autothrottle
            else self.minimum_ms
        )
        self.maximum_ms = settings.getfloat("AUTOTHROTTLE_MAX_DELAY") * 1000
        self.target = settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY")
        self.randomize = settings.getbool("RANDOMIZE_DOWNLOAD_DELAY")
        # A permit outlives no download: it ends with the timeout, should its worker die.
        self.hold_ms = int((settings.getfloat("DOWNLOAD_TIMEOUT") + 5) * 1000)
        self._numbers = itertools.count(1)
        redis = frontier.redis
        self._permit = redis.register_script(_PERMIT)
        self._adjust = redis.register_script(_ADJUST)
        self._keys = [frontier.key("polite:inflight"), frontier.key("polite:next")]
        self._delay_key = frontier.key("polite:delay")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, frontier_of(crawler))

    async def process_request(self, request: Request) -> None:
        token = f"{self.worker}:{next(self._numbers)}"
        # As Scrapy's RANDOMIZE_DOWNLOAD_DELAY: between 0.5 and 1.5 times the delay.
        spread = random.uniform(0.5, 1.5) if self.randomize else 1.0
        arguments: list[str | float] = [
            self.cap, token, self.hold_ms, self.start_ms, self.minimum_ms, spread
        ]  # fmt: skip
        keys = [*self._keys, self._delay_key]
        while True:
            try:
                wait = int(self.frontier.call(lambda: self._permit(keys=keys, args=arguments)))
            except FrontierError:
                return  # the scheduler stops the worker; this request may still go
            if wait == 0:
                request.meta[_PERMIT_KEY] = token
                return
            await asyncio.sleep(wait / 1000)

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        if self.autothrottle and "download_latency" in request.meta:
            latency_ms = request.meta["download_latency"] * 1000
            ok = "1" if response.status == 200 else "0"
            arguments = [latency_ms, self.target, self.minimum_ms, self.maximum_ms,
                         self.start_ms, ok]  # fmt: skip
            with contextlib.suppress(FrontierError):  # the scheduler stops the worker
                self.frontier.call(lambda: self._adjust(keys=[self._delay_key], args=arguments))
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    def _release(self, request: Request) -> None:
        token = request.meta.pop(_PERMIT_KEY, None)
        if token is not None:
            # If Redis failed, the scheduler stops the worker, and the permit ends on its own.
            with contextlib.suppress(FrontierError):
                self.frontier.call(lambda: self.frontier.redis.zrem(self._keys[0], token))
