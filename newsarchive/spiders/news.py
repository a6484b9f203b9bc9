"""One spider for every site file: it only routes, the parsers read the pages.

Listing pages give article links and the next listing pages; article pages go to
``parse_article``; every page's rate widget goes to ``parse_rates``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date, datetime
from typing import Any, Self
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.http import HtmlResponse, JsonResponse, Response, TextResponse, XmlResponse
from scrapy.settings import BaseSettings
from scrapy.utils.response import get_base_url

from newsarchive import counters
from newsarchive.conditional import CONDITIONAL, VIA, found_on
from newsarchive.parsers.article import find_timestamp, matches
from newsarchive.parsers.page import ArticleReading, read_article_page
from newsarchive.responses import is_html, page_time, readable
from newsarchive.sites import Site, load_site, load_site_file
from newsarchive.spiders.base import ArchiveSpider
from newsarchive.urls import canonical_url
from newsarchive.workers import PageReader, ParseJob

__all__ = ["NewsSpider"]


class NewsSpider(ArchiveSpider):
    """Crawl a site described by a site file.

    ``scrapy crawl news -a site=everyday`` or ``scrapy crawl everyday``; ``-a start_url=URL``
    crawls a copy of the site at another address (the demo does this), ``-a site_file=PATH`` a
    site of your own.
    """

    name = "news"
    reader: PageReader  # reads article pages, here or in a parse worker (from_crawler)

    def __init__(
        self,
        site: str | Site | None = None,
        site_file: str | None = None,
        start_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        if isinstance(site, Site):
            described = site
        elif site_file:
            described = load_site_file(site_file)
        else:
            described = load_site(site or getattr(self, "site_name", None) or self.name)
        super().__init__(described.on_host(start_url) if start_url else described, **kwargs)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Self:
        kwargs.setdefault("site", crawler.settings.get("NEWSARCHIVE_SITE") or None)
        spider = super().from_crawler(crawler, *args, **kwargs)
        site = spider.site
        spider.reader = PageReader(
            (site.article, site.rate_widget, site.timezone, site.lang),
            worker=crawler.settings.getbool("NEWSARCHIVE_PARSE_WORKER"),
            start_share=crawler.settings.getfloat("NEWSARCHIVE_PARSE_WORKER_SHARE"),
            count=lambda key: crawler.stats.inc_value(key),
        )
        crawler.signals.connect(spider.reader.close, signal=signals.spider_closed)
        return spider

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # `scrapy crawl everyday`: the site file's [throttle], below anything given with -s.
        name = getattr(cls, "site_name", None)
        if name:
            settings.setdict(load_site(name).throttle, priority="spider")

    async def start(self) -> AsyncIterator[Any]:
        for url in self.site.start_urls:
            self.listing_pages += 1
            # dont_filter: a --resume run fetches the first page again to see what is new.
            yield scrapy.Request(
                url,
                callback=self.parse_listing,
                errback=self.failed,
                dont_filter=True,
                meta={"listing": True, CONDITIONAL: True},
            )

    def parse_listing(self, response: Response) -> Iterator[Any]:
        if not is_html(response):
            self.count_page_failure(response, "not_html")
            return
        response = readable(response)
        stats = self.crawler.stats
        stats.inc_value(counters.LISTING_PAGES)
        fetched_at = page_time(response)
        yield from self.rate_items(response, fetched_at)
        links = self._article_links(response)
        stats.inc_value(counters.LISTING_ARTICLE_LINKS, len(links))
        if links:
            # A page with no article link is read whole next time: markup drift keeps showing.
            self.remember_page(response)
        via = found_on(response)
        older = self._items_before_since(response, fetched_at)
        archived = too_old = 0
        known_here = self.known_all(url for url in links if url not in older)
        for url in links:
            if url in older:
                too_old += 1
                continue
            known = known_here[url]
            if known is not None:
                archived += 1
            if not self.wanted(known, fetched_at):
                continue
            if not self.article_budget_left():
                break
            self.count_article_request()
            # Articles (priority 1) before further listing pages (0): Scrapy's queue is last
            # in, first out, so the walk would otherwise run down every listing page first and
            # hold a request for each article of the site in memory until the end.
            # A Request, not response.follow: the link is absolute and canonical already.
            yield scrapy.Request(
                url,
                callback=self.parse_article,
                errback=self.failed,
                priority=1,
                encoding=response.encoding,
                meta={VIA: via},
            )
        if not self.article_budget_left():
            return  # --max-articles reached: further listing pages would be read for nothing
        if not self.keeps_paginating(
            response, links=len(links), archived=archived, too_old=too_old
        ):
            return
        for url in self._page_links(response):
            if self.limits.max_pages and self.listing_pages >= self.limits.max_pages:
                break
            self.listing_pages += 1
            yield response.follow(
                url,
                callback=self.parse_listing,
                errback=self.failed,
                meta={"listing": True, CONDITIONAL: True, VIA: via},
            )

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        if not is_html(response):
            self.count_page_failure(response, "not_html")
            return
        response = readable(response)
        fetched_at = page_time(response)
        job: ParseJob = (
            response.body, response.encoding, response.url, _selector_type(response), fetched_at
        )  # fmt: skip
        reading = await self.reader.read(job, lambda: self._read_here(response, fetched_at))
        # A count that grows run after run is markup drift, seen before the records go empty.
        for name in reading.filled:
            self.crawler.stats.inc_value(counters.FALLBACK + name)
        if reading.filled:
            self.logger.info(
                "%s: the site file found no %s; the generic extractor filled in",
                response.url, ", ".join(reading.filled),
            )  # fmt: skip
        yield self.article_item(response, reading.page, fetched_at)
        for row in self.rate_rows(reading.rates, response.url, fetched_at):
            yield row

    def _read_here(self, response: TextResponse, fetched_at: datetime) -> ArticleReading:
        site = self.site
        return read_article_page(
            response.selector,
            site.article,
            site.rate_widget,
            url=response.url,
            now=fetched_at,
            tz=site.timezone,
            lang=site.lang,
        )

    def _article_links(self, response: TextResponse) -> list[str]:
        found: dict[str, None] = {}
        for css in self.site.listing.links:
            for block in matches(response.selector, css):
                found.update(dict.fromkeys(_links(response, block, self._is_article)))
        return list(found)

    def _page_links(self, response: TextResponse) -> list[str]:
        pattern = self.site.listing.page_url
        base = get_base_url(response)
        return [
            url
            for css in self.site.listing.pagination
            for href in matches(response.selector, css)
            if isinstance(href, str)  # an element matched (no ::attr()) is no address
            and self.allowed(url := urljoin(base, href))
            and pattern.search(urlsplit(url).path)
        ]

    def _is_article(self, url: str) -> bool:
        return self.allowed(url) and self.site.is_article(url)

    def _items_before_since(self, response: TextResponse, fetched_at: datetime) -> set[str]:
        """Article links of the listing items dated before ``--since`` (undated ones may be new)."""
        if self.limits.since is None:
            return set()
        older: set[str] = set()
        for css in self.site.listing.items:
            for item in response.css(css):
                day = _item_day(item, self.site, fetched_at)
                if day is not None and day < self.limits.since:
                    older.update(_links(response, item.root, self._is_article))
        return older


def _selector_type(response: TextResponse) -> str | None:
    """The type Scrapy's ``response.selector`` gives the page (None: parsel decides)."""
    if isinstance(response, XmlResponse):
        return "xml"
    if isinstance(response, JsonResponse):
        return "json"
    return "html" if isinstance(response, HtmlResponse) else None


def _item_day(item: Selector, site: Site, fetched_at: datetime) -> date | None:
    """The site-local day a listing item is dated, if it shows a date."""
    for css in site.listing.item_date:
        for match in item.css(css):
            stamp = find_timestamp(match, now=fetched_at, tz=site.timezone, lang=site.lang)
            if stamp is not None:
                return stamp.value.date()
    return None


def _links(response: TextResponse, block: Any, wanted: Callable[[str], bool]) -> list[str]:
    """Canonical URLs of the wanted links in a block (an element the listing selectors
    matched), once each, in page order."""
    base = get_base_url(response)
    seen: dict[str, None] = {}
    for href in matches(response.selector, "a::attr(href)", block):
        url = canonical_url(urljoin(base, href))
        if wanted(url):
            seen.setdefault(url, None)
    return list(seen)
