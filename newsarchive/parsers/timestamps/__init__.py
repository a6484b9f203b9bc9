"""Publication timestamps as the region's news sites print them.

``parse_timestamp`` turns visible text (``Сегодня, 17:13``, ``5 минут назад``,
``11 декабря 2025 г., 17:13``, ``2025-12-11T17:13:00+05:00`` ...) into an aware
:class:`Timestamp`; ``published_from_html`` finds a page's publication time, structured
sources first.

Besides Russian it reads the words of the region's other editions: Uzbek in Latin
(``bugun, 17:13``, ``5 daqiqa oldin``, ``11-dekabr 2025-yil``) and Cyrillic script
(``кеча, 09:30``, ``11 декабр 2025``), Kazakh (``бүгін, 17:13``, ``2 сағат бұрын``,
``11 желтоқсан 2025``) and English (``yesterday 09:30``, ``March 11, 2020``, ``9:05 PM``).
No word means different dates in two of them, so all are tried together; ``lang`` only
settles what one word may mean (``may`` is a month to an English or Uzbek page, and
"2 may" prose elsewhere) and picks dateparser's locale. A page in a language outside these
(German ``12. März 2020``, French ``il y a 3 jours``) is read by dateparser in its own
language, if dateparser knows it; with no ``lang``, the fallback reads Russian.

Relative forms are read against ``now`` (when the page was fetched) on the site's local
calendar, which is what the site's server used to render them. A compiled-regex fast path
reads the common forms in a few microseconds; dateparser (about 100-500 times slower, and
imported only when needed) is the fallback for the rest.

Rules that hold for every result:

* It is never more than ``SKEW_TOLERANCE`` after ``now``: a publication cannot come from
  the future. Text that names the day (``Сегодня, 23:50`` read at 18:00, ``12.12.2030``)
  gives None; text that leaves the day open (``23:50``, ``9:05 PM``, ``11 декабря``,
  ``March 11``) is read as the most recent such moment.
* Its year is at least 1990: nothing was published on the web earlier, and it keeps
  pre-standard-time offsets (LMT, ``+04:37:11`` in Tashkent) out of the results.
* A two-digit year is the latest 20yy or 19yy not in the future (``95`` is 1995, ``25``
  2025). After a month name it is a year only with a time after it (``2 Декабрь 95
  11:15``); ``2 Декабрь 95`` alone may be a yearless date and a counter, and gives None.
* Numeric dates are day first; month first only with an English month name, or with slashes
  where the day cannot come first (``11/28/2016``). CJK dates (``2019年04月13日 09時00分``)
  are read too.
* ``N <unit> ago`` keeps the precision of its finest unit. Months and years count on the
  site's calendar (``1 год, 2 дня назад``); alone they are coarser than a day, and a
  month back from a day the earlier month lacks (31 March) is not guessed: both None.
* ``value`` has a fixed-offset ``datetime.timezone``, the offset in force in the site's
  zone (or the zone the text names: ``МСК``, ``UTC``, ISO offsets) at that instant.

>>> from datetime import datetime, timezone
>>> now = datetime(2025, 12, 12, 13, 0, tzinfo=timezone.utc)  # 18:00 in Tashkent
>>> parse_timestamp("Сегодня, 17:13", now=now).isoformat()
'2025-12-12T17:13:00+05:00'
>>> parse_timestamp("17.03.2018 01:05 МСК", now=now).isoformat()
'2018-03-17T01:05:00+03:00'
>>> print(parse_timestamp("Последние новости", now=now))
None
>>> parse_timestamp("Kecha, 09:30", now=now).isoformat()
'2025-12-11T09:30:00+05:00'
>>> ts = parse_timestamp("2 сағат бұрын", now=now, lang="kk")
>>> ts.isoformat(), ts.precision
('2025-12-12T16:00:00+05:00', 'hour')
>>> parse_timestamp("9:05 PM", now=now, tz="UTC").isoformat()  # 21:05 today is to come
'2025-12-11T21:05:00+00:00'
>>> parse_timestamp("2 Декабрь 95 11:15", now=now).isoformat()
'1995-12-02T11:15:00+05:00'
"""

from __future__ import annotations

import html as _html
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple
from zoneinfo import ZoneInfo

import lxml.html
from lxml import etree

from newsarchive.parsers.encoding import decode_page
from newsarchive.parsers.text import unwrap

if TYPE_CHECKING:
    from dateparser import DateDataParser

__all__ = [
    "DEFAULT_TZ",
    "PUBLISHED_META",
    "SKEW_TOLERANCE",
    "Precision",
    "Timestamp",
    "looks_dated",
    "parse_timestamp",
    "published_from_html",
]

DEFAULT_TZ: Final = "Asia/Tashkent"

# How far after `now` a result may lie. Sites stamp articles with their server's clock and
# we compare with ours; shared-hosting clocks drift by minutes, and CMSs that schedule
# posts stamp them a few minutes early. Ten minutes covers that; anything later is not
# skew but a misreading (a wrong zone, a scheduled post), so it is refused, not guessed.
SKEW_TOLERANCE: Final = timedelta(minutes=10)

Precision = Literal["second", "minute", "hour", "day"]

_MIN_YEAR: Final = 1990
# dateparser takes about a millisecond per call and grows with length; labels plus a date
# fit easily, and longer text is prose, where its guesses are not worth having.
_FALLBACK_MAX_LEN: Final = 80


@dataclass(frozen=True, slots=True)
class Timestamp:
    """An aware instant, the precision the text gave it, and the text itself.

    >>> from datetime import datetime, timedelta, timezone
    >>> now = datetime(2026, 1, 1, 0, 5, tzinfo=timezone(timedelta(hours=5)))
    >>> ts = parse_timestamp("Вчера, 23:59", now=now)
    >>> ts.isoformat(), ts.precision
    ('2025-12-31T23:59:00+05:00', 'minute')
    """

    value: datetime
    precision: Precision
    raw: str

    def isoformat(self) -> str:
        """``value`` in ISO 8601, with its numeric UTC offset."""
        return self.value.isoformat()


class _Miss(Enum):
    UNKNOWN = "unknown"  # no form the fast path knows: worth asking dateparser
    REJECTED = "rejected"  # a known form, but an impossible or future moment: None


class _Ctx(NamedTuple):
    now: datetime  # in UTC, so that timedelta arithmetic is exact across DST changes
    zone: tzinfo
    local_now: datetime  # now on the site's wall clock: its "today"
    local_fixed: timezone  # the site's offset at now
    # now + SKEW_TOLERANCE, in local_fixed: most results share that tzinfo object, and
    # datetimes with the same tzinfo compare without computing offsets.
    limit: datetime
    days: dict[int, tuple[int, int, int]]  # today, yesterday...: (days after today) -> date


# --- time zones -------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _named_zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=256)
def _fixed(offset: timedelta) -> timezone:
    return timezone(offset)


