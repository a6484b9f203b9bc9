"""The HTTP side of the demo: a threaded server that answers with a fixture site's pages.

This module holds :class:`DemoServer` (bind, serve from a daemon thread, stop; the site's facts
for tests) and the request handler behind it, which renders each GET or HEAD through
:meth:`FixtureSite.render <newsarchive.demo.pages.FixtureSite.render>` and dates its response
with the site's clock, as a real server's ``Date`` header does.
"""

from __future__ import annotations

import errno
import re
import socketserver
import sys
import threading
import time
import traceback
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, cast
from zoneinfo import ZoneInfo

from newsarchive.demo.clock import Clock
from newsarchive.demo.pages import FixtureSite

__all__ = ["DemoServer"]

_HOST_HEADER = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")


class _HTTPServer(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], site: FixtureSite, verbose: bool, delay: float = 0.0
    ) -> None:
        self.site = site
        self.verbose = verbose
        self.delay = delay
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind() calls socket.getfqdn(), a DNS lookup that can hang offline.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if self.verbose or not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


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
        now = cast(_HTTPServer, self.server).site.now()
        return format_datetime(now.astimezone(UTC), usegmt=True)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, *, send_body: bool) -> None:
        server = cast(_HTTPServer, self.server)
        if server.delay:
            time.sleep(server.delay)  # a slow site, for tests that must catch a crawl mid-way
        host = self.headers.get("Host", "")
        if not _HOST_HEADER.match(host):
            host = f"{server.server_name}:{server.server_port}"
        try:
            status, headers, body = server.site.render(self.path, base_url=f"http://{host}")
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
        if cast(_HTTPServer, self.server).verbose:
            super().log_message(format, *args)


class DemoServer:
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
        self.site = FixtureSite(root, site_now=site_now, clock=clock, virtual_clock=virtual_clock)
        self.host = host
        self.requested_port = port
        self.verbose = verbose
        # Seconds each response waits before it is sent: a slow site for crash and lock tests.
        self.delay = delay
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------
    def bind(self) -> None:
        """Open the listening socket (raises OSError with a readable message)."""
        if self._httpd is not None:
            return
        try:
            self._httpd = _HTTPServer(
                (self.host, self.requested_port), self.site, self.verbose, self.delay
            )
        except OSError as exc:
            hint = ""
            if exc.errno == errno.EADDRINUSE:
                hint = " (the port is already in use: pick another with --port, or 0 for any)"
            reason = exc.strerror or str(exc)
            message = f"cannot serve the demo site on {self.host}:{self.requested_port}: {reason}"
            raise OSError(exc.errno, message + hint) from exc

    def start(self) -> DemoServer:
        """Bind and serve in a daemon thread; returns self."""
        if self._thread is not None:
            raise RuntimeError("DemoServer already started")
        self.bind()
        assert self._httpd is not None
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"newsarchive-demo-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (idempotent)."""
        httpd, thread = self._httpd, self._thread
        self._httpd, self._thread = None, None
        if httpd is not None:
            if thread is not None:
                httpd.shutdown()
            httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def wait(self) -> None:
        """Block until the serving thread ends (Ctrl-C interrupts)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- facts ------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("DemoServer is not bound: call start() first")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """``http://HOST:PORT/`` (with the trailing slash)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

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
