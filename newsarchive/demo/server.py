"""Fixture server: serves a bundled demo site (``fixtures/<name>/``) over real HTTP.

The site's pages are committed templates (``pages/``, written by the fixture's ``build.py``)
whose time stamps are placeholders holding a *fixture time* (Tashkent wall time, minute
precision), e.g. ``{{stamp:2025-12-11T17:13}}``. The fixture's clock reads ``reference_now``
(``site.json``). At start the server picks a whole-minute shift::

    shift = floor_to_minute(real_now_utc - site_now)      # site_now defaults to reference_now

so that every item's *true* time is ``fixture time + shift``, and renders each stamp the way
DataLife Engine does, from the true time against the server's real clock, at each request:
same local day -> ``Сегодня, HH:MM``, the previous local day -> ``Вчера, HH:MM``, otherwise
``DD-MM-YYYY, HH:MM``. A crawler that takes its real fetch time as "now" therefore recovers
every true time exactly; ``shift_time`` maps an expected (fixture) time to the true one.

The shift is whole minutes, not whole days, so on the real clock the wall times on the pages
are the fixture's moved by the shift (the 17:13 story may read ``Сегодня, 23:01``), and where
local midnight falls relative to the stories depends on the real time of day. To see the
fixture's own stamps (``Сегодня, 17:13``; or just after midnight with ``site_now`` 00:03),
run on a *virtual clock* (``virtual_clock=True``, CLI ``--virtual-clock``): the server's clock
starts at ``site_now`` and runs at real speed, the shift is zero, and a crawler must read "now"
from the same clock to resolve ``Сегодня``/``Вчера``: the ``Date`` response header carries it
(on either clock), as a real server's does, and :meth:`FixtureSite.now` reads it in-process.

Placeholders: ``{{stamp:T}}``, ``{{rfc822:T}}`` (RSS ``pubDate``, +0500), ``{{daypath:T}}``
(``/YYYY/MM/DD/`` of the true local day), ``{{base}}`` (``http://host:port`` of the request)
and ``{{path}}`` (the request path).

Run it: ``python -m newsarchive.demo.server --port 8765 [--site-now ISO] [--root DIR]``.
"""

from __future__ import annotations

import argparse
import codecs
import errno
import html
import json
import re
import socketserver
import sys
import threading
import time
import traceback
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, cast
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_PORT",
    "DemoServer",
    "FixtureSite",
    "default_fixture_root",
    "floor_to_minute",
    "format_dle_stamp",
    "format_rfc822",
    "main",
    "running_clock",
    "serve_forever",
]

DEFAULT_PORT = 8765

Clock = Callable[[], datetime]
Response = tuple[int, dict[str, str], bytes]

