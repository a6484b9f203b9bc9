"""One spider for every site file: it only routes, the parsers read the pages.

Listing pages give article links and the next listing pages; article pages go to
``parse_article``; every page's rate widget goes to ``parse_rates``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from twisted.python.failure import Failure

from newsarchive import __version__
from newsarchive.archive import KnownArticle
from newsarchive.parsers.article import find_timestamp, parse_article
from newsarchive.parsers.rates import parse_rates
from newsarchive.pipelines.session import archive_for
from newsarchive.records import ArticleItem, RateItem, article_id
from newsarchive.sites import Site, load_site, load_site_file
from newsarchive.urls import canonical_url

__all__ = ["NewsSpider"]


class NewsSpider(scrapy.Spider):
    """Crawl a site described by a site file.

    ``scrapy crawl news -a site=everyday`` or ``scrapy crawl everyday``; ``-a start_url=URL``
    crawls a copy of the site at another address (the demo does this), ``-a site_file=PATH`` a
    site of your own.
    """

    name = "news"
    site: Site

    def __init__(
        self,
        site: str | Site | None = None,
        site_file: str | None = None,
        start_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(site, Site):
            self.site = site
        elif site_file:
            self.site = load_site_file(site_file)
        else:
            self.site = load_site(site or getattr(self, "site_name", None) or self.name)
        if start_url:
            self.site = self.site.on_host(start_url)
        self.allowed_domains = list(self.site.allowed_domains)
        self.listing_pages = 0
        self.article_requests = 0

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        kwargs.setdefault("site", crawler.settings.get("NEWSARCHIVE_SITE") or None)
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.max_pages = settings.getint("NEWSARCHIVE_MAX_PAGES")
        spider.max_articles = settings.getint("NEWSARCHIVE_MAX_ARTICLES")
        spider.recheck_days = settings.getfloat("NEWSARCHIVE_RECHECK_DAYS")
        since = settings.get("NEWSARCHIVE_SINCE")
        spider.since = date.fromisoformat(since) if since else None
        return spider

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # Name the project and the operator's contact, unless USER_AGENT itself was given.
        if (settings.getpriority("USER_AGENT") or 0) <= SETTINGS_PRIORITIES["project"]:
            contact = settings.get("NEWSARCHIVE_CONTACT_URL")
            agent = f"newsarchive/{__version__} (+{contact})"
            settings.set("USER_AGENT", agent, priority="spider")

    async def start(self) -> AsyncIterator[Any]:
        for url in self.site.start_urls:
            self.listing_pages += 1
            # dont_filter: a --resume run fetches the first page again to see what is new.
            yield scrapy.Request(
                url, callback=self.parse_listing, errback=self.failed, dont_filter=True
            )

    def parse_listing(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("newsarchive/errors/not_html")
            self.crawler.stats.inc_value("newsarchive/listing/failed")
            self.logger.warning("%s: listing page is not text; skipped", response.url)
            return
        stats = self.crawler.stats
        stats.inc_value("newsarchive/listing/pages")
        fetched_at = page_time(response)
        yield from self._rates(response, fetched_at)
        links = self._article_links(response)
        stats.inc_value("newsarchive/listing/article_links", len(links))
        older = self._items_before_since(response, fetched_at)
        archived = too_old = 0
        for url in links:
            if url in older:
                too_old += 1
                continue
            known = self._known(url)
            if known is not None:
                archived += 1
                if not self._due_for_recheck(known, fetched_at):
                    stats.inc_value("newsarchive/articles/skipped_archived")
                    continue
            if self.max_articles and self.article_requests >= self.max_articles:
                break
            self.article_requests += 1
            yield response.follow(url, callback=self.parse_article, errback=self.failed)
        if self.max_articles and self.article_requests >= self.max_articles:
            return  # --max-articles reached: further listing pages would be read for nothing
        if links and too_old == len(links):
            self.logger.info(
                "%s: every article is older than %s; not paginating", response.url, self.since
            )
            return
        if links and archived + too_old == len(links) and self._may_stop_early():
            # Listings are newest first: a page of nothing new means the rest is archived too.
            self.logger.info("%s: nothing new on this page; not paginating", response.url)
            return
        for url in self._page_links(response):
            if self.max_pages and self.listing_pages >= self.max_pages:
                break
            self.listing_pages += 1
            yield response.follow(url, callback=self.parse_listing, errback=self.failed)

    def parse_article(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("newsarchive/errors/not_html")
            self.logger.warning("%s: article page is not text; skipped", response.url)
            return
        fetched_at = page_time(response)
        page = parse_article(
            response.selector, self.site.article, now=fetched_at, tz=self.site.timezone
        )
        yield ArticleItem(
            site=self.site.name,
            url=response.url,
            site_article_id=self.site.article_id(response.url),
            page=page,
            fetched_at=fetched_at,
            lang=self.site.lang,
        )
        yield from self._rates(response, fetched_at)

    def failed(self, failure: Failure) -> None:
        """Count and log a request that brought no page, by URL and kind."""
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        kind = f"http_{response.status}" if response is not None else failure.type.__name__
        self.crawler.stats.inc_value(f"newsarchive/errors/{kind}")
        if request.callback == self.parse_listing:
            self.crawler.stats.inc_value("newsarchive/listing/failed")
        self.logger.warning("%s: not archived (%s)", request.url, kind)

    def _rates(self, response: TextResponse, fetched_at: datetime) -> Iterator[RateItem]:
        for css in self.site.rate_widget:
            widget = response.css(css)
            if not widget:
                continue
            block = parse_rates(widget[0])
            if block is None:
                continue
            for rate in block.rates:
                yield RateItem(
                    site=self.site.name,
                    url=response.url,
                    timezone=self.site.timezone,
                    source=block.source,
                    as_of=block.as_of,
                    currency=rate.currency,
                    rate=rate.rate,
                    change=rate.change,
                    change_percent=rate.change_percent,
                    observed_at=fetched_at,
                )
            return

    def _article_links(self, response: TextResponse) -> list[str]:
        found: dict[str, None] = {}
        for css in self.site.listing.links:
            for block in response.css(css):
                found.update(dict.fromkeys(_links(response, block, self._is_article)))
        return list(found)

    def _page_links(self, response: TextResponse) -> list[str]:
        pattern = self.site.listing.page_url
        return [
            url
            for url in _hrefs(response, self.site.listing.pagination)
            if self._allowed(url) and pattern.search(urlsplit(url).path)
        ]

    def _known(self, url: str) -> KnownArticle | None:
        """What the archive holds of the article at ``url`` (any spelling of it), if anything."""
        key = article_id(self.site.name, url, self.site.article_id(url))
        return archive_for(self.crawler).known_article(key)

    def _may_stop_early(self) -> bool:
        # Only when the last run read the listings down to the archived part: after a killed
        # or limited run, older articles may be missing below the newest ones.
        return archive_for(self.crawler).listings_were_complete

    def _due_for_recheck(self, known: KnownArticle, now: datetime) -> bool:
        if self.recheck_days < 0:
            return False
        last = datetime.fromisoformat(known.fetched_at)
        return now - last >= timedelta(days=self.recheck_days)

    def _is_article(self, url: str) -> bool:
        return self._allowed(url) and self.site.is_article(url)

    def _allowed(self, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        return any(host == domain or host.endswith("." + domain) for domain in self.allowed_domains)

    def _items_before_since(self, response: TextResponse, fetched_at: datetime) -> set[str]:
        """Article links of the listing items dated before ``--since`` (undated ones may be new)."""
        if self.since is None:
            return set()
        older: set[str] = set()
        for css in self.site.listing.items:
            for item in response.css(css):
                day = _item_day(item, self.site, fetched_at)
                if day is not None and day < self.since:
                    older.update(_links(response, item, self._is_article))
        return older


def page_time(response: Response) -> datetime:
    """When the server rendered the page: its ``Date`` header, else our clock.

    DataLife Engine and its kind write ``Сегодня, 17:13`` from the server's clock at the moment
    they render, and ``Date`` is that clock. For a live page it is the fetch time; for a page
    replayed from Scrapy's HTTP cache it is the original fetch, not today, which is what makes
    re-parsing cached pages give the same times.
    """
    header = response.headers.get(b"Date")
    if header:
        try:
            moment = parsedate_to_datetime(header.decode("latin-1"))
        except (TypeError, ValueError, IndexError):
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment.astimezone(UTC)
    return datetime.now(UTC)


def _item_day(item: Selector, site: Site, fetched_at: datetime) -> date | None:
    """The site-local day a listing item is dated, if it shows a date."""
    for css in site.listing.item_date:
        for match in item.css(css):
            stamp = find_timestamp(match, now=fetched_at, tz=site.timezone)
            if stamp is not None:
                return stamp.value.date()
    return None


def _hrefs(response: TextResponse, alternatives: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    for css in alternatives:
        found.extend(response.urljoin(href) for href in response.css(css).getall())
    return found


def _links(response: TextResponse, block: Selector, wanted: Callable[[str], bool]) -> list[str]:
    """Canonical URLs of the wanted links in a block, once each, in page order."""
    seen: dict[str, None] = {}
    for href in block.css("a::attr(href)").getall():
        url = canonical_url(response.urljoin(href))
        if wanted(url):
            seen.setdefault(url, None)
    return list(seen)
