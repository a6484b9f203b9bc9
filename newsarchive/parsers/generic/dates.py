"""When the article was published and modified: structured data first, then the date line
nearest to the headline, then the project's date reader on the article's scope, then the URL.
Text is asked about only where ``looks_dated`` says it may hold a date: on other text the
timestamp parser would ask dateparser, at a millisecond a call.
"""

from __future__ import annotations

import copy
import re
from datetime import datetime, tzinfo
from typing import Any, Final, NamedTuple
from urllib.parse import urlsplit

from newsarchive.parsers.generic.helpers import contains, raw_text_of, up
from newsarchive.parsers.generic.metadates import (
    head_dates,
    marked_dates,
    names_year,
    other_item,
)
from newsarchive.parsers.generic.names import INLINE, NO_TEXT
from newsarchive.parsers.generic.page import Page
from newsarchive.parsers.text import collapse
from newsarchive.parsers.timestamps import (
    Timestamp,
    looks_dated,
    parse_timestamp,
    published_from_html,
)


class Clock(NamedTuple):
    """How the page's dates are read: when it was fetched, the site's zone, its language."""

    now: datetime
    tz: str | tzinfo
    lang: str | None

    def parse(self, text: str) -> Timestamp | None:
        return parse_timestamp(text, now=self.now, tz=self.tz, lang=self.lang)


_UPDATED: Final = re.compile(r"обновлен|изменен|update|modified", re.IGNORECASE)
# Lines that show the time of the visit, not of the article: a forum's "Текущее время:
# 14.10.2020", "Сейчас: ...", "Today is ...".
_CLOCK_LINE: Final = re.compile(
    r"текущее\s+время|сейчас\s*:|current(?:ly)?\s+time|time\s+now|it\s+is\s+(?:now|currently)"
    r"|today\s+is",
    re.IGNORECASE,
)
_URL_DATE: Final = re.compile(
    r"/((?:19|20)\d{2})[/-](\d{1,2}|[a-z]{3})[/-](\d{1,2})(?:/|-|_|\.|$)", re.IGNORECASE
)
_URL_MONTHS: Final = [
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
]
_NEAR_TITLE: Final = 12  # elements between a headline and its date line (wider search)
_AFTER_TITLE: Final = 80  # elements after the headline that may still hold its date line
_UNDATED_LINE: Final = 60  # longest line whose date without a year may be the article's
_MACHINE_DATES: Final = frozenset({"datePublished", "dateCreated"})


def _stamp(text: str | None, clock: Clock) -> Timestamp | None:
    """parse_timestamp, for text that looks like it holds a date (the rest costs dateparser)."""
    if not text or len(text) > 200 or not looks_dated(text):
        return None
    return clock.parse(text)


def read_dates(
    page: Page, scope: Any | None, url: str | None, clock: Clock
) -> tuple[Timestamp | None, Timestamp | None, str | None]:
    """Published and modified times, and where the published one came from: "page"
    (structured data or a date line) or "url".

    In order: the head's structured data (JSON-LD, meta tags: the earliest publication they
    state); dates marked up in the body (microdata, hAtom); the date line nearest to the
    headline in the article's scope, then a little wider, one close to the headline; the
    project's reader of date lines on the scope; the URL (``/2025/12/11/``). A date found
    anywhere else on the page (a sidebar's) is not the article's, and a date without its
    year ("22:38", "17/11", "Сегодня") only in the article's own date line: else None.
    """

    def read(text: str | None) -> Timestamp | None:
        return _stamp(text, clock)

    published, modified = head_dates(page, read)
    if published is None:
        published, marked = marked_dates(page, scope, read)
        modified = modified or marked
    if published is not None:
        return published, modified, "page"
    if scope is not None:
        found, changed = _date_line(page, scope, clock, reach=None)
        if found is None:
            wider = up(scope, 3)
            if wider is not scope:
                found, changed = _date_line(page, wider, clock, reach=_NEAR_TITLE)
        if found is None and page.title_el is not None and not contains(scope, page.title_el):
            # A headline above the text's block, in a header of its own with the date line.
            heading = up(page.title_el, 3)
            found, changed = _date_line(page, heading, clock, reach=_NEAR_TITLE)
        if found is None and looks_dated(raw_text_of(scope)[:20_000]):
            # Its searches run from the document root: on a copy of the scope, a sidebar's
            # dates are out of its reach.
            found = published_from_html(
                copy.deepcopy(scope), now=clock.now, tz=clock.tz, lang=clock.lang
            )
            if found is not None and (not names_year(found.raw) or _CLOCK_LINE.search(found.raw)):
                found = None  # far from the headline: only a full date is the article's
        modified = modified or changed
        if found is not None:
            return found, modified, "page"
    stamp = _url_date(url, clock) if url else None
    return stamp, modified, "url" if stamp else None


