"""``parse_timestamp``: the fast path first, dateparser only for the forms it does not know.

Also ``_language``, which turns a page's language tag into our key (or dateparser's name
for a language outside our vocabularies).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import lru_cache

from newsarchive.parsers.timestamps.fallback import _fallback
from newsarchive.parsers.timestamps.fast import _fast, _normalise
from newsarchive.parsers.timestamps.model import DEFAULT_TZ, Timestamp, _context, _Miss
from newsarchive.parsers.timestamps.vocabulary import _VOCABULARIES


@lru_cache(maxsize=64)
def _language(lang: str | None) -> str | None:
    """Our key for a language tag ("uz-Cyrl", "kk_KZ", "EN"); for any other language its
    primary tag, with its script if it names one (dateparser's names: "de", "sr-Latn").

    >>> [_language(tag) for tag in ("ru-RU", "uz", "uz_Latn", "UZ-CYRL", "kk", "de-AT", None)]
    ['ru', 'uz', 'uz-Latn', 'uz-Cyrl', 'kk', 'de', None]
    >>> _language("sr_latn_RS"), _language("zh-Hant-TW"), _language(" ")
    ('sr-Latn', 'zh-Hant', None)
    """
    primary, _, rest = lang.strip().lower().replace("_", "-").partition("-") if lang else ("",) * 3
    if not primary:
        return None
    script = rest.partition("-")[0]
    if primary == "uz":
        return {"latn": "uz-Latn", "cyrl": "uz-Cyrl"}.get(script, "uz")
    if primary in _VOCABULARIES:
        return primary
    return f"{primary}-{script.title()}" if len(script) == 4 and script.isalpha() else primary


def parse_timestamp(
    text: object, *, now: datetime, tz: str | tzinfo = DEFAULT_TZ, lang: str | None = None
) -> Timestamp | None:
    """The first timestamp in ``text``, read as the site in zone ``tz`` meant it at ``now``.

    ``now`` is the aware moment of the fetch; ``tz`` an IANA name or a tzinfo; ``lang`` the
    page's or site's language tag (``ru``, ``uz``, ``uz-Latn``, ``uz-Cyrl``, ``kk``, ``en``):
    every language's words are read whatever it is, and it settles only the words that
    depend on it and dateparser's locale (None: Russian; another language dateparser knows,
    ``de``, ``fr``: that one; one it does not: no fallback). Returns None
    for text without a timestamp, an impossible one, or one later than ``now`` plus
    ``SKEW_TOLERANCE``. Never raises for any ``text``; a naive ``now`` (ValueError) or an
    unknown ``tz`` (ZoneInfoNotFoundError) are the caller's errors and do raise.

    >>> from datetime import datetime, timezone
    >>> now = datetime(2025, 12, 11, 21, 30, tzinfo=timezone.utc)  # 02:30 on the 12th
    >>> ts = parse_timestamp("Вчера, 23:59", now=now)
    >>> ts.isoformat(), ts.precision
    ('2025-12-11T23:59:00+05:00', 'minute')
    >>> parse_timestamp("3 дня назад", now=now).isoformat()
    '2025-12-09T00:00:00+05:00'
    >>> parse_timestamp("11 декабря, 17:13", now=now, tz="Europe/Moscow").isoformat()
    '2025-12-11T17:13:00+03:00'
    >>> print(parse_timestamp("Сегодня, 25:61", now=now))
    None
    """
    if not isinstance(text, str):
        return None
    ctx = _context(now, tz, now.fold)
    clean = _normalise(text)
    if not clean:
        return None
    key = _language(lang) if lang else None
    found = _fast(clean, text, ctx, key)
    if isinstance(found, Timestamp):
        return found
    if found is _Miss.REJECTED:
        return None
    return _fallback(clean, text, ctx, key)
