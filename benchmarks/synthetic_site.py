"""A synthetic DataLife-Engine-style news site of any size, generated on the fly, on loopback.

Pages look like the demo site's (same classes, rate widget on every page, sidebar, comments),
about 30 KB each, with Russian text generated deterministically from the article id, so two
servers of the same size serve the same bytes. Used by the benchmarks and the tests of
re-runs; not by the archiver.

Besides the paginated listing (``/``, ``/page/N/``) and the articles, the site offers what the
generic crawl discovers: robots.txt naming a sitemap index (``/sitemap.xml``) whose children
(``/sitemap-K.xml``, oldest articles first) carry a ``<lastmod>``, an RSS feed of the newest
articles (``/rss.xml``), a page per section and per day. ``publish(n)`` puts ``n`` new articles
on top, as an editor would. With ``validators="honoured"`` every page carries an ``ETag`` and
a ``Last-Modified`` and a conditional request for an unchanged page gets ``304``;
``"ignored"`` sends them but answers 200 whatever is asked. ``log`` holds every request's
path, status and whether it was conditional.

    python benchmarks/synthetic_site.py --articles 2000 --port 8766
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import math
import random
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from http.server import BaseHTTPRequestHandler
from typing import Any, Literal

from newsarchive.demo.local import LocalServer

PER_PAGE = 10
# The full crawl's settings for a loopback site: AutoThrottle's start delay would only add time.
CRAWL_SETTINGS = ("AUTOTHROTTLE_ENABLED=False", "NEWSARCHIVE_PROGRESS_INTERVAL=0")
SECTIONS = ("politics", "economy", "society", "health", "world", "sport", "tech")
NAMES = ("Политика", "Экономика", "Общество", "Здоровье", "В мире", "Спорт", "Технологии")
SECTION_NAMES = dict(zip(SECTIONS, NAMES, strict=True))
WORDS = [
    "в", "Узбекистане", "министерство", "сообщили", "пресс-службы", "республики", "развития",
    "году", "области", "проекта", "программы", "населения", "сотрудничества", "страны",
    "регионов", "Ташкенте", "экономики", "образования", "рамках", "реализации", "работы",
    "предприятий", "услуг", "граждан", "международного", "совместных", "инвестиций",
]  # fmt: skip
# The newest article's time; older ones are spaced 47 minutes apart (new ones too, after it).
NEWEST = datetime(2025, 12, 11, 17, 13)
SPACING = timedelta(minutes=47)
ZONE = timezone(timedelta(hours=5))  # Asia/Tashkent
# Articles a child sitemap holds, articles in the feed, articles on a section's page.
PER_SITEMAP = 250
IN_FEED = 20
PER_SECTION = 20

WIDGET = (
    '<div class="currency-widget"><div class="cw-title">Курс валют</div><ul>'
    '<li><span class="cur">USD:</span> <span class="val">12 020.90</span> '
    '<span class="diff up">+17.72</span></li>'
    '<li><span class="cur">EUR:</span> <span class="val">13 988.72</span> '
    '<span class="diff up">+1.41</span></li>'
    '<li><span class="cur">RUB:</span> <span class="val">155.49</span> '
    '<span class="diff down">-1.19</span></li></ul>'
    '<div class="cw-date">Обновлено (ЦБ) 11.12.2025</div></div>'
)


def _sentence(rnd: random.Random, words: int) -> str:
    text = " ".join(rnd.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


@lru_cache(maxsize=4096)
def _article(number: int) -> dict[str, Any]:
    rnd = random.Random(number)
    section = SECTIONS[number % len(SECTIONS)]
    when = _when(number)
    return {
        "id": 100000 - number,
        "path": f"/{section}/{100000 - number}-post.html",
        "section": section,
        "title": _sentence(rnd, 9)[:-1],
        "lead": _sentence(rnd, 25),
        "paragraphs": [
            " ".join(_sentence(rnd, rnd.randint(15, 30)) for _ in range(4)) for _ in range(12)
        ],
        "stamp": f"{when:%d-%m-%Y, %H:%M}",
        "day": f"/{when:%Y/%m/%d}/",
    }


def _when(number: int) -> datetime:
    """When article ``number`` was published (site time)."""
    return (NEWEST - SPACING * number).replace(tzinfo=ZONE)


def _layout(title: str, main: str, newest: Iterable[int]) -> str:
    latest = "".join(
        f'<li class="lastnews-item"><a class="ln-title" href="{a["path"]}">{a["title"]}</a>'
        f'<p class="ln-text">{a["lead"][:120]}</p><span class="ln-date">{a["stamp"]}</span></li>'
        for a in map(_article, newest)
    )
    menu = "".join(f'<li><a href="/{s}/">{SECTION_NAMES[s]}</a></li>' for s in SECTIONS)
    return (
        '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">'
        f"<title>{title} » everyday.uz</title>"
        f'<meta property="og:title" content="{title}"><meta name="description" content="{title}">'
        '<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>'
        f'<header class="header"><nav class="topmenu"><ul>{menu}</ul></nav></header>{WIDGET}'
        f'<main class="content"><div id="dle-content">{main}</div></main>'
        f'<aside class="sidebar"><h4>Последние новости</h4><ul class="lastnews">{latest}</ul>'
        '</aside><footer class="footer">© everyday.uz</footer></body></html>'
    )


def _items(numbers: Iterable[int]) -> str:
    return "".join(
        '<div class="base shortstory"><div class="dpad">'
        f'<h3 class="btl"><a href="{a["path"]}">{a["title"]}</a></h3>'
        f'<span class="baseinfo">Автор: <a href="/user/admin/">admin</a> | '
        f'<a href="{a["day"]}">{a["stamp"]}</a></span>'
        f'<div class="maincont">{a["lead"]}</div><p class="argcat">Категория: '
        f'<a href="/{a["section"]}/">{SECTION_NAMES[a["section"]]}</a></p></div></div>'
        for a in map(_article, numbers)
    )


@dataclass(frozen=True, slots=True)
class Page:
    status: int
    content_type: str
    body: bytes
    # The newest article the page shows (none for robots.txt and error pages).
    last_modified: datetime | None = None


@dataclass(frozen=True, slots=True)
class Edition:
    """The site at one moment: ``count`` articles, plus ``new`` published since (on top).

    Articles are numbered by age, 0 the newest of the first ``count`` and -1, -2... the ones
    published after; ``base`` (``http://host:port``) is what robots.txt and sitemaps name.
    """

    count: int
    new: int = 0
    base: str = ""
    per_sitemap: int = PER_SITEMAP
    per_page: int = PER_PAGE

    @property
    def numbers(self) -> range:
        """Every article, newest first."""
        return range(-self.new, self.count)

    def newest(self, how_many: int) -> range:
        return self.numbers[:how_many]

    def when(self, numbers: Iterable[int]) -> datetime | None:
        """The time of the newest of these articles."""
        newest = min(numbers, default=None)
        return None if newest is None else _when(newest)

    def listing(self, page: int) -> Page | None:
        numbers = self.numbers
        size = self.per_page
        pages = (len(numbers) + size - 1) // size
        if not 1 <= page <= pages:
            return None
        shown = numbers[(page - 1) * size : page * size]
        links = "".join(f'<a href="/page/{n}/">{n}</a> ' for n in range(1, min(pages, 10) + 1))
        nxt = (
            f'<span class="nav-next"><a href="/page/{page + 1}/">Вперед</a></span>'
            if page < pages
            else ""
        )
        main = f'{_items(shown)}<div class="navigation">{links}{nxt}</div>'
        return self._html("Новости", main, shown)

    def section(self, name: str) -> Page:
        shown = [n for n in self.numbers if SECTIONS[n % len(SECTIONS)] == name][:PER_SECTION]
        return self._html(SECTION_NAMES[name], _items(shown), shown)

    def day(self, path: str) -> Page | None:
        shown = [n for n in self.numbers if f"/{_when(n):%Y/%m/%d}/" == path]
        return self._html(path.strip("/"), _items(shown), shown) if shown else None

    def article(self, path: str) -> Page | None:
        try:
            number = 100000 - int(path.rsplit("/", 1)[1].split("-", 1)[0])
        except ValueError:
            return None
        if number not in self.numbers or _article(number)["path"] != path:
            return None
        a = _article(number)
        body = f"<p><strong>{a['lead']}</strong></p>" + "".join(
            f"<p>{p}</p>" for p in a["paragraphs"]
        )
        comments = "".join(
            f'<div class="comment"><span class="comm-author">Читатель {n}</span> '
            f'<span class="comm-date">{a["stamp"]}</span>'
            f'<div class="comm-text">{a["paragraphs"][n][:200]}</div></div>'
            for n in range(3)
        )
        main = (
            f'<div class="base fullstory"><div class="dpad"><h1 class="btl">{a["title"]}</h1>'
            f'<span class="baseinfo">Автор: <a href="/user/admin/">admin</a> | '
            f'<a href="{a["day"]}">{a["stamp"]}</a> | '
            f'<a href="/{a["section"]}/">{SECTION_NAMES[a["section"]]}</a></span>'
            f'<div class="maincont">{body}<div class="share">Поделиться: Telegram Facebook</div>'
            f'</div></div></div><div class="comments" id="dle-comments-list"><h3>Комментарии</h3>'
            f"{comments}</div>"
        )
        return self._html(a["title"], main, [number])

    def robots(self) -> Page:
        named = f"Sitemap: {self.base}/sitemap.xml\n" if self.base else ""
        text = f"User-agent: *\nDisallow: /user/\n{named}"
        return Page(200, "text/plain; charset=utf-8", text.encode())

    def sitemap_children(self) -> list[range]:
        """Each child sitemap's articles, newest first; the oldest articles in the first."""
        numbers, size = self.numbers, self.per_sitemap
        oldest_first = range(len(numbers), 0, -size)
        return [numbers[max(0, end - size) : end] for end in oldest_first]

    def sitemap_index(self) -> Page:
        entries = "".join(
            f"<sitemap><loc>{self.base}/sitemap-{k}.xml</loc>"
            f"<lastmod>{self._iso(child)}</lastmod></sitemap>"
            for k, child in enumerate(self.sitemap_children(), 1)
        )
        return self._xml(f"<sitemapindex {_SITEMAP_NS}>{entries}</sitemapindex>", self.numbers)

    def sitemap(self, number: int) -> Page | None:
        children = self.sitemap_children()
        if not 1 <= number <= len(children):
            return None
        child = children[number - 1]
        entries = "".join(
            f"<url><loc>{self.base}{_article(n)['path']}</loc>"
            f"<lastmod>{self._iso([n])}</lastmod></url>"
            for n in child
        )
        return self._xml(f"<urlset {_SITEMAP_NS}>{entries}</urlset>", child)

    def feed(self) -> Page:
        shown = self.newest(IN_FEED)
        items = "".join(
            f"<item><title>{_article(n)['title']}</title>"
            f"<link>{self.base}{_article(n)['path']}</link>"
            f"<pubDate>{format_datetime(_when(n))}</pubDate></item>"
            for n in shown
        )
        rss = (
            f'<rss version="2.0"><channel><title>everyday.uz</title><link>{self.base}/</link>'
            f"{items}</channel></rss>"
        )
        return self._xml(rss, shown, "application/rss+xml")

    def render(self, path: str) -> Page:
        """The page at ``path`` (a 404 page when there is none)."""
        found: Page | None
        parts = path.strip("/").split("/")
        if path == "/robots.txt":
            found = self.robots()
        elif path == "/":
            found = self.listing(1)
        elif path.startswith("/page/"):
            found = self.listing(int(parts[-1]) if parts[-1].isdigit() else 0)
        elif path == "/sitemap.xml":
            found = self.sitemap_index()
        elif path.startswith("/sitemap-") and path.endswith(".xml"):
            number = path.removeprefix("/sitemap-").removesuffix(".xml")
            found = self.sitemap(int(number)) if number.isdigit() else None
        elif path == "/rss.xml":
            found = self.feed()
        elif path.endswith("/") and len(parts) == 1 and parts[0] in SECTION_NAMES:
            found = self.section(parts[0])
        elif path.endswith("/") and len(parts) == 3 and all(part.isdigit() for part in parts):
            found = self.day(path)
        else:
            found = self.article(path)
        return found or Page(404, "text/html; charset=utf-8", b"Not found")

    def _html(self, title: str, main: str, shown: Iterable[int]) -> Page:
        newest = self.newest(5)  # the sidebar's
        body = _layout(title, main, newest).encode("utf-8")
        return Page(200, "text/html; charset=utf-8", body, self.when([*shown, *newest]))

    def _xml(self, xml: str, shown: Iterable[int], kind: str = "application/xml") -> Page:
        text = f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}'
        return Page(200, f"{kind}; charset=utf-8", text.encode("utf-8"), self.when(shown))

    def _iso(self, numbers: Iterable[int]) -> str:
        moment = self.when(numbers)
        assert moment is not None, "a sitemap lists at least one article"
        return moment.isoformat()


_SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def listing(page: int, count: int) -> str | None:
    """Listing page ``page`` of a site of ``count`` articles, as HTML."""
    found = Edition(count).listing(page)
    return found.body.decode("utf-8") if found else None


def article(path: str, count: int) -> str | None:
    """The article page at ``path`` of a site of ``count`` articles, as HTML."""
    found = Edition(count).article(path)
    return found.body.decode("utf-8") if found else None


def render(path: str, count: int) -> tuple[int, str, bytes]:
    """Status, content type and body of ``path`` on a site of ``count`` articles."""
    page = Edition(count).render(path)
    return page.status, page.content_type, page.body


def crawl_command(url: str, out: str, *overrides: str, site: str | None = "everyday") -> list[str]:
    """``newsarchive crawl URL --site everyday --out OUT``, as the benchmarks run it
    (``site=None``: the generic crawl, by discovery)."""
    command = [sys.executable, "-m", "newsarchive", "crawl", url, "--out", out]
    if site is not None:
        command += ["--site", site]
    for pair in (*CRAWL_SETTINGS, *overrides):
        command += ["-s", pair]
    return command


def site_paths(count: int, per_page: int = PER_PAGE) -> list[str]:
    """Every path a crawl of the site fetches: robots.txt, listing pages, articles."""
    pages = (count + per_page - 1) // per_page
    return [
        "/robots.txt",
        "/",
        *(f"/page/{n}/" for n in range(1, pages + 1)),
        *(_article(n)["path"] for n in range(count)),
    ]


