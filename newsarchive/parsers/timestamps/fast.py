"""The compiled fast path: one anchor regex for every common form, and a reader a form.

``_normalise`` lower-cases a text, collapses its spaces and rewrites the dates the anchor
does not read (CJK, month-first US) day first; ``_fast`` finds the leftmost form with
``_ANCHOR`` and hands it to its reader (ISO, RFC 2822, a set phrase, ``N <unit> ago``, a
numeric or written-out date, a time alone), which reads the time and zone around it. Each
returns a :class:`Timestamp` or a ``_Miss`` saying whether dateparser is worth asking.
"""

from __future__ import annotations

import html as _html
import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from typing import Final

from newsarchive.parsers.timestamps.model import (
    _MIDNIGHT,
    _ONE_DAY,
    Precision,
    Timestamp,
    _at,
    _at_naive,
    _before_now,
    _Clock,
    _Ctx,
    _express,
    _finish,
    _fixed,
    _Miss,
    _named_zone,
    _relative_days,
    _wall_now,
)
from newsarchive.parsers.timestamps.vocabulary import (
    _CYR,
    _EN_MONTHS,
    _EXACT_UNITS,
    _LETTER,
    _MONTH_ALT,
    _MONTHS,
    _NUMBER_WORDS,
    _PHRASES,
    _PRECISION_RANK,
    _PROSE_MONTH_LANGS,
    _PROSE_MONTHS,
    _RELATIVE_DAYS,
    _UNIT_WORDS,
    _alternation,
    _words,
)

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


# Dates written in forms the anchor does not read, rewritten day first: a CJK date and time
# ("2019年04月13日 09時00分"), and a slashed date that can only be month first ("11/28/2016").
_CJK_DATE: Final = re.compile(r"(\d{4}) ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?日")
_CJK_TIME: Final = re.compile(r"(?<!\d)(\d{1,2}) ?時 ?(\d{1,2}) ?分")
_US_DATE: Final = re.compile(
    r"(?<![\d/])(0?[1-9]|1[0-2])/(1[3-9]|2\d|3[01])/((?:19|20)?\d{2})(?![\d/])"
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
