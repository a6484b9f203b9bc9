"""Each defect fuzzing found (tests/fuzz/test_fuzz.py, scripts/fuzz.py), as a regression test:
no exception, no hang, and schema-valid records, whatever the page holds."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import lxml.html
import pytest
from lxml import etree
from parsel import Selector

from newsarchive import extract_article, parse_article, parse_rates, published_from_html
from newsarchive.parsers.article import ArticlePage
from newsarchive.parsers.rates import Rate
from newsarchive.records import ArticleItem
from tests.support.fuzz_strategies import (
    SITE,
    bounded,
    check_article_record,
    check_rate_records,
    site_item,
)
from tests.support.helpers import ROOT

NOW = datetime(2025, 12, 11, 13, 0, tzinfo=UTC)  # 18:00 in Tashkent


def _article(body_html: str, info_html: str = "") -> str:
    return (
        '<div class="fullstory"><h1>Заголовок</h1>'
        f'<div class="baseinfo">{info_html}</div><div class="maincont">{body_html}</div></div>'
    )


def test_body_nested_deeper_than_pythons_stack() -> None:
    """block_text recursed once per level: 2,000 nested <div> (parsel keeps 2,047) raised
    RecursionError, and the everyday spider lost the page."""
    page = _article("<div>" * 2000 + "Текст, <b>глубоко</b>.<br><br>Ещё" + "</div>" * 2000)
    found = bounded(lambda: parse_article(page, SITE.article, now=NOW, tz=SITE.timezone))
    assert (found.title, found.body) == ("Заголовок", "Текст, глубоко.\n\nЕщё")
    check_article_record(site_item(found, NOW))


def test_tree_built_in_code_20000_deep() -> None:
    """Trees built with lxml's API have no depth cap at all: 20,000 inline levels in a <p>."""
    root = lxml.html.fromstring('<div class="fullstory"><h1>Заголовок</h1></div>')
    element = etree.SubElement(etree.SubElement(root, "div", {"class": "maincont"}), "p")
    for _ in range(20_000):
        element = etree.SubElement(element, "b")
    element.text = "Жирный  текст"
    page = Selector(root=root)
    found = bounded(lambda: parse_article(page, SITE.article, now=NOW, tz=SITE.timezone))
    assert found.body == "Жирный текст"


def test_selectors_over_40000_siblings_take_linear_time() -> None:
    """cssselect writes :first-child and :last-of-type as count(preceding-sibling::*) = 0,
    which libxml2 counts in full for every candidate: 40,000 links in the info line took
    24 s for the section selector alone."""
    links = "".join(f"<a>a{i}</a>" for i in range(40_000))
    paragraphs = "<p><strong>Лид новости.</strong></p>" + "<p>x</p>" * 40_000
    page = _article(paragraphs, links)
    found = bounded(lambda: parse_article(page, SITE.article, now=NOW, tz=SITE.timezone))
    assert (found.section, found.author, found.lead) == ("a39999", "a0", "Лид новости.")


def test_2000_nested_empty_matches_are_not_walked_each() -> None:
    """A title selector matching 2,000 nested empty <h1> walked each one's subtree: 7 s."""
    page = '<div class="fullstory">' + "<h1>" * 2000 + '</div><div class="maincont">Текст.</div>'
    found = bounded(lambda: parse_article(page, SITE.article, now=NOW, tz=SITE.timezone))
    assert (found.title, found.published) == (None, None)


def test_2000_nested_articles_are_read_once() -> None:
    """published_from_html read the date lines of every <article>, each nested one again
    inside the one around it: 8.7 s for 2,000 nested with two elements each."""
    page = Selector(
        text="<article><i></i><i></i>" * 2000
        + "</article>" * 2000
        + '<time datetime="2025-12-11T10:00:00+05:00"></time>'
    )
    stamp = bounded(lambda: published_from_html(page, now=NOW))
    assert stamp is not None
    assert stamp.isoformat() == "2025-12-11T10:00:00+05:00"