_PLACEHOLDER = re.compile(r"\{\{(?P<kind>[a-z0-9]+)(?::(?P<arg>[^{}]*))?\}\}")
_META_CHARSET = re.compile(
    r"""<meta\b[^>]*?charset\s*=\s*["']?\s*(?P<name>[A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_HOST_HEADER = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")
_MEDIA_TYPES = {".html": "text/html", ".xml": "application/xml", ".txt": "text/plain"}
_NOT_FOUND_PAGE = "_404.html"  # files whose name starts with "_" are never served directly


def _utc_now() -> datetime:
    return datetime.now(UTC)


def running_clock(start: datetime) -> Clock:
    """A clock that reads ``start`` now and advances at real speed (``start`` must be aware)."""
    if start.tzinfo is None:
        raise ValueError("running_clock needs an aware datetime")
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)


def default_fixture_root() -> Path:
    """The repository's ``fixtures/demo-site`` folder, found relative to this package."""
    root = Path(__file__).resolve().parents[2] / "fixtures" / "demo-site"
    if not (root / "site.json").is_file() or not (root / "pages").is_dir():
        raise FileNotFoundError(
            f"demo site fixture not found at {root} (expected site.json and pages/); "
            "run from a source checkout, or pass the fixture folder explicitly (--root DIR)"
        )
    return root


def floor_to_minute(delta: timedelta) -> timedelta:
    """Round a time difference down to a whole number of minutes.

    >>> floor_to_minute(timedelta(minutes=5, seconds=59))
    datetime.timedelta(seconds=300)
    >>> floor_to_minute(timedelta(seconds=-1))
    datetime.timedelta(days=-1, seconds=86340)
    """
    return timedelta(minutes=delta // timedelta(minutes=1))


def format_dle_stamp(moment: datetime, now: datetime, tz: tzinfo) -> str:
    """Render ``moment`` as DataLife Engine does, relative to ``now``, in the site's zone ``tz``.

    >>> tz = ZoneInfo("Asia/Tashkent")
    >>> now = datetime(2025, 12, 11, 18, 0, tzinfo=tz)
    >>> format_dle_stamp(datetime(2025, 12, 11, 17, 13, tzinfo=tz), now, tz)
    'Сегодня, 17:13'
    >>> format_dle_stamp(datetime(2025, 12, 10, 23, 50, tzinfo=tz), now, tz)
    'Вчера, 23:50'
    >>> format_dle_stamp(datetime(2018, 3, 17, 4, 11, tzinfo=tz), now, tz)
    '17-03-2018, 04:11'
    >>> format_dle_stamp(datetime(2025, 12, 11, 12, 0, tzinfo=UTC), now, tz)  # 17:00 in Tashkent
    'Сегодня, 17:00'
    """
    local = moment.astimezone(tz)
    today: date = now.astimezone(tz).date()
    if local.date() == today:
        return f"Сегодня, {local:%H:%M}"
    if local.date() == today - timedelta(days=1):
        return f"Вчера, {local:%H:%M}"
    return f"{local:%d-%m-%Y, %H:%M}"


def format_rfc822(moment: datetime, tz: tzinfo) -> str:
    """RFC 822 date for RSS, in the site's zone.

    >>> format_rfc822(datetime(2025, 12, 11, 12, 13, tzinfo=UTC), ZoneInfo("Asia/Tashkent"))
    'Thu, 11 Dec 2025 17:13:00 +0500'
    """
    return format_datetime(moment.astimezone(tz))


def _aware(value: datetime | str, tz: tzinfo) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


class FixtureSite:
    """One fixture folder (``site.json`` + ``pages/``), rendered against a shifted timeline.

    ``render(path)`` returns ``(status, headers, body)`` for a request path (query ignored).
    ``clock`` (returns an aware datetime) replaces the real clock; ``virtual_clock=True`` uses
    ``running_clock(site_now)``, so the shift is zero and pages show the fixture's own stamps.
    """

    def __init__(
        self,
        root: Path | str | None = None,
        *,
        site_now: datetime | str | None = None,
        clock: Clock | None = None,
        virtual_clock: bool = False,
    ) -> None:
        self.root = Path(root) if root is not None else default_fixture_root()
        config_file = self.root / "site.json"
        self.pages_dir = self.root / "pages"
        if not config_file.is_file() or not self.pages_dir.is_dir():
            raise FileNotFoundError(
                f"not a fixture site folder: {self.root} (expected site.json and pages/)"
            )
        config: dict[str, Any] = json.loads(config_file.read_text(encoding="utf-8"))
        self.timezone: ZoneInfo = ZoneInfo(config["timezone"])
        self.reference_now: datetime = _aware(config["reference_now"], self.timezone)
        self.site_now: datetime = (
            self.reference_now if site_now is None else _aware(site_now, self.timezone)
        )
        if virtual_clock and clock is not None:
            raise ValueError("pass either clock or virtual_clock, not both")
        self.virtual_clock = virtual_clock
        self._clock: Clock = running_clock(self.site_now) if virtual_clock else clock or _utc_now
        self.shift: timedelta = floor_to_minute(self._clock() - self.site_now)

    # -- time -------------------------------------------------------------------------------
    def now(self) -> datetime:
        """The server's clock (real, unless virtual or injected), in the site's zone."""
        return self._clock().astimezone(self.timezone)

    def stamp(self, fixture_time: datetime | str, now: datetime | None = None) -> str:
        """The stamp the server renders for a fixture time, at ``now`` (default: its clock)."""
        return format_dle_stamp(self.shift_time(fixture_time), now or self.now(), self.timezone)

    def shift_time(self, fixture_time: datetime | str) -> datetime:
        """Fixture time (ISO text or datetime; naive = site wall time) -> true aware time."""
        moment = _aware(fixture_time, self.timezone)
        return (moment.astimezone(UTC) + self.shift).astimezone(self.timezone)

    def unshift_time(self, true_time: datetime | str) -> datetime:
        """True time -> fixture time (the inverse of :meth:`shift_time`)."""
        moment = _aware(true_time, self.timezone)
        return (moment.astimezone(UTC) - self.shift).astimezone(self.timezone)

    # -- pages ------------------------------------------------------------------------------
    def _locate(self, path: str) -> tuple[Path | None, str]:
        """Map a request path to a template file; returns (file or None, redirect target)."""
        decoded = unquote(urlsplit(path).path) or "/"
        if not decoded.startswith("/"):
            decoded = "/" + decoded
        if decoded.endswith(".html/"):  # DLE answers /x/1-post.html/ like /x/1-post.html
            decoded = decoded[:-1]
        relative = decoded[1:]
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        parts = relative.split("/")
        if any(part in ("", ".", "..") or part.startswith((".", "_")) for part in parts):
            return None, ""
        candidate = self.pages_dir.joinpath(*parts)
        if candidate.is_file():
            return candidate, ""
        if candidate.is_dir() and (candidate / "index.html").is_file():
            return None, decoded + "/"
        return None, ""

    def render(self, path: str, *, base_url: str | None = None) -> Response:
        """Render the page for a request path: ``(status, headers, body bytes)``."""
        base = (base_url or f"http://127.0.0.1:{DEFAULT_PORT}").rstrip("/")
        request_path = unquote(urlsplit(path).path) or "/"
        template, redirect = self._locate(path)
        if redirect:
            location = base + redirect
            body = f'<html><body><a href="{html.escape(location)}">Moved</a></body></html>'
            headers = {"Location": location, "Content-Type": "text/html; charset=utf-8"}
            return 301, headers, body.encode("utf-8")
        status = 200
        if template is None:
            status, template = 404, self.pages_dir / _NOT_FOUND_PAGE
            if not template.is_file():
                return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"404 Not Found\n"
        text = self.render_text(template.read_text(encoding="utf-8"), base, request_path)
        media_type = _MEDIA_TYPES.get(template.suffix, "application/octet-stream")
        charset = "utf-8"
        if media_type == "text/html":
            declared = _META_CHARSET.search(text[:2048])
            if declared is not None:
                charset = codecs.lookup(declared["name"]).name
        if charset != "utf-8":  # declared in a meta tag only, as on real legacy sites
            return status, {"Content-Type": media_type}, text.encode(charset)
        return status, {"Content-Type": f"{media_type}; charset=utf-8"}, text.encode("utf-8")

    def render_text(self, text: str, base_url: str, request_path: str = "/") -> str:
        """Replace every placeholder, using one reading of the clock for the whole page."""
        now = self.now()

        def substitute(match: re.Match[str]) -> str:
            kind, arg = match["kind"], match["arg"]
            if kind == "base" and arg is None:
                return base_url
            if kind == "path" and arg is None:
                return html.escape(request_path)
            if arg is not None and kind in ("stamp", "rfc822", "daypath"):
                moment = self.shift_time(arg)
                if kind == "stamp":
                    return format_dle_stamp(moment, now, self.timezone)
                if kind == "rfc822":
                    return format_rfc822(moment, self.timezone)
                return f"/{moment:%Y/%m/%d}/"
            raise ValueError(f"unknown placeholder {match[0]!r}")

        return _PLACEHOLDER.sub(substitute, text)


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


def serve_forever(
    root: Path | str | None = None,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    site_now: datetime | str | None = None,
    *,
    verbose: bool = False,
    virtual_clock: bool = False,
) -> None:
    """Serve the fixture site until interrupted (Ctrl-C); prints one line with the URL."""
    server = DemoServer(
        root,
        host=host,
        port=port,
        site_now=site_now,
        verbose=verbose,
        virtual_clock=virtual_clock,
    )
    server.start()
    site = server.site
    clock = "virtual clock" if virtual_clock else f"shift {server.shift}"
    print(
        f"Serving demo site {site.root} at {server.url} "
        f"(site now {site.site_now.isoformat()}, {clock}); Ctrl-C to stop",
        flush=True,
    )
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newsarchive.demo.server", description="Serve the bundled demo news site."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT}; 0 = any)"
    )
    parser.add_argument("--root", type=Path, default=None, help="fixture folder (demo-site)")
    parser.add_argument(
        "--site-now",
        default=None,
        help="the fixture moment that real now maps to, ISO 8601 (default: site.json's "
        "reference_now), e.g. 2025-12-12T00:03:00+05:00",
    )
    parser.add_argument(
        "--virtual-clock",
        action="store_true",
        help="the server's clock starts at --site-now instead of real time (no shift): pages "
        "show the fixture's own stamps",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    if args.site_now is not None:
        try:
            datetime.fromisoformat(args.site_now)
        except ValueError:
            parser.error(f"--site-now: not an ISO 8601 date-time: {args.site_now!r}")
    try:
        serve_forever(
            args.root,
            args.host,
            args.port,
            args.site_now,
            verbose=args.verbose,
            virtual_clock=args.virtual_clock,
        )
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
