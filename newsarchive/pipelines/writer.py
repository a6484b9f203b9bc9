"""Append records to the site's JSONL archive (atomic files; see newsarchive.archive.files)."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newsarchive import counters
from newsarchive.archive import Archive
from newsarchive.run import ArchiveRun


class ArchiveWriterPipeline:
    """Writes every record that reaches it (deduplication happened before), once its claim in
    the store succeeds: claimed and written in one step, with no turn of the event loop
    between, so that a process killed after its claim has almost surely written the line."""

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
        kind = item.get("kind") if isinstance(item, dict) else None
        if kind not in ("article", "rates"):
            return item
        if not self.archive.write_claimed(item):
            if kind == "article":
                self.stats.inc_value(counters.ARTICLES_CLAIMED_ELSEWHERE)
                raise DropItem(
                    f"{item['url']}: version {item['version']} of {item['id']} is being "
                    "archived by another run"
                )
            # Every page shows the widget: workers of one crawl read a new row at once.
            self.stats.inc_value(counters.RATES_UNCHANGED)
            raise DropItem(f"{item['currency']} {item['as_of']}: being archived by another run")
        if kind == "article":
            self.stats.inc_value(
                counters.ARTICLES_NEW if item["version"] == 1 else counters.ARTICLES_UPDATED
            )
        else:
            self.stats.inc_value(counters.RATES_NEW)
        self.stats.inc_value(counters.WRITTEN + kind)
        return item
