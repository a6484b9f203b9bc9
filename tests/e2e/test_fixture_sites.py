"""The feed site and the plain site (fixtures/feed-site, fixtures/plain-site) over real HTTP.

Both are served by newsarchive.demo.server like the demo site; see their README.md files for the
URL schemes and hard cases. Most tests run on a virtual clock (the pages show the fixture's own
times); the in-process tests, with no server (the feed resolved at many clock settings among
them), are in tests/unit/test_fixture_sites.py, whose helpers these share.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
import urllib.robotparser
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from lxml.html import HtmlElement

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # when the package is not installed into the environment
    sys.path.insert(0, str(ROOT))

from newsarchive.demo.server import DemoServer  # noqa: E402
from newsarchive.parsers.text import block_text  # noqa: E402
from tests.unit.test_fixture_sites import (  # noqa: E402
    FEED,
    NEWEST,
    PLAIN,
    PLAIN_NOW,
    Fetched,
    lenta,
    one,
    records,
    text_of,
)

FEED_NOW = "2025-12-11T18:00:00+06:00"  # the feed site's reference_now

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"
UNRENDERED = re.compile(r"\{\{/?[a-z0-9]+(?::[^{}]*)?\}\}")  # a placeholder left in a page
# Inside .entry-content but not the article: share buttons, related posts, "Читайте также".
FEED_BODY_SKIP = ".sharedaddy, .jp-relatedposts, .read-also"

SAME_SLUG_2024 = "/2024/12/11/parlament-prinyal-byudzhet/"
MODIFIED_LATER = "/2025/12/10/eksport-selhozprodukcii-vyros/"
GRAPH_JSONLD = "/2025/12/09/programma-razvitiya-regionov/"
LONG_TITLE = "/2025/12/05/ceny-na-ugol-vyrosli/"
PRIVATE = "/private/plan-vypuskov/"
AFTER_MIDNIGHT_ITEM = "/news/4522.html"  # 2025-12-12 00:04
CROSSING_ITEM = "/news/4521.html"  # 2025-12-11 23:57, no day header above it
DATE_ONLY = "/news/1183.html"  # 19.03.2018, precision day
OLD_TEMPLATE = "/news/1187.html"  # <font size=5><b>, "19:18 / 19.03.2018"


# -- helpers ------------------------------------------------------------------------------------


def fetch(server: DemoServer, path: str) -> Fetched:
    try:
        with urllib.request.urlopen(server.url + path.lstrip("/"), timeout=10) as response:
            return Fetched(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, error.headers, error.read())


def raw_get(server: DemoServer, path: str) -> tuple[int, dict[str, str]]:
    """One request, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        connection.close()


