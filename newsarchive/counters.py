"""The names of a run's ``newsarchive/…`` stats, and a typed view of a finished run's counts.

Components count with these names (``crawler.stats.inc_value(counters.ARTICLES_NEW)``); the run
record, the summary, the progress line and the health check read them back through
:class:`RunCounts`, so that a counter is spelled in one place.

>>> counts = RunCounts.from_stats({"newsarchive/errors/http_404": 2, "newsarchive/rates/new": 3})
>>> counts.errors, counts.rates_new, counts.error_count
({'http_404': 2}, 3, 2)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ARTICLES_CLAIMED_ELSEWHERE",
    "ARTICLES_INCOMPLETE",
    "ARTICLES_NEW",
    "ARTICLES_PARSED",
    "ARTICLES_REQUESTED",
    "ARTICLES_SKIPPED_ARCHIVED",
    "ARTICLES_UNCHANGED",
    "ARTICLES_UPDATED",
    "DISCOVERY_FEEDS",
    "DISCOVERY_NOT_ARTICLES",
    "DISCOVERY_SITEMAPS",
    "ERRORS",
    "EXIT_STATUS",
    "FALLBACK",
    "FILES",
    "HEALTH",
    "HEALTH_REASONS",
    "IMPORT_FILES",
    "IMPORT_SKIPPED",
    "LISTING_ARTICLE_LINKS",
    "LISTING_FAILED",
    "LISTING_NOT_MODIFIED",
    "LISTING_PAGES",
    "MISSING",
    "NEWER_SCHEMA_VERSION",
    "PARSE_WORKER_LOST",
    "PARSE_WORKER_PAGES",
    "PARSE_WORKER_STARTED",
    "QUARANTINED",
    "RATES_NEW",
    "RATES_UNCHANGED",
    "SITEMAPS_UNCHANGED",
    "SKIPPED_ROBOTS_OR_OFFSITE",
    "STORED_PAGES",
    "WARC_BYTES",
    "WARC_RECORDS",
    "WRITE_ERROR",
    "WRITTEN",
    "RunCounts",
    "by_prefix",
]

LISTING_PAGES = "newsarchive/listing/pages"
LISTING_ARTICLE_LINKS = "newsarchive/listing/article_links"
# Listing pages, sitemaps and feeds that answered 304 to "changed since?" (nothing new there),
# and child sitemaps not fetched because their <lastmod> in the index had not moved.
LISTING_NOT_MODIFIED = "newsarchive/listing/not_modified"
SITEMAPS_UNCHANGED = "newsarchive/discovery/sitemaps_unchanged"
LISTING_FAILED = "newsarchive/listing/failed"
DISCOVERY_SITEMAPS = "newsarchive/discovery/sitemaps"
DISCOVERY_FEEDS = "newsarchive/discovery/feeds"
DISCOVERY_NOT_ARTICLES = "newsarchive/discovery/not_articles"
ARTICLES_REQUESTED = "newsarchive/articles/requested"
ARTICLES_SKIPPED_ARCHIVED = "newsarchive/articles/skipped_archived"
ARTICLES_PARSED = "newsarchive/articles/parsed"
ARTICLES_INCOMPLETE = "newsarchive/articles/incomplete"
ARTICLES_NEW = "newsarchive/articles/new"
ARTICLES_UPDATED = "newsarchive/articles/updated"
# Articles another process sharing the store claimed first (it archives them; this run not).
ARTICLES_CLAIMED_ELSEWHERE = "newsarchive/articles/claimed_elsewhere"
ARTICLES_UNCHANGED = "newsarchive/articles/unchanged"
RATES_NEW = "newsarchive/rates/new"
RATES_UNCHANGED = "newsarchive/rates/unchanged"
QUARANTINED = "newsarchive/quarantined"
SKIPPED_ROBOTS_OR_OFFSITE = "newsarchive/skipped/robots_or_offsite"
PARSE_WORKER_STARTED = "newsarchive/parse_worker/started"
PARSE_WORKER_PAGES = "newsarchive/parse_worker/pages"
PARSE_WORKER_LOST = "newsarchive/parse_worker/lost"
# Pages read from WARC files instead of fetched (import, reparse): their runs' "pages".
STORED_PAGES = "newsarchive/stored/pages"
# Bytes of WARC the run wrote (set, not counted: the writer keeps the total).
WARC_BYTES = "newsarchive/warc/bytes"

# Families: the prefix plus a kind, field or record kind (ERRORS + "http_404").
ERRORS = "newsarchive/errors/"
MISSING = "newsarchive/missing/"
FALLBACK = "newsarchive/fallback/"
WRITTEN = "newsarchive/written/"
# WARC files an import opened: it is judged as a run of stored pages even if none held one.
IMPORT_FILES = "newsarchive/import/files"
# Records an import passed over, by reason: not_html, http_404, warc_truncated...
IMPORT_SKIPPED = "newsarchive/import/skipped/"
# Pages kept in the WARC files, by record type: response, or revisit of an unchanged payload.
WARC_RECORDS = "newsarchive/warc/records/"

# What the run's end sets (not counts): its health, exit status, files, and why it stopped.
HEALTH = "newsarchive/health"
HEALTH_REASONS = "newsarchive/health_reasons"
EXIT_STATUS = "newsarchive/exit_status"
FILES = "newsarchive/files"
WRITE_ERROR = "newsarchive/write_error"
NEWER_SCHEMA_VERSION = "newsarchive/newer_schema_version"
# A crawl with workers (newsarchive.frontier): requests this worker took from the shared queue,
# requests of ended leases it handed back to the queue, and why Redis failed under it.
FRONTIER_LEASED = "newsarchive/frontier/leased"
FRONTIER_REQUEUED = "newsarchive/frontier/requeued"
FRONTIER_ERROR = "newsarchive/frontier/error"


def by_prefix(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    """The counts of one family, by what follows the prefix, sorted by it.

    >>> by_prefix({"newsarchive/missing/lead": 1, "newsarchive/missing/body": 2}, MISSING)
    {'body': 2, 'lead': 1}
    """
    return {
        key.removeprefix(prefix): int(value)
        for key, value in sorted(stats.items())
        if key.startswith(prefix) and isinstance(value, int)
    }


@dataclass(frozen=True, slots=True)
class RunCounts:
    """A run's counts as typed fields; a counter never incremented is 0."""

    requests: int = 0
    pages: int = 0
    listing_pages: int = 0
    listing_article_links: int = 0
    not_modified: int = 0
    sitemaps_unchanged: int = 0
    articles_requested: int = 0
    articles_skipped_archived: int = 0
    articles_parsed: int = 0
    articles_incomplete: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    discovery_not_articles: int = 0
    rates_new: int = 0
    quarantined: int = 0
    stored_pages: int = 0
    warc_bytes: int = 0
    warc_records: dict[str, int] = field(default_factory=dict)
    import_files: int = 0
    import_skipped: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    fallbacks: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_stats(cls, stats: Mapping[str, Any]) -> RunCounts:
        """The view of ``crawler.stats.get_stats()`` (or any dict of the same keys)."""

        def count(key: str) -> int:
            return int(stats.get(key, 0) or 0)

        return cls(
            requests=count("downloader/request_count"),
            pages=count("response_received_count") + count(STORED_PAGES),
            listing_pages=count(LISTING_PAGES),
            listing_article_links=count(LISTING_ARTICLE_LINKS),
            not_modified=count(LISTING_NOT_MODIFIED),
            sitemaps_unchanged=count(SITEMAPS_UNCHANGED),
            articles_requested=count(ARTICLES_REQUESTED),
            articles_skipped_archived=count(ARTICLES_SKIPPED_ARCHIVED),
            articles_parsed=count(ARTICLES_PARSED),
            articles_incomplete=count(ARTICLES_INCOMPLETE),
            articles_new=count(ARTICLES_NEW),
            articles_updated=count(ARTICLES_UPDATED),
            articles_unchanged=count(ARTICLES_UNCHANGED),
            discovery_not_articles=count(DISCOVERY_NOT_ARTICLES),
            rates_new=count(RATES_NEW),
            quarantined=count(QUARANTINED),
            stored_pages=count(STORED_PAGES),
            warc_bytes=count(WARC_BYTES),
            warc_records=by_prefix(stats, WARC_RECORDS),
            import_files=count(IMPORT_FILES),
            import_skipped=by_prefix(stats, IMPORT_SKIPPED),
            errors=by_prefix(stats, ERRORS),
            missing=by_prefix(stats, MISSING),
            fallbacks=by_prefix(stats, FALLBACK),
        )

    @property
    def error_count(self) -> int:
        """Requests and items that failed, of every kind."""
        return sum(self.errors.values())

    @property
    def warc_pages(self) -> int:
        """Pages kept in the WARC files, whole or as revisits."""
        return sum(self.warc_records.values())

    @property
    def warc_bytes_per_page(self) -> int | None:
        """What keeping a page as evidence cost, on average (None: no page kept)."""
        return round(self.warc_bytes / self.warc_pages) if self.warc_pages else None

    @property
    def already_archived(self) -> int:
        """Articles the run met that the archive already held: re-fetched unchanged, or skipped."""
        return self.articles_unchanged + self.articles_skipped_archived
