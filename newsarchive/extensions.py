"""Progress lines while a crawl runs, so an analyst sees it is alive and how it goes."""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from twisted.internet import task

logger = logging.getLogger("newsarchive.progress")

__all__ = ["CrawlProgress", "already_archived", "error_count", "progress_line"]


def error_count(stats: dict[str, object]) -> int:
    """Requests and items that failed, from a crawl's stats."""
    return sum(
        int(value)
        for key, value in stats.items()
        if key.startswith("newsarchive/errors/") and isinstance(value, int)
    )


def already_archived(stats: dict[str, object]) -> int:
    """Articles the run met that the archive already held: re-fetched unchanged, or skipped."""
    return int(stats.get("newsarchive/articles/unchanged", 0) or 0) + int(  # type: ignore[call-overload]
        stats.get("newsarchive/articles/skipped_archived", 0) or 0  # type: ignore[call-overload]
    )


def progress_line(stats: dict[str, object], elapsed: float) -> str:
    """One line: pages fetched and their rate, articles, rate rows and errors so far."""
    pages = int(stats.get("response_received_count", 0) or 0)  # type: ignore[call-overload]
    new = stats.get("newsarchive/articles/new", 0)
    updated = stats.get("newsarchive/articles/updated", 0)
    unchanged = already_archived(stats)
    rates = stats.get("newsarchive/rates/new", 0)
    rate = pages / elapsed if elapsed > 0 else 0.0
    return (
        f"pages {pages} ({rate:.1f}/s) | articles {new} new, {updated} updated, "
        f"{unchanged} already archived | rate rows {rates} | errors {error_count(stats)}"
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
