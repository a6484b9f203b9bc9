"""Currency rate widgets ("Курс валют": USD, EUR, RUB against the sum) read from a page.

``parse_rates`` takes a whole page, a fragment, an lxml element, a parsel ``Selector`` or a
plain-text dump, finds the widget in it and returns one ``RateBlock``, or None when there is
none. It never raises. It prefers saying nothing to saying something wrong: a rate counts only
when a currency (ISO code, Russian name, symbol or icon class) is followed by a plausible
unsigned number in a line that holds nothing but widget vocabulary, so article prose such as
"курс доллара снизился на 6,71 сумов" is never read as a rate. A block needs a widget heading,
date or source label, or two currencies of which one is named (not only "$"). See docs/rates.md.

A change is kept in ``change`` (absolute, in the quote currency) or ``change_percent`` (a
number shown with ``%``), never converted into the other. Its sign comes from, in order: the
sign written on it, up/down classes on its element, arrows (▲▼↑↓, arrow icons) in the row, the
sign of the row's other change, accounting parentheses ``(1.19)`` = negative. A change whose
direction cannot be told is dropped (None) rather than guessed, except zero.

>>> block = parse_rates("Курс валют\\nUSD: 12 020.90 +17.72\\nRUB: 155.49 −1.19\\n"
...                     "Обновлено (ЦБ) 11.12.2025")
>>> block.as_of, block.source, [(r.currency, str(r.rate), str(r.change)) for r in block.rates]
(datetime.date(2025, 12, 11), 'ЦБ', [('USD', '12020.90', '17.72'), ('RUB', '155.49', '-1.19')])
>>> parse_rates("Курс доллара снизился на 6,71 сумов и составил 9448,53 сумов") is None
True
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import lxml.html
from lxml import etree

if TYPE_CHECKING:
    from parsel import Selector

__all__ = ["Rate", "RateBlock", "parse_rates"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Rate:
    """One currency's row: units of the quote currency (sum, for Uzbek sites) per one unit."""

    currency: str  # ISO 4217 code
    rate: Decimal
    change: Decimal | None  # absolute change in the quote currency, signed
    change_percent: Decimal | None  # change shown as a percentage: -0.287 for "-0.287%"

    def to_dict(self) -> dict[str, Any]:
        """Field names to values; Decimals are kept for the record writer to serialise.

        >>> Rate("RUB", Decimal("155.49"), Decimal("-1.19"), None).to_dict()  # doctest: +ELLIPSIS
        {'currency': 'RUB', 'rate': Decimal('155.49'), 'change': Decimal('-1.19'), ...: None}
        """
        return {
            "currency": self.currency,
            "rate": self.rate,
            "change": self.change,
            "change_percent": self.change_percent,
        }


