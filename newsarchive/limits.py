"""The limits and choices of one crawl, read from the settings in one place.

Every ``NEWSARCHIVE_`` setting a spider or the run obeys is declared (with its default) in
``newsarchive/settings.py``; :meth:`CrawlLimits.from_settings` is the only reader.

>>> from scrapy.settings import Settings
>>> limits = CrawlLimits.from_settings(Settings({"NEWSARCHIVE_SINCE": "2025-12-01"}))
>>> limits.since, limits.max_pages, limits.limited
(datetime.date(2025, 12, 1), 0, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scrapy.settings import BaseSettings

__all__ = ["CrawlLimits"]


@dataclass(frozen=True, slots=True)
class CrawlLimits:
    """What an analyst bounded the crawl with; 0 (or None) means no limit."""

    max_pages: int = 0
    max_articles: int = 0
    since: date | None = None  # the site's local calendar
    recheck_days: float = -1  # below 0: never re-fetch an archived article
    discovery_depth: int = 2  # generic crawls: links deep from the home page

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> CrawlLimits:
        since = settings.get("NEWSARCHIVE_SINCE")
        return cls(
            max_pages=settings.getint("NEWSARCHIVE_MAX_PAGES"),
            max_articles=settings.getint("NEWSARCHIVE_MAX_ARTICLES"),
            since=date.fromisoformat(since) if since else None,
            recheck_days=settings.getfloat("NEWSARCHIVE_RECHECK_DAYS"),
            discovery_depth=settings.getint("NEWSARCHIVE_DISCOVERY_DEPTH"),
        )

    @property
    def limited(self) -> bool:
        """Whether the run may stop before it read every listing page it could."""
        return bool(self.max_pages or self.max_articles or self.since)
