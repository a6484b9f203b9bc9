"""``newsarchive.toml``: the sites an institute archives, and the options each is crawled with.

::

    [defaults]                 # every site's options unless its entry says otherwise
    out = "/srv/archive"       # relative paths: from the configuration file's folder
    store = "postgresql://archiver@db.example/news"
    recheck_days = 2
    round = "1h"               # crawl --all: each site at most once an hour, across machines

    [[sites]]
    name = "everyday"          # a built-in site

    [[sites]]
    site_file = "sites/kun.toml"
    delay = 2                  # politeness: DOWNLOAD_DELAY for this site

    [[sites]]
    url = "https://news.example.kg/"   # any site, read by discovery and the generic extractor
    timezone = "Asia/Bishkek"
    max_pages = 5

Each site's entry overrides any default. :func:`load_config` reads the file into a
:class:`Config`: for each site the very :class:`~newsarchive.cli.runner.CrawlOptions` its
``newsarchive crawl`` would run with, the site resolved as that command resolves it, and
:meth:`ConfiguredSite.crawl_arguments`, the command's arguments that give those options. A key
this module does not know is an error, not a silently ignored setting; every error is one
line naming the file (and line), the site and the key, raised as ``UsageError`` (exit 2).
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsarchive.cli.common import UsageError
from newsarchive.cli.runner import CrawlOptions
from newsarchive.cli.targets import check_url, resolve_site
from newsarchive.sites import Site

__all__ = [
    "DEFAULT_CONFIG",
    "Config",
    "ConfiguredSite",
    "load_config",
    "parse_round",
    "round_start",
]

DEFAULT_CONFIG = Path("newsarchive.toml")

# What a site's entry names its site by; the rest of its keys are options (_OPTIONS).
_SOURCE_KEYS = ("name", "site_file", "url", "timezone", "site")
_OPTIONS = (
    "out",
    "store",
    "delay",
    "concurrency",
    "autothrottle",
    "recheck_days",
    "max_pages",
    "max_articles",
    "since",
    "max_missing_percent",
    "warc",
    "compress",
    "resume",
    "verbose",
    "round",
    "settings",
)
# The politeness keys, the Scrapy setting each sets (as a site file's [throttle] does).
_POLITENESS = {
    "delay": "DOWNLOAD_DELAY",
    "concurrency": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "autothrottle": "AUTOTHROTTLE_ENABLED",
}
# Settings that have a key of their own: one way to say each thing.
_OWN_KEY = {
    **{setting: key for key, setting in _POLITENESS.items()},
    "NEWSARCHIVE_DIR": "out",
    "NEWSARCHIVE_STORE": "store",
    "NEWSARCHIVE_MAX_PAGES": "max_pages",
    "NEWSARCHIVE_MAX_ARTICLES": "max_articles",
    "NEWSARCHIVE_SINCE": "since",
    "NEWSARCHIVE_RECHECK_DAYS": "recheck_days",
    "NEWSARCHIVE_MAX_MISSING_SHARE": "max_missing_percent",
    "NEWSARCHIVE_WARC": "warc",
    "NEWSARCHIVE_COMPRESS": "compress",
    "JOBDIR": "resume",
}
_ROUND = re.compile(r"^([1-9][0-9]*)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# A table of the file: ("defaults",), ("sites", 3) for the third [[sites]], ("sites", 3,
# "settings") for its settings; () for the top level.
_Table = tuple[str | int, ...]
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(?:#.*)?$")
_ASSIGNMENT = re.compile(r'^\s*"?([A-Za-z0-9_-]+)"?\s*[.=]')


@dataclass(frozen=True, slots=True)
class ConfiguredSite:
    """One ``[[sites]]`` entry: where its description comes from and how it is crawled."""

    number: int  # its place among the [[sites]], from 1
    origin: str  # where its description comes from, as 'newsarchive sites' shows it
    target: tuple[str, ...]  # the crawl command's site arguments
    options: CrawlOptions
    round_seconds: int | None  # crawl --all: at most one finished run a round (None: no rounds)

    @property
    def name(self) -> str:
        return self.options.site.name

    @property
    def folder(self) -> Path:
        """The site's archive folder: its run log, and crawl --all's log files."""
        return self.options.out / self.name

    def crawl_arguments(self) -> list[str]:
        """The arguments after ``newsarchive crawl`` that run it with its options.

        Not the store: a process gets it in ``NEWSARCHIVE_STORE``, so that a password in it
        never shows in the list of processes.
        """
        options = self.options
        arguments = [*self.target, "--out", str(options.out)]
        if options.max_pages:
            arguments += ["--max-pages", str(options.max_pages)]
        if options.max_articles:
            arguments += ["--max-articles", str(options.max_articles)]
        if options.since:
            arguments += ["--since", options.since.isoformat()]
        if options.recheck_days >= 0:
            arguments += ["--recheck-days", str(options.recheck_days)]
        if options.compress:
            arguments.append("--compress")
        if not options.warc:
            arguments.append("--no-warc")
        if options.resume:
            arguments.append("--resume")
        arguments += ["--max-missing", str(options.max_missing_percent)]
        if options.verbose:
            arguments.append("--verbose")
        for name, value in options.settings.items():
            arguments += ["-s", f"{name}={value}"]
        return arguments


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    sites: tuple[ConfiguredSite, ...]


def load_config(path: Path) -> Config:
    """The configuration in ``path``; UsageError, one line, for anything wrong in it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(
            f"{path}: no such configuration file (give one with --config FILE)"
        ) from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read it ({error.strerror})") from None
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: not valid TOML: {error}") from None
    reader = _Reader(path, text)
    for key, value in data.items():
        if key not in ("defaults", "sites"):
            known = ("defaults", "sites")
            raise reader.error(f"unknown key {key!r}{_suggestion(key, known)}", ((), key))
        if key == "defaults" and not isinstance(value, dict):
            raise reader.error("'defaults' must be a table: [defaults]", ((), key))
    defaults = _Entry(reader, ("defaults",), "[defaults]", data.get("defaults", {}))
    defaults.check_keys(_OPTIONS)
    entries = data.get("sites")
    if entries is None or entries == []:
        raise reader.error("no sites: add a [[sites]] table for each site to crawl", ((), "sites"))
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise reader.error("'sites' must be a list of tables: [[sites]]", ((), "sites"))
    sites: list[ConfiguredSite] = []
    folders: dict[Path, ConfiguredSite] = {}
    for number, table in enumerate(entries, start=1):
        entry = _Entry(reader, ("sites", number), _label(number, table), table)
        entry.check_keys(_SOURCE_KEYS + _OPTIONS)
        site = _configured_site(number, entry, defaults)
        earlier = folders.setdefault(site.folder.resolve(), site)
        if earlier is not site:
            raise entry.error(
                None,
                f"the same archive folder as site {earlier.number} ({site.folder}); give it "
                "another 'out', or (a site by its URL) another 'name'",
            )
        sites.append(site)
    return Config(path, tuple(sites))


