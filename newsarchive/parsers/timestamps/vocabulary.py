"""The words of the five languages the fast path reads, as data, and the tables built from them.

One ``_Vocabulary`` a language (Russian, English, Uzbek in Latin and Cyrillic script,
Kazakh): month names, today and yesterday, set phrases, the units, "ago" and "and" of
``N <unit> ago``, number words and the words around years and times. Merged, they give the
lookup tables the readers use; ``_alternation`` turns a list of them into a compact regex,
and ``_CYR``/``_LETTER`` are the letters word boundaries are drawn with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, Final, NamedTuple

from newsarchive.parsers.timestamps.model import Precision


class _Vocabulary(NamedTuple):
    """The words one language prints timestamps with (lower case)."""

    months: tuple[str, ...]  # twelve entries: a month's names and abbreviations
    days: dict[str, int]  # "today", "yesterday"...: days after today
    phrases: dict[str, tuple[timedelta, Precision]]  # set phrases: delta before now
    units: dict[str, str]  # unit word of "N <unit> ago": s, mi, h, d, w, mo, y
    ago: tuple[str, ...]  # the word after the units
    joiners: tuple[str, ...]  # "and" between units
    numbers: dict[str, int]
    years: tuple[str, ...]  # the word after a year: "2025 года", "2025-yil"
    at: tuple[str, ...]  # the word before a time: "в 17:13", "soat 17:13"


def _units(**words: str) -> dict[str, str]:
    return {word: unit for unit, names in words.items() for word in names.split()}


# Month names, one entry a month; Uzbek spells September and October both ways.
_EN_MONTH_NAMES = (
    "jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
    "aug august", "sep sept september", "oct october", "nov november", "dec december",
)  # fmt: skip
_UZ_LATN_MONTHS = (
    "yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avgust", "sentabr sentyabr",
    "oktabr oktyabr", "noyabr", "dekabr",
)  # fmt: skip
_UZ_CYRL_MONTHS = (
    "январ", "феврал", "март", "апрел", "май", "июн", "июл", "август", "сентябр", "октябр",
    "ноябр", "декабр",
)  # fmt: skip
_KK_MONTHS = (
    "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек",
    "қазан", "қараша", "желтоқсан",
)  # fmt: skip
_RU_NUMBERS = {
    "один": 1, "одну": 1, "одна": 1, "два": 2, "две": 2, "пару": 2, "пара": 2, "три": 3,
    "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
}  # fmt: skip
# (delta before now, precision) of set phrases. Approximate ones ("a few minutes") get
# "hour" precision: their error is several minutes, so "minute" would overstate them.
_JUST_NOW: Final[tuple[timedelta, Precision]] = (timedelta(0), "minute")
_RU: Final = _Vocabulary(
    months=(
        # Russian pages print English abbreviations too ("11 Dec 2025", RSS dates).
        "январь января янв jan january",
        "февраль февраля фев февр feb february",
        "март марта мар mar march",
        "апрель апреля апр apr april",
        "май мая may",
        "июнь июня июн jun june",
        "июль июля июл jul july",
        "август августа авг aug august",
        "сентябрь сентября сен сент sep sept september",
        "октябрь октября окт oct october",
        "ноябрь ноября ноя нояб nov november",
        "декабрь декабря дек dec december",
    ),
    days={"позавчера": -2, "вчера": -1, "сегодня": 0, "завтра": 1},
    phrases={
        "только что": _JUST_NOW,
        "несколько секунд назад": _JUST_NOW,
        "менее минуты назад": _JUST_NOW,
        "меньше минуты назад": _JUST_NOW,
        "несколько минут назад": (timedelta(minutes=5), "hour"),
        "полчаса назад": (timedelta(minutes=30), "hour"),
    },
    units=_units(
        s="секунд секунду секунды сек",
        mi="минут минуту минуты мин",
        h="час часа часов ч",
        d="день дня дней д",
        w="неделя неделю недели недель нед",
        mo="месяц месяца месяцев мес",
        y="год года лет",
    ),
    ago=("назад",),
    joiners=("и",),
    numbers=_RU_NUMBERS,
    years=("года", "год", "г"),
    at=("в",),
)
_EN: Final = _Vocabulary(
    months=_EN_MONTH_NAMES,
    days={"yesterday": -1, "today": 0, "tomorrow": 1},
    phrases={"just now": _JUST_NOW, "a few minutes ago": (timedelta(minutes=5), "hour")},
    units=_units(
        s="second seconds sec secs",
        mi="minute minutes min mins",
        h="hour hours hr hrs",
        d="day days",
        w="week weeks",
        mo="month months",
        y="year years",
    ),
    ago=("ago",),
    joiners=("and",),
    numbers={"a": 1, "an": 1, "one": 1, "two": 2, "three": 3},
    years=(),
    at=("at",),
)
_UZ_LATN: Final = _Vocabulary(
    months=_UZ_LATN_MONTHS,
    days={"kecha": -1, "bugun": 0, "ertaga": 1},
    phrases={"hozirgina": _JUST_NOW},
    units=_units(s="soniya", mi="daqiqa", h="soat", d="kun", w="hafta", mo="oy", y="yil"),
    ago=("oldin", "avval"),
    joiners=("va",),
    numbers={},
    years=("yil",),
    at=("soat",),
)
_UZ_CYRL: Final = _Vocabulary(
    months=_UZ_CYRL_MONTHS,
    days={"кеча": -1, "бугун": 0, "эртага": 1},
    phrases={"ҳозиргина": _JUST_NOW},
    units=_units(s="сония", mi="дақиқа", h="соат", d="кун", w="ҳафта", mo="ой", y="йил"),
    ago=("олдин", "аввал"),
    joiners=("ва",),
    numbers={},
    years=("йил",),
    at=("соат",),
)
_KK: Final = _Vocabulary(
    months=_KK_MONTHS,
    days={"кеше": -1, "бүгін": 0, "ертең": 1},
    phrases={"жаңа ғана": _JUST_NOW},
    units=_units(s="секунд", mi="минут", h="сағат", d="күн", w="апта", mo="ай", y="жыл"),
    ago=("бұрын",),
    joiners=("және",),
    numbers={},
    years=("жылғы", "жылы", "жыл", "ж"),
    at=("сағат",),
)
# Russian first: a word two languages share is read as Russian reads it (none differs today).
_VOCABULARIES: Final = {"ru": _RU, "en": _EN, "uz-Latn": _UZ_LATN, "uz-Cyrl": _UZ_CYRL, "kk": _KK}
_ALL: Final = tuple(_VOCABULARIES.values())


def _merged(field: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for vocabulary in reversed(_ALL):
        merged.update(getattr(vocabulary, field))
    return merged


def _words(field: str) -> list[str]:
    return list(dict.fromkeys(word for v in _ALL for word in getattr(v, field)))


def _alternation(words: Iterable[str]) -> str:
    """A regex for any of ``words``, longer ones tried first, factored by common prefixes.

    The anchor pattern is tried at every position of every text: a flat list of a hundred
    words costs a hundred tests there, a prefix tree one or two.

    >>> _alternation(["час", "часа", "ч", "min"])
    '(?:min|ч(?:ас(?:а|)|))'
    """
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _subtree(tree)


def _subtree(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _subtree(child) for char, child in sorted(node.items()) if char]
    if "" in node:  # "(?:x|)" rather than "(?:x)?": a plain branch, not a costly repeat
        branches.append("")
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


_MONTHS: Final[dict[str, int]] = {
    name: number
    for vocabulary in reversed(_ALL)
    for number, names in enumerate(vocabulary.months, start=1)
    for name in names.split()
}
# English month names: "may" is also a verb, so a yearless "2 may" is read only on an
# English or Uzbek page (``lang``); elsewhere it is more likely prose than a date.
_EN_MONTHS: Final = frozenset(name for names in _EN.months for name in names.split())
_PROSE_MONTHS: Final = frozenset({"may"})
_PROSE_MONTH_LANGS: Final = frozenset({"en", "uz", "uz-Latn"})
_MONTH_ALT = _alternation(_MONTHS)
_NUMBER_WORDS: Final[dict[str, int]] = _merged("numbers")
_RELATIVE_DAYS: Final[dict[str, int]] = _merged("days")
_PHRASES: Final[dict[str, tuple[timedelta, Precision]]] = _merged("phrases")
# Units of "N <unit> ago": exact ones, and those counted on the site's calendar.
_UNIT_WORDS: Final[dict[str, str]] = _merged("units")
_EXACT_UNITS: Final[dict[str, tuple[timedelta, Precision]]] = {
    "s": (timedelta(seconds=1), "second"),
    "mi": (timedelta(minutes=1), "minute"),
    "h": (timedelta(hours=1), "hour"),
    "d": (timedelta(days=1), "day"),
    "w": (timedelta(weeks=1), "day"),
}
_PRECISION_RANK: Final[dict[Precision, int]] = {"second": 0, "minute": 1, "hour": 2, "day": 3}

# Letters of the region's Cyrillic alphabets (Russian, Uzbek, Kazakh), for word boundaries.
_CYR = "а-яёўқғҳәңөұүһі"
_LETTER = f"[{_CYR}a-z]"
