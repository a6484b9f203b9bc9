"""Archive records: the JSON objects written one per line, and the items spiders yield.

Spiders yield ``ArticleItem`` and ``RateItem``; ``article_record`` and ``rate_record`` turn them
into the versioned records described in docs/records.md. Keys keep this order in every line.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from newsarchive.counters import RunCounts
from newsarchive.health import Health
from newsarchive.parsers.article import ArticlePage
from newsarchive.parsers.rates import RateBlock
from newsarchive.schema import SCHEMA_VERSION, record
from newsarchive.sites import Site
from newsarchive.urls import canonical_url
from newsarchive.version import __version__

__all__ = [
    "SCHEMA_VERSION",
    "ArticleItem",
    "RateItem",
    "article_id",
    "article_record",
    "content_hash",
    "dumps",
    "rate_items",
    "rate_record",
    "rate_value",
    "run_record",
    "site_article",
]


@dataclass(frozen=True, slots=True)
class ArticleItem:
    """An article page as the spider read it."""

    site: str
    url: str
    site_article_id: str | None
    page: ArticlePage
    fetched_at: datetime
    lang: str
    # Where the page is kept as received: the WARC record (``Capture.source()``), if any.
    source: dict[str, Any] | None = None
    # What read the page (``Site.parser_version``).
    parser_version: str = __version__


@dataclass(frozen=True, slots=True)
class RateItem:
    """One currency's row of a rate widget as the spider read it."""

    site: str
    url: str
    timezone: str
    source: str | None
    as_of: date | None
    currency: str
    rate: Decimal
    change: Decimal | None
    change_percent: Decimal | None
    observed_at: datetime


def site_article(
    site: Site,
    url: str,
    page: ArticlePage,
    fetched_at: datetime,
    *,
    lang: str | None = None,
    source: dict[str, Any] | None = None,
) -> ArticleItem:
    """The item of an article page of ``site`` read at ``url``, live or from its WARC record.

    ``lang`` is the page's own language when the generic extractor found one, else the site's.
    """
    return ArticleItem(
        site=site.name,
        url=url,
        site_article_id=site.article_id(url),
        page=page,
        fetched_at=fetched_at,
        # The record holds the language alone: "uz" for a site file's "uz-Cyrl".
        lang=(lang or site.lang).partition("-")[0],
        source=source,
        parser_version=site.parser_version,
    )


def rate_items(
    block: RateBlock, *, site: str, url: str, timezone: str, observed_at: datetime
) -> list[RateItem]:
    """One row per rate of a widget read on the page at ``url`` at ``observed_at``."""
    return [
        RateItem(
            site=site,
            url=url,
            timezone=timezone,
            source=block.source,
            as_of=block.as_of,
            currency=rate.currency,
            rate=rate.rate,
            change=rate.change,
            change_percent=rate.change_percent,
            observed_at=observed_at,
        )
        for rate in block.rates
    ]


def article_id(site: str, url: str, site_article_id: str | None) -> str:
    """Stable id: the site's own numeric id where its URLs have one, else the canonical URL's hash.

    >>> article_id("everyday", "https://everyday.uz/health/15820-post.html", "15820")
    'everyday:15820'
    >>> article_id("x", "https://x.org/a/?utm_source=tg", None)
    'x:u-8e91e6c756cce9f9'
    """
    if site_article_id:
        return f"{site}:{site_article_id}"
    # Without a scheme, so the http and https copies of a page are one article.
    address = canonical_url(url).split("://", 1)[-1]
    return f"{site}:u-{hashlib.sha256(address.encode()).hexdigest()[:16]}"


