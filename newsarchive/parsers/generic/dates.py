"""When the article was published and modified: structured data first, then the date line
nearest to the headline, then the project's date reader on the article's scope, then the URL.
Also the cheap test (``looks_dated``) that keeps text without a date away from the costly
timestamp parser.
"""

from __future__ import annotations

import copy
import re
from datetime import datetime, tzinfo
from typing import Any, Final
from urllib.parse import urlsplit

from newsarchive.parsers.generic.helpers import raw_text_of, up
from newsarchive.parsers.generic.names import INLINE, NO_TEXT
from newsarchive.parsers.generic.page import Page
from newsarchive.parsers.generic.structured import ld_text
from newsarchive.parsers.text import collapse
from newsarchive.parsers.timestamps import Timestamp, parse_timestamp, published_from_html

# Text that may hold a timestamp: parse_timestamp is asked only about such text (on other
# text it would ask dateparser, at a millisecond a call). A bare time only in short text.
_DATE_HINT: Final = re.compile(
    r"(?<!\d)(?:0?[1-9]|[12]\d|3[01])([./-])(?:0?[1-9]|1[0-2])\1(?:\d{4}|\d{2})(?!\d)"
    r"|(?<!\d)(?:19|20)\d{2}([./-])[01]?\d\2[0-3]?\d"
    r"|(?<!\d)\d{1,2}\s*(?:янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек)"
    r"|(?<!\d)\d{1,2}\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|сегодня|вчера|позавчера|назад|только\s+что",
    re.IGNORECASE,
)
_CLOCK: Final = re.compile(r"(?<![\d:])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:])")


def looks_dated(text: str) -> bool:
    """Whether ``text`` may hold a timestamp (a cheap test, before parse_timestamp)."""
    return _DATE_HINT.search(text) is not None or (
        len(text) <= 40 and _CLOCK.search(text) is not None
    )


_UPDATED: Final = re.compile(r"обновлен|изменен|updated|modified", re.IGNORECASE)

_PUBLISHED_KEYS: Final = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
_MODIFIED_KEYS: Final = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dc.date.modified",
)
_URL_DATE: Final = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
_NEAR_TITLE: Final = 12  # elements between a headline and its date line (wider search)
_AFTER_TITLE: Final = 80  # elements after the headline that may still hold its date line
_MACHINE_DATES: Final = frozenset({"datePublished", "dateCreated"})


def _stamp(text: str | None, now: datetime, tz: str | tzinfo) -> Timestamp | None:
    """parse_timestamp, for text that looks like it holds a date (the rest costs dateparser)."""
    if not text or len(text) > 200 or not looks_dated(text):
        return None
    return parse_timestamp(text, now=now, tz=tz)


def read_dates(
    page: Page, scope: Any | None, url: str | None, now: datetime, tz: str | tzinfo
) -> tuple[Timestamp | None, Timestamp | None, str | None]:
    """Published and modified times, and where the published one came from: "page"
    (structured data or a date line) or "url".

    Structured data first (JSON-LD, then meta tags); then the date line nearest to the
    headline in the article's scope; then, a little wider, one close to the headline; then
    the project's reader of date lines on the scope; then the URL (``/2025/12/11/``). A
    date found anywhere else on the page (a sidebar's) is not the article's: None.
    """
    meta = page.meta
    published = modified = None
    ld = meta.article_ld
    if ld is not None:
        published = _stamp(ld_text(ld.get("datePublished") or ld.get("dateCreated")), now, tz)
        modified = _stamp(ld_text(ld.get("dateModified")), now, tz)
    for key in _PUBLISHED_KEYS:
        if published is not None:
            break
        published = _stamp(meta.props.get(key), now, tz)
    for key in _MODIFIED_KEYS:
        if modified is not None:
            break
        modified = _stamp(meta.props.get(key), now, tz)
    if published is not None:
        return published, modified, "page"
    if scope is not None:
        found, changed = _date_line(page, scope, now, tz, reach=None)
        if found is None:
            wider = up(scope, 3)
            if wider is not scope:
                found, changed = _date_line(page, wider, now, tz, reach=_NEAR_TITLE)
        if found is None and looks_dated(raw_text_of(scope)[:20_000]):
            # Its searches run from the document root: on a copy of the scope, a sidebar's
            # dates are out of its reach.
            found = published_from_html(copy.deepcopy(scope), now=now, tz=tz)
        modified = modified or changed
        if found is not None:
            return found, modified, "page"
    match = _URL_DATE.search(urlsplit(url).path) if url else None
    if match:
        stamp = parse_timestamp(f"{match[3]}.{match[2]}.{match[1]}", now=now, tz=tz)
        if stamp is not None:
            return stamp, modified, "url"
    return None, modified, None


