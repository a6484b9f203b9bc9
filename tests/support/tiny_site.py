"""A tiny news site on 127.0.0.1 that logs each request, and the site files that crawl it.

Shared by tests/e2e/test_safety.py and tests/e2e/test_bad_input.py.
"""

from __future__ import annotations

import random
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from newsarchive.demo.local import LocalServer

# Ordinary Russian news prose (UTF-8: two bytes a letter) for the body paragraphs.
PARAGRAPH = "Министерство экономики сообщило о росте промышленного производства в регионах. "
SITE_FILE = """\
name = "{name}"
start_urls = ["{url}"]
allowed_domains = ["127.0.0.1"]
timezone = "Asia/Tashkent"
article_url = '{article_url}'
[listing]
links = ["main"]
pagination = [".pager a::attr(href)"]
page_url = '\\?page=\\d+'
[article]
title = ["{title}"]
body = ["article .text"]
date = ["article time::attr(datetime)"]
"""


class TinySite(LocalServer):
    """A one-listing news site on 127.0.0.1 that records each request's path and User-Agent.

    ``/`` links ``/news/1`` .. ``/news/N`` (and ``/private/99`` when ``private``), robots.txt
    disallows ``/private/``; every article page has a title, a date and ``paragraphs`` of body,
    each with a document code that gzip cannot squeeze (a compressed archive fills a disk too).
    """

    def __init__(self, articles: int = 3, *, paragraphs: int = 2, private: bool = True) -> None:
        self.articles = articles
        self.paragraphs = paragraphs
        self.private = private
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent), in arrival order
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append((self.path, self.headers.get("User-Agent", "")))
                status, body = site.page(self.path)
                self.send_response(status)
                content_type = "text/plain" if self.path == "/robots.txt" else "text/html"
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the request log above is what the tests read."""

        super().__init__(Handler, name="tiny-site")

    def page(self, path: str) -> tuple[int, bytes]:
        if path == "/robots.txt":
            return 200, b"User-agent: *\nDisallow: /private/\n"
        if path == "/":
            ids = [f"/news/{n}" for n in range(self.articles, 0, -1)]
            ids += ["/private/99"] if self.private else []
            links = "".join(f'<li><a href="{href}">Новость {href}</a></li>' for href in ids)
            return 200, f"<html><body><main><ul>{links}</ul></main></body></html>".encode()
        section, _, number = path.strip("/").partition("/")
        if section in ("news", "private") and number.isdigit():
            n = int(number)
            body = "".join(
                f"<p>{PARAGRAPH}Код документа: {random.Random(f'{n}.{k}').randbytes(192).hex()}</p>"
                for k in range(self.paragraphs)
            )
            return 200, (
                f"<html><body><h1>Новость номер {n}</h1><article>"
                f'<time datetime="2025-12-11T10:{n % 60:02d}:00+05:00">11 декабря</time>'
                f'<div class="text">{body}</div></article></body></html>'
            ).encode()
        return 404, b"<html><body>404</body></html>"


def write_site_file(
    path: Path,
    url: str,
    *,
    name: str = "tiny",
    title: str = "h1",
    article_url: str = r"^/(?:news|private)/(?P<id>\d+)$",
) -> Path:
    """A site file for TinySite; ``name``, ``title`` and ``article_url`` are TOML string bodies."""
    path.write_text(
        SITE_FILE.format(name=name, url=url, title=title, article_url=article_url),
        encoding="utf-8",
    )
    return path


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` with its bytes (None for folders): a before/after snapshot."""
    return {
        str(path.relative_to(folder)): None if path.is_dir() else path.read_bytes()
        for path in sorted(folder.rglob("*"))
    }
