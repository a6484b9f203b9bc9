"""The bundled demo site (fixtures/demo-site) and its fixture server (newsarchive.demo)."""

from __future__ import annotations

import filecmp
import http.client
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from parsel import Selector

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # when the package is not installed into the environment
    sys.path.insert(0, str(ROOT))

from newsarchive.demo import (  # noqa: E402
    DEFAULT_PORT,
    DemoServer,
    default_fixture_root,
)
from tests.unit.test_demo_server import (  # noqa: E402
    AFTER_MIDNIGHT,
    AT_1713_TODAY,
    FIXTURE,
    REFERENCE_NOW,
    Fetched,
    article_stamp,
)

RATE_WIDGET = (
    '<div class="currency-widget"><div class="cw-title">Курс валют</div><ul><li><span class="cur">'
    'USD:</span> <span class="val">12 020.90</span> <span class="diff up">+17.72</span></li><li>'
    '<span class="cur">EUR:</span> <span class="val">13 988.72</span> <span class="diff up">+1.41'
    '</span></li><li><span class="cur">RUB:</span> <span class="val">155.49</span> <span class='
    '"diff down">-1.19</span></li></ul><div class="cw-date">Обновлено (ЦБ) 11.12.2025</div></div>'
)
# Hard cases (see fixtures/demo-site/README.md).
RICH_BODY = "/tech/16906-post.html"
NO_DATE = "/health/16895-post.html"
URL_VARIANTS = "/economy/16890-post.html"
BROKEN = "/sport/16896-post.html"
CP1251 = "/economy/16897-post.html"
AT_2350_YESTERDAY = "/world/16899-post.html"
AT_0004_TODAY = "/politics/16900-post.html"


def fetch(server: DemoServer, path: str) -> Fetched:
    try:
        with urllib.request.urlopen(server.url + path.lstrip("/"), timeout=10) as response:
            return Fetched(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, error.headers, error.read())


def expected_articles() -> list[dict[str, Any]]:
    lines = (FIXTURE / "expected" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def parse_stamp(text: str, now: datetime) -> datetime:
    """Resolve a DLE stamp against ``now`` (aware, site zone): what a crawler must do."""
    relative = re.fullmatch(r"(Сегодня|Вчера), (\d\d):(\d\d)", text)
    if relative:
        day = now.date() - timedelta(days=1 if relative[1] == "Вчера" else 0)
        hour, minute = int(relative[2]), int(relative[3])
    else:
        absolute = re.fullmatch(r"(\d\d)-(\d\d)-(\d{4}), (\d\d):(\d\d)", text)
        assert absolute, text
        day = datetime(int(absolute[3]), int(absolute[2]), int(absolute[1])).date()
        hour, minute = int(absolute[4]), int(absolute[5])
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=now.tzinfo)


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    """Real clock: true times are the fixture's plus a whole-minute shift."""
    with DemoServer(port=0, site_now=REFERENCE_NOW) as demo:
        yield demo


@pytest.fixture(scope="module")
def midnight_server() -> Iterator[DemoServer]:
    with DemoServer(port=0, site_now=AFTER_MIDNIGHT) as demo:
        yield demo


@pytest.fixture(scope="module")
def virtual() -> Iterator[DemoServer]:
    """Virtual clock starting at reference_now: pages show the fixture's own stamps."""
    with DemoServer(port=0, site_now=REFERENCE_NOW, virtual_clock=True) as demo:
        yield demo


@pytest.fixture(scope="module")
def virtual_midnight() -> Iterator[DemoServer]:
    with DemoServer(port=0, site_now=AFTER_MIDNIGHT, virtual_clock=True) as demo:
        yield demo


# -- pages --------------------------------------------------------------------------------------
def test_home_page_has_widget_ten_items_and_next_page(server: DemoServer) -> None:
    page = fetch(server, "/")
    assert page.status == 200
    assert page.content_type == "text/html; charset=utf-8"
    assert RATE_WIDGET in page.text
    items = page.sel.css("#dle-content div.base.shortstory")
    assert len(items) == 10
    assert page.sel.css("div.navigation a[href='/page/2/']")
    assert page.sel.css("span.nav-next a::attr(href)").get() == "/page/2/"
    assert page.sel.css("meta[property='og:type']::attr(content)").get() == "website"
    assert page.sel.css("link[rel=alternate][type='application/rss+xml']::attr(href)").get() == (
        "/rss.xml"
    )
    assert len(page.sel.css("aside li.lastnews-item")) == 5
    assert page.sel.css("aside li.lastnews-item p.ln-text::text").get() == (
        "В пресс-службе Генеральной прокуратуры Республики Узбекистан напомнили, что получение "
        "и дача взятки относятся к числу"
    )


