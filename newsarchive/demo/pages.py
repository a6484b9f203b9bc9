"""Page rendering: a fixture folder's templates, rendered against the site's clock.

This module holds :class:`FixtureSite` (one ``site.json`` + ``pages/`` folder: request path to
file, placeholders and sections, encodings), :func:`fixture_root` that finds a fixture site of
the repository by name, and the demo's default port. The timeline the placeholders render is
described in :mod:`newsarchive.demo.clock`.

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
"""

from __future__ import annotations

import codecs
import html
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from newsarchive.demo.clock import Clock, _aware, _utc_now, floor_to_minute, running_clock
from newsarchive.demo.stamps import (
    format_ago,
    format_day_header,
    format_dle_stamp,
    format_rfc822,
)

__all__ = ["DEFAULT_PORT", "FixtureSite", "Response", "default_fixture_root", "fixture_root"]

DEFAULT_PORT = 8765

Response = tuple[int, dict[str, str], bytes]

_PLACEHOLDER = re.compile(r"\{\{(?P<close>/)?(?P<kind>[a-z0-9]+)(?::(?P<arg>[^{}]*))?\}\}")
_TIME_KINDS = frozenset({"stamp", "rfc822", "daypath", "iso", "ago", "hhmm", "dayheader", "fmt"})
_SECTION_KINDS = frozenset({"newday", "today", "nottoday"})
_XML_DECLARATION = re.compile(
    r"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["'](?P<name>[A-Za-z0-9_.:-]+)"""
)
_QUERY_VARIANT_REFUSED = re.compile(r"[/\\\x00-\x1f]")
_META_CHARSET = re.compile(
    r"""<meta\b[^>]*?charset\s*=\s*["']?\s*(?P<name>[A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_MEDIA_TYPES = {".html": "text/html", ".xml": "application/xml", ".txt": "text/plain"}
_NOT_FOUND_PAGE = "_404.html"  # files whose name starts with "_" are never served directly


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