def parse_round(text: str) -> int:
    """A round's length in seconds, from ``30s``, ``15m``, ``1h`` or ``1d``.

    >>> parse_round("15m"), parse_round("1h"), parse_round("2d")
    (900, 3600, 172800)
    >>> parse_round("1h30m")
    Traceback (most recent call last):
    ValueError: '1h30m' is not a length such as "15m", "1h" or "1d"
    """
    match = _ROUND.match(text)
    if match is None:
        raise ValueError(f'{text!r} is not a length such as "15m", "1h" or "1d"')
    return int(match[1]) * _UNIT_SECONDS[match[2]]


def round_start(now: datetime, seconds: int) -> datetime:
    """The start of the round ``now`` falls in: rounds of ``seconds`` counted from the Unix
    epoch, so that every machine (its clock right) computes the same start.

    >>> round_start(datetime(2026, 12, 7, 13, 44, 59, tzinfo=UTC), 900).isoformat()
    '2026-12-07T13:30:00+00:00'
    >>> round_start(datetime(2026, 12, 7, 13, 44, 59, tzinfo=UTC), 86400).isoformat()
    '2026-12-07T00:00:00+00:00'
    """
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)


def _configured_site(number: int, entry: _Entry, defaults: _Entry) -> ConfiguredSite:
    folder = entry.reader.path.parent
    target, origin, site = _site(entry, folder)
    given = {**defaults.options(folder), **entry.options(folder)}
    # A site's settings table adds to the defaults' one, setting by setting.
    settings: dict[str, str] = {**defaults.settings(), **entry.settings()}
    politeness = {
        _POLITENESS[key]: str(value)
        for key, value in given.items()
        if key in _POLITENESS
        # A default never loosens what the site's own description asks for ([throttle]).
        and (key in entry.data or _POLITENESS[key] not in site.throttle)
    }
    options = CrawlOptions(
        site=site,
        out=given.get("out", folder / "archive"),
        max_pages=given.get("max_pages", 0),
        max_articles=given.get("max_articles", 0),
        since=given.get("since"),
        settings={**politeness, **settings},
        verbose=given.get("verbose", False),
        recheck_days=given.get("recheck_days", -1),
        resume=given.get("resume", False),
        compress=given.get("compress", False),
        warc=given.get("warc", True),
        store=given.get("store") or os.environ.get("NEWSARCHIVE_STORE") or None,
        max_missing_percent=float(given.get("max_missing_percent", 20.0)),
    )
    return ConfiguredSite(number, origin, target, options, given.get("round"))


