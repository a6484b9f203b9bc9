"""A stored page read again (evidence.pages): the crawl's reading, without the network."""

from __future__ import annotations

from datetime import UTC, datetime

from newsarchive.evidence.pages import StoredResponse, read_stored_page
from newsarchive.sites import generic_site, load_site

SITE = load_site("everyday")
CAPTURED = datetime(2025, 12, 11, 13, 0, 0, tzinfo=UTC)  # 18:00 in Tashkent
SOURCE = {"warc": "warc/r-0001.warc.gz", "offset": 600, "length": 2000, "record_id": "<urn:x>"}
ARTICLE = (
    '<html><head><meta charset="{charset}"><title>T</title></head><body>'
    '<div id="dle-content"><div class="fullstory"><h1>Курс сума укрепился</h1>'
    '<div class="baseinfo">{stamp} | <a href="/economy/">Экономика</a></div>'
    '<div class="maincont"><p><strong>Лид статьи.</strong></p><p>Текст статьи.</p></div>'
    "</div></div></body></html>"
)


def stored(
    body: bytes,
    *,
    url: str = "https://everyday.uz/economy/16911-kurs.html",
    headers: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> StoredResponse:
    return StoredResponse(
        url=url,
        status=status,
        headers=headers if headers is not None else [("Content-Type", "text/html")],
        body=body,
        captured_at=CAPTURED,
        source=SOURCE,
    )


def page(stamp: str, charset: str = "utf-8") -> bytes:
    return ARTICLE.format(stamp=stamp, charset=charset).encode(charset)


def test_a_relative_stamp_is_read_against_the_capture_time_without_a_date_header() -> None:
    reading = read_stored_page(SITE, stored(page("5 минут назад")))
    assert reading.article is not None
    published = reading.article.page.published
    assert published is not None
    assert published.value.isoformat() == "2025-12-11T17:55:00+05:00"
    assert reading.article.fetched_at == CAPTURED
    assert reading.article.source == SOURCE
    assert reading.article.parser_version == SITE.parser_version


def test_the_servers_date_header_wins_over_the_capture_time() -> None:
    headers = [("Content-Type", "text/html"), ("Date", "Thu, 11 Dec 2025 10:00:00 GMT")]
    reading = read_stored_page(SITE, stored(page("Сегодня, 09:30"), headers=headers))
    assert reading.article is not None
    published = reading.article.page.published
    assert published is not None
    assert published.value.isoformat() == "2025-12-11T09:30:00+05:00"
    assert reading.article.fetched_at == datetime(2025, 12, 11, 10, 0, tzinfo=UTC)


def test_the_encoding_is_found_as_the_crawl_finds_it() -> None:
    body = page("Вчера, 23:50", charset="windows-1251")
    reading = read_stored_page(SITE, stored(body, headers=[("Content-Type", "text/html")]))
    assert reading.article is not None
    assert (reading.article.page.title, reading.article.page.section) == (
        "Курс сума укрепился",
        "Экономика",
    )


def test_pages_that_give_no_article() -> None:
    assert read_stored_page(SITE, stored(b"nope", status=404)).skipped == "http_404"
    pdf = stored(b"%PDF-1.4", headers=[("Content-Type", "application/pdf")])
    assert read_stored_page(SITE, pdf).skipped == "not_html"
    widget = '<div class="kurs">Курс валют USD: 12 020.90 +17.72</div>'.encode()
    listing = stored(widget, url=SITE.start_urls[0])
    reading = read_stored_page(SITE, listing)
    assert (reading.article, reading.skipped) == (None, None)
    assert [row.currency for row in reading.rates] == ["USD"]


def test_a_site_known_by_its_address_reads_pages_by_what_they_hold() -> None:
    site = generic_site("https://everyday.uz/", timezone="Asia/Tashkent")
    listing = read_stored_page(site, stored(b"<html><body><a href='/a'>a</a></body></html>"))
    assert (listing.article, listing.rates, listing.skipped) == (None, [], None)
