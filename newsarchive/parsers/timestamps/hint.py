"""``looks_dated``: a cheap test of whether a text may hold a timestamp at all.

For callers that scan every text of a page: numeric and CJK dates, a month name of our
vocabularies beside a number, their relative words, a bare clock in short text, and the
written-out dates of any language dateparser knows, found by their shape (a day, a month
name, a year).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from newsarchive.parsers.timestamps.fast import _normalise
from newsarchive.parsers.timestamps.foreign import _MONTH_KEYS, _dateparser_info, _locale_words
from newsarchive.parsers.timestamps.vocabulary import (
    _LETTER,
    _MONTH_ALT,
    _PHRASES,
    _RELATIVE_DAYS,
    _alternation,
    _words,
)

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
