"""One crawl run, as both ``crawl`` and ``demo`` start it, and what it prints when it ends.

:class:`CrawlOptions` is what a command resolved from its arguments; :func:`run_crawl` takes
the archive's lock, builds Scrapy's settings from ours, the site file's and the options, runs
the spider, prints the summary and the reasons of an unhealthy run, and returns the exit
status. The log handler installed here keeps Scrapy's own chatter out of an analyst's way.
"""

from __future__ import annotations

import logging
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsarchive import counters
from newsarchive.analysis.stats import format_bytes
from newsarchive.archive import (
    ArchiveWriteError,
    finished_run_since,
    lock,
    newer_schema_message,
    newer_schema_version,
)
from newsarchive.archive.store import StoreError
from newsarchive.cli.common import UsageError
from newsarchive.counters import RunCounts
from newsarchive.health import EXIT_DONE_THIS_ROUND, EXIT_FAILED, EXIT_UNREACHABLE
from newsarchive.sites import Site

if TYPE_CHECKING:
    from scrapy.settings import Settings

    from newsarchive.spiders.base import ArchiveSpider


# Scrapy's start-up chatter (enabled middlewares, overridden settings, the stats dump) is for
# people debugging Scrapy; an analyst sees our progress lines, warnings and the summary.
_CHATTY_LOGGERS = ("scrapy", "twisted", "py.warnings")


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    site: Site
    out: Path
    max_pages: int
    max_articles: int
    since: date | None
    settings: dict[str, str]
    verbose: bool
    recheck_days: int = -1
    resume: bool = False
    compress: bool = False
    warc: bool = True
    # NEWSARCHIVE_STORE for the run: a postgresql:// URL (None: the settings' SqliteStore).
    store: str | None = None
    # The start of the scheduled round (``crawl --all``): a site that a run started since then
    # has finished is left alone (exit 8), wherever that run ran.
    round_start: datetime | None = None
    max_missing_percent: float = 20.0
    # WARC files to import instead of crawling (``newsarchive import``).
    imports: tuple[Path, ...] = ()


