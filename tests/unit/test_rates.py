"""Rate widget parser: recorded widget shapes replayed from fixtures/rates, and robustness.

Each ``fixtures/rates/<case>.html`` is fed to the parser as raw bytes (so the encoding sniffing
is exercised too) and the result must equal ``<case>.json`` exactly: decimals are written as
strings so "12020.90" keeps its digits, and ``null`` means "no widget here". Some cases are
plain text (the seed dump), which the parser must accept in an ``.html`` file like any page.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parsel import Selector

from newsarchive.parsers import rates
from newsarchive.parsers.rates import Rate, RateBlock, parse_rates

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rates"
CASES = sorted(FIXTURES.glob("*.html"))


def as_json(block: RateBlock | None) -> dict[str, Any] | None:
    """The fixture JSON form of a result: ISO date, decimals as their exact strings."""
    if block is None:
        return None
    return {
        "as_of": block.as_of.isoformat() if block.as_of else None,
        "source": block.source,
        "rates": [
            {key: value if value is None or key == "currency" else str(value)
             for key, value in rate.to_dict().items()}
            for rate in block.rates
        ],
    }


@pytest.mark.parametrize("page", CASES, ids=[case.stem for case in CASES])
def test_fixture(page: Path) -> None:
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    data = page.read_bytes()
    assert as_json(parse_rates(data)) == expected
    # The same page as text, as a Scrapy/parsel selector and as an lxml tree reads the same.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1251")  # the legacy page; its bytes went through <meta charset>
    assert as_json(parse_rates(text)) == expected
    if re.search(r"<[a-z]", text):
        assert as_json(parse_rates(Selector(text=text))) == expected
        if text.strip():
            assert as_json(parse_rates(lxml.html.document_fromstring(text))) == expected


def test_fixture_counts() -> None:
    """The brief's floor: at least 12 widget shapes and 6 pages without a widget."""
    results = [json.loads(case.with_suffix(".json").read_text()) for case in CASES]
    assert sum(result is not None for result in results) >= 12
    assert sum(result is None for result in results) >= 6


def test_widget_element_alone() -> None:
    """A site's own selector may hand over just the widget: it is read inside, never around."""
    page = lxml.html.document_fromstring(
        "<div><h3>Курсы валют ЦБ на 11.12.2025</h3><div class='rates-body'>"
        "<p>USD 12 020.90 +17.72</p><p>EUR 13 988.72 +1.41</p></div></div>"
    )
    (body,) = page.xpath("//div[@class='rates-body']")
    block = parse_rates(body)
    assert block is not None
    assert [rate.currency for rate in block.rates] == ["USD", "EUR"]
    assert (block.as_of, block.source) == (None, None)  # the heading is outside what we got
    assert parse_rates(page) == RateBlock(date(2025, 12, 11), "ЦБ", block.rates)


def test_model_is_immutable_and_serialisable() -> None:
    block = parse_rates((FIXTURES / "everyday-widget.html").read_text())
    assert block == RateBlock(
        date(2025, 12, 11),
        "ЦБ",
        (
            Rate("USD", Decimal("12020.90"), Decimal("17.72"), None),
            Rate("EUR", Decimal("13988.72"), Decimal("1.41"), None),
            Rate("RUB", Decimal("155.49"), Decimal("-1.19"), None),
        ),
    )
    assert hash(block)  # frozen all the way down
    with pytest.raises(AttributeError):
        block.source = "x"  # type: ignore[misc]
    assert block.to_dict()["as_of"] == "2025-12-11"
    assert block.to_dict()["rates"][2] == {
        "currency": "RUB", "rate": Decimal("155.49"), "change": Decimal("-1.19"),
        "change_percent": None,
    }


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("USD 12 020,90 (1,19)", ("12020.90", "-1.19", None)),  # accounting negative
        ("USD 12 020.90 ▼ 1.19", ("12020.90", "-1.19", None)),
        ("USD 12 020.90 1.19 ↑", ("12020.90", "1.19", None)),
        ("USD 12 020.90 −1.19 (0.1%)", ("12020.90", "-1.19", "-0.1")),  # "(…%)" groups
        ("USD 12 020.90 1.19", ("12020.90", None, None)),  # direction unknown: dropped
        ("USD 12 020.90 12 100.00", ("12020.90", None, None)),  # a second price, not a change
        ("USD 1,234.56 +0", ("1234.56", "0", None)),
    ],
)
def test_change_signs(line: str, expected: tuple[str, str | None, str | None]) -> None:
    block = parse_rates(f"Курс валют\n{line}")
    assert block is not None
    (rate,) = block.rates
    got = (rate.rate, rate.change, rate.change_percent)
    assert tuple(None if value is None else str(value) for value in got) == expected


