"""The archive one crawl writes to, shared by the pipelines of that crawl.

The deduplication and writer pipelines each do one thing, but must see the same store: the
first one to open asks for the crawl's archive, which is opened once and closed when the
spider closes (after every pipeline's ``close_spider``). Closing publishes the run's files,
judges the run's health and appends its record to ``runs.jsonl``, all under the site's lock.

The first write the archive cannot make (disk full, I/O error) stops the crawl: the reason is
kept in the ``newsarchive/write_error`` stat, and the run publishes nothing more (the next run
recovers its complete lines, as after a kill). An archive a newer newsarchive wrote (a higher
``schema_version``) is not opened at all: the spider closes before anything is written.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object

from newsarchive import counters
from newsarchive.archive import (
    Archive,
    ArchiveWriteError,
    newer_schema_message,
    newer_schema_version,
)
from newsarchive.health import EXIT_FAILED, EXIT_USAGE, assess
from newsarchive.records import run_record

__all__ = ["NEWER_SCHEMA", "WRITE_FAILED", "archive_for", "new_run_id"]

logger = logging.getLogger(__name__)

# The finish reason of a crawl stopped because the archive could not be written.
WRITE_FAILED = "archive_write_failed"
# ... and of one that did not start: a newer newsarchive wrote the archive (higher schema_version).
NEWER_SCHEMA = "archive_schema_newer"

_ARCHIVES: WeakKeyDictionary[Crawler, Archive] = WeakKeyDictionary()


def new_run_id(now: datetime | None = None) -> str:
    """Sortable and unique: UTC start time plus a random suffix, e.g. ``20251211T130000Z-3f9a``."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


def archive_for(crawler: Crawler) -> Archive:
    """The crawl's archive, opened on first use for the spider's site."""
    archive = _ARCHIVES.get(crawler)
    if archive is not None:
        return archive
    settings = crawler.settings
    spider = crawler.spider
    assert spider is not None, "the archive is opened when the spider opens"
    root = Path(settings.get("NEWSARCHIVE_DIR"))
    version = newer_schema_version(root / spider.site.name)
    if version is not None:
        _refuse_newer(crawler, root / spider.site.name, version)
    started_at = datetime.now(UTC)
    archive = Archive(
        root,
        spider.site.name,
        settings.get("NEWSARCHIVE_RUN_ID") or new_run_id(started_at),
        roll_records=settings.getint("NEWSARCHIVE_ROLL_RECORDS"),
        store_class=load_object(settings.get("NEWSARCHIVE_STORE")),
        compress=settings.getbool("NEWSARCHIVE_COMPRESS"),
        on_failure=lambda error: _stop(crawler, error),
    )
    try:
        archive.open()
    except ArchiveWriteError:
        # Scrapy closes a spider one of whose components cannot open this way, without a crawl.
        raise CloseSpider(WRITE_FAILED) from None
    _ARCHIVES[crawler] = archive

    def close() -> None:
        try:
            if archive.failed is None:
                _finish(crawler, archive, started_at)
        except ArchiveWriteError:
            pass  # reported by _stop; the next run recovers what this one wrote
        finally:
            _ARCHIVES.pop(crawler, None)
            archive.close()

    crawler.signals.connect(close, signal=signals.spider_closed, weak=False)
    return archive


def _refuse_newer(crawler: Crawler, folder: Path, version: int) -> NoReturn:
    """Close the spider before anything is written: a newer newsarchive wrote this archive.

    ``newsarchive crawl`` refuses such a folder before it starts a crawl; this refuses it for
    ``scrapy crawl`` too. Every pipeline asks for the archive; the error is logged once.
    """
    assert crawler.stats is not None
    if crawler.stats.get_value(counters.NEWER_SCHEMA_VERSION) is None:
        crawler.stats.set_value(counters.NEWER_SCHEMA_VERSION, version)
        crawler.stats.set_value(counters.EXIT_STATUS, EXIT_USAGE)
        logger.error("%s", newer_schema_message(folder, version))
    raise CloseSpider(NEWER_SCHEMA)


def _stop(crawler: Crawler, error: ArchiveWriteError) -> None:
    """The archive cannot be written: record why, and stop the crawl if it is running."""
    assert crawler.stats is not None
    crawler.stats.set_value(counters.WRITE_ERROR, str(error))
    crawler.stats.set_value(counters.EXIT_STATUS, EXIT_FAILED)
    if crawler.engine is not None and crawler.engine.running:
        deferred_from_coro(crawler.engine.close_spider_async(reason=WRITE_FAILED))


def _finish(crawler: Crawler, archive: Archive, started_at: datetime) -> None:
    """Publish the run's files, judge its health and append its run record."""
    settings = crawler.settings
    spider = crawler.spider
    assert spider is not None
    archive.finish_writing()
    stats = crawler.stats
    health = assess(
        stats.get_stats(),
        max_missing_share=settings.getfloat("NEWSARCHIVE_MAX_MISSING_SHARE"),
        min_articles=settings.getint("NEWSARCHIVE_HEALTH_MIN_ARTICLES"),
    )
    files = archive.published_files()
    stats.set_value(counters.FILES, [str(path) for path in files])
    stats.set_value(counters.HEALTH, health.status)
    stats.set_value(counters.HEALTH_REASONS, list(health.reasons))
    stats.set_value(counters.EXIT_STATUS, health.exit_status)
    if _walked_all_listings(settings, stats.get_stats()):
        archive.mark_listings_complete()
    archive.append_run(
        run_record(
            run_id=archive.run_id,
            site=spider.site.name,
            started_at=started_at,
            finished_at=datetime.now(UTC),
            stats=stats.get_stats(),
            health=health,
            # Relative to the site's folder, so that a copied archive still adds up.
            files=[path.relative_to(archive.folder).as_posix() for path in files],
            recovered_runs=archive.recovered_runs,
        )
    )


def _walked_all_listings(settings: Settings, stats: dict[str, Any]) -> bool:
    """Whether the run read every listing page down to what the archive already held."""
    limited = (
        settings.getint("NEWSARCHIVE_MAX_PAGES")
        or settings.getint("NEWSARCHIVE_MAX_ARTICLES")
        or settings.get("NEWSARCHIVE_SINCE")
    )
    return (
        stats.get("finish_reason") == "finished"
        and not limited
        and stats.get(counters.LISTING_PAGES, 0) > 0
        and not stats.get(counters.LISTING_FAILED, 0)
    )
