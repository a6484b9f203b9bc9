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

Placeholders (``T`` is a fixture time, ``2025-12-11T17:13``; each renders the *true* time,
``T`` + shift, in the site's zone, against the server's clock at the request):

- ``{{stamp:T}}``: DLE stamp, ``Сегодня, 17:13`` / ``Вчера, 23:50`` / ``17-03-2018, 04:11``;
- ``{{rfc822:T}}``: RSS ``pubDate``, ``Thu, 11 Dec 2025 17:13:00 +0500`` (site offset);
- ``{{daypath:T}}``: ``/YYYY/MM/DD/`` of the true local day;
- ``{{iso:T}}``: ISO 8601 with the site offset, ``2025-12-11T17:13:00+06:00`` (JSON-LD,
  ``article:published_time``, ``news:publication_date``, ``<time datetime>``);
- ``{{ago:T}}``: relative Russian stamp (:func:`format_ago`): ``только что``, ``21 минуту назад``,
  ``2 часа назад`` (same local day), ``вчера в 09:30``, else ``9 декабря 2025``;
- ``{{hhmm:T}}``: the time only, ``00:04``;
- ``{{dayheader:T}}``: a day header, ``Четверг, 11.12.2025`` (:func:`format_day_header`);
- ``{{fmt:T|FORMAT}}``: ``strftime(FORMAT)`` of the true local time, e.g.
  ``{{fmt:2025-12-11T17:13|%d.%m.%Y %H:%M}}`` -> ``11.12.2025 17:13`` (numeric directives only:
  names would come out in English);
- ``{{base}}`` (``http://host:port`` of the request) and ``{{path}}`` (the request path).

Sections keep or drop the text between an opening and a closing tag, decided at each request
against the true times and the server's clock (they nest; a dropped section's content is not
evaluated):

- ``{{newday:T}}…{{/newday}}``: kept when the local day of ``T`` differs from that of the
  previous ``newday`` section on the page (the first on a page is always kept). Put one before
  every item of a time-only feed to print its day headers; an *empty* section
  (``{{newday:T}}{{/newday}}``) records the item's day without printing anything, which is how
  a feed crosses midnight with no separator;
- ``{{today:T}}…{{/today}}`` / ``{{nottoday:T}}…{{/nottoday}}``: kept when ``T`` falls / does not
  fall on the server's local today (e.g. a "today" header that the site writes with JavaScript).

Request paths map to files in ``pages/``: ``/a/b.html`` -> ``pages/a/b.html``, ``/a/`` ->
``pages/a/index.html`` (``/a`` redirects to ``/a/`` with 301, keeping the query), and the
demo site's ``/x/1-post.html/`` -> ``pages/x/1-post.html``. A query string selects a variant
of that file when one exists: ``/news/?start=20`` -> ``pages/news/index__start=20.html``,
``/?page=2`` -> ``pages/index__page=2.html``, ``/lenta.html?p=3`` -> ``pages/lenta__p=3.html``
(``<stem>__<raw query string><suffix>``, the query exactly as sent). Without such a file the
query is ignored (``?utm_source=tg`` serves the plain page). Files whose name starts with
``_`` (``_404.html``, the 404 page) or contains ``__`` (query variants) are never served under
their own name.

Encodings: an HTML page is encoded in the charset its ``<meta>`` declares (UTF-8 when none);
a non-UTF-8 one is served with a bare ``Content-Type: text/html``, the charset in the meta tag
only, as on legacy sites. Other files (XML, TXT) are encoded in the charset that ``site.json``
names for their suffix (``"charsets": {".xml": "utf-8", ".txt": "utf-8"}``), else the encoding
of an XML declaration, else UTF-8, and carry ``; charset=...`` in their ``Content-Type``.

Several fixture sites live side by side in ``fixtures/``: :func:`fixture_root` finds one by
name (``fixture_root("feed-site")``; :func:`default_fixture_root` is the demo site).

Run it: ``python -m newsarchive.demo.server --port 8765 [--site-now ISO] [--virtual-clock]
[--root DIR | --site NAME]``.
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
    "fixture_root",
    "floor_to_minute",
    "format_ago",
    "format_day_header",
    "format_dle_stamp",
    "format_rfc822",
    "main",
    "ru_plural",
    "running_clock",
    "serve_forever",
]

DEFAULT_PORT = 8765

Clock = Callable[[], datetime]
Response = tuple[int, dict[str, str], bytes]

_PLACEHOLDER = re.compile(r"\{\{(?P<close>/)?(?P<kind>[a-z0-9]+)(?::(?P<arg>[^{}]*))?\}\}")
_TIME_KINDS = frozenset({"stamp", "rfc822", "daypath", "iso", "ago", "hhmm", "dayheader", "fmt"})
_SECTION_KINDS = frozenset({"newday", "today", "nottoday"})
_XML_DECLARATION = re.compile(
    r"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["'](?P<name>[A-Za-z0-9_.:-]+)"""
)
_QUERY_VARIANT_REFUSED = re.compile(r"[/\\\x00-\x1f]")
_MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
_WEEKDAYS = ("Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье")
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