def _url_date(url: str, clock: Clock) -> Timestamp | None:
    """The day in a URL's path: ``/2025/12/11/``, ``/2025-12-11-``, ``/2016/nov/29/``."""
    match = _URL_DATE.search(urlsplit(url).path)
    if match is None:
        return None
    month = match[2].lower()
    if month.isalpha():
        if month not in _URL_MONTHS:
            return None
        month = str(_URL_MONTHS.index(month) + 1)
    return clock.parse(f"{match[3]}.{month}.{match[1]}")


_LINE_PARTS: Final = re.compile(
    r"[|•·;]|(?=(?:обновлен|изменен|опубликован|добавлен|update|published))", re.IGNORECASE
)


def _read_line(line: str, clock: Clock) -> tuple[Timestamp | None, Timestamp | None]:
    """A date line's publication and modification times: "Обновлено: 12.11.2025 18:40 |
    Опубликовано: 11.11.2025 09:15" holds both, labels telling which is which. A clock's
    line ("Текущее время: 14.10.2020") holds neither."""
    if _CLOCK_LINE.search(line):
        return None, None
    if not _UPDATED.search(line):
        return clock.parse(collapse(line)), None
    published = modified = None
    for part in _LINE_PARTS.split(line):
        stamp = clock.parse(collapse(part)) if part and looks_dated(part) else None
        if stamp is None:
            continue
        if _UPDATED.search(part):
            modified = modified or stamp
        else:
            published = published or stamp
    return published, modified


