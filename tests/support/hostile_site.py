"""A news site that fails in every way real ones do, on loopback, and how to read a crawl of it.

Its pages are DataLife Engine markup like the demo site's, so the ``everyday`` site file reads
them (``newsarchive crawl URL --site everyday``). Page 1 lists eight healthy articles and one
article URL per fault (``FAULTS``); page 2 answers 503 once, then lists 5,000 links.
robots.txt disallows ``/private/`` and names three sitemaps, two of them hostile XML, which the
generic spider reads (``newsarchive crawl URL`` without ``--site``).

A second listener on 127.0.0.2 stands for another host: a redirect and a sitemap point at it,
and nothing may ever reach it. Every request to either listener is logged, and every healthy
article page served in full is noted, so that a crawl's archive can be checked against what
the server really delivered. Every handler ends within ``SLOW`` seconds, at once when the site
stops, so a crawler that gives up leaves no thread behind::

    with HostileSite() as site:
        crawled = crawl(site, out, "everyday", "--site", "everyday")
        crawled.requests("/faults/2001-http500.html")   # 3: one try and two retries
"""

from __future__ import annotations

import gzip
import random
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from newsarchive.analysis import load_runs
from newsarchive.demo.local import LocalServer
from tests.support.helpers import FAST, read_jsonl, run_cli

__all__ = [
    "ARTICLES",
    "CRAWL_SETTINGS",
    "FAULTS",
    "LINKS_ON_PAGE_2",
    "MAX_SIZE",
    "PLAIN",
    "PRIVATE",
    "REDIRECT_CHAIN",
    "SITEMAP_FAULTS",
    "SLOW",
    "Article",
    "Crawl",
    "Fault",
    "Hit",
    "HostileSite",
    "bomb_sitemap",
    "crawl",
    "listing_page",
    "report",
    "xxe_feed",
    "xxe_sitemap",
]

# What the crawls of this site run with: a download timeout below SLOW, a size limit below the
# oversize pages and above every other page (page 2, the largest, is about 160 KB).
SLOW = 4.0
MAX_SIZE = 262_144
CRAWL_SETTINGS = ("-s", "DOWNLOAD_TIMEOUT=2", "-s", f"DOWNLOAD_MAXSIZE={MAX_SIZE}")
# A crawl that has not ended by then is hung: three timeouts in a row take 6 s.
CRAWL_TIMEOUT = 90
# Hops of the long redirect chain: more than Scrapy follows (REDIRECT_MAX_TIMES, 20).
REDIRECT_CHAIN = 30
LINKS_ON_PAGE_2 = 5000
PAGE_2 = "/page/2/"

_WORDS = (
    "в", "Узбекистане", "министерство", "сообщили", "пресс-службы", "республики", "развития",
    "году", "области", "проекта", "программы", "населения", "сотрудничества", "страны",
    "регионов", "Ташкенте", "экономики", "образования", "рамках", "реализации", "работы",
)  # fmt: skip
_SECTIONS = ("society", "economy", "politics", "health", "world", "sport", "tech")


@dataclass(frozen=True, slots=True)
class Article:
    """A healthy article: served in full, it must be in the archive exactly once."""

    id: int
    section: str
    title: str
    paragraphs: tuple[str, ...]
    stamp: str  # as DLE prints it, in Asia/Tashkent

    @property
    def path(self) -> str:
        return f"/{self.section}/{self.id}-post.html"

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def _article(number: int) -> Article:
    rnd = random.Random(number)

    def sentence(words: int) -> str:
        text = " ".join(rnd.choice(_WORDS) for _ in range(words))
        return text[0].upper() + text[1:] + "."

    return Article(
        id=number,
        section=_SECTIONS[number % len(_SECTIONS)],
        title=f"Новость {number}: {sentence(6)[:-1].lower()}",
        paragraphs=tuple(" ".join(sentence(14) for _ in range(3)) for _ in range(4)),
        stamp=f"{number % 28 + 1:02d}-11-2025, {number % 24:02d}:{number % 60:02d}",
    )


