"""Progress lines while a crawl runs, so an analyst sees it is alive and how it goes."""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from twisted.internet import task

from newsarchive.counters import RunCounts

logger = logging.getLogger("newsarchive.progress")

__all__ = ["CrawlProgress", "progress_line"]


def progress_line(stats: dict[str, object], elapsed: float) -> str:
    """One line: pages fetched and their rate, articles, rate rows and errors so far."""
    counts = RunCounts.from_stats(stats)
    rate = counts.pages / elapsed if elapsed > 0 else 0.0
    return (
        f"pages {counts.pages} ({rate:.1f}/s) | articles {counts.articles_new} new, "
        f"{counts.articles_updated} updated, {counts.already_archived} already archived | "
        f"rate rows {counts.rates_new} | errors {counts.error_count}"
    )


class CrawlProgress:
    """Logs ``progress_line`` every ``NEWSARCHIVE_PROGRESS_INTERVAL`` seconds (0 turns it off)."""

    def __init__(self, stats: StatsCollector, interval: float) -> None:
        self.stats = stats
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        interval = crawler.settings.getfloat("NEWSARCHIVE_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler.stats, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.log)
        self.loop.start(self.interval, now=False)

    def log(self) -> None:
        logger.info(progress_line(self.stats.get_stats(), time.monotonic() - self.started))

    def spider_closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.log()
