"""The Timestamp type, the site's zone and the context of one call, shared by every reader.

A :class:`Timestamp` is an aware instant, the precision its text gave it and the text. A
call's context (``_Ctx``) holds ``now`` in UTC and on the site's wall clock, the latest
moment a result may name and the dates of today and the days around it. The zone helpers
put a wall time read in some zone at the fixed offset in force then, across DST changes;
``_finish`` applies the rules every result obeys (not after the limit, not before 1990).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from enum import Enum
from functools import lru_cache
from typing import Final, Literal, NamedTuple
from zoneinfo import ZoneInfo

DEFAULT_TZ: Final = "Asia/Tashkent"

# How far after `now` a result may lie. Sites stamp articles with their server's clock and
# we compare with ours; shared-hosting clocks drift by minutes, and CMSs that schedule
# posts stamp them a few minutes early. Ten minutes covers that; anything later is not
# skew but a misreading (a wrong zone, a scheduled post), so it is refused, not guessed.
SKEW_TOLERANCE: Final = timedelta(minutes=10)

Precision = Literal["second", "minute", "hour", "day"]

_MIN_YEAR: Final = 1990
_ONE_DAY: Final = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Timestamp:
    """An aware instant, the precision the text gave it, and the text itself.

    >>> from newsarchive.parsers.timestamps import parse_timestamp
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


def _finish(value: datetime, precision: Precision, raw: str, ctx: _Ctx) -> Timestamp | _Miss:
    if value > ctx.limit or value.year < _MIN_YEAR:
        return _Miss.REJECTED
    return Timestamp(value, precision, raw)