def test_lone_surrogates_in_text_given_to_parse_article() -> None:
    """parsel cannot encode a lone surrogate (text decoded with surrogateescape): it raised."""
    page = _article("<p>Текст\udfff.</p>").replace("Заголовок", "Заго\ud800ловок")
    found = bounded(lambda: parse_article(page, SITE.article, now=NOW, tz=SITE.timezone))
    assert (found.title, found.body) == ("Заго?ловок", "Текст?.")
    check_article_record(site_item(found, NOW))


LONE_SURROGATES = (
    '<html><head><script type="application/ld+json">{"@type": "NewsArticle",'
    ' "headline": "Курс \\ud83d валют", "datePublished": "2025-12-11T10:00:00+05:00\\udc00",'
    ' "articleBody": "Рост на \\ud83d\\ude00 процент, и это много для одного дня торгов."}'
    "</script></head><body></body></html>"
)


def test_json_ld_with_half_an_emoji_gives_writable_text() -> None:
    """JSON-LD "\\ud83d" decodes to a lone surrogate: the record it went into could not be
    hashed nor written as UTF-8 (UnicodeEncodeError in the pipeline)."""
    found = bounded(lambda: extract_article(LONE_SURROGATES, "https://x.uz/1", now=NOW))
    assert found.title == "Курс ? валют"
    assert found.body == "Рост на 😀 процент, и это много для одного дня торгов."  # a pair stays
    assert found.published is not None
    assert found.published.raw == "2025-12-11T10:00:00+05:00?"
    page = ArticlePage(found.title, None, found.body, None, None, found.published)
    check_article_record(ArticleItem("x", "https://x.uz/1", None, page, NOW, "ru"))
    stamp = bounded(lambda: published_from_html(LONE_SURROGATES, now=NOW))
    assert stamp is not None
    assert (stamp.isoformat(), stamp.raw) == ("2025-12-11T10:00:00+05:00", found.published.raw)


def test_lang_attribute_in_cyrillic_is_no_language_code() -> None:
    """lang="рус" passed the 2-3 letter check and failed the record's ^[a-z]{2,3}$:
    every article of such a site was quarantined."""
    page = (
        '<html lang="рус"><body><article><h1>Снег в Ташкенте</h1><time datetime="2025-12-11">'
        "</time><p>В Ташкенте выпал первый снег, коммунальные службы вышли на улицы.</p>"
        "</article></body></html>"
    )
    found = bounded(lambda: extract_article(page, "https://x.uz/1", now=NOW))
    assert found.lang == "ru"  # from the text, as without a lang attribute


@pytest.mark.parametrize("charset", ["rot13", "base64", "zip"])
def test_charset_that_is_no_text_encoding(charset: str) -> None:
    """A page declaring a codec that is no text encoding made w3lib raise LookupError: the
    generic extractor came back empty (its guard logged the error), published_from_html
    raised."""
    page = (
        f'<html><head><meta charset="{charset}"></head><body><article><h1>Снег в Ташкенте</h1>'
        '<time datetime="2025-12-11T10:00:00+05:00">11 декабря</time><p>Текст.</p></article>'
        "</body></html>"
    ).encode()
    assert bounded(lambda: extract_article(page, "https://x.uz/1", now=NOW)).title == (
        "Снег в Ташкенте"
    )
    stamp = bounded(lambda: published_from_html(page, now=NOW))
    assert stamp is not None
    assert stamp.isoformat() == "2025-12-11T10:00:00+05:00"


def test_control_character_in_the_title_tag() -> None:
    """The <title> text went into an XPath variable, which lxml refuses with a control
    character: the generic extractor came back empty."""
    page = (
        "<html><head><title>Снег \x05 в Ташкенте | Новости</title></head><body>"
        '<div class="x">Снег \x05 в Ташкенте</div><p>Текст.</p></body></html>'
    )
    assert bounded(lambda: extract_article(page, "https://x.uz/1", now=NOW)).title == (
        "Снег \x05 в Ташкенте"
    )