def _resolve_zone(tz: str | tzinfo) -> tzinfo:
    if isinstance(tz, str):
        return _named_zone(tz)
    # A pytz zone passed as tzinfo= yields its first (LMT) offset; use the same zone from
    # zoneinfo instead.
    name = getattr(tz, "zone", None)
    if isinstance(name, str) and hasattr(tz, "localize"):
        return _named_zone(name)
    return tz


# A crawl parses many strings with the same now and zone. ``fold`` is part of the key: two
# datetimes in one zone compare equal by wall time, so 01:30 before and after the clocks go
# back would otherwise share one context.
@lru_cache(maxsize=64)
def _context(now: datetime, tz: str | tzinfo, fold: int) -> _Ctx:
    if now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    utc_now = now.astimezone(UTC)
    zone = _resolve_zone(tz)
    local_now = utc_now.astimezone(zone)
    local_fixed = _fixed(_offset(local_now))
    limit = (utc_now + SKEW_TOLERANCE).astimezone(local_fixed)
    return _Ctx(utc_now, zone, local_now, local_fixed, limit, _relative_days(local_now))


def _relative_days(local_now: datetime) -> dict[int, tuple[int, int, int]]:
    days = {offset: local_now.date() + offset * _ONE_DAY for offset in range(-2, 2)}
    return {offset: (day.year, day.month, day.day) for offset, day in days.items()}


def _wall_now(ctx: _Ctx, zone: tzinfo) -> datetime:
    return ctx.local_now if zone is ctx.zone else ctx.now.astimezone(zone)


def _offset(dt: datetime) -> timedelta:
    return dt.utcoffset() or timedelta(0)


def _express(instant: datetime, zone: tzinfo) -> datetime:
    """The aware ``instant`` as wall time in ``zone``, with a fixed offset."""
    local = instant.astimezone(zone)
    return local.replace(tzinfo=_fixed(_offset(local)), fold=0)


def _before_now(ctx: _Ctx, delta: timedelta) -> datetime:
    """``delta`` before now, on the site's clock (``_express``, but cheaper when no DST)."""
    instant = ctx.now - delta
    guess = instant.astimezone(ctx.local_fixed)
    if _steady_zone(ctx.zone, guess.year, guess.month, guess.day) == ctx.local_fixed:
        return guess
    return _express(instant, ctx.zone)


_Clock = tuple[int, int, int]
_MIDNIGHT: Final[_Clock] = (0, 0, 0)


@lru_cache(maxsize=4096)
def _steady_zone(zone: tzinfo, year: int, month: int, day: int) -> timezone | None:
    """The zone's offset that day as a fixed zone, or None if the offset changes that day."""
    start = datetime(year, month, day, tzinfo=zone)  # ValueError for 31 November
    end = datetime(year, month, day, 23, 59, 59, tzinfo=zone)
    # fold=1 differs from fold=0 only inside a repeated or skipped hour.
    offsets = {_offset(dt) for dt in (start, start.replace(fold=1), end, end.replace(fold=1))}
    return _fixed(offsets.pop()) if len(offsets) == 1 else None


def _at(zone: tzinfo, limit: datetime, year: int, month: int, day: int, clock: _Clock) -> datetime:
    """A wall-clock time read in ``zone``, with the fixed offset in force then.

    A time that happened twice (DST ends) is the later reading unless that one is beyond
    ``limit``. A time that never happened (DST starts) is read with the offset before the
    change, as a clock not yet moved would show it: 02:30 becomes 03:30 summer time.
    """
    steady = _steady_zone(zone, year, month, day)  # the usual case, and cheap to look up
    if steady is not None:
        return datetime(year, month, day, *clock, tzinfo=steady)
    wall = datetime(year, month, day, *clock)
    first = _offset(wall.replace(tzinfo=zone))
    second = _offset(wall.replace(tzinfo=zone, fold=1))
    if first == second:
        return wall.replace(tzinfo=_fixed(first))
    if first > second:
        later = wall.replace(tzinfo=_fixed(second))
        return later if later <= limit else wall.replace(tzinfo=_fixed(first))
    return _express(wall.replace(tzinfo=_fixed(first)), zone)


def _at_naive(found: datetime, zone: tzinfo, limit: datetime) -> datetime:
    """``_at`` for a naive datetime, keeping its microseconds."""
    clock = (found.hour, found.minute, found.second)
    value = _at(zone, limit, found.year, found.month, found.day, clock)
    return value.replace(microsecond=found.microsecond) if found.microsecond else value


# --- the fast path --------------------------------------------------------------------


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


def _alternation(words: list[str] | dict[str, Any]) -> str:
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
_ONE_DAY: Final = timedelta(days=1)
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
_NUM = r"\d{1,4}|" + _alternation(_NUMBER_WORDS)
_UNIT = _alternation(_UNIT_WORDS)
_JOINER = _alternation(_words("joiners"))
_AGO_ITEM = rf"(?:(?:{_NUM}) ?|)(?:{_UNIT})(?!{_LETTER})\.?"
_AGO_PART = re.compile(rf"(?:(?P<n>{_NUM}) ?)?(?P<u>{_UNIT})(?!{_LETTER})")
_YEAR_WORD = rf"[ -]?(?:{_alternation(_words('years'))})(?!{_LETTER})\.?"
# A two-digit year after a month name is read only with a time after it ("2 Декабрь 95
# 11:15"): alone, "11 декабря 12" may as well be a yearless date and a counter.
_SHORT_YEAR_THEN_TIME = r"\d{2}(?=,? \d{1,2}:\d{2}(?!\d))"

