"""Timestamps of pages in languages outside our vocabularies (German, French, Spanish...):
read by dateparser in the page's language, with the rules of every result (site zone,
precision, never in the future), and known to ``looks_dated`` by their shape."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from newsarchive.parsers.generic import extract_article
from newsarchive.parsers.timestamps import fallback as timestamps_fallback
from newsarchive.parsers.timestamps import looks_dated, parse_timestamp
from newsarchive.parsers.timestamps.foreign import _foreign
from tests.support.helpers import assert_reads

TASH = "Asia/Tashkent"  # UTC+5
BERLIN = "Europe/Berlin"  # UTC+1 in winter, +2 in summer
T18 = datetime(2025, 12, 12, 18, 0, tzinfo=ZoneInfo(TASH))  # 13:00 UTC, 14:00 in Berlin

# (text, crawl moment, site zone, lang, expected ISO instant or None, expected precision)
Case = tuple[str, datetime, str, str | None, str | None, str | None]
CASES: list[Case] = [
    # German: written-out dates, a label before them, relative days and "vor N <unit>"
    ("12. März 2020", T18, TASH, "de", "2020-03-12T00:00:00+05:00", "day"),
    ("12. März 2020, 17:13", T18, TASH, "de", "2020-03-12T17:13:00+05:00", "minute"),
    ("12. März 2020, 17:13", T18, BERLIN, "de-DE", "2020-03-12T17:13:00+01:00", "minute"),
    ("12. Juli 2020, 17:13 Uhr", T18, BERLIN, "de", "2020-07-12T17:13:00+02:00", "minute"),
    ("Veröffentlicht am 12. März 2020", T18, TASH, "de", "2020-03-12T00:00:00+05:00", "day"),
    ("gestern, 17:13", T18, TASH, "de", "2025-12-11T17:13:00+05:00", "minute"),
    ("heute, 09:30", T18, BERLIN, "de", "2025-12-12T09:30:00+01:00", "minute"),
    ("vor 2 Stunden", T18, TASH, "de", "2025-12-12T16:00:00+05:00", "hour"),
    ("vor 5 Minuten", T18, TASH, "de", "2025-12-12T17:55:00+05:00", "minute"),
    ("vor 30 Sekunden", T18, TASH, "de", "2025-12-12T17:59:30+05:00", "second"),
    ("vor 3 Tagen", T18, TASH, "de", "2025-12-09T00:00:00+05:00", "day"),
    ("Montag, 10:00", T18, TASH, "de", "2025-12-08T10:00:00+05:00", "minute"),
    # French
    ("12 mars 2020", T18, TASH, "fr", "2020-03-12T00:00:00+05:00", "day"),
    ("Publié le 12 mars 2020 à 17h13", T18, TASH, "fr", "2020-03-12T17:13:00+05:00", "minute"),
    ("il y a 3 jours", T18, TASH, "fr", "2025-12-09T00:00:00+05:00", "day"),
    ("hier à 17:13", T18, TASH, "fr-FR", "2025-12-11T17:13:00+05:00", "minute"),
    # Spanish
    ("12 de marzo de 2020", T18, TASH, "es", "2020-03-12T00:00:00+05:00", "day"),
    ("12 de marzo de 2020 17:13", T18, TASH, "es", "2020-03-12T17:13:00+05:00", "minute"),
    ("hace 2 días", T18, TASH, "es", "2025-12-10T00:00:00+05:00", "day"),
    ("ayer, 17:13", T18, TASH, "es", "2025-12-11T17:13:00+05:00", "minute"),
    # Italian
    ("Pubblicato il 12 marzo 2020", T18, TASH, "it", "2020-03-12T00:00:00+05:00", "day"),
    ("12 marzo 2020, 17:13", T18, TASH, "it", "2020-03-12T17:13:00+05:00", "minute"),
    ("3 giorni fa", T18, TASH, "it", "2025-12-09T00:00:00+05:00", "day"),
    # Polish
    ("12 marca 2020", T18, TASH, "pl", "2020-03-12T00:00:00+05:00", "day"),
    ("12 marca 2020, 17:13", T18, TASH, "pl", "2020-03-12T17:13:00+05:00", "minute"),
    ("2 godziny temu", T18, TASH, "pl", "2025-12-12T16:00:00+05:00", "hour"),
    # Turkish ("Mart" is also Uzbek March: the fast path reads it)
    ("12 Mart 2020 17:13", T18, TASH, "tr", "2020-03-12T17:13:00+05:00", "minute"),
    ("12 Mayıs 2020", T18, TASH, "tr", "2020-05-12T00:00:00+05:00", "day"),
    ("2 saat önce", T18, TASH, "tr", "2025-12-12T16:00:00+05:00", "hour"),
    # Portuguese: "em" (in) stays with the date it belongs to
    ("Publicado em 12 de março de 2020", T18, TASH, "pt-BR", "2020-03-12T00:00:00+05:00", "day"),
    ("12 de março de 2020, 17:13", T18, TASH, "pt", "2020-03-12T17:13:00+05:00", "minute"),
    ("há 2 dias", T18, TASH, "pt", "2025-12-10T00:00:00+05:00", "day"),
    # Never in the future, whatever the language
    ("12. März 2030", T18, TASH, "de", None, None),
    ("morgen, 10:00", T18, TASH, "de", None, None),  # not 10:00 today
    ("heute, 19:30", T18, BERLIN, "de", None, None),  # 19:30 in Berlin is to come
    ("em 2 dias", T18, TASH, "pt", None, None),
    ("demain à 17:13", T18, TASH, "fr", None, None),
    # A language dateparser does not know: no fallback, no exception
    ("12. März 2020", T18, TASH, "tlh", None, None),
    ("vor 2 Stunden", T18, TASH, "x-klingon", None, None),
    # Without the page's language the fallback reads Russian
    ("vor 2 Stunden", T18, TASH, None, None, None),
    # Prose is not a date
    ("Die Preise", T18, TASH, "de", None, None),
    ("Le Monde", T18, TASH, "fr", None, None),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]!r}/{c[2]}/{c[3]}" for c in CASES])
def test_table(case: Case) -> None:
    text, now, tz, lang, expected, precision = case
    found = parse_timestamp(text, now=now, tz=tz, lang=lang)
    assert_reads(found, text, expected, precision)


def test_table_rows_are_unique() -> None:
    keys = [case[:4] for case in CASES]
    assert len(keys) == len(set(keys))


def test_date_order_is_the_languages_own() -> None:
    # dateparser's data: German writes numeric dates day first, Japanese year first.
    assert _foreign("de").date_order == "DMY"
    assert _foreign("ja").date_order == "YMD"
    assert _foreign("sr-Latn").code == "sr-Latn"
    assert _foreign("de-Latn").code == "de"  # a script it lacks
    assert _foreign("tlh") is None


def test_prose_is_not_sent_to_dateparser(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = timestamps_fallback._dateparser_read

    def counting(tz_name: str, base: datetime, clean: str, locale: str = "ru") -> object:
        asked.append(clean)
        return real(tz_name, base, clean, locale)

    monkeypatch.setattr(timestamps_fallback, "_dateparser_read", counting)
    for text in ("Die Bundesregierung", "Politik und Wirtschaft", "Il a dit", "En el país"):
        for lang in ("de", "fr", "es"):
            assert parse_timestamp(text, now=T18, tz=TASH, lang=lang) is None
    assert asked == []
    assert parse_timestamp("vor 2 Stunden", now=T18, tz=TASH, lang="de") is not None
    assert asked == ["vor 2 stunden"]


@pytest.mark.parametrize(
    ("text", "dated"),
    [
        ("12. März 2020", True),
        ("Veröffentlicht am 31. Dezember 2019, 17:13", True),
        ("12 mars 2020", True),
        ("1er mars 2020", True),
        ("12 de marzo de 2020", True),
        ("12 de março de 2020", True),
        ("12 marzo 2020", True),
        ("12 marca 2020", True),
        ("12 września 2020", True),
        ("12 Mayıs 2020", True),
        ("12 maart 2020", True),
        ("März 12, 2020", True),
        ("March 12th, 2020", True),
        ("Top 10 Songs 2020", False),
        ("Im Jahr 2020", False),
        ("Preise steigen 2020 um 12 Prozent", False),
        ("Le Monde diplomatique", False),
        ("Politique et société", False),
    ],
)
def test_looks_dated_knows_other_languages(text: str, dated: bool) -> None:
    assert looks_dated(text) is dated


def test_extract_article_reads_a_german_date_line() -> None:
    text = (
        "<p>Die Stadtverwaltung hat vier neue Nachtbuslinien angekündigt, die ab dem kommenden"
        " Monat das Zentrum mit den äußeren Bezirken der Hauptstadt verbinden sollen.</p>"
    )
    html = (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
        "<title>Nachtbusse</title></head><body><main><article>"
        "<h1>Nachtbusse fahren auf vier Linien</h1>"
        '<p class="meta">Veröffentlicht am 12. März 2020, 17:13</p>'
        f"{text * 4}</article></main></body></html>"
    )
    now = datetime(2025, 12, 12, 13, 0, tzinfo=ZoneInfo("UTC"))
    found = extract_article(html, "https://example.de/nachtbusse", now=now, tz=BERLIN).published
    assert found is not None
    assert (found.isoformat(), found.precision) == ("2020-03-12T17:13:00+01:00", "minute")
