"""Sites as data: each built-in site is a TOML file in this folder.

>>> site = load_site("everyday")
>>> site.timezone, site.article_id("https://everyday.uz/health/15820-post.html")
('Asia/Tashkent', '15820')
>>> site.on_host("http://127.0.0.1:8765/").allowed_domains
('127.0.0.1',)
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cssselect import SelectorError
from parsel.csstranslator import HTMLTranslator

from newsarchive.parsers.article import ArticleSelectors
from newsarchive.version import __version__

__all__ = [
    "ListingSelectors",
    "Site",
    "SiteError",
    "available_sites",
    "load_site",
    "load_site_file",
]

# \Z, not $: '$' also matches before a final newline, and the name becomes a folder name.
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}\Z")


class SiteError(ValueError):
    """A site name that is unknown, or a site file that cannot be used (the message says why)."""


@dataclass(frozen=True, slots=True)
class ListingSelectors:
    """Where listing pages keep their article links, items, item dates and page links."""

    links: tuple[str, ...]
    items: tuple[str, ...]
    item_date: tuple[str, ...]
    pagination: tuple[str, ...]
    page_url: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Site:
    """One news site, as described by its site file."""

    name: str
    title: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    timezone: str
    lang: str
    # None for a site without a description: pages are then judged by what they hold.
    article_url: re.Pattern[str] | None
    listing: ListingSelectors
    article: ArticleSelectors
    rate_widget: tuple[str, ...]
    # Scrapy settings the site asks for ([throttle] in its file): politeness it needs.
    throttle: dict[str, float | int] = field(default_factory=dict)
    # What reads this site's pages: newsarchive's version and a digest of the description its
    # parsers follow (selectors, URL pattern, time zone, language), so that a record made after
    # the site file changed says so even under the same version. Every article record carries
    # it: derived once, when the description is made (and again by ``replace``).
    parser_version: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pattern = self.article_url.pattern if self.article_url else None
        described = repr(
            (self.article, self.rate_widget, pattern, self.listing, self.timezone, self.lang)
        )
        digest = hashlib.sha256(described.encode()).hexdigest()[:8]
        object.__setattr__(self, "parser_version", f"{__version__}+{digest}")

    def article_id(self, url: str) -> str | None:
        """The site's own id of an article URL, or None when the URL is not an article."""
        match = self.article_url.search(urlsplit(url).path) if self.article_url else None
        if match is None:
            return None
        return match.groupdict().get("id") or match.group(0)

    def serves(self, url: str) -> bool:
        """Whether ``url`` is on one of the site's hosts (a subdomain counts).

        >>> site = generic_site("https://gazeta.uz/")
        >>> site.serves("https://www.gazeta.uz/ru/"), site.serves("https://notgazeta.uz/")
        (True, False)
        """
        host = urlsplit(url).hostname or ""
        return any(host == domain or host.endswith("." + domain) for domain in self.allowed_domains)

    def is_article(self, url: str) -> bool:
        return (
            self.article_url is not None and self.article_url.search(urlsplit(url).path) is not None
        )

    def on_host(self, start_url: str) -> Site:
        """The same site served from another address (a mirror, a local copy, the demo).

        A copy on this machine keeps no ``[throttle]``: that protects the site's own server.
        """
        parts = urlsplit(start_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SiteError(f"not an http(s) URL: {start_url!r}")
        throttle = {} if _is_loopback(parts.hostname) else self.throttle
        return replace(
            self, start_urls=(start_url,), allowed_domains=(parts.hostname,), throttle=throttle
        )


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def generic_site(start_url: str, *, name: str | None = None, timezone: str = "UTC") -> Site:
    """A site known only by its address: crawled by discovery and the generic extractor.

    >>> site = generic_site("https://www.Gazeta.uz/ru/", timezone="Asia/Tashkent")
    >>> site.name, site.allowed_domains, site.start_urls
    ('gazeta-uz', ('www.gazeta.uz',), ('https://www.Gazeta.uz/ru/',))
    """
    parts = urlsplit(start_url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise SiteError(f"not an http(s) URL: {start_url!r}")
    derived = re.sub(r"[^a-z0-9]+", "-", host.removeprefix("www.")).strip("-")[:64] or "site"
    name = _checked_name(name or derived, "site name")
    _check_timezone(timezone, "time zone")
    nothing: tuple[str, ...] = ()
    return Site(
        name=name,
        title=host,
        start_urls=(start_url,),
        allowed_domains=(host,),
        timezone=timezone,
        lang="ru",
        article_url=None,
        listing=ListingSelectors(nothing, nothing, nothing, nothing, re.compile(r"(?!)")),
        article=ArticleSelectors(title=nothing, body=nothing),
        rate_widget=nothing,
    )


def _checked_name(name: str, label: str) -> str:
    """``name``, if it can be a folder's name under ``--out``; else SiteError, ``label`` first.

    >>> _checked_name("../etc", "site name")
    Traceback (most recent call last):
    ...
    newsarchive.sites.SiteError: site name '../etc' must be lower-case letters, digits, - or _
    """
    if not _NAME.match(name):
        raise SiteError(f"{label} {name!r} must be lower-case letters, digits, - or _")
    return name


def _check_timezone(timezone: str, label: str) -> None:
    """SiteError, ``label`` first, unless ``timezone`` is an IANA zone this Python knows."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SiteError(f"{label} {timezone!r} is not an IANA time zone") from None


def available_sites() -> list[str]:
    """Names of the built-in sites."""
    folder = resources.files(__name__)
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )


def load_site(name: str) -> Site:
    """A built-in site by name."""
    if not _NAME.match(name) or name not in available_sites():
        known = ", ".join(available_sites())
        raise SiteError(f"unknown site {name!r} (built-in sites: {known})")
    text = resources.files(__name__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return _parse(text, source=f"{name}.toml")


def load_site_file(path: str | Path) -> Site:
    """A site from a user's TOML file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SiteError(f"cannot read site file {path}: {error}") from None
    return _parse(text, source=str(path))


def _parse(text: str, *, source: str) -> Site:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SiteError(f"{source}: {error}") from None
    reader = _Reader(data, source, text)
    reader.check_known_keys()
    listing = reader.table("listing")
    article = reader.table("article")
    rates = reader.table("rates", required=False)
    name = _checked_name(reader.string(data, "name"), f"{reader.where('name')}: name")
    timezone = reader.string(data, "timezone")
    _check_timezone(timezone, f"{reader.where('timezone')}: timezone")
    lang = reader.string(data, "lang", default="ru")
    if not _LANG.match(lang):
        raise SiteError(
            f"{reader.where('lang')}: lang {lang!r} is not a language tag such as ru, uz,"
            " uz-Cyrl, kk or en"
        )
    site = Site(
        name=name,
        title=reader.string(data, "title", default=name),
        start_urls=reader.strings(data, "start_urls"),
        allowed_domains=reader.strings(data, "allowed_domains"),
        timezone=timezone,
        lang=lang,
        article_url=reader.pattern(data, "article_url"),
        listing=ListingSelectors(
            links=reader.strings(listing, "links", key_prefix="listing."),
            items=reader.strings(listing, "items", key_prefix="listing.", default=()),
            item_date=reader.strings(listing, "item_date", key_prefix="listing.", default=()),
            pagination=reader.strings(listing, "pagination", key_prefix="listing."),
            page_url=reader.pattern(listing, "page_url", key_prefix="listing."),
        ),
        article=ArticleSelectors(
            title=reader.strings(article, "title", key_prefix="article."),
            body=reader.strings(article, "body", key_prefix="article."),
            lead=reader.strings(article, "lead", key_prefix="article.", default=()),
            date=reader.strings(article, "date", key_prefix="article.", default=()),
            section=reader.strings(article, "section", key_prefix="article.", default=()),
            author=reader.strings(article, "author", key_prefix="article.", default=()),
            strip=reader.strings(article, "strip", key_prefix="article.", default=()),
        ),
        rate_widget=reader.strings(rates, "widget", key_prefix="rates.", default=()),
        throttle=reader.throttle(reader.table("throttle", required=False)),
    )
    reader.check_selectors(site)
    return site


# A BCP 47 language, with a script or region: "ru", "uz-Cyrl", "kk-KZ".
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-[A-Z]{2})?$")
_TABLE_HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*(?:#.*)?$")
# Every key a site file may hold: top-level keys, and for tables the keys inside them.
_KEYS: dict[str, frozenset[str]] = {
    "name": frozenset(),
    "title": frozenset(),
    "start_urls": frozenset(),
    "allowed_domains": frozenset(),
    "timezone": frozenset(),
    "lang": frozenset(),
    "article_url": frozenset(),
    "listing": frozenset({"links", "items", "item_date", "pagination", "page_url"}),
    "article": frozenset({"title", "body", "lead", "date", "section", "author", "strip"}),
    "rates": frozenset({"widget"}),
    "throttle": frozenset({"delay", "concurrency", "autothrottle_target"}),
}


# [throttle] keys, the Scrapy setting each sets, and its type.
_THROTTLE = (
    ("delay", "DOWNLOAD_DELAY", float),
    ("concurrency", "CONCURRENT_REQUESTS_PER_DOMAIN", int),
    ("autothrottle_target", "AUTOTHROTTLE_TARGET_CONCURRENCY", float),
)


class _Reader:
    """Typed access to the parsed TOML, with errors that name the file and the key."""

    _MISSING: Any = object()

    def __init__(self, data: dict[str, Any], source: str, text: str) -> None:
        self.data = data
        self.source = source
        self.lines = text.splitlines()

    def where(self, name: str) -> str:
        """``file:line`` of a dotted key (``article.title``), or the file alone if not found."""
        table, _, key = name.rpartition(".")
        current = ""
        assignment = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
        for number, line in enumerate(self.lines, start=1):
            header = _TABLE_HEADER.match(line)
            if header:
                current = header.group(1).strip()
            elif current == table and assignment.match(line):
                return f"{self.source}:{number}"
        return self.source

    def check_known_keys(self) -> None:
        """A misspelt key is an error, not a silently ignored setting."""
        for name, value in self.data.items():
            if name not in _KEYS:
                raise SiteError(f"{self.where(name)}: unknown key {name!r}")
            allowed = _KEYS[name]
            if allowed and isinstance(value, dict):
                for key in value:
                    if key not in allowed:
                        dotted = f"{name}.{key}"
                        raise SiteError(f"{self.where(dotted)}: unknown key {dotted!r}")

    def table(self, key: str, *, required: bool = True) -> dict[str, Any]:
        value = self.data.get(key, self._MISSING)
        if value is self._MISSING and not required:
            return {}
        if not isinstance(value, dict):
            raise SiteError(f"{self.source}: [{key}] table is missing")
        return value

    def string(self, table: dict[str, Any], key: str, *, default: Any = _MISSING) -> str:
        value = table.get(key, default)
        if value is self._MISSING:
            raise SiteError(f"{self.source}: key {key!r} is missing")
        if not isinstance(value, str) or not value:
            raise SiteError(f"{self.where(key)}: key {key!r} must be a non-empty string")
        return value

    def strings(
        self, table: dict[str, Any], key: str, *, key_prefix: str = "", default: Any = _MISSING
    ) -> tuple[str, ...]:
        value = table.get(key, default)
        name = key_prefix + key
        if value is self._MISSING:
            raise SiteError(f"{self.source}: key {name!r} is missing")
        if isinstance(value, str):
            value = [value]
        required = default is self._MISSING
        if (
            not isinstance(value, list | tuple)
            or (required and not value)
            or not all(isinstance(item, str) and item for item in value)
        ):
            raise SiteError(
                f"{self.where(name)}: key {name!r} must be a string or a non-empty list of strings"
            )
        return tuple(value)

    def throttle(self, table: dict[str, Any]) -> dict[str, float | int]:
        """``[throttle]`` as the Scrapy settings it stands for."""
        settings: dict[str, float | int] = {}
        for key, setting, kind in _THROTTLE:
            if key not in table:
                continue
            value = table[key]
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or value < 0
                or (kind is int and not isinstance(value, int))
            ):
                expected = "a whole number" if kind is int else "a number"
                raise SiteError(
                    f"{self.where('throttle.' + key)}: key 'throttle.{key}' must be {expected} >= 0"
                )
            settings[setting] = value
        return settings

    def check_selectors(self, site: Site) -> None:
        """A selector CSS cannot read is the file's error now, not every page's error later."""
        selectors = {
            f"{table}.{entry.name}": getattr(values, entry.name)
            for table, values in (("listing", site.listing), ("article", site.article))
            for entry in fields(values)
            if entry.name != "page_url"
        }
        selectors["rates.widget"] = site.rate_widget
        translator = HTMLTranslator()
        for name, alternatives in selectors.items():
            for css in alternatives:
                try:
                    translator.css_to_xpath(css)
                except SelectorError as error:
                    raise SiteError(
                        f"{self.where(name)}: key {name!r}: {css!r} is not a CSS selector ({error})"
                    ) from None

    def pattern(self, table: dict[str, Any], key: str, *, key_prefix: str = "") -> re.Pattern[str]:
        text = self.string(table, key)
        try:
            return re.compile(text)
        except re.error as error:
            name = key_prefix + key
            raise SiteError(
                f"{self.where(name)}: key {name!r} is not a valid regular expression: {error}"
            ) from None
