"""The shortcuts taken for speed give exactly what the plain way gives.

Each fast path (benchmarks/throughput.py measures what it saves) is checked here against the
straightforward computation it replaces: CSS selectors evaluated on lxml trees against parsel,
white space collapsing against ``" ".join(text.split())``, block reading against text mode,
the rate widget memory against a fresh parse, the early rate filter against the pipelines,
the memory of texts dateparser found no date in against asking it again, and the store's
grouped commits against a killed run.
"""

from __future__ import annotations

import gzip
import json
import random
import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from parsel import Selector
from scrapy.utils.test import get_crawler

from newsarchive import settings as defaults
from newsarchive.archive import Archive
from newsarchive.archive import files as archive_files
from newsarchive.middlewares import KnownRatesFilter
from newsarchive.parsers import rates as rates_module
from newsarchive.parsers.article import _finder
from newsarchive.parsers.rates import parse_rates
from newsarchive.parsers.text import collapse
from newsarchive.parsers.timestamps import fallback as timestamps_fallback
from newsarchive.parsers.timestamps import parse_timestamp
from newsarchive.records import RateItem
from newsarchive.spiders import NewsSpider
from tests.support.helpers import DEMO_SITE, read_jsonl
from tests.support.pipeline_run import NO_DOWNLOADS, PipelineRun, built

PAGES = sorted(DEMO_SITE.glob("pages/**/*.html"))
SELECTORS = [
    ".fullstory h1",
    ".fullstory .maincont > p:first-child > strong",
    ".fullstory .baseinfo a:last-of-type",
    ".fullstory .baseinfo a::attr(href)",
    ".maincont::text",
    "#dle-content .shortstory .btl a",
    ".currency-widget li span.val",
    "meta[property='og:title']::attr(content)",
    ".share, .comments",
    "div.navigation > a:first-child",
    ".nothing-like-this h1",
    "ul > li",
]


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.relative_to(DEMO_SITE).as_posix())
def test_selectors_match_what_parsel_matches(page: Path) -> None:
    selector = Selector(text=page.read_text(encoding="utf-8"))
    find = _finder(selector)
    for css in SELECTORS:
        assert find(css) == [match.root for match in selector.css(css)], css
        for block in selector.css("div")[:20]:
            expected = [match.root for match in block.css(css)]
            assert find(css, block.root) == expected, css


def test_collapse_is_split_and_join_for_every_character() -> None:
    for code in range(0x110000):
        char = chr(code)
        for text in (char, f"a{char}b", f"{char}a", f"a{char}{char}"):
            assert collapse(text) == " ".join(text.split()), hex(code)
    rnd = random.Random(7)
    alphabet = [" ", "  ", "\t", "\n", "\xa0", "\u2028", "\u3000", "\x1f", "a", "б", "."]
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(10)))
        assert collapse(text) == " ".join(text.split()), repr(text)


def _text_mode_lines(path: Path) -> list[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="\n") as handle:
        return list(handle)


@pytest.mark.parametrize("block", [1, 3, 64, 1 << 20])
def test_read_lines_gives_the_lines_text_mode_gives(
    tmp_path: Path, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive_files, "_READ_BLOCK", block)
    rnd = random.Random(block)
    pieces = ['{"a":1}', "б", "\n", "\r\n", "\r", "\u2028", "\x85", "€", "😀", "x" * 100]
    for number in range(150):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(40)))
        for compressed in (False, True):
            path = tmp_path / f"f{number}.jsonl{'.gz' if compressed else ''}"
            path.write_bytes(gzip.compress(text.encode()) if compressed else text.encode())
            assert list(archive_files.read_lines(path)) == _text_mode_lines(path), text


WIDGET = (DEMO_SITE / "pages" / "index.html").read_text(encoding="utf-8")


def _widget(html: str) -> Selector:
    return Selector(text=html).css(".currency-widget")[0]


def test_a_remembered_widget_gives_what_a_fresh_parse_gives() -> None:
    first = parse_rates(_widget(WIDGET))
    again = parse_rates(_widget(WIDGET))
    assert first is not None
    assert again == first
    rates_module._widgets.clear()
    assert parse_rates(_widget(WIDGET)) == first
    # Another value is another widget: never answered from memory.
    changed = WIDGET.replace("12 020.90", "12 021.10", 1)
    assert changed != WIDGET
    block = parse_rates(_widget(changed))
    assert block is not None
    assert block.rates[0].rate == Decimal("12021.10")
    assert parse_rates(_widget(WIDGET)) == first