def test_listing_pages_cover_every_article(server: DemoServer) -> None:
    expected = {record["url_path"] for record in expected_articles()}
    seen: list[str] = []
    for path in ("/", "/page/2/", "/page/3/"):
        page = fetch(server, path)
        assert page.status == 200, path
        assert len(page.sel.css("div.shortstory")) == 10, path
        seen += page.sel.css("div.shortstory h3.btl a::attr(href)").getall()
    last = fetch(server, "/page/3/")
    assert last.sel.css("span.nav-next a").get() is None  # no "Вперед" link on the last page
    assert fetch(server, "/page/4/").status == 404
    canonical = {re.sub(r"(\.html)/?(\?.*)?$", r"\1", href) for href in seen}
    assert canonical == expected | {BROKEN}
    assert URL_VARIANTS + "?utm_source=tg&utm_medium=social" in seen
    assert URL_VARIANTS + "/" in seen
    assert URL_VARIANTS not in seen


def test_section_listing_and_redirect(server: DemoServer) -> None:
    page = fetch(server, "/economy/")
    assert page.status == 200
    assert URL_VARIANTS + "/" in page.sel.css("h3.btl a::attr(href)").getall()
    assert set(page.sel.css("p.argcat a::text").getall()) == {"Экономика"}
    # like nginx, a folder without its slash redirects (urllib follows it)
    assert fetch(server, "/economy").body == page.body


def test_article_page(server: DemoServer) -> None:
    page = fetch(server, "/health/15820-post.html")
    assert page.status == 200
    title = "В Узбекистане стартовали Дни казахстанской медицины"
    assert page.sel.css("div.fullstory h1.btl::text").get() == title
    assert page.sel.css("meta[property='og:title']::attr(content)").get() == title
    assert page.sel.css("meta[property='og:type']::attr(content)").get() == "article"
    assert page.sel.css("meta[property='og:url']::attr(content)").get() == (
        server.url + "health/15820-post.html"
    )
    assert page.sel.css("div.speedbar a::text").getall() == ["Everyday.uz", "Здоровье"]
    assert page.sel.css("div.comments h3::text").get() == "Комментарии"
    assert len(page.sel.css("div.comments div.comment")) == 2
    assert page.sel.css("div.related-news h3::text").get() == "Новости Узбекистана"
    assert len(page.sel.css("div.related-news a")) == 4
    assert page.sel.css("aside div.block-title::text").get() == "Последние новости"
    assert RATE_WIDGET in page.text


@pytest.mark.parametrize("path", [URL_VARIANTS, "/health/15820-post.html"])
def test_url_variants_serve_the_same_page(server: DemoServer, path: str) -> None:
    plain = fetch(server, path)
    assert plain.status == 200
    for variant in (path + "/", path + "?utm_source=tg&utm_medium=social", path + "/?x=1"):
        other = fetch(server, variant)
        assert (other.status, other.body) == (200, plain.body), variant


def test_broken_link_is_a_dle_404(server: DemoServer) -> None:
    listing = fetch(server, "/page/2/")
    assert BROKEN in listing.sel.css("h3.btl a::attr(href)").getall()
    page = fetch(server, BROKEN)
    assert page.status == 404
    assert page.content_type == "text/html; charset=utf-8"
    assert "К сожалению, данная страница для Вас не доступна" in page.text
    assert page.sel.css("#dle-content div.berrors")
    assert fetch(server, "/no/such/page/").status == 404
    assert fetch(server, "/_404.html").status == 404


def test_cp1251_page(server: DemoServer) -> None:
    page = fetch(server, CP1251)
    assert page.status == 200
    assert page.content_type == "text/html"  # the charset is in the meta tag only
    with pytest.raises(UnicodeDecodeError):
        page.body.decode("utf-8")
    text = page.body.decode("cp1251")
    assert '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">' in text
    assert "Коммерческие банки снизили ставки по депозитам в национальной валюте" in text
    assert RATE_WIDGET in text


def test_no_date_anywhere_for_the_dateless_article(server: DemoServer) -> None:
    page = fetch(server, NO_DATE)
    assert page.status == 200
    assert article_stamp(page) is None
    story = "".join(page.sel.css("#dle-content").getall())
    assert not re.search(r"Сегодня|Вчера|\d\d-\d\d-\d{4}|\d\d:\d\d", story)
    for listing in ("/page/2/", "/health/"):
        for item in fetch(server, listing).sel.css("div.shortstory"):
            if item.css("h3.btl a::attr(href)").get() == NO_DATE:
                assert item.css("span.baseinfo a::text").getall() == ["admin"]
                break
        else:
            pytest.fail(f"{NO_DATE} not in {listing}")


