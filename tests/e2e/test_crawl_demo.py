"""End to end: a real crawl of the demo site over HTTP, compared with the expected records."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from newsarchive.demo import DemoServer
from newsarchive.schema import SCHEMA_VERSION, fields
from tests.support.helpers import (
    DEMO_SITE,
    FAST,
    ROOT,
    expected_articles,
    expected_rates,
    read_jsonl,
    run_cli,
)

pytestmark = pytest.mark.slow

ARTICLE_FIELDS = ("id", "title", "lead", "body", "section", "author", "published_precision", "lang")


def _crawl(server: DemoServer, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    result = run_cli("crawl", server.url, "--site", "everyday", "--out", str(out), *FAST, *extra)
    assert result.returncode == 0, result.stderr
    return result


def _expected_for(server: DemoServer, row: dict[str, Any]) -> dict[str, Any]:
    """An expected record with the server's address (and timeline shift, if any) applied."""
    published = row["published_at"]
    return {
        **{field: row[field] for field in ARTICLE_FIELDS},
        "url": server.url.rstrip("/") + row["url_path"],
        "published_at": server.site.shift_time(published).isoformat() if published else None,
    }


def _archived(record: dict[str, Any]) -> dict[str, Any]:
    return {field: record[field] for field in (*ARTICLE_FIELDS, "url", "published_at")}


