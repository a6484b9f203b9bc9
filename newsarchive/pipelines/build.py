"""Turn what the spider read into versioned archive records."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newsarchive import counters
from newsarchive.records import ArticleItem, RateItem, article_record, rate_record

logger = logging.getLogger(__name__)

# An article record without these is no article: it is counted and logged, never archived.
REQUIRED_ARTICLE_FIELDS = ("title", "body")
# Counted when empty (newsarchive/missing/<field>), for the run's health (see health.py).
WATCHED_FIELDS = ("title", "body", "published_at", "lead", "section")


class RecordBuilderPipeline:
    """``ArticleItem``/``RateItem`` in, a record dict in the archive's schema out."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecordBuilderPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, RateItem):
            return rate_record(item)
        if not isinstance(item, ArticleItem):
            return item
        record = article_record(item)
        self.stats.inc_value(counters.ARTICLES_PARSED)
        for field in WATCHED_FIELDS:
            if not record[field]:
                self.stats.inc_value(counters.MISSING + field)
        missing = [field for field in REQUIRED_ARTICLE_FIELDS if not record[field]]
        if missing:
            self.stats.inc_value(counters.ARTICLES_INCOMPLETE)
            self.stats.inc_value(counters.ERRORS + "incomplete_article")
            reason = f"no {' and no '.join(missing)} found"
            raise DropItem(f"{item.url}: {reason}; not archived", log_level="WARNING")
        return record
