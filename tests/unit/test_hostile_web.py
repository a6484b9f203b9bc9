"""The parsers a hostile site aims at, without the site: a sitemap that is a billion-laughs bomb,
and pages whose declared encoding lies about their bytes.
"""

from __future__ import annotations

import time

import pytest
from scrapy.http import HtmlResponse

from newsarchive.parsers.feeds import read_sitemap
from newsarchive.responses import readable
from tests.support.hostile_site import bomb_sitemap


def test_sitemap_parser_on_a_billion_laughs() -> None:
    good = "http://127.0.0.1:9/society/1001-post.html"
    started = time.perf_counter()
    result = read_sitemap(bomb_sitemap("http://127.0.0.1:9", good))
    assert time.perf_counter() - started < 1.0  # expanded, it would take minutes and gigabytes
    # What libxml2 leaves of a bomb it refused to expand is not the document: nothing is read.
    assert result == ("", [])


PAGE = "<html><head>{meta}</head><body><p>Курс валют на сегодня, новости Ташкента</p></body></html>"


@pytest.mark.parametrize(
    ("meta", "header", "encoding"),
    [
        ('<meta charset="rot13">', None, "cp1251"),  # a codec, but no text encoding
        ('<meta charset="base64">', None, "utf-8"),
        ("", "text/html; charset=utf-8", "cp1251"),  # windows-1251 bytes labelled UTF-8
        ('<meta charset="utf-8">', None, "utf-8"),
    ],
)
def test_a_page_is_read_in_the_encoding_its_bytes_are_in(
    meta: str, header: str | None, encoding: str
) -> None:
    body = PAGE.format(meta=meta).encode(encoding)
    headers = {"Content-Type": header} if header else {}
    response = HtmlResponse("http://127.0.0.1/a.html", body=body, headers=headers)
    page = readable(response)
    assert page.css("p::text").get() == "Курс валют на сегодня, новости Ташкента"


def test_a_utf8_page_with_one_bad_byte_is_left_as_it_is() -> None:
    body = PAGE.format(meta='<meta charset="utf-8">').encode().replace(b"\xd0\xba", b"\xff", 1)
    response = HtmlResponse("http://127.0.0.1/a.html", body=body)
    assert readable(response) is response