@dataclass(frozen=True, slots=True)
class RateBlock:
    """A widget: the date and source label it shows (if any) and its rates in page order."""

    as_of: date | None
    source: str | None  # as shown: "ЦБ", "ЦБ РУз"
    rates: tuple[Rate, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready apart from the Decimals: ``as_of`` becomes an ISO date string."""
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "source": self.source,
            "rates": [rate.to_dict() for rate in self.rates],
        }


def parse_rates(markup: str | bytes | etree._Element | Selector) -> RateBlock | None:
    """The rate widget in ``markup`` (a page, a fragment or plain text), or None.

    Given an element or selector, the widget is looked for inside it, never around it.

    >>> html = ('<div class="kurs"><p>USD <b>12 020,90</b> <span class="down">0,5</span></p>'
    ...         '<p>EUR <b>13 988,72</b></p></div>')
    >>> [(r.currency, r.rate, r.change) for r in parse_rates(html).rates]
    [('USD', Decimal('12020.90'), Decimal('-0.5')), ('EUR', Decimal('13988.72'), None)]
    """
    try:
        return _parse(markup)
    except Exception:
        # The core is tested never to raise; this guard keeps one odd page from failing a crawl,
        # and the log line keeps the bug visible.
        _log.warning("rate widget parser failed", exc_info=True)
        return None


# ---------------------------------------------------------------------------------------------
# Vocabulary


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ISO_CODES = _words(
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP "
    "BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP "
    "GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR "
    "KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK "
    "MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR "
    "SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH "
    "UGX USD UYU UZS VES VND VUV WST XAF XCD XDR XOF XPF YER ZAR ZMW ZWL"
)
# Lowercased names (ё read as е), longest match wins: "белорусский рубль" before "рубль".
_NAMES: dict[tuple[str, ...], str] = {
    tuple(name.split()): code
    for code, names in {
        "USD": ("доллар сша", "доллар", "долл", "американский доллар"),
        "EUR": ("евро",),
        "RUB": ("российский рубль", "рубль", "руб", "рубль рф"),
        "KZT": ("казахстанский тенге", "тенге", "тг"),
        "GBP": ("фунт стерлингов", "британский фунт", "английский фунт стерлингов", "фунт"),
        "CHF": ("швейцарский франк", "франк"),
        "JPY": ("японская иена", "японская йена", "иена", "йена"),
        "CNY": ("китайский юань", "юань"),
        "KGS": ("киргизский сом", "кыргызский сом"),
        "TJS": ("таджикский сомони", "сомони"),
        "TRY": ("турецкая лира",),
        "BYN": ("белорусский рубль",),
        "UZS": ("узбекский сум", "узбекский сўм"),
        "UAH": ("украинская гривна", "гривна"),
        "KRW": ("южнокорейская вона", "корейская вона"),
        "AED": ("дирхам оаэ",),
        "CAD": ("канадский доллар",),
        "AUD": ("австралийский доллар",),
        "SGD": ("сингапурский доллар",),
        "AZN": ("азербайджанский манат",),
        "TMT": ("туркменский манат",),
        "GEL": ("грузинский лари",),
        "AMD": ("армянский драм",),
        "INR": ("индийская рупия",),
        "XDR": ("сдр",),
    }.items()
    for name in names
}
_FOLD = str.maketrans({"ё": "е", "’": "'", "ʻ": "'", "ʼ": "'", "`": "'"})
_NAME_WORDS = max(len(key) for key in _NAMES)
_SYMBOLS = {"$": "USD", "€": "EUR", "₽": "RUB", "₸": "KZT", "£": "GBP", "₺": "TRY", "₴": "UAH"}
# Words a widget line may hold besides currencies and numbers; any other word makes the line
# prose, and prose is never read as rates. "сум"/"сом" are the quote unit ("12 020 сум").
_FILLER = _words(
    """курс курсы курса валют валюта валюты валютный цб цбру цбу руз рф рк кр нб нбрк нбкр нбт
    нбрб cbu центробанк центробанка нацбанк нацбанка центральный центрального национальный
    национального банк банка республики узбекистан узбекистана казахстан казахстана россии
    обновлено обновлен обновления обновление источник на от по состоянию дата сегодня г года
    сум сума сумов сўм so'm som sum сом сома сомов за ед изм изменение"""
)
_MONTH_NAMES = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
_MONTHS = {month: number for number, month in enumerate(_MONTH_NAMES.split(), start=1)}

# ---------------------------------------------------------------------------------------------
# Patterns (compiled once: this runs on every page of every crawl)

_GROUP = "[\u0020\u00a0\u2007\u2009\u202f]"  # thousands separators: space, NBSP, thin spaces
_GROUP_MARK = re.compile(_GROUP)
_TOKEN = re.compile(
    r"(?P<date>(?<!\d)(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4}|\d{2})(?!\d)(?![.,]\d))"
    r"|(?P<wdate>(?<!\d)(?P<wd>\d{1,2})\s+(?P<wm>" + "|".join(_MONTHS) + r")\s+(?P<wy>\d{4})(?!\d))"
    r"|(?P<time>(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d))"
    r"|(?<![\w.,])(?P<sign>[-+\u2212\u2013])?"
    # "12 020.90", "9448,53", "1,234.56"; "1.2.3" is no number at all (nor are parts of it).
    r"(?P<num>\d{1,3}(?:" + _GROUP + r"\d{3})+(?:[.,]\d+)?|\d{1,3}(?:,\d{3})+\.\d+|\d+(?:[.,]\d+)?)"
    r"(?![.,]?\d)"
    r"(?P<pct>\s?%)?"
    r"|(?P<arrow>[▲△▴⬆↑▼▽▾⬇↓])"
    r"|(?P<sym>[$€₽₸£₺₴])"
    r"|(?P<open>\()|(?P<close>\))"
    r"|(?P<word>[^\W\d_]+(?:['’ʻʼ`][^\W\d_]+)*)",
    re.IGNORECASE,
)
_HEADING = re.compile(r"\bкурс\w{0,2}\s+валют", re.IGNORECASE)
_SOURCE = re.compile(
    r"(?<!\w)(?:ЦБ(?:\s+(?:РУз|РФ|РК|КР|России|Узбекистана|Республики\s+Узбекистан))?"
    r"|ЦБРУ|ЦБУ|НБ\s?РК|НБКР|НБРБ|НБТ|Нацбанк\w*|Центробанк\w*|Центральн\w+ банк\w*|CBU)(?!\w)",
    re.IGNORECASE,
)


