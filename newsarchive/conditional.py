"""Conditional requests: a re-run asks each listing page, sitemap and feed "changed since?".

The spiders mark the requests worth asking (``request.meta[CONDITIONAL]``): listing pages,
sitemaps and feeds, the pages whose links lead to articles. Once such a page has been read, the
spider keeps the ``ETag`` and ``Last-Modified`` it was served with in the archive's store
(``Validators``, shared by every machine of a PostgreSQL store). On the next run
``ConditionalRequestsMiddleware`` sends them back as ``If-None-Match`` and
``If-Modified-Since``; a ``304 Not Modified`` means nothing is new there: the page is not read
and no link is followed from it. The middleware turns the 304 into ``NotModified`` (an
``IgnoreRequest``: no callback, no error, not a failed listing page), counted as a listing page
walked (``LISTING_PAGES``) and as ``LISTING_NOT_MODIFIED``.

Validators are trusted only after a complete run (``Archive.listings_were_complete``): a run
that was killed or limited may have stored a page's validators and not yet fetched the
articles it listed, so the next one asks nothing and reads every listing page whole. A run that
re-checks archived articles (``NEWSARCHIVE_RECHECK_DAYS`` of 0 or more) asks nothing either:
it finds the articles due a re-check on the listing pages, so it must read them. And when
something found through a page fails (an article, a child sitemap), the spider drops the
validators of the pages it came through (``request.meta[VIA]``), so that the next run reads
them whole and meets the failed link again instead of a 304.

Why not Scrapy's ``HttpCacheMiddleware`` with ``RFC2616Policy``, which revalidates too: the
cache answers a 304 with the response it stored, body and all, and hands that to the spider as
if it were fresh. The archive keeps validators only, not the bodies of listing pages (those are
in the WARC files, which may live on another machine), so there is nothing to answer a 304
with: a stored stub with an empty body would reach the spider as an empty listing page (an
unreadable sitemap, a listing with no link). The policy would also serve a page it deems fresh
(``max-age``, ``Expires``, or a tenth of its age since ``Last-Modified``) without asking the
server at all, which hides new articles from an hourly run; it would cache article pages too;
and it knows nothing of the complete-run rule. What is left of it for us is the two headers it
sets, so this module sets them itself.

A 304 to a request that carried no validator (a server that answers 304 to anything) is not
"nothing new": there is nothing to read, so Scrapy's ``HttpErrorMiddleware`` reports it and
the spider counts it as a failure (``http_304``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import CloseSpider, IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

from newsarchive import counters
from newsarchive.archive import ArchiveWriteError, Validators
from newsarchive.run import ArchiveRun

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = [
    "CONDITIONAL",
    "LASTMOD",
    "VIA",
    "ConditionalRequestsMiddleware",
    "NotModified",
    "found_on",
    "revalidating",
    "served_validators",
]

logger = logging.getLogger(__name__)

# request.meta keys. CONDITIONAL: a listing page, sitemap or feed, worth asking "changed since?".
CONDITIONAL = "conditional"
# The pages the request was found through that a failure must make the next run read whole:
# the first page of its walk the store validates, and the page it was found on.
VIA = "via"
# What the sitemap index said of the child sitemap this request fetches (its <lastmod>).
LASTMOD = "lastmod"
# Set by the middleware on a request it sent validators with (a 304 to it means "unchanged").
_ASKED = "conditional_asked"
_ASKING_HEADERS = (b"If-None-Match", b"If-Modified-Since")



class NotModified(IgnoreRequest):
    """The server answered 304 to a request sent with the page's validators: nothing new."""


def revalidating(crawler: Crawler) -> bool:
    """Whether this run may trust what the store keeps of listing pages: conditional requests
    are on, the last run walked every listing page, and this run re-checks no article."""
    settings = crawler.settings
    return (
        settings.getbool("NEWSARCHIVE_CONDITIONAL_REQUESTS")
        and settings.getfloat("NEWSARCHIVE_RECHECK_DAYS") < 0
        and ArchiveRun.of(crawler).archive.listings_were_complete
    )


def served_validators(response: Response, lastmod: str | None = None) -> Validators:
    """What ``response`` can be asked "changed since?" with, and the index's ``lastmod``."""

    def header(name: bytes) -> str | None:
        value = response.headers.get(name)
        return value.decode("latin-1") if value else None

    return Validators(header(b"ETag"), header(b"Last-Modified"), lastmod)


def found_on(response: Response) -> tuple[str, ...]:
    """``request.meta[VIA]`` for what a page links to: the first validated page of the walk
    that led to it, and the page itself (nothing, for a page never asked conditionally)."""
    if not response.meta.get(CONDITIONAL):
        return ()
    first = (response.meta.get(VIA) or (response.url,))[0]
    return (first, response.url) if first != response.url else (first,)


class ConditionalRequestsMiddleware:
    """Downloader middleware: sends a marked request the validators its page was last served
    with, and turns a 304 to it into ``NotModified``.

    Off with ``NEWSARCHIVE_CONDITIONAL_REQUESTS = False`` (``NotConfigured``): every page is
    then fetched whole, as before. Its place (``settings.DOWNLOADER_MIDDLEWARES``) is below
    ``DownloaderStats`` (850) and the WARC capture (950), so the 304 is counted by status and
    kept in the WARC file before it is turned into an exception, and it runs again for a
    redirected or retried request, which gets the validators of its own URL.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._revalidating: bool | None = None  # asked once, on the first marked request

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSARCHIVE_CONDITIONAL_REQUESTS"):
            raise NotConfigured  # no message: switching it off is a choice, not a warning
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not request.meta.get(CONDITIONAL):
            return
        # A redirected or retried copy carries the headers set for the URL it came from.
        for name in _ASKING_HEADERS:
            request.headers.pop(name, None)
        request.meta[_ASKED] = False
        if not self._trusted():
            return
        try:
            known = ArchiveRun.of(self.crawler).archive.validators(request.url)
        except ArchiveWriteError:
            return  # the store failed: the run is stopping, and says why in one line
        if known is None or not (known.etag or known.last_modified):
            return
        if known.etag:
            request.headers[b"If-None-Match"] = known.etag
        if known.last_modified:
            request.headers[b"If-Modified-Since"] = known.last_modified
        request.meta[_ASKED] = True

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status != 304 or not request.meta.get(_ASKED):
            return response
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(counters.LISTING_NOT_MODIFIED)
        # Walked all the same: the page holds what it held when the last complete run read it.
        stats.inc_value(counters.LISTING_PAGES)
        logger.debug("%s: not modified since the last run (304); nothing new there", request.url)
        raise NotModified(f"{request.url}: not modified")

    def _trusted(self) -> bool:
        if self._revalidating is None:
            try:
                self._revalidating = revalidating(self.crawler)
            except CloseSpider:
                self._revalidating = False  # the archive refused to open; the run is stopping
        return self._revalidating
