"""Canonical URLs: one spelling per page, so that one article is archived once.

>>> canonical_url("https://Everyday.uz:443/health/15820-post.html/?utm_source=tg&utm_medium=x#c")
'https://everyday.uz/health/15820-post.html'
>>> canonical_url("https://everyday.uz/search/?q=газ&fbclid=1")
'https://everyday.uz/search/?q=%D0%B3%D0%B0%D0%B7'
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import safe_url_string, url_query_cleaner

__all__ = ["TRACKING_PARAMETERS", "canonical_url", "is_tracking_parameter"]

# Parameters that say where a reader came from, never which page they read. Kept short on
# purpose: dropping a parameter that does select content (``from``, ``page``) would merge pages.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "yclid",
        "dclid",
        "msclkid",
        "_openstat",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# A trailing slash after a file name (".../15820-post.html/") is a typo servers forgive.
_FILE_WITH_SLASH = re.compile(r"(\.[a-z0-9]{2,5})/+$", re.IGNORECASE)


def is_tracking_parameter(name: str) -> bool:
    """True for ``utm_*`` and the other parameters that only track the reader."""
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMETERS


# A crawl canonicalises the same links again and again (menus, sidebars, pagination, and each
# page's URL once per record): a pure function, so a bounded cache saves the work.
@lru_cache(maxsize=4096)
def canonical_url(url: str) -> str:
    """The URL without tracking parameters, fragment, default port or stray trailing slash."""
    parts = urlsplit(safe_url_string(url.strip()))
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    path = _FILE_WITH_SLASH.sub(r"\1", parts.path) or "/"
    query = urlsplit(
        url_query_cleaner(f"?{parts.query}", _tracking_names(parts.query), remove=True)
    ).query
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))


def _tracking_names(query: str) -> list[str]:
    names = (pair.split("=", 1)[0] for pair in query.split("&") if pair)
    return [name for name in names if is_tracking_parameter(name)]
