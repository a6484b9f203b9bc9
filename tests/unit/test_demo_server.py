"""The demo site's pure parts: its clock, its stamps rendered in-process, its expected rates.

No server here: tests/e2e/test_demo_server.py serves the site over HTTP (and imports the helpers
below).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from parsel import Selector

from newsarchive.demo import FixtureSite

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures" / "demo-site"
REFERENCE_NOW = "2025-12-11T18:00:00+05:00"
AFTER_MIDNIGHT = "2025-12-12T00:03:00+05:00"
AT_1713_TODAY = "/society/16912-post.html"


class Fetched:
    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def content_type(self) -> str:
        return str(self.headers.get("Content-Type", ""))

    @property
    def text(self) -> str:
        charset = "utf-8" if "charset=utf-8" in self.content_type else "cp1251"
        if "charset" not in self.content_type and b"charset=windows-1251" not in self.body[:600]:
            charset = "utf-8"
        return self.body.decode(charset)

    @property
    def sel(self) -> Selector:
        return Selector(text=self.text)


def article_stamp(page: Fetched) -> str | None:
    """The stamp in the article's own info line (the link to the day archive)."""
    links = page.sel.css("div.fullstory span.baseinfo a")
    stamps = [
        a.css("::text").get() for a in links if re.fullmatch(r"/\d{4}/\d\d/\d\d/", a.attrib["href"])
    ]
    assert len(stamps) <= 1
    return stamps[0] if stamps else None


def test_site_clock_maps_site_now_to_real_now() -> None:
    site = FixtureSite(site_now=AFTER_MIDNIGHT)
    assert site.shift % timedelta(minutes=1) == timedelta(0)
    fixture_now = site.unshift_time(datetime.now(UTC))
    assert (
        timedelta(0) <= fixture_now - datetime.fromisoformat(AFTER_MIDNIGHT) < timedelta(minutes=1)
    )
    true = site.shift_time("2025-12-10T23:50")
    assert (true.second, true.microsecond) == (0, 0)
    assert true.utcoffset() == timedelta(hours=5)


def test_stamps_follow_the_real_clock() -> None:
    """With an injected clock: the same server turns "Сегодня" into "Вчера" at local midnight."""
    real_now = [datetime(2031, 7, 1, 9, 30, 42, tzinfo=UTC)]
    clock: Callable[[], datetime] = lambda: real_now[0]  # noqa: E731
    site = FixtureSite(site_now=REFERENCE_NOW, clock=clock)
    assert site.shift == datetime(2031, 7, 1, 9, 30, tzinfo=UTC) - datetime.fromisoformat(
        REFERENCE_NOW
    )
    # 09:30 UTC is 14:30 in Tashkent and stands for the fixture's 18:00: wall times move by the
    # shift's part of a day, so the fixture's 17:13 story is shown as 13:43.
    true = site.shift_time("2025-12-11T17:13")
    assert true == datetime.fromisoformat("2031-07-01T13:43:00+05:00")

    def stamp() -> str:
        status, _, body = site.render(AT_1713_TODAY, base_url="http://example.test")
        assert status == 200
        page = Fetched(status, {"Content-Type": "text/html; charset=utf-8"}, body)
        return str(article_stamp(page))

    assert stamp() == "Сегодня, 13:43"
    real_now[0] += timedelta(hours=6)  # 20:30 in Tashkent: still the same day
    assert stamp() == "Сегодня, 13:43"
    real_now[0] += timedelta(hours=4)  # 01:30 next day in Tashkent
    assert stamp() == "Вчера, 13:43"
    real_now[0] += timedelta(days=1)
    assert stamp() == "01-07-2031, 13:43"


def test_expected_rates() -> None:
    lines = (FIXTURE / "expected" / "rates.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"currency": "USD", "rate": "12020.90", "change": "17.72", "as_of": "2025-12-11",
         "source": "ЦБ"},
        {"currency": "EUR", "rate": "13988.72", "change": "1.41", "as_of": "2025-12-11",
         "source": "ЦБ"},
        {"currency": "RUB", "rate": "155.49", "change": "-1.19", "as_of": "2025-12-11",
         "source": "ЦБ"},
    ]  # fmt: skip