# 1001-1008 are plain; 1009-1017 come through a fault that a crawler should survive.
ARTICLES = {number: _article(number) for number in range(1001, 1018)}
PLAIN = tuple(ARTICLES[number] for number in range(1001, 1009))
# Articles robots.txt forbids: listed on page 1, never to be requested.
PRIVATE = ("/private/3001-post.html", "/private/3002-post.html")
_SMUGGLED_TITLE = "SMUGGLED"


@dataclass(frozen=True, slots=True)
class Fault:
    """A URL the site links to, what the server does when asked, and what it should yield."""

    path: str
    name: str  # the fault, as the report names it
    serve: Callable[[_Handler], None]
    articles: tuple[int, ...] = ()  # what a crawler that survives it archives


@dataclass(frozen=True, slots=True)
class Hit:
    """One request the site received."""

    listener: str  # "main" (127.0.0.1) or "foreign" (127.0.0.2)
    host: str  # the Host header
    path: str
    at: float  # time.monotonic() when it arrived


# --- pages -------------------------------------------------------------------------------


def _layout(title: str, main: str, *, meta_charset: str | None = "utf-8", head: str = "") -> str:
    charset = f'<meta charset="{meta_charset}">' if meta_charset else ""
    return (
        f'<!DOCTYPE html><html lang="ru"><head>{charset}<title>{title} » Everyday.uz</title>'
        f'<meta property="og:site_name" content="Everyday.uz">{head}</head><body>'
        '<div class="wrapper"><header class="header"><div class="logo"><a href="/">Everyday.uz'
        '</a></div></header><div class="container"><main class="content">'
        f'<div id="dle-content">{main}</div></main></div>'
        '<footer class="footer"><p>© 2012–2025 Everyday.uz</p></footer></div></body></html>'
    )


def article_page(article: Article, *, meta_charset: str | None = "utf-8") -> str:
    """The article as DLE renders it: ``.fullstory`` with ``h1``, ``.baseinfo``, ``.maincont``."""
    first, *rest = article.paragraphs
    paragraphs = f"<p><strong>{first}</strong></p>" + "".join(f"<p>{p}</p>" for p in rest)
    main = (
        f'<div class="base fullstory"><div class="dpad"><h1 class="btl">{article.title}</h1>'
        f'<span class="baseinfo">Автор: <a href="/user/admin/">admin</a> | {article.stamp} | '
        f'<a href="/{article.section}/">{article.section}</a></span>'
        f'<div class="maincont">{paragraphs}</div></div></div>'
    )
    head = '<meta property="og:type" content="article">'
    return _layout(article.title, main, meta_charset=meta_charset, head=head)


def _story(path: str, title: str) -> str:
    return (
        f'<div class="base shortstory"><div class="dpad"><h3 class="btl"><a href="{path}">'
        f'{title}</a></h3><span class="baseinfo">Автор: <a href="/user/admin/">admin</a>'
        "</span></div></div>"
    )


@cache
def _page_1() -> bytes:
    stories = [_story(article.path, article.title) for article in PLAIN]
    stories += [_story(f.path, f"Сбой: {f.name}") for f in FAULTS if f.path != PAGE_2]
    stories += [_story(path, "Закрытый раздел") for path in PRIVATE]
    navigation = (
        f'<div class="navigation"><span>1</span> <a href="{PAGE_2}">2</a> '
        f'<span class="nav-next"><a href="{PAGE_2}">Вперед</a></span></div>'
    )
    return _layout("Новости", "".join(stories) + navigation).encode()


def listing_page(paths: Iterable[str]) -> bytes:
    """A listing page of stories linking to ``paths``, without pagination."""
    return _layout("Новости", "".join(_story(path, f"Новость {path}") for path in paths)).encode()


