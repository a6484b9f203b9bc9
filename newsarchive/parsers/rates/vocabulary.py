"""What a widget's text is read by: ISO codes, Russian currency names and symbols, the filler
words a widget line may hold besides them, month names, and the compiled patterns: the token
grammar of a line (dates, signed numbers, arrows, symbols, words), heading and source labels,
and the class words that name a widget, a currency icon or an up/down change."""

from __future__ import annotations

import re


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
_ARROWS = {"▲": 1, "△": 1, "▴": 1, "⬆": 1, "↑": 1, "▼": -1, "▽": -1, "▾": -1, "⬇": -1, "↓": -1}
_SIGNS = {"+": 1, "-": -1, "\u2212": -1, "\u2013": -1}