@dataclass(slots=True)
class Hit:
    """One request the site answered: its path, the status sent, and whether it asked
    "changed since?" (``If-None-Match`` or ``If-Modified-Since``).

    ``started`` and ``finished`` are ``time.monotonic()`` when the request arrived and once the
    body was written (``None`` while it is being written): what :func:`rate` and
    :func:`max_in_flight` measure a crawl's politeness from. They take no part in ``==``.
    """

    path: str
    status: int
    conditional: bool
    started: float = field(default=0.0, compare=False)
    finished: float | None = field(default=None, compare=False)


def max_in_flight(hits: Iterable[Hit]) -> int:
    """The most requests the site was answering at one moment (one still being answered
    counts until the end); a request that ends as another arrives is not counted twice."""
    events = sorted(
        event
        for hit in hits
        for event in ((hit.started, 1), (math.inf if hit.finished is None else hit.finished, -1))
    )  # at one instant an end (-1) sorts before an arrival (+1)
    most = current = 0
    for _, step in events:
        current += step
        most = max(most, current)
    return most


def rate(hits: Iterable[Hit]) -> float:
    """Requests per second over the span from the first arrival to the last answer written."""
    done = [(hit.started, hit.finished) for hit in hits if hit.finished is not None]
    if not done:
        return 0.0
    span = max(end for _, end in done) - min(start for start, _ in done)
    return len(done) / span if span > 0 else math.inf