def _page_2() -> bytes:
    """5,000 links: two new articles, three spellings of one already listed, tag pages."""
    seen = ARTICLES[1001].path
    links = [_story(ARTICLES[n].path, ARTICLES[n].title) for n in (1014, 1015)]
    links += [f'<a href="{seen}?utm_source=tg">а</a>', f'<a href="{seen}#comments">б</a>',
              f'<a href="{seen}/">в</a>']  # fmt: skip
    links += [f'<a href="/tags/{n}/">#{n}</a>' for n in range(LINKS_ON_PAGE_2 - len(links))]
    navigation = '<div class="navigation"><span>2</span></div>'
    return _layout("Архив", " ".join(links) + navigation).encode()


def _robots(base: str) -> bytes:
    return (
        f"User-agent: *\nDisallow: /private/\n\nSitemap: {base}/sitemap.xml\n"
        f"Sitemap: {base}/sitemap-bomb.xml\nSitemap: {base}/sitemap-xxe.xml\n"
    ).encode()


def _urlset(locs: list[str]) -> str:
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


def _plain_sitemap(base: str, foreign: str) -> bytes:
    locs = [base + ARTICLES[n].path for n in (1001, 1002, 1003)]
    return _urlset([*locs, f"{foreign}/society/9001-post.html"]).encode()


def bomb_sitemap(base: str, *extra_locs: str) -> bytes:
    """Billion laughs: ``&lol9;`` stands for 10⁹ "lol"s, in a URL under ``/laughs/``."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    doctype = f"<!DOCTYPE urlset [{''.join(entities)}]>"
    urlset = _urlset([*extra_locs, f"{base}/laughs/&lol9;"])
    return f'<?xml version="1.0"?>\n{doctype}\n{urlset}'.encode()


def _external_entities(base: str, root: str) -> str:
    """A DOCTYPE with an external DTD, a file and an HTTP entity, and a parameter entity."""
    return (
        f'<!DOCTYPE {root} SYSTEM "{base}/xxe/dtd" ['
        '<!ENTITY file SYSTEM "file:///etc/passwd">'
        f'<!ENTITY probe SYSTEM "{base}/xxe/entity">'
        f'<!ENTITY % param SYSTEM "{base}/xxe/param"> %param;]>'
    )


def xxe_sitemap(base: str) -> bytes:
    """External entities: resolved, they would put /etc/passwd in a URL or call ``/xxe/``."""
    locs = [base + ARTICLES[1005].path, f"{base}/leak/&file;", f"{base}/probe/&probe;"]
    return f'<?xml version="1.0"?>\n{_external_entities(base, "urlset")}\n{_urlset(locs)}'.encode()


def xxe_feed(base: str) -> bytes:
    """The same entities in an RSS feed's item links."""
    links = (base + ARTICLES[1006].path, f"{base}/leak/&file;", f"{base}/probe/&probe;")
    items = "".join(
        f"<item><title>{n}</title><link>{url}</link></item>" for n, url in enumerate(links)
    )
    rss = f'<rss version="2.0"><channel>{items}</channel></rss>'
    return f'<?xml version="1.0"?>\n{_external_entities(base, "rss")}\n{rss}'.encode()


@cache
def _gzip_bomb() -> bytes:
    """8 MiB of HTML that gzip squeezes to about 8 KB."""
    return gzip.compress(b"<html><body>" + b" " * (8 << 20) + b"</body></html>", mtime=0)


# --- the server ---------------------------------------------------------------------------


class _Hangup(Exception):
    """The handler cut the connection on purpose; nothing to report."""