def _class_word(words: str) -> re.Pattern[str]:
    """One of ``words`` as a whole word of a class list, style or file name ("fa-caret-down")."""
    return re.compile(r"(?<![a-z])(?:" + "|".join(words.split()) + r")(?![a-z])", re.IGNORECASE)


# Codes trusted in class and image file names (``i.sprite-icon-usd``, ``usd.png``): the region's
# currencies only, since a class part such as "top" or "all" is usually not money.
_ICON_CODE = _class_word("usd eur rub kzt uzs gbp chf jpy cny kgs tjs try byn uah krw")
_UP_CLASS = _class_word("up plus green rise positive increase grow growth success")
_DOWN_CLASS = _class_word("down minus red fall negative decrease drop danger")
_WIDGET_WORDS = ("kurs", "currenc", "valut", "valyut", "rates", "exchange")
_WIDGET_NAME = re.compile("|".join(_WIDGET_WORDS), re.IGNORECASE)
_HEADING_STEM = re.compile("алют|АЛЮТ")
_HAS_TAG = re.compile(r"<[a-zA-Z!/?]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_-]{1,40})""", re.IGNORECASE
)
_ARROWS = {"▲": 1, "△": 1, "▴": 1, "⬆": 1, "↑": 1, "▼": -1, "▽": -1, "▾": -1, "⬇": -1, "↓": -1}
_SIGNS = {"+": 1, "-": -1, "\u2212": -1, "\u2013": -1}

# ---------------------------------------------------------------------------------------------
# Limits

_NOMINALS = frozenset(map(Decimal, (1, 10, 100, 1000)))
_MAX_RATE = Decimal(10_000_000)  # no currency costs more sum than this; bigger is not a rate
_MIN_RATE = Decimal("0.000001")  # nor less: smaller is no rate (and 0.0 as a JSON number)
_MAX_PERCENT = Decimal(1000)  # no rate moves tenfold between updates: not a change
_MAX_SCOPE_CHARS = 4000  # a widget is small: bigger containers are sidebars, not widgets
_MAX_SCOPE_ELEMENTS = 1000  # in elements too: 20,000 nested <div> with a word are no widget
_MAX_TEXT_LINE = 300  # longer plain-text lines are paragraphs
_MAX_CANDIDATES = 24  # bound the work on pages full of matching class names
# Attribute text read per element (class, style, colour, icon file, alt, date): real ones are
# far shorter, and a megabyte attribute would otherwise be scanned again on every level climbed.
_MAX_NAMES = 1000
_MAX_CLIMB = 5  # from a matched element up to the widget's container
_MAX_META_GROWTH = 300  # climbing only for a heading/date may add this much text
_HINT_DEPTH = 3  # a change's up/down class is on its element or a close ancestor

_CLASSES = etree.XPath("descendant-or-self::*/@class", smart_strings=False)
_IDS = etree.XPath("descendant-or-self::*/@id", smart_strings=False)
_WITH_CLASS = etree.XPath("descendant-or-self::*/@class[. = $value]/..")
_WITH_ID = etree.XPath("descendant-or-self::*/@id[. = $value]/..")
_HEADING_TEXTS = etree.XPath(
    "descendant-or-self::text()[contains(., 'алют') or contains(., 'АЛЮТ')]"
)
_DATE_ATTRIBUTES = etree.XPath(
    "descendant-or-self::*/@*[name() = 'datetime' or (starts-with(name(), 'data-')"
    " and (contains(name(), 'date') or contains(name(), 'upd')))]",
    smart_strings=False,
)
_TEXT = etree.XPath("string(.)")
_TEXT_LENGTH = etree.XPath("string-length(.)")
_ELEMENT_COUNT = etree.XPath("count(descendant::*)")

_BLOCK_TAGS = _words(
    """address article aside blockquote br caption dd div dl dt fieldset figcaption figure
    footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody tfoot thead tr
    ul body html"""
)
_SKIP_TAGS = _words(
    "script style noscript template head title select option textarea input button form svg"
)
_STOP_TAGS = frozenset({"body", "html"})

# ---------------------------------------------------------------------------------------------
# Tokens and lines

