"""Everything the site-file crawl reads from one article page, in one pure call.

The spider reads an article page with this function, either in its own process or in a parse
worker (``newsarchive.workers``); both give the same :class:`ArticleReading` for the same
bytes, which is what lets the crawl move parsing off Scrapy's thread.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any

from parsel import Selector
from w3lib.encoding import html_to_unicode
from w3lib.html import get_base_url

from newsarchive.parsers.article import ArticlePage, ArticleSelectors, first_match, parse_article
from newsarchive.parsers.generic import extract_article
from newsarchive.parsers.rates import RateBlock, parse_rates

__all__ = ["FILLABLE", "ArticleReading", "read_article_page", "read_rates", "selector_for"]

# Fields the generic extractor may fill in when the site's selectors find nothing. Not the
# publication time: a page without one in its own info line is more often a page without one
# than a page whose sidebar dates should be taken for it.
FILLABLE = ("title", "body", "lead", "section", "author")


@dataclass(frozen=True, slots=True)
class ArticleReading:
    """An article page read: its fields, which of them the generic extractor filled in, and the
    page's rate widget (None when it shows none)."""

    page: ArticlePage
    filled: tuple[str, ...]
    rates: RateBlock | None


def read_article_page(
    root: Selector,
    selectors: ArticleSelectors,
    rate_widget: tuple[str, ...],
    *,
    url: str,
    now: datetime,
    tz: str | tzinfo,
    lang: str | None = None,
) -> ArticleReading:
    """Read an article page with a site's selectors, the generic extractor filling the gaps.

    ``lang`` is the site file's language: the vocabulary of the dates the site prints.

    >>> from datetime import UTC, datetime
    >>> root = Selector(text='<h1>Заголовок</h1><div class="b"><p>Текст.</p></div>'
    ...                      '<div class="kurs">Курс валют USD: 12 020.90 +17.72</div>')
    >>> reading = read_article_page(
    ...     root, ArticleSelectors(title=("h1",), body=(".b",)), (".kurs",),
    ...     url="https://example.uz/1.html", now=datetime(2025, 12, 11, tzinfo=UTC), tz="UTC")
    >>> reading.page.title, reading.page.body, reading.rates.rates[0].currency
    ('Заголовок', 'Текст.', 'USD')
    """
    page = parse_article(root, selectors, now=now, tz=tz, lang=lang)
    missing = [name for name in FILLABLE if getattr(page, name) is None]
    filled: dict[str, Any] = {}  # values of the FILLABLE fields, by name
    if missing:
        generic = extract_article(root, url=url, now=now, tz=tz, lang=lang).as_page()
        filled = {name: getattr(generic, name) for name in missing if getattr(generic, name)}
    return ArticleReading(
        page=replace(page, **filled) if filled else page,
        filled=tuple(filled),
        rates=read_rates(root, rate_widget),
    )


def read_rates(root: Selector, rate_widget: tuple[str, ...]) -> RateBlock | None:
    """A page's rate widget: the first the site's selectors find, else whatever the whole page
    shows (``parse_rates`` then looks for a widget itself)."""
    widget = first_match(root, rate_widget)
    return parse_rates(widget if widget is not None else root)


def selector_for(body: bytes, encoding: str, url: str, kind: str | None) -> Selector:
    """The Selector Scrapy's ``response.selector`` builds for these bytes, without Scrapy.

    Decoded as ``TextResponse.text`` decodes them (w3lib, the response's encoding, a BOM
    winning), with the base URL Scrapy gives the tree.
    """
    text = html_to_unicode(f"charset={encoding}", body)[1]
    return Selector(text=text, type=kind, base_url=get_base_url(text[:4096], url, encoding))
