"""Drop what the archive already holds; number a changed article's new version.

``DeduplicationPipeline`` decides; ``newsarchive.middlewares.KnownRatesFilter`` (a spider
middleware) asks it, through the crawler, about rate rows before they reach the pipelines.
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
        # Atomic in the store: of the processes sharing it, one writes this version.
        if not self.archive.claim(record["id"], record["version"]):
            self.stats.inc_value(counters.ARTICLES_CLAIMED_ELSEWHERE)
            raise DropItem(
                f"{record['url']}: version {record['version']} of {record['id']} is being "
                "archived by another run"
            )
        self.stats.inc_value(
            counters.ARTICLES_NEW if known is None else counters.ARTICLES_UPDATED
        )
        return record

    def _rate(self, record: dict[str, Any]) -> dict[str, Any]:
        if self.holds_rate(record):
            self.stats.inc_value(counters.RATES_UNCHANGED)
            raise DropItem(f"{record['currency']} {record['as_of']}: already archived")
        # Every page shows the widget: workers of one crawl read the same new row at once.
        if not self.archive.claim(_rate_claim(record), 0):
            self.stats.inc_value(counters.RATES_UNCHANGED)
            raise DropItem(
                f"{record['currency']} {record['as_of']}: being archived by another run"
            )
        self.stats.inc_value(counters.RATES_NEW)
        return record

    def holds_rate(self, record: dict[str, Any]) -> bool:
        """Whether the archive holds this rate row's value under its key already."""
        return self.archive.known_rate(record) == rate_value(record)


def _rate_claim(record: dict[str, Any]) -> str:
    """The claim a new rate row is written under: its key and its values (a changed value is
    another row).

    >>> _rate_claim({"source": "cbu", "as_of": "2025-12-11", "currency": "USD", "rate": 12020.9,
    ...              "change": 17.72, "change_percent": None})
    'rates cbu|2025-12-11|USD|12020.9|17.72|'
    """
    key = "|".join((record["source"] or "", record["as_of"], record["currency"]))
    return f"rates {key}|{rate_value(record)}"
