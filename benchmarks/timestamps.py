"""Speed and agreement of ``parse_timestamp`` against a correctly configured ``dateparser.parse``.

    .venv/bin/python benchmarks/timestamps.py [--rounds N] [--quick]

Builds a realistic mix of the timestamp forms Russian-language news sites print, times both
parsers over the same strings (interleaved in one process; medians of several rounds), and
counts disagreements. Exits 1 if there are any: the fast path must read every common form
exactly as dateparser does. Forms dateparser cannot read (labels around the date, ``только
что``, Cyrillic ``МСК``) are counted separately, not timed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from newsarchive.parsers.timestamps import Timestamp, parse_timestamp
from newsarchive.parsers.timestamps.fallback import _dateparser_settings

TZ = "Asia/Tashkent"
NOW = datetime(2025, 12, 12, 18, 0, tzinfo=ZoneInfo(TZ))
MONTHS = [
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
]  # fmt: skip


def _plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    return few if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else many


def _past_clock(rnd: random.Random) -> tuple[int, int]:
    """A time of day before NOW's, so that "Сегодня, HH:MM" is not in the future."""
    minutes = rnd.randrange(NOW.hour * 60 + NOW.minute)
    return divmod(minutes, 60)


def _date(rnd: random.Random) -> tuple[int, int, int]:
    return rnd.randrange(1, 29), rnd.randrange(1, 13), rnd.randrange(2015, 2025)


def _common(rnd: random.Random) -> dict[str, Callable[[], str]]:
    """The forms both parsers read, by family."""

    def today() -> str:
        return "Сегодня, {:02d}:{:02d}".format(*_past_clock(rnd))

    def yesterday() -> str:
        return f"Вчера, {rnd.randrange(24):02d}:{rnd.randrange(60):02d}"

    def minutes_ago() -> str:
        n = rnd.randrange(1, 60)
        return f"{n} {_plural(n, 'минуту', 'минуты', 'минут')} назад"

    def hours_ago() -> str:
        n = rnd.randrange(1, 24)
        return f"{n} {_plural(n, 'час', 'часа', 'часов')} назад"

    def numeric() -> str:
        d, m, y = _date(rnd)
        return f"{d:02d}.{m:02d}.{y} {rnd.randrange(24):02d}:{rnd.randrange(60):02d}"

    def numeric_date() -> str:
        d, m, y = _date(rnd)
        return f"{d:02d}.{m:02d}.{y}"

    def dle_dashes() -> str:
        d, m, y = _date(rnd)
        return f"{d:02d}-{m:02d}-{y}, {rnd.randrange(24):02d}:{rnd.randrange(60):02d}"

    def month_name() -> str:
        d, m, y = _date(rnd)
        return f"{d} {MONTHS[m - 1]} {y}, {rnd.randrange(24):02d}:{rnd.randrange(60):02d}"

    def month_name_g() -> str:
        d, m, y = _date(rnd)
        return f"{d} {MONTHS[m - 1]} {y} г., {rnd.randrange(24)}:{rnd.randrange(60):02d}"

    def iso() -> str:
        d, m, y = _date(rnd)
        return f"{y}-{m:02d}-{d:02d}T{rnd.randrange(24):02d}:{rnd.randrange(60):02d}:00+05:00"

    return {
        "Сегодня, HH:MM": today,
        "Вчера, HH:MM": yesterday,
        "N минут назад": minutes_ago,
        "N часов назад": hours_ago,
        "DD.MM.YYYY HH:MM": numeric,
        "DD.MM.YYYY": numeric_date,
        "DD-MM-YYYY, HH:MM": dle_dashes,
        "D месяца YYYY, HH:MM": month_name,
        "D месяца YYYY г., H:MM": month_name_g,
        "ISO 8601": iso,
    }


def _unreadable(rnd: random.Random) -> list[str]:
    """Forms seen on real sites that dateparser cannot read at all."""
    d, m, y = _date(rnd)
    return [
        "только что",
        "несколько минут назад",
        f"Опубликовано: {d:02d}.{m:02d}.{y} 17:13",
        f"{d:02d}.{m:02d}.{y} 17:13 • 1234 просмотра",
        "Автор: admin | Вчера, 20:45",
        f"{d:02d}.{m:02d}.{y} 01:05 МСК",
        f"{d} {MONTHS[m - 1]} {y}, 10:35\xa0 12",
        "Thu, 11 Dec 2025 12:13:00 GMT",
    ]


