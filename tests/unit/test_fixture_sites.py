"""The fixture sites' pure parts: site names, Russian plurals and "ago" stamps, template
sections, and the feed pages rendered in-process on frozen and shifted clocks.

No server here: tests/e2e/test_fixture_sites.py serves the sites over HTTP (and imports the
helpers below).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from lxml.html import HtmlElement

from newsarchive.demo.server import (
    FixtureSite,
    default_fixture_root,
    fixture_root,
    format_ago,
    format_day_header,
    ru_plural,
)

ROOT = Path(__file__).resolve().parents[2]
FEED = ROOT / "fixtures" / "feed-site"
PLAIN = ROOT / "fixtures" / "plain-site"
PLAIN_NOW = "2025-12-12T00:10:00+05:00"  # the plain site's reference_now: just after midnight
# Hard cases (see the sites' README.md files).
NEWEST = "/2025/12/11/parlament-prinyal-byudzhet/"


class Fetched:
    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def content_type(self) -> str:
        return str(self.headers.get("Content-Type", ""))

    @property
    def text(self) -> str:
        """Decoded as a browser would: the header's charset, else the meta tag's."""
        match = re.search(r"charset=([\w-]+)", self.content_type)
        if match is None:
            match = re.search(rb"charset=([\w-]+)", self.body[:1024])
            assert match is not None, "no charset anywhere"
            return self.body.decode(match[1].decode("ascii"))
        return self.body.decode(match[1])

    @property
    def doc(self) -> HtmlElement:
        return lxml.html.fromstring(self.text)


def records(root: Path, name: str) -> list[dict[str, Any]]:
    lines = (root / "expected" / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def text_of(element: HtmlElement) -> str:
    """The element's visible text, white space collapsed (scripts left out)."""
    return " ".join(" ".join(element.xpath(".//text()[not(ancestor::script)]")).split())


def one(doc: HtmlElement, css: str) -> HtmlElement:
    found = doc.cssselect(css)
    assert len(found) == 1, (css, len(found))
    return found[0]


def at(root: Path, moment: str) -> FixtureSite:
    """The site rendered in-process on a frozen clock reading ``moment`` (shift zero)."""
    frozen = datetime.fromisoformat(moment)
    return FixtureSite(root, site_now=frozen, clock=lambda: frozen)


def render(site: FixtureSite, path: str) -> HtmlElement:
    status, headers, body = site.render(path, base_url="http://example.test")
    assert status == 200, path
    return Fetched(status, headers, body).doc


def lenta(doc: HtmlElement) -> list[str]:
    """The feed table as lines: ``# header`` (``# <js>``: by script) or ``HH:MM /path``."""
    lines = []
    for row in one(doc, "table.lenta").cssselect("tr"):
        head = row.cssselect("td.dayhead")
        if head:
            lines.append("# " + (text_of(head[0]) or "<js>" * bool(head[0].cssselect("script"))))
        else:
            href = one(row, "td.title a").get("href")
            lines.append(f"{text_of(one(row, 'td.time'))} {href}")
    return lines


def resolve_feed(lines: list[str], now: datetime) -> dict[str, datetime]:
    """What a crawler must do with the feed: headers, today by script, and the rule that a
    later item with a larger time belongs to the previous day."""
    resolved: dict[str, datetime] = {}
    day: date | None = None
    previous: str | None = None
    for line in lines:
        if line.startswith("# "):
            label = line[2:]
            if label == "<js>":
                day = now.date()
            else:
                day = datetime.strptime(label[-10:], "%d.%m.%Y").date()
            previous = None
            continue
        hhmm, href = line.split()
        if day is None:  # no header at all above the first item: today
            day = now.date()
        elif previous is not None and hhmm > previous:
            day -= timedelta(days=1)
        previous = hhmm
        hour, minute = map(int, hhmm.split(":"))
        resolved[href] = datetime(day.year, day.month, day.day, hour, minute, tzinfo=now.tzinfo)
    return resolved


def test_fixture_root_finds_sites_by_name() -> None:
    assert fixture_root("feed-site") == FEED
    assert fixture_root("plain-site") == PLAIN
    assert fixture_root("demo-site") == default_fixture_root()
    with pytest.raises(FileNotFoundError, match="no-such-site"):
        fixture_root("no-such-site")
    for bad in ("../demo-site", "a/b", ""):
        with pytest.raises(ValueError, match="not a fixture site name"):
            fixture_root(bad)


