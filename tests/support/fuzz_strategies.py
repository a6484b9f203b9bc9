"""Fuzzing the parsers: hostile inputs, and what every output must still be.

Shared by tests/fuzz/test_fuzz.py (a budget CI can afford) and scripts/fuzz.py (a long run). A
property feeds one parser one family of input: random Unicode (NUL, lone surrogates, line
separators), random tag soup, fixture pages mutated byte by byte or tag by tag, pages nested
5,000-20,000 levels deep (lxml keeps 2,047 levels for parsel and 255 for the generic
extractor's own parser; tests/unit/test_fuzz.py builds a 20,000-deep tree in code), pages with a
1 MB attribute, pages in a random encoding (declared or not, rightly or not). Every call must:

* raise nothing; ``parse_rates`` and ``extract_article`` end in a last-resort guard that logs a
  warning instead of raising, so a warning from either counts as an exception;
* return within ``CALL_LIMIT`` seconds of CPU (a SIGPROF guard turns a hang into a failure);
* return what the parser documents (aware timestamps never past ``now`` + ``SKEW_TOLERANCE``,
  nor before 1990; ISO currency codes, finite positive rates; text collapsed the way the body
  rule says);
* give records, built the way the pipeline builds them, that pass the schema both as the dict
  the validation pipeline checks and as the JSON line the writer puts in the archive.
"""

from __future__ import annotations

import gc
import json
import logging
import re
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as use_seed
from hypothesis import strategies as st
from parsel import Selector
from w3lib.encoding import html_to_unicode

from newsarchive import extract_article, parse_article, parse_rates, parse_timestamp
from newsarchive.parsers import generic as generic_module
from newsarchive.parsers import rates as rates_module
from newsarchive.parsers.article import ArticlePage
from newsarchive.parsers.generic import GenericArticle
from newsarchive.parsers.page import read_rates
from newsarchive.parsers.rates import RateBlock
from newsarchive.parsers.rates.limits import _MAX_PERCENT, _MAX_RATE
from newsarchive.parsers.rates.vocabulary import _ISO_CODES
from newsarchive.parsers.timestamps import SKEW_TOLERANCE, Timestamp
from newsarchive.records import ArticleItem, article_record, dumps, rate_items, rate_record
from newsarchive.schema import problem
from newsarchive.sites import load_site

__all__ = [
    "CALL_LIMIT",
    "PROPERTIES",
    "SITE",
    "Outcome",
    "Property",
    "bounded",
    "check_article_record",
    "check_rate_records",
    "site_item",
]

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
SITE = load_site("everyday")
ARTICLE_URL = "https://everyday.uz/economy/14210-post.html"

# Seconds one parser call may take on any input here; the slowest take well under one.
CALL_LIMIT = 2.0
ONE_MB = 1_000_000

# ---------------------------------------------------------------------------------------------
# Running one call under guard


class _Overrun(BaseException):
    """Raised by SIGPROF in a call past its limit. Not an Exception, so that no parser's
    catch-all swallows it."""


def _overrun(_signum: int, _frame: FrameType | None) -> None:
    raise _Overrun


