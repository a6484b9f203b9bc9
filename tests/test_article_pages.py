"""Page objects: each demo-site article page (HTML in) against its expected record (JSON out).

No HTTP and no Scrapy here: the parsers are pure functions of the page, as researchers call them
on stored HTML.
"""

from __future__ import annotations

from typing import Any

import pytest
from parsel import Selector
from w3lib.encoding import html_to_unicode

from newsarchive.demo import FixtureSite
from newsarchive.parsers.article import parse_article
from newsarchive.sites import load_site
from tests.conftest import DEMO_SITE, expected_articles

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
    assert SITE.article_id("https://everyday.uz" + expected["url_path"]) == expected["id"].split(
        ":"
    )[1]
