"""Drop what the archive already holds; number a changed article's new version.

``DeduplicationPipeline`` decides; ``KnownRatesFilter`` (a spider middleware) takes the rate
rows it would drop out of the spider's output before they reach the item pipelines at all.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newsarchive import counters
from newsarchive.archive import Archive, RateKey
from newsarchive.pipelines.session import archive_for
from newsarchive.records import RateItem, rate_record, rate_value
from newsarchive.schema import problem, schema
from newsarchive.urls import canonical_url

__all__ = ["DeduplicationPipeline", "KnownRatesFilter"]

# The deduplication pipeline of each running crawl, for KnownRatesFilter to defer to.
_PIPELINES: WeakKeyDictionary[Crawler, DeduplicationPipeline] = WeakKeyDictionary()


class DeduplicationPipeline:
    """Articles by id and content hash, rate rows by site, source, as_of and currency."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.archive: Archive

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DeduplicationPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.archive = archive_for(self.crawler)
        _PIPELINES[self.crawler] = self

    def close_spider(self) -> None:
        _PIPELINES.pop(self.crawler, None)

    def process_item(self, item: Any) -> Any:
        kind = item.get("kind") if isinstance(item, dict) else None
        if kind == "article":
            return self._article(item)
        if kind == "rates":
            return self._rate(item)
        return item

    def _article(self, record: dict[str, Any]) -> dict[str, Any]:
        known = self.archive.known_article(record["id"])
        if known is None:
            self.stats.inc_value(counters.ARTICLES_NEW)
            return record
        if known.content_hash == record["content_hash"]:
            self.stats.inc_value(counters.ARTICLES_UNCHANGED)
            self.archive.touch_article(record["id"], record["fetched_at"])
            raise DropItem(f"{record['url']}: already archived as {record['id']}")
        record["version"] = known.version + 1
        self.stats.inc_value(counters.ARTICLES_UPDATED)
        return record

    def _rate(self, record: dict[str, Any]) -> dict[str, Any]:
        if self.archive.known_rate(record) == rate_value(record):
            self.stats.inc_value(counters.RATES_UNCHANGED)
            raise DropItem(f"{record['currency']} {record['as_of']}: already archived")
        self.stats.inc_value(counters.RATES_NEW)
        return record


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
        self._count = crawler.stats.inc_value  # bound once: Scrapy's stats wrap each look-up
        self._values: dict[RateKey, object] = {}
        # Rows already dropped, by what the spider read, with the key they were judged under:
        # the same widget on the next page is dropped without building its record again.
        self._dropped: dict[tuple[Any, ...], RateKey] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KnownRatesFilter:
        return cls(crawler)

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
        if _PIPELINES.get(self.crawler) is None:
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
        """The row's key if the pipelines would drop it as archived, else None."""
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
        if _PIPELINES[self.crawler].archive.known_rate(record) != value:
            return None  # new, or changed since the archive last saw it: the pipelines write it
        return key