@pytest.mark.parametrize(
    "markup",
    [
        "",
        b"",
        b"\xff\xfe\x00",
        "<!-- только комментарий -->",
        "<?xml version='1.0' encoding='windows-1251'?><p>USD 1</p>",
        b'<meta charset="rot13"><p>\xcf\xf0\xe8</p>',
        b'<meta charset="base64"><p>x</p>',
        "<div class='kurs'>" * 5000 + "USD 12 020.90 EUR 13 988.72" + "</div>" * 5000,
        "<p>" + "USD 12 020.90 " * 50_000 + "</p>",
        "USD\x00 12 020.90\ud800",
        None,
        42,
        ["USD 12 020.90"],
    ],
    ids=lambda value: repr(value)[:30],
)
def test_odd_input_never_raises(markup: object) -> None:
    block = rates._parse(markup)  # the core, without parse_rates' last-resort guard
    assert block is None or valid(block)


def test_deep_tree_built_in_code() -> None:
    """Trees built with lxml's API are not capped at the HTML parser's 255 levels."""
    root = element = lxml.html.Element("div", {"class": "kurs"})
    for _ in range(20_000):
        element = lxml.etree.SubElement(element, "div")
    element.text = "USD 12 020.90 EUR 13 988.72"
    block = rates._parse(root)
    assert block is None or valid(block)


# ---------------------------------------------------------------------------------------------
# Properties


def valid(block: RateBlock) -> bool:
    currencies = [rate.currency for rate in block.rates]
    return bool(block.rates) and len(set(currencies)) == len(currencies) and all(
        re.fullmatch(r"[A-Z]{3}", rate.currency) and rate.rate > 0 for rate in block.rates
    )


PAGES = [case.read_bytes() for case in CASES if case.stat().st_size]
WIDGET_BITS = st.sampled_from(
    ["USD", "EUR:", "RUB", "Доллар США", "евро", "рубль", "$", "€", "₽", "₸", "12 020.90",
     "13\u00a0988,72", "155.49", "+17.72", "-1.19", "−0,5%", "(1.19)", "▲", "▼", "↓", "0",
     "99999999999", "Курс валют", "Курсы валют ЦБ РУз на 12.12.2025", "Обновлено (ЦБ)",
     "11.12.2025", "32.13.2025", "11 декабря 2025", "сум", "&nbsp;", "&#8722;", "<", "&", "%"]
)
TEXT = st.one_of(WIDGET_BITS, st.text(max_size=12))
TAGS = st.sampled_from(
    ["div", "span", "p", "li", "ul", "table", "tr", "td", "b", "i", "br", "h3", "img", "a",
     "script", "font", "strong"]
)
CLASSES = st.sampled_from(
    ["", "kurs", "currency-widget", "valuta", "znachenie", "rates", "exchange", "up", "down",
     "red", "green", "diff minus", "sprite-icon-usd", "icon-eur", "rub"]
)
ATTRIBUTES = st.sampled_from(
    ["", ' data-date="21.03.2018 00:48:17"', ' style="color: red"', ' src="/img/down.png"',
     ' alt="USD"', ' datetime="2025-12-11"', ' data-update="99.99.9999"']
)


@st.composite
def markup(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(TAGS)
    parts = [f'<{tag} class="{draw(CLASSES)}"{draw(ATTRIBUTES)}>']
    for _ in range(draw(st.integers(0, 4 if depth < 3 else 0))):
        parts.append(draw(st.one_of(TEXT, markup(depth + 1))))
    if draw(st.booleans()):  # sometimes leave it unclosed, as real pages do
        parts.append(f"</{tag}>")
    return " ".join(parts)


@st.composite
def mutated_page(draw: st.DrawFn) -> bytes:
    page = draw(st.sampled_from(PAGES))
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(page)))
        end = draw(st.integers(start, min(len(page), start + 400)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "delete":
            page = page[:start] + page[end:]
        elif action == "insert":
            page = page[:start] + draw(st.binary(max_size=40)) + page[start:]
        else:
            page = page[:end] + page[start:end] + page[end:]
    return page


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.text())
def test_random_text(text: str) -> None:
    block = rates._parse(text)
    assert block is None or valid(block)


@FAST
@given(st.lists(st.one_of(WIDGET_BITS, st.sampled_from(["\n", " ", ": "])), max_size=40))
def test_random_widget_words(words: list[str]) -> None:
    block = rates._parse("".join(words))
    assert block is None or valid(block)


@FAST
@given(markup())
def test_random_markup(page: str) -> None:
    for form in (page, page.encode("utf-8", "surrogatepass"), page.encode("cp1251", "replace")):
        block = rates._parse(form)
        assert block is None or valid(block)


@FAST
@given(mutated_page(), st.booleans())
def test_mutated_fixture_pages(page: bytes, as_text: bool) -> None:
    block = rates._parse(page.decode("utf-8", "replace") if as_text else page)
    assert block is None or valid(block)


@FAST
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    block = rates._parse(data)
    assert block is None or valid(block)
