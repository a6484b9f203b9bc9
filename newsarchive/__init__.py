"""newsarchive: scrape Russian-language news sites into a deduplicated JSON Lines archive.

The library API is the parsers (pure functions, no Scrapy) and the site descriptions; the
crawler itself is reached through the ``newsarchive`` command or ``scrapy crawl``.

>>> from datetime import datetime, timezone
>>> parse_timestamp("Вчера, 23:50", now=datetime(2025, 12, 11, 19, 30, tzinfo=timezone.utc),
...                 tz="Asia/Tashkent").isoformat()
'2025-12-11T23:50:00+05:00'
>>> block = parse_rates("Курс валют USD: 12 020.90 +17.72 Обновлено (ЦБ) 11.12.2025")
>>> block.as_of.isoformat(), block.rates[0].currency, str(block.rates[0].rate)
('2025-12-11', 'USD', '12020.90')
"""

from newsarchive.analysis import (
    ArchiveReadError,
    ArchiveStats,
    archive_stats,
    load_articles,
    load_rates,
    load_runs,
    to_dataframe,
)
from newsarchive.parsers import (
    ArticlePage,
    ArticleSelectors,
    GenericArticle,
    Rate,
    RateBlock,
    Timestamp,
    extract_article,
    parse_article,
    parse_rates,
    parse_timestamp,
    published_from_html,
)
from newsarchive.records import SCHEMA_VERSION
from newsarchive.sites import Site, SiteError, available_sites, load_site, load_site_file
from newsarchive.urls import canonical_url
from newsarchive.version import __version__

__all__ = [
    "SCHEMA_VERSION",
    "ArchiveReadError",
    "ArchiveStats",
    "ArticlePage",
    "ArticleSelectors",
    "GenericArticle",
    "Rate",
    "RateBlock",
    "Site",
    "SiteError",
    "Timestamp",
    "__version__",
    "archive_stats",
    "available_sites",
    "canonical_url",
    "extract_article",
    "load_articles",
    "load_rates",
    "load_runs",
    "load_site",
    "load_site_file",
    "parse_article",
    "parse_rates",
    "parse_timestamp",
    "published_from_html",
    "to_dataframe",
]