# A currency by code, name or icon (_CUR) or by symbol (_SYM: "$" also marks prices).
_CUR, _SYM, _NUM, _ARROW, _DATE, _OPEN, _CLOSE, _WORD = range(8)


@dataclass(slots=True)
class _Num:
    value: Decimal  # magnitude as shown
    sign: int  # written sign: 1, -1 or 0
    percent: bool
    hint: int  # direction from classes/style of its element: 1, -1 or 0
    paren: bool = False


@dataclass(slots=True)
class _Line:
    tokens: list[tuple[int, Any]]
    text: str
    dirty: bool  # holds words a widget line never has: prose


@dataclass(slots=True)
class _Draft:
    currency: str
    line: _Line
    rate: _Num | None = None
    changes: list[_Num] = field(default_factory=list)
    arrows: set[int] = field(default_factory=set)
    named: bool = False  # by code, name or icon, not only by a symbol
    nominal: Decimal | None = None  # units the rate is for: "JPY 10 771.40"


@dataclass(slots=True)
class _Found:
    rates: dict[str, Rate]
    as_of: date | None
    source: str | None
    heading: bool
    named: bool = False  # some rate's currency is named, not only a symbol

    def score(self) -> tuple[int, int, int]:
        """Rates, then widget furniture (heading, date, source), then changes known."""
        furniture = self.heading + (self.as_of is not None) + (self.source is not None)
        changes = sum(
            (rate.change is not None) + (rate.change_percent is not None)
            for rate in self.rates.values()
        )
        return len(self.rates), furniture, changes

    def complete(self) -> bool:
        """Dated, with a change for every rate: a bigger container cannot add anything."""
        return self.as_of is not None and all(
            rate.change is not None or rate.change_percent is not None
            for rate in self.rates.values()
        )

    def block(self) -> RateBlock | None:
        """The block, if this is one: rates with widget furniture around them, or at least two
        currencies of which one is named (two "$ 499" / "€ 459" lines are prices)."""
        if not self.rates or not (self.score()[1] or (len(self.rates) > 1 and self.named)):
            return None
        return RateBlock(self.as_of, self.source, tuple(self.rates.values()))