class _Caught(logging.Handler):
    """Collects the warnings of the parsers' last-resort guards."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_GUARDED = (logging.getLogger(generic_module.__name__), logging.getLogger(rates_module.__name__))


def bounded(call: Callable[[], T]) -> T:
    """``call()``, failing if it raises, takes ``CALL_LIMIT`` seconds of CPU or more, or makes a
    parser's guard log the exception it caught.

    CPU time, not wall-clock time, so that other processes on a busy machine cannot fail it;
    with the garbage collector paused, so that a collection of the whole heap (Hypothesis's
    examples included) is not counted against the parser.
    """
    caught = _Caught()
    for logger in _GUARDED:
        logger.addHandler(caught)
    previous = signal.signal(signal.SIGPROF, _overrun)
    collecting = gc.isenabled()
    gc.disable()
    start = time.process_time()
    try:
        try:
            # Again every 0.1 s after that, should the first land where it cannot raise.
            signal.setitimer(signal.ITIMER_PROF, CALL_LIMIT, 0.1)
            result = call()
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
    except _Overrun:
        raise AssertionError(f"still running after {CALL_LIMIT} s") from None
    finally:
        if collecting:
            gc.enable()
        signal.signal(signal.SIGPROF, previous)
        for logger in _GUARDED:
            logger.removeHandler(caught)
    elapsed = time.process_time() - start
    assert elapsed < CALL_LIMIT, f"took {elapsed:.2f} s"
    if caught.records:
        info = caught.records[0].exc_info
        raise AssertionError(f"a parser guard caught: {caught.records[0].getMessage()}") from (
            info[1] if info else None
        )
    return result


# ---------------------------------------------------------------------------------------------
# What every output must be


def check_line(text: str | None) -> None:
    """A one-line field: None, or non-empty text with white space collapsed."""
    assert text is None or (text and text == " ".join(text.split())), repr(text)


def check_body(body: str | None) -> None:
    """The body rule: paragraphs split by a blank line, each of non-empty collapsed lines."""
    if body is None:
        return
    for paragraph in body.split("\n\n"):
        for line in paragraph.split("\n"):
            assert line, repr(body)
            assert line == " ".join(line.split()), repr(body)


def check_stamp(found: Timestamp | None, now: datetime) -> None:
    """A timestamp as parse_timestamp documents it."""
    if found is None:
        return
    assert isinstance(found, Timestamp)
    value = found.value
    assert type(value.tzinfo) is timezone, value.tzinfo  # a fixed offset
    assert value <= now + SKEW_TOLERANCE, (value, now)
    assert value.year >= 1990, value
    assert found.precision in ("second", "minute", "hour", "day")
    if found.precision == "day":
        assert (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
    assert found.raw.strip(), repr(found.raw)


def check_block(block: RateBlock | None) -> None:
    """A rate block as parse_rates documents it."""
    if block is None:
        return
    assert isinstance(block, RateBlock)
    currencies = [rate.currency for rate in block.rates]
    assert currencies, block
    assert len(set(currencies)) == len(currencies), currencies
    for rate in block.rates:
        assert re.fullmatch("[A-Z]{3}", rate.currency), rate
        assert rate.currency in _ISO_CODES, rate
        assert isinstance(rate.rate, Decimal), rate
        assert rate.rate.is_finite(), rate
        assert 0 < rate.rate < _MAX_RATE, rate
        if rate.change is not None:
            assert rate.change.is_finite(), rate
            assert abs(rate.change) < rate.rate, rate
        if rate.change_percent is not None:
            assert abs(rate.change_percent) < _MAX_PERCENT, rate
    assert block.as_of is None or 1990 <= block.as_of.year <= 2100, block.as_of
    check_line(block.source)


def _no_constant(name: str) -> None:
    raise AssertionError(f"{name} is not JSON")


def check_written(record: dict[str, Any]) -> None:
    """Valid for the validation pipeline, and still valid read back from the archive line."""
    reason = problem(record)
    assert reason is None, (reason, record)
    line = dumps(record)
    assert not any(mark in line for mark in "\n\r\u2028\u2029"), line  # one line per record
    data = line.encode("utf-8")  # as the writer encodes it: strict
    reread = json.loads(data, parse_constant=_no_constant)
    reason = problem(reread)
    assert reason is None, (reason, line)


def check_article_record(item: ArticleItem) -> None:
    """The record the builder pipeline makes; one without title or body is dropped there."""
    record = article_record(item)
    if record["title"] and record["body"]:
        check_written(record)


def check_rate_records(block: RateBlock | None, now: datetime) -> None:
    """The rows the spiders make of a block, one per rate."""
    if block is None:
        return
    page = SITE.start_urls[0]
    for item in rate_items(
        block, site=SITE.name, url=page, timezone=SITE.timezone, observed_at=now
    ):
        check_written(rate_record(item))


# ---------------------------------------------------------------------------------------------
# The inputs

ZONES: list[str | tzinfo] = [
    "Asia/Tashkent", "Europe/Moscow", "UTC", "America/Sao_Paulo", "Australia/Lord_Howe",
    "Asia/Kathmandu", "Pacific/Chatham", "Europe/London", timezone(timedelta(hours=-11)),
]  # fmt: skip
# When a page was fetched: any aware moment from 1995 to 2100, in any zone.
NOWS = st.datetimes(
    min_value=datetime(1995, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, ZoneInfo("Asia/Tashkent"), ZoneInfo("America/New_York")]),
)
# Characters that break naive text handling, mixed into random Unicode.
NASTY = st.one_of(
    st.characters(exclude_categories=()),  # surrogates included
    st.sampled_from(
        ["\x00", "\ud800", "\udfff", "\ud83d", "\ufeff", "\u2028", "\u2029", "\x85", "\r", "\t",
         "\u00a0", "\u200b", "\u0301", "\u202e", "\ufffd", "&", "<", ">", "\"", "'", "\\",
         "٢", "０", "：", "\U0001f4b5"]
    ),
)  # fmt: skip
NASTY_TEXT = st.text(NASTY, max_size=300)
TIMESTAMP_BITS = st.sampled_from(
    ["Сегодня", "Вчера", "позавчера", "завтра", ", ", " ", "17:13", "23:59:60", "25:61", "00:00",
     "11 декабря 2025", "29 февраля", "31.11.2025", "11.12.25", "2025/12/11", "11-12-2025",
     "2025-12-11T17:13:00+05:00", "2025-12-11 17:13", "0001-01-01T00:00:00+14:00",
     "9999-12-31T23:59:59-23:59", "Thu, 11 Dec 2025 17:13:00 +0500", "11 Dec 2025 17:13 gmt",
     "5 минут назад", "99999999 дней назад", "2 часа 5 минут назад", "только что", "год назад",
     "МСК", "мск+2", "UTC+5", "GMT-14:30", "+99:99", "(по московскому времени)", "г.", "года в",
     "&nbsp;", "&#8203;", "&#1234567;", "&amp;", "•", "|", "Обновлено:", "Дата публикации:",
     "٢٠٢٥-١٢-١١", "２０２５年", "１７：１３", "\x00", "\ud83d", "\u2028", "1e5", "-1", "1990",
     "1989", "2100"]
)  # fmt: skip
TIMESTAMP_TEXT = st.lists(
    st.one_of(
        TIMESTAMP_BITS, NASTY_TEXT.map(lambda text: text[:8]), st.integers(0, 10**9).map(str)
    ),
    max_size=12,
).map("".join)
CODECS = [
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1251", "koi8-r",
    "koi8-u", "cp866", "iso8859-5", "mac-cyrillic", "cp1252", "latin-1", "gb18030", "shift_jis",
    "euc-kr", "big5", "utf-7", "cp437", "iso2022_jp",
]  # fmt: skip
# Declared charsets: the codecs, and names that are no text encoding at all.
DECLARED = [*CODECS, "rot13", "base64", "hex", "zip", "x-user-defined", "bogus", "", "utf-8\x00"]
BOMS = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x2b\x2f\x76\x38"]


@st.composite
def mojibake(draw: st.DrawFn) -> str:
    """Timestamp text encoded in one codec and decoded in another, as a wrong guess would."""
    text = draw(TIMESTAMP_TEXT)
    data = text.encode(draw(st.sampled_from(CODECS)), "replace")
    codec = draw(st.sampled_from(CODECS))
    try:  # surrogateescape keeps undecodable bytes as lone surrogates, where it can
        return data.decode(codec, draw(st.sampled_from(["surrogateescape", "replace"])))
    except UnicodeDecodeError:  # bytes below 128 it cannot escape (UTF-16, UTF-7)
        return data.decode(codec, "replace")


TAGS = [
    "div", "p", "b", "span", "a", "h1", "h2", "h3", "li", "ul", "ol", "table", "tr", "td", "br",
    "script", "style", "time", "article", "main", "meta", "img", "i", "strong", "figure",
    "figcaption", "noscript", "template", "svg", "iframe", "form", "blockquote", "pre", "header",
]  # fmt: skip
CLASSES = [
    "fullstory", "maincont", "baseinfo", "speedbar", "share", "related-news", "kurs",
    "currency-widget", "valuta-block", "date", "time", "up", "down", "red", "lead", "comments",
    "sprite-icon-usd", "icon-eur", "meta", "author", "navigation", "story", "shortstory",
]  # fmt: skip
ATTRIBUTES = st.one_of(
    st.sampled_from(CLASSES).map(lambda name: f' class="{name}"'),
    st.sampled_from(
        [' id="dle-content"', ' id="kurs"', ' itemprop="datePublished"', ' lang="ru"',
         ' lang="рус"', ' lang="x-klingon"', ' lang=""', ' datetime="2025-12-11T17:13:00+05:00"',
         ' datetime="Вчера, 23:59"', ' content="Сегодня, 17:13"', ' property="og:title"',
         ' property="og:type" content="article"', ' property="article:published_time"',
         ' name="description"', ' href="/health/15820-post.html"', ' href="javascript:x"',
         ' src="/img/down.png"', ' alt="USD"', ' style="color: red"', ' data-date="11.12.2025"',
         ' type="application/ld+json"', ' rel="canonical" href="//x"', ' charset="koi8-r"']
    ),
    NASTY_TEXT.map(lambda text: f' title="{text[:20]}"'),
)  # fmt: skip
SNIPPETS = st.sampled_from(
    ["Сегодня, 17:13", "Вчера, 23:59", "11 декабря 2025", "Курс валют", "Курсы валют ЦБ РУз",
     "USD 12 020.90 +17.72", "EUR: 13 988,72 −0,5%", "RUB 155.49 (1.19)", "$ 499", "₽", "▲", "▼",
     "Обновлено (ЦБ) 11.12.2025", "Автор: admin", "Читайте также:", "Комментарии (3)",
     "Текст новости, с запятыми, достаточно длинный, чтобы быть абзацем статьи.",
     "&nbsp;", "&#xD800;", "&#0;", "&#x110000;", "&amp;", "<!--", "-->", "<![CDATA[", "]]>",
     "<?xml version='1.0' encoding='utf-16'?>", "<!DOCTYPE html>", "</html>", "<html>", "<body>",
     "USD 0." + "0" * 400 + "1", "EUR 13 988.72 +" + "9" * 400 + "%",
     "USD 12 020.90 +0." + "0" * 400 + "1%", "JPY 10 771.40", "1 000 000 000 000"]
)  # fmt: skip


@st.composite
def json_ld(draw: st.DrawFn) -> str:
    """A JSON-LD block with hostile strings; escaped (``\\ud83d``) or raw."""
    text = NASTY_TEXT.map(lambda value: value[:120])
    data = {
        "@type": draw(
            st.sampled_from(["NewsArticle", "WebPage", ["Article", 5], None, "x/Report"])
        ),
        "headline": draw(text),
        "articleBody": draw(st.one_of(text, SNIPPETS)),
        "datePublished": draw(st.one_of(TIMESTAMP_TEXT, st.lists(TIMESTAMP_BITS, max_size=2))),
        "author": draw(st.one_of(text, st.fixed_dictionaries({"name": text}))),
        "inLanguage": draw(st.sampled_from(["ru", "рус", "uz-Latn", "", "x" * 4])),
        "mainEntityOfPage": {"@id": draw(st.sampled_from(["https://x.uz/1", "#", "javascript:"]))},
    }
    block = json.dumps(data, ensure_ascii=draw(st.booleans()))
    if draw(st.booleans()):
        block = block[: draw(st.integers(0, len(block)))]  # cut short
    return f'<script type="application/ld+json">{block}</script>'


@st.composite
def random_tag(draw: st.DrawFn) -> str:
    tag = draw(st.sampled_from(TAGS))
    kind = draw(st.sampled_from(["open", "close", "empty"]))
    if kind == "close":
        return f"</{tag}>"
    attributes = "".join(draw(st.lists(ATTRIBUTES, max_size=3)))
    return f"<{tag}{attributes}{' /' if kind == 'empty' else ''}>"


PIECES = st.one_of(random_tag(), SNIPPETS, NASTY_TEXT.map(lambda text: text[:30]), json_ld())
SOUP = st.lists(PIECES, max_size=60).map("".join)


@cache
def _fixture_pages(group: str) -> tuple[bytes, ...]:
    folder = {"demo": "demo-site/pages", "rates": "rates", "corpus": "corpus"}[group]
    paths = sorted((FIXTURES / folder).rglob("*.html"))
    return tuple(path.read_bytes() for path in paths if path.stat().st_size)


def fixture_pages(*groups: str) -> st.SearchStrategy[bytes]:
    """A fixture page, as bytes, from the first group or from all of them."""
    pages = [page for group in groups for page in _fixture_pages(group)]
    return st.one_of(st.sampled_from(_fixture_pages(groups[0])), st.sampled_from(pages))


def decoded(data: bytes) -> str:
    """Bytes decoded as Scrapy decodes a response body (as UTF-8 where Scrapy cannot: a page
    declaring a codec that is no text encoding, ``charset="rot13"``, makes it raise)."""
    try:
        return html_to_unicode(None, data)[1]
    except LookupError:
        return data.decode("utf-8", "replace")


_TOKENS = re.compile(rb"(<[^<>]*>)")


@st.composite
def mutated(draw: st.DrawFn, pages: st.SearchStrategy[bytes]) -> bytes:
    """A fixture page with slices deleted, duplicated or swapped, bytes or tags inserted, and
    perhaps cut short: byte by byte, or tag by tag."""
    page = draw(pages)
    if draw(st.booleans()):
        parts = [page[i : i + 1] for i in range(len(page))]  # bytes
    else:
        parts = [part for part in _TOKENS.split(page) if part]  # tags and the text between
    for _ in range(draw(st.integers(1, 8))):
        if not parts:
            break
        size = len(parts)
        start = draw(st.integers(0, size - 1))
        end = min(size, start + draw(st.integers(1, 400)))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "truncate"]))
        if action == "delete":
            del parts[start:end]
        elif action == "duplicate":
            parts[end:end] = parts[start:end]
        elif action == "swap":
            other = draw(st.integers(0, size - 1))
            parts[start], parts[other] = parts[other], parts[start]
        elif action == "insert":
            bit = draw(st.one_of(PIECES.map(lambda text: text.encode("utf-8", "surrogatepass")),
                                 st.binary(max_size=40)))  # fmt: skip
            parts.insert(start, bit)
        else:
            del parts[start:]
    return b"".join(parts)


def _positions(page: str, pattern: str) -> list[int]:
    return [match.end() for match in re.finditer(pattern, page)] or [0]


@st.composite
def deep(draw: st.DrawFn, pages: st.SearchStrategy[bytes]) -> str:
    """A fixture page with 5,000-20,000 nested elements put in at a tag boundary."""
    page = decoded(draw(pages))
    opener = draw(
        st.sampled_from(
            ["<div>", "<b>", "<div><b>", "<span>", "<p>", "<li>", "<table><tr><td>",
             '<a href="/x">', "<font>", '<div class="maincont">', "<i><u>", "<blockquote>",
             '<div class="kurs">', "<ul><li>", "<h1>", "<article>", "<p><b>"]
        )
    )  # fmt: skip
    depth = draw(st.integers(5_000, 20_000))
    inner = draw(PIECES)
    closer = "".join(f"</{tag}>" for tag in reversed(re.findall(r"<(\w+)", opener)))
    nest = opener * depth + inner + (closer * depth if draw(st.booleans()) else "")
    at = draw(st.sampled_from(_positions(page, r">")))
    return page[:at] + nest + page[at:]


@st.composite
def huge_attribute(draw: st.DrawFn, pages: st.SearchStrategy[bytes]) -> str:
    """A fixture page with a 1 MB attribute value on one of its elements."""
    page = decoded(draw(pages))
    if not re.search(r"<[a-zA-Z]", page):  # plain text: give it an element
        page = f"<div>{page}</div>"
    name = draw(st.sampled_from(["class", "id", "content", "href", "datetime", "style", "alt",
                                 "src", "lang", "type", "itemprop", "data-x"]))  # fmt: skip
    chunk = draw(
        st.one_of(
            st.text(NASTY, min_size=1, max_size=12),
            st.sampled_from(["kurs ", "usd up ", "fullstory maincont ", "Сегодня, 17:13 ", "ж"]),
        )
    )
    value = (chunk * (ONE_MB // len(chunk) + 1))[:ONE_MB]
    quote = draw(st.sampled_from(['"', "'", ""]))
    at = draw(st.sampled_from(_positions(page, r"<[a-zA-Z][\w-]*")))
    return f"{page[:at]} {name}={quote}{value}{quote}{page[at:]}"


_META_CHARSET = re.compile(r"<meta[^>]*charset[^>]*>", re.IGNORECASE)


@st.composite
def encoded(draw: st.DrawFn, pages: st.SearchStrategy[bytes]) -> bytes:
    """A fixture page in a random encoding, declaring one (perhaps another, perhaps none)."""
    page = decoded(draw(pages))
    declared = draw(st.sampled_from([None, *DECLARED]))
    page = _META_CHARSET.sub("", page)
    if declared is not None:
        meta = f'<meta charset="{declared}">'
        at = draw(st.sampled_from([0, *_positions(page, r"<head[^>]*>")]))
        page = page[:at] + meta + page[at:]
    data = page.encode(draw(st.sampled_from(CODECS)), "replace")
    return draw(st.sampled_from(BOMS)) + data


def documents(pages: st.SearchStrategy[bytes]) -> dict[str, st.SearchStrategy[str | bytes]]:
    """Each family of hostile input, by name."""
    return {
        "unicode": st.one_of(NASTY_TEXT, st.binary(max_size=3000)),
        "soup": SOUP,
        "mutated": mutated(pages),
        "deep": deep(pages),
        "huge-attribute": huge_attribute(pages),
        "encoded": encoded(pages),
    }


# ---------------------------------------------------------------------------------------------
# The parsers, as the pipeline calls them


def page_text(document: str | bytes) -> str:
    """A document as the text of a Scrapy response: bytes decoded as Scrapy does; text that a
    decoder cannot produce (lone surrogates) replaced, as it would have been."""
    text = decoded(document) if isinstance(document, bytes) else document
    return text.encode("utf-8", "replace").decode("utf-8")


def _timestamps(args: tuple[str, datetime, str | tzinfo]) -> None:
    text, now, tz = args
    found = bounded(lambda: parse_timestamp(text, now=now, tz=tz))
    check_stamp(found, now)
    if found is None:
        return
    assert found.raw == text
    if text == page_text(text):  # text a page can hold: build the record it would be part of
        page = ArticlePage("Заголовок", None, "Текст.", None, None, found)
        check_article_record(site_item(page, now))


def site_item(page: ArticlePage, now: datetime) -> ArticleItem:
    """The item the everyday spider makes of an article page at ``ARTICLE_URL``."""
    return ArticleItem(SITE.name, ARTICLE_URL, SITE.article_id(ARTICLE_URL), page, now, SITE.lang)


def _rates(args: tuple[str | bytes, str, datetime]) -> None:
    document, form, now = args
    if form == "selector":  # what the spiders pass when the site file names no widget
        selector = Selector(text=page_text(document))
        block = bounded(lambda: read_rates(selector, ()))
    elif form == "widget":  # what they pass when it does
        selector = Selector(text=page_text(document))
        block = bounded(lambda: read_rates(selector, SITE.rate_widget))
    else:
        block = bounded(lambda: parse_rates(document))
    check_block(block)
    check_rate_records(block, now)


def _generic(args: tuple[str | bytes, str, datetime, str | tzinfo]) -> None:
    document, form, now, tz = args
    source: Any = Selector(text=page_text(document)) if form == "selector" else document
    url = "https://news.example/2025/12/11/story"
    found = bounded(lambda: extract_article(source, url, now=now, tz=tz))
    assert isinstance(found, GenericArticle)
    for text in (found.title, found.lead, found.section, *found.authors, *found.tags):
        check_line(text)
    check_body(found.body)
    check_stamp(found.published, now)
    check_stamp(found.modified, now)
    assert found.lang is None or re.fullmatch("[a-z]{2,3}", found.lang), found.lang
    assert found.canonical_url is not None
    assert found.canonical_url.startswith(("http://", "https://")), found.canonical_url
    if found.is_article:
        assert found.body is not None, found
        assert len(found.body) >= 50, found
    # As the generic spider makes an article of it.
    page = ArticlePage(
        found.title,
        found.lead,
        found.body,
        found.section,
        ", ".join(found.authors) or None,
        found.published,
    )
    check_article_record(ArticleItem("fuzz", url, None, page, now, found.lang or "ru"))


def _site_file(args: tuple[str | bytes, str, datetime]) -> None:
    document, form, now = args
    source: Any = Selector(text=page_text(document)) if form == "selector" else page_text(document)
    if form == "raw" and isinstance(document, str):
        source = document  # str as the caller has it, lone surrogates and all
    page = bounded(lambda: parse_article(source, SITE.article, now=now, tz=SITE.timezone))
    assert isinstance(page, ArticlePage)
    for text in (page.title, page.lead, page.section, page.author):
        check_line(text)
    check_body(page.body)
    check_stamp(page.published, now)
    check_article_record(site_item(page, now))


# ---------------------------------------------------------------------------------------------
# The properties


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a run of a property went: the examples checked, and what the failing one raised."""

    examples: int
    error: Exception | None