def _site(entry: _Entry, folder: Path) -> tuple[tuple[str, ...], str, Site]:
    """The crawl command's site arguments, the origin 'sites' shows, and the site they name."""
    data = entry.data

    def alone(source: str, *others: str) -> None:
        for key in others:
            if key in data:
                raise entry.error(key, f"{key!r} does not go with {source!r}")

    # The crawl command's SITE_OR_URL, --site, --site-file, --tz and --name.
    target: str | None = None
    built_in: str | None = None
    site_file: str | None = None
    zone: str | None = None
    name: str | None = None
    if "site_file" in data:
        alone("site_file", "name", "timezone", "site")
        source = "site_file"
        given = entry.text("site_file")
        site_file = str(folder / given)
        target = entry.url() if "url" in data else None
        origin = f"site file {given}" + (f" at {target}" if target else "")
    elif "url" in data and "site" in data:
        alone("site", "name", "timezone")
        source = "site"
        target, built_in = entry.url(), entry.text("site")
        origin = f"{target} as built-in {built_in}"
    elif "url" in data:
        source = "url"
        target = entry.url()
        if "timezone" not in data:
            raise entry.error(
                "url", "a site by its URL needs 'timezone', the IANA zone its pages write times "
                'in (e.g. "Asia/Tashkent")'
            )  # fmt: skip
        zone = entry.timezone()
        name = entry.text("name") if "name" in data else None
        origin = f"{target} (any site, {zone})"
    elif "name" in data:
        alone("name", "timezone", "site")
        source = "name"
        target = entry.text("name")
        origin = "built-in"
    else:
        raise entry.error(None, "give one of 'name' (a built-in site), 'site_file' or 'url'")
    try:
        site = resolve_site(
            target, site=built_in, site_file=site_file, timezone=zone or "UTC", name=name
        )
    except UsageError as error:
        # The URL and zone were checked above: a site by its URL can only have a bad name.
        raise entry.error("name" if name else source, str(error)) from None
    arguments = (
        *((target,) if target else ()),
        *(("--site", built_in) if built_in else ()),
        *(("--site-file", site_file) if site_file else ()),
        *(("--tz", zone) if zone else ()),
        *(("--name", name) if name else ()),
    )
    return arguments, origin, site