# -- time stamps --------------------------------------------------------------------------------
def test_stamps_at_reference_now(virtual: DemoServer) -> None:
    """On the virtual clock the pages show the fixture's own stamps (expected published_raw)."""
    assert virtual.shift == timedelta(0)
    page = fetch(virtual, AT_1713_TODAY)
    served_at = parsedate_to_datetime(page.headers["Date"])  # the Date header tells the clock
    assert timedelta(0) <= served_at - datetime.fromisoformat(REFERENCE_NOW) < timedelta(minutes=1)
    assert article_stamp(fetch(virtual, AT_1713_TODAY)) == "Сегодня, 17:13"
    assert article_stamp(fetch(virtual, AT_0004_TODAY)) == "Сегодня, 00:04"
    assert article_stamp(fetch(virtual, AT_2350_YESTERDAY)) == "Вчера, 23:50"
    assert article_stamp(fetch(virtual, "/politics/3127-post.html")) == "17-03-2018, 04:11"
    home = fetch(virtual, "/")
    assert home.sel.css("aside li.lastnews-item span.ln-date::text").get() == "Сегодня, 17:13"
    assert home.sel.css("div.shortstory span.baseinfo a::attr(href)").getall()[1] == (
        "/2025/12/11/"
    )


def test_stamps_just_after_midnight(virtual_midnight: DemoServer) -> None:
    assert article_stamp(fetch(virtual_midnight, AT_1713_TODAY)) == "Вчера, 17:13"
    assert article_stamp(fetch(virtual_midnight, AT_0004_TODAY)) == "Вчера, 00:04"
    assert article_stamp(fetch(virtual_midnight, AT_2350_YESTERDAY)) == "10-12-2025, 23:50"


@pytest.mark.parametrize("which", ["server", "midnight_server", "virtual_midnight"])
def test_stamps_resolve_to_true_times(which: str, request: pytest.FixtureRequest) -> None:
    """Resolving each stamp against the server's clock at fetch time gives shift_time(expected)
    exactly (on the real clock: any moment; crossing local midnight mid-fetch is retried)."""
    demo: DemoServer = request.getfixturevalue(which)
    for record in expected_articles():
        if record["published_at"] is None:
            continue
        true = demo.shift_time(record["published_at"])
        for _attempt in range(3):
            before = demo.now()
            stamp = article_stamp(fetch(demo, record["url_path"]))
            after = demo.now()
            if before.date() == after.date():
                break
        assert stamp is not None
        assert parse_stamp(stamp, before) == true, (record["id"], stamp)
        assert stamp == demo.site.stamp(record["published_at"], before)


def test_rss_and_robots(server: DemoServer) -> None:
    rss = fetch(server, "/rss.xml")
    assert rss.status == 200
    assert rss.content_type.startswith("application/xml")
    feed = Selector(text=rss.body.decode("utf-8"), type="xml")
    items = feed.xpath("//item")
    assert len(items) == 10
    first = items[0]
    assert first.xpath("link/text()").get() == server.url + AT_1713_TODAY.lstrip("/")
    pub = parsedate_to_datetime(first.xpath("pubDate/text()").get() or "")
    assert pub == server.shift_time("2025-12-11T17:13")
    assert first.xpath("pubDate/text()").get().endswith("+0500")  # type: ignore[union-attr]
    robots = fetch(server, "/robots.txt")
    assert robots.content_type.startswith("text/plain")
    assert "Disallow: /user/" in robots.text
    assert "Disallow: /admin.php" in robots.text
    assert f"Sitemap: {server.url}sitemap.xml" in robots.text
    assert fetch(server, "/sitemap.xml").status == 200


def test_every_template_renders_without_placeholders(server: DemoServer) -> None:
    pages = FIXTURE / "pages"
    for file in sorted(pages.rglob("*")):
        if not file.is_file() or file.name.startswith("_"):
            continue
        relative = file.relative_to(pages).as_posix()
        path = "/" + relative.removesuffix("index.html")
        page = fetch(server, path)
        assert page.status == 200, path
        assert "{{" not in page.text, path
        assert "}}" not in page.text, path


def test_path_traversal_is_refused(server: DemoServer) -> None:
    for path in ("/../site.json", "/%2e%2e/site.json", "/pages/../../build.py", "//etc/passwd"):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 404, path


# -- expected records ---------------------------------------------------------------------------
def reference_body(page: Fetched) -> tuple[str, str]:
    """(lead, body) by the documented body-text rule, from the served article HTML."""

    def text(node: Selector) -> str:
        return " ".join(" ".join(node.css("::text").getall()).split())

    paragraphs: list[str] = []
    for node in page.sel.css("div.fullstory div.maincont > *"):
        tag = node.root.tag
        classes = (node.attrib.get("class") or "").split()
        if tag == "script" or {"related-inline", "share", "banner"} & set(classes):
            continue
        if tag == "ul":
            paragraphs.append("\n".join(f"- {text(li)}" for li in node.css("li")))
        elif tag == "figure":
            paragraphs.append(text(node.css("figcaption")[0]))
        else:
            assert tag in ("p", "h2", "blockquote"), tag
            paragraphs.append(text(node))
    lead = text(page.sel.css("div.fullstory div.maincont > p:first-child > strong")[0])
    return lead, "\n\n".join(paragraphs)