@pytest.fixture(scope="module")
def first_crawl(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two crawls of the demo site with its clock running from 2025-12-11 18:00 Tashkent."""
    out = tmp_path_factory.mktemp("archive")
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        first = _crawl(server, out)
        second = _crawl(server, out)
        expected = [_expected_for(server, row) for row in expected_articles()]
    return {"out": out, "first": first, "second": second, "expected": expected}


def test_archive_matches_expected_records(first_crawl: dict[str, Any]) -> None:
    articles = read_jsonl(first_crawl["out"] / "everyday" / "articles")
    assert sorted((_archived(r) for r in articles), key=lambda r: r["id"]) == sorted(
        first_crawl["expected"], key=lambda r: r["id"]
    )


def test_published_raw_is_what_the_page_showed(first_crawl: dict[str, Any]) -> None:
    articles = {r["id"]: r for r in read_jsonl(first_crawl["out"] / "everyday" / "articles")}
    for row in expected_articles():
        assert articles[row["id"]]["published_raw"] == row["published_raw"], row["id"]


def test_every_line_is_a_valid_record(first_crawl: dict[str, Any]) -> None:
    folder = first_crawl["out"] / "everyday"
    for path in sorted(folder.glob("*/*.jsonl")):
        raw = path.read_bytes()
        assert raw.endswith(b"\n")
        assert b"\\u04" not in raw  # Cyrillic is written as UTF-8, not escaped
        for line in raw.decode("utf-8").split("\n")[:-1]:
            record = json.loads(line)
            assert record["schema_version"] == SCHEMA_VERSION == 4
            assert record["kind"] in ("article", "rates")
            assert list(record) == list(fields(record["kind"]))  # every field, in order
    assert not list(folder.glob("*/*.part"))


def test_each_article_once_and_versions_start_at_one(first_crawl: dict[str, Any]) -> None:
    articles = read_jsonl(first_crawl["out"] / "everyday" / "articles")
    ids = [record["id"] for record in articles]
    assert len(ids) == len(set(ids)) == len(first_crawl["expected"])
    assert {record["version"] for record in articles} == {1}
    urls = [record["url"] for record in articles]
    assert not [url for url in urls if "utm_" in url or url.endswith("/")]


def test_rates_are_one_row_per_currency(first_crawl: dict[str, Any]) -> None:
    rows = read_jsonl(first_crawl["out"] / "everyday" / "rates")
    got = [
        {
            "currency": r["currency"],
            "rate": f"{r['rate']:.2f}",
            "change": f"{r['change']:.2f}",
            "as_of": r["as_of"],
            "source": r["source"],
        }
        for r in rows
    ]
    assert got == expected_rates()
    assert {r["as_of_inferred"] for r in rows} == {False}


def test_summary_and_second_run(first_crawl: dict[str, Any]) -> None:
    first, second = first_crawl["first"].stdout, first_crawl["second"].stdout
    count = len(first_crawl["expected"])
    assert f"articles written   {count} new, 0 updated (0 already archived)" in first
    assert "rate rows written  3" in first
    assert "errors             1 (http_404: 1)" in first
    assert "articles written   0 new, 0 updated" in second
    assert "rate rows written  0" in second
    assert "Traceback" not in first_crawl["first"].stderr + first_crawl["second"].stderr


def test_crawl_on_the_real_clock(tmp_path: Path) -> None:
    """The demo's mode: the timeline shifted to today, stamps rendered against the real clock."""
    with DemoServer(DEMO_SITE, port=0) as server:
        _crawl(server, tmp_path)
        expected = {row["id"]: _expected_for(server, row) for row in expected_articles()}
    articles = read_jsonl(tmp_path / "everyday" / "articles")
    assert {r["id"]: r["published_at"] for r in articles} == {
        key: row["published_at"] for key, row in expected.items()
    }


def test_crawl_just_after_local_midnight(tmp_path: Path) -> None:
    """At 00:03 Tashkent (19:03 UTC the day before) 'Сегодня' and 'Вчера' still mean local days."""
    midnight = "2025-12-12T00:03:00+05:00"
    with DemoServer(DEMO_SITE, port=0, site_now=midnight, virtual_clock=True) as server:
        _crawl(server, tmp_path)
        expected = {row["id"]: _expected_for(server, row) for row in expected_articles()}
    articles = read_jsonl(tmp_path / "everyday" / "articles")
    assert {r["id"]: r["published_at"] for r in articles} == {
        key: row["published_at"] for key, row in expected.items()
    }
    raws = {r["id"]: r["published_raw"] for r in articles}
    assert raws["everyday:16912"] == "Вчера, 17:13"
    assert raws["everyday:16900"] == "Вчера, 00:04"
    assert raws["everyday:16899"] == "10-12-2025, 23:50"


def test_scrapy_crawl_with_a_feed(tmp_path: Path) -> None:
    """`scrapy crawl everyday -O items.jsonl` works in the project, as Scrapy users expect."""
    feed = tmp_path / "items.jsonl"
    with DemoServer(DEMO_SITE, port=0) as server:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "everyday",
                "-a",
                f"start_url={server.url}",
                "-O",
                str(feed),
                "-s",
                f"NEWSARCHIVE_DIR={tmp_path / 'archive'}",
                *FAST,
                "-s",
                "LOG_LEVEL=WARNING",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    items = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    kinds = [item["kind"] for item in items]
    assert kinds.count("article") == len(expected_articles())
    assert kinds.count("rates") == 3


@pytest.mark.parametrize(
    ("options", "expected_ids"),
    [
        # Page 1 only: its ten items.
        (("--max-pages", "1"), {16912, 16911, 16910, 16909, 16908, 16906, 16905, 15820, 16904,
                                16903}),
        (("--max-articles", "3"), {16912, 16911, 16910}),
        # Page 1 is all 11 December; page 2 mixes days (the undated 16895 may be new, so it is
        # fetched); page 3 is all older, so none of it is fetched and pagination stops there.
        (("--since", "2025-12-11"), {16912, 16911, 16910, 16909, 16908, 16906, 16905, 15820,
                                     16904, 16903, 16902, 16901, 16900, 16895}),
    ],
)
def test_crawl_limits(tmp_path: Path, options: tuple[str, ...], expected_ids: set[int]) -> None:
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        _crawl(server, tmp_path, *options)
    articles = read_jsonl(tmp_path / "everyday" / "articles")
    assert {int(r["id"].split(":")[1]) for r in articles} == expected_ids
