"""Drop what the archive already holds; number a changed article's new version.

``DeduplicationPipeline`` decides; ``KnownRatesFilter`` (a spider middleware) takes the rate
rows it would drop out of the spider's output before they reach the item pipelines at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newsarchive.archive import Archive, RateKey
from newsarchive.pipelines.session import archive_for
from newsarchive.records import RateItem, rate_record, rate_value
from newsarchive.schema import problem

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
            self.stats.inc_value("newsarchive/articles/new")
            return record
        if known.content_hash == record["content_hash"]:
            self.stats.inc_value("newsarchive/articles/unchanged")
            self.archive.touch_article(record["id"], record["fetched_at"])
            raise DropItem(f"{record['url']}: already archived as {record['id']}")
        record["version"] = known.version + 1
        self.stats.inc_value("newsarchive/articles/updated")
        return record

    def _rate(self, record: dict[str, Any]) -> dict[str, Any]:
        if self.archive.known_rate(record) == rate_value(record):
            self.stats.inc_value("newsarchive/rates/unchanged")
            raise DropItem(f"{record['currency']} {record['as_of']}: already archived")
        self.stats.inc_value("newsarchive/rates/new")
        return record


# A rate key seen with more than one value in this run: its rows all go to the pipelines.
_MIXED = object()
# Rate keys the filter follows (one per source, day and currency); beyond that it steps aside.
_MAX_KEYS = 4096


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
        pipeline = _PIPELINES.get(self.crawler)
        if pipeline is None:
            return True
        record = rate_record(item)
        key = RateKey(record["source"] or "", record["as_of"], record["currency"])
        value = rate_value(record)
        seen = self._values.get(key)
        if seen is None:
            if len(self._values) >= _MAX_KEYS:
                return True
            self._values[key] = seen = value
        elif seen != value:
            self._values[key] = seen = _MIXED
        if seen != value or problem(record) is not None:
            return True  # a changed value, or a record the validation pipeline must quarantine
        if pipeline.archive.known_rate(record) != value:
            return True  # new, or changed since the archive last saw it: the pipelines write it
        self._count("newsarchive/rates/unchanged")
        self._count("item_dropped_count")
        self._count("item_dropped_reasons_count/DropItem")
        return False
