"""Check every record against its schema before it can reach the archive."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newsarchive import counters
from newsarchive.archive import Archive
from newsarchive.run import ArchiveRun
from newsarchive.schema import problem

logger = logging.getLogger(__name__)


class ValidationPipeline:
    """An invalid record goes to the quarantine file with its reason, never to the archive."""

    def __init__(self, crawler: Crawler) -> None:
        self.run = ArchiveRun.of(crawler)
        self.stats = crawler.stats
        self.archive: Archive

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidationPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.archive = self.run.archive

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, dict) or item.get("kind") not in ("article", "rates"):
            return item
        reason = problem(item)
        if reason is None:
            return item
        self.archive.quarantine(item, reason)
        self.stats.inc_value(counters.QUARANTINED)
        self.stats.inc_value(counters.ERRORS + "invalid_record")
        raise DropItem(
            f"{item.get('url')}: invalid {item['kind']} record ({reason}); quarantined",
            log_level="WARNING",
        )
