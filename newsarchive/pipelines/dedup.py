"""Drop what the archive already holds; number a changed article's new version.

``DeduplicationPipeline`` decides; ``newsarchive.middlewares.KnownRatesFilter`` (a spider
middleware) asks it, through the crawler, about rate rows before they reach the pipelines.
Of several processes sharing the store, the one that writes a new version or rate row is the
one whose claim succeeds, taken by the writer in the same step as the write
(``ArchiveWriterPipeline``).
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newsarchive import counters
from newsarchive.archive import Archive
from newsarchive.records import rate_value
from newsarchive.run import ArchiveRun

__all__ = ["DeduplicationPipeline"]


class DeduplicationPipeline:
    """Articles by id and content hash, rate rows by site, source, as_of and currency."""

    def __init__(self, crawler: Crawler) -> None:
        self.run = ArchiveRun.of(crawler)
        self.stats = crawler.stats
        self.archive: Archive

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DeduplicationPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.archive = self.run.archive

    def process_item(self, item: Any) -> Any:
        kind = item.get("kind") if isinstance(item, dict) else None
        if kind == "article":
            return self._article(item)
        if kind == "rates":
            return self._rate(item)
        return item

    def _article(self, record: dict[str, Any]) -> dict[str, Any]:
        known = self.archive.known_article(record["id"])
        if known is not None and known.content_hash == record["content_hash"]:
            self.stats.inc_value(counters.ARTICLES_UNCHANGED)
            self.archive.touch_article(record["id"], record["fetched_at"])
            raise DropItem(f"{record['url']}: already archived as {record['id']}")
        if known is not None:
            record["version"] = known.version + 1
        return record

    def _rate(self, record: dict[str, Any]) -> dict[str, Any]:
        if self.holds_rate(record):
            self.stats.inc_value(counters.RATES_UNCHANGED)
            raise DropItem(f"{record['currency']} {record['as_of']}: already archived")
        return record

    def holds_rate(self, record: dict[str, Any]) -> bool:
        """Whether the archive holds this rate row's value under its key already."""
        return self.archive.known_rate(record) == rate_value(record)

