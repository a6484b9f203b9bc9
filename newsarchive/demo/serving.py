"""The HTTP side of the demo: a threaded server that answers with a fixture site's pages.

This module holds :class:`DemoServer` (a :class:`~newsarchive.demo.local.LocalServer` with the
site's facts for tests) and the request handler behind it, which renders each GET or HEAD
through :meth:`FixtureSite.render <newsarchive.demo.pages.FixtureSite.render>` and dates its
response with the site's clock, as a real server's ``Date`` header does.
"""

from __future__ import annotations

import errno
import re
import sys
import time
import traceback
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from newsarchive.demo.clock import Clock
from newsarchive.demo.local import LocalServer
from newsarchive.demo.pages import FixtureSite

__all__ = ["DemoServer"]

_HOST_HEADER = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")


class _Handler(BaseHTTPRequestHandler):
    server_version = "nginx"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return self.server_version

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header follows the site's clock (virtual or real), like a real server."""
        if timestamp is not None:
            return super().date_time_string(timestamp)
        now = self.demo.site.now()
        return format_datetime(now.astimezone(UTC), usegmt=True)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    @property
    def demo(self) -> DemoServer:
        return cast(DemoServer, LocalServer.of(self))

    def _respond(self, *, send_body: bool) -> None:
        demo = self.demo
        if demo.delay:
            time.sleep(demo.delay)  # a slow site, for tests that must catch a crawl mid-way
        host = self.headers.get("Host", "")
        if not _HOST_HEADER.match(host):
            server = cast(HTTPServer, self.server)
            host = f"{server.server_name}:{server.server_port}"
        try:
            status, headers, body = demo.site.render(self.path, base_url=f"http://{host}")
        except Exception:
            traceback.print_exc(file=sys.stderr)
            status, headers = 500, {"Content-Type": "text/plain; charset=utf-8"}
            body = b"500 Internal Server Error\n"
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        if self.demo.verbose:
            super().log_message(format, *args)


class DemoServer(LocalServer):
    """The fixture site on ``http://host:port/``, served from a daemon thread.

    Use it as a context manager (``with DemoServer(port=0) as server:``, port 0 = any free port),
    fetch ``server.url + "rss.xml"`` etc., and map expected fixture times to what the pages show
    with ``server.shift_time("2025-12-11T17:13")``.
    """

    def __init__(
        self,
        root: Path | str | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        site_now: datetime | str | None = None,
        verbose: bool = False,
        clock: Clock | None = None,
        virtual_clock: bool = False,
        delay: float = 0.0,
    ) -> None:
        super().__init__(_Handler, host=host, port=port, name="newsarchive-demo")
        self.site = FixtureSite(root, site_now=site_now, clock=clock, virtual_clock=virtual_clock)
        self.verbose = verbose
        # Seconds each response waits before it is sent: a slow site for crash and lock tests.
        self.delay = delay

    def bind(self) -> None:
        """Open the listening socket (raises OSError with a readable message)."""
        try:
            super().bind()
        except OSError as exc:
            hint = ""
            if exc.errno == errno.EADDRINUSE:
                hint = " (the port is already in use: pick another with --port, or 0 for any)"
            reason = exc.strerror or str(exc)
            message = f"cannot serve the demo site on {self.host}:{self.requested_port}: {reason}"
            raise OSError(exc.errno, message + hint) from exc

    def quiet(self, error: BaseException | None) -> bool:
        # A client hanging up mid-answer is routine; other errors are the site's own bugs.
        return not self.verbose and isinstance(error, ConnectionError)

    # -- facts ------------------------------------------------------------------------------
    @property
    def shift(self) -> timedelta:
        return self.site.shift

    @property
    def timezone(self) -> ZoneInfo:
        return self.site.timezone

    @property
    def reference_now(self) -> datetime:
        return self.site.reference_now

    def shift_time(self, fixture_time: datetime | str) -> datetime:
        """Fixture time (e.g. an expected ``published_at``) -> the true time the server shows."""
        return self.site.shift_time(fixture_time)

    def now(self) -> datetime:
        """The server's clock in the site's zone (what a crawler must use as "now")."""
        return self.site.now()