class _Reader:
    """The configuration file's text: where a key is, for errors that give its line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        # (table, key) → line number; key None for the table's header.
        self.lines: dict[tuple[_Table, str | None], int] = {}
        table: _Table = ()
        sites = 0
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                brackets, dotted = header.groups()
                first, _, rest = dotted.partition(".")
                if brackets == "[[" and dotted == "sites":
                    sites += 1
                table = ("sites", sites) if first == "sites" else (first,)
                table += (rest,) if rest else ()
                self.lines.setdefault((table, None), number)
                self.lines.setdefault(((), first), number)
                continue
            assignment = _ASSIGNMENT.match(line)
            if assignment:
                self.lines.setdefault((table, assignment[1]), number)

    def error(self, message: str, *places: tuple[_Table, str | None]) -> UsageError:
        """The message after the file's name and the line of the first of ``places`` (a table
        and a key in it, None for its header) that the file has."""
        line = next((self.lines[place] for place in places if place in self.lines), None)
        return UsageError(f"{self.path}{f':{line}' if line else ''}: {message}")


class _Entry:
    """One table of options, [defaults] or a site's: its values checked, with errors that name
    the file, its line, the table and the key."""

    def __init__(self, reader: _Reader, table: _Table, label: str, data: dict[str, Any]) -> None:
        self.reader = reader
        self.table = table
        self.label = label
        self.data = data

    def error(self, key: str | None, message: str) -> UsageError:
        return self.reader.error(f"{self.label}: {message}", (self.table, key), (self.table, None))

    def setting_error(self, name: str, message: str) -> UsageError:
        """An error in the settings table, at its line: the setting's, else the table's."""
        table = (*self.table, "settings")
        return self.reader.error(
            f"{self.label}: settings.{name}{message}",
            (table, name),
            (self.table, "settings"),
            (table, None),
            (self.table, None),
        )

    def check_keys(self, known: tuple[str, ...]) -> None:
        """A misspelt key is an error, not a silently ignored option."""
        for key in self.data:
            if key not in known:
                raise self.error(key, f"unknown key {key!r}{_suggestion(key, known)}")

    def options(self, folder: Path) -> dict[str, Any]:
        """The options this table gives, checked (not its settings table: see ``settings``)."""
        checks = {
            "out": lambda key: folder / self.text(key),
            "store": self.store,
            "delay": lambda key: self.number(key, "a number of seconds, 0 or more", 0, None),
            "concurrency": lambda key: self.whole(key, 1),
            "autothrottle": self.flag,
            "recheck_days": lambda key: self.whole(key, 0),
            "max_pages": lambda key: self.whole(key, 0),
            "max_articles": lambda key: self.whole(key, 0),
            "since": self.day,
            "max_missing_percent": lambda key: self.number(key, "a number from 0 to 100", 0, 100),
            "warc": self.flag,
            "compress": self.flag,
            "resume": self.flag,
            "verbose": self.flag,
            "round": self.round,
        }
        return {key: checks[key](key) for key in self.data if key in checks}

    def settings(self) -> dict[str, str]:
        """The ``settings`` table: Scrapy settings, each as ``crawl -s NAME=VALUE`` takes it."""
        table = self.data.get("settings", {})
        if not isinstance(table, dict):
            raise self.error("settings", "'settings' must be a table of Scrapy settings")
        settings = {}
        for name, value in table.items():
            if name in _OWN_KEY:
                raise self.setting_error(name, f": write {_OWN_KEY[name]!r} instead")
            if name == "NEWSARCHIVE_RUN_ID":
                raise self.setting_error(name, ": crawl --all gives each run its own")
            if isinstance(value, dict | list | date):
                raise self.setting_error(
                    name, f" must be a string, a number or true/false, not {_shown(value)}"
                )
            settings[name] = str(value)
        return settings

    def value(self, key: str, kind: str, check: bool) -> Any:
        if not check:
            raise self.error(key, f"{key!r} must be {kind}, not {_shown(self.data[key])}")
        return self.data[key]

    def text(self, key: str) -> str:
        value = self.data[key]
        return str(self.value(key, "a non-empty string", isinstance(value, str) and value != ""))

    def whole(self, key: str, least: int) -> int:
        value = self.data[key]
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= least
        return int(self.value(key, f"a whole number, {least} or more", ok))

    def number(self, key: str, kind: str, least: float, most: float | None) -> float:
        value = self.data[key]
        ok = (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and least <= value <= (value if most is None else most)
        )
        number: float = self.value(key, kind, ok)  # as written: 2, not 2.0, in -s
        return number

    def flag(self, key: str) -> bool:
        return bool(self.value(key, "true or false", isinstance(self.data[key], bool)))

    def day(self, key: str) -> date:
        value = self.data[key]
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = date.fromisoformat(value)
        ok = isinstance(value, date) and not isinstance(value, datetime)
        self.value(key, "a date such as 2025-12-01", ok)
        assert isinstance(value, date)
        return value

    def round(self, key: str) -> int:
        value = self.data[key]
        ok = isinstance(value, str) and _ROUND.match(value) is not None
        return parse_round(self.value(key, 'a length such as "15m", "1h" or "1d"', ok))

    def store(self, key: str) -> str:
        value = self.data[key]
        if not (isinstance(value, str) and value.startswith(("postgresql://", "postgres://"))):
            # Never the value: it may hold a password.
            raise self.error(
                key, "'store' must be a postgresql:// URL (leave it out for a state.sqlite3 in "
                "each site's folder)"
            )  # fmt: skip
        return value

    def url(self) -> str:
        url = self.text("url")
        try:
            return check_url(url)
        except UsageError as error:
            raise self.error("url", f"'url': {error}") from None

    def timezone(self) -> str:
        zone = self.text("timezone")
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.error(
                "timezone", f"'timezone' must be an IANA time zone such as \"Asia/Tashkent\", "
                f"not {_shown(zone)}"
            ) from None  # fmt: skip
        return zone


def _label(number: int, table: dict[str, Any]) -> str:
    """How errors name a site: its place, and the name, file or URL it was given by."""
    given = next((table[key] for key in ("name", "site_file", "url") if key in table), None)
    return f"site {number}" + (f" ({given})" if isinstance(given, str) and given else "")


def _shown(value: object) -> str:
    """A value as the configuration file writes it, for an error message.

    >>> _shown("3"), _shown(True), _shown(-1), _shown([1]), _shown({"a": 1})
    ('"3"', 'true', '-1', 'a list', 'a table')
    """
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)


def _suggestion(key: str, known: tuple[str, ...]) -> str:
    """The known key a misspelt one most resembles, if any.

    >>> _suggestion("max_page", _OPTIONS)
    " (did you mean 'max_pages'?)"
    >>> _suggestion("colour", _OPTIONS)
    ''
    """
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
