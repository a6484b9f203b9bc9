"""Downloader middlewares: retries that wait as long as the server asks.

Scrapy's ``RetryMiddleware`` retries a 429 or 503 at once, whatever its ``Retry-After`` says: a
server that asked for a pause gets the same request three times within a second, and the page
is lost all the same. ``RetryAfterMiddleware`` takes its place (see ``settings.py``).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Request, Response
from scrapy.utils.asyncio import call_later, sleep

from newsarchive.spiders.base import page_time

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

__all__ = ["RetryAfterMiddleware", "retry_after"]

logger = logging.getLogger(__name__)

_DELAY_SECONDS = re.compile(r"\s*(\d+(?:\.\d+)?)\s*")


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, but a retried response's ``Retry-After`` is waited for first.

    On a response Scrapy would retry (``RETRY_HTTP_CODES``) that carries ``Retry-After``
    (delta-seconds or an HTTP date): the retry is sent once that time has passed, and the
    host's other requests wait as well, since the server asked the client, not one URL, to
    pause. When the server asks for more than ``NEWSARCHIVE_RETRY_AFTER_MAX`` seconds the request
    is given up at once (the spider counts it as ``http_503``, ``http_429``…): a run from cron
    must not sleep for an hour. Retries stay ``RETRY_TIMES`` in all, and ``RETRY_ENABLED =
    False`` switches this off with the rest of retrying (``NotConfigured``).

    A subclass that replaces Scrapy's rather than a second middleware beside it: one component
    decides each retry, so a response is never retried, or given up, twice.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_delay = settings.getfloat("NEWSARCHIVE_RETRY_AFTER_MAX")
        # Download slot → monotonic time until which its queue is held (see hold_host).
        self._held_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)
        # The host is held from the moment the answer is in: by the time process_response
        # runs, the download slot has already sent its next request.
        crawler.signals.connect(middleware.hold_host, signal=signals.response_downloaded)
        return middleware

    def asked_delay(self, request: Request, response: Response) -> float | None:
        """The wait a response Scrapy would retry asks for, if it asks for one."""
        if response.status not in self.retry_http_codes or request.meta.get("dont_retry"):
            return None
        return retry_after(response)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        delay = self.asked_delay(request, response)
        if delay is None:
            return super().process_response(request, response)
        if delay > self.max_delay:
            assert self.crawler.spider is not None
            get_retry_request(  # the give-up path: logged and counted as Scrapy's own
                request,
                spider=self.crawler.spider,
                reason=(
                    f"Retry-After {delay:.0f} s is more than NEWSARCHIVE_RETRY_AFTER_MAX "
                    f"({self.max_delay:.0f} s)"
                ),
                max_retry_times=0,
                give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
            )
            return response
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await sleep(delay)  # the reactor runs on; only this retry waits here
        return result

    def hold_host(self, response: Response, request: Request) -> None:
        """Send nothing more to the host (the request's download slot) while it asked to wait.

        The slot's queue is held the way Scrapy holds it for ``DOWNLOAD_DELAY``: by its
        ``latercall``, which releases the queue when it fires. Requests already on the wire
        go on. A later hold replaces an earlier one only if it ends later.
        """
        delay = self.asked_delay(request, response)
        engine = self.crawler.engine
        if delay is None or not 0 < delay <= self.max_delay or engine is None:
            return
        downloader = engine.downloader
        key = request.meta.get(downloader.DOWNLOAD_SLOT)
        slot = downloader.slots.get(key) if key is not None else None
        until = monotonic() + delay
        if slot is None or until <= self._held_until.get(key, 0.0):
            return
        self._held_until[key] = until
        if slot.latercall:
            slot.latercall.cancel()
        # Downloader._latercall is what Scrapy's own delay calls: it clears the hold, then
        # sends what the queue holds.
        slot.latercall = call_later(delay, downloader._latercall, slot)
        logger.debug("%s: holding requests to %s for %.1f s (Retry-After)", request.url, key, delay)


def retry_after(response: Response) -> float | None:
    """Seconds the response's ``Retry-After`` asks to wait (0 for a past date), or None.

    An HTTP date is read against the response's ``Date`` (the server's clock) when it has one,
    so a client clock that is off does not stretch or cut the wait.
    """
    header = response.headers.get(b"Retry-After")
    if not header:
        return None
    value = header.decode("latin-1")
    if match := _DELAY_SECONDS.fullmatch(value):
        return float(match[1])
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None  # unreadable: retried as if there were no Retry-After
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - page_time(response)).total_seconds())