def json_ld(doc: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD node of a page, @graph members flattened."""
    nodes: list[dict[str, Any]] = []
    for script in doc.cssselect('script[type="application/ld+json"]'):
        data = json.loads(script.text)
        nodes.extend(data.get("@graph", [data]))
    return nodes


def news_article(doc: HtmlElement) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    nodes = json_ld(doc)
    articles = [n for n in nodes if n.get("@type") == "NewsArticle"]
    assert len(articles) == 1
    return articles[0], nodes


def ld_authors(article: dict[str, Any], nodes: list[dict[str, Any]]) -> list[str]:
    by_id = {n["@id"]: n for n in nodes if "@id" in n}
    authors = article["author"] if isinstance(article["author"], list) else [article["author"]]
    return [by_id[a["@id"]]["name"] if "name" not in a else a["name"] for a in authors]


def ld_keywords(article: dict[str, Any]) -> list[str]:
    keywords = article["keywords"]
    return keywords if isinstance(keywords, list) else keywords.split(", ")


def page_paths(root: Path) -> list[str]:
    """Every servable page of a fixture, as a request path (query variants included)."""
    pages = root / "pages"
    paths = []
    for file in sorted(pages.rglob("*")):
        if not file.is_file() or file.name.startswith("_"):
            continue
        relative = file.relative_to(pages).as_posix()
        stem, sep, query = relative.partition("__")
        if sep:  # news/index__start=10.html -> /news/?start=10
            relative = stem + query[query.rindex(".") :]
            query = "?" + query[: query.rindex(".")]
        paths.append("/" + relative.removesuffix("index.html") + (query if sep else ""))
    return paths


# -- servers ------------------------------------------------------------------------------------
def virtual(root: Path, site_now: str) -> Iterator[DemoServer]:
    with DemoServer(root, port=0, site_now=site_now, virtual_clock=True) as server:
        yield server


@pytest.fixture(scope="module")
def feed() -> Iterator[DemoServer]:
    yield from virtual(FEED, FEED_NOW)


@pytest.fixture(scope="module")
def feed_1718() -> Iterator[DemoServer]:
    yield from virtual(FEED, "2025-12-11T17:18:00+06:00")


@pytest.fixture(scope="module")
def feed_1734() -> Iterator[DemoServer]:
    yield from virtual(FEED, "2025-12-11T17:34:00+06:00")


@pytest.fixture(scope="module")
def plain() -> Iterator[DemoServer]:
    yield from virtual(PLAIN, PLAIN_NOW)


@pytest.fixture(scope="module")
def plain_two_days_later() -> Iterator[DemoServer]:
    yield from virtual(PLAIN, "2025-12-13T09:00:00+05:00")


# -- the server's generic parts -----------------------------------------------------------------


# -- feed site: encodings, pages, structured data -------------------------------------------------
def test_feed_site_html_is_cp1251_declared_only_in_meta(feed: DemoServer) -> None:
    paths = page_paths(FEED)
    html_paths = [p for p in paths if not p.endswith((".xml", ".txt"))]
    assert len(html_paths) >= 15 + 10
    for path in [*html_paths, "/no/such/page/"]:
        page = fetch(feed, path)
        assert page.status == (404 if path == "/no/such/page/" else 200), path
        assert page.content_type == "text/html", path  # no charset in the header
        with pytest.raises(UnicodeDecodeError):
            page.body.decode("utf-8")
        text = page.body.decode("cp1251")
        assert '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">' in text
        assert not UNRENDERED.search(text), path
    for path in ("/rss.xml", "/sitemap.xml", "/sitemap-news.xml", "/sitemap-pages.xml"):
        page = fetch(feed, path)
        assert page.content_type == "application/xml; charset=utf-8", path
        assert page.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), path
        assert not UNRENDERED.search(page.text), path
    assert fetch(feed, "/robots.txt").content_type == "text/plain; charset=utf-8"


def test_feed_site_articles_match_expected(feed: DemoServer) -> None:
    expected = records(FEED, "articles.jsonl")
    assert len(expected) >= 15
    keys = "url_path title lead body published_at published_precision section authors tags"
    assert all(list(r) == [*keys.split(), "is_article"] for r in expected)
    for record in expected:
        path = record["url_path"]
        assert re.fullmatch(r"/\d{4}/\d\d/\d\d/[a-z0-9-]+/", path), path
        doc = fetch(feed, path).doc
        post = one(doc, "article.post")
        assert text_of(one(post, "h1.entry-title")) == record["title"]
        content = one(post, "div.entry-content")
        assert block_text(content, skip=content.cssselect(FEED_BODY_SKIP)) == record["body"]
        lead = content.cssselect("p.lead")
        assert (text_of(lead[0]) if lead else None) == record["lead"]
        assert [text_of(a) for a in post.cssselect(".entry-meta .cat-links a")] == [
            record["section"]
        ]
        assert [text_of(a) for a in post.cssselect(".entry-meta .byline .author a")] == (
            record["authors"]
        )
        assert [text_of(a) for a in post.cssselect(".tags-links a[rel=tag]")] == record["tags"]
        published = one(post, ".entry-meta time.entry-date.published").get("datetime")
        assert published == record["published_at"]
        article, nodes = news_article(doc)
        assert article["datePublished"] == record["published_at"]
        assert article["dateModified"] >= article["datePublished"]
        assert article["headline"] == record["title"] or (
            path == LONG_TITLE and record["title"].startswith(article["headline"][:-1])
        )
        sections = article["articleSection"]
        assert sections in (record["section"], [record["section"]])
        assert ld_authors(article, nodes) == record["authors"]
        assert ld_keywords(article) == record["tags"]
        assert datetime.fromisoformat(record["published_at"]).utcoffset() == timedelta(hours=6)
        meta = {m.get("property"): m.get("content") for m in doc.cssselect("meta[property]")}
        assert meta["og:type"] == "article"
        assert meta["og:url"] == feed.url.rstrip("/") + path
        assert meta["article:published_time"] == record["published_at"]
        assert record["published_precision"] == "minute"
    by_path = {r["url_path"]: r for r in expected}
    assert by_path[NEWEST]["title"] != by_path[SAME_SLUG_2024]["title"]
    assert "\n- на образование направят 98 млрд сомов;" in by_path[NEWEST]["body"]
    assert sum(r["lead"] is None for r in expected) >= 2


def test_feed_site_hard_cases(feed: DemoServer) -> None:
    modified = fetch(feed, MODIFIED_LATER).doc
    article, _ = news_article(modified)
    assert (article["datePublished"], article["dateModified"]) == (
        "2025-12-10T21:10:00+06:00",
        "2025-12-11T10:05:00+06:00",
    )
    assert text_of(one(modified, "time.updated")) == "Обновлено: 11.12.2025 10:05"
    graph = fetch(feed, GRAPH_JSONLD).doc
    article, nodes = news_article(graph)
    assert article["author"] == {"@id": feed.url + "#/schema/person/aosmonova"}
    assert ld_authors(article, nodes) == ["Айгуль Осмонова"]
    assert article["keywords"] == ["регионы"]
    long_title = news_article(fetch(feed, LONG_TITLE).doc)[0]["headline"]
    assert len(long_title) <= 110
    assert long_title.endswith("…")
    og_title = one(fetch(feed, NEWEST).doc, "meta[property='og:title']").get("content")
    assert og_title == "Жогорку Кенеш принял республиканский бюджет на 2026 год — Вести Бишкека"


def test_feed_site_non_articles(feed: DemoServer) -> None:
    pages = records(FEED, "non_articles.jsonl")
    kinds = {r["kind"] for r in pages}
    assert {"home", "listing", "category", "tag", "author", "about", "contacts", "private"} <= kinds
    article_paths = {r["url_path"] for r in records(FEED, "articles.jsonl")}
    served = set(page_paths(FEED))
    assert {r["url_path"] for r in pages} | article_paths == {
        p for p in served if not p.endswith((".xml", ".txt"))
    }
    for record in pages:
        doc = fetch(feed, record["url_path"]).doc
        og_type = one(doc, "meta[property='og:type']").get("content")
        types = {n.get("@type") for n in json_ld(doc)}
        if record["kind"] == "private":  # dressed as an article: only robots.txt keeps it out
            assert record["robots_disallowed"] is True
            assert (og_type, types) == ("article", {"NewsArticle"})
        else:
            assert record["robots_disallowed"] is False
            assert og_type == "website", record
            assert "NewsArticle" not in types, record
    about = fetch(feed, "/o-redakcii/").doc
    assert PRIVATE in about.xpath("//a/@href")
    assert one(about, "article.page h1.entry-title").text == "О редакции"


def test_feed_site_robots(feed: DemoServer) -> None:
    robots = fetch(feed, "/robots.txt").text
    assert robots.splitlines() == [
        "User-agent: *",
        "Disallow: /private/",
        "",
        f"Sitemap: {feed.url}sitemap.xml",
    ]
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(robots.splitlines())
    assert not parser.can_fetch("newsarchive", feed.url + PRIVATE.lstrip("/"))
    for path in [*page_paths(FEED)]:
        assert parser.can_fetch("newsarchive", feed.url + path.lstrip("/")) == (
            not path.startswith("/private/")
        ), path


def test_feed_site_listings(feed: DemoServer) -> None:
    expected = [r["url_path"] for r in records(FEED, "articles.jsonl")]  # newest first
    home = fetch(feed, "/").doc
    rss_links = home.cssselect('link[rel=alternate][type="application/rss+xml"]')
    assert [link.get("href") for link in rss_links] == [feed.url + "rss.xml"]
    listed: list[str] = []
    path: str | None = "/"
    pages = 0
    while path is not None:
        doc = fetch(feed, path).doc
        items = [a.get("href") for a in doc.cssselect("article.post h2.entry-title a")]
        if path == "/":  # the sticky post first, then the six newest
            assert doc.cssselect("article.post")[0].get("class").split().count("sticky") == 1
            assert items[0] == GRAPH_JSONLD
            assert items[1:] == expected[:6]
            items = items[1:]
        listed += items
        for a in doc.cssselect("article.post .comments-link a"):
            assert a.get("href").endswith("/#respond")
        nxt = doc.cssselect("nav.pagination a.next")
        path = nxt[0].get("href") if nxt else None
        pages += 1
    assert pages == 4
    assert path is None
    assert listed == expected
    category = fetch(feed, "/category/obshchestvo/page/2/").doc
    assert len(category.cssselect("article.post")) == 1
    assert fetch(feed, "/page/5/").status == 404


def test_feed_site_rss(feed: DemoServer) -> None:
    expected = records(FEED, "articles.jsonl")
    channel = ET.fromstring(fetch(feed, "/rss.xml").body).find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert [i.findtext("link") for i in items] == [
        feed.url.rstrip("/") + r["url_path"] for r in expected[:10]
    ]
    for item, record in zip(items, expected, strict=False):
        pub = item.findtext("pubDate") or ""
        assert pub.endswith(" +0600")
        assert parsedate_to_datetime(pub) == datetime.fromisoformat(record["published_at"])
        assert item.findtext("title") == record["title"]
        guid = item.find("guid")
        assert guid is not None
        assert guid.get("isPermaLink") == "false"
        assert re.fullmatch(re.escape(feed.url) + r"\?p=\d+", guid.text or "")
        creators = [c.text for c in item.findall("{http://purl.org/dc/elements/1.1/}creator")]
        assert creators == record["authors"]


def test_feed_site_sitemaps(feed: DemoServer) -> None:
    expected = records(FEED, "articles.jsonl")
    index = ET.fromstring(fetch(feed, "/sitemap.xml").body)
    assert index.tag == SITEMAP_NS + "sitemapindex"
    assert [s.findtext(SITEMAP_NS + "loc") for s in index] == [
        feed.url + "sitemap-news.xml",
        feed.url + "sitemap-pages.xml",
    ]
    news = ET.fromstring(fetch(feed, "/sitemap-news.xml").body)
    found = {
        url.findtext(SITEMAP_NS + "loc"): url.findtext(f"{NEWS_NS}news/{NEWS_NS}publication_date")
        for url in news.findall(SITEMAP_NS + "url")
    }
    assert found == {feed.url.rstrip("/") + r["url_path"]: r["published_at"] for r in expected}
    pages = ET.fromstring(fetch(feed, "/sitemap-pages.xml").body)
    locs = [u.findtext(SITEMAP_NS + "loc") for u in pages.findall(SITEMAP_NS + "url")]
    non_articles = {r["url_path"] for r in records(FEED, "non_articles.jsonl")}
    assert locs
    assert all(loc.startswith(feed.url) for loc in locs if loc)
    paths = {loc.removeprefix(feed.url.rstrip("/")) for loc in locs if loc}
    assert paths <= non_articles
    assert PRIVATE not in paths
    assert {"/", "/o-redakcii/", "/kontakty/"} <= paths


# -- feed site: relative stamps -----------------------------------------------------------------
def ago_stamps(server: DemoServer, paths: list[str]) -> list[str]:
    return [
        text_of(one(fetch(server, p).doc, ".entry-meta time.entry-date.published")) for p in paths
    ]


STAMPED = [
    "/2025/12/11/parlament-prinyal-byudzhet/",  # 17:13
    "/2025/12/11/novaya-liniya-trolleybusa/",  # 16:52
    "/2025/12/11/nacbank-sohranil-uchetnuyu-stavku/",  # 15:40
    "/2025/12/11/sbornaya-po-futzalu-vyshla-v-final/",  # 14:05
    "/2025/12/11/grafik-rabot-na-teploseti/",  # 12:31
    "/2025/12/11/zakon-o-cifrovyh-uslugah/",  # 00:20
    "/2025/12/10/pervyi-sneg-v-bishkeke/",  # yesterday 23:45
    "/2025/12/10/zimnie-kanikuly-prodlyat/",  # yesterday 09:30
    "/2025/12/09/programma-razvitiya-regionov/",
    SAME_SLUG_2024,
]


def test_ago_stamps_at_1718(feed_1718: DemoServer) -> None:
    assert ago_stamps(feed_1718, STAMPED) == [
        "5 минут назад",
        "26 минут назад",
        "1 час назад",
        "3 часа назад",
        "4 часа назад",
        "16 часов назад",
        "вчера в 23:45",
        "вчера в 09:30",
        "9 декабря 2025",
        "11 декабря 2024",
    ]
    home = fetch(feed_1718, "/").doc
    recent = [text_of(s) for s in home.cssselect(".widget_recent_entries .post-date")]
    assert recent == ["5 минут назад", "26 минут назад", "1 час назад", "3 часа назад",
                      "4 часа назад"]  # fmt: skip


def test_ago_stamps_at_1734(feed_1734: DemoServer) -> None:
    assert ago_stamps(feed_1734, STAMPED) == [
        "21 минуту назад",
        "42 минуты назад",
        "1 час назад",
        "3 часа назад",
        "5 часов назад",
        "17 часов назад",
        "вчера в 23:45",
        "вчера в 09:30",
        "9 декабря 2025",
        "11 декабря 2024",
    ]
    listing = fetch(feed_1734, "/category/politika/").doc
    assert [text_of(s) for s in listing.cssselect("article.post .posted-on")] == [
        "21 минуту назад",
        "17 часов назад",
        "9 декабря 2025",
        "11 декабря 2024",
    ]


def test_feed_site_on_the_real_clock_shifts_every_time() -> None:
    with DemoServer(FEED, port=0, site_now=FEED_NOW) as server:
        for record in records(FEED, "articles.jsonl")[:3]:
            doc = fetch(server, record["url_path"]).doc
            true = server.shift_time(record["published_at"])
            assert news_article(doc)[0]["datePublished"] == true.isoformat()
            assert true.utcoffset() == timedelta(hours=6)


# -- plain site ---------------------------------------------------------------------------------
def test_plain_site_is_utf8_without_structured_data(plain: DemoServer) -> None:
    paths = page_paths(PLAIN)
    assert "/news/?start=10" in paths
    assert "/news/?start=20" in paths
    for path in paths:
        page = fetch(plain, path)
        assert page.status == 200, path
        if path.endswith(".txt"):
            continue
        assert page.content_type == "text/html; charset=utf-8", path
        text = page.body.decode("utf-8")
        assert not UNRENDERED.search(text), path
        for marker in ("application/ld+json", "og:", "<time", "itemprop", "datetime="):
            assert marker not in text, (path, marker)
    assert fetch(plain, "/robots.txt").text == (
        "User-agent: *\nDisallow: /cgi-bin/\nDisallow: /admin/\n"
    )


def test_plain_feed_just_after_midnight(plain: DemoServer) -> None:
    assert lenta(fetch(plain, "/news/").doc) == [
        "# <js>",  # today's header is written by JavaScript: no date in the HTML
        "00:04 /news/4522.html",
        "23:57 /news/4521.html",  # midnight crossed with no separator: 2025-12-11
        "21:40 /news/4520.html",
        "19:18 /news/4519.html",
        "17:13 /news/4518.html",
        "14:30 /news/4517.html",
        "11:05 /news/4516.html",
        "09:30 /news/4515.html",
        "# Среда, 10.12.2025",
        "23:50 /news/4514.html",
        "20:15 /news/4513.html",
    ]
    assert lenta(fetch(plain, "/news/?start=10").doc) == [
        "# Среда, 10.12.2025",  # repeated at the top of the next page
        "18:40 /news/4512.html",
        "12:00 /news/4511.html",
        "08:45 /news/4510.html",
        "# Вторник, 09.12.2025",
        "22:10 /news/4509.html",
        "16:25 /news/4508.html",
        "10:00 /news/4507.html",
        "# Понедельник, 08.12.2025",
        "19:00 /news/4506.html",
        "07:30 /news/4505.html",
        "# Пятница, 05.12.2025",
        "13:13 /news/4504.html",
        "00:01 /news/4503.html",
    ]
    assert lenta(fetch(plain, "/news/?start=20").doc) == [
        "# Понедельник, 19.03.2018",
        "19:18 /news/1187.html",
        "00:00 /news/1183.html",
        "# Суббота, 17.03.2018",
        "04:11 /news/1180.html",
    ]
    right = fetch(plain, "/").doc.cssselect("td.right table.last td.time")
    assert [text_of(td) for td in right] == ["00:04", "23:57", "21:40", "19:18", "17:13", "14:30"]


def test_plain_feed_when_nothing_is_from_today(plain_two_days_later: DemoServer) -> None:
    assert lenta(fetch(plain_two_days_later, "/news/").doc)[:5] == [
        "# Пятница, 12.12.2025",  # not today any more: printed
        "00:04 /news/4522.html",
        "23:57 /news/4521.html",  # still no separator before 2025-12-11
        "21:40 /news/4520.html",
        "19:18 /news/4519.html",
    ]


def test_plain_site_articles_match_expected(plain: DemoServer) -> None:
    expected = records(PLAIN, "articles.jsonl")
    assert len(expected) >= 12
    for record in expected:
        doc = fetch(plain, record["url_path"]).doc
        center = one(doc, "td.center")
        titles = center.cssselect("h1.title") or center.xpath("./font[@size='5']/b")
        assert [text_of(t) for t in titles] == [record["title"]]
        assert block_text(one(center, "td.text")) == record["body"], record["url_path"]
        shown = text_of(one(center, "div.date"))
        for form in ("%d.%m.%Y %H:%M", "%H:%M / %d.%m.%Y", "%d.%m.%Y"):
            try:
                local = datetime.strptime(shown, form)
            except ValueError:
                continue
            precision = "day" if form == "%d.%m.%Y" else "minute"
            break
        else:
            pytest.fail(f"{record['url_path']}: date {shown!r}")
        published = datetime.fromisoformat(record["published_at"])
        assert local.replace(tzinfo=published.tzinfo) == published
        assert published.utcoffset() == timedelta(hours=5)
        assert record["published_precision"] == precision
        assert text_of(one(center, "div.rubric b")) == record["section"]
        authors = [text_of(a).removeprefix("Автор: ") for a in center.cssselect("div.author")]
        assert authors == record["authors"]
        assert (record["lead"], record["tags"], record["is_article"]) == (None, [], True)
    by_path = {r["url_path"]: r for r in expected}
    assert by_path[DATE_ONLY]["published_at"] == "2018-03-19T00:00:00+05:00"
    assert by_path[DATE_ONLY]["published_precision"] == "day"
    assert by_path["/news/4507.html"]["body"] == (
        "Семейная поликлиника на 500 посещений в смену откроется в Сергелийском районе.\n\n"
        "Адрес:\nСергели-6, улица Янги Сергели, 45.\nТелефон регистратуры: 71 200-00-45.\n\n"
        "Запись к врачам уже открыта."
    )
    old = fetch(plain, OLD_TEMPLATE).doc
    assert not old.cssselect("h1")
    assert text_of(one(old, "div.date")) == "19:18 / 19.03.2018"
    assert text_of(one(fetch(plain, CROSSING_ITEM).doc, "div.date")) == "11.12.2025 23:57"
    assert text_of(one(fetch(plain, AFTER_MIDNIGHT_ITEM).doc, "div.date")) == "12.12.2025 00:04"


def test_plain_site_query_strings(plain: DemoServer) -> None:
    first = fetch(plain, "/news/")
    second = fetch(plain, "/news/?start=10")
    assert first.body != second.body
    # no such variant: the query string is ignored
    assert fetch(plain, "/news/?start=0").body == first.body
    assert fetch(plain, "/news/?start=10&utm_source=tg").body == first.body
    pager = one(second.doc, "div.pages")
    assert pager.xpath(".//a/@href") == ["/news/?start=0", "/news/?start=20", "/news/?start=20"]
    assert raw_get(plain, "/news/index__start=10.html")[0] == 404  # never under its own name
    status, headers = raw_get(plain, "/news?start=10")
    assert (status, headers["Location"]) == (301, plain.url + "news/?start=10")
    non_articles = records(PLAIN, "non_articles.jsonl")
    assert [r["url_path"] for r in non_articles] == [
        "/", "/news/", "/news/?start=10", "/news/?start=20", "/news/?start=0", "/about.html"
    ]  # fmt: skip


# -- generators ---------------------------------------------------------------------------------
@pytest.mark.parametrize("root", [FEED, PLAIN], ids=["feed-site", "plain-site"])
def test_build_check_passes(root: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(root / "build.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
