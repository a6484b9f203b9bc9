"""Our middlewares: retries that wait as long as the server asks (downloader), and known rate
rows dropped next to the spider (spider).

Scrapy's ``RetryMiddleware`` retries a 429 or 503 at once, whatever its ``Retry-After`` says: a
server that asked for a pause gets the same request three times within a second, and the page
is lost all the same. ``RetryAfterMiddleware`` takes its place (see ``settings.py``).
``KnownRatesFilter`` takes the rate rows the deduplication pipeline would drop out of the
spider's output before they reach Scrapy's item machinery.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Request, Response
from scrapy.utils.asyncio import call_later, sleep

from newsarchive import counters
from newsarchive.archive import RateKey
from newsarchive.pipelines.dedup import DeduplicationPipeline
from newsarchive.records import RateItem, rate_record, rate_value
from newsarchive.responses import page_time
from newsarchive.schema import problem, schema
from newsarchive.urls import canonical_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

__all__ = ["KnownRatesFilter", "RetryAfterMiddleware", "retry_after"]

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

    # Scrapy's middleware manager awaits a coroutine process_response; RetryMiddleware's own
    # is declared as a plain method, which mypy takes for the only allowed form.
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
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
        if not isinstance(key, str) or key not in downloader.slots:  # slots are keyed by name
            return
        slot = downloader.slots[key]
        until = monotonic() + delay
        if until <= self._held_until.get(key, 0.0):
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


# A rate key seen with more than one value in this run: its rows all go to the pipelines.
_MIXED = object()
# Rate keys the filter follows (one per source, day and currency); beyond that it steps aside.
_MAX_KEYS = 4096
# Two rows of the same reading differ in their page's URL and fetch time; the time is always
# a valid one, the URL is checked as the schema checks it.
_RATE_URL = re.compile(schema("rates")["properties"]["url"]["pattern"])


class KnownRatesFilter:
    """Spider middleware: rate rows the archive holds already never enter the item pipelines.

    Every page of a site shows its rate widget, so a crawl yields the day's rows with every
    page, and the deduplication pipeline drops all but the first of each: three or four items a
    page, each through Scrapy's item machinery (spider middlewares, the scraper's queue, four
    pipelines, a DropItem, its signal) only to be dropped; that cost as much as reading the
    page. This middleware sits next to the spider and drops such a row at once, with the very
    test the pipelines apply (a valid record whose value the archive holds under its key), and
    counts it as they would (``newsarchive/rates/unchanged``, ``item_dropped_count``). The
    archive, the run record and the stats stay what they were; the item_dropped signal and the
    DEBUG "Dropped" line are not sent for these rows.

    The pipelines see rows in another order than the spider yields them when pages are
    processed concurrently, so a row is dropped early only while every row of its key in this
    run has shown the same value: then no row of the key still on its way can change the
    stored value before this one would have been judged. A key that shows two values in a run
    (a widget updated mid-crawl) is left to the pipelines from then on. Without the
    deduplication pipeline (``ITEM_PIPELINES`` changed) the filter passes everything.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        # The pipeline whose decision this takes early; found once the spider is open.
        self._pipeline: DeduplicationPipeline | None = None
        self._count = crawler.stats.inc_value  # bound once: Scrapy's stats wrap each look-up
        self._values: dict[RateKey, object] = {}
        # Rows already dropped, by what the spider read, with the key they were judged under:
        # the same widget on the next page is dropped without building its record again.
        self._dropped: dict[tuple[Any, ...], RateKey] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self) -> None:
        self._pipeline = self.crawler.get_item_pipeline(DeduplicationPipeline)

    def process_spider_output(
        self, response: Any, result: Iterable[Any], spider: Any = None
    ) -> Iterator[Any]:
        for output in result:
            if not isinstance(output, RateItem) or self._passes(output):
                yield output

    async def process_spider_output_async(
        self, response: Any, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        async for output in result:
            if not isinstance(output, RateItem) or self._passes(output):
                yield output

    def _passes(self, item: RateItem) -> bool:
        if self._pipeline is None:
            return True
        # Only dated rows are remembered: an undated row's day is its fetch time's local day.
        seen_as = (
            (item.source, item.as_of, item.currency, item.rate, item.change, item.change_percent)
            if item.as_of is not None
            else None
        )
        key = self._dropped.get(seen_as) if seen_as is not None else None
        # Its key still showing one value means nothing this run wrote since can differ from it.
        if (
            key is None
            or self._values.get(key) is _MIXED
            or not _RATE_URL.search(canonical_url(item.url))
        ):
            key = self._droppable(item)
            if key is None:
                return True
            if seen_as is not None and len(self._dropped) < _MAX_KEYS:
                self._dropped[seen_as] = key
        self._count(counters.RATES_UNCHANGED)
        self._count("item_dropped_count")
        self._count("item_dropped_reasons_count/DropItem")
        return False

    def _droppable(self, item: RateItem) -> RateKey | None:
        """The row's key if the pipelines would drop it as archived, else None.

        Their own decision: the validation pipeline's ``problem`` and the deduplication
        pipeline's ``holds_rate``, asked of the record the builder pipeline would make.
        """
        pipeline = self._pipeline
        record = rate_record(item)
        key = RateKey(record["source"] or "", record["as_of"], record["currency"])
        value = rate_value(record)
        seen = self._values.get(key)
        if seen is None:
            if len(self._values) >= _MAX_KEYS:
                return None
            self._values[key] = seen = value
        elif seen != value:
            self._values[key] = seen = _MIXED
        if seen != value or problem(record) is not None:
            return None  # a changed value, or a record the validation pipeline must quarantine
        if pipeline is None or not pipeline.holds_rate(record):
            return None  # new, or changed since the archive last saw it: the pipelines write it
        return key