# Every form that can start a timestamp, in one pattern so that the leftmost one wins.
# At the same position, the earlier alternative wins: ISO before the bare Y-M-D date. Forms
# that start alike share their guard, which is tested once at each position of every text.
_ANCHOR = re.compile(
    "|".join(
        (
            r"(?<![\d.])(?=\d{1,4}[./-])(?:"
            r"(?P<iso>\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?P<isosec>:\d{2}(?:[.,]\d+)?)?"
            r"(?:z|[+-]\d{2}(?::?\d{2})?)?)(?!\d)"
            r"|(?P<ymd>(?P<ya>\d{4})(?P<ys>[./-])(?P<ma>\d{1,2})(?P=ys)(?P<da>\d{1,2}))(?!\d)"
            r"|(?P<dmy>(?P<db>\d{1,2})(?P<bs>[./-])(?P<mb>\d{1,2})(?P=bs)(?P<yb>\d{4}|\d{2}))"
            r"(?!\d))",
            r"(?<![a-z])(?P<rfc>(?:(?:mon|tue|wed|thu|fri|sat|sun),? |)\d{1,2} [a-z]{3} \d{4} "
            r"\d{2}:\d{2}(?P<rfcsec>:\d{2})?(?P<rfczone> (?:[+-]\d{4}|ut|utc|gmt|z|[ecmp][sd]t))?)"
            r"(?![\da-z])",
            rf"(?<![\d{_CYR}a-z])(?:"
            rf"(?P<phrase>{_alternation(_PHRASES)})(?!{_LETTER})"
            # The first "<number> <unit>" is captured for the common case of just one.
            # A unit without a number is one, unless a longer number stands before it.
            rf"|(?P<ago>(?:(?P<an>{_NUM}) ?|(?<!\d ))(?P<au>{_UNIT})(?!{_LETTER})\.?"
            rf"(?P<more>(?:,? (?:(?:{_JOINER}) |){_AGO_ITEM})*)) ?"
            rf"(?:{_alternation(_words('ago'))})(?!{_LETTER})"
            # "March 11, 2020", "Dec 30, 2025 9:05 PM"
            rf"|(?P<mdy>(?P<mone>{_alternation(_EN_MONTHS)})\.? (?P<dd>\d{{1,2}})"
            r"(?:st|nd|rd|th)?(?![\d:])(?:,? (?P<yd>\d{4})(?!\d))?)"
            rf"|(?P<rel>{_alternation(_RELATIVE_DAYS)})(?!{_LETTER}))",
            # "11 декабря 2025 г.", "11-dekabr 2025-yil", "2025 жылғы 11 желтоқсан"
            rf"(?<!\d)(?P<mdate>(?:(?P<yp>\d{{4}}){_YEAR_WORD},? |)(?P<dc>\d{{1,2}})"
            rf"(?:-?(?:го|е) ?|-| ?)(?P<mon>{_MONTH_ALT})(?!{_LETTER})\.?"
            rf"(?:(?:,? |-)(?:(?P<yc>\d{{4}})(?!\d)(?:{_YEAR_WORD}|)"
            rf"|(?P<ys2>{_SHORT_YEAR_THEN_TIME}))|))",
        )
    )
)
# "9:05 PM", "9:05 p.m." as well as 24-hour clocks. Optional parts are written "(?:x|)":
# re runs "(?:x)?" through its general repeat machinery, slower on this hot path.
_TIME = (
    r"(?<![\d:])(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})|)(?!:?\d)"
    r"(?: ?(?P<ap>[ap])\.? ?m(?![a-z])\.?|)"
)
_SEPARATORS = r"[ ,;/|•·—–-]*"
# A time right after a date ("11.12.2025, 17:13", "... 2025 года в 17:13") ...
_TIME_AFTER = re.compile(
    rf"{_SEPARATORS}(?:(?:{_alternation(_words('years'))})\.?{_SEPARATORS}|)"
    rf"(?:(?:{_alternation(_words('at'))}) ?|){_TIME}"
)
# ... or right before it ("17:13 / 11.12.2025"); searched up to the date's start.
_TIME_BEFORE = re.compile(rf"{_TIME}{_SEPARATORS}$")
# A time alone, perhaps labelled; what may follow it is checked with _TAIL.
_TIME_ALONE = re.compile(
    rf"(?:(?:опубликовано|обновлено|добавлено|дата публикации|дата|время)[: ]*)?(?:в ?)?{_TIME}"
)
# A two-digit number right after a yearless "D month": a year or a counter, we cannot tell.
_SHORT_NUMBER = re.compile(r",? \d{2}(?![\d:])")
_TAIL = re.compile(r"[ .,;:!)]*(?:[•|·].*)?")
_ZONE = re.compile(
    r" ?\(?(?:(?P<msk>мск|msk|по москве|по московскому времени|московского времени)"
    r"(?P<mskshift> ?[+-] ?\d{1,2})?"
    r"|(?P<utc>utc|gmt)(?: ?(?P<us>[+-]) ?(?P<uh>\d{1,2})(?::?(?P<um>\d{2}))?)?"
    r"|(?P<ns>[+-])(?P<nh>\d{2}):?(?P<nm>\d{2}))(?![a-zа-я\d])\)?"
)
_NAMED_ZONE = re.compile(r"(?<![a-zа-я])(?:мск|msk|utc|gmt)(?![a-zа-я])")

# Text that may hold a timestamp, for callers that scan many texts (looks_dated): numeric
# dates, a month name beside a number, the vocabularies' relative words, a CJK date.
_DATE_HINT: Final = re.compile(
    r"(?<!\d)(?:0?[1-9]|[12]\d|3[01])([./-])(?:0?[1-9]|1[0-2])\1(?:\d{4}|\d{2})(?!\d)"
    r"|(?<!\d)(?:19|20)\d{2}([./-])[01]?\d\2[0-3]?\d"
    r"|(?<![\d/])(?:0?[1-9]|1[0-2])/(?:1[3-9]|2\d|3[01])/\d{2}"
    r"|\d{4}\s*年"
    rf"|(?<!\d)\d{{1,2}}(?:-| ?)(?:{_MONTH_ALT})"
    rf"|(?<!{_LETTER})(?:{_MONTH_ALT})\.? \d{{1,2}}(?!\d)"
    rf"|(?<!{_LETTER})(?:{_alternation([*_RELATIVE_DAYS, *_PHRASES, *_words('ago')])})"
    rf"(?!{_LETTER})",
)
_CLOCK: Final = re.compile(r"(?<![\d:])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:])")
# Dates written in forms the anchor does not read, rewritten day first: a CJK date and time
# ("2019年04月13日 09時00分"), and a slashed date that can only be month first ("11/28/2016").
_CJK_DATE: Final = re.compile(r"(\d{4}) ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?日")
_CJK_TIME: Final = re.compile(r"(?<!\d)(\d{1,2}) ?時 ?(\d{1,2}) ?分")
_US_DATE: Final = re.compile(
    r"(?<![\d/])(0?[1-9]|1[0-2])/(1[3-9]|2\d|3[01])/((?:19|20)?\d{2})(?![\d/])"
)


# Written-out dates of any language dateparser knows: a day, a month word and a year
# ("12. März 2020", "12 de marzo de 2020", "1er mars 2020"), or a month word, a day and a
# year ("März 12, 2020"). Found from the year back, as years are rare in text; the word
# before it is checked against every language's month names only when the shape fits.
_YEAR: Final = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_BEFORE_YEAR: Final = re.compile(
    rf"(?:(?<!\d){_DAY}(?:\.|º|er|st|nd|rd|th|)[ -](?:de |)(?P<dm>[^\W\d_]{{3,}})\.?(?: de|,|)"
    rf"|(?<![^\W\d_])(?P<md>[^\W\d_]{{3,}})\.? {_DAY}(?:st|nd|rd|th|)(?:,|))[ -]\Z"
)
# Enough to reach back over "12 de septiembre de " and "31. Dezember ".
_BEFORE_YEAR_REACH: Final = 24


def _names_month(clean: str) -> bool:
    """Whether a year in ``clean`` follows a day and a month name of any language."""
    for year in _YEAR.finditer(clean):
        end = year.start()
        shape = _BEFORE_YEAR.search(clean, max(0, end - _BEFORE_YEAR_REACH), end)
        if shape is not None and (shape["dm"] or shape["md"]) in _any_month_names():
            return True
    return False


@lru_cache(maxsize=1)
def _any_month_names() -> frozenset[str]:
    """The month names and abbreviations of every language dateparser knows (lower case)."""
    from dateparser.data.languages_info import language_order

    return frozenset(
        word
        for code in language_order
        for word in _locale_words(_dateparser_info(code) or {}, _MONTH_KEYS)
        if len(word) >= 3
    )


