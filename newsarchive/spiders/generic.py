"""Any news site, with no site file: find its articles, judge each page by what it holds.

Discovery, in the order a well-run site offers it: the sitemaps robots.txt names (or
``/sitemap.xml``), sitemap indexes and news sitemaps; the RSS/Atom feeds the home page
announces (or the usual feed paths); and listing pages reached from the home page, with their
pagination. Every candidate page goes to ``extract_article``; only pages that look like articles
(structured data, or a headline over real paragraphs with a date) are archived. Robots.txt is
obeyed and only the start URL's host is crawled.

A re-run costs little when little changed (``newsarchive.conditional``): sitemaps, feeds and
every page read as no article are asked "changed since?" and a 304 is not read; a child sitemap
whose ``<lastmod>`` in the index has not moved is not fetched; and pagination stops at a listing
page with nothing new, as for site files. The home page and robots.txt are always fetched whole:
they name the feeds and sitemaps, whose contents change on their own.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.robotstxt import RobotParser
from scrapy.utils.misc import load_object

from newsarchive import counters
from newsarchive.archive import KnownArticle
from newsarchive.conditional import CONDITIONAL, LASTMOD, VIA, found_on
from newsarchive.parsers.feeds import (
    COMMON_FEED_PATHS,
    Link,
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
        # The site's robots.txt, read by this spider: links it forbids are never new.
        self.robots: RobotParser | None = None

    async def start(self) -> AsyncIterator[Any]:
        home = self.site.start_urls[0]
        root = f"{urlsplit(home).scheme}://{urlsplit(home).netloc}"
        # The home page once robots.txt is read: only then can its links be judged.
        yield scrapy.Request(
            f"{root}/robots.txt", callback=self.parse_robots, errback=self.no_robots,
            meta={"root": root}, dont_filter=True,
        )  # fmt: skip

    # --- discovery -------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Any]:
        named = robots_sitemaps(response.text) if isinstance(response, TextResponse) else []
        if self.settings.getbool("ROBOTSTXT_OBEY"):
            parser: type[RobotParser] = load_object(self.settings["ROBOTSTXT_PARSER"])
            self.robots = parser.from_crawler(self.crawler, response.body)
        sitemaps = [Link(url) for url in named if self.allowed(url)]
        if sitemaps:
            yield from self._sitemaps(sitemaps, via=())
        else:
            yield from self._sitemaps([Link(f"{response.meta['root']}/sitemap.xml")], via=(),
                                      guessed=True)  # fmt: skip
        yield self._home()

    def no_robots(self, failure: Any) -> Iterator[Any]:
        # No robots.txt (or an error page): the usual sitemap address is still worth a try.
        root = failure.request.meta["root"]
        yield from self._sitemaps([Link(f"{root}/sitemap.xml")], via=(), guessed=True)
        yield self._home()

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        kind, links = read_sitemap(response.body)
        if not kind:
            if not response.meta.get("guessed"):  # a sitemap the site names: say so
                self.count_page_failure(response, "unreadable_sitemap")
            return
        self.crawler.stats.inc_value(counters.DISCOVERY_SITEMAPS)
        self.crawler.stats.inc_value(counters.LISTING_PAGES)
        lastmod = response.meta.get(LASTMOD)
        if kind == "index":
            # Its 304 answers for its children only when it dates every one of them: then an
            # unchanged index means no child moved. Otherwise it is fetched whole each time.
            self.remember_page(response, lastmod=lastmod, validated=all(x.date for x in links))
            children = [link for link in links if self.allowed(link.url)]
            yield from self._sitemaps(children, via=found_on(response))
            return
        self.remember_page(response, lastmod=lastmod)
        yield from self._candidates([link.url for link in links], source="sitemap",
                                    via=found_on(response))  # fmt: skip

    def parse_feed(self, response: Response) -> Iterator[Any]:
        links = read_feed(response.body, response.url)
        if not links:
            return
        self.crawler.stats.inc_value(counters.DISCOVERY_FEEDS)
        self.crawler.stats.inc_value(counters.LISTING_PAGES)
        self.remember_page(response)
        yield from self._candidates([link.url for link in links], source="feed",
                                    via=found_on(response))  # fmt: skip

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
        # Known as no article from now on: linked again, it is asked "changed since?", and it
        # is no new link on a listing page (see _listing_links).
        self.remember_page(response)
        if response.meta.get("candidate"):
            return  # a sitemap or feed entry that is no article: nothing to follow from it
        self.crawler.stats.inc_value(counters.LISTING_PAGES)
        if depth == 0:
            yield from self.rate_items(response, fetched_at)
            yield from self._feeds(response)
        yield from self._listing_links(response, depth)

    def _listing_links(self, response: TextResponse, depth: int) -> Iterator[Any]:
        """Follow a listing page's links: pagination at the same depth, the rest one deeper.

        Pagination stops at a page of nothing new (``keeps_paginating``): every other link
        leads to an archived article, to a page read before as no article (a section, a tag,
        this very listing), or to a page robots.txt forbids.
        """
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
        others = [url for url, is_next in links.items() if not is_next]
        # Looked up once, together: for the judgement when the walk may stop early, then for
        # the fetch.
        known = self.known_all(others)
        archived = (
            sum(self._not_new(url, article) for url, article in known.items())
            if self.may_stop_early()
            else 0
        )
        paginate = self.keeps_paginating(response, links=len(others), archived=archived)
        now = page_time(response)
        via = found_on(response)
        for url, is_next in links.items():
            if is_next:
                if not paginate or (
                    self.limits.max_pages and self.listing_pages >= self.limits.max_pages
                ):
                    continue
                self.listing_pages += 1
                yield self._page(url, depth=depth, via=via)
            elif depth < self.limits.discovery_depth and self.wanted(known[url], now):
                if not self.article_budget_left():
                    return
                self.count_article_request()
                yield self._page(url, depth=depth + 1, via=via)

    def _not_new(self, url: str, article: KnownArticle | None) -> bool:
        """Whether a listing page's link to ``url`` (the archive's ``article`` there, if any)
        leads to nothing new: an archived article, a page read before, or a forbidden one."""
        if article is not None or self.remembered(url) is not None:
            return True
        agent = self.settings.get("ROBOTSTXT_USER_AGENT") or self.settings.get("USER_AGENT")
        return self.robots is not None and not self.robots.allowed(url, agent)

    def _candidates(self, urls: list[str], *, source: str, via: tuple[str, ...]) -> Iterator[Any]:
        """Pages a sitemap or feed lists: fetched once each, unless already archived."""
        now = datetime.now(UTC)
        pages = [canonical_url(url) for url in urls]
        pages = [
            url for url in pages if self.allowed(url) and not _NOT_PAGES.search(urlsplit(url).path)
        ]
        known = self.known_all(pages)  # together: a sitemap lists thousands
        for url in pages:
            self.crawler.stats.inc_value(counters.LISTING_ARTICLE_LINKS)
            if not self.wanted(known[url], now) or not self.article_budget_left():
                continue
            self.count_article_request()
            yield self._page(url, depth=self.limits.discovery_depth, candidate=True,
                             source=source, via=via)  # fmt: skip

    def _feeds(self, home: TextResponse) -> Iterator[Any]:
        announced = [
            url for url in feed_links_in_head(home.selector, home.url) if self.allowed(url)
        ]
        root = f"{urlsplit(home.url).scheme}://{urlsplit(home.url).netloc}"
        for url in announced or [urljoin(root, path) for path in COMMON_FEED_PATHS]:
            # A guessed feed path that does not exist is no error worth counting.
            errback = self.failed if announced else None
            yield scrapy.Request(url, callback=self.parse_feed, errback=errback,
                                 meta={"listing": bool(announced), CONDITIONAL: True})  # fmt: skip

    def _sitemaps(
        self, links: list[Link], *, via: tuple[str, ...], guessed: bool = False
    ) -> Iterator[Any]:
        """Fetch each sitemap, but a child whose ``lastmod`` has not moved since the last
        complete run read it (its articles were all requested then)."""
        for link in links:
            if self.revalidating and link.date:
                known = self.remembered(link.url)
                if known is not None and known.lastmod == link.date:
                    self.crawler.stats.inc_value(counters.SITEMAPS_UNCHANGED)
                    continue
            # A sitemap at a guessed address that does not exist is no error worth counting.
            meta = {"guessed": guessed, CONDITIONAL: True, VIA: via, LASTMOD: link.date}
            yield scrapy.Request(link.url, callback=self.parse_sitemap, meta=meta,
                                 errback=None if guessed else self.failed)  # fmt: skip

    def _home(self) -> scrapy.Request:
        # Fetched whole (no CONDITIONAL): it names the feeds, whose contents change on their own.
        return self._page(self.site.start_urls[0], depth=0, dont_filter=True)

    def _page(
        self, url: str, *, depth: int, candidate: bool = False, dont_filter: bool = False,
        via: tuple[str, ...] = (), **meta: Any,
    ) -> scrapy.Request:  # fmt: skip
        # Candidates are expected articles; any other page may be a listing seen before.
        meta |= {"depth_from_home": depth, "candidate": candidate, "listing": depth == 0}
        if not (candidate or dont_filter):
            meta |= {CONDITIONAL: True, VIA: via}
        elif via:
            meta[VIA] = via
        return scrapy.Request(url, callback=self.parse_page, errback=self.failed,
                              dont_filter=dont_filter, meta=meta)  # fmt: skip
