"""A synthetic DataLife-Engine-style news site of any size, generated on the fly, on loopback.

Pages look like the demo site's (same classes, rate widget on every page, sidebar, comments),
about 30 KB each, with Russian text generated deterministically from the article id, so two
servers of the same size serve the same bytes. Used by the benchmarks; not by the archiver.

    python benchmarks/synthetic_site.py --articles 2000 --port 8766
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
from datetime import datetime, timedelta
from functools import lru_cache
from http.server import BaseHTTPRequestHandler
from typing import Any

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
# The newest article's time; older ones are spaced 47 minutes apart.
NEWEST = datetime(2025, 12, 11, 17, 13)

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
    when = NEWEST - timedelta(minutes=47 * number)
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


def _layout(title: str, main: str, count: int) -> str:
    latest = "".join(
        f'<li class="lastnews-item"><a class="ln-title" href="{a["path"]}">{a["title"]}</a>'
        f'<p class="ln-text">{a["lead"][:120]}</p><span class="ln-date">{a["stamp"]}</span></li>'
        for a in map(_article, range(min(5, count)))
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


def listing(page: int, count: int) -> str | None:
    pages = (count + PER_PAGE - 1) // PER_PAGE
    if not 1 <= page <= pages:
        return None
    items = "".join(
        '<div class="base shortstory"><div class="dpad">'
        f'<h3 class="btl"><a href="{a["path"]}">{a["title"]}</a></h3>'
        f'<span class="baseinfo">Автор: <a href="/user/admin/">admin</a> | '
        f'<a href="{a["day"]}">{a["stamp"]}</a></span>'
        f'<div class="maincont">{a["lead"]}</div><p class="argcat">Категория: '
        f'<a href="/{a["section"]}/">{SECTION_NAMES[a["section"]]}</a></p></div></div>'
        for a in map(_article, range((page - 1) * PER_PAGE, min(page * PER_PAGE, count)))
    )
    links = "".join(f'<a href="/page/{n}/">{n}</a> ' for n in range(1, min(pages, 10) + 1))
    nxt = (
        f'<span class="nav-next"><a href="/page/{page + 1}/">Вперед</a></span>'
        if page < pages
        else ""
    )
    return _layout("Новости", f'{items}<div class="navigation">{links}{nxt}</div>', count)


def article(path: str, count: int) -> str | None:
    try:
        number = 100000 - int(path.rsplit("/", 1)[1].split("-", 1)[0])
    except ValueError:
        return None
    if not 0 <= number < count or _article(number)["path"] != path:
        return None
    a = _article(number)
    body = f"<p><strong>{a['lead']}</strong></p>" + "".join(f"<p>{p}</p>" for p in a["paragraphs"])
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
    return _layout(a["title"], main, count)


def render(path: str, count: int) -> tuple[int, str, bytes]:
    """Status, content type and body of ``path`` on a site of ``count`` articles."""
    body: str | None
    kind = "text/html"
    if path == "/robots.txt":
        body, kind = "User-agent: *\nDisallow: /user/\n", "text/plain"
    elif path == "/":
        body = listing(1, count)
    elif path.startswith("/page/"):
        number = path.strip("/").split("/")[-1]
        body = listing(int(number) if number.isdigit() else 0, count)
    else:
        body = article(path, count)
    status = 200 if body is not None else 404
    return status, f"{kind}; charset=utf-8", (body or "Not found").encode("utf-8")


def crawl_command(url: str, out: str, *overrides: str) -> list[str]:
    """``newsarchive crawl URL --site everyday --out OUT``, as the benchmarks run it."""
    command = [sys.executable, "-m", "newsarchive", "crawl", url, "--site", "everyday",
               "--out", out]  # fmt: skip
    for pair in (*CRAWL_SETTINGS, *overrides):
        command += ["-s", pair]
    return command


def site_paths(count: int) -> list[str]:
    """Every path a crawl of the site fetches: robots.txt, listing pages, articles."""
    pages = (count + PER_PAGE - 1) // PER_PAGE
    return [
        "/robots.txt",
        "/",
        *(f"/page/{n}/" for n in range(1, pages + 1)),
        *(_article(n)["path"] for n in range(count)),
    ]


class SyntheticSite(LocalServer):
    """Serve ``count`` articles on ``http://127.0.0.1:PORT/`` from a daemon thread.

    Pages are rendered on request; ``warm()`` renders every page once beforehand and keeps the
    bytes, so that serving costs a dictionary look-up (benchmarks that must not measure the
    server). Nagle's algorithm is off: with it, the header and body writes of a keep-alive
    response wait for the client's delayed ACK, about 40 ms a page.
    """

    def __init__(self, count: int, port: int = 0) -> None:
        site_count = count
        self.count = count
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                found = pages.get(path)
                status, kind, data = found if found else render(path, site_count)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        super().__init__(Handler, port=port, name="synthetic-site")

    def warm(self) -> int:
        """Render every page into memory; returns their total size in bytes."""
        for path in site_paths(self.count):
            self.pages[path] = render(path, self.count)
        return sum(len(data) for _, _, data in self.pages.values())


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