def looks_dated(text: str) -> bool:
    """Whether ``text`` may hold a timestamp: a cheap test for callers that would otherwise
    ask :func:`parse_timestamp` about every text of a page (on text it cannot read quickly,
    it asks dateparser, at about a millisecond a call). A bare clock only in short text.
    Written-out dates of other languages are known by their shape, a month name between a
    day and a year.

    >>> [looks_dated(t) for t in ("Bugun, 17:13", "11 желтоқсан", "5 daqiqa oldin", "Жаңалықтар")]
    [True, True, True, False]
    >>> [looks_dated(t) for t in ("12. März 2020", "12 de marzo de 2020", "Top 10 Songs 2020")]
    [True, True, False]
    """
    clean = _normalise(text)
    return (
        _DATE_HINT.search(clean) is not None
        or (len(text) <= 40 and _CLOCK.search(text) is not None)
        or _names_month(clean)
    )


def _normalise(text: str) -> str:
    if "&" in text:
        text = _html.unescape(text)
    # split() also splits on NBSP and the other Unicode spaces sites put around dates.
    clean = " ".join(text.lower().split())
    if "年" in clean:
        clean = _CJK_TIME.sub(r"\1:\2", _CJK_DATE.sub(r"\3.\2.\1", clean))
    return _US_DATE.sub(r"\2.\1.\3", clean) if "/" in clean else clean


def _zone_at(clean: str, pos: int) -> tuple[tzinfo | None, int]:
    """The zone named at ``pos`` (None if none) and where its mention ends.

    Raises ValueError for a zone we must not guess at (``МСК+2``).
    """
    m = _ZONE.match(clean, pos) if pos < len(clean) else None
    if m is None:
        return None, pos
    if m["msk"]:
        if m["mskshift"]:
            raise ValueError("offsets from Moscow time are not supported")
        return _named_zone("Europe/Moscow"), m.end()
    if m["utc"]:
        hours, minutes, sign = int(m["uh"] or 0), int(m["um"] or 0), m["us"]
    else:
        hours, minutes, sign = int(m["nh"]), int(m["nm"]), m["ns"]
    if hours > 14 or minutes > 59:  # not an offset after all (a counter, say)
        return None, pos
    offset = timedelta(hours=hours, minutes=minutes)
    return _fixed(-offset if sign == "-" else offset), m.end()


def _finish(value: datetime, precision: Precision, raw: str, ctx: _Ctx) -> Timestamp | _Miss:
    if value > ctx.limit or value.year < _MIN_YEAR:
        return _Miss.REJECTED
    return Timestamp(value, precision, raw)


def _clock(m: re.Match[str] | None) -> tuple[_Clock, Precision]:
    if m is None:
        return _MIDNIGHT, "day"
    # The time's groups are the only ones in the patterns that read times.
    hours, minutes, seconds, half = m.groups()
    hour = int(hours)
    if half:  # 12:30 AM is 00:30, 12:15 PM is 12:15; "17:13 PM" is no time
        if not 1 <= hour <= 12:
            raise ValueError("not a 12-hour clock")
        hour = hour % 12 + (12 if half == "p" else 0)
    # Out-of-range values (25:61) raise ValueError when the datetime is built.
    return (hour, int(minutes), int(seconds or 0)), "second" if seconds else "minute"


def _fast(clean: str, raw: str, ctx: _Ctx, lang: str | None) -> Timestamp | _Miss:
    try:
        m = _ANCHOR.search(clean)
        if m is None:
            return _from_time_alone(clean, raw, ctx)
        kind = m.lastgroup
        if kind == "iso":
            return _from_iso(m, clean, raw, ctx)
        if kind == "rfc":
            return _from_rfc(m, raw, ctx)
        if kind == "phrase":
            delta, precision = _PHRASES[m["phrase"]]
            return _finish(_before_now(ctx, delta), precision, raw, ctx)
        if kind == "ago":
            return _from_ago(m, clean, raw, ctx)
        return _from_date(m, clean, raw, ctx, lang)
    except (ValueError, OverflowError):
        # Out-of-range fields (32.13.2025, 25:61) and arithmetic beyond datetime's range.
        return _Miss.REJECTED


def _from_iso(m: re.Match[str], clean: str, raw: str, ctx: _Ctx) -> Timestamp | _Miss:
    found = datetime.fromisoformat(m["iso"].upper())
    precision: Precision = "second" if m["isosec"] else "minute"
    if found.tzinfo is None:
        zone = _zone_at(clean, m.end())[0] or ctx.zone
        found = _at_naive(found, zone, ctx.limit)
    return _finish(found, precision, raw, ctx)


def _from_rfc(m: re.Match[str], raw: str, ctx: _Ctx) -> Timestamp | _Miss:
    found = parsedate_to_datetime(m["rfc"])
    if found.tzinfo is None:
        # email.utils leaves "-0000" (UTC, sender's zone unknown) naive, like a missing zone.
        zoned = m["rfczone"]
        found = found.replace(tzinfo=UTC) if zoned else _at_naive(found, ctx.zone, ctx.limit)
    return _finish(found, "second" if m["rfcsec"] else "minute", raw, ctx)


def _from_ago(m: re.Match[str], clean: str, raw: str, ctx: _Ctx) -> Timestamp | _Miss:
    if m["more"]:
        parts = [part.group("n", "u") for part in _AGO_PART.finditer(m["ago"])]
    else:
        parts = [m.group("an", "au")]
    delta = timedelta(0)
    months = 0
    precision: Precision | None = None
    for n, word in parts:
        count = 1 if n is None else int(n) if n.isdigit() else _NUMBER_WORDS[n]
        unit = _UNIT_WORDS[word]
        if unit in ("mo", "y"):
            months += count * (12 if unit == "y" else 1)
            continue
        step, unit_precision = _EXACT_UNITS[unit]
        delta += count * step
        if precision is None or _PRECISION_RANK[unit_precision] < _PRECISION_RANK[precision]:
            precision = unit_precision
    if precision is None:  # months and years ago alone are coarser than a day
        return _Miss.REJECTED
    if months:
        return _from_calendar_ago(months, delta, precision, m, clean, raw, ctx)
    if precision != "day":
        return _finish(_before_now(ctx, delta), precision, raw, ctx)
    # Whole days count on the local calendar: "3 дня назад" is a date, perhaps with a time.
    day = ctx.local_now.date() - delta
    clock, precision = _clock(_TIME_AFTER.match(clean, m.end()))
    value = _at(ctx.zone, ctx.limit, day.year, day.month, day.day, clock)
    return _finish(value, precision, raw, ctx)


