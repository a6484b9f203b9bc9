"""What a crawl's site arguments name: the :class:`~newsarchive.sites.Site` a run crawls.

``newsarchive crawl`` resolves its ``SITE_OR_URL``, ``--site``, ``--site-file``, ``--tz`` and
``--name`` here, and so does the configuration (``newsarchive.config``) for each of its sites,
so that a site of ``newsarchive.toml`` is the site its own ``crawl`` process will crawl: the
same name, the same folder, the same errors.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from newsarchive.cli.common import UsageError
from newsarchive.sites import (
    Site,
    SiteError,
    available_sites,
    generic_site,
    load_site,
    load_site_file,
)

__all__ = ["check_url", "resolve_site"]

# A scheme and a colon not followed by a port: 'htp:/x', 'mailto:a@b.c' ('host:8080/' is a host).
_SCHEME_WITHOUT_SLASHES = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\d)")
# A host name: labels of letters (any script), digits, '-' and '_' between single dots.
_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)*\.?")


def resolve_site(
    target: str | None,
    *,
    site: str | None = None,
    site_file: str | None = None,
    timezone: str = "UTC",
    name: str | None = None,
) -> Site:
    """The site that ``crawl TARGET --site SITE --site-file FILE --tz ZONE --name NAME`` crawls.

    >>> resolve_site("everyday").start_urls
    ('https://everyday.uz/',)
    >>> resolve_site("http://127.0.0.1:8765/", site="everyday").allowed_domains
    ('127.0.0.1',)
    >>> resolve_site("https://news.example.kg/", timezone="Asia/Bishkek").name
    'news-example-kg'
    """
    try:
        if site_file:
            described = load_site_file(site_file)
        elif site:
            described = load_site(site)
        elif target is None:
            raise UsageError("name a site or a URL to crawl (see 'newsarchive sites')")
        elif not any(mark in target for mark in ("://", "/", ".")):
            return load_site(target)
        else:
            url = check_url(target)
            described = _site_for_url(url) or generic_site(url, name=name, timezone=timezone)
        return described.on_host(check_url(target)) if target else described
    except SiteError as error:
        raise UsageError(str(error)) from None


def check_url(url: str) -> str:
    """``url`` as an http(s) URL, ``https://`` added when it has no scheme; else UsageError.

    >>> check_url("everyday.uz/ru")
    'https://everyday.uz/ru'
    >>> check_url("htp:/x")
    Traceback (most recent call last):
    newsarchive.cli.common.UsageError: not a valid http(s) URL: 'htp:/x'
    """
    if any(char.isspace() or not char.isprintable() for char in url):
        raise UsageError(f"not a valid URL: {url!r} (a space or control character; write %20)")
    if "://" not in url and _SCHEME_WITHOUT_SLASHES.match(url):
        raise UsageError(f"not a valid http(s) URL: {url!r}")
    try:
        parts = urlsplit(url if "://" in url else f"https://{url}")
    except ValueError as error:
        raise UsageError(f"not a valid URL: {url!r} ({error})") from None
    try:
        port = parts.port
    except ValueError:
        raise UsageError(f"not a valid URL: {url!r} (bad port)") from None
    if parts.scheme not in ("http", "https") or not _is_host(parts.hostname or "") or port == 0:
        raise UsageError(f"not a valid http(s) URL: {url!r}")
    return parts.geturl()


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return _HOST.fullmatch(host) is not None
    return True


def _site_for_url(url: str) -> Site | None:
    """The built-in site serving this URL's host, if there is one."""
    for name in available_sites():
        site = load_site(name)
        if site.serves(url):
            return site
    return None
