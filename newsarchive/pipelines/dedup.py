"""Drop what the archive already holds; number a changed article's new version."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newsarchive.archive import Archive
from newsarchive.pipelines.session import archive_for
from newsarchive.records import rate_value


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