def _tokenize(text: str, hint: int, out: list[tuple[int, Any]]) -> None:
    """Append the tokens of one run of text (a text node, or a plain-text line)."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if match["num"] is not None:
            sign = _SIGNS.get(match["sign"] or "", 0)
            out.append((_NUM, _Num(_decimal(match["num"]), sign, match["pct"] is not None, hint)))
        elif kind == "word":
            out.append((_WORD, match["word"]))
        elif kind in ("date", "wdate"):
            found = _date(match)
            if found is not None:
                out.append((_DATE, found))
        elif kind == "sym":
            out.append((_SYM, _SYMBOLS[match["sym"]]))
        elif kind == "arrow":
            out.append((_ARROW, _ARROWS[match["arrow"]]))
        elif kind == "open":
            out.append((_OPEN, None))
        elif kind == "close":
            out.append((_CLOSE, None))
        # times are skipped: a widget's update time says nothing about the rates


def _decimal(digits: str) -> Decimal:
    """A number as ``_TOKEN`` matched it: '12 020.90', '9448,53' or '1,234.56'.

    >>> [str(_decimal(text)) for text in ("12\u202f020.90", "9448,53", "1,234.56")]
    ['12020.90', '9448.53', '1234.56']
    """
    digits = _GROUP_MARK.sub("", digits)
    if "." in digits:
        digits = digits.replace(",", "")  # "1,234.56": the commas group thousands
    return Decimal(digits.replace(",", "."))


def _date(match: re.Match[str]) -> date | None:
    if match["date"] is not None:
        day, month, year = int(match["d"]), int(match["m"]), int(match["y"])
        if year < 100:
            year += 2000
    else:
        day, month, year = int(match["wd"]), _MONTHS[match["wm"].lower()], int(match["wy"])
    if not 1990 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _finish_line(raw: list[tuple[int, Any]], texts: list[str]) -> _Line:
    """Name currencies, drop filler words, spot prose, mark parenthesised numbers."""
    tokens: list[tuple[int, Any]] = []
    i = 0
    while i < len(raw):
        kind, value = raw[i]
        if kind != _WORD:
            tokens.append(raw[i])
            i += 1
            continue
        words = []
        for j in range(i, min(i + _NAME_WORDS, len(raw))):
            if raw[j][0] != _WORD:
                break
            words.append(raw[j][1].lower().translate(_FOLD))
        for size in range(len(words), 0, -1):
            code = _NAMES.get(tuple(words[:size]))
            if code is not None:
                tokens.append((_CUR, code))
                i += size
                break
        else:
            if value in _ISO_CODES:
                tokens.append((_CUR, value))
            elif words[0] not in _FILLER:
                return _Line([], " ".join(texts), dirty=True)
            i += 1
    for k in range(1, len(tokens) - 1):
        kind, value = tokens[k]
        if kind == _NUM and tokens[k - 1][0] == _OPEN and tokens[k + 1][0] == _CLOSE:
            value.paren = True
    kept = [token for token in tokens if token[0] not in (_OPEN, _CLOSE)]
    return _Line(kept, " ".join(texts), dirty=False)


# ---------------------------------------------------------------------------------------------
# From lines to rates


def _is_rate(num: _Num) -> bool:
    return not (num.sign or num.percent or num.paren) and _MIN_RATE <= num.value < _MAX_RATE


def _rate_follows(tokens: list[tuple[int, Any]], start: int) -> bool:
    """Whether the next number after ``start`` is a rate (so a currency before it starts a row)
    rather than nothing or a change (so the currency is the quote unit: "470,50 ₸ ▲ 1,2")."""
    for kind, value in tokens[start:]:
        if kind == _NUM:
            return _is_rate(value) and not value.hint
        if kind in (_CUR, _SYM, _ARROW):
            return False
    return False


def _assemble(lines: Iterable[_Line]) -> _Found:
    found = _Found({}, None, None, heading=False)
    draft: _Draft | None = None
    for line in lines:
        if line.dirty:
            _close(draft, found)
            draft = None
            continue
        tokens = line.tokens
        _read_furniture(line, found)
        for i, (kind, value) in enumerate(tokens):
            if kind in (_CUR, _SYM):
                if draft is None or (draft.rate is None and draft.line is not line):
                    draft = _Draft(value, line)
                elif draft.rate is not None and (
                    draft.line is not line
                    or (value != draft.currency and _rate_follows(tokens, i + 1))
                ):
                    _close(draft, found)
                    draft = _Draft(value, line)
                # else: a second name of the same row ("Доллар США USD") or the quote unit
                if kind == _CUR and draft.currency == value:
                    draft.named = True
            elif draft is None:
                continue
            elif kind == _NUM:
                if draft.rate is not None and _is_nominal(draft, value, line):
                    draft.nominal, draft.rate = draft.rate.value, value
                elif draft.rate is not None:
                    draft.changes.append(value)
                elif _is_rate(value):
                    draft.rate, draft.line = value, line
                    if value.hint:
                        draft.arrows.add(value.hint)
                else:
                    draft = None  # "USD +17.72": no rate where one must be
            elif kind == _ARROW:
                draft.arrows.add(value)
    _close(draft, found)
    return found


def _is_nominal(draft: _Draft, num: _Num, line: _Line) -> bool:
    """Whether the draft's rate was a nominal column ("USD 1 12 020.90", "JPY 10 771.40"):
    a power of ten written without decimals, followed in its row by the real rate."""
    assert draft.rate is not None
    return (
        draft.nominal is None
        and not draft.changes
        and draft.line is line
        and draft.rate.value in _NOMINALS
        and draft.rate.value.as_tuple().exponent == 0
        and _is_rate(num)
        and not num.hint
    )


def _read_furniture(line: _Line, found: _Found) -> None:
    """Heading, source label and date: the first of each in the widget's clean lines."""
    found.heading = found.heading or _HEADING.search(line.text) is not None
    if found.source is None and (match := _SOURCE.search(line.text)):
        found.source = " ".join(match[0].split())
    if found.as_of is None:
        found.as_of = next((value for kind, value in line.tokens if kind == _DATE), None)


def _close(draft: _Draft | None, found: _Found) -> None:
    if draft is None or draft.rate is None:
        return
    found.named = found.named or draft.named
    rates = found.rates
    rate = _rate(draft)
    seen = rates.get(rate.currency)
    if seen is None:
        rates[rate.currency] = rate
    elif seen.rate == rate.rate:
        # Sites print the widget twice (mobile and desktop), one copy sometimes without changes.
        rates[rate.currency] = Rate(
            seen.currency,
            seen.rate,
            seen.change if seen.change is not None else rate.change,
            seen.change_percent if seen.change_percent is not None else rate.change_percent,
        )
    # else: another row of a currency already read (a second table): the first one stands