def test_rates_beyond_what_a_json_number_holds() -> None:
    """+999...9% became Infinity in the archive line (not JSON), a rate of 0.000...1 became
    0.0 (invalid: rates are positive)."""
    widget = (
        '<div class="kurs">Курс валют<p>USD 12 020.90 +17.72</p><p>EUR 13 988.72 -1.41</p>'
        f"<p>RUB 155.49 +{'9' * 400}%</p><p>JPY 0.{'0' * 400}1</p></div>"
    )
    block = bounded(lambda: parse_rates(widget))
    assert block is not None
    assert block.rates == (
        Rate("USD", Decimal("12020.90"), Decimal("17.72"), None),
        Rate("EUR", Decimal("13988.72"), Decimal("-1.41"), None),
        Rate("RUB", Decimal("155.49"), None, None),
    )
    check_rate_records(block, NOW)


BIG = "ж" * 1_000_000


@pytest.mark.parametrize("form", ["text", "selector"])
def test_megabyte_attributes_read_once(form: str) -> None:
    """A 1 MB class or date attribute was scanned again at every level each candidate's
    search climbed: 8.7 s for five nested widget blocks without rates."""
    blocks = '<div class="kurs">' * 5 + f'<span class="{BIG}">Курс</span><b data-date="{BIG}">'
    widget = (
        f'<div class="kurs" data-date="{BIG}">Курс валют<p class="{BIG}">'
        "USD 12 020.90 +17.72</p><p>EUR 13 988.72 -1.41</p></div>"
    )
    read = Selector if form == "selector" else str
    assert bounded(lambda: parse_rates(read(blocks))) is None
    block = bounded(lambda: parse_rates(read(widget)))
    assert block is not None
    assert [(rate.currency, str(rate.rate), str(rate.change)) for rate in block.rates] == [
        ("USD", "12020.90", "17.72"),
        ("EUR", "13988.72", "-1.41"),
    ]


def test_2000_nested_widget_classes() -> None:
    """2,000 nested <div class="kurs"> with a few elements each: every candidate's climb read
    its whole subtree, 6 s a page."""
    page = Selector(text='<div class="kurs"><i class="up"></i><b>1</b>' * 2000 + "</div>" * 2000)
    assert bounded(lambda: parse_rates(page)) is None


def test_a_million_blank_lines_of_plain_text() -> None:
    """Each blank line of a plain-text dump was tokenized and assembled like a widget row:
    4 s for a megabyte of record separators (str.splitlines() splits at U+001E too)."""
    text = "\x1e" * 1_000_000 + "Курс валют\nUSD 12 020.90 +17.72\nEUR 13 988.72 -1.41"
    block = bounded(lambda: parse_rates(text))
    assert block is not None
    assert [(rate.currency, str(rate.rate), str(rate.change)) for rate in block.rates] == [
        ("USD", "12020.90", "17.72"),
        ("EUR", "13988.72", "-1.41"),
    ]


def test_records_of_the_demo_pages_are_valid() -> None:
    """The checks themselves pass on honest input, and see real records."""
    path = ROOT / "fixtures/demo-site/pages/economy/14210-post.html"
    page = path.read_text(encoding="utf-8")
    found = bounded(lambda: parse_article(page, SITE.article, now=NOW, tz=SITE.timezone))
    assert (
        found.title == "Узбекистан и Всемирный банк подписали соглашение о поддержке малого бизнеса"
    )
    assert found.body
    assert found.published is not None
    check_article_record(site_item(found, NOW))
    block = bounded(lambda: parse_rates(page))
    assert block is not None
    assert [rate.currency for rate in block.rates] == ["USD", "EUR", "RUB"]
    check_rate_records(block, NOW)
