"""The parser's answer: ``Rate``, one currency's row, and ``RateBlock``, a widget's date,
source label and rates. Both are frozen, so a block remembered for a repeated widget can be
handed out again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any


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
