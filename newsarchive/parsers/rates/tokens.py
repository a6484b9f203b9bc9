"""Text to tokens and lines: a run of text becomes currency, number (with sign, percent and
up/down hint), arrow, date and word tokens; a line names its currencies (longest name first),
drops filler words, marks parenthesised numbers, and is "dirty" (prose) when any other word is
left."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from newsarchive.parsers.rates.vocabulary import (
    _ARROWS,
    _FILLER,
    _FOLD,
    _GROUP_MARK,
    _ISO_CODES,
    _MONTHS,
    _NAME_WORDS,
    _NAMES,
    _SIGNS,
    _SYMBOLS,
    _TOKEN,
)

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
