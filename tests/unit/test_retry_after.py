"""Retry-After as the middleware reads it: seconds or an HTTP date, against the server's Date."""

from __future__ import annotations

import pytest
from scrapy.http import Response

from newsarchive.middlewares import retry_after


def _response(retry_after: str | None, date: str | None = None) -> Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    if date is not None:
        headers["Date"] = date
    return Response("http://127.0.0.1/", status=503, headers=headers)


@pytest.mark.parametrize(
    ("header", "date", "seconds"),
    [
        ("120", None, 120.0),
        (" 5 ", None, 5.0),
        ("0", None, 0.0),
        # An HTTP date is read against the server's Date: 90 s, whatever this machine's clock.
        ("Wed, 21 Oct 2015 07:29:30 GMT", "Wed, 21 Oct 2015 07:28:00 GMT", 90.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:29:30 GMT", 0.0),  # past
        ("soon", None, None),  # unreadable: retried as without Retry-After
        ("-5", None, None),
        (None, None, None),
    ],
)
def test_retry_after_header(header: str | None, date: str | None, seconds: float | None) -> None:
    assert retry_after(_response(header, date)) == seconds
