"""The archive one crawl writes to, shared by the pipelines of that crawl.

The deduplication and writer pipelines each do one thing, but must see the same store: the
first one to open asks for the crawl's archive, which is opened once and closed when the
spider closes (after every pipeline's ``close_spider``).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.crawler import Crawler

from newsarchive.archive import Archive

__all__ = ["archive_for", "new_run_id"]

_ARCHIVES: WeakKeyDictionary[Crawler, Archive] = WeakKeyDictionary()


def new_run_id(now: datetime | None = None) -> str:
    """Sortable and unique: UTC start time plus a random suffix, e.g. ``20251211T130000Z-3f9a``."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


def archive_for(crawler: Crawler) -> Archive:
    """The crawl's archive, opened on first use for the spider's site."""
    archive = _ARCHIVES.get(crawler)
    if archive is None:
        settings = crawler.settings
        spider = crawler.spider
        assert spider is not None, "the archive is opened when the spider opens"
        archive = Archive(
            Path(settings.get("NEWSARCHIVE_DIR")),
            spider.site.name,
            settings.get("NEWSARCHIVE_RUN_ID") or new_run_id(),
            roll_records=settings.getint("NEWSARCHIVE_ROLL_RECORDS"),
        )
        archive.open()
        _ARCHIVES[crawler] = archive

        def close() -> None:
            archive.close()
            crawler.stats.set_value(
                "newsarchive/files", [str(p) for p in archive.published_files()]
            )
            _ARCHIVES.pop(crawler, None)

        crawler.signals.connect(close, signal=signals.spider_closed, weak=False)
    return archive