def _rate(draft: _Draft) -> Rate:
    assert draft.rate is not None
    arrow = next(iter(draft.arrows)) if len(draft.arrows) == 1 else 0
    absolute = next((num for num in draft.changes if not num.percent), None)
    percent = next((num for num in draft.changes if num.percent), None)
    abs_sign = (absolute.sign or absolute.hint or arrow) if absolute else 0
    pct_sign = (percent.sign or percent.hint or arrow) if percent else 0
    rate, change = draft.rate.value, _signed(absolute, abs_sign or pct_sign)
    if change is not None and abs(change) >= rate:
        change = None  # a second price ("sell" column), not a change
    if draft.nominal is not None:  # per one unit; a power of ten divides exactly
        shift = 1 - len(str(draft.nominal))
        rate, change = rate.scaleb(shift), None if change is None else change.scaleb(shift)
    change_percent = _signed(percent, pct_sign or abs_sign)
    if change_percent is not None and abs(change_percent) >= _MAX_PERCENT:
        change_percent = None  # "+999...9%" (infinite as a JSON number) is no change
    return Rate(draft.currency, rate, change, change_percent)


def _signed(num: _Num | None, sign: int) -> Decimal | None:
    if num is None:
        return None
    if not num.value:
        return num.value
    if not sign and num.paren:
        sign = -1  # accounting style; "+17.72 (0.15%)" took the sign of its partner above
    if not sign:
        return None
    return num.value if sign > 0 else -num.value


# ---------------------------------------------------------------------------------------------
# Plain text


def _from_text(text: str) -> RateBlock | None:
    best: RateBlock | None = None
    best_score = (0, 0, 0)
    for segment in _segments(text):
        found = _assemble(segment)
        block = found.block()
        if block is not None and found.score() > best_score:
            best, best_score = block, found.score()
    return best


def _segments(text: str) -> Iterator[list[_Line]]:
    """Runs of widget-like lines; a prose line ends a run."""
    run: list[_Line] = []
    for raw_line in text.splitlines():
        if not raw_line or raw_line.isspace():
            continue  # reads as nothing, and ends no run: a million of them cost seconds
        line = _text_line(raw_line)
        if line.dirty:
            if run:
                yield run
            run = []
        else:
            run.append(line)
    if run:
        yield run


def _text_line(text: str) -> _Line:
    if len(text) > _MAX_TEXT_LINE:
        return _Line([], "", dirty=True)
    raw: list[tuple[int, Any]] = []
    _tokenize(text, 0, raw)
    return _finish_line(raw, [text])


# ---------------------------------------------------------------------------------------------
# Markup


def _from_tree(root: etree._Element) -> RateBlock | None:
    """Look where a widget is likely, cheapest and most telling place first: elements named
    like one, then a "Курс валют" heading, then currency icons; the first that holds a block
    wins. A small fragment with none of these is read whole."""
    classes: list[str] = _CLASSES(root)
    taken: list[etree._Element] = []
    for locate in (_by_name, _by_heading, _by_icon):
        best: _Found | None = None
        for candidate in locate(root, classes)[:_MAX_CANDIDATES]:
            if any(_inside(candidate, scope) for scope in taken):
                continue
            scope, found = _climb(candidate, root)
            if scope is not None and found.block() is not None:
                taken.append(scope)
                if best is None or found.score() > best.score():
                    best = found
        if best is not None:
            return best.block()
    if _text_length(root) <= _MAX_SCOPE_CHARS:
        return _assemble(_lines(root)).block()
    return None


# The locators filter attribute values in Python and fetch elements by exact value: a libxml2
# XPath predicate per keyword costs about ten times more on a full page.


def _by_name(root: etree._Element, classes: list[str]) -> list[etree._Element]:
    """Elements whose class or id names a widget: "currency-widget", "kurs", "valuta", ..."""
    return _having(root, _WITH_CLASS, _widget_names(classes)) + _having(
        root, _WITH_ID, _widget_names(_IDS(root))
    )


def _widget_names(values: list[str]) -> list[str]:
    """The values that contain a widget word, found with ``str.find`` over all of them at once:
    a regex per value costs more than the rest of the locator on a page with 150 classes."""
    text = "\0".join(values)  # NUL cannot occur in an attribute
    if not text.isascii():  # lowercasing keeps positions only for ASCII
        return [value for value in values if _WIDGET_NAME.search(value)]
    lowered = text.lower()
    found: dict[int, str] = {}
    for word in _WIDGET_WORDS:
        at = lowered.find(word)
        while at >= 0:
            start = lowered.rfind("\0", 0, at) + 1
            end = lowered.find("\0", at)
            end = len(lowered) if end < 0 else end
            found[start] = text[start:end]
            at = lowered.find(word, end)
    return [found[start] for start in sorted(found)]


