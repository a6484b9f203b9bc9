"""Many small news sites from one loopback server, for ``crawl --all``: its tests and benchmark.

Site ``s07`` lives under ``/s07/``: a listing page linking its articles ``/s07/news/1`` ..
``/s07/news/N``, each with a title, a date and a body. Every request is logged with the site it
was for and when it arrived, so a test counts what each site was asked for, run by run;
``delay`` seconds before each response make the network, not the processor, the slow part, as
with real sites. :func:`write_fleet` writes the site files and a ``newsarchive.toml`` naming
them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from newsarchive.demo.local import LocalServer

SITE_FILE = """\
name = "{name}"
start_urls = ["{url}{name}/"]
allowed_domains = ["127.0.0.1"]
timezone = "Asia/Tashkent"
article_url = '^/{name}/news/(?P<id>\\d+)$'
[listing]
links = ["main"]
pagination = [".pager a::attr(href)"]
page_url = '\\?page=\\d+'
[article]
title = ["h1"]
body = ["article .text"]
date = ["article time::attr(datetime)"]
"""


@dataclass(frozen=True, slots=True)
class Request:
    site: str  # the first segment of the path, "" for robots.txt
    path: str
    at: float  # time.time() when it arrived


class FleetSites(LocalServer):
    """``count`` sites named ``s01``, ``s02``, ... of ``articles`` articles each."""

    def __init__(self, count: int, *, articles: int = 3, delay: float = 0.0) -> None:
        self.names = [f"s{number:02d}" for number in range(1, count + 1)]
        self.articles = articles
        self.delay = delay
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        fleet = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site = self.path.strip("/").partition("/")[0]
                with fleet._lock:
                    fleet.requests.append(Request(site, self.path, time.time()))
                if fleet.delay:
                    time.sleep(fleet.delay)
                status, body = fleet.page(self.path)
                self.send_response(status)
                content_type = "text/plain" if self.path == "/robots.txt" else "text/html"
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the request log above is what the tests read."""

        super().__init__(Handler, name="fleet-sites")

    def quiet(self, error: BaseException | None) -> bool:
        """A crawl killed while its page was on the way (the tests kill some) is expected."""
        return isinstance(error, ConnectionError)

    def page(self, path: str) -> tuple[int, bytes]:
        if path == "/robots.txt":
            return 200, b"User-agent: *\nAllow: /\n"
        parts = path.strip("/").split("/")
        if parts[0] not in self.names:
            return 404, b"<html><body>404</body></html>"
        site = parts[0]
        if len(parts) == 1:
            links = "".join(
                f'<li><a href="/{site}/news/{n}">Новость {n}</a></li>'
                for n in range(self.articles, 0, -1)
            )
            return 200, f"<html><body><main><ul>{links}</ul></main></body></html>".encode()
        if len(parts) == 3 and parts[1] == "news" and parts[2].isdigit():
            n = int(parts[2])
            return 200, (
                f"<html><body><h1>{site}: новость номер {n}</h1><article>"
                f'<time datetime="2025-12-11T10:{n % 60:02d}:00+05:00">11 декабря</time>'
                f'<div class="text"><p>Министерство сообщило о росте производства ({site}, '
                f"{n}).</p></div></article></body></html>"
            ).encode()
        return 404, b"<html><body>404</body></html>"

    def fetched(self, site: str, since: float = 0.0, until: float = float("inf")) -> list[str]:
        """The paths site ``site`` was asked for between two moments, in arrival order."""
        with self._lock:
            return [r.path for r in self.requests if r.site == site and since <= r.at < until]


def write_fleet(
    folder: Path,
    url: str,
    names: Sequence[str],
    *,
    defaults: str = "",
    extra_sites: str = "",
) -> Path:
    """Site files for ``names`` and a ``newsarchive.toml`` listing them, in ``folder``.

    ``defaults`` is the body of its ``[defaults]`` table; ``extra_sites`` more ``[[sites]]``
    entries, after the site files' ones.
    """
    (folder / "sites").mkdir(parents=True, exist_ok=True)
    entries = []
    for name in names:
        (folder / "sites" / f"{name}.toml").write_text(
            SITE_FILE.format(name=name, url=url), encoding="utf-8"
        )
        entries.append(f'[[sites]]\nsite_file = "sites/{name}.toml"\n')
    config = folder / "newsarchive.toml"
    config.write_text(
        f"[defaults]\n{defaults}\n" + "\n".join(entries) + extra_sites, encoding="utf-8"
    )
    return config
