"""The record pipelines in a real Crawler, without the network: build, deduplicate, write."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from newsarchive import __version__
from newsarchive import settings as defaults
from newsarchive.archive import store_opener
from newsarchive.parsers.article import ArticlePage
from newsarchive.parsers.timestamps import parse_timestamp
from newsarchive.records import ArticleItem, RateItem, rate_record
from newsarchive.run import ArchiveRun
from newsarchive.spiders import NewsSpider
from tests.support.helpers import read_jsonl
from tests.support.pipeline_run import PipelineRun
from tests.support.postgres import postgres_url

__all__ = ["postgres_url"]  # the fixture, used by name

FETCHED = datetime(2025, 12, 11, 13, 0, 2, tzinfo=UTC)


def _article(
    body: str, url: str = "https://everyday.uz/health/15820-post.html", number: str = "15820"
) -> ArticleItem:
    page = ArticlePage(
        title="Заголовок",
        lead="Лид.",
        body=f"Лид.\n\n{body}",
        section="Здоровье",
        author="admin",
        published=parse_timestamp("Сегодня, 17:13", now=FETCHED, tz="Asia/Tashkent"),
    )
    return ArticleItem("everyday", url, number, page, FETCHED, "ru")


def _rate(
    rate: str, *, as_of: date | None = date(2025, 12, 11), at: datetime = FETCHED
) -> RateItem:
    return RateItem(
        site="everyday",
        url="https://everyday.uz/",
        timezone="Asia/Tashkent",
        source="ЦБ",
        as_of=as_of,
        currency="USD",
        rate=Decimal(rate),
        change=Decimal("17.72"),
        change_percent=None,
        observed_at=at,
    )


def test_article_versions(tmp_path: Path) -> None:
    chain = PipelineRun(tmp_path)
    first = chain.feed(_article("Текст."))
    assert first is not None
    assert (first["id"], first["version"]) == ("everyday:15820", 1)
    assert first["published_at"] == "2025-12-11T17:13:00+05:00"
    assert first["fetched_at"] == "2025-12-11T13:00:02Z"
    # The same article by another URL spelling, unchanged: not written again.
    assert chain.feed(_article("Текст.", url="https://everyday.uz/health/15820-post.html/")) is None
    edited = chain.feed(_article("Текст, исправленный редакцией."))
    assert edited is not None
    assert edited["version"] == 2
    assert edited["content_hash"] != first["content_hash"]
    chain.close()
    assert (
        chain.stat("newsarchive/articles/new"),
        chain.stat("newsarchive/articles/unchanged"),
        chain.stat("newsarchive/articles/updated"),
    ) == (1, 1, 1)
    archived = read_jsonl(tmp_path / "everyday" / "articles")
    assert [(r["version"], r["body"]) for r in archived] == [
        (1, "Лид.\n\nТекст."),
        (2, "Лид.\n\nТекст, исправленный редакцией."),
    ]
    # A later run remembers both versions.
    again = PipelineRun(tmp_path)
    assert again.feed(_article("Текст, исправленный редакцией.")) is None
    third = again.feed(_article("Третья редакция."))
    assert third is not None
    assert third["version"] == 3
    again.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_version_another_writer_claimed_is_left_to_it(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    store = request.getfixturevalue("postgres_url") if backend == "postgresql" else None
    chain = PipelineRun(tmp_path, store=store)
    archive = ArchiveRun.of(chain.crawler).archive
    # Another process sharing the store claims version 1 first (its run lost its lock, say).
    other = store_opener(archive.store_spec)(tmp_path / "everyday" / "state.sqlite3")
    assert other.claim("everyday:15820", 1, "20261207T010000Z-other-0001")
    other.close()
    assert chain.feed(_article("Текст.")) is None
    assert chain.feed(_article("Другой.", "https://everyday.uz/x/15821-post.html", "15821"))
    chain.close()
    assert chain.stat("newsarchive/articles/claimed_elsewhere") == 1
    assert chain.stat("newsarchive/articles/new") == 1
    assert [r["id"] for r in read_jsonl(tmp_path / "everyday" / "articles")] == ["everyday:15821"]
    # The next run, under the site's lock, releases the claim of the run that never wrote it.
    again = PipelineRun(tmp_path, store=store)
    written = again.feed(_article("Текст."))
    again.close()
    assert (written["id"], written["version"]) == ("everyday:15820", 1)


def test_rates_once_per_day_and_again_when_the_value_changes(tmp_path: Path) -> None:
    chain = PipelineRun(tmp_path)
    later = datetime(2025, 12, 11, 14, 0, tzinfo=UTC)
    assert chain.feed(_rate("12020.90")) is not None
    assert chain.feed(_rate("12020.90", at=later)) is None  # every page repeats the widget
    assert chain.feed(_rate("12020.9", at=later)) is None  # the same value, spelled otherwise
    corrected = chain.feed(_rate("12021.10", at=later))
    assert corrected is not None
    assert corrected["observed_at"] == "2025-12-11T14:00:00Z"
    assert chain.feed(_rate("12021.10", as_of=date(2025, 12, 12))) is not None
    chain.close()
    rows = read_jsonl(tmp_path / "everyday" / "rates")
    assert [(r["as_of"], r["rate"], r["observed_at"]) for r in rows] == [
        ("2025-12-11", 12020.9, "2025-12-11T13:00:02Z"),
        ("2025-12-11", 12021.1, "2025-12-11T14:00:00Z"),
        ("2025-12-12", 12021.1, "2025-12-11T13:00:02Z"),
    ]
    # A scheduled re-run the same day adds nothing.
    again = PipelineRun(tmp_path)
    assert again.feed(_rate("12021.10", at=later)) is None
    again.close()


@pytest.mark.parametrize(
    ("observed", "as_of"),
    [
        (datetime(2025, 12, 11, 13, 0, tzinfo=UTC), "2025-12-11"),
        # 19:30 UTC is already 00:30 on the 12th in Tashkent: the site's day, not UTC's.
        (datetime(2025, 12, 11, 19, 30, tzinfo=UTC), "2025-12-12"),
    ],
)
def test_undated_widget_takes_the_sites_day(observed: datetime, as_of: str) -> None:
    record = rate_record(_rate("155.49", as_of=None, at=observed))
    assert (record["as_of"], record["as_of_inferred"]) == (as_of, True)


def test_article_without_title_is_counted_not_archived(tmp_path: Path) -> None:
    chain = PipelineRun(tmp_path)
    item = _article("Текст.")
    page = ArticlePage(None, None, "Текст.", None, None, None)
    assert chain.feed(ArticleItem("everyday", item.url, "15820", page, FETCHED, "ru")) is None
    chain.close()
    assert chain.stat("newsarchive/errors/incomplete_article") == 1
    assert chain.stat("newsarchive/missing/title") == 1
    assert chain.stat("newsarchive/missing/published_at") == 1
    assert read_jsonl(tmp_path / "everyday" / "articles") == []


def test_user_agent_names_the_project_and_the_contact() -> None:
    crawler = get_crawler(NewsSpider, {"NEWSARCHIVE_CONTACT_URL": "https://example.org/contact"})
    agent = f"newsarchive/{__version__} (+https://example.org/contact)"
    assert crawler.settings["USER_AGENT"] == agent
    assert crawler.settings.getbool("ROBOTSTXT_OBEY") is False  # get_crawler skips our settings

    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule(defaults, priority="project")
    settings.set("USER_AGENT", "MyLab crawler (+mailto:lab@example.org)", priority="cmdline")
    NewsSpider.update_settings(settings)
    assert settings["USER_AGENT"] == "MyLab crawler (+mailto:lab@example.org)"
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is True


def test_health_judges_shares_only_over_enough_articles() -> None:
    from newsarchive.health import assess

    quiet_hour = {
        "newsarchive/listing/pages": 1,
        "newsarchive/listing/article_links": 10,
        "newsarchive/articles/parsed": 2,
        "newsarchive/missing/published_at": 1,
    }
    assert assess(quiet_hour).status == "ok"
    assert assess(quiet_hour, min_articles=2).status == "fields_missing"
    unreachable = assess({})
    assert (unreachable.status, unreachable.exit_status) == ("unreachable", 3)
    broken = {**quiet_hour, "newsarchive/articles/incomplete": 2}
    assert assess(broken).exit_status == 4


def test_scrapy_crawl_applies_the_site_files_throttle() -> None:
    from scrapy.settings import Settings

    from newsarchive.spiders import EverydaySpider  # type: ignore[attr-defined]

    settings = Settings()
    settings.setmodule(defaults, priority="project")
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 1, priority="cmdline")
    EverydaySpider.update_settings(settings)
    assert settings.getfloat("DOWNLOAD_DELAY") == 0.5
    assert settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY") == 1.0
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1  # -s wins over the site file