def _by_heading(root: etree._Element, classes: list[str]) -> list[etree._Element]:
    """Elements holding a "Курс(ы) валют" heading."""
    if not _HEADING_STEM.search(_TEXT(root)):
        return []
    found: list[etree._Element] = []
    for text in _HEADING_TEXTS(root):
        owner = text.getparent()
        if text.is_tail and owner is not None:
            owner = owner.getparent()
        if owner is not None and _HEADING.search(text):
            found.append(owner)
    return found


def _by_icon(root: etree._Element, classes: list[str]) -> list[etree._Element]:
    """Currency icons: ``i.sprite-icon-usd``."""
    return _having(root, _WITH_CLASS, [value for value in classes if _ICON_CODE.search(value)])


def _having(root: etree._Element, query: etree.XPath, values: list[str]) -> list[etree._Element]:
    """The elements whose attribute (``query`` says which) is one of ``values``."""
    found: list[etree._Element] = []
    for value in dict.fromkeys(values):
        if len(found) >= _MAX_CANDIDATES:
            break
        try:
            found += query(root, value=value)
        except ValueError:
            continue  # control characters: lxml refuses such a variable, and it names no widget
    return found


def _inside(element: etree._Element, scope: etree._Element) -> bool:
    return element is scope or any(ancestor is scope for ancestor in element.iterancestors())


def _climb(start: etree._Element, root: etree._Element) -> tuple[etree._Element | None, _Found]:
    """From a located element up to the container that holds the widget's rates (and its
    heading, date or changes, when that costs little extra text), never above ``root``."""
    best_scope: etree._Element | None = None
    best = _Found({}, None, None, heading=False)
    best_size = 0
    node: etree._Element | None = start
    for _ in range(_MAX_CLIMB):
        if node is None or _tag(node) in _STOP_TAGS:
            break
        size = _text_length(node)
        if size > _MAX_SCOPE_CHARS or _ELEMENT_COUNT(node) > _MAX_SCOPE_ELEMENTS:
            break
        found = _assemble(_lines(node))
        (rates, *details), (best_rates, *best_details) = found.score(), best.score()
        if rates > best_rates or (
            rates == best_rates
            and details > best_details
            and (best_scope is None or size - best_size <= _MAX_META_GROWTH)
        ):
            best_scope, best, best_size = node, found, size
            if found.complete():
                break  # nothing left to find higher up
        elif best_rates:
            break
        node = None if node is root else node.getparent()
    return best_scope, best


def _text_length(element: etree._Element) -> int:
    length = _TEXT_LENGTH(element)
    return int(length) if isinstance(length, float) else 0