def content_hash(title: str | None, lead: str | None, body: str | None) -> str:
    """What decides whether an article changed: its visible text, not when we saw it."""
    text = "\x1f".join(part or "" for part in (title, lead, body))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def article_record(item: ArticleItem) -> dict[str, Any]:
    page = item.page
    published = page.published
    return record(
        "article",
        id=article_id(item.site, item.url, item.site_article_id),
        version=1,
        site=item.site,
        url=canonical_url(item.url),
        title=page.title,
        lead=page.lead,
        body=page.body,
        section=page.section,
        author=page.author,
        published_at=published.value.isoformat() if published else None,
        published_precision=published.precision if published else None,
        published_raw=published.raw.strip() if published else None,
        fetched_at=_utc(item.fetched_at),
        lang=item.lang,
        content_hash=content_hash(page.title, page.lead, page.body),
        source=item.source,
        parser_version=item.parser_version,
        reparsed=False,
        changed_fields=None,
    )


def rate_record(item: RateItem) -> dict[str, Any]:
    """A tidy row; a widget without a date is dated by the site's local day at fetch time."""
    as_of = item.as_of or item.observed_at.astimezone(ZoneInfo(item.timezone)).date()
    return record(
        "rates",
        site=item.site,
        source=item.source,
        as_of=as_of.isoformat(),
        as_of_inferred=item.as_of is None,
        currency=item.currency,
        rate=item.rate,
        change=item.change,
        change_percent=item.change_percent,
        observed_at=_utc(item.observed_at),
        url=canonical_url(item.url),
    )


def run_record(
    *,
    run_id: str,
    site: str,
    started_at: datetime,
    finished_at: datetime,
    stats: dict[str, Any],
    health: Health,
    files: list[str],
    recovered_runs: list[str],
    host: str,
    workers: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """What one run did, for ``runs.jsonl``: counts, errors by kind, health, and the machine;
    for a run of several worker processes, each worker's part (``workers``: a run of one
    process passes None, and its record has no such field)."""
    counts = RunCounts.from_stats(stats)
    parts = {} if workers is None else {"workers": workers}
    return record(
        "run",
        run_id=run_id,
        site=site,
        host=host,
        started_at=_utc(started_at),
        finished_at=_utc(finished_at),
        finish_reason=stats.get("finish_reason"),
        requests=counts.requests,
        pages=counts.pages,
        listing_pages=counts.listing_pages,
        not_modified=counts.not_modified,
        sitemaps_unchanged=counts.sitemaps_unchanged,
        articles_parsed=counts.articles_parsed,
        articles_new=counts.articles_new,
        articles_updated=counts.articles_updated,
        articles_unchanged=counts.articles_unchanged,
        rate_rows=counts.rates_new,
        quarantined=counts.quarantined,
        errors=counts.errors,
        missing=counts.missing,
        fallbacks=counts.fallbacks,
        files=files,
        recovered_runs=recovered_runs,
        health=health.status,
        health_reasons=list(health.reasons),
        exit_status=health.exit_status,
        warc_bytes=counts.warc_bytes,
        warc_pages=counts.warc_pages,
        **parts,
    )


def rate_value(record: dict[str, Any]) -> str:
    """The values of a rate row in one canonical string, whether they are Decimals or floats.

    >>> rate_value({"rate": Decimal("12020.90"), "change": 17.72, "change_percent": None})
    '12020.9|17.72|'
    """
    parts = (record["rate"], record["change"], record["change_percent"])
    return "|".join("" if value is None else _plain(value) for value in parts)


def dumps(record: dict[str, Any]) -> str:
    """One JSON line: UTF-8 text kept readable, Decimals as numbers, no line separators inside.

    >>> dumps({"title": "Курс\\u2028валют", "rate": Decimal("155.49")})
    '{"title":"Курс\\\\u2028валют","rate":155.49}'
    """
    line = _ENCODER.encode(record)
    # U+2028/2029 are legal in JSON but split lines for readers that use str.splitlines().
    # Looking for them is far cheaper than a replace that finds nothing, the usual case.
    if "\u2028" in line or "\u2029" in line:
        line = line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return line


def _json_default(value: object) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


# What json.dumps(ensure_ascii=False, separators=(",", ":"), default=_json_default) builds on
# every call, built once.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _plain(value: Decimal | float) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
