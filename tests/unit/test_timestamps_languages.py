"""Timestamps in the region's other languages and the forms added with them: 12-hour clocks,
English month-first dates, two-digit years after a month name, composite "ago" phrases."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.parsers.timestamps import (
    SKEW_TOLERANCE,
    Timestamp,
    looks_dated,
    parse_timestamp,
    published_from_html,
)
from tests.support.helpers import assert_reads
from tests.support.timestamp_paths import parse_fallback

TASH = "Asia/Tashkent"  # UTC+5
ALMATY = "Asia/Almaty"  # UTC+6 until 1 March 2024, UTC+5 since


def at(zone: str, y: int, mo: int, d: int, h: int, mi: int) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(zone))


NY = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)  # 05:00 on 1 January in Tashkent and Almaty
T18 = at(TASH, 2025, 12, 12, 18, 0)  # 13:00 UTC
A18 = at(ALMATY, 2025, 12, 12, 18, 0)
A0230 = at(ALMATY, 2025, 12, 12, 2, 30)  # 21:30 UTC the day before
MAR31 = at(TASH, 2025, 3, 31, 12, 0)  # a month back has no 31st

# (text, crawl moment, site zone, lang, expected ISO instant or None, expected precision)
Case = tuple[str, datetime, str, str | None, str | None, str | None]
CASES: list[Case] = [
    # 12-hour clocks: a bare time is the most recent such moment in the site's zone
    ("9:05 PM", NY, "UTC", None, "2025-12-31T21:05:00+00:00", "minute"),
    ("9:05 PM", NY, TASH, None, "2025-12-31T21:05:00+05:00", "minute"),
    ("9:05 pm", T18, TASH, "en", "2025-12-11T21:05:00+05:00", "minute"),
    ("9:05 p.m.", T18, "UTC", None, "2025-12-11T21:05:00+00:00", "minute"),
    ("9:05PM", T18, TASH, None, "2025-12-11T21:05:00+05:00", "minute"),
    ("9:05 AM", T18, TASH, None, "2025-12-12T09:05:00+05:00", "minute"),
    ("12:30 AM", T18, TASH, None, "2025-12-12T00:30:00+05:00", "minute"),
    ("12:30 AM", NY, "UTC", None, "2025-12-31T00:30:00+00:00", "minute"),
    ("12:15 PM", T18, TASH, None, "2025-12-12T12:15:00+05:00", "minute"),
    ("12:15 PM", T18, ALMATY, None, "2025-12-12T12:15:00+05:00", "minute"),
    ("5:59:30 PM", T18, TASH, None, "2025-12-12T17:59:30+05:00", "second"),
    ("Dec 30, 2025 9:05 PM", NY, TASH, None, "2025-12-30T21:05:00+05:00", "minute"),
    ("Dec 30, 2025 at 9:05 PM", NY, "UTC", "en", "2025-12-30T21:05:00+00:00", "minute"),
    ("30.12.2025 9:05 PM", NY, "UTC", None, "2025-12-30T21:05:00+00:00", "minute"),
    ("yesterday at 9:30 PM", T18, TASH, "en", "2025-12-11T21:30:00+05:00", "minute"),
    ("today, 9:30 PM", T18, TASH, "en", None, None),  # still to come
    ("13:05 PM", T18, TASH, None, None, None),  # no 12-hour clock
    ("0:30 AM", T18, TASH, None, None, None),
    # Forms written in other scripts or orders, rewritten before reading: a CJK date and
    # time, a slashed date that can only be month first; one that can be day first stays so
    ("2019年04月13日 09時00分", T18, TASH, None, "2019-04-13T09:00:00+05:00", "minute"),
    ("2019 年 4 月 13 日", T18, TASH, None, "2019-04-13T00:00:00+05:00", "day"),
    ("11/28/2016 04:23", T18, "UTC", "en", "2016-11-28T04:23:00+00:00", "minute"),
    ("11/12/2016", T18, "UTC", "en", "2016-12-11T00:00:00+00:00", "day"),
    ("13/28/2016", T18, "UTC", "en", None, None),
    # English dates, month first or day first, a weekday or an ordinal allowed
    ("March 11, 2020", T18, TASH, None, "2020-03-11T00:00:00+05:00", "day"),
    ("Mar 11, 2020", T18, TASH, None, "2020-03-11T00:00:00+05:00", "day"),
    ("Mar. 11, 2020", T18, TASH, "en", "2020-03-11T00:00:00+05:00", "day"),
    ("March 11th, 2020", T18, TASH, None, "2020-03-11T00:00:00+05:00", "day"),
    ("Tuesday, March 11, 2025", T18, TASH, None, "2025-03-11T00:00:00+05:00", "day"),
    ("Dec 30, 2025 9:05 PM", T18, TASH, None, None, None),  # in the future
    ("December 30, 2025, 21:05", NY, TASH, None, "2025-12-30T21:05:00+05:00", "minute"),
    ("December 30, 2025, 21:05", NY, ALMATY, "en", "2025-12-30T21:05:00+05:00", "minute"),
    ("11 March 2020", T18, TASH, None, "2020-03-11T00:00:00+05:00", "day"),
    ("11 Mar 2020 17:13", T18, TASH, None, "2020-03-11T17:13:00+05:00", "minute"),
    ("11 March 2020 17:13", T18, "UTC", None, "2020-03-11T17:13:00+00:00", "minute"),
    ("March 11", T18, TASH, None, "2025-03-11T00:00:00+05:00", "day"),
    ("December 13", T18, TASH, "en", "2024-12-13T00:00:00+05:00", "day"),
    ("December 12, 17:13", T18, TASH, "en", "2025-12-12T17:13:00+05:00", "minute"),
    ("May 11", T18, TASH, "en", "2025-05-11T00:00:00+05:00", "day"),
    ("May 11", T18, TASH, None, None, None),  # "may" may be a verb: only with lang
    ("2 may", T18, TASH, "uz", "2025-05-02T00:00:00+05:00", "day"),
    ("11-dec-2025", T18, TASH, None, "2025-12-11T00:00:00+05:00", "day"),
    # Two-digit years: the latest 19yy or 20yy not in the future
    ("2 Декабрь 95 11:15", T18, TASH, None, "1995-12-02T11:15:00+05:00", "minute"),
    ("2 Декабрь 95 11:15", NY, "UTC", "ru", "1995-12-02T11:15:00+00:00", "minute"),
    ("2 декабря 24, 11:15", T18, TASH, None, "2024-12-02T11:15:00+05:00", "minute"),
    ("2 Декабрь 95", T18, TASH, None, None, None),  # a year or a counter: not guessed
    ("11 декабря 12", T18, TASH, None, None, None),
    ("11.12.95", T18, TASH, None, "1995-12-11T00:00:00+05:00", "day"),
    ("11.12.95 17:13", T18, TASH, None, "1995-12-11T17:13:00+05:00", "minute"),
    ("13.12.25", T18, TASH, None, None, None),  # 2025 is to come, 1925 before the web
    ("11.12.89", T18, TASH, None, None, None),
    # Composite "ago": calendar months and years, the finest unit's precision
    (
        "1 год, 1 месяц, 1 неделя, 1 день, 1 час и 1 минуту назад",
        NY,
        "UTC",
        None,
        "2024-11-22T22:59:00+00:00",
        "minute",
    ),
    (
        "1 год, 1 месяц, 1 неделя, 1 день, 1 час и 1 минуту назад",
        NY,
        TASH,
        "ru",
        "2024-11-23T03:59:00+05:00",
        "minute",
    ),
    ("2 часа 15 минут назад", T18, TASH, None, "2025-12-12T15:45:00+05:00", "minute"),
    ("1 день 3 часа назад", T18, TASH, None, "2025-12-11T15:00:00+05:00", "hour"),
    ("1 месяц 2 дня назад", T18, TASH, None, "2025-11-10T00:00:00+05:00", "day"),
    ("2 года 3 часа назад", T18, TASH, None, "2023-12-12T15:00:00+05:00", "hour"),
    ("1 неделя назад", T18, TASH, None, "2025-12-05T00:00:00+05:00", "day"),
    ("1 месяц 1 день назад", MAR31, TASH, None, None, None),  # no 31 February
    ("1 год 2 месяца назад", T18, TASH, None, None, None),  # coarser than a day
    ("1 year 2 days ago", T18, TASH, "en", "2024-12-10T00:00:00+05:00", "day"),
    ("1 hour and 5 minutes ago", T18, TASH, "en", "2025-12-12T16:55:00+05:00", "minute"),
    ("1 yil 2 kun oldin", T18, TASH, "uz", "2024-12-10T00:00:00+05:00", "day"),
    ("2 soat 15 daqiqa oldin", T18, TASH, "uz", "2025-12-12T15:45:00+05:00", "minute"),
    ("1 ай 3 сағат бұрын", A18, ALMATY, "kk", "2025-11-12T15:00:00+05:00", "hour"),
    # Uzbek, Latin script
    ("bugun, 17:13", T18, TASH, "uz", "2025-12-12T17:13:00+05:00", "minute"),
    ("Bugun 17:13", T18, TASH, None, "2025-12-12T17:13:00+05:00", "minute"),
    ("bugun, soat 17:13", T18, TASH, "uz-Latn", "2025-12-12T17:13:00+05:00", "minute"),
    ("Bugun", T18, TASH, "uz", "2025-12-12T00:00:00+05:00", "day"),
    ("kecha, 09:30", T18, TASH, "uz", "2025-12-11T09:30:00+05:00", "minute"),
    ("Kecha, 09:30", T18, TASH, None, "2025-12-11T09:30:00+05:00", "minute"),
    ("Kecha, 23:59", NY, TASH, "uz", "2025-12-31T23:59:00+05:00", "minute"),
    ("bugun, 17:13", NY, TASH, "uz", None, None),  # 05:00 on 1 January: still to come
    ("bugun, 19:00", T18, TASH, "uz", None, None),
    ("ertaga, 10:00", T18, TASH, "uz", None, None),
    ("5 daqiqa oldin", T18, TASH, "uz", "2025-12-12T17:55:00+05:00", "minute"),
    ("5 daqiqa avval", T18, TASH, None, "2025-12-12T17:55:00+05:00", "minute"),
    ("2 soat oldin", T18, TASH, "uz", "2025-12-12T16:00:00+05:00", "hour"),
    ("3 kun oldin", T18, TASH, "uz", "2025-12-09T00:00:00+05:00", "day"),
    ("1 hafta oldin", T18, TASH, "uz", "2025-12-05T00:00:00+05:00", "day"),
    ("30 soniya oldin", T18, TASH, "uz", "2025-12-12T17:59:30+05:00", "second"),
    ("3 oy oldin", T18, TASH, "uz", None, None),
    ("hozirgina", T18, TASH, "uz", "2025-12-12T18:00:00+05:00", "minute"),
    ("Hozirgina", NY, "UTC", None, "2026-01-01T00:00:00+00:00", "minute"),
    ("11 dekabr 2025, 17:13", T18, TASH, "uz", "2025-12-11T17:13:00+05:00", "minute"),
    ("11-dekabr 2025-yil, 17:13", T18, TASH, "uz", "2025-12-11T17:13:00+05:00", "minute"),
    ("2025-yil 11-dekabr", T18, TASH, "uz", "2025-12-11T00:00:00+05:00", "day"),
    ("11 dekabr", T18, TASH, "uz", "2025-12-11T00:00:00+05:00", "day"),
    ("13 dekabr", T18, TASH, "uz", "2024-12-13T00:00:00+05:00", "day"),
    # Uzbek, Cyrillic script
    ("бугун, 17:13", T18, TASH, "uz-Cyrl", "2025-12-12T17:13:00+05:00", "minute"),
    ("Бугун, 17:13", T18, TASH, None, "2025-12-12T17:13:00+05:00", "minute"),
    ("кеча, 09:30", T18, TASH, "uz-Cyrl", "2025-12-11T09:30:00+05:00", "minute"),
    ("Кеча, 09:30", T18, TASH, None, "2025-12-11T09:30:00+05:00", "minute"),
    ("5 дақиқа олдин", T18, TASH, "uz-Cyrl", "2025-12-12T17:55:00+05:00", "minute"),
    ("2 соат олдин", T18, TASH, "uz", "2025-12-12T16:00:00+05:00", "hour"),
    ("3 кун олдин", T18, TASH, None, "2025-12-09T00:00:00+05:00", "day"),
    ("ҳозиргина", T18, TASH, "uz-Cyrl", "2025-12-12T18:00:00+05:00", "minute"),
    ("11 декабр 2025, 17:13", T18, TASH, "uz-Cyrl", "2025-12-11T17:13:00+05:00", "minute"),
    ("11 декабр 2025 йил, 17:13", T18, TASH, None, "2025-12-11T17:13:00+05:00", "minute"),
    # Kazakh, in Almaty (UTC+5 now, UTC+6 before March 2024), and across midnight
    ("бүгін, 17:13", A18, ALMATY, "kk", "2025-12-12T17:13:00+05:00", "minute"),
    ("Бүгін 17:13", A18, ALMATY, None, "2025-12-12T17:13:00+05:00", "minute"),
    ("Кеше, 09:30", A18, ALMATY, "kk", "2025-12-11T09:30:00+05:00", "minute"),
    ("кеше, 09:30", A18, ALMATY, None, "2025-12-11T09:30:00+05:00", "minute"),
    ("Кеше, 23:59", A0230, ALMATY, "kk", "2025-12-11T23:59:00+05:00", "minute"),
    ("бүгін, 02:35", A0230, ALMATY, "kk", "2025-12-12T02:35:00+05:00", "minute"),
    ("бүгін, 17:13", A0230, ALMATY, "kk", None, None),
    ("ертең, 10:00", A18, ALMATY, "kk", None, None),
    ("5 минут бұрын", A18, ALMATY, "kk", "2025-12-12T17:55:00+05:00", "minute"),
    ("5 минут бұрын", A0230, ALMATY, None, "2025-12-12T02:25:00+05:00", "minute"),
    ("2 сағат бұрын", A18, ALMATY, "kk", "2025-12-12T16:00:00+05:00", "hour"),
    ("3 сағат бұрын", A0230, ALMATY, "kk", "2025-12-11T23:30:00+05:00", "hour"),
    ("3 күн бұрын", A18, ALMATY, "kk", "2025-12-09T00:00:00+05:00", "day"),
    ("1 апта бұрын", A18, ALMATY, "kk", "2025-12-05T00:00:00+05:00", "day"),
    ("жаңа ғана", A18, ALMATY, "kk", "2025-12-12T18:00:00+05:00", "minute"),
    ("11 желтоқсан 2025, 17:13", A18, ALMATY, "kk", "2025-12-11T17:13:00+05:00", "minute"),
    ("11 желтоқсан 2023, 17:13", A18, ALMATY, None, "2023-12-11T17:13:00+06:00", "minute"),
    ("11 желтоқсан 2025 ж., 17:13", A18, ALMATY, "kk", "2025-12-11T17:13:00+05:00", "minute"),
    ("2025 жылғы 11 желтоқсан", A18, ALMATY, "kk", "2025-12-11T00:00:00+05:00", "day"),
    ("11 желтоқсан 2025, 17:13", T18, TASH, "kk", "2025-12-11T17:13:00+05:00", "minute"),
    ("11 желтоқсанда", A18, ALMATY, "kk", None, None),  # the locative is not read
    # English relative forms
    ("today, 17:13", T18, TASH, "en", "2025-12-12T17:13:00+05:00", "minute"),
    ("Today 12:13", T18, "UTC", None, "2025-12-12T12:13:00+00:00", "minute"),
    ("yesterday 09:30", T18, TASH, "en", "2025-12-11T09:30:00+05:00", "minute"),
    ("Yesterday, 09:30", A0230, ALMATY, None, "2025-12-11T09:30:00+05:00", "minute"),
    ("5 minutes ago", T18, TASH, "en", "2025-12-12T17:55:00+05:00", "minute"),
    ("a minute ago", T18, TASH, "en", "2025-12-12T17:59:00+05:00", "minute"),
    ("2 hours ago", T18, TASH, "en", "2025-12-12T16:00:00+05:00", "hour"),
    ("an hour ago", NY, "UTC", "en", "2025-12-31T23:00:00+00:00", "hour"),
    ("3 days ago", T18, TASH, "en", "2025-12-09T00:00:00+05:00", "day"),
    ("3 days ago", A0230, ALMATY, None, "2025-12-09T00:00:00+05:00", "day"),
    ("just now", T18, TASH, "en", "2025-12-12T18:00:00+05:00", "minute"),
    ("2 months ago", T18, TASH, "en", None, None),
    # Never "a minute ago": numbers beyond the fast path's are left to dateparser.
    ("10000 minutes ago", T18, TASH, "en", "2025-12-05T19:20:00+05:00", "minute"),
    ("12345 минут назад", T18, TASH, None, "2025-12-04T04:15:00+05:00", "minute"),
]


def _case_id(case: Case) -> str:
    return f"{case[0]!r}@{case[1].isoformat()}/{case[2]}/{case[3]}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_table(case: Case) -> None:
    text, now, tz, lang, expected, precision = case
    found = parse_timestamp(text, now=now, tz=tz, lang=lang)
    assert_reads(found, text, expected, precision)


def test_table_rows_are_unique() -> None:
    keys = [case[:4] for case in CASES]
    assert len(keys) == len(set(keys))


MONTHS = {
    "uz": "yanvar fevral mart aprel may iyun iyul avgust sentabr oktabr noyabr dekabr",
    "uz-Latn": "yanvar fevral mart aprel may iyun iyul avgust sentyabr oktyabr noyabr dekabr",
    "uz-Cyrl": "январ феврал март апрел май июн июл август сентябр октябр ноябр декабр",
    "kk": "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан",
    "en": "January February March April May June July August September October November December",
}


@pytest.mark.parametrize("lang", [*MONTHS, None])
@pytest.mark.parametrize("number", range(1, 13))
def test_every_month_name(lang: str | None, number: int) -> None:
    names = MONTHS[lang or "uz"].split()
    name = names[number - 1]
    found = parse_timestamp(f"11 {name} 2025, 17:13", now=T18, tz=TASH, lang=lang)
    assert found is not None
    assert found.isoformat() == f"2025-{number:02d}-11T17:13:00+05:00"
    capitalised = parse_timestamp(f"3 {name.capitalize()} 2024", now=T18, tz=TASH, lang=lang)
    assert capitalised is not None
    assert capitalised.isoformat() == f"2024-{number:02d}-03T00:00:00+05:00"


def test_lang_picks_dateparsers_locale() -> None:
    # What the fast path leaves to dateparser is read in the page's language.
    assert parse_fallback("2 soat oldin", now=T18, tz=TASH) is None  # Russian: no date
    found = parse_fallback("2 soat oldin", now=T18, tz=TASH, lang="uz")
    assert found is not None
    assert found.isoformat() == "2025-12-12T16:00:00+05:00"
    found = parse_fallback("3 күн бұрын", now=A18, tz=ALMATY, lang="kk")
    assert found is not None
    assert (found.isoformat(), found.precision) == ("2025-12-09T00:00:00+05:00", "day")
    found = parse_fallback("кеча, 09:30", now=T18, tz=TASH, lang="uz")  # Cyrillic: uz-Cyrl
    assert found is not None
    assert found.isoformat() == "2025-12-11T09:30:00+05:00"


@pytest.mark.parametrize(
    ("lang", "key"),
    [("uz_UZ", "uz"), ("uz-Latn-UZ", "uz-Latn"), ("KK-kz", "kk"), ("de", None), ("", None)],
)
def test_lang_tags_are_read_loosely(lang: str, key: str | None) -> None:
    # "may" is a month on English and Uzbek pages only, so it shows which language was read.
    found = parse_timestamp("2 may", now=T18, tz=TASH, lang=lang)
    assert (found is not None) == (key in ("uz", "uz-Latn"))


def test_published_from_html_passes_lang() -> None:
    page = '<div class="post-date">2 may, 09:30</div>'
    assert published_from_html(page, now=T18, tz=TASH) is None
    found = published_from_html(page, now=T18, tz=TASH, lang="en")
    assert found is not None
    assert found.isoformat() == "2025-05-02T09:30:00+05:00"


# --- properties ---------------------------------------------------------------------------

ZONES = [TASH, ALMATY, "UTC", "Asia/Bishkek", "Europe/Moscow"]
nows = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2035, 12, 31),
    timezones=st.sampled_from([ZoneInfo(z) for z in ZONES]),
    allow_imaginary=False,
)
VOCABULARY = {
    "uz": {
        "days": ["bugun", "Bugun", "kecha", "Kecha", "ertaga"],
        "units": ["soniya", "daqiqa", "soat", "kun", "hafta", "oy", "yil"],
        "ago": ["oldin", "avval"],
        "months": [*MONTHS["uz"].split(), "sentyabr", "oktyabr"],
        "now": ["hozirgina"],
    },
    "uz-Cyrl": {
        "days": ["бугун", "Бугун", "кеча", "Кеча", "эртага"],
        "units": ["сония", "дақиқа", "соат", "кун", "ҳафта", "ой", "йил"],
        "ago": ["олдин", "аввал"],
        "months": MONTHS["uz-Cyrl"].split(),
        "now": ["ҳозиргина"],
    },
    "kk": {
        "days": ["бүгін", "Бүгін", "кеше", "Кеше", "ертең"],
        "units": ["секунд", "минут", "сағат", "күн", "апта", "ай", "жыл"],
        "ago": ["бұрын"],
        "months": MONTHS["kk"].split(),
        "now": ["жаңа ғана"],
    },
    "en": {
        "days": ["today", "Today", "yesterday", "Yesterday", "tomorrow"],
        "units": ["seconds", "minute", "minutes", "hours", "an hour", "days", "weeks", "months"],
        "ago": ["ago"],
        "months": [*MONTHS["en"].split(), "Dec", "Sept", "Mar."],
        "now": ["just now", "a few minutes ago"],
    },
}


@st.composite
def texts(draw: st.DrawFn, lang: str) -> str:
    words = VOCABULARY[lang]
    n, d, y = draw(st.integers(0, 400)), draw(st.integers(0, 40)), draw(st.integers(0, 2100))
    hh, mm = draw(st.integers(0, 25)), draw(st.integers(0, 61))
    clock = draw(st.sampled_from([f"{hh:02d}:{mm:02d}", f"{hh}:{mm:02d} PM", f"{hh}:{mm:02d} am"]))
    unit, ago = draw(st.sampled_from(words["units"])), draw(st.sampled_from(words["ago"]))
    unit2 = draw(st.sampled_from(words["units"]))
    month, day = draw(st.sampled_from(words["months"])), draw(st.sampled_from(words["days"]))
    return draw(
        st.sampled_from(
            [
                f"{day}, {clock}",
                f"{day} {clock}",
                day,
                f"{n} {unit} {ago}",
                f"{n} {unit}, {d} {unit2} {ago}",
                f"{d} {month} {y}, {clock}",
                f"{d}-{month} {y}-yil",
                f"{y} жылғы {d} {month}",
                f"{d} {month}",
                f"{month} {d}, {y} {clock}",
                f"{month} {d}",
                f"{d} {month} {y % 100:02d} {clock}",
                f"{d}.{month}.{y % 100}",
                clock,
                draw(st.sampled_from(words["now"])),
            ]
        )
    )


def _check(found: Timestamp | None, now: datetime) -> None:
    if found is None:
        return
    # In UTC: arithmetic on a zoned datetime is wall-clock and drops its fold.
    assert found.value <= now.astimezone(UTC) + SKEW_TOLERANCE
    assert found.value.year >= 1990
    assert type(found.value.tzinfo) is timezone
    if found.precision == "day":
        assert found.value.time() == datetime.min.time()


@pytest.mark.parametrize("lang", [*VOCABULARY, None])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), now=nows, tz=st.sampled_from(ZONES))
def test_never_in_the_future(lang: str | None, data: st.DataObject, now: datetime, tz: str) -> None:
    text = data.draw(texts(lang or data.draw(st.sampled_from(list(VOCABULARY)))))
    _check(parse_timestamp(text, now=now, tz=tz, lang=lang), now)


MINUTES = {
    "uz": "daqiqa oldin",
    "uz-Cyrl": "дақиқа олдин",
    "kk": "минут бұрын",
    "en": "minutes ago",
}


@pytest.mark.parametrize("lang", [*MINUTES, None])
@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 9999), now=nows, tz=st.sampled_from(ZONES))
def test_minutes_ago_are_exact(lang: str | None, n: int, now: datetime, tz: str) -> None:
    text = f"{n} {MINUTES[lang or 'kk']}"
    found = parse_timestamp(text, now=now, tz=tz, lang=lang)
    assert found is not None
    assert found.value == now.astimezone(UTC) - timedelta(minutes=n)  # exact, not wall time
    assert found.precision == "minute"


@settings(max_examples=100, deadline=None)
@given(
    now=nows,
    tz=st.sampled_from(ZONES),
    hour=st.integers(1, 12),
    minute=st.integers(0, 59),
    half=st.sampled_from(["AM", "PM", "a.m.", "pm"]),
)
def test_twelve_hour_clocks_match_the_24_hour_ones(
    now: datetime, tz: str, hour: int, minute: int, half: str
) -> None:
    twenty_four = hour % 12 + (12 if half[0] in "Pp" else 0)
    found = parse_timestamp(f"{hour}:{minute:02d} {half}", now=now, tz=tz, lang="en")
    same = parse_timestamp(f"{twenty_four:02d}:{minute:02d}", now=now, tz=tz)
    assert found is not None
    assert same is not None
    assert found.value == same.value
    assert re.fullmatch(r".*T\d\d:\d\d:00[+-]\d\d:\d\d", found.isoformat())


@pytest.mark.parametrize(
    ("text", "dated"),
    [
        ("Bugun, 17:13", True),
        ("5 daqiqa oldin", True),
        ("11-dekabr 2025-yil", True),
        ("кеча, 09:30", True),
        ("2 соат олдин", True),
        ("11 желтоқсан 2025", True),
        ("Кеше", True),
        ("3 күн бұрын", True),
        ("March 11, 2020", True),
        ("2 hours ago", True),
        ("2019年04月13日", True),
        ("11/28/2016", True),
        ("Сегодня, 17:13", True),
        ("17:13", True),  # a bare clock in short text
        ("Biz haqimizda", False),
        ("Жаңалықтар мұрағаты", False),
        ("market 10", False),
        ("Курс валют ЦБ", False),
        # a clock in long text is not a date line's: prose mentions times
        ("Поезд отправится в 17:13 с первой платформы, сообщили в пресс-службе дороги", False),
    ],
)
def test_looks_dated_knows_every_vocabulary(text: str, dated: bool) -> None:
    assert looks_dated(text) is dated