def _tag(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # comment or processing instruction
    return tag.rpartition("}")[2] if "}" in tag else tag


def _lines(scope: etree._Element) -> list[_Line]:
    """The scope's text as lines (block elements break lines), each a list of tokens.

    Iterative, not recursive: markup may nest deeper than Python's stack. Each stack entry
    carries the up/down its parent's classes give to numbers (and how many levels up that
    class sits), so no number has to look up its ancestors.
    """
    lines: list[_Line] = []
    raw: list[tuple[int, Any]] = []
    texts: list[str] = []

    def flush() -> None:
        if raw or texts:
            lines.append(_finish_line(raw.copy(), texts.copy()))
            raw.clear()
            texts.clear()

    def add(text: str | None, hint: int) -> None:
        if text and not text.isspace():
            texts.append(text.strip())
            _tokenize(text, hint, raw)

    # (element, closing, inherited direction, levels it was inherited over)
    stack: list[tuple[etree._Element, bool, int, int]] = [(scope, False, 0, 0)]
    while stack:
        element, closing, hint, age = stack.pop()
        tag = _tag(element)
        if closing:
            if tag in _BLOCK_TAGS:
                flush()
        elif tag and tag not in _SKIP_TAGS:
            if tag in _BLOCK_TAGS:
                flush()
            own = _element_tokens(element, tag, raw) if element is not scope else 0
            if own:
                inner, inner_age = own, 0
            elif hint and age + 1 < _HINT_DEPTH:
                inner, inner_age = hint, age + 1
            else:
                inner, inner_age = 0, 0
            add(element.text, inner)
            stack.append((element, True, hint, age))
            stack.extend((child, False, inner, inner_age) for child in reversed(element))
            continue
        if element is not scope:
            add(element.tail, hint)
    flush()
    for value in _DATE_ATTRIBUTES(scope):
        found: list[tuple[int, Any]] = []
        _tokenize(value[:_MAX_NAMES], 0, found)
        dates = [token for token in found if token[0] == _DATE]
        if dates:
            lines.append(_Line(dates[:1], "", dirty=False))
            break
    return lines


def _element_tokens(element: etree._Element, tag: str, raw: list[tuple[int, Any]]) -> int:
    """What an element says by its attributes: a currency icon (``i.sprite-icon-usd``), an
    arrow (``span.arrow-down``, ``<img src="down.png">``), an ``alt`` text; returns the
    up/down its class or colour gives the numbers inside it (``span.diff.up``)."""
    attributes = element.attrib
    if not attributes:
        return 0
    names = " ".join(attributes.get(name) or "" for name in ("class", "style", "color"))
    if tag == "img":
        names = f"{names} {(attributes.get('src') or '').rpartition('/')[2]}"
        _tokenize((attributes.get("alt") or "")[:_MAX_NAMES], 0, raw)
    names = names[:_MAX_NAMES]
    code = _ICON_CODE.search(names)
    if code:
        raw.append((_CUR, code[0].upper()))
    direction = _direction(names)
    if direction and len(element) == 0 and not (element.text or "").strip():
        raw.append((_ARROW, direction))
    return direction


def _direction(names: str) -> int:
    up = _UP_CLASS.search(names) is not None
    down = _DOWN_CLASS.search(names) is not None
    return 0 if up == down else (1 if up else -1)


# ---------------------------------------------------------------------------------------------
# Input


def _parse(markup: object) -> RateBlock | None:
    if isinstance(markup, bytes | bytearray | memoryview):
        markup = _decode(bytes(markup))
    if isinstance(markup, etree._ElementTree):
        markup = markup.getroot()
    root = getattr(markup, "root", markup)  # a parsel Selector carries its lxml tree as .root
    if isinstance(root, str):
        if not _HAS_TAG.search(root):
            return _from_text(root)
        root = _html(root)
    if isinstance(root, etree._Element):
        return _from_element(root)
    return None


# Sites print the same widget on every page: a crawl hands the parser the same markup thousands
# of times. The block is a function of the element's subtree alone (the search never looks
# above it), and its serialisation is that subtree, so the serialisation is the cache key:
# a widget whose rates or date changed is a new key. Only elements inside a page, and small
# ones: a whole page is rarely seen twice, and its serialisation costs more. Blocks are frozen,
# so sharing one between calls is safe.
_REMEMBERED_WIDGETS = 64
_MAX_KEY_CHARS = 16_000
_widgets: dict[str, RateBlock | None] = {}


def _from_element(root: etree._Element) -> RateBlock | None:
    if root.getparent() is None:
        return _from_tree(root)
    try:
        key = etree.tostring(root, encoding="unicode", with_tail=False)
    except (etree.LxmlError, ValueError):
        return _from_tree(root)
    if len(key) > _MAX_KEY_CHARS:
        return _from_tree(root)
    try:
        return _widgets[key]
    except KeyError:
        pass
    block = _from_tree(root)
    if len(_widgets) >= _REMEMBERED_WIDGETS:
        _widgets.clear()
    _widgets[key] = block
    return block


def _html(text: str) -> etree._Element | None:
    try:
        # lxml refuses str input that declares an encoding; the text is decoded already.
        return lxml.html.document_fromstring(_XML_DECL.sub("", text, count=1))
    except (etree.LxmlError, ValueError):
        return None  # empty or nothing but comments


def _decode(data: bytes) -> str:
    """Bytes to text: BOM, then a meta charset (windows-1251 sites declare only that), then
    UTF-8, then windows-1251, the usual legacy encoding of Russian-language sites."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace")
    declared = _META_CHARSET.search(data[:4096])
    # A page that can declare its encoding in ASCII is not UTF-16/32, whatever it says.
    if declared and not declared[1].lower().startswith((b"utf-16", b"utf-32")):
        try:
            return data.decode(declared[1].decode("ascii"), "replace")
        except (LookupError, UnicodeError):
            pass  # unknown or non-text codec name: fall through to the guesses
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1251", "replace")
