"""Publication timestamps as the region's news sites print them.

``parse_timestamp`` turns visible text (``Сегодня, 17:13``, ``5 минут назад``,
``11 декабря 2025 г., 17:13``, ``2025-12-11T17:13:00+05:00`` ...) into an aware
:class:`Timestamp`; ``published_from_html`` finds a page's publication time, structured
sources first.

Besides Russian it reads the words of the region's other editions: Uzbek in Latin
(``bugun, 17:13``, ``5 daqiqa oldin``, ``11-dekabr 2025-yil``) and Cyrillic script
(``кеча, 09:30``, ``11 декабр 2025``), Kazakh (``бүгін, 17:13``, ``2 сағат бұрын``,
``11 желтоқсан 2025``) and English (``yesterday 09:30``, ``March 11, 2020``, ``9:05 PM``).
No word means different dates in two of them, so all are tried together; ``lang`` only
settles what one word may mean (``may`` is a month to an English or Uzbek page, and
"2 may" prose elsewhere) and picks dateparser's locale. A page in a language outside these
(German ``12. März 2020``, French ``il y a 3 jours``) is read by dateparser in its own
language, if dateparser knows it; with no ``lang``, the fallback reads Russian.

Relative forms are read against ``now`` (when the page was fetched) on the site's local
calendar, which is what the site's server used to render them. A compiled-regex fast path
reads the common forms in a few microseconds; dateparser (about 100-500 times slower, and
imported only when needed) is the fallback for the rest.

The package's parts: ``model`` (the Timestamp type, zones, a call's context),
``vocabulary`` (the five languages' words), ``fast`` (the anchor regex and a reader a form),
``fallback`` and ``foreign`` (dateparser, for our languages and for the others), ``hint``
(``looks_dated``), ``parse`` (``parse_timestamp``) and ``pages`` (``published_from_html``).

Rules that hold for every result:

* It is never more than ``SKEW_TOLERANCE`` after ``now``: a publication cannot come from
  the future. Text that names the day (``Сегодня, 23:50`` read at 18:00, ``12.12.2030``)
  gives None; text that leaves the day open (``23:50``, ``9:05 PM``, ``11 декабря``,
  ``March 11``) is read as the most recent such moment.
* Its year is at least 1990: nothing was published on the web earlier, and it keeps
  pre-standard-time offsets (LMT, ``+04:37:11`` in Tashkent) out of the results.
* A two-digit year is the latest 20yy or 19yy not in the future (``95`` is 1995, ``25``
  2025). After a month name it is a year only with a time after it (``2 Декабрь 95
  11:15``); ``2 Декабрь 95`` alone may be a yearless date and a counter, and gives None.
* Numeric dates are day first; month first only with an English month name, or with slashes
  where the day cannot come first (``11/28/2016``). CJK dates (``2019年04月13日 09時00分``)
  are read too.
* ``N <unit> ago`` keeps the precision of its finest unit. Months and years count on the
  site's calendar (``1 год, 2 дня назад``); alone they are coarser than a day, and a
  month back from a day the earlier month lacks (31 March) is not guessed: both None.
* ``value`` has a fixed-offset ``datetime.timezone``, the offset in force in the site's
  zone (or the zone the text names: ``МСК``, ``UTC``, ISO offsets) at that instant.

>>> from datetime import datetime, timezone
>>> now = datetime(2025, 12, 12, 13, 0, tzinfo=timezone.utc)  # 18:00 in Tashkent
>>> parse_timestamp("Сегодня, 17:13", now=now).isoformat()
'2025-12-12T17:13:00+05:00'
>>> parse_timestamp("17.03.2018 01:05 МСК", now=now).isoformat()
'2018-03-17T01:05:00+03:00'
>>> print(parse_timestamp("Последние новости", now=now))
None
>>> parse_timestamp("Kecha, 09:30", now=now).isoformat()
'2025-12-11T09:30:00+05:00'
>>> ts = parse_timestamp("2 сағат бұрын", now=now, lang="kk")
>>> ts.isoformat(), ts.precision
('2025-12-12T16:00:00+05:00', 'hour')
>>> parse_timestamp("9:05 PM", now=now, tz="UTC").isoformat()  # 21:05 today is to come
'2025-12-11T21:05:00+00:00'
>>> parse_timestamp("2 Декабрь 95 11:15", now=now).isoformat()
'1995-12-02T11:15:00+05:00'
"""

from __future__ import annotations

from newsarchive.parsers.timestamps.hint import looks_dated
from newsarchive.parsers.timestamps.model import DEFAULT_TZ, SKEW_TOLERANCE, Precision, Timestamp
from newsarchive.parsers.timestamps.pages import PUBLISHED_META, published_from_html
from newsarchive.parsers.timestamps.parse import parse_timestamp

__all__ = [
    "DEFAULT_TZ",
    "PUBLISHED_META",
    "SKEW_TOLERANCE",
    "Precision",
    "Timestamp",
    "looks_dated",
    "parse_timestamp",
    "published_from_html",
]