def fixture_root(name: str) -> Path:
    """The repository's ``fixtures/<name>`` site folder (``demo-site``, ``feed-site``, ...).

    >>> fixture_root("demo-site") == default_fixture_root()
    True
    """
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or ".." in name:
        raise ValueError(f"not a fixture site name: {name!r}")
    root = Path(__file__).resolve().parents[2] / "fixtures" / name
    if not (root / "site.json").is_file() or not (root / "pages").is_dir():
        raise FileNotFoundError(
            f"fixture site {name!r} not found at {root} (expected site.json and pages/); "
            "run from a source checkout, or pass the fixture folder explicitly (--root DIR)"
        )
    return root


def default_fixture_root() -> Path:
    """The repository's ``fixtures/demo-site`` folder, found relative to this package."""
    return fixture_root("demo-site")


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


def ru_plural(number: int, one: str, few: str, many: str) -> str:
    """The Russian plural form for ``number``: 1 минуту, 2 минуты, 5 минут, 11 минут, 21 минуту.

    >>> [f"{n} " + ru_plural(n, "час", "часа", "часов") for n in (1, 2, 5, 11, 12, 21, 22, 25)]
    ['1 час', '2 часа', '5 часов', '11 часов', '12 часов', '21 час', '22 часа', '25 часов']
    """
    n = abs(number)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def format_ago(moment: datetime, now: datetime, tz: tzinfo) -> str:
    """Render ``moment`` relative to ``now`` as "time ago" sites do, in the site's zone ``tz``.

    Under a minute (or in the future: a skewed clock): ``только что``; under an hour:
    ``N минут назад``; on the same local day: ``N часов назад`` (whole hours, rounded down);
    on the previous local day: ``вчера в HH:MM``; otherwise the date, ``9 декабря 2025``.

    >>> tz = ZoneInfo("Asia/Bishkek")
    >>> now = datetime(2025, 12, 11, 17, 34, 40, tzinfo=tz)
    >>> def ago(day, hour, minute):
    ...     return format_ago(datetime(2025, 12, day, hour, minute, tzinfo=tz), now, tz)
    >>> [ago(11, 17, 34), ago(11, 17, 33), ago(11, 17, 32), ago(11, 17, 29)]
    ['только что', '1 минуту назад', '2 минуты назад', '5 минут назад']
    >>> [ago(11, 17, 13), ago(11, 17, 12), ago(11, 17, 23), ago(11, 16, 34)]
    ['21 минуту назад', '22 минуты назад', '11 минут назад', '1 час назад']
    >>> [ago(11, 15, 30), ago(11, 12, 31), ago(11, 0, 20), ago(10, 9, 30), ago(9, 23, 59)]
    ['2 часа назад', '5 часов назад', '17 часов назад', 'вчера в 09:30', '9 декабря 2025']
    """
    local = moment.astimezone(tz)
    current = now.astimezone(tz)
    minutes = (current - local) // timedelta(minutes=1)
    if minutes < 1:
        return "только что"
    if minutes < 60:
        return f"{minutes} {ru_plural(minutes, 'минуту', 'минуты', 'минут')} назад"
    if local.date() == current.date():
        hours = minutes // 60
        return f"{hours} {ru_plural(hours, 'час', 'часа', 'часов')} назад"
    if local.date() == current.date() - timedelta(days=1):
        return f"вчера в {local:%H:%M}"
    return f"{local.day} {_MONTHS_GENITIVE[local.month - 1]} {local.year}"


def format_day_header(moment: datetime, tz: tzinfo) -> str:
    """A feed's day header for the local day of ``moment``.

    >>> format_day_header(datetime(2018, 3, 19, 19, 18), ZoneInfo("Asia/Tashkent"))
    'Понедельник, 19.03.2018'
    >>> format_day_header(datetime(2025, 12, 11, 20, 30, tzinfo=UTC), ZoneInfo("Asia/Tashkent"))
    'Пятница, 12.12.2025'
    """
    local = moment.astimezone(tz) if moment.tzinfo is not None else moment
    return f"{_WEEKDAYS[local.weekday()]}, {local:%d.%m.%Y}"


def _aware(value: datetime | str, tz: tzinfo) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


