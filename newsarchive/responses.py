"""What a response tells about itself beyond its body: when the server rendered it.

Shared by the spiders (a page's fetch time) and the retry middleware (a ``Retry-After`` date
read against the server's clock), so that neither imports the other.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache

from scrapy.http import Response

__all__ = ["page_time"]


def page_time(response: Response) -> datetime:
    """When the server rendered the page: its ``Date`` header, else our clock.

    DataLife Engine and its kind write ``Сегодня, 17:13`` from the server's clock at the moment
    they render, and ``Date`` is that clock. For a live page it is the fetch time; for a page
    replayed from Scrapy's HTTP cache it is the original fetch, not today, which is what makes
    re-parsing cached pages give the same times.
    """
    header = response.headers.get(b"Date")
    moment = _server_time(header) if header else None
    return moment if moment is not None else datetime.now(UTC)


# A crawl sees the same Date header on every response of a second; parsing it is not free.
@lru_cache(maxsize=16)
def _server_time(header: bytes) -> datetime | None:
    try:
        moment = parsedate_to_datetime(header.decode("latin-1"))
    except (TypeError, ValueError, IndexError):
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None
