"""A stored page read again: what a crawl would have archived from it, without the network.

``reparse`` and ``import`` hand each page kept in a WARC file to :func:`read_stored_page`,
which reads it the way the spiders read a live page: the response built by Scrapy's own rules
(its class by Content-Type, its encoding by header, BOM and ``<meta>``), the same encoding
repair, the same parsers, and the fetch time from the page's ``Date`` header, else from when it
was captured. A page reparsed years later therefore gives the instant the crawl gave for
``5 минут назад``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Headers, Request, Response, TextResponse
from scrapy.responsetypes import responsetypes

from newsarchive.evidence.reader import WarcEntry
from newsarchive.parsers.generic import extract_article
from newsarchive.parsers.page import read_article_page, read_rates
from newsarchive.records import ArticleItem, RateItem, rate_items, site_article
from newsarchive.responses import is_html, readable, server_time
from newsarchive.sites import Site

__all__ = ["PageReading", "StoredResponse", "read_stored_page"]


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response as a WARC file keeps it, its content coding undone (and with it the headers
    that described the coded bytes: ``WarcEntry.body_headers()``)."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    captured_at: datetime  # WARC-Date
    source: dict[str, Any] | None  # where it is kept (the record field)

    @classmethod
    def from_entry(cls, entry: WarcEntry, source: dict[str, Any] | None) -> StoredResponse:
        """The response a WARC record holds (``entry.body`` read, content coding undone)."""
        assert entry.body is not None, "a record with a body: a response, or a revisit's"
        return cls(
            url=entry.target_uri or "",
            status=entry.http_status or 0,
            headers=list(entry.body_headers()),
            body=entry.body,
            captured_at=entry.date,
            source=source,
        )


@dataclass(frozen=True, slots=True)
class PageReading:
    """What a stored page gives: an article (or None) and rate rows, or why it gives nothing."""

    article: ArticleItem | None = None
    rates: list[RateItem] = field(default_factory=list)
    skipped: str | None = None  # "not_html", "http_404"...; None when the page was read


def read_stored_page(site: Site, stored: StoredResponse) -> PageReading:
    """Read a stored page as the site's spider reads a live one.

    A site with a description (``site.article_url``) reads its article URLs with its selectors
    and every other page for its rate widget; a site known only by its address judges each page
    by what it holds (``extract_article``), and reads the rate widget of articles and of home
    pages.
    """
    if stored.status != 200:
        return PageReading(skipped=f"http_{stored.status}")
    response = _response(stored)
    if not is_html(response):
        return PageReading(skipped="not_html")
    response = readable(response)
    fetched_at = server_time(response.headers.get(b"Date"), stored.captured_at)
    if site.article_url is not None:
        if not site.is_article(response.url):
            return PageReading(rates=_rates(site, response, fetched_at))
        reading = read_article_page(
            response.selector,
            site.article,
            site.rate_widget,
            url=response.url,
            now=fetched_at,
            tz=site.timezone,
            lang=site.lang,
        )
        article = site_article(site, response.url, reading.page, fetched_at, source=stored.source)
        return PageReading(article=article, rates=_rows(site, reading.rates, response, fetched_at))
    found = extract_article(response.selector, url=response.url, now=fetched_at, tz=site.timezone)
    if found.is_article:
        article = site_article(
            site, response.url, found.as_page(), fetched_at, lang=found.lang, source=stored.source
        )
        return PageReading(article=article, rates=_rates(site, response, fetched_at))
    if response.url in site.start_urls or urlsplit(response.url).path in ("", "/"):
        return PageReading(rates=_rates(site, response, fetched_at))
    return PageReading()


def _response(stored: StoredResponse) -> Response:
    headers = Headers(stored.headers)
    kind = responsetypes.from_args(headers=headers, url=stored.url, body=stored.body)
    # The request is what Scrapy gives every response; ``readable`` re-reads through it.
    return kind(
        url=stored.url,
        status=stored.status,
        headers=headers,
        body=stored.body,
        request=Request(stored.url),
    )


def _rates(site: Site, response: TextResponse, fetched_at: datetime) -> list[RateItem]:
    return _rows(site, read_rates(response.selector, site.rate_widget), response, fetched_at)


def _rows(site: Site, block: Any, response: TextResponse, fetched_at: datetime) -> list[RateItem]:
    if block is None:
        return []
    return rate_items(
        block, site=site.name, url=response.url, timezone=site.timezone, observed_at=fetched_at
    )