@dataclass(frozen=True, slots=True)
class Property:
    """One parser against one family of input."""

    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]
    ci_examples: int  # what tests/fuzz/test_fuzz.py runs
    long_examples: int  # what scripts/fuzz.py runs by default (about 20 s each)

    def run(self, examples: int, *, seed: int | None = None) -> Outcome:
        """Check ``examples`` generated inputs; a failing one is shrunk, and its error (with
        Hypothesis's report of the example in its notes) returned."""
        calls = 0

        def counted(value: Any) -> None:
            nonlocal calls
            calls += 1
            self.check(value)

        test = settings(
            max_examples=examples,
            deadline=None,  # bounded() times the parser call alone, without generation
            database=None,  # the properties share one function: keep no examples between them
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        )(given(self.strategy)(counted))
        if seed is not None:
            test = use_seed(seed)(test)
        try:
            test()
        except Exception as error:
            return Outcome(calls, error)
        return Outcome(calls, None)


def _properties() -> list[Property]:
    found = [
        Property("timestamp/unicode", st.tuples(NASTY_TEXT, NOWS, st.sampled_from(ZONES)),
                 _timestamps, 300, 10_000),
        Property("timestamp/fragments", st.tuples(TIMESTAMP_TEXT, NOWS, st.sampled_from(ZONES)),
                 _timestamps, 300, 8000),
        Property("timestamp/mojibake", st.tuples(mojibake(), NOWS, st.sampled_from(ZONES)),
                 _timestamps, 150, 6000),
    ]  # fmt: skip
    # Each parser with the pages it is made for first, all fixture pages second.
    pools = {
        "rates": fixture_pages("rates", "demo", "corpus"),
        "generic": fixture_pages("corpus", "demo", "rates"),
        "article": fixture_pages("demo", "corpus", "rates"),
    }
    # Examples per family: CI, long run. Deep and huge pages cost the most to build and read.
    budgets = {
        "unicode": (80, 8000),
        "soup": (60, 3000),
        "mutated": (40, 3500),
        "deep": (10, 800),
        "huge-attribute": (10, 800),
        "encoded": (40, 4000),
    }
    for family, inputs in documents(pools["rates"]).items():
        strategy = st.tuples(inputs, st.sampled_from(["as is", "selector", "widget"]), NOWS)
        found.append(Property(f"rates/{family}", strategy, _rates, *budgets[family]))
    for family, inputs in documents(pools["generic"]).items():
        strategy = st.tuples(inputs, st.sampled_from(["as is", "selector"]), NOWS,
                             st.sampled_from(ZONES))  # fmt: skip
        found.append(Property(f"generic/{family}", strategy, _generic, *budgets[family]))
    for family, inputs in documents(pools["article"]).items():
        strategy = st.tuples(inputs, st.sampled_from(["raw", "text", "selector"]), NOWS)
        found.append(Property(f"article/{family}", strategy, _site_file, *budgets[family]))
    return found


PROPERTIES = _properties()