_LINE_PARTS: Final = re.compile(
    r"[|•·;]|(?=(?:обновлен|изменен|опубликован|добавлен|updated|published))", re.IGNORECASE
)


def _read_line(
    line: str, now: datetime, tz: str | tzinfo
) -> tuple[Timestamp | None, Timestamp | None]:
    """A date line's publication and modification times: "Обновлено: 12.11.2025 18:40 |
    Опубликовано: 11.11.2025 09:15" holds both, labels telling which is which."""
    if not _UPDATED.search(line):
        return parse_timestamp(collapse(line), now=now, tz=tz), None
    published = modified = None
    for part in _LINE_PARTS.split(line):
        stamp = (
            parse_timestamp(collapse(part), now=now, tz=tz) if part and looks_dated(part) else None
        )
        if stamp is None:
            continue
        if _UPDATED.search(part):
            modified = modified or stamp
        else:
            published = published or stamp
    return published, modified


def _date_line(
    page: Page, region: Any, now: datetime, tz: str | tzinfo, *, reach: int | None
) -> tuple[Timestamp | None, Timestamp | None]:
    """The timestamp in ``region`` nearest to the headline (in document order), and a time
    labelled as a modification.

    ``<time datetime>`` and ``itemprop=datePublished`` come before text; text is read in
    short pieces ("Автор: admin | <a>Сегодня, 17:13</a>": the text node), then as small
    elements whole ("<span>11.12.2025</span> <span>17:13</span>"). Boilerplate blocks and
    prose are skipped: a date in a paragraph is what the article tells, not when it was
    written. With ``reach``, only dates that many elements from the headline count.
    """
    prose = {u.element for u in page.units if u.chars > 150 and u.score > 0}
    title = page.title_el
    title_at = 0 if title is None else None
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
        if tag in NO_TEXT or (el is not region and page.junk_block(el)):
            continue
        if el in prose:  # not its own text; but a block of loose text may hold a date line
            if tag not in ("p", "pre"):
                stack.extend(c for c in reversed(el) if isinstance(c.tag, str))
            continue
        prop = el.get("itemprop")
        if tag == "time" or prop in _MACHINE_DATES or prop == "dateModified":
            attempts += 1
            stamp = _stamp(el.get("datetime") or el.get("content"), now, tz)
            stamp = stamp or _stamp(page.text(el), now, tz)
            if stamp is not None:
                if prop == "dateModified" or _UPDATED.search(el.get("class") or ""):
                    modified = modified or stamp
                else:
                    machine.append((index, stamp))
                continue
        for piece in (el.text, *(child.tail for child in el)):
            if piece and len(piece) < 120 and looks_dated(piece):
                attempts += 1
                stamp, changed = _read_line(piece, now, tz)
                modified = modified or changed
                if stamp is not None:
                    text.append((index, stamp))
                if stamp or changed:
                    break
        else:
            children = [c for c in el if isinstance(c.tag, str)]
            if children and tag != "p" and all(c.tag in INLINE or c.tag == "br" for c in children):
                # A small element: its parts first ("Автор: <a>admin</a> | <a>Сегодня,
                # 17:13</a>" shows "Сегодня, 17:13"), then the whole ("<b>11.12</b>.2025").
                whole = page.text(el)
                if len(whole) < 100 and looks_dated(whole):
                    for line in (*(page.text(c) for c in children), whole):
                        if line and looks_dated(line):
                            attempts += 1
                            stamp, changed = _read_line(line, now, tz)
                            modified = modified or changed
                            if stamp is not None:
                                break
                    if stamp is not None:
                        text.append((index, stamp))
                        continue
            stack.extend(reversed(children))
            continue
        stack.extend(c for c in reversed(el) if isinstance(c.tag, str))
    anchor = title_at or 0
    for found in (machine, text):
        near = [(abs(i - anchor), i, stamp) for i, stamp in found]
        if reach is not None:
            near = [item for item in near if item[0] <= reach]
        if near:
            return min(near, key=lambda item: (item[0], item[1]))[2], modified
    return None, modified
