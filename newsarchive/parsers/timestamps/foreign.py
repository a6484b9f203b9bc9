"""Languages outside our vocabularies, as dateparser's data knows them.

``_foreign`` gathers what the fallback needs of such a language (German, French, Serbian
in Latin script...): dateparser's name for it, its order of numeric dates, the words and
phrases that make a text worth asking about, the words a date may start with and the
units that set the precision of "ago". ``looks_dated`` reads every language's month names
from the same data. dateparser is imported only when the data is first needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, Final, NamedTuple

from newsarchive.parsers.timestamps.model import Precision

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