def test_expected_articles_match_served_pages(virtual: DemoServer) -> None:
    server = virtual  # the expected published_raw is the stamp at reference_now, unshifted
    records = expected_articles()
    assert len(records) >= 25
    assert [r["id"] for r in records] == sorted(
        (r["id"] for r in records), key=lambda i: int(i.split(":")[1])
    )
    assert all(r["url_path"] != BROKEN for r in records)
    keys = "id url_path section title lead body published_at published_precision"
    keys += " published_raw author lang"
    for record in records:
        assert list(record) == keys.split()
        page = fetch(server, record["url_path"])
        assert page.status == 200, record["id"]
        assert record["title"] in page.text
        assert page.sel.css("h1.btl::text").get() == record["title"]
        assert record["id"] == "everyday:" + record["url_path"].split("/")[2].split("-")[0]
        assert record["section"] == page.sel.css("div.fullstory span.baseinfo a::text").getall()[-1]
        assert reference_body(page) == (record["lead"], record["body"]), record["id"]
        assert record["lang"] == "ru"
        assert record["author"] == page.sel.css("div.fullstory span.baseinfo a::text").get()
        if record["published_at"] is None:
            assert record["published_precision"] is None
            assert record["published_raw"] is None
            assert article_stamp(page) is None
            continue
        assert record["published_precision"] == "minute"
        published = datetime.fromisoformat(record["published_at"])
        assert published.utcoffset() == timedelta(hours=5)
        assert article_stamp(page) == record["published_raw"]
        day_link = page.sel.css("div.fullstory span.baseinfo a::attr(href)").getall()[1]
        assert day_link == f"/{published:%Y/%m/%d}/"
    hard = {r["url_path"]: r for r in records}
    assert hard[AT_1713_TODAY]["published_raw"] == "Сегодня, 17:13"
    assert hard[AT_2350_YESTERDAY]["published_raw"] == "Вчера, 23:50"
    assert hard[AT_0004_TODAY]["published_raw"] == "Сегодня, 00:04"
    assert hard["/politics/3127-post.html"]["published_raw"] == "17-03-2018, 04:11"
    rich = hard[RICH_BODY]["body"]
    assert "\n- разработка языковых моделей" in rich
    assert "\n\n«Искусственный интеллект" in rich
    assert "\n\nПрезентация программы развития" in rich


def test_build_output_is_up_to_date(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(FIXTURE / "build.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for sub in ("pages", "expected"):
        built = sorted(p.relative_to(tmp_path / sub) for p in (tmp_path / sub).rglob("*"))
        committed = sorted(p.relative_to(FIXTURE / sub) for p in (FIXTURE / sub).rglob("*"))
        assert built == committed, f"{sub}/ is stale: run python fixtures/demo-site/build.py"
        for relative in built:
            if (tmp_path / sub / relative).is_file():
                assert filecmp.cmp(
                    tmp_path / sub / relative, FIXTURE / sub / relative, shallow=False
                ), f"{sub}/{relative} is stale: run python fixtures/demo-site/build.py"


# -- server API and command line ----------------------------------------------------------------
def test_api_facts(server: DemoServer) -> None:
    assert DEFAULT_PORT == 8765
    assert default_fixture_root() == FIXTURE
    assert server.url == f"http://127.0.0.1:{server.port}/"
    assert server.reference_now == datetime.fromisoformat(REFERENCE_NOW)
    assert str(server.timezone) == "Asia/Tashkent"
    assert server.shift == server.site.shift


def test_taken_port_raises_a_clear_oserror(server: DemoServer) -> None:
    with pytest.raises(OSError, match=f"127.0.0.1:{server.port}.*already in use"):
        DemoServer(port=server.port).start()


def test_command_line(server: DemoServer) -> None:
    command = [sys.executable, "-m", "newsarchive.demo.server", "--port", "0"]
    command += ["--site-now", AFTER_MIDNIGHT, "--virtual-clock"]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, line
        with urllib.request.urlopen(url[0] + AT_1713_TODAY.lstrip("/"), timeout=10) as response:
            assert "Вчера, 17:13" in response.read().decode("utf-8")
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "Warning" not in stderr
    taken = subprocess.run(
        [sys.executable, "-m", "newsarchive.demo.server", "--port", str(server.port)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert taken.returncode == 1
    assert "already in use" in taken.stderr