FETCHED = datetime(2025, 12, 11, 13, 0, 2, tzinfo=UTC)


def _rate(rate: str, currency: str = "USD", url: str = "https://everyday.uz/") -> RateItem:
    return RateItem(
        site="everyday",
        url=url,
        timezone="Asia/Tashkent",
        source="ЦБ",
        as_of=date(2025, 12, 11),
        currency=currency,
        rate=Decimal(rate),
        change=Decimal("17.72"),
        change_percent=None,
        observed_at=FETCHED,
    )


def test_known_rate_rows_leave_before_the_pipelines_and_are_counted(tmp_path: Path) -> None:
    crawl = PipelineRun(tmp_path)
    first = _rate("12020.90")
    # Nothing archived yet: the row goes on, is written, and from then on stays behind.
    assert crawl.yielded(first) == [first]
    assert crawl.feed(first) is not None
    later = _rate("12020.90", url="https://everyday.uz/health/15820-post.html")
    assert crawl.yielded(later, "not a rate") == ["not a rate"]
    assert (crawl.stat("newsarchive/rates/unchanged"), crawl.stat("item_dropped_count")) == (1, 1)
    assert crawl.stat("item_dropped_reasons_count/DropItem") == 1
    # Another currency is new: it goes on.
    euro = _rate("13988.72", currency="EUR")
    assert crawl.yielded(euro) == [euro]
    # A changed value goes on, and the key is left to the pipelines from then on.
    corrected = _rate("12021.10")
    assert crawl.yielded(corrected) == [corrected]
    assert crawl.yielded(later) == [later]
    crawl.close()
    assert [row["rate"] for row in read_jsonl(tmp_path / "everyday" / "rates")] == [12020.9]


def test_an_invalid_rate_row_still_reaches_the_quarantine(tmp_path: Path) -> None:
    crawl = PipelineRun(tmp_path)
    row = _rate("12020.90")
    assert crawl.feed(row) is not None
    broken = _rate("12020.90", url="not a url")  # the same key and value, but no valid record
    assert crawl.yielded(broken) == [broken]
    assert crawl.feed(broken) is None
    crawl.close()
    quarantined = read_jsonl(tmp_path / "everyday" / "quarantine")
    assert [entry["reason"].split()[0] for entry in quarantined] == ["url"]


def test_a_row_like_one_dropped_before_is_judged_again_when_it_may_differ(tmp_path: Path) -> None:
    crawl = PipelineRun(tmp_path)
    assert crawl.feed(_rate("12020.90")) is not None
    page = "https://everyday.uz/health/15820-post.html"
    assert crawl.yielded(_rate("12020.90", url=page)) == []  # judged, and remembered
    assert crawl.yielded(_rate("12020.90", url=page + "?2")) == []  # the remembered verdict
    broken = _rate("12020.90", url="not a url")
    assert crawl.yielded(broken) == [broken]  # same reading, but its record must be quarantined
    corrected = _rate("12021.10")
    assert crawl.yielded(corrected) == [corrected]
    again = _rate("12020.90", url=page)
    assert crawl.yielded(again) == [again]  # the key showed two values: the pipelines decide
    assert crawl.stat("newsarchive/rates/unchanged") == 2
    crawl.close()


def test_a_text_without_a_date_is_not_given_to_dateparser_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[datetime] = []
    real = timestamps_fallback._date_data_parser

    def counting(tz_name: str, base: datetime) -> Any:
        asked.append(base)
        return real(tz_name, base)

    monkeypatch.setattr(timestamps_fallback, "_date_data_parser", counting)
    parse = parse_timestamp
    bases = [datetime(2025, 12, 11, 13, 0, second, tzinfo=UTC) for second in (1, 2, 3)]
    assert parse("Выпуск 12 от 5", now=bases[0]) is None
    assert len(asked) == 1
    assert [parse("Выпуск 12 от 5", now=base) for base in bases[1:]] == [None, None]
    assert len(asked) == 1  # other bases: not asked again
    # A text with a date is still read against each base.
    for base in bases[1:]:
        stamp = parse("в понедельник", now=base)
        assert stamp is not None
        assert stamp.isoformat() == "2025-12-08T00:00:00+05:00"
    assert len(asked) == 3