class _Listener(LocalServer):
    """One of the site's two addresses: "main" (127.0.0.1) or "foreign" (127.0.0.2)."""

    def __init__(self, host: str, site: HostileSite, role: str) -> None:
        super().__init__(_Handler, host=host, name=f"hostile-{role}")
        self.site = site
        self.role = role

    def quiet(self, error: BaseException | None) -> bool:
        # The crawler hanging up on a slow or huge answer is the point of those answers.
        return isinstance(error, _Hangup | ConnectionError | TimeoutError)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 10  # an idle keep-alive connection is closed, not held forever
    server_version = "nginx"
    sys_version = ""

    def do_GET(self) -> None:
        where = self.listener.role
        hit = Hit(where, self.headers.get("Host", ""), self.path, time.monotonic())
        self.site.record(hit)
        if where == "foreign":
            self.send(200, _layout("Чужой сайт", "<p>Другой хост.</p>").encode())
            return
        route = self.site.routes.get(self.path.split("?", 1)[0].split("#", 1)[0])
        if route is None:
            self.send(404, _layout("404", "<p>Страница не найдена.</p>").encode())
        else:
            route(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def listener(self) -> _Listener:
        return cast(_Listener, LocalServer.of(self))

    @property
    def site(self) -> HostileSite:
        return self.listener.site

    def send(
        self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
        **headers: str,
    ) -> None:  # fmt: skip
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def deliver(self, article: Article, body: bytes, content_type: str) -> None:
        """Serve a healthy article in full, and note that it was."""
        self.send(200, body, content_type)
        self.site.delivered(article.id)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send(status, b"", Location=location)

    def head(self, length: int | None, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if length is None:
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def reset(self) -> None:
        """Half the headers, then a TCP RST instead of a FIN: "connection reset by peer".

        Mid-response, so that the HTTP client's own silent retry of a request that got no
        answer at all on a reused connection does not blur the count of attempts.
        """
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
        self.site.pause(1.0)  # let the client read them before the reset
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.wfile.close()
        self.connection.close()
        raise _Hangup


# --- the routes ---------------------------------------------------------------------------

Route = Callable[[_Handler], None]


def _healthy(article: Article, *, charset: str = "utf-8", label: bool = True) -> Route:
    body = article_page(article, meta_charset=charset if label else None).encode(charset)
    content_type = f"text/html; charset={charset}" if label else "text/html"
    return lambda handler: handler.deliver(article, body, content_type)


def _mislabelled(article: Article) -> Route:
    """windows-1251 bytes, labelled UTF-8 in the header and the page."""
    body = article_page(article).encode("cp1251")
    return lambda handler: handler.deliver(article, body, "text/html; charset=utf-8")


def _error(status: int, **headers: str) -> Route:
    page = _layout(str(status), f"<p>Ошибка {status}.</p>").encode()
    return lambda handler: handler.send(status, page, **headers)


def _static(body: bytes, content_type: str = "text/html; charset=utf-8") -> Route:
    return lambda handler: handler.send(200, body, content_type)


def _redirect(location: str, status: int = 302) -> Route:
    return lambda handler: handler.redirect(location, status)


def _once(first: Route, then: Route, path: str) -> Route:
    """``first`` for the first request of ``path``, ``then`` for the others."""
    return lambda handler: (first if handler.site.count(path) == 1 else then)(handler)


def _timeout(handler: _Handler) -> None:
    handler.site.pause(SLOW)
    handler.send(200, article_page(ARTICLES[1001]).encode())


def _stall(handler: _Handler) -> None:
    page = article_page(ARTICLES[1002]).encode()
    handler.head(len(page))
    handler.wfile.write(page[: len(page) // 2])
    handler.site.pause(SLOW)
    handler.wfile.write(page[len(page) // 2 :])


def _truncated(handler: _Handler) -> None:
    page = article_page(ARTICLES[1003]).encode()
    handler.head(len(page))
    handler.wfile.write(page[: len(page) // 2])
    handler.close_connection = True


def _smuggler(handler: _Handler) -> None:
    """Content-Length covers the page; a whole second response follows it on the connection."""
    article = ARTICLES[1013]
    page = article_page(article).encode()
    fake = article_page(Article(article.id, "world", _SMUGGLED_TITLE, ("x",), "")).encode()
    smuggled = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    smuggled += f"Content-Length: {len(fake)}\r\n\r\n".encode() + fake
    handler.head(len(page))
    handler.wfile.write(page + smuggled)
    handler.site.delivered(article.id)


def _oversize_streamed(handler: _Handler) -> None:
    """No Content-Length: the size shows only while reading. 64 MiB, unless the reader quits."""
    handler.head(None)
    try:
        for _ in range(1024):
            handler.wfile.write(b"x" * 65536)
    except ConnectionError:
        handler.site.abandoned.add(handler.path)
        raise


def _pdf(handler: _Handler) -> None:
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
    handler.send(200, pdf, "application/pdf")


def _hop(number: int) -> Route:
    return _redirect(f"/hop/{number + 1}") if number < REDIRECT_CHAIN else _error(404)


_REFRESH = _layout(
    "Переезд",
    "<p>Статья переехала.</p>",
    head=f'<meta http-equiv="refresh" content="0; url={ARTICLES[1011].path}">',
).encode()

FAULTS = (
    Fault(ARTICLES[1009].path, "500 once, then 200",
          _once(_error(500), _healthy(ARTICLES[1009]), ARTICLES[1009].path), (1009,)),
    Fault("/politics/1010-old.html", "3 redirects (301, 302, 307)", _redirect("/go/1", 301),
          (1010,)),
    Fault("/society/1011-refresh.html", "<meta http-equiv=refresh>", _static(_REFRESH), (1011,)),
    Fault(ARTICLES[1012].path, "no charset anywhere (UTF-8)",
          _healthy(ARTICLES[1012], label=False), (1012,)),
    Fault(ARTICLES[1013].path, "Content-Length short: 2nd response smuggled", _smuggler,
          (1013,)),
    Fault(PAGE_2, "listing: 503 once, then 5,000 links",
          _once(_error(503, Retry_After="1"), _static(_page_2()), PAGE_2), (1014, 1015)),
    Fault("/faults/1016-cp1251-as-utf8.html", "windows-1251 labelled utf-8",
          _mislabelled(ARTICLES[1016]), (1016,)),
    Fault("/faults/1017-cp1251-unlabelled.html", "windows-1251, no charset",
          _healthy(ARTICLES[1017], charset="cp1251", label=False), (1017,)),
    Fault("/faults/2001-http500.html", "500", _error(500)),
    Fault("/faults/2002-http503.html", "503 + Retry-After", _error(503, Retry_After="1")),
    Fault("/faults/2003-http429.html", "429 + Retry-After", _error(429, Retry_After="1")),
    Fault("/faults/2004-http404.html", "404", _error(404)),
    Fault("/faults/2005-http410.html", "410", _error(410)),
    Fault("/faults/2006-timeout.html", f"no answer for {SLOW:.0f} s", _timeout),
    Fault("/faults/2007-stall.html", "stall mid-body", _stall),
    Fault("/faults/2008-reset.html", "connection reset", lambda handler: handler.reset()),
    Fault("/faults/2009-truncated.html", "body shorter than Content-Length", _truncated),
    Fault("/faults/2010-fake-gzip.html", "gzip that is not gzip",
          lambda handler: handler.send(200, article_page(ARTICLES[1004]).encode(),
                                       Content_Encoding="gzip")),
    Fault("/faults/2011-gzip-bomb.html", "gzip bomb (8 KB to 8 MiB)",
          lambda handler: handler.send(200, _gzip_bomb(), Content_Encoding="gzip")),
    Fault("/faults/2012-loop.html", "redirect loop", _redirect("/loop")),
    Fault("/faults/2013-chain.html", f"{REDIRECT_CHAIN}-hop redirect chain", _redirect("/hop/1")),
    Fault("/faults/2014-offsite.html", "redirect to another host",
          lambda handler: handler.redirect(f"{handler.site.foreign_url}/society/2014-post.html")),
    Fault("/faults/2015-empty.html", "empty 200", _static(b"")),
    Fault("/faults/2016-pdf.html", "PDF at an .html URL", _pdf),
    Fault("/faults/2017-oversize.html", "Content-Length over DOWNLOAD_MAXSIZE",
          _static(b"<html><body>" + b"x" * (MAX_SIZE + 100_000) + b"</body></html>")),
    Fault("/faults/2018-oversize-streamed.html", "64 MiB body, no length", _oversize_streamed),
)  # fmt: skip
# Sitemaps named by robots.txt: only the generic spider reads them.
SITEMAP_FAULTS = (
    ("/sitemap.xml", "sitemap listing another host's page", (1001, 1002, 1003)),
    ("/sitemap-bomb.xml", "sitemap: billion laughs", ()),
    ("/sitemap-xxe.xml", "sitemap: external DTD and entities", (1005,)),
)


class HostileSite:
    """The site on ``http://127.0.0.1:PORT`` and its foreign twin on 127.0.0.2, from threads."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._hits: list[Hit] = []
        self._delivered: list[int] = []
        self.abandoned: set[str] = set()  # streamed pages the reader hung up on
        self.main = _Listener("127.0.0.1", self, "main")
        self.foreign = _Listener("127.0.0.2", self, "foreign")
        # Bound now: the pages name both addresses, ports included, before the site serves.
        self.main.bind()
        self.foreign.bind()
        self.url = self.main.url.rstrip("/")
        self.foreign_url = self.foreign.url.rstrip("/")
        self.routes = self._routes()

    def _routes(self) -> dict[str, Route]:
        xml = "application/xml; charset=utf-8"
        return {
            "/": _static(_page_1()),
            "/robots.txt": _static(_robots(self.url), "text/plain; charset=utf-8"),
            "/sitemap.xml": _static(_plain_sitemap(self.url, self.foreign_url), xml),
            "/sitemap-bomb.xml": _static(bomb_sitemap(self.url), xml),
            "/sitemap-xxe.xml": _static(xxe_sitemap(self.url), xml),
            **{article.path: _healthy(article) for article in ARTICLES.values()},
            **{fault.path: fault.serve for fault in FAULTS},
            "/go/1": _redirect("/go/2"),
            "/go/2": _redirect(ARTICLES[1010].path, 307),
            "/loop": _redirect("/faults/2012-loop.html"),
            **{f"/hop/{n}": _hop(n) for n in range(1, REDIRECT_CHAIN + 1)},
        }

    # --- what the site saw ---

    def record(self, hit: Hit) -> None:
        with self._lock:
            self._hits.append(hit)

    def delivered(self, article_id: int) -> None:
        with self._lock:
            self._delivered.append(article_id)

    @property
    def hits(self) -> list[Hit]:
        with self._lock:
            return list(self._hits)

    @property
    def served(self) -> set[int]:
        """The healthy articles the site served in full at least once."""
        with self._lock:
            return set(self._delivered)

    def count(self, path: str) -> int:
        """Requests the main listener got for ``path`` (query included, if given)."""
        return sum(1 for hit in self.hits if hit.listener == "main" and hit.path == path)

    def pause(self, seconds: float) -> None:
        """Wait, but no longer than the site runs."""
        self.stopping.wait(seconds)

    # --- lifetime ---

    def start(self) -> HostileSite:
        self.main.start()
        self.foreign.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # ends the handlers that pause, so that none outlives the site
        self.main.stop()
        self.foreign.stop()

    def __enter__(self) -> HostileSite:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# --- a crawl of it ------------------------------------------------------------------------

_NOT_ARCHIVED = re.compile(r"(\S+): not archived \((\w+)[;)]")
_DROPPED = re.compile(r"Dropped: (\S+): no \w+(?: and no \w+)? found")
_NUMBER = re.compile(r"/(\d+)-[^/]*\.html")
_ROBOTS = re.compile(r"(\S+): not fetched \(robots\.txt or off-site\)")


@dataclass(frozen=True)
class Crawl:
    """A finished ``newsarchive crawl`` of the site: what the server saw, what was archived."""

    base: str
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    hits: list[Hit]
    served: set[int]
    abandoned: set[str]
    records: list[dict[str, Any]]
    run: dict[str, Any]

    def requests(self, path: str) -> int:
        return sum(1 for hit in self.hits if hit.listener == "main" and hit.path == path)

    def archived(self) -> list[int]:
        """The article numbers of the archived records (from their URLs), one each, sorted."""
        return sorted(int(_NUMBER.findall(record["url"])[-1]) for record in self.records)

    def failures(self) -> dict[str, str]:
        """Path → kind, for every URL the crawl's log names as not archived or not fetched."""
        found: dict[str, str] = {}
        for line in self.stderr.splitlines():
            if match := _NOT_ARCHIVED.search(line):
                found[match[1]] = match[2]
            elif match := _DROPPED.search(line):
                found[match[1]] = "incomplete_article"
            elif match := _ROBOTS.search(line):
                found[match[1]] = "robots.txt"
        return {url.removeprefix(self.base): kind for url, kind in found.items()}


def crawl(site: HostileSite, out: Path, name: str, *options: str) -> Crawl:
    """Run ``newsarchive crawl`` on the site into ``out``; the archive's folder is ``name``."""
    started = time.monotonic()
    result = run_cli(
        "crawl", f"{site.url}/", "--out", str(out), *FAST, *CRAWL_SETTINGS, *options,
        timeout=CRAWL_TIMEOUT,
    )  # fmt: skip
    seconds = time.monotonic() - started
    runs = list(load_runs(out / name))
    return Crawl(
        base=site.url,
        returncode=result.returncode,
        stdout=result.stdout,
        stderr=result.stderr,
        seconds=seconds,
        hits=site.hits,
        served=site.served,
        abandoned=set(site.abandoned),
        records=read_jsonl(out / name / "articles"),
        run=runs[-1] if runs else {},
    )


def report(listing: Crawl, discovery: Crawl) -> str:
    """The table the README quotes: each fault, what the crawler did, and the records lost."""
    rows = [("fault", "requests", "counted as", "archived")]

    def row(name: str, crawled: Crawl, paths: tuple[str, ...], articles: tuple[int, ...]) -> None:
        failures = crawled.failures()
        kinds = sorted({failures[path] for path in paths if path in failures})
        from_paths = {  # anything archived from the fault's own URL, wanted or not
            int(_NUMBER.findall(record["url"])[-1])
            for record in crawled.records
            if urlsplit(record["url"]).path in paths
        }
        archived = sorted(set(articles) & set(crawled.archived()) | from_paths)
        rows.append((
            name,
            str(sum(crawled.requests(path) for path in paths)),
            ", ".join(kinds) or "-",
            f"yes ({', '.join(map(str, archived))})" if archived else "no",
        ))  # fmt: skip

    for fault in FAULTS:
        row(fault.name, listing, (fault.path,), fault.articles)
    row("robots.txt Disallow: /private/", listing, PRIVATE, ())
    for path, name, articles in SITEMAP_FAULTS:
        row(name, discovery, (path,), articles)
    widths = [max(len(cells[i]) for cells in rows) for i in range(4)]
    lines = [
        f"{cells[0]:<{widths[0]}}  {cells[1]:>{widths[1]}}  {cells[2]:<{widths[2]}}  {cells[3]}"
        for cells in rows
    ]
    for label, crawled in (("site file", listing), ("sitemaps ", discovery)):
        archived = crawled.archived()
        lost = sorted(crawled.served - set(archived))
        lines.append(
            f"{label}: exit {crawled.returncode} in {crawled.seconds:.1f} s; healthy articles "
            f"served {len(crawled.served)}, archived {len(set(archived))} "
            f"({len(archived) - len(set(archived))} twice); records lost: {len(lost)}"
            + (f" {lost}" if lost else "")
        )
    hits = listing.hits + discovery.hits
    lines.append(
        f"requests to another host: {sum(hit.listener != 'main' for hit in hits)}; "
        f"to /xxe/, /leak/, /probe/, /laughs/: "
        f"{sum(hit.path.startswith(('/xxe/', '/leak/', '/probe/', '/laughs/')) for hit in hits)}"
    )
    return "\n".join(lines)
