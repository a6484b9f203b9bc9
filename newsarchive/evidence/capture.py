"""The downloader middleware that keeps every response a crawl receives in the run's WARC file.

It sits next to the downloader (``settings.DOWNLOADER_MIDDLEWARES``, above Scrapy's own at 900),
so it sees each request with every header the other middlewares set, and each response before
``HttpCompressionMiddleware`` undoes its content coding: the WARC holds the body the server
sent. Robots.txt, sitemaps, feeds, listing and article pages, error pages and each retry are
kept alike; a page answered from Scrapy's HTTP cache is not (it was kept when it was fetched).

The capture's place (file, offset, length, record id) goes into ``request.meta["warc"]``, where
the spider finds it for the article record's ``source``; the capture time goes into
``request.meta["captured_at"]``, the fetch time of a page whose server sends no ``Date``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.http import Request, Response

from newsarchive import counters
from newsarchive.archive import ArchiveWriteError
from newsarchive.evidence.warcfiles import Exchange, readable_encodings
from newsarchive.run import ArchiveRun

__all__ = ["WarcCaptureMiddleware"]


class WarcCaptureMiddleware:
    """Writes each response (and its request) to the run's WARC file, as received.

    Off with ``NEWSARCHIVE_WARC = False`` (``newsarchive crawl --no-warc``).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run = ArchiveRun.of(crawler)
        self.accept_encoding = readable_encodings().encode()
        self._archives: bool | None = None  # see _archiving

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSARCHIVE_WARC"):
            raise NotConfigured  # no message: --no-warc is a choice, not a warning
        return cls(crawler)

    def _archiving(self) -> bool:
        """Whether the crawl's spider archives a site: asked once, not on every response."""
        if self._archives is None:
            self._archives = self.run.archiving
        return self._archives

    def process_request(self, request: Request) -> None:
        # Only codings a replay tool can read: Scrapy would also offer zstd.
        if b"Accept-Encoding" in request.headers:
            request.headers[b"Accept-Encoding"] = self.accept_encoding

    def process_response(self, request: Request, response: Response) -> Response:
        if "cached" in response.flags or not self._archiving():
            return response
        try:
            archive = self.run.archive
        except CloseSpider:
            return response  # the archive refused to open; the run is stopping
        if archive.warc is None:
            return response
        fetched_at = datetime.now(UTC)
        try:
            captured = archive.capture(
                Exchange(
                    url=response.url,
                    method=request.method,
                    request_headers=_request_headers(request),
                    request_body=request.body,
                    status=response.status,
                    protocol=response.protocol or "HTTP/1.1",
                    response_headers=_header_list(response.headers.items()),
                    body=response.body,
                    fetched_at=fetched_at,
                    truncated="dataloss" in response.flags,
                )
            )
        except ArchiveWriteError:
            # The archive stopped the crawl and says why in one line; the page is not kept,
            # and nothing read from it can be written either.
            return response
        request.meta["warc"] = captured
        request.meta["captured_at"] = fetched_at
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(counters.WARC_RECORDS + captured.record_type)
        stats.set_value(counters.WARC_BYTES, archive.warc.bytes_written)
        return response


def _request_headers(request: Request) -> list[tuple[str, str]]:
    headers = _header_list(request.headers.items())
    if not any(name.lower() == "host" for name, _ in headers):
        # Scrapy's HTTP/1.1 client adds Host from the URL when it sends the request.
        netloc = request.url.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1]
        headers.insert(0, ("Host", netloc))
    return headers


def _header_list(items: Iterable[tuple[bytes, Iterable[bytes]]]) -> list[tuple[str, str]]:
    """Scrapy's headers (bytes names, lists of bytes values) as (name, value) text pairs."""
    pairs: list[tuple[str, str]] = []
    for name, values in items:
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs
