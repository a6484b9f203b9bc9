"""Each path of ``parse_timestamp`` alone, for the tests that compare them.

``parse_timestamp`` tries the fast path and asks dateparser only for what it does not know;
these call one path each on the same normalised text, context and language key.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from newsarchive.parsers.timestamps import DEFAULT_TZ, Timestamp
from newsarchive.parsers.timestamps.fallback import _fallback
from newsarchive.parsers.timestamps.fast import _fast, _normalise
from newsarchive.parsers.timestamps.model import _context
from newsarchive.parsers.timestamps.parse import _language


def parse_fast(
    text: str, *, now: datetime, tz: str | tzinfo = DEFAULT_TZ, lang: str | None = None
) -> Timestamp | None:
    """The regex fast path alone."""
    found = _fast(_normalise(text), text, _context(now, tz, now.fold), _language(lang))
    return found if isinstance(found, Timestamp) else None


def parse_fallback(
    text: str, *, now: datetime, tz: str | tzinfo = DEFAULT_TZ, lang: str | None = None
) -> Timestamp | None:
    """The dateparser fallback alone."""
    return _fallback(_normalise(text), text, _context(now, tz, now.fold), _language(lang))