Validating = Literal["none", "honoured", "ignored"]


class SyntheticSite(LocalServer):
    """Serve ``count`` articles on ``http://127.0.0.1:PORT/`` from a daemon thread.

    Pages are rendered on request; ``warm()`` renders every page once beforehand and keeps the
    bytes, so that serving costs a dictionary look-up (benchmarks that must not measure the
    server). Nagle's algorithm is off: with it, the header and body writes of a keep-alive
    response wait for the client's delayed ACK, about 40 ms a page.

    ``validators``: ``"none"`` sends neither ``ETag`` nor ``Last-Modified``; ``"honoured"``
    sends both and answers a conditional request for an unchanged page with 304 (the ETag
    decides when the request names one, else the date); ``"ignored"`` sends both and always
    answers 200. A path in ``forced`` gets its status whatever the request asked (an empty
    body): a 304 as from a broken cache in front of the site, a 500 from a failing backend
    (the dict may change while the site serves). ``delay`` seconds pass before each answer
    (a slow site, for tests that must catch a crawl mid-way). ``per_page`` articles to a
    listing page (a big site on few pages).
    """

    def __init__(
        self,
        count: int,
        port: int = 0,
        *,
        validators: Validating = "none",
        per_sitemap: int = PER_SITEMAP,
        forced: Mapping[str, int] | None = None,
        delay: float = 0.0,
        per_page: int = PER_PAGE,
    ) -> None:
        self.count = count
        self.delay = delay
        self.per_page = per_page
        self.new = 0
        self.per_sitemap = per_sitemap
        self.validators = validators
        self.forced = dict(forced or {})
        self.pages: dict[str, Page] = {}
        self.log: list[Hit] = []  # every request, in arrival order
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                started = time.monotonic()
                if site.delay:
                    time.sleep(site.delay)
                path = self.path.split("?", 1)[0]
                page = site.pages.get(path) or site.edition().render(path)
                headers = {"Content-Type": page.content_type}
                if site.validators != "none" and page.status == 200:
                    headers["ETag"] = _etag(page.body)
                    if page.last_modified is not None:
                        headers["Last-Modified"] = format_datetime(
                            page.last_modified.astimezone(UTC), usegmt=True
                        )
                asked = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
                if path in site.forced:
                    status, headers, body = site.forced[path], {}, b""
                elif site.validators == "honoured" and page.status == 200 and _unchanged(
                    asked, headers
                ):
                    status, body = 304, b""
                    del headers["Content-Type"]
                else:
                    status, body = page.status, page.body
                hit = Hit(path, status, any(asked), started)
                site.log.append(hit)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status != 304:  # a 304 has no body, nor a length for one
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                hit.finished = time.monotonic()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        super().__init__(Handler, port=port, name="synthetic-site")

    def quiet(self, error: BaseException | None) -> bool:
        # A client hanging up mid-answer (a crawl killed by a test) is routine.
        return isinstance(error, ConnectionError)

    def edition(self) -> Edition:
        """What the site serves now."""
        base = self.url.rstrip("/")
        return Edition(self.count, self.new, base, self.per_sitemap, self.per_page)

    def publish(self, articles: int) -> None:
        """Put ``articles`` new articles on top of the site (every listing page shifts)."""
        self.new += articles
        self.pages.clear()

    def hits(self, since: int = 0) -> list[Hit]:
        """The requests answered since ``len(log)`` was ``since``."""
        return self.log[since:]

    def warm(self) -> int:
        """Render every page into memory; returns their total size in bytes."""
        edition = self.edition()
        for path in site_paths(self.count, self.per_page):
            self.pages[path] = edition.render(path)
        return sum(len(page.body) for page in self.pages.values())


def _etag(body: bytes) -> str:
    return f'"{hashlib.sha1(body).hexdigest()[:16]}"'


def _unchanged(asked: tuple[str | None, str | None], headers: dict[str, str]) -> bool:
    """Whether a request's (If-None-Match, If-Modified-Since) match the page (RFC 9110 13.2.2:
    If-Modified-Since is ignored when If-None-Match is sent)."""
    if_none_match, if_modified_since = asked
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or headers["ETag"] in tags
    if if_modified_since is None or "Last-Modified" not in headers:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return parsedate_to_datetime(headers["Last-Modified"]) <= since


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    with SyntheticSite(args.articles, args.port) as site:
        print(f"synthetic site of {args.articles} articles at {site.url} (Ctrl-C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            site.wait()


if __name__ == "__main__":
    main()