def _from_calendar_ago(
    months: int,
    delta: timedelta,
    precision: Precision,
    m: re.Match[str],
    clean: str,
    raw: str,
    ctx: _Ctx,
) -> Timestamp | _Miss:
    """``months`` back on the site's calendar, then ``delta`` back (``1 год, 2 дня назад``).

    A day the earlier month lacks (one month before 31 March) raises ValueError: whether
    the site meant 28 February or 3 March we cannot tell.
    """
    local = ctx.local_now
    year, month0 = divmod(local.year * 12 + local.month - 1 - months, 12)
    start = date(year, month0 + 1, local.day)
    if precision == "day":
        day = start - delta
        clock, precision = _clock(_TIME_AFTER.match(clean, m.end()))
        value = _at(ctx.zone, ctx.limit, day.year, day.month, day.day, clock)
        return _finish(value, precision, raw, ctx)
    clock = (local.hour, local.minute, local.second)
    then = _at(ctx.zone, ctx.limit, start.year, start.month, start.day, clock)
    value = _express(then.replace(microsecond=local.microsecond) - delta, ctx.zone)
    return _finish(value, precision, raw, ctx)


def _from_date(
    m: re.Match[str], clean: str, raw: str, ctx: _Ctx, lang: str | None
) -> Timestamp | _Miss:
    t = _TIME_AFTER.match(clean, m.end())
    zone, _ = _zone_at(clean, t.end() if t else m.end())
    if t is None:
        t = _TIME_BEFORE.search(clean, 0, m.start())
    clock, precision = _clock(t)
    zone = zone or ctx.zone
    kind = m.lastgroup
    if kind == "rel":
        days = ctx.days if zone is ctx.zone else _relative_days(ctx.now.astimezone(zone))
        year, month, dom = days[_RELATIVE_DAYS[m["rel"]]]
    elif kind == "ymd":
        year, month, dom = int(m["ya"]), int(m["ma"]), int(m["da"])
    elif kind == "dmy":
        month, dom = int(m["mb"]), int(m["db"])
        if len(m["yb"]) == 2:
            return _short_year(int(m["yb"]), month, dom, clock, precision, zone, raw, ctx)
        year = int(m["yb"])
    else:
        if kind == "mdy":
            word, day, full, short = m.group("mone", "dd", "yd", "ys2")
        else:
            word, day, full, early, short = m.group("mon", "dc", "yc", "yp", "ys2")
            full = full or early
        month, dom = _MONTHS[word], int(day)
        if short:
            return _short_year(int(short), month, dom, clock, precision, zone, raw, ctx)
        if not full:
            if word in _PROSE_MONTHS and lang not in _PROSE_MONTH_LANGS:
                return _Miss.UNKNOWN  # "2 may" is more likely English prose than a date
            if kind == "mdate" and _SHORT_NUMBER.match(clean, m.end()):
                return _Miss.REJECTED  # "2 Декабрь 95": a year or a counter?
            return _yearless(month, dom, clock, precision, zone, raw, ctx)
        year = int(full)
    return _finish(_at(zone, ctx.limit, year, month, dom, clock), precision, raw, ctx)


def _short_year(
    yy: int,
    month: int,
    day: int,
    clock: _Clock,
    precision: Precision,
    zone: tzinfo,
    raw: str,
    ctx: _Ctx,
) -> Timestamp | _Miss:
    """A two-digit year is the latest 20yy or 19yy that is not in the future."""
    value = _at(zone, ctx.limit, 2000 + yy, month, day, clock)
    if value > ctx.limit:
        value = _at(zone, ctx.limit, 1900 + yy, month, day, clock)
    return _finish(value, precision, raw, ctx)


def _yearless(
    month: int, day: int, clock: _Clock, precision: Precision, zone: tzinfo, raw: str, ctx: _Ctx
) -> Timestamp | _Miss:
    """The most recent such day and time not after now (29 February may be years back)."""
    this_year = _wall_now(ctx, zone).year
    date(2000, month, day)  # a leap year: ValueError only for days no year has
    for year in range(this_year, this_year - 9, -1):
        try:
            value = _at(zone, ctx.limit, year, month, day, clock)
        except ValueError:  # 29 February in a common year
            continue
        if value <= ctx.limit:
            return _finish(value, precision, raw, ctx)
    return _Miss.REJECTED


def _from_time_alone(clean: str, raw: str, ctx: _Ctx) -> Timestamp | _Miss:
    t = _TIME_ALONE.match(clean)
    if t is None:
        return _Miss.UNKNOWN
    zone, end = _zone_at(clean, t.end())
    if not _TAIL.fullmatch(clean, end):
        return _Miss.UNKNOWN
    zone = zone or ctx.zone
    clock, precision = _clock(t)
    today = _wall_now(ctx, zone).date()
    value = _at(zone, ctx.limit, today.year, today.month, today.day, clock)
    if value > ctx.limit:  # a feed's "23:57" read at 00:10 is from yesterday
        day = today - _ONE_DAY
        value = _at(zone, ctx.limit, day.year, day.month, day.day, clock)
    return _finish(value, precision, raw, ctx)


# --- the dateparser fallback ------------------------------------------------------------

# dateparser is asked only about a text that may hold a date in its eyes: two numbers (a bare
# "5" would become the 5th), or one of the words its Russian data dates by: month and weekday
# names, units of time, the words of its relative phrases. Anything else ("Автор:", "admin",
# a section name) it never reads as a date, and asking costs ~0.5 ms, ~0.5 s for the first
# question of a process. The tests check this list against dateparser's own data.
_TWO_NUMBERS = re.compile(r"\d\D+\d")
_WORD = re.compile(r"[а-яёa-z]+")
_ANY_WORD = re.compile(f"{_LETTER}+")
_DATE_WORD_LIST = """
    янв январь января фев февр февраль февраля мар март марта апр апрель апреля май мая
    июн июнь июня июл июль июля авг август августа сен сент сентябрь сентября окт октябрь
    октября ноя нояб ноябрь ноября дек декабрь декабря
    пн пнд понедельник вт втр вторник ср срд среда среду чт чтв четверг пт птн пятница
    пятницу сб сбт суббота субботу вс вск воскресенье воскресение
    сегодня сейчас вчера позавчера завтра послезавтра послепослезавтра назад через спустя
    течение эт этот этом эту этой пр прошлом прошлой сл след следующем следующей
    г год года году лет мес месяц месяца месяцев месяце нед неделя недели недель неделю неделе
    день дн дня дней сутки суток ч час часа часов часы часе мин минута минуты минут минуту
    с сек секунда секунды секунд секунду am pm дп пп
"""
_DATE_WORDS: Final = frozenset(_DATE_WORD_LIST.split())


# For the other languages, the words of our own vocabularies (dateparser's data for them has
# the same months, days and units; their weekday names are not worth a fallback of their own).
_LOCALE_WORDS: Final[dict[str, frozenset[str]]] = {
    locale: frozenset(
        word
        for field in ("months", "days", "phrases", "units", "ago")
        for words in getattr(vocabulary, field)
        for word in words.split()
    )
    | {"am", "pm"}
    for locale, vocabulary in _VOCABULARIES.items()
    if locale != "ru"
}


# --- languages outside our vocabularies, as dateparser knows them ----------------------

