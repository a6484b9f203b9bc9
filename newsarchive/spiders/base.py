"""What every newsarchive spider shares: its site, limits, archive look-ups, failures, rates.

Spiders only route; this base holds the routing helpers both the site-file spider and the
generic spider need, so each of them reads as the walk it makes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from twisted.python.failure import Failure

from newsarchive import __version__, counters
from newsarchive.archive import KnownArticle, Validators
from newsarchive.conditional import (
    CONDITIONAL,
    VIA,
    NotModified,
    revalidating,
    served_validators,
)
from newsarchive.evidence import Capture
from newsarchive.limits import CrawlLimits
from newsarchive.parsers.article import ArticlePage
from newsarchive.parsers.page import read_rates
from newsarchive.parsers.rates import RateBlock
from newsarchive.records import ArticleItem, RateItem, article_id, rate_items, site_article
from newsarchive.run import ArchiveRun
from newsarchive.sites import Site

__all__ = ["ArchiveSpider"]

# Scrapy drops requests on purpose with IgnoreRequest; these are obeyed, not failures.
_OBEYED = ("Forbidden by robots.txt", "Filtered offsite request")
# The other IgnoreRequests Scrapy raises (by their message), and the kind each is counted as.
_IGNORED = {
    "max redirections reached": "too_many_redirects",
    "during decompression": "too_large_decompressed",
}


class ArchiveSpider(scrapy.Spider):
    """A spider that archives one site; subclasses decide which pages to fetch."""

    site: Site
    limits: CrawlLimits

    def __init__(self, site: Site, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site = site
        self.allowed_domains = list(site.allowed_domains)
        self.listing_pages = 0
        self.article_requests = 0

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.limits = CrawlLimits.from_settings(crawler.settings)
        # Redirects Scrapy drops without calling an errback: counted here, not lost silently.
        crawler.signals.connect(spider.redirect_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(spider.redirect_dropped, signal=signals.request_dropped)
        return spider

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # Name the project and the operator's contact, unless USER_AGENT itself was given.
        if (settings.getpriority("USER_AGENT") or 0) <= SETTINGS_PRIORITIES["project"]:
            contact = settings.get("NEWSARCHIVE_CONTACT_URL")
            agent = f"newsarchive/{__version__} (+{contact})"
            settings.set("USER_AGENT", agent, priority="spider")

    @cached_property
    def run(self) -> ArchiveRun:
        """The crawl's run, whose archive says what is archived already.

        Found on first use: Scrapy builds the spider before the extensions.
        """
        return ArchiveRun.of(self.crawler)

    def failed(self, failure: Failure) -> None:
        """Count and log a request that brought no page, by URL and kind."""
        # Scrapy sets the request on the failure it gives an errback; Twisted's Failure does
        # not declare the attribute.
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(NotModified):
            return  # nothing new there (ConditionalRequestsMiddleware counted it)
        response = getattr(failure.value, "response", None)
        if failure.check(IgnoreRequest) and response is None:
            reason = str(failure.value)
            if reason.startswith(_OBEYED):
                self.crawler.stats.inc_value(counters.SKIPPED_ROBOTS_OR_OFFSITE)
                self.logger.info("%s: not fetched (robots.txt or off-site)", request.url)
                return
            kind = next((k for text, k in _IGNORED.items() if text in reason), "IgnoreRequest")
        elif response is not None:
            kind = f"http_{response.status}"
        else:
            kind = type(failure.value).__name__
        self.count_failure(request, kind)

    def redirect_scheduled(self, request: Request) -> None:
        """A redirect off the site: Scrapy's offsite filter drops it before any errback."""
        if "redirect_urls" not in request.meta or self.allowed(request.url):
            return
        if not (request.dont_filter or request.meta.get("allow_offsite")):  # else followed
            self.count_failure(request, "offsite_redirect")

    def redirect_dropped(self, request: Request) -> None:
        """A redirect back into its own chain: the duplicate filter drops it, no errback."""
        if request.url in request.meta.get("redirect_urls", ()):
            self.count_failure(request, "redirect_loop")

    def count_failure(self, request: Request, kind: str) -> None:
        """Count and log, under the URL the spider asked for, a request that archived nothing."""
        self.crawler.stats.inc_value(counters.ERRORS + kind)
        if request.meta.get("listing"):
            self.crawler.stats.inc_value(counters.LISTING_FAILED)
        self._forget_walk(request)
        chain = request.meta.get("redirect_urls")
        if chain:
            self.logger.warning(
                "%s: not archived (%s; redirected to %s)", chain[0], kind, request.url
            )
        else:
            self.logger.warning("%s: not archived (%s)", request.url, kind)

    def count_page_failure(self, response: Response, kind: str) -> None:
        """``count_failure`` for a page a callback got and could not use."""
        assert response.request is not None, "Scrapy gives a callback's response its request"
        self.count_failure(response.request, kind)

    def article_item(
        self,
        response: TextResponse,
        page: ArticlePage,
        fetched_at: datetime,
        *,
        lang: str | None = None,
    ) -> ArticleItem:
        return site_article(
            self.site, response.url, page, fetched_at, lang=lang, source=_source(response)
        )

    def rate_items(self, response: TextResponse, fetched_at: datetime) -> list[RateItem]:
        """The rows of the page's rate widget: the site's selectors, else the whole page."""
        block = read_rates(response.selector, self.site.rate_widget)
        return self.rate_rows(block, response.url, fetched_at)

    def rate_rows(self, block: RateBlock | None, url: str, fetched_at: datetime) -> list[RateItem]:
        """The rows of a rate widget read on the page at ``url``."""
        if block is None:
            return []
        return rate_items(
            block, site=self.site.name, url=url, timezone=self.site.timezone, observed_at=fetched_at
        )

    def known_all(self, urls: Iterable[str]) -> dict[str, KnownArticle | None]:
        """What the archive holds of the article at each of ``urls`` (any spelling of it), if
        anything: looked up together, as a listing page's links are."""
        keys = {url: article_id(self.site.name, url, self.site.article_id(url)) for url in urls}
        found = self.run.archive.known_articles(keys.values()) if keys else {}
        return {url: found.get(key) for url, key in keys.items()}

    def may_stop_early(self) -> bool:
        # Only when the last run read the listings down to the archived part: after a killed
        # or limited run, older articles may be missing below the newest ones.
        return self.run.archive.listings_were_complete

    def keeps_paginating(
        self, response: Response, *, links: int, archived: int, too_old: int = 0
    ) -> bool:
        """Whether to follow a listing page's pagination, given how many of its ``links`` lead
        to articles the archive holds (``archived``) or that are older than ``--since``.

        Listings are newest first: a page of nothing new means the rest is archived too, once
        the last run walked them all (``may_stop_early``); a page all older than ``--since``
        means the rest is older still.
        """
        if links and too_old == links:
            since = self.limits.since
            self.logger.info(
                "%s: every article is older than %s; not paginating", response.url, since
            )
            return False
        if links and archived + too_old == links and self.may_stop_early():
            self.logger.info("%s: nothing new on this page; not paginating", response.url)
            return False
        return True

    # --- what the store keeps of listing pages, sitemaps and feeds (newsarchive.conditional) ---

    @cached_property
    def revalidating(self) -> bool:
        """Whether this run trusts the validators and sitemap dates the store keeps."""
        return revalidating(self.crawler)

    def remembered(self, url: str) -> Validators | None:
        """What the store keeps of the listing page, sitemap or feed at ``url``, if anything."""
        return self.run.archive.validators(url)

    def remember_page(
        self, response: Response, *, lastmod: str | None = None, validated: bool = True
    ) -> None:
        """Keep what a listing page, sitemap or feed just read was served with, so that the
        next run can ask whether it changed; ``validated=False`` keeps only that it was read
        (and ``lastmod``): the next run fetches it whole.

        Called before the page's links are followed, so that a failure among them forgets it
        (``count_failure``) after, never before.
        """
        kept = served_validators(response, lastmod) if validated else Validators(lastmod=lastmod)
        self.run.archive.remember_validators(response.url, kept)

    def _forget_walk(self, request: Request) -> None:
        """Something found through these pages failed: the next run reads them whole (their
        validators and sitemap dates are dropped), so that it meets the failed link again."""
        urls = [*request.meta.get(VIA, ())]
        if request.meta.get(CONDITIONAL):
            urls.append(request.url)
        for url in dict.fromkeys(urls):
            if self.remembered(url) is not None:
                self.run.archive.remember_validators(url, Validators())

    def due_for_recheck(self, known: KnownArticle, now: datetime) -> bool:
        if self.limits.recheck_days < 0:
            return False
        last = datetime.fromisoformat(known.fetched_at)
        return now - last >= timedelta(days=self.limits.recheck_days)

    def wanted(self, known: KnownArticle | None, now: datetime) -> bool:
        """Whether to fetch an article the archive knows as ``known``: new, or due a re-check."""
        if known is None:
            return True
        if known.run_id == self.run.archive.run_id:
            return False  # archived by this run already, from another link to it
        if self.due_for_recheck(known, now):
            return True
        self.crawler.stats.inc_value(counters.ARTICLES_SKIPPED_ARCHIVED)
        return False

    def allowed(self, url: str) -> bool:
        return self.site.serves(url)

    def count_article_request(self) -> None:
        self.article_requests += 1
        self.crawler.stats.inc_value(counters.ARTICLES_REQUESTED)

    def article_budget_left(self) -> bool:
        limit = self.limits.max_articles
        return not limit or self.article_requests < limit


def _source(response: Response) -> dict[str, Any] | None:
    """Where the page is kept as received (``WarcCaptureMiddleware``), if it is."""
    captured = response.meta.get("warc")
    return captured.source() if isinstance(captured, Capture) else None
