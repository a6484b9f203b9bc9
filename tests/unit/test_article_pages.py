"""Page objects: each demo-site article page (HTML in) against its expected record (JSON out).

No HTTP and no Scrapy here: the parsers are pure functions of the page, as researchers call them
on stored HTML.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from parsel import Selector
from w3lib.encoding import html_to_unicode

from newsarchive.demo import FixtureSite
from newsarchive.parsers.article import parse_article
from newsarchive.sites import load_site
from tests.support.helpers import DEMO_SITE, expected_articles

SITE = load_site("everyday")
FIELDS = ("title", "lead", "body", "section", "author")


@pytest.fixture(scope="module")
def fixture_site() -> FixtureSite:
    """The demo site with its clock at the reference moment the expected records assume."""
    return FixtureSite(DEMO_SITE, virtual_clock=True)


@pytest.mark.parametrize("expected", expected_articles(), ids=lambda row: row["url_path"])
def test_article_page(fixture_site: FixtureSite, expected: dict[str, Any]) -> None:
    status, headers, body = fixture_site.render(expected["url_path"])
    assert status == 200
    # Decoded the way Scrapy decodes: HTTP header, then BOM, then <meta> (the cp1251 page).
    _, text = html_to_unicode(headers.get("Content-Type"), body)
    page = parse_article(
        Selector(text=text), SITE.article, now=fixture_site.now(), tz=SITE.timezone
    )
    assert {field: getattr(page, field) for field in FIELDS} == {
        field: expected[field] for field in FIELDS
    }
    if expected["published_at"] is None:
        assert page.published is None
    else:
        assert page.published is not None
        assert page.published.value.isoformat() == expected["published_at"]
        assert page.published.precision == expected["published_precision"]
        assert page.published.raw == expected["published_raw"]
    assert (
        SITE.article_id("https://everyday.uz" + expected["url_path"])
        == expected["id"].split(":")[1]
    )


# An Uzbek edition of a DLE site: its info line in Uzbek, read in the site file's language.
UZ_PAGE = """<div id="dle-content"><h1>Toshkentda qor yog'di</h1>
<div class="date">Muallif: admin | {stamp} | Jamiyat</div>
<div class="full-text"><p>Poytaxtda birinchi qor yog'di.</p></div></div>"""


@pytest.mark.parametrize(
    ("stamp", "lang", "published"),
    [
        ("Bugun, 17:13", "uz", "2025-12-12T17:13:00+05:00"),
        ("kecha, 09:30", "uz", "2025-12-11T09:30:00+05:00"),
        ("2 soat oldin", "uz", "2025-12-12T16:00:00+05:00"),
        ("11 dekabr 2025, 17:13", "uz", "2025-12-11T17:13:00+05:00"),
        ("кеча, 09:30", "uz-Cyrl", "2025-12-11T09:30:00+05:00"),
        ("Кеше, 09:30", "kk", "2025-12-11T09:30:00+05:00"),
        ("11 желтоқсан 2025, 17:13", "kk", "2025-12-11T17:13:00+05:00"),
        # "may" is a month only where the site's language says so.
        ("11 may, 17:13", "uz", "2025-05-11T17:13:00+05:00"),
        ("11 may, 17:13", "ru", None),
    ],
)
def test_a_site_files_language_reads_its_dates(
    stamp: str, lang: str, published: str | None
) -> None:
    selectors = SITE.article
    now = datetime(2025, 12, 12, 13, 0, tzinfo=UTC)  # 18:00 in Tashkent
    page = parse_article(
        UZ_PAGE.format(stamp=stamp), selectors, now=now, tz="Asia/Tashkent", lang=lang
    )
    found = page.published.value.isoformat() if page.published else None
    assert found == published