_LOCALE_WORD: Final = re.compile(r"[^\W\d_]+")  # a word of any script
_MONTH_KEYS: Final = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_TIME_UNITS: Final[dict[str, Precision]] = {"hour": "hour", "minute": "minute", "second": "second"}
# Words that change what a date means, so a date read may start with them: weekdays, units,
# "in" ("morgen, 10:00" is no "10:00" of today, "em 2 dias" no "2 dias" ago).
_MEANING_KEYS: Final = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "year",
    "month", "week", "day", "hour", "minute", "second", "in",
)  # fmt: skip


@lru_cache(maxsize=256)
def _dateparser_info(code: str) -> dict[str, Any] | None:
    """dateparser's data for language ``code`` ("de", "sr-Latn"), None if it has none."""
    # Imported here: dateparser costs ~50 ms to import, which the fast path never needs.
    from dateparser.languages.loader import default_loader

    try:
        return default_loader.get_locale(code).info
    except ValueError:  # "Unknown locale(s)"
        return None


def _locale_phrases(info: dict[str, Any], keys: tuple[str, ...]) -> Iterator[str]:
    """The phrases (lower case) dateparser lists under ``keys`` in ``info``: top-level keys,
    and its relative phrases' keys ("1 day ago")."""
    relative = info.get("relative-type", {})
    for key in keys:
        for phrase in info.get(key) or relative.get(key, ()):
            yield phrase.lower()


def _locale_words(info: dict[str, Any], keys: tuple[str, ...]) -> Iterator[str]:
    """The words of the phrases dateparser lists under ``keys`` in ``info``."""
    for phrase in _locale_phrases(info, keys):
        yield from _LOCALE_WORD.findall(phrase)


class _Foreign(NamedTuple):
    """What the fallback needs of a language dateparser reads and our vocabularies do not."""

    code: str  # dateparser's name for it
    date_order: str  # its convention for numeric dates: "DMY", "MDY", "YMD"
    # Month names, today and yesterday, "ago": text with one of them is worth asking
    # dateparser. Phrases of several words are looked for whole: the "il" of "il y a"
    # alone is no reason to ask.
    words: frozenset[str]
    phrases: tuple[str, ...]
    starts: frozenset[str]  # every word a date may start with: those, "morgen", "Montag"
    units: dict[str, Precision]  # words of hours, minutes, seconds: the precision of "ago"


@lru_cache(maxsize=64)
def _foreign(locale: str) -> _Foreign | None:
    """dateparser's data for ``locale`` ("sr-Latn", else "sr"), or None if it knows neither."""
    code = locale
    info = _dateparser_info(code)
    if info is None and "-" in locale:
        code = locale.partition("-")[0]
        info = _dateparser_info(code)
    if info is None:
        return None
    # Today, yesterday, the day before: the relative words a date line holds.
    keys = (*_MONTH_KEYS, "ago", "0 day ago", "1 day ago", "2 day ago")
    listed = set(_locale_phrases(info, keys))
    # One-letter words ("j" for jour) are too common in prose to be a reason.
    words = frozenset(p for p in listed if _LOCALE_WORD.fullmatch(p) and len(p) > 1)
    phrases = tuple(p for p in listed if not _LOCALE_WORD.fullmatch(p))
    relative = tuple(info.get("relative-type", {}))  # "morgen", "letzte Woche"...
    meaning = set(_locale_words(info, (*keys, *_MEANING_KEYS, *relative)))
    units = {
        word: precision
        for key, precision in _TIME_UNITS.items()
        for word in _locale_words(info, (key,))
        if len(word) > 1
    }
    starts = frozenset(meaning - set(info.get("skip", ())))
    return _Foreign(code, info.get("date_order", "DMY"), words, phrases, starts, units)


def _worth_asking(clean: str, locale: str = "ru") -> bool:
    if len(clean) > _FALLBACK_MAX_LEN:
        return False
    if locale == "ru":
        words, tokens = _DATE_WORDS, _WORD
    elif locale in _LOCALE_WORDS:
        words, tokens = _LOCALE_WORDS[locale], _ANY_WORD
    else:
        foreign = _foreign(locale)
        if foreign is None:  # a language dateparser does not read either
            return False
        if any(phrase in clean for phrase in foreign.phrases):
            return True
        words, tokens = foreign.words, _LOCALE_WORD
    if _TWO_NUMBERS.search(clean):
        return True
    return any(word in words for word in tokens.findall(clean))


def _date_start(clean: str, foreign: _Foreign) -> str:
    """``clean`` from its first number or date word on: dateparser reads no label before a
    date ("Veröffentlicht am 12. März 2020"), and the fast path knows only our languages'.
    """
    for token in _DATE_TOKEN.finditer(clean):
        if token[0].isdigit() or token[0] in foreign.starts:
            return clean[token.start() :]
    return clean


_DATE_TOKEN: Final = re.compile(r"\d|[^\W\d_]+")
_HAS_SECONDS = re.compile(r"\d:\d\d:\d\d|секунд|second|soniya|сония")
_HAS_CLOCK = re.compile(r"\d ?[:h.] ?\d\d(?!\d)")  # "17:13", "17h13", "17.13 Uhr"


def _time_precision(clean: str, foreign: _Foreign | None) -> Precision:
    """The precision of a time dateparser read: to the minute unless the text says more, or
    (in another language's "vor 2 Stunden") its finest unit says less."""
    if _HAS_SECONDS.search(clean):
        return "second"
    if foreign is None:
        return "minute"
    found = {foreign.units[word] for word in _LOCALE_WORD.findall(clean) if word in foreign.units}
    if "second" in found:
        return "second"
    if "hour" in found and "minute" not in found and not _HAS_CLOCK.search(clean):
        return "hour"
    return "minute"


def _dateparser_settings(
    tz_name: str, relative_base: datetime, date_order: str = "DMY"
) -> dict[str, Any]:
    """The dateparser configuration that measured right on Russian news timestamps;
    ``date_order`` is another language's convention for numeric dates.

    ``relative_base`` must be naive and hold the site's local wall time of the crawl: an
    aware or UTC base shifts "today" and every "N минут назад" by the zone's offset.
    """
    return {
        "DATE_ORDER": date_order,
        "TIMEZONE": tz_name,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": relative_base,
        "RETURN_TIME_AS_PERIOD": True,  # so that "time" vs "day" tells us the precision
    }


@lru_cache(maxsize=16)
def _date_data_parser(tz_name: str, relative_base: datetime, locale: str = "ru") -> DateDataParser:
    # Imported here: dateparser costs ~50 ms to import, which the fast path never needs.
    from dateparser import DateDataParser

    foreign = None if locale in _VOCABULARIES else _foreign(locale)
    order = "DMY" if foreign is None else foreign.date_order  # ours read numbers day first
    settings = _dateparser_settings(tz_name, relative_base, order)
    code = locale if foreign is None else foreign.code
    return DateDataParser(languages=[code], settings=settings)