class FixtureSite:
    """One fixture folder (``site.json`` + ``pages/``), rendered against a shifted timeline.

    ``render(path)`` returns ``(status, headers, body)`` for a request path (the query string
    only selects a ``<stem>__<query><suffix>`` variant file where one exists).
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
        self.charsets: dict[str, str] = {}
        for suffix, name in dict(config.get("charsets", {})).items():
            if not str(suffix).startswith(".") or suffix == ".html":
                raise ValueError(
                    f"{config_file}: charsets keys are file suffixes other than .html "
                    f"(an HTML page's charset is its meta tag's): {suffix!r}"
                )
            self.charsets[suffix] = codecs.lookup(name).name
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
        split = urlsplit(path)
        decoded = unquote(split.path) or "/"
        if not decoded.startswith("/"):
            decoded = "/" + decoded
        if decoded.endswith(".html/"):  # DLE answers /x/1-post.html/ like /x/1-post.html
            decoded = decoded[:-1]
        relative = decoded[1:]
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        parts = relative.split("/")
        if any(
            part in ("", ".", "..") or part.startswith((".", "_")) or "__" in part for part in parts
        ):
            return None, ""
        candidate = self.pages_dir.joinpath(*parts)
        if split.query:
            variant = self._query_variant(candidate, split.query)
            if variant is not None:
                return variant, ""
        if candidate.is_file():
            return candidate, ""
        if candidate.is_dir() and (candidate / "index.html").is_file():
            return None, decoded + "/" + (f"?{split.query}" if split.query else "")
        return None, ""

    @staticmethod
    def _query_variant(candidate: Path, query: str) -> Path | None:
        """``pages/news/index.html`` + ``start=20`` -> ``pages/news/index__start=20.html``."""
        if len(query) > 200 or _QUERY_VARIANT_REFUSED.search(query):
            return None
        variant = candidate.with_name(f"{candidate.stem}__{query}{candidate.suffix}")
        return variant if variant.is_file() else None

    def _charset(self, template: Path, text: str, media_type: str) -> str:
        if media_type == "text/html":
            declared = _META_CHARSET.search(text[:2048])
            return codecs.lookup(declared["name"]).name if declared is not None else "utf-8"
        configured = self.charsets.get(template.suffix)
        declared = _XML_DECLARATION.match(text) if template.suffix == ".xml" else None
        if declared is not None:
            in_file = codecs.lookup(declared["name"]).name
            if configured is not None and configured != in_file:
                raise ValueError(
                    f"{template}: declares encoding {declared['name']!r}, site.json says "
                    f"{configured!r}"
                )
            return in_file
        return configured or "utf-8"

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
        charset = self._charset(template, text, media_type)
        if media_type == "text/html" and charset != "utf-8":
            # declared in a meta tag only, as on real legacy sites
            return status, {"Content-Type": media_type}, text.encode(charset)
        return status, {"Content-Type": f"{media_type}; charset={charset}"}, text.encode(charset)

    def render_text(self, text: str, base_url: str, request_path: str = "/") -> str:
        """Replace every placeholder and resolve every section, with one reading of the clock
        for the whole page."""
        now = self.now()
        out: list[str] = []
        stack: list[tuple[str, bool]] = []  # open sections: (kind, emitting before it)
        emitting = True
        last_day: date | None = None  # the day of the previous newday section on this page
        position = 0
        for match in _PLACEHOLDER.finditer(text):
            if emitting:
                out.append(text[position : match.start()])
            position = match.end()
            kind, arg = match["kind"], match["arg"]
            if match["close"]:
                if arg is not None or not stack or stack[-1][0] != kind:
                    raise ValueError(f"unbalanced section end {match[0]!r}")
                emitting = stack.pop()[1]
            elif kind in _SECTION_KINDS:
                if arg is None:
                    raise ValueError(f"section {match[0]!r} needs a time")
                keep = False
                if emitting:
                    day = self.shift_time(arg).date()
                    if kind == "newday":
                        keep, last_day = day != last_day, day
                    else:
                        keep = (day == now.date()) == (kind == "today")
                stack.append((kind, emitting))
                emitting = emitting and keep
            elif emitting:
                out.append(self._substitute(match, now, base_url, request_path))
            elif kind not in _TIME_KINDS and kind not in ("base", "path"):
                raise ValueError(f"unknown placeholder {match[0]!r}")
        if stack:
            raise ValueError(f"unclosed section {{{{{stack[-1][0]}:...}}}}")
        if emitting:
            out.append(text[position:])
        return "".join(out)

    def _substitute(
        self, match: re.Match[str], now: datetime, base_url: str, request_path: str
    ) -> str:
        kind, arg = match["kind"], match["arg"]
        if kind == "base" and arg is None:
            return base_url
        if kind == "path" and arg is None:
            return html.escape(request_path)
        if arg is not None and kind in _TIME_KINDS:
            when, _, form = arg.partition("|") if kind == "fmt" else (arg, "", "")
            moment = self.shift_time(when)
            if kind == "stamp":
                return format_dle_stamp(moment, now, self.timezone)
            if kind == "rfc822":
                return format_rfc822(moment, self.timezone)
            if kind == "daypath":
                return f"/{moment:%Y/%m/%d}/"
            if kind == "iso":
                return moment.isoformat()
            if kind == "ago":
                return format_ago(moment, now, self.timezone)
            if kind == "hhmm":
                return f"{moment:%H:%M}"
            if kind == "dayheader":
                return format_day_header(moment, self.timezone)
            if form:  # fmt
                return moment.strftime(form)
        raise ValueError(f"unknown placeholder {match[0]!r}")


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
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--root", type=Path, default=None, help="fixture folder (demo-site)")
    where.add_argument(
        "--site",
        default=None,
        metavar="NAME",
        help="a fixture site of the repository by name: demo-site, feed-site, plain-site",
    )
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
        root = fixture_root(args.site) if args.site is not None else args.root
        serve_forever(
            root,
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