def _dateparser(settings: dict[str, Any]) -> Callable[[str], datetime | None]:
    import dateparser

    def parse(text: str) -> datetime | None:
        found: datetime | None = dateparser.parse(text, languages=["ru"], settings=settings)
        return found

    return parse


def _agrees(ours: Timestamp | None, theirs: datetime | None) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if ours.precision == "day":
        # dateparser gives date-only forms the crawl's time of day: compare the days.
        return ours.value.date() == theirs.astimezone(ours.value.tzinfo).date()
    return ours.value == theirs


def _per_call(parse: Callable[[str], object], texts: list[str], passes: int) -> float:
    """Seconds per call over ``passes`` runs through ``texts``."""
    start = time.perf_counter()
    for _ in range(passes):
        for text in texts:
            parse(text)
    return (time.perf_counter() - start) / (passes * len(texts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="a tiny run, for CI")
    args = parser.parse_args(argv)
    per_family, rounds, passes = (6, 3, 5) if args.quick else (50, args.rounds, 40)

    rnd = random.Random(20251212)
    families = {name: [make() for _ in range(per_family)] for name, make in _common(rnd).items()}
    mix = [text for texts in families.values() for text in texts]
    settings = _dateparser_settings(TZ, NOW.replace(tzinfo=None))
    theirs = _dateparser(settings)

    def ours(text: str) -> Timestamp | None:
        return parse_timestamp(text, now=NOW, tz=TZ)

    # Also the warm-up: dateparser's first call loads its Russian data.
    answers = [(text, ours(text), theirs(text)) for text in mix]
    disagreements = [answer for answer in answers if not _agrees(answer[1], answer[2])]
    unusual = _unreadable(rnd)
    extra = [text for text in unusual if theirs(text) is None]
    extra_ours = sum(ours(text) is not None for text in extra)

    # Interleaved form by form, so that load on the machine hits both parsers alike; the
    # families are the same size, so a round's mean over them is its mean over the mix.
    fast_times: dict[str, list[float]] = {name: [] for name in families}
    slow_times: dict[str, list[float]] = {name: [] for name in families}
    fast_rounds, slow_rounds = [], []
    for _ in range(rounds):
        for name, texts in families.items():
            fast_times[name].append(_per_call(ours, texts, passes))
            slow_times[name].append(_per_call(theirs, texts, 1))
        fast_rounds.append(statistics.mean(times[-1] for times in fast_times.values()))
        slow_rounds.append(statistics.mean(times[-1] for times in slow_times.values()))
    fast, slow = 1 / statistics.median(fast_rounds), 1 / statistics.median(slow_rounds)

    print(f"timestamps: {len(mix)} strings in {len(families)} common forms, {rounds} rounds")
    print(f"  crawl time {NOW.isoformat()} ({TZ})")
    print(f"  parse_timestamp   {fast:>11,.0f} calls/s  ({1e6 / fast:8.1f} µs/call)")
    print(f"  dateparser.parse  {slow:>11,.0f} calls/s  ({1e6 / slow:8.1f} µs/call)")
    print(f"  speed-up          {fast / slow:>11,.0f}x  (goal >= 100x)")
    print("  per form, µs/call (median of rounds): parse_timestamp vs dateparser.parse")
    for name in families:
        f, s = statistics.median(fast_times[name]), statistics.median(slow_times[name])
        print(f"    {name:<24} {f * 1e6:7.1f} vs {s * 1e6:8.1f}  {s / f:6.0f}x")
    print(f"  disagreements     {len(disagreements):>11}  (goal 0)")
    for text, mine, other in disagreements[:20]:
        print(f"    {text!r}: {mine and mine.isoformat()} vs {other and other.isoformat()}")
    print(
        f"  unreadable by dateparser: {len(extra)} of {len(unusual)} extra forms"
        f" (parse_timestamp reads {extra_ours} of them; not timed or compared)"
    )
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
