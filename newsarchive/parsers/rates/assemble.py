"""From lines to rates: currencies followed by a rate make rows, later numbers in a row are its
changes, and the change's sign is settled from its written sign, up/down class, the row's
arrows, its partner change or accounting parentheses. ``_Found`` holds what a run of lines
gave (rates, date, source, heading) and says whether it is a widget."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from newsarchive.parsers.rates.blocks import Rate, RateBlock
from newsarchive.parsers.rates.limits import _MAX_PERCENT, _MAX_RATE, _MIN_RATE, _NOMINALS
from newsarchive.parsers.rates.tokens import _ARROW, _CUR, _DATE, _NUM, _SYM, _Line, _Num
from newsarchive.parsers.rates.vocabulary import _HEADING, _SOURCE


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