# dateparser's answer is a function of the text, the zone and the base alone, so it is kept for
# the texts a crawl meets again and again; pages fetched within the same second (the ``Date``
# header's resolution) share the base. Bounded, so a long crawl's memory stays flat.
@lru_cache(maxsize=512)
def _dateparser_read(
    tz_name: str, relative_base: datetime, clean: str, locale: str = "ru"
) -> tuple[datetime | None, str | None]:
    """dateparser's date and period for ``clean`` in ``locale``; (None, None) if it finds none."""
    try:
        # Russian, the usual case, by the parser's default locale: one cached parser either way.
        extra = () if locale == "ru" else (locale,)
        data = _date_data_parser(tz_name, relative_base, *extra).get_date_data(clean)
    except Exception:  # a heuristic third-party parser: any failure of it means "no date"
        data = None
    if data is None or data.date_obj is None:
        _remember_dateless((locale, clean))
        return None, None
    return data.date_obj, data.period


# Texts dateparser found no date in. Whether it finds one does not depend on the base (that
# only moves the date it computes), so these are kept across bases: an info line's "Автор:"
# and "admin" pieces reach the fallback on every article page, and each second's new base
# would otherwise send them to dateparser again (~0.5 ms each). Insertion-ordered, the oldest
# forgotten first, so a long crawl's memory stays flat.
_DATELESS: dict[tuple[str, str], None] = {}  # (locale, text)
_DATELESS_MAX: Final = 4096


def _remember_dateless(key: tuple[str, str]) -> None:
    if len(_DATELESS) >= _DATELESS_MAX:
        del _DATELESS[next(iter(_DATELESS))]
    _DATELESS[key] = None


def _dateparser_zone_name(zone: tzinfo) -> str | None:
    if isinstance(zone, ZoneInfo):
        return zone.key
    if isinstance(zone, timezone):
        minutes = int(zone.utcoffset(None).total_seconds()) // 60
        sign = "-" if minutes < 0 else "+"
        return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return None


_CYRILLIC = re.compile(f"[{_CYR}]")


def _locale(lang: str | None, clean: str) -> str:
    """dateparser's locale for ``clean`` on a page in ``lang`` (our key): Russian if none."""
    if lang is None:
        return "ru"
    if lang == "uz":  # the script is the text's own
        return "uz-Cyrl" if _CYRILLIC.search(clean) else "uz-Latn"
    return lang


def _fallback(clean: str, raw: str, ctx: _Ctx, lang: str | None) -> Timestamp | None:
    locale = _locale(lang, clean)
    if not _worth_asking(clean, locale):
        return None
    foreign = None if locale in _VOCABULARIES else _foreign(locale)
    if foreign is not None:
        clean = _date_start(clean, foreign)
    if (locale, clean) in _DATELESS:
        return None
    tz_name = _dateparser_zone_name(ctx.zone)
    if tz_name is None:
        return None
    base = ctx.local_now.replace(tzinfo=None)
    found, period = _dateparser_read(tz_name, base, clean, locale)
    if found is None or found.utcoffset() is None:
        return None
    precision: Precision
    if period == "time":
        precision = _time_precision(clean, foreign)
        named = _NAMED_ZONE.search(clean)
        try:
            zone = (_zone_at(clean, named.start())[0] if named else None) or ctx.zone
        except ValueError:  # МСК+2 and the like: we do not guess
            return None
        value = _express(found, zone)
    elif period in ("day", "week"):
        # dateparser gives date-only words the crawl's time of day; the day is all we know.
        day = found.astimezone(ctx.zone).date()
        value = _at(ctx.zone, ctx.limit, day.year, day.month, day.day, _MIDNIGHT)
        precision = "day"
    else:  # month, year, quarter, part of day: not a timestamp
        return None
    result = _finish(value, precision, raw, ctx)
    return result if isinstance(result, Timestamp) else None


def _parse_fast(
    text: str, *, now: datetime, tz: str | tzinfo = DEFAULT_TZ, lang: str | None = None
) -> Timestamp | None:
    """The regex fast path alone (for tests and benchmarks)."""
    found = _fast(_normalise(text), text, _context(now, tz, now.fold), _language(lang))
    return found if isinstance(found, Timestamp) else None


def _parse_fallback(
    text: str, *, now: datetime, tz: str | tzinfo = DEFAULT_TZ, lang: str | None = None
) -> Timestamp | None:
    """The dateparser fallback alone (for tests and benchmarks)."""
    return _fallback(_normalise(text), text, _context(now, tz, now.fold), _language(lang))


@lru_cache(maxsize=64)
def _language(lang: str | None) -> str | None:
    """Our key for a language tag ("uz-Cyrl", "kk_KZ", "EN"); for any other language its
    primary tag, with its script if it names one (dateparser's names: "de", "sr-Latn").

    >>> [_language(tag) for tag in ("ru-RU", "uz", "uz_Latn", "UZ-CYRL", "kk", "de-AT", None)]
    ['ru', 'uz', 'uz-Latn', 'uz-Cyrl', 'kk', 'de', None]
    >>> _language("sr_latn_RS"), _language("zh-Hant-TW"), _language(" ")
    ('sr-Latn', 'zh-Hant', None)
    """
    primary, _, rest = lang.strip().lower().replace("_", "-").partition("-") if lang else ("",) * 3
    if not primary:
        return None
    script = rest.partition("-")[0]
    if primary == "uz":
        return {"latn": "uz-Latn", "cyrl": "uz-Cyrl"}.get(script, "uz")
    if primary in _VOCABULARIES:
        return primary
    return f"{primary}-{script.title()}" if len(script) == 4 and script.isalpha() else primary


def parse_timestamp(
    text: object, *, now: datetime, tz: str | tzinfo = DEFAULT_TZ, lang: str | None = None
) -> Timestamp | None:
    """The first timestamp in ``text``, read as the site in zone ``tz`` meant it at ``now``.

    ``now`` is the aware moment of the fetch; ``tz`` an IANA name or a tzinfo; ``lang`` the
    page's or site's language tag (``ru``, ``uz``, ``uz-Latn``, ``uz-Cyrl``, ``kk``, ``en``):
    every language's words are read whatever it is, and it settles only the words that
    depend on it and dateparser's locale (None: Russian; another language dateparser knows,
    ``de``, ``fr``: that one; one it does not: no fallback). Returns None
    for text without a timestamp, an impossible one, or one later than ``now`` plus
    ``SKEW_TOLERANCE``. Never raises for any ``text``; a naive ``now`` (ValueError) or an
    unknown ``tz`` (ZoneInfoNotFoundError) are the caller's errors and do raise.

    >>> from datetime import datetime, timezone
    >>> now = datetime(2025, 12, 11, 21, 30, tzinfo=timezone.utc)  # 02:30 on the 12th
    >>> ts = parse_timestamp("Вчера, 23:59", now=now)
    >>> ts.isoformat(), ts.precision
    ('2025-12-11T23:59:00+05:00', 'minute')
    >>> parse_timestamp("3 дня назад", now=now).isoformat()
    '2025-12-09T00:00:00+05:00'
    >>> parse_timestamp("11 декабря, 17:13", now=now, tz="Europe/Moscow").isoformat()
    '2025-12-11T17:13:00+03:00'
    >>> print(parse_timestamp("Сегодня, 25:61", now=now))
    None
    """
    if not isinstance(text, str):
        return None
    ctx = _context(now, tz, now.fold)
    clean = _normalise(text)
    if not clean:
        return None
    key = _language(lang) if lang else None
    found = _fast(clean, text, ctx, key)
    if isinstance(found, Timestamp):
        return found
    if found is _Miss.REJECTED:
        return None
    return _fallback(clean, text, ctx, key)