def test_dateparser_is_not_asked_about_text_it_reads_no_date_in() -> None:
    """Every month, weekday and relative phrase of dateparser's Russian data, alone and with
    numbers, is asked about whenever dateparser would find a date in it."""
    from dateparser.data.date_translation_data.ru import info

    calendar = "january february march april may june july august september october november "
    calendar += "december monday tuesday wednesday thursday friday saturday sunday"
    names = [word.lower() for key in calendar.split() for word in info[key]]
    phrases = [phrase for group in info["relative-type"].values() for phrase in group]
    spans = ("year", "month", "week", "day", "hour", "minute", "second")
    units = [word for key in spans for word in info[key]]
    texts = [*names, *phrases, *(f"5 {name}" for name in names), *(f"в {name}" for name in names)]
    texts += [f"{n} {unit}" for n in ("5", "полчаса", "два") for unit in units]
    texts += [f"{n} {unit} назад" for n in ("5", "два", "") for unit in units]
    texts += [f"через {n} {unit}" for n in ("5", "два", "") for unit in units]
    base = datetime(2025, 12, 11, 18)
    read = [t for t in texts if timestamps_fallback._dateparser_read("Asia/Tashkent", base, t)[0]]
    assert len(read) > 200  # most of them are dates to dateparser
    assert [text for text in read if not timestamps_fallback._worth_asking(text)] == []
    skipped = ["автор: admin", "политика", "экономика", "5", "2018", "поделиться: telegram"]
    assert [text for text in skipped if timestamps_fallback._worth_asking(text)] == []


def test_without_the_deduplication_pipeline_the_filter_passes_everything(tmp_path: Path) -> None:
    project = {name: value for name, value in vars(defaults).items() if name.isupper()}
    pipelines = {
        path: order for path, order in defaults.ITEM_PIPELINES.items() if "Dedup" not in path
    }
    settings = {
        **project,
        "NEWSARCHIVE_DIR": str(tmp_path),
        "ITEM_PIPELINES": pipelines,
        **NO_DOWNLOADS,
    }
    crawler = get_crawler(NewsSpider, settings)
    crawler.spider = crawler._create_spider(site="everyday")
    crawler.engine = crawler._create_engine()
    middleware = built(crawler.get_spider_middleware(KnownRatesFilter))
    middleware.spider_opened()
    rows = [_rate("12020.90"), _rate("12020.90")]
    assert list(middleware.process_spider_output(None, rows)) == rows
    assert not (tmp_path / "everyday").exists()  # the filter opened no archive


def _article(number: int) -> dict[str, Any]:
    return {
        "kind": "article",
        "id": f"s:{number}",
        "version": 1,
        "url": f"https://s/{number}",
        "content_hash": f"h{number}",
        "fetched_at": "2025-12-11T13:00:00Z",
    }


def test_rows_not_yet_committed_are_seen_by_the_run_and_recovered_after_a_kill(
    tmp_path: Path,
) -> None:
    archive = Archive(tmp_path, "s", "run1", roll_records=2)
    archive.open()
    for number in range(5):
        archive.write(_article(number))
    assert archive.known_article("s:4") is not None  # the run sees its own rows
    # Another connection (a killed process's successor) does not see them yet ...
    with sqlite3.connect(tmp_path / "s" / "state.sqlite3") as other:
        assert other.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    # ... and the run dies here: no close, no commit. Its files are published and indexed by
    # the next run, rolled files and the .part alike.
    archive.store._db.close()  # type: ignore[attr-defined]
    from newsarchive.archive import lock

    lock.release(tmp_path / "s")
    again = Archive(tmp_path, "s", "run2")
    again.open()
    assert [again.known_article(f"s:{n}") is not None for n in range(5)] == [True] * 5
    again.close()
    lines = [
        json.loads(line)["id"]
        for path in sorted((tmp_path / "s" / "articles").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert lines == [f"s:{n}" for n in range(5)]
