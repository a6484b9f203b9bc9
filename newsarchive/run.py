"""The crawl run: one extension owns the archive a crawl writes to, its store, lock and counts.

The spider asks it what the archive holds; the validation, deduplication and writer pipelines
each do one thing, but must write to the same archive. They find the run through the crawler
(``ArchiveRun.of(crawler)``, i.e. ``crawler.get_extension(ArchiveRun)``). The archive is
opened on first use, for the spider's site, and closed when the spider closes (after every
pipeline's ``close_spider``). Closing publishes the run's files, judges the run's health and
appends its record to ``runs.jsonl``, all under the site's lock.

The first write the archive cannot make (disk full, I/O error) stops the crawl: the reason is
kept in the ``newsarchive/write_error`` stat, and the run publishes nothing more (the next run
recovers its complete lines, as after a kill). An archive a newer newsarchive wrote (a higher
``schema_version``) is not opened at all: the spider closes before anything is written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn, Protocol, runtime_checkable

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.utils.defer import deferred_from_coro

from newsarchive import counters
from newsarchive.archive import (
    Archive,
    ArchiveWriteError,
    newer_schema_message,
    newer_schema_version,
)
from newsarchive.evidence.warcfiles import readable_encodings, warcinfo_fields
from newsarchive.health import EXIT_FAILED, EXIT_USAGE, assess
from newsarchive.limits import CrawlLimits
from newsarchive.records import run_record
from newsarchive.runids import host_name, new_run_id
from newsarchive.sites import Site
from newsarchive.version import __version__

__all__ = ["NEWER_SCHEMA", "WRITE_FAILED", "ArchiveRun"]

logger = logging.getLogger(__name__)

# The finish reason of a crawl stopped because the archive could not be written.
WRITE_FAILED = "archive_write_failed"
# ... and of one that did not start: a newer newsarchive wrote the archive (higher schema_version).
NEWER_SCHEMA = "archive_schema_newer"
WARC_1_1 = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"


@runtime_checkable
class _SiteSpider(Protocol):
    """A spider with a site: spiders.base.ArchiveSpider, which imports this module."""

    site: Site


class ArchiveRun:
    """Extension (``settings.EXTENSIONS``): the archive of one crawl, opened on first use."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.limits = CrawlLimits.from_settings(crawler.settings)
        self._archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveRun:
        return cls(crawler)

    @classmethod
    def of(cls, crawler: Crawler) -> ArchiveRun:
        """The run of this crawl; every newsarchive spider and pipeline needs it."""
        run = crawler.get_extension(cls)
        if run is None:
            raise RuntimeError(f"{cls.__module__}.{cls.__name__} is missing from EXTENSIONS")
        return run

    @property
    def archiving(self) -> bool:
        """Whether this crawl's spider archives a site (a plain Scrapy spider run with our
        settings does not: the components that serve the archive then stand aside)."""
        return isinstance(self.crawler.spider, _SiteSpider)

    @property
    def archive(self) -> Archive:
        """The crawl's archive, opened on first use for the spider's site."""
        if self._archive is None:
            self._archive = self._open()
        return self._archive

    def _open(self) -> Archive:
        crawler = self.crawler
        settings = crawler.settings
        spider = crawler.spider
        assert isinstance(spider, _SiteSpider), "the archive is opened when the spider opens"
        root = Path(settings.get("NEWSARCHIVE_DIR"))
        version = newer_schema_version(root / spider.site.name)
        if version is not None:
            self._refuse_newer(root / spider.site.name, version)
        started_at = datetime.now(UTC)
        run_id = settings.get("NEWSARCHIVE_RUN_ID") or new_run_id(started_at)
        archive = Archive(
            root,
            spider.site.name,
            run_id,
            roll_records=settings.getint("NEWSARCHIVE_ROLL_RECORDS"),
            store=settings.get("NEWSARCHIVE_STORE"),
            compress=settings.getbool("NEWSARCHIVE_COMPRESS"),
            on_failure=self._stop,
            warc_max_bytes=(
                settings.getint("NEWSARCHIVE_WARC_MAX_BYTES")
                if settings.getbool("NEWSARCHIVE_WARC")
                else None
            ),
            warc_info=self._warcinfo(spider, run_id),
            worker=settings.get("NEWSARCHIVE_WORKER") or None,
            listings_complete=settings.getbool("NEWSARCHIVE_LISTINGS_COMPLETE"),
            worker_killed=self._worker_killed() if settings.get("NEWSARCHIVE_WORKER") else None,
        )
        try:
            archive.open()
        except ArchiveWriteError:
            # Scrapy closes a spider one of whose components cannot open this way, without a
            # crawl.
            raise CloseSpider(WRITE_FAILED) from None

        def close() -> None:
            try:
                if archive.failed is None:
                    self._finish(archive, started_at)
            except ArchiveWriteError:
                pass  # reported by _stop; the next run recovers what this one wrote
            finally:
                self._archive = None
                archive.close()

        # Connected now, not in from_crawler: it runs after the spider's own spider_closed
        # handlers (its parse worker's close), as the last word of the run.
        crawler.signals.connect(close, signal=signals.spider_closed, weak=False)
        return archive

    def _worker_killed(self) -> Callable[[str], bool]:
        """For a worker of a crawl with a shared frontier: whether the crawl saw another of
        its workers killed (the archive takes over what that one claimed and never wrote)."""
        from newsarchive.frontier.scheduler import frontier_of  # the optional redis extra

        frontier = frontier_of(self.crawler)
        return frontier.worker_killed

    def _warcinfo(self, spider: _SiteSpider, run_id: str) -> dict[str, str]:
        """What the warcinfo record of each WARC file says: who wrote it, for which run and
        site, and the settings that shape what was fetched."""
        settings = self.crawler.settings
        site = spider.site
        return warcinfo_fields(
            [
                ("software", f"newsarchive/{__version__}"),
                ("format", "WARC File Format 1.1"),
                ("conformsTo", WARC_1_1),
                ("isPartOf", site.name),
                ("run-id", run_id),
                ("site", site.name),
                ("site-start-urls", " ".join(site.start_urls)),
                ("site-timezone", site.timezone),
                ("site-lang", site.lang),
                ("site-described", "yes" if site.article_url is not None else "no"),
                ("parser-version", site.parser_version),
                ("http-header-user-agent", settings.get("USER_AGENT")),
                ("http-header-accept-encoding", readable_encodings()),
                ("operator", settings.get("NEWSARCHIVE_CONTACT_URL")),
                ("robots", "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore"),
                ("download-maxsize", settings.getint("DOWNLOAD_MAXSIZE")),
                ("max-pages", settings.getint("NEWSARCHIVE_MAX_PAGES")),
                ("max-articles", settings.getint("NEWSARCHIVE_MAX_ARTICLES")),
                ("since", settings.get("NEWSARCHIVE_SINCE")),
                ("recheck-days", settings.getint("NEWSARCHIVE_RECHECK_DAYS")),
                (
                    "conditional-requests",
                    "yes" if settings.getbool("NEWSARCHIVE_CONDITIONAL_REQUESTS") else "no",
                ),
                ("discovery-depth", settings.getint("NEWSARCHIVE_DISCOVERY_DEPTH")),
            ]
        )

    def _refuse_newer(self, folder: Path, version: int) -> NoReturn:
        """Close the spider before anything is written: a newer newsarchive wrote this archive.

        ``newsarchive crawl`` refuses such a folder before it starts a crawl; this refuses it
        for ``scrapy crawl`` too. Every pipeline asks for the archive; the error is logged once.
        """
        stats = self.crawler.stats
        assert stats is not None
        if stats.get_value(counters.NEWER_SCHEMA_VERSION) is None:
            stats.set_value(counters.NEWER_SCHEMA_VERSION, version)
            stats.set_value(counters.EXIT_STATUS, EXIT_USAGE)
            logger.error("%s", newer_schema_message(folder, version))
        raise CloseSpider(NEWER_SCHEMA)

    def _stop(self, error: ArchiveWriteError) -> None:
        """The archive cannot be written: record why, and stop the crawl if it is running."""
        crawler = self.crawler
        assert crawler.stats is not None
        crawler.stats.set_value(counters.WRITE_ERROR, str(error))
        crawler.stats.set_value(counters.EXIT_STATUS, EXIT_FAILED)
        if crawler.engine is not None and crawler.engine.running:
            deferred_from_coro(crawler.engine.close_spider_async(reason=WRITE_FAILED))

    def _finish(self, archive: Archive, started_at: datetime) -> None:
        """Publish the run's files, judge its health and append its run record."""
        settings = self.crawler.settings
        spider = self.crawler.spider
        stats = self.crawler.stats
        assert isinstance(spider, _SiteSpider)
        assert stats is not None
        archive.finish_writing()
        health = assess(
            stats.get_stats(),
            max_missing_share=settings.getfloat("NEWSARCHIVE_MAX_MISSING_SHARE"),
            min_articles=settings.getint("NEWSARCHIVE_HEALTH_MIN_ARTICLES"),
        )
        files = archive.published_files()
        stats.set_value(counters.FILES, [str(path) for path in files])
        stats.set_value(counters.HEALTH, health.status)
        stats.set_value(counters.HEALTH_REASONS, list(health.reasons))
        if stats.get_value(counters.FRONTIER_ERROR) is None:
            stats.set_value(counters.EXIT_STATUS, health.exit_status)
        if archive.worker is not None:
            return  # the crawl's coordinator judges the run and writes its record
        if self._walked_all_listings():
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
                host=host_name(),
            )
        )
        archive.mark_finished()

    def _walked_all_listings(self) -> bool:
        """Whether the run read every listing page down to what the archive already held."""
        stats = self.crawler.stats
        assert stats is not None
        counts = counters.RunCounts.from_stats(stats.get_stats())
        return (
            stats.get_value("finish_reason") == "finished"
            and not self.limits.limited
            and counts.listing_pages > 0
            and not stats.get_value(counters.LISTING_FAILED, 0)
            # Articles another folder's killed run holds: that folder's next run must walk
            # the listings down to them.
            and not stats.get_value(counters.ARTICLES_CLAIMED_ELSEWHERE, 0)
        )
