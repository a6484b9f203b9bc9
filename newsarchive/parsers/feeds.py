"""Where a site lists its articles: robots.txt ``Sitemap:`` lines, sitemaps, RSS and Atom feeds.

Pure functions of the fetched text. XML is parsed with entities left unexpanded and no network
access, so a sitemap carrying an entity-expansion bomb or an external entity costs nothing: a
bomb is read as nothing, and a URL that holds an entity reference is skipped, not cut short.

>>> robots_sitemaps("User-agent: *\\nDisallow: /private/\\nSitemap: https://x.org/sitemap.xml\\n")
['https://x.org/sitemap.xml']
>>> kind, entries = read_sitemap(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
...     b'<url><loc>https://x.org/a</loc><lastmod>2025-12-11</lastmod></url></urlset>')
>>> kind, entries[0].url, entries[0].date
('urlset', 'https://x.org/a', '2025-12-11')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector

__all__ = ["Link", "feed_links_in_head", "read_feed", "read_sitemap", "robots_sitemaps"]

# Paths where news sites usually keep a feed when the page head names none.
COMMON_FEED_PATHS = ("/rss.xml", "/feed/", "/rss/", "/feed.xml", "/atom.xml")

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, recover=True,
    remove_comments=True, remove_pis=True,
)  # fmt: skip
# libxml2 refuses to expand an entity bomb and, recovering, drops the references: what is left
# of such a document is not what it says, so it is read as nothing.
_BOMB_ERRORS = frozenset({etree.ErrorTypes.ERR_RESOURCE_LIMIT, etree.ErrorTypes.ERR_ENTITY_LOOP})
_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Link:
    """A URL a sitemap or feed lists, with the date it gives (as written), if any."""

    url: str
    date: str | None = None


def robots_sitemaps(robots_txt: str) -> list[str]:
    """The sitemap URLs a robots.txt names."""
    return _SITEMAP_LINE.findall(robots_txt)


def read_sitemap(xml: bytes) -> tuple[str, list[Link]]:
    """``("index", sitemaps)`` for a sitemap index, ``("urlset", pages)`` for a sitemap.

    A news sitemap's ``news:publication_date`` wins over ``lastmod``. Anything else, or XML
    that cannot be read, is ``("", [])``.
    """
    root = _root(xml)
    if root is None:
        return "", []
    kind = etree.QName(root).localname.lower()
    if kind not in ("sitemapindex", "urlset"):
        return "", []
    links = []
    for entry in root:
        if not isinstance(entry.tag, str):
            continue
        fields = {etree.QName(child).localname.lower(): child for child in entry.iter()
                  if isinstance(child.tag, str)}  # fmt: skip
        url = _whole_text(fields.get("loc"))
        if url is None:
            continue
        date = fields.get("publication_date")
        if date is None:
            date = fields.get("lastmod")
        links.append(Link(url, _whole_text(date)))
    return ("index" if kind == "sitemapindex" else "urlset"), links


def read_feed(xml: bytes, base_url: str) -> list[Link]:
    """The item links of an RSS 2.0, RSS 1.0 or Atom feed, with their dates as written."""
    root = _root(xml)
    if root is None:
        return []
    links = []
    for item in root.iter():
        if not isinstance(item.tag, str) or etree.QName(item).localname not in ("item", "entry"):
            continue
        url = date = None
        for child in item:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name == "link":
                href = child.get("href")
                rel = child.get("rel", "alternate")
                if href and rel == "alternate":
                    url = href
                elif not href:
                    url = _whole_text(child) or url
            elif name in ("pubDate", "published", "updated", "date") and date is None:
                date = (child.text or "").strip() or None
        if url:
            links.append(Link(urljoin(base_url, url), date))
    return links


def feed_links_in_head(page: Selector, base_url: str) -> list[str]:
    """RSS and Atom feeds a page announces with ``<link rel="alternate">``."""
    hrefs = page.xpath(
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')]"
        "[contains(@type, 'rss') or contains(@type, 'atom')]/@href"
    ).getall()
    return [urljoin(base_url, href.strip()) for href in hrefs if href.strip()]


def _whole_text(element: etree._Element | None) -> str | None:
    """The element's stripped text; None when empty or cut short by an entity left unexpanded.

    ``<loc>https://x.org/&xxe;</loc>`` is not ``https://x.org/``: a URL we cannot read whole
    is no URL to fetch.
    """
    if element is None or any(isinstance(child, etree._Entity) for child in element):
        return None
    return (element.text or "").strip() or None


def _root(xml: bytes) -> etree._Element | None:
    try:
        root = etree.fromstring(xml.strip(), parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if any(error.type in _BOMB_ERRORS for error in _PARSER.error_log):
        return None
    return root