def _date_line(
    page: Page, region: Any, clock: Clock, *, reach: int | None
) -> tuple[Timestamp | None, Timestamp | None]:
    """The timestamp in ``region`` nearest to the headline (in document order), and a time
    labelled as a modification.

    ``<time datetime>`` and ``itemprop=datePublished`` come before text; text is read in
    short pieces ("Автор: admin | <a>Сегодня, 17:13</a>": the text node), then as small
    elements whole ("<span>11.12.2025</span> <span>17:13</span>"). Boilerplate blocks and
    prose are skipped: a date in a paragraph is what the article tells, not when it was
    written. With ``reach``, only dates that many elements from the headline count. A date
    without its year counts only close to the headline and before the text begins.
    """
    prose = {u.element for u in page.units if u.chars > 150 and u.score > 0}
    title = page.title_el
    title_at = 0 if title is None else None
    text_at = 800  # where the text begins: the first paragraph after the headline
    machine: list[tuple[int, Timestamp]] = []
    text: list[tuple[int, Timestamp]] = []
    modified = None
    stack = [region]
    index = attempts = 0
    while stack and index < 800 and attempts < 40:
        if title_at is not None and index > title_at + _AFTER_TITLE:
            break  # farther than any date line of the article's (lists of dated items go on)
        el = stack.pop()
        index += 1
        if el is title:
            title_at = index
        tag = el.tag
        if (
            tag in NO_TEXT
            or (el is not region and page.junk_block(el))
            or _caption(el)
            or other_item(el)
        ):
            continue
        if el in prose:  # not its own text; but a block of loose text may hold a date line
            if title_at is not None:
                text_at = min(text_at, index)
            if tag not in ("p", "pre"):
                stack.extend(c for c in reversed(el) if isinstance(c.tag, str))
            continue
        prop = el.get("itemprop")
        if tag == "time" or prop in _MACHINE_DATES or prop == "dateModified":
            attempts += 1
            stamp = _stamp(el.get("datetime") or el.get("content"), clock)
            stamp = stamp or _stamp(_spaced_text(el), clock)
            if stamp is not None:
                if prop == "dateModified" or _UPDATED.search(el.get("class") or ""):
                    modified = modified or stamp
                else:
                    machine.append((index, stamp))
                continue
        for piece in (el.text, *(child.tail for child in el)):
            if piece and len(piece) < 120 and looks_dated(piece):
                attempts += 1
                stamp, changed = _read_line(piece, clock)
                modified = modified or changed
                if stamp is not None:
                    text.append((index, stamp))
                if stamp or changed:
                    break
        else:
            children = [c for c in el if isinstance(c.tag, str)]
            if (
                children
                and tag != "p"
                and all(c.tag in INLINE or c.tag == "br" for c in children)
                # a <time> inside is read for its machine value ("Published <time
                # datetime=…>Feb 24, 2020</time>"), not as words of a line
                and not any(c.tag == "time" for c in children)
            ):
                # A small element: its parts first ("Автор: <a>admin</a> | <a>Сегодня,
                # 17:13</a>" shows "Сегодня, 17:13"), then the whole ("<b>11.12</b>.2025").
                whole = _spaced_text(el)
                if len(whole) < 100 and looks_dated(whole):
                    for line in (*(page.text(c) for c in children), whole):
                        if line and looks_dated(line):
                            attempts += 1
                            stamp, changed = _read_line(line, clock)
                            modified = modified or changed
                            if stamp is not None:
                                break
                    if stamp is not None and stamp.precision == "day" and line is not whole:
                        # "<span>15.12.2016</span><span>15:33</span>": the whole is finer
                        fuller = _read_line(whole, clock)[0]
                        if fuller is not None and fuller.value.date() == stamp.value.date():
                            stamp = fuller
                    if stamp is not None:
                        text.append((index, stamp))
                        continue
            stack.extend(reversed(children))
            continue
        stack.extend(c for c in reversed(el) if isinstance(c.tag, str))
    anchor = title_at or 0
    limit = _NEAR_TITLE if reach is None else reach
    for found in (machine, text):
        near = [
            (abs(i - anchor), i, stamp)
            for i, stamp in found
            if (
                abs(i - anchor) <= limit and (names_year(stamp.raw) or _own_line(stamp, i, text_at))
            )
            or (reach is None and names_year(stamp.raw))
        ]
        if near:
            return min(near, key=lambda item: (item[0], item[1]))[2], modified
    return None, modified


def _own_line(stamp: Timestamp, at: int, text_at: int) -> bool:
    """Whether a date without its year ("22:38", "17/11", "Сегодня, 17:13") near the headline
    may be the article's: only in a short line of its own (not a sentence), before the text."""
    return at < text_at and len(collapse(stamp.raw)) <= _UNDATED_LINE


def _caption(el: Any) -> bool:
    """A photo's caption or credit: its date is when the photo was taken."""
    return el.tag in ("figure", "figcaption") or "caption" in (el.get("class") or "").lower()


def _spaced_text(el: Any) -> str:
    """An element's text, with a space where the words of two of its elements would touch
    ("<span>December 15, 2016</span><span>3:33 PM</span>"), and none between the parts of
    one ("<b>11.12</b>.2025").

    >>> import lxml.html
    >>> _spaced_text(lxml.html.fromstring("<p><b>11.12</b>.2025<i>2016</i><i>3:33</i></p>"))
    '11.12.2025 2016 3:33'
    """
    parts: list[str] = []
    for piece in el.itertext():
        if parts and piece[:1].isalnum() and parts[-1][-1:].isalnum():
            parts.append(" ")
        parts.append(piece)
    return collapse("".join(parts))