def run_crawl(options: CrawlOptions) -> int:
    from newsarchive.runids import new_run_id

    folder = options.out / options.site.name
    version = newer_schema_version(folder)
    if version is not None:
        raise UsageError(newer_schema_message(folder, version))
    if options.store:
        status = _check_store(options.store, options.site.name)
        if status is not None:
            return status
    # Known before the lock, whose connection it names (pg_stat_activity), as the store's does.
    run_id = options.settings.get("NEWSARCHIVE_RUN_ID") or new_run_id()
    # Taken before anything else, so a second run exits at once and touches nothing; with a
    # PostgreSQL store, a run of the site on any machine sharing it.
    try:
        lock.acquire(folder, options.store, run_id)
    except OSError as error:
        reason = f"{error.filename or folder}: {error.strerror or error}"
        raise UsageError(f"output folder {options.out} is not writable ({reason})") from None
    except StoreError as error:
        print(f"newsarchive: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    try:
        if done_this_round(options):
            return EXIT_DONE_THIS_ROUND
        # Scrapy is imported only now: 'newsarchive sites' and '--help' stay instant, and a run
        # that finds its site busy or done this round exits before paying for it.
        from scrapy.crawler import CrawlerProcess

        settings = crawl_settings(options, run_id)
        jobdir = folder / "job"
        if options.resume:
            settings.set("JOBDIR", str(jobdir), priority="cmdline")
        process = CrawlerProcess(settings)
        install_log_handler(settings, verbose=options.verbose)
        spider = spider_class(options)
        crawler = process.create_crawler(spider)
        started = time.monotonic()
        if options.imports:
            process.crawl(crawler, site=options.site, warcs=[str(p) for p in options.imports])
        else:
            process.crawl(crawler, site=options.site)
        process.start()
    finally:
        lock.release(folder)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if options.resume and stats.get("finish_reason") == "finished":
        # Done: the next --resume run must start from the first page, not from an empty queue.
        shutil.rmtree(jobdir, ignore_errors=True)
    return report_end(options, stats, time.monotonic() - started)


def done_this_round(options: CrawlOptions) -> bool:
    """Whether a run of the site that started in this run's round (``--round-start``) has
    finished, on any machine sharing the store; says so. Asked under the site's lock."""
    if options.round_start is None:
        return False
    folder = options.out / options.site.name
    done_by = finished_run_since(folder, options.store, options.round_start)
    if done_by is None:
        return False
    print(
        f"newsarchive: {options.site.name} was crawled in this round already "
        f"(run {done_by}, since {options.round_start:%Y-%m-%dT%H:%M:%SZ}); nothing to do"
    )
    return True


def report_end(
    options: CrawlOptions, stats: dict[str, Any], elapsed: float, extra: tuple[str, ...] = ()
) -> int:
    """Print a run's summary (and ``extra`` lines under it) and the reasons it was unhealthy;
    its exit status."""
    print(_summary(options, stats, elapsed, extra))
    write_error = stats.get(counters.WRITE_ERROR)
    if write_error:
        print(
            f"newsarchive: {write_error}; the crawl stopped, and the next run keeps what it wrote",
            file=sys.stderr,
        )
        return EXIT_FAILED
    status = stats.get(counters.EXIT_STATUS, EXIT_FAILED)
    run = _what(options) if options.imports else f"run of {options.site.start_urls[0]}"
    for reason in stats.get(counters.HEALTH_REASONS, []):
        print(
            f"newsarchive: unhealthy {run} ({stats[counters.HEALTH]}, exit status {status}): "
            f"{reason}",
            file=sys.stderr,
        )
    if status == EXIT_FAILED:
        print(
            "newsarchive: the crawl failed before it could finish; see the log above",
            file=sys.stderr,
        )
    return int(status)


def crawl_settings(options: CrawlOptions, run_id: str) -> Settings:
    """Scrapy's settings for a run: ours, under the site file's [throttle], under the options
    and anything given with -s."""
    from scrapy.settings import Settings

    from newsarchive import settings as defaults

    settings = Settings()
    settings.setmodule(defaults, priority="project")
    # The site file's [throttle] over our defaults, under anything given with -s.
    settings.setdict(options.site.throttle, priority="spider")
    overrides: dict[str, Any] = {
        "NEWSARCHIVE_DIR": str(options.out),
        "NEWSARCHIVE_MAX_PAGES": options.max_pages,
        "NEWSARCHIVE_MAX_ARTICLES": options.max_articles,
        "NEWSARCHIVE_SINCE": options.since.isoformat() if options.since else "",
        "NEWSARCHIVE_RECHECK_DAYS": options.recheck_days,
        "NEWSARCHIVE_COMPRESS": options.compress,
        "NEWSARCHIVE_WARC": options.warc,
        **({"NEWSARCHIVE_STORE": options.store} if options.store else {}),
        "NEWSARCHIVE_MAX_MISSING_SHARE": options.max_missing_percent / 100,
        "NEWSARCHIVE_RUN_ID": run_id,
        "LOGSTATS_INTERVAL": 0,
        # Our own log handler, not Scrapy's: Scrapy would reinstall its handler at crawl
        # start and reset logger levels; analysts want warnings and progress, not start-up.
        "LOG_INSTALL_ROOT_HANDLER": False,
        **options.settings,
    }
    settings.setdict(overrides, priority="cmdline")
    return settings


def spider_class(options: CrawlOptions) -> type[ArchiveSpider]:
    """A described site is walked by its listings; any other by discovery; WARC files are
    read instead of the site when there are some to import."""
    from newsarchive.spiders import GenericSpider, NewsSpider, WarcImportSpider

    if options.imports:
        return WarcImportSpider
    return NewsSpider if options.site.article_url is not None else GenericSpider


def _summary(
    options: CrawlOptions, stats: dict[str, Any], elapsed: float, extra: tuple[str, ...] = ()
) -> str:
    counts = RunCounts.from_stats(stats)
    error_detail = ", ".join(f"{kind}: {count}" for kind, count in counts.errors.items())
    files = stats.get(counters.FILES) or []
    suffix = ".jsonl.gz" if options.compress else ".jsonl"
    articles_glob = options.out / options.site.name / "articles" / f"*{suffix}"
    what = _what(options)
    skipped = ", ".join(f"{kind}: {count}" for kind, count in counts.import_skipped.items())
    lines = [
        f"newsarchive: {what} {stats.get('finish_reason', 'ended')} in {elapsed:.1f} s",
        f"  {'pages read' if options.imports else 'pages fetched':<18} {counts.pages}"
        + _unchanged_pages(counts),
        *(
            [f"  records skipped    {sum(counts.import_skipped.values())} ({skipped})"]
            if skipped
            else []
        ),
        f"  articles written   {counts.articles_new} new, {counts.articles_updated} updated "
        f"({counts.already_archived} already archived)",
        f"  rate rows written  {counts.rates_new}",
        f"  errors             {counts.error_count}"
        + (f" ({error_detail})" if counts.errors else ""),
        f"  health             {stats.get(counters.HEALTH, 'unknown')}",
        *_fill_in_line(counts),
        *_evidence_line(counts),
        *extra,
        f"  archive            {options.out / options.site.name}/",
    ]
    lines += [f"    {path}" for path in files]
    lines.append(
        f'  load it with       duckdb -c "SELECT published_at, title FROM '
        f"read_json('{articles_glob}') ORDER BY published_at DESC\""
    )
    return "\n".join(lines)


def _check_store(spec: str, site: str) -> int | None:
    """Open the store once before the crawl: a server that does not answer is one line and
    exit 3, a store a newer newsarchive migrated one line and exit 2, never a traceback."""
    if not spec.startswith(("postgresql://", "postgres://")):
        return None
    try:
        from newsarchive.archive.pgstore import (
            NewerStoreError,
            PostgresStore,
            StoreUnreachableError,
        )
    except ImportError:
        raise UsageError(
            "a postgresql:// store needs psycopg: pip install 'newsarchive[postgresql]'"
        ) from None
    try:
        PostgresStore(spec, site=site).close()
    except NewerStoreError as error:
        raise UsageError(str(error)) from None
    except (StoreUnreachableError, StoreError) as error:
        print(f"newsarchive: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    return None


def _what(options: CrawlOptions) -> str:
    """What the run was, for its summary and its one line when unhealthy."""
    if options.imports:
        return f"import of {len(options.imports)} WARC file(s) into {options.site.name}"
    return f"crawl of {options.site.name} ({options.site.start_urls[0]})"


def _evidence_line(counts: RunCounts) -> list[str]:
    """What keeping the pages as received cost: the WARC bytes, per page."""
    if not counts.warc_pages:
        return []
    revisits = counts.warc_records.get("revisit", 0)
    return [
        f"  pages kept (WARC)  {counts.warc_pages} ({revisits} unchanged, kept as revisits), "
        f"{format_bytes(counts.warc_bytes)}, {format_bytes(counts.warc_bytes_per_page or 0)} a page"
    ]


def _unchanged_pages(counts: RunCounts) -> str:
    """What "changed since?" saved: pages that answered 304, child sitemaps not fetched."""
    parts = []
    if counts.not_modified:
        parts.append(f"{counts.not_modified} unchanged (304)")
    if counts.sitemaps_unchanged:
        parts.append(f"{counts.sitemaps_unchanged} sitemaps skipped (lastmod unchanged)")
    return f" ({', '.join(parts)})" if parts else ""


def _fill_in_line(counts: RunCounts) -> list[str]:
    """Fields the site file's selectors missed and the generic extractor supplied: drift."""
    if not counts.fallbacks:
        return []
    filled = ", ".join(f"{name}: {count}" for name, count in counts.fallbacks.items())
    return [f"  generic fill-ins   {filled} (the site file's selectors found nothing)"]


def install_log_handler(settings: Settings, *, verbose: bool) -> None:
    log_file = settings.get("LOG_FILE")
    handler: logging.Handler
    if log_file:
        mode = "a" if settings.getbool("LOG_FILE_APPEND") else "w"
        handler = logging.FileHandler(log_file, mode=mode, encoding=settings.get("LOG_ENCODING"))
    else:
        handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT"))
    )
    handler.setLevel(settings.get("LOG_LEVEL"))
    if not verbose:
        handler.addFilter(_for_analysts)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(handler.level)
    # Scrapy sets its own logger to DEBUG, so every response and item makes a log record only
    # for the handler to drop it: two records a page, about 2% of a fast crawl's time.
    logging.getLogger("scrapy").setLevel(handler.level)


def _for_analysts(record: logging.LogRecord) -> bool:
    """Drop Scrapy's own chatter below warnings; fold exceptions into one line."""
    if record.levelno < logging.WARNING and record.name.startswith(_CHATTY_LOGGERS):
        return False
    if record.exc_info and isinstance(record.exc_info[1], ArchiveWriteError):
        return False  # the one line the run ends with says it
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
        record.args = ()
        record.exc_info = None
        record.exc_text = None
    return True
