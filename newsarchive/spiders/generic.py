"""Any news site, with no site file: find its articles, judge each page by what it holds.

Discovery, in the order a well-run site offers it: the sitemaps robots.txt names (or
``/sitemap.xml``), sitemap indexes and news sitemaps; the RSS/Atom feeds the home page
announces (or the usual feed paths); and listing pages reached from the home page, with their
pagination. Every candidate page goes to ``extract_article``; only pages that look like articles
(structured data, or a headline over real paragraphs with a date) are archived. Robots.txt is
obeyed and only the start URL's host is crawled.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from newsarchive import counters
from newsarchive.parsers.feeds import (
    COMMON_FEED_PATHS,
    feed_links_in_head,
    read_feed,
    read_sitemap,
    robots_sitemaps,
)
from newsarchive.parsers.generic import extract_article
from newsarchive.responses import is_html, page_time, readable
from newsarchive.sites import Site, generic_site
from newsarchive.spiders.base import ArchiveSpider
from newsarchive.urls import canonical_url

__all__ = ["GenericSpider"]

# Links that are never pages worth reading.
_NOT_PAGES = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|pdf|docx?|xlsx?|zip|rar|mp[34]|avi|mov|css|js|xml|json)$"
    r"|/(?:login|logout|register|signup|cart|search|wp-admin|wp-login\.php|cdn-cgi)(?:/|$)",
    re.IGNORECASE,
)
# Link texts and rels that lead to the next listing page.
_NEXT = re.compile(r"^(?:\d{1,4}|след\w*|далее|вперед|вперёд|ещё|еще|older|next|»|›|>>?)$", re.I)
# How many links of one non-article page are followed (how deep from the home page is the
# NEWSARCHIVE_DISCOVERY_DEPTH setting).
MAX_LINKS_PER_PAGE = 300


class GenericSpider(ArchiveSpider):
    """``newsarchive crawl https://host/`` or ``scrapy crawl generic -a url=https://host/``."""

    name = "generic"

    def __init__(
        self,
        site: Site | None = None,
        url: str | None = None,
        tz: str = "UTC",
        **kwargs: Any,
    ) -> None:
        if site is None:
            if not url:
                raise ValueError("the generic spider needs a start URL: -a url=https://host/")
            site = generic_site(url, timezone=tz)
        super().__init__(site, **kwargs)

    async def start(self) -> AsyncIterator[Any]:
        home = self.site.start_urls[0]
        root = f"{urlsplit(home).scheme}://{urlsplit(home).netloc}"
        yield scrapy.Request(
            f"{root}/robots.txt", callback=self.parse_robots, errback=self.no_robots,
            meta={"root": root}, dont_filter=True,
        )  # fmt: skip
        yield self._page(home, depth=0, dont_filter=True)

    # --- discovery -------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Any]:
        named = robots_sitemaps(response.text) if isinstance(response, TextResponse) else []
        sitemaps = [url for url in named if self.allowed(url)]
        if sitemaps:
            yield from self._sitemaps(sitemaps)
        else:
            yield from self._sitemaps([f"{response.meta['root']}/sitemap.xml"], guessed=True)

    def no_robots(self, failure: Any) -> Iterator[Any]:
        # No robots.txt (or an error page): the usual sitemap address is still worth a try.
        yield from self._sitemaps([f"{failure.request.meta['root']}/sitemap.xml"], guessed=True)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        kind, links = read_sitemap(response.body)
        if not kind:
            if not response.meta.get("guessed"):  # a sitemap the site names: say so
                self.count_page_failure(response, "unreadable_sitemap")
            return
        self.crawler.stats.inc_value(counters.DISCOVERY_SITEMAPS)
        self.crawler.stats.inc_value(counters.LISTING_PAGES)
        if kind == "index":
            yield from self._sitemaps([link.url for link in links if self.allowed(link.url)])
            return
        yield from self._candidates([link.url for link in links], source="sitemap")

    def parse_feed(self, response: Response) -> Iterator[Any]:
        links = read_feed(response.body, response.url)
        if not links:
            return
        self.crawler.stats.inc_value(counters.DISCOVERY_FEEDS)
        self.crawler.stats.inc_value(counters.LISTING_PAGES)
        yield from self._candidates([link.url for link in links], source="feed")

    # --- pages ---------------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[Any]:
        """Archive the page if it is an article; otherwise read it as a listing page."""
        if not is_html(response):
            self.count_page_failure(response, "not_html")
            return
        response = readable(response)
        fetched_at = page_time(response)
        depth = response.meta["depth_from_home"]
        found = extract_article(
            response.selector, url=response.url, now=fetched_at, tz=self.site.timezone
        )
        if found.is_article:
            yield self.article_item(response, found.as_page(), fetched_at, lang=found.lang)
            yield from self.rate_items(response, fetched_at)
            return
        self.crawler.stats.inc_value(counters.DISCOVERY_NOT_ARTICLES)
        if response.meta.get("candidate"):
            return  # a sitemap or feed entry that is no article: nothing to follow from it
        self.crawler.stats.inc_value(counters.LISTING_PAGES)
        if depth == 0:
            yield from self.rate_items(response, fetched_at)
            yield from self._feeds(response)
        yield from self._listing_links(response, depth)

    def _listing_links(self, response: TextResponse, depth: int) -> Iterator[Any]:
        """Follow a listing page's links: pagination at the same depth, the rest one deeper."""
        links: dict[str, bool] = {}
        for anchor in response.css("body a[href]")[: MAX_LINKS_PER_PAGE * 3]:
            url = canonical_url(response.urljoin(anchor.attrib["href"]))
            if not self.allowed(url) or _NOT_PAGES.search(urlsplit(url).path):
                continue
            text = " ".join(anchor.css("::text").getall()).strip()
            is_next = anchor.attrib.get("rel", "") == "next" or bool(_NEXT.match(text))
            links[url] = links.get(url, False) or is_next
            if len(links) >= MAX_LINKS_PER_PAGE:
                break
        self.crawler.stats.inc_value(counters.LISTING_ARTICLE_LINKS, len(links))
        now = page_time(response)
        for url, is_next in links.items():
            if is_next:
                if self.limits.max_pages and self.listing_pages >= self.limits.max_pages:
                    continue
                self.listing_pages += 1
                yield self._page(url, depth=depth)
            elif depth < self.limits.discovery_depth and self.wanted(self.known(url), now):
                if not self.article_budget_left():
                    return
                self.count_article_request()
                yield self._page(url, depth=depth + 1)

    def _candidates(self, urls: list[str], *, source: str) -> Iterator[Any]:
        """Pages a sitemap or feed lists: fetched once each, unless already archived."""
        now = datetime.now(UTC)
        for url in urls:
            url = canonical_url(url)
            if not self.allowed(url) or _NOT_PAGES.search(urlsplit(url).path):
                continue
            self.crawler.stats.inc_value(counters.LISTING_ARTICLE_LINKS)
            if not self.wanted(self.known(url), now) or not self.article_budget_left():
                continue
            self.count_article_request()
            yield self._page(url, depth=self.limits.discovery_depth, candidate=True, source=source)

    def _feeds(self, home: TextResponse) -> Iterator[Any]:
        announced = [
            url for url in feed_links_in_head(home.selector, home.url) if self.allowed(url)
        ]
        root = f"{urlsplit(home.url).scheme}://{urlsplit(home.url).netloc}"
        for url in announced or [urljoin(root, path) for path in COMMON_FEED_PATHS]:
            # A guessed feed path that does not exist is no error worth counting.
            errback = self.failed if announced else None
            yield scrapy.Request(url, callback=self.parse_feed, errback=errback,
                                 meta={"listing": bool(announced)})  # fmt: skip

    def _sitemaps(self, urls: list[str], *, guessed: bool = False) -> Iterator[Any]:
        # A sitemap at a guessed address that does not exist is no error worth counting.
        for url in urls:
            yield scrapy.Request(url, callback=self.parse_sitemap, meta={"guessed": guessed},
                                 errback=None if guessed else self.failed)  # fmt: skip

    def _page(
        self, url: str, *, depth: int, candidate: bool = False, dont_filter: bool = False,
        **meta: Any,
    ) -> scrapy.Request:  # fmt: skip
        return scrapy.Request(
            url, callback=self.parse_page, errback=self.failed, dont_filter=dont_filter,
            meta={"depth_from_home": depth, "candidate": candidate, "listing": depth == 0, **meta},
        )  # fmt: skip
