"""What a response tells about itself: whether it is a page to read, in which encoding, and
when the server rendered it.

Shared by the spiders, the retry middleware (a ``Retry-After`` date read against the server's
clock) and the reading of stored pages (reparse, import), so that none imports another.
"""

from __future__ import annotations

import codecs
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import TypeGuard

from scrapy.http import Response, TextResponse

from newsarchive.parsers.encoding import detect_encoding

__all__ = ["is_html", "page_time", "readable", "server_time"]


def page_time(response: Response) -> datetime:
    """When the server rendered the page: its ``Date`` header, else when it was captured
    (``request.meta["captured_at"]``, the WARC-Date), else our clock.

    DataLife Engine and its kind write ``Сегодня, 17:13`` from the server's clock at the moment
    they render, and ``Date`` is that clock. For a live page it is the fetch time; for a page
    replayed from Scrapy's HTTP cache it is the original fetch, not today, which is what makes
    re-parsing cached pages give the same times.
    """
    header = response.headers.get(b"Date")
    moment = _server_time(header) if header else None
    if moment is not None:
        return moment
    captured = response.meta.get("captured_at") if response.request is not None else None
    return captured if isinstance(captured, datetime) else datetime.now(UTC)


def server_time(header: bytes | None, captured_at: datetime) -> datetime:
    """``page_time`` of a stored page: its ``Date`` header, else when it was captured.

    A reparse reads the page's time this way from its WARC record, and so resolves
    ``5 минут назад`` against the same instant as the crawl did, however much later it runs.
    """
    moment = _server_time(header) if header else None
    return moment if moment is not None else captured_at


# A crawl sees the same Date header on every response of a second; parsing it is not free.
@lru_cache(maxsize=16)
def _server_time(header: bytes) -> datetime | None:
    try:
        moment = parsedate_to_datetime(header.decode("latin-1"))
    except (TypeError, ValueError, IndexError):
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


def is_html(response: Response) -> TypeGuard[TextResponse]:
    """Whether a response is a page to read: text the server calls HTML, XML or text (or nothing).

    Scrapy takes a PDF served from a ``.html`` URL for text; its Content-Type says otherwise.
    """
    if not isinstance(response, TextResponse):
        return False
    kind = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
    return not kind or kind.startswith(b"text/") or b"html" in kind or b"xml" in kind


def readable(response: TextResponse) -> TextResponse:
    """The page re-read in the encoding its bytes are in when they are not the UTF-8 it claims.

    A windows-1251 site behind a server that adds ``charset=utf-8`` decodes to replacement
    characters; a UTF-8 page with a stray bad byte (more good non-ASCII text than bad) stays.
    """
    try:
        text = response.text
    except LookupError:  # a declared charset that is no text encoding: "rot13", "base64"
        return response.replace(encoding=detect_encoding(response.body))
    if codecs.lookup(response.encoding).name != "utf-8" or "\ufffd" not in text:
        return response
    bad = text.count("\ufffd")
    if bad < sum(1 for char in text if char > "\x7f") - bad:
        return response
    return response.replace(encoding=detect_encoding(response.body))