# --- HTML -----------------------------------------------------------------------------


def _class_has(word: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {word} ')"


# Where a page states its publication time, most trustworthy first.
_STRUCTURED: Final = [
    etree.XPath(
        "//meta[@property='article:published_time' or @name='article:published_time']/@content"
    ),
    etree.XPath("//time[@itemprop='datePublished']/@datetime"),
    etree.XPath(f"//time[{_class_has('published')}]/@datetime"),
    etree.XPath("//article//time/@datetime | //main//time/@datetime"),
]
# Meta tags that state the first publication, in the order they are trusted (names and
# properties lowercased); the generic extractor reads the same list.
PUBLISHED_META: Final = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "article.published",
    "article_date_original",
    "originalpublicationdate",
    "datepublished",
    "date_published",
    "published_time",
    "published_date",
    "published-date",
    "publication_date",
    "publication-date",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.created",
    "dc.date",
    "dcterms.date",
    "date",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "prism.publicationdate",
    "sailthru.date",
    "parsely-pub-date",
    "rnews:datepublished",
    "bt:pubdate",
    "shareaholic:article_published_time",
    "cxenseparse:recs:publishtime",
)
_META_RANK: Final = {name: rank for rank, name in enumerate(PUBLISHED_META)}
_METAS: Final = etree.XPath("//meta[@content]")
# hAtom and Blogger themes: <abbr class="published" title="2020-03-11T22:38:00+05:00">.
_HATOM_PUBLISHED: Final = etree.XPath(f"//*[{_class_has('published')}]/@title")


def _meta_dates(root: Any) -> Iterator[str]:
    """The contents of the publication meta tags, most trusted name first."""
    found = []
    for meta in itertools.islice(_METAS(root), 500):  # a bound on hostile pages
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        rank = _META_RANK.get(key.strip())
        if rank is not None:
            found.append((rank, meta.get("content")))
    found.sort(key=lambda item: item[0])
    return (content for _, content in found)


_ITEMPROP: Final = etree.XPath(
    "//*[@itemprop='datePublished']/@content | //*[@itemprop='datePublished']/@datetime"
)
_ANY_TIME: Final = etree.XPath("//time/@datetime")
_JSON_LD: Final = etree.XPath("//script[contains(@type, 'ld+json')]/text()")
# Where the article itself is (DLE's div.fullstory inside #dle-content). Only the outermost:
# the date lines of one inside another are among the outer one's, and reading each of 2,000
# nested <article> in full took seconds.
_SCOPES: Final = etree.XPath(
    f"(//article | //main | //*[{_class_has('fullstory')}] | //*[@id='dle-content'])"
    f"[not(ancestor::article or ancestor::main or ancestor::*[{_class_has('fullstory')}]"
    " or ancestor::*[@id='dle-content'])]"
)
_CONTAINERS: Final = etree.XPath(
    f".//*[{_class_has('baseinfo')} or contains(@class, 'date') or contains(@class, 'time')]"
    " | .//time | .//*[@itemprop='datePublished']"
)
_STRING: Final = etree.XPath("string()")  # text without comments; any lxml element
_MAX_CONTAINER_TEXT: Final = 200  # longer "date" containers hold whole listings
_ARTICLE_TYPES: Final = ("Article", "BlogPosting", "Report", "NewsArticle")
_UTF8_PARSER: Final = lxml.html.HTMLParser(encoding="utf-8")


def _html_root(source: object) -> Any:
    """An lxml element for any input we accept, or None."""
    source = unwrap(source)
    if isinstance(source, etree._Element):
        return source
    if isinstance(source, bytes):
        # As the extractor decodes them: the <meta> charset unless the bytes contradict it.
        source = decode_page(source)
    if not isinstance(source, str) or not source.strip():
        return None
    try:
        # Encoded as UTF-8 because lxml refuses str holding an XML encoding declaration.
        return lxml.html.document_fromstring(source.encode("utf-8", "replace"), _UTF8_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _json_ld_dates(root: Any) -> Iterator[str]:
    """``datePublished`` values in JSON-LD blocks, article-like objects first."""
    preferred: list[str] = []
    others: list[str] = []
    for block in _JSON_LD(root):
        try:
            stack: list[Any] = [json.loads(block)]
        except (ValueError, RecursionError):
            continue
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(reversed(node))
            elif isinstance(node, dict):
                value = node.get("datePublished")
                if isinstance(value, list):
                    value = value[0] if value else None
                if isinstance(value, dict):
                    value = value.get("@value")
                if isinstance(value, str):
                    # "\ud83d" alone decodes to a surrogate, which no UTF-8 text can hold
                    value = value.encode("utf-8", "replace").decode("utf-8")
                    kind = str(node.get("@type", ""))
                    (preferred if any(t in kind for t in _ARTICLE_TYPES) else others).append(value)
                stack.extend(reversed([v for v in node.values() if isinstance(v, list | dict)]))
    yield from preferred
    yield from others


def _visible_dates(scope: Any) -> Iterator[str]:
    for element in _CONTAINERS(scope):
        text = _STRING(element)
        if len(text) <= _MAX_CONTAINER_TEXT:
            yield text


def _candidates(root: Any) -> Iterator[str]:
    for path in _STRUCTURED:
        yield from path(root)
    yield from _json_ld_dates(root)
    yield from _meta_dates(root)
    yield from _HATOM_PUBLISHED(root)
    yield from _ITEMPROP(root)
    for scope in _SCOPES(root):  # the article's own date line ...
        yield from _visible_dates(scope)
    yield from _ANY_TIME(root)  # ... before a <time> that may sit in a sidebar
    yield from _visible_dates(root)


def published_from_html(
    html: object, *, now: datetime, tz: str | tzinfo = DEFAULT_TZ, lang: str | None = None
) -> Timestamp | None:
    """The publication time of an article page, or None; never raises for any ``html``
    (``now``, ``tz`` and ``lang`` as for :func:`parse_timestamp`).

    ``html`` may be str, bytes (the charset found as a browser would), an lxml element or
    tree, a parsel Selector or a Scrapy response. Structured sources come first
    (``article:published_time``, ``<time datetime>``, JSON-LD, itemprop), then the text of
    date-like elements, inside the article before anywhere else.

    >>> from datetime import datetime, timezone
    >>> now = datetime(2025, 12, 12, 13, 0, tzinfo=timezone.utc)
    >>> page = '<div class="fullstory"><span class="baseinfo">admin | Вчера, 20:45</span></div>'
    >>> published_from_html(page, now=now).isoformat()
    '2025-12-11T20:45:00+05:00'
    """
    root = _html_root(html)
    if root is None:
        return None
    for text in _candidates(root):
        found = parse_timestamp(str(text), now=now, tz=tz, lang=lang)
        if found is not None:
            return found
    return None
