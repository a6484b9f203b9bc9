"""The dateparser fallback: forms the fast path does not know, in any language dateparser reads.

Only short texts with a number pair or a date word of the page's language are asked about
(``_worth_asking``); dateparser's answers are cached by text, zone and base, and texts it
finds no date in are remembered across bases. Its result is held to the rules of every
result: the site's zone or the one the text names, the precision the text gives, never
after now. dateparser is imported on the first question, never by the fast path.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from newsarchive.parsers.timestamps.fast import _zone_at
from newsarchive.parsers.timestamps.foreign import _LOCALE_WORD, _Foreign, _foreign
from newsarchive.parsers.timestamps.model import (
    _MIDNIGHT,
    Precision,
    Timestamp,
    _at,
    _Ctx,
    _express,
    _finish,
)
from newsarchive.parsers.timestamps.vocabulary import _CYR, _LETTER, _VOCABULARIES

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

# dateparser takes about a millisecond per call and grows with length; labels plus a date
# fit easily, and longer text is prose, where its guesses are not worth having.
_FALLBACK_MAX_LEN: Final = 80
# A zone named anywhere in a text dateparser read a time in: the time is that zone's
# (``_zone_at`` reads the mention and refuses offsets from it, such as МСК+2).
_NAMED_ZONE = re.compile(r"(?<![a-zа-я])(?:мск|msk|utc|gmt)(?![a-zа-я])")


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
    from dateparser.date import DateDataParser

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
