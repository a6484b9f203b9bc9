from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request

from newsarchive.parsers.article import ArticlePage
from newsarchive.sites import SiteError, available_sites, load_site, load_site_file
from newsarchive.spiders import NewsSpider

MINIMAL = """
name = "mysite"
start_urls = ["https://news.example/"]
allowed_domains = ["news.example"]
timezone = "Europe/Moscow"
article_url = '/news/(?P<id>\\d+)'
[listing]
links = ["main"]
pagination = [".pager a::attr(href)"]
page_url = '\\?page=\\d+'
[article]
title = "h1"
body = ["article .text"]
"""


def test_builtin_sites() -> None:
    assert "everyday" in available_sites()
    site = load_site("everyday")
    assert site.start_urls == ("https://everyday.uz/",)
    assert site.allowed_domains == ("everyday.uz",)
    assert site.timezone == "Asia/Tashkent"
    assert site.article_id("https://everyday.uz/health/15820-post.html") == "15820"
    assert site.article_id("https://everyday.uz/page/2/") is None
    assert site.listing.page_url.search("/page/3/")


def test_on_host_keeps_the_description() -> None:
    site = load_site("everyday").on_host("http://127.0.0.1:8765/")
    assert site.name == "everyday"
    assert site.start_urls == ("http://127.0.0.1:8765/",)
    assert site.allowed_domains == ("127.0.0.1",)
    with pytest.raises(SiteError, match="not an http"):
        site.on_host("ftp://x/")


def test_site_file(tmp_path: Path) -> None:
    path = tmp_path / "mysite.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    site = load_site_file(path)
    assert site.name == "mysite"
    assert site.title == "mysite"
    assert site.article.title == ("h1",)
    assert site.article.strip == ()
    assert site.rate_widget == ()
    assert site.article_id("https://news.example/news/77") == "77"
    assert site.lang == "ru"  # the default
    path.write_text(MINIMAL.replace("[listing]", 'lang = "uz-Cyrl"\n[listing]'), encoding="utf-8")
    assert load_site_file(path).lang == "uz-Cyrl"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('name = "mysite"', 'name = "../etc"'), "name '../etc' must be lower-case"),
        (('timezone = "Europe/Moscow"', 'timezone = "Mars/Base"'), "not an IANA time zone"),
        (('title = "h1"', "title = 5"), "'article.title' must be a string or a non-empty list"),
        (
            ("[article]", "[article]\ntitle = 'h2'"),
            "mysite.toml: Cannot overwrite a value .at line 13",
        ),
        (
            ('links = ["main"]', "links = []"),
            "'listing.links' must be a string or a non-empty list",
        ),
        (
            ("article_url = '/news/(?P<id>\\d+)'", "article_url = '/news/(?P<id>'"),
            "'article_url' is not a valid regular expression",
        ),
        (('body = ["article .text"]', ""), "'article.body' is missing"),
        (('timezone = "Europe/Moscow"', "timezone = "), "mysite.toml: .*line 5"),
        (
            ('timezone = "Europe/Moscow"', 'timezone = "Europe/Moscow"\nlang = "Uzbek"'),
            "lang 'Uzbek' is not a language tag such as ru, uz, uz-Cyrl, kk or en",
        ),
    ],
)
def test_bad_site_file_names_the_key(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    path = tmp_path / "mysite.toml"
    path.write_text(MINIMAL.replace(*change), encoding="utf-8")
    with pytest.raises(SiteError, match=message):
        load_site_file(path)


def test_unknown_and_unreadable() -> None:
    with pytest.raises(SiteError, match="unknown site 'nope' \\(built-in sites: everyday"):
        load_site("nope")
    with pytest.raises(SiteError, match="unknown site"):
        load_site("../../etc/passwd")
    with pytest.raises(SiteError, match="cannot read site file"):
        load_site_file("/nonexistent/site.toml")


def test_unknown_keys_and_lines_are_named(tmp_path: Path) -> None:
    path = tmp_path / "mysite.toml"
    path.write_text(MINIMAL.replace('title = "h1"', 'tittle = "h1"\ntitle = "h1"'), "utf-8")
    with pytest.raises(SiteError, match=r"^.*mysite\.toml:12: unknown key 'article\.tittle'$"):
        load_site_file(path)
    path.write_text(MINIMAL.replace("[article]", "[throttle]\ndelay = -1\n[article]"), "utf-8")
    with pytest.raises(SiteError, match=r"mysite\.toml:12: key 'throttle\.delay' must be a num"):
        load_site_file(path)
    path.write_text(MINIMAL.replace('title = "h1"', "title = []"), "utf-8")
    with pytest.raises(SiteError, match=r"mysite\.toml:12: key 'article\.title' must be a string"):
        load_site_file(path)


def test_throttle_is_the_sites_and_not_a_local_copys() -> None:
    site = load_site("everyday")
    assert site.throttle == {
        "DOWNLOAD_DELAY": 0.5,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    }
    assert site.on_host("https://mirror.example/").throttle == site.throttle
    assert site.on_host("http://127.0.0.1:8765/").throttle == {}
    assert site.on_host("http://localhost:8765/").throttle == {}


def test_a_site_files_script_stays_out_of_its_records(tmp_path: Path) -> None:
    """A record's lang is the language alone (the schema's two or three letters): "uz" for a
    site file's "uz-Cyrl", whose script only tells the date reader which words to expect."""
    path = tmp_path / "mysite.toml"
    path.write_text(MINIMAL.replace("[listing]", 'lang = "uz-Cyrl"\n[listing]'), encoding="utf-8")
    spider = NewsSpider(site=load_site_file(path))
    url = "https://news.example/news/7"
    # As Scrapy hands a callback its response: with the request (its meta says where the page
    # is kept as received; this one is not).
    response = HtmlResponse(url, body=b"<html></html>", request=Request(url))
    page = ArticlePage(None, None, None, None, None, None)
    item = spider.article_item(response, page, datetime(2025, 12, 12, tzinfo=UTC))
    assert (item.lang, item.site_article_id, item.source) == ("uz", "7", None)
    assert spider.article_item(response, page, item.fetched_at, lang="kk").lang == "kk"
