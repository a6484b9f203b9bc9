"""Any site, no site file: the generic spider on the two fixture sites unlike the demo site.

feed-site: windows-1251, RSS, a sitemap index with a news sitemap, JSON-LD, `N минут назад`,
a robots.txt that disallows /private/. plain-site: no structured data at all, time-only
stamps under day headers, listing pages as ?start=N.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsarchive.analysis import load_runs
from newsarchive.demo import DemoServer
from newsarchive.demo.server import fixture_root
from tests.support.helpers import FAST, read_jsonl, run_cli

pytestmark = pytest.mark.slow

SITES = {"feed-site": "Asia/Bishkek", "plain-site": "Asia/Tashkent"}


def _expected(site: str, name: str) -> list[dict[str, Any]]:
    with (fixture_root(site) / "expected" / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="module", params=sorted(SITES))
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    site = request.param
    out = tmp_path_factory.mktemp(site)
    with DemoServer(fixture_root(site), port=0, virtual_clock=True) as server:
        result = run_cli("crawl", server.url, "--tz", SITES[site], "--name", site,
                         "--out", str(out), *FAST)  # fmt: skip
        again = run_cli("crawl", server.url, "--tz", SITES[site], "--name", site,
                        "--out", str(out), *FAST)  # fmt: skip
        base = server.url.rstrip("/")
    records = {r["url"].removeprefix(base): r for r in read_jsonl(out / site / "articles")}
    return site, result, again, records, list(load_runs(out / site))


def test_exactly_the_articles_are_archived(crawled: Any) -> None:
    site, result, _, records, _ = crawled
    assert result.returncode == 0, result.stderr
    expected = {row["url_path"] for row in _expected(site, "articles.jsonl")}
    assert set(records) == expected
    not_articles = {row["url_path"] for row in _expected(site, "non_articles.jsonl")}
    assert not set(records) & not_articles


def test_titles_and_publication_times(crawled: Any) -> None:
    site, _, _, records, _ = crawled
    for row in _expected(site, "articles.jsonl"):
        record = records[row["url_path"]]
        assert record["title"] == row["title"], row["url_path"]
        assert record["published_at"] == row["published_at"], row["url_path"]


def test_bodies_start_and_end_right(crawled: Any) -> None:
    site, _, _, records, _ = crawled
    for row in _expected(site, "articles.jsonl"):
        body = records[row["url_path"]]["body"]
        paragraphs = row["body"].split("\n\n")
        assert body.startswith(paragraphs[0][:60]), row["url_path"]
        assert body.endswith(paragraphs[-1][-60:]), row["url_path"]


def test_robots_obeyed_and_rerun_adds_nothing(crawled: Any) -> None:
    site, _, again, _, runs = crawled
    assert again.returncode == 0, again.stderr
    assert runs[-1]["articles_new"] == 0
    if site == "feed-site":
        assert "/private/plan-vypuskov/" not in runs[0].get("files", [])
        assert "not archived" not in again.stderr  # nothing failed on the second run either


def test_feed_site_sources(tmp_path: Path) -> None:
    """Sitemaps and the feed are found through robots.txt and the page head."""
    out = tmp_path / "archive"
    with DemoServer(fixture_root("feed-site"), port=0, virtual_clock=True) as server:
        result = run_cli("crawl", server.url, "--tz", "Asia/Bishkek", "--out", str(out),
                         *FAST, "-s", "NEWSARCHIVE_DISCOVERY_DEPTH=0")  # fmt: skip
    assert result.returncode == 0, result.stderr
    # Depth 0: no listing page is followed, so every article came from the sitemaps or feed.
    archived = read_jsonl(out / "127-0-0-1" / "articles")
    assert len(archived) == len(_expected("feed-site", "articles.jsonl"))


def test_site_file_gaps_are_filled_and_counted(tmp_path: Path) -> None:
    """The site's title selector stops matching: the generic extractor fills in, counted."""
    from tests.support.helpers import DEMO_SITE, expected_articles

    text = (Path(__file__).parents[2] / "newsarchive" / "sites" / "everyday.toml").read_text(
        "utf-8"
    )
    old = (
        'title = [".fullstory h1", "#dle-content h1", "meta[property=\'og:title\']::attr(content)"]'
    )
    assert old in text
    site_file = tmp_path / "everyday.toml"
    site_file.write_text(text.replace(old, 'title = [".headline"]'), encoding="utf-8")
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        result = run_cli("crawl", server.url, "--site-file", str(site_file),
                         "--out", str(tmp_path / "archive"), *FAST)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "generic fill-ins   title: 28" in result.stdout
    titles = {
        r["id"]: r["title"] for r in read_jsonl(tmp_path / "archive" / "everyday" / "articles")
    }
    assert titles == {row["id"]: row["title"] for row in expected_articles()}
    assert list(load_runs(tmp_path / "archive" / "everyday"))[-1]["fallbacks"] == {"title": 28}