def test_ru_plurals_and_ago() -> None:
    minutes = {n: f"{n} " + ru_plural(n, "минуту", "минуты", "минут") for n in (1, 2, 5, 11, 21)}
    assert minutes == {1: "1 минуту", 2: "2 минуты", 5: "5 минут", 11: "11 минут", 21: "21 минуту"}
    hours = [f"{n} " + ru_plural(n, "час", "часа", "часов") for n in (1, 2, 4, 5, 12, 21, 22, 23)]
    assert hours == ["1 час", "2 часа", "4 часа", "5 часов", "12 часов", "21 час", "22 часа",
                     "23 часа"]  # fmt: skip
    tz = FixtureSite(FEED).timezone
    now = datetime(2025, 12, 11, 23, 59, 59, tzinfo=tz)
    cases = {
        datetime(2025, 12, 11, 23, 59, tzinfo=tz): "только что",
        datetime(2025, 12, 12, 0, 5, tzinfo=tz): "только что",  # a skewed clock: never negative
        datetime(2025, 12, 11, 2, 30, tzinfo=tz): "21 час назад",
        datetime(2025, 12, 10, 0, 0, tzinfo=tz): "вчера в 00:00",
        datetime(2025, 12, 9, 23, 59, tzinfo=tz): "9 декабря 2025",
        datetime(2025, 1, 1, 12, 0, tzinfo=UTC): "1 января 2025",
    }
    assert {moment: format_ago(moment, now, tz) for moment in cases} == cases
    assert format_day_header(datetime(2025, 12, 11, 20, 0, tzinfo=tz), tz) == "Четверг, 11.12.2025"


def test_sections_keep_or_drop_text() -> None:
    site = at(PLAIN, PLAIN_NOW)  # today is 2025-12-12 in Tashkent
    template = (
        "{{newday:2025-12-12T00:04}}[{{today:2025-12-12T00:04}}JS{{/today}}]{{/newday}}a "
        "{{newday:2025-12-11T23:57}}{{/newday}}b "
        "{{newday:2025-12-11T21:40}}[{{dayheader:2025-12-11T21:40}}]{{/newday}}c "
        "{{newday:2025-12-10T23:50}}[{{nottoday:2025-12-10T23:50}}{{dayheader:2025-12-10T23:50}}"
        "{{/nottoday}}{{today:2025-12-10T23:50}}JS{{/today}}]{{/newday}}d"
    )
    assert site.render_text(template, "http://x") == "[JS]a b c [Среда, 10.12.2025]d"
    for broken in ("{{newday:2025-12-11T21:40}}x", "x{{/newday}}", "{{today}}x{{/today}}",
                   "{{newday:2025-12-11T21:40}}{{/today}}"):  # fmt: skip
        with pytest.raises(ValueError, match="section"):
            site.render_text(broken, "http://x")
    assert site.render_text("{{fmt:2025-12-11T17:13|%H:%M / %d.%m.%Y}}", "") == "17:13 / 11.12.2025"
    assert site.render_text("{{iso:2025-12-11T17:13}}", "") == "2025-12-11T17:13:00+05:00"


@pytest.mark.parametrize(
    ("moment", "newest", "yesterday_2345"),
    [
        ("2025-12-11T17:13:40+06:00", "только что", "вчера в 23:45"),
        ("2025-12-11T17:14:00+06:00", "1 минуту назад", "вчера в 23:45"),
        ("2025-12-11T17:15:59+06:00", "2 минуты назад", "вчера в 23:45"),
        ("2025-12-11T17:24:00+06:00", "11 минут назад", "вчера в 23:45"),
        ("2025-12-11T18:00:00+06:00", "47 минут назад", "вчера в 23:45"),
        ("2025-12-11T19:13:00+06:00", "2 часа назад", "вчера в 23:45"),
        ("2025-12-11T22:14:00+06:00", "5 часов назад", "вчера в 23:45"),
        ("2025-12-12T00:05:00+06:00", "вчера в 17:13", "10 декабря 2025"),
    ],
)
def test_ago_stamps_follow_the_clock(moment: str, newest: str, yesterday_2345: str) -> None:
    site = at(FEED, moment)
    for path, stamp in ((NEWEST, newest), ("/2025/12/10/pervyi-sneg-v-bishkeke/", yesterday_2345)):
        doc = render(site, path)
        assert text_of(one(doc, ".entry-meta time.entry-date.published")) == stamp


def test_plain_feed_resolves_to_true_times_at_any_clock() -> None:
    """On every clock (shifted timelines that put midnight anywhere in the feed) the feed
    resolves to the true times: headers, script headers and the separator-less crossing."""
    expected = {r["url_path"]: r["published_at"] for r in records(PLAIN, "articles.jsonl")}
    real_now = datetime(2031, 7, 1, 0, 0, tzinfo=UTC)
    for step in range(0, 24 * 60, 47):
        clock_now = real_now + timedelta(minutes=step, seconds=13)
        clock: Callable[[], datetime] = lambda now=clock_now: now  # noqa: E731
        site = FixtureSite(PLAIN, site_now=PLAIN_NOW, clock=clock)
        now = site.now()
        resolved: dict[str, datetime] = {}
        for path in ("/news/", "/news/?start=10", "/news/?start=20"):
            resolved |= resolve_feed(lenta(render(site, path)), now)
        assert resolved == {p: site.shift_time(t) for p, t in expected.items()}, step
