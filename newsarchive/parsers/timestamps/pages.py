"""``published_from_html``: a page's publication time, from its HTML.

The candidates are read in the order they are trusted: ``article:published_time``,
``<time datetime>`` in the article, JSON-LD ``datePublished`` (article types first), the
publication meta tags of ``PUBLISHED_META`` (which the generic extractor reads too),
hAtom, itemprop, then the text of date-like elements inside the article, any ``<time>``,
and date-like elements anywhere. The first that ``parse_timestamp`` reads wins.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, tzinfo
from typing import Any, Final

import lxml.html
from lxml import etree

from newsarchive.parsers.encoding import decode_page
from newsarchive.parsers.jsonld import json_ld_objects, load_json_ld
from newsarchive.parsers.text import unwrap
from newsarchive.parsers.timestamps.model import DEFAULT_TZ, Timestamp
from newsarchive.parsers.timestamps.parse import parse_timestamp


def _class_has(word: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {word} ')"


# Where a page states its publication time, most trustworthy first.
_STRUCTURED: Final = [
    etree.XPath(
        "//meta[@property='article:published_time' or @name='article:published_time']/@content"
    ),
    etree.XPath("//time[@itemprop='datePublished']/@datetime"),
    etree.XPath(f"//time[{_class_has('published')}]/@datetime"),
    etree.XPath("//article//time/@datetime | //main//time/@datetime"),
]
# Meta tags that state the first publication, in the order they are trusted (names and
# properties lowercased); the generic extractor reads the same list.
PUBLISHED_META: Final = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "article.published",
    "article_date_original",
    "originalpublicationdate",
    "datepublished",
    "date_published",
    "published_time",
    "published_date",
    "published-date",
    "publication_date",
    "publication-date",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.created",
    "dc.date",
    "dcterms.date",
    "date",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "prism.publicationdate",
    "sailthru.date",
    "parsely-pub-date",
    "rnews:datepublished",
    "bt:pubdate",
    "shareaholic:article_published_time",
    "cxenseparse:recs:publishtime",
)
_META_RANK: Final = {name: rank for rank, name in enumerate(PUBLISHED_META)}
_METAS: Final = etree.XPath("//meta[@content]")
# hAtom and Blogger themes: <abbr class="published" title="2020-03-11T22:38:00+05:00">.
_HATOM_PUBLISHED: Final = etree.XPath(f"//*[{_class_has('published')}]/@title")


def _meta_dates(root: Any) -> Iterator[str]:
    """The contents of the publication meta tags, most trusted name first."""
    found = []
    for meta in itertools.islice(_METAS(root), 500):  # a bound on hostile pages
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        rank = _META_RANK.get(key.strip())
        if rank is not None:
            found.append((rank, meta.get("content")))
    found.sort(key=lambda item: item[0])
    return (content for _, content in found)


_ITEMPROP: Final = etree.XPath(
    "//*[@itemprop='datePublished']/@content | //*[@itemprop='datePublished']/@datetime"
)
_ANY_TIME: Final = etree.XPath("//time/@datetime")
_JSON_LD: Final = etree.XPath("//script[contains(@type, 'ld+json')]/text()")
# Where the article itself is (DLE's div.fullstory inside #dle-content). Only the outermost:
# the date lines of one inside another are among the outer one's, and reading each of 2,000
# nested <article> in full took seconds.
_SCOPES: Final = etree.XPath(
    f"(//article | //main | //*[{_class_has('fullstory')}] | //*[@id='dle-content'])"
    f"[not(ancestor::article or ancestor::main or ancestor::*[{_class_has('fullstory')}]"
    " or ancestor::*[@id='dle-content'])]"
)
_CONTAINERS: Final = etree.XPath(
    f".//*[{_class_has('baseinfo')} or contains(@class, 'date') or contains(@class, 'time')]"
    " | .//time | .//*[@itemprop='datePublished']"
)
_STRING: Final = etree.XPath("string()")  # text without comments; any lxml element
_MAX_CONTAINER_TEXT: Final = 200  # longer "date" containers hold whole listings
_ARTICLE_TYPES: Final = ("Article", "BlogPosting", "Report", "NewsArticle")
_UTF8_PARSER: Final = lxml.html.HTMLParser(encoding="utf-8")


def _html_root(source: object) -> Any:
    """An lxml element for any input we accept, or None."""
    source = unwrap(source)
    if isinstance(source, etree._Element):
        return source
    if isinstance(source, bytes):
        # As the extractor decodes them: the <meta> charset unless the bytes contradict it.
        source = decode_page(source)
    if not isinstance(source, str) or not source.strip():
        return None
    try:
        # Encoded as UTF-8 because lxml refuses str holding an XML encoding declaration.
        return lxml.html.document_fromstring(source.encode("utf-8", "replace"), _UTF8_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _json_ld_dates(root: Any) -> Iterator[str]:
    """``datePublished`` values in JSON-LD blocks (repaired and bounded as the extractor reads
    them), article-like objects first."""
    preferred: list[str] = []
    others: list[str] = []
    for block in _JSON_LD(root):
        for node in json_ld_objects(load_json_ld(block)):
            value = node.get("datePublished")
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, dict):
                value = value.get("@value")
            if isinstance(value, str):
                kind = str(node.get("@type", ""))
                (preferred if any(t in kind for t in _ARTICLE_TYPES) else others).append(value)
    yield from preferred
    yield from others


def _visible_dates(scope: Any) -> Iterator[str]:
    for element in _CONTAINERS(scope):
        text = _STRING(element)
        if len(text) <= _MAX_CONTAINER_TEXT:
            yield text


def _candidates(root: Any) -> Iterator[str]:
    for path in _STRUCTURED:
        yield from path(root)
    yield from _json_ld_dates(root)
    yield from _meta_dates(root)
    yield from _HATOM_PUBLISHED(root)
    yield from _ITEMPROP(root)
    for scope in _SCOPES(root):  # the article's own date line ...
        yield from _visible_dates(scope)
    yield from _ANY_TIME(root)  # ... before a <time> that may sit in a sidebar
    yield from _visible_dates(root)


def published_from_html(
    html: object, *, now: datetime, tz: str | tzinfo = DEFAULT_TZ, lang: str | None = None
) -> Timestamp | None:
    """The publication time of an article page, or None; never raises for any ``html``
    (``now``, ``tz`` and ``lang`` as for :func:`parse_timestamp`).

    ``html`` may be str, bytes (the charset found as a browser would), an lxml element or
    tree, a parsel Selector or a Scrapy response. Structured sources come first
    (``article:published_time``, ``<time datetime>``, JSON-LD, itemprop), then the text of
    date-like elements, inside the article before anywhere else.

    >>> from datetime import datetime, timezone
    >>> now = datetime(2025, 12, 12, 13, 0, tzinfo=timezone.utc)
    >>> page = '<div class="fullstory"><span class="baseinfo">admin | Вчера, 20:45</span></div>'
    >>> published_from_html(page, now=now).isoformat()
    '2025-12-11T20:45:00+05:00'
    """
    root = _html_root(html)
    if root is None:
        return None
    for text in _candidates(root):
        found = parse_timestamp(str(text), now=now, tz=tz, lang=lang)
        if found is not None:
            return found
    return None
