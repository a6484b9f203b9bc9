"""Dates a page declares for machines: meta tags (OpenGraph, Dublin Core, citation, Sailthru,
Parse.ly...), JSON-LD, microdata (``itemprop=datePublished``) and hAtom/Blogger markup
(``<abbr class="published" title="…">``). They give the exact instant where the visible text
often gives less ("22:38", "Dec 6"), so ``read_dates`` asks them before the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, Final

from lxml import etree

from newsarchive.parsers.generic.page import Page
from newsarchive.parsers.generic.structured import ld_text
from newsarchive.parsers.timestamps import PUBLISHED_META, Timestamp

Reader = Callable[[str | None], Timestamp | None]

# Meta names and properties that hold the first publication (``PUBLISHED_META``, shared with
# published_from_html). Several may be present and disagree (a CMS stamps
# ``article:published_time`` when the page is re-saved, JSON-LD keeps the first instant): the
# earliest wins.
MODIFIED_META: Final = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "modified-date",
    "last-modified",
)

_MARKING_PROPS: Final = frozenset({"datePublished", "dateCreated", "dateModified"})
_HATOM: Final = frozenset({"published", "updated"})
_OTHER_ITEMS: Final = ("Comment", "Review", "Answer", "Question")
_MAX_MARKED: Final = 20  # hits read: a listing marks up every item, the article comes first
_YEAR: Final = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)|(?<!\d)\d{1,2}[./-]\d{1,2}[./-]\d{2}(?!\d)")


def names_year(text: str) -> bool:
    """Whether ``text`` states its year: "22:38", "17/11", "Сегодня, 17:13" do not.

    >>> names_year("11.12.25, 17:13"), names_year("Dec 6, 2024"), names_year("17/11 22:38")
    (True, True, False)
    """
    return _YEAR.search(text) is not None


def earliest(stamps: Iterable[Timestamp | None]) -> Timestamp | None:
    """The earliest of ``stamps``; a bare day gives way to a finer time on that same day
    (``2016-12-16`` and ``2016-12-16T17:21Z`` are one publication, told twice).

    >>> from datetime import datetime, timezone
    >>> from newsarchive.parsers.timestamps import parse_timestamp
    >>> now = datetime(2025, 1, 1, tzinfo=timezone.utc)
    >>> day, minute, later = (
    ...     parse_timestamp(t, now=now, tz="UTC")
    ...     for t in ("2016-12-16", "2016-12-16T17:21Z", "2016-12-20T08:00Z"))
    >>> earliest([later, day, minute, None]).isoformat()
    '2016-12-16T17:21:00+00:00'
    """
    found = [stamp for stamp in stamps if stamp is not None]
    if not found:
        return None
    first = min(found, key=lambda stamp: stamp.value)
    if first.precision == "day":
        day = first.value.date()
        finer = [s for s in found if s.precision != "day" and s.value.date() == day]
        if finer:
            return min(finer, key=lambda stamp: stamp.value)
    return first


def head_dates(page: Page, read: Reader) -> tuple[Timestamp | None, Timestamp | None]:
    """Published and modified times from the head: JSON-LD, meta tags, Parse.ly's JSON."""
    meta = page.meta
    ld = meta.dated_ld or {}
    published = [
        read(ld_text(ld.get("datePublished"))),
        read(ld_text(ld.get("dateCreated"))),
        *(read(meta.props.get(key)) for key in PUBLISHED_META),
        read(_parsely_date(meta.props.get("parsely-page"))),
    ]
    modified = [read(ld_text(ld.get("dateModified")))]
    modified += [read(meta.props.get(key)) for key in MODIFIED_META]
    return earliest(published), next((stamp for stamp in modified if stamp), None)


def _parsely_date(value: str | None) -> str | None:
    """``pub_date`` of Parse.ly's ``<meta name="parsely-page" content='{…}'>``."""
    if not value or "pub_date" not in value:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    found = data.get("pub_date") if isinstance(data, dict) else None
    return found if isinstance(found, str) else None


def marked_dates(
    page: Page, scope: Any | None, read: Reader
) -> tuple[Timestamp | None, Timestamp | None]:
    """Published and modified times marked up in the body (outside boilerplate blocks): the
    article's own (inside ``scope``) before any other, the first in document order."""
    published: list[tuple[bool, Timestamp]] = []
    modified = None
    for el in islice(_marked(page.root), _MAX_MARKED):
        if _elsewhere(page, el):
            continue
        stamp = read(_machine_value(el))
        if stamp is None:
            text = page.text(el)
            stamp = read(text) if len(text) < 100 and names_year(text) else None
        if stamp is None:
            continue
        names = f" {el.get('class') or ''} "
        if el.get("itemprop") == "dateModified" or (
            " updated " in names and " published " not in names
        ):
            modified = modified or stamp
        else:
            inside = scope is not None and (el is scope or scope in el.iterancestors())
            published.append((inside, stamp))
    for inside in (True, False):
        for where, stamp in published:
            if where is inside:
                return stamp, modified
    return None, modified


def _marked(root: Any) -> Iterator[Any]:
    """Elements that mark a date up, in document order: microdata, ``<time pubdate>``, hAtom's
    "published" and "updated" classes (Blogger and WordPress themes: the instant is in
    ``title`` or ``datetime``). A walk in Python: twice as fast as the XPath query."""
    for el in root.iter(etree.Element):
        names = el.get("class")
        if (
            el.get("itemprop") in _MARKING_PROPS
            or el.get("pubdate") is not None
            or (
                names
                and ("published" in names or "updated" in names)
                and _HATOM & set(names.split())
            )
        ):
            yield el


def other_item(el: Any) -> bool:
    """Whether ``el`` is a microdata item of something other than the article (a comment)."""
    kind = el.get("itemtype") if el.get("itemscope") is not None else None
    return kind is not None and any(word in kind for word in _OTHER_ITEMS)


def _elsewhere(page: Page, el: Any) -> bool:
    """Whether a marked date is another item's: a comment's or a review's (microdata says so
    by its item's type), or, for class names, one in a boilerplate block (a sidebar's list)."""
    if el.get("itemprop") is not None:
        return any(map(other_item, el.iterancestors()))
    return any(page.junk_block(a) for a in el.iterancestors() if a.tag not in ("body", "html"))


def _machine_value(el: etree._Element) -> str | None:
    """The machine-readable value of a marked element (the text is the human's)."""
    for name in ("datetime", "content", "value"):
        if el.get(name):
            return str(el.get(name))
    if el.tag == "abbr" or el.get("itemprop") is None:
        return el.get("title")  # hAtom: <abbr class="published" title="2020-03-11T22:38">
    return None
