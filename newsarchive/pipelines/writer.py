"""Append records to the site's JSONL archive (atomic files; see newsarchive.archive.files)."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from newsarchive import counters
from newsarchive.archive import Archive
from newsarchive.run import ArchiveRun


class ArchiveWriterPipeline:
    """Writes every record that reaches it; deduplication happened before."""

    def __init__(self, crawler: Crawler) -> None:
        self.run = ArchiveRun.of(crawler)
        self.stats = crawler.stats
        self.archive: Archive

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveWriterPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.archive = self.run.archive

    def process_item(self, item: Any) -> Any:
        if isinstance(item, dict) and item.get("kind") in ("article", "rates"):
            self.archive.write(item)
            self.stats.inc_value(counters.WRITTEN + item["kind"])
        return item
