"""The page's paragraphs as scoring units: every ``<p>``/``<pre>`` and every block holding loose
text (split at ``<br><br>``), each with its length and a score (length and commas count, link
text counts against), found in one bounded linear scan of the tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from newsarchive.parsers.generic.helpers import link_chars, raw_text_of, text_of
from newsarchive.parsers.generic.names import HEADINGS, INLINE, NO_TEXT
from newsarchive.parsers.text import collapse

MAX_ELEMENTS: Final = 60_000  # elements scanned for paragraphs: a bound on hostile pages
_MAX_UNITS: Final = 3000


@dataclass(slots=True)
class Unit:
    """A paragraph, or a block of loose paragraphs, and what its text is worth."""

    element: Any
    chars: int
    score: float  # 0 for short or link-dense text
    chain: tuple[Any, ...]  # ancestors, nearest first


def _loose_paragraphs(el: Any) -> list[tuple[str, int]]:
    """The paragraphs of text ``el`` holds itself (inline children included), split at double
    line breaks and at block children, each with the length of its link text."""
    paragraphs: list[tuple[str, int]] = []
    current: list[str] = []
    links = 0
    after_break = False  # a <br> and only white space since

    def close() -> None:
        nonlocal links
        text = collapse("".join(current))
        if text:
            paragraphs.append((text, min(links, len(text))))
        current.clear()
        links = 0

    def add(text: str | None, link: int = 0) -> None:
        nonlocal links, after_break
        if text:
            current.append(text)
            links += link
            after_break = after_break and not text.strip()

    add(el.text)
    for child in el:
        tag = child.tag
        if tag == "br":
            if after_break:
                close()
            current.append(" ")
            after_break = not after_break
        elif tag in INLINE:
            text = raw_text_of(child)
            add(text, len(collapse(text)) if tag == "a" else link_chars(child) if len(child) else 0)
        elif isinstance(tag, str):
            close()
            after_break = False
        add(child.tail)
    close()
    return paragraphs


def _score_text(text: str, links: int) -> float:
    """Readability's measure, roughly: length and commas count, link text counts against."""
    n = len(text)
    if n < 25:
        return 0.0
    density = min(links / n, 1.0)
    if density > 0.5:
        return 0.0
    return (1.0 + min(text.count(","), 6) * 0.5 + min(n / 100, 3.0)) * (1.0 - density)


def _holders(root: Any) -> Iterator[Any]:
    """Paragraphs, and elements holding a long run of text themselves (a tail is text of the
    parent), in one linear scan (XPath's node-set unions are quadratic on hostile pages)."""
    for count, el in enumerate(root.iter()):
        if count >= MAX_ELEMENTS:
            return
        tag = el.tag
        text = el.text
        if tag == "p" or tag == "pre" or (text and len(text) > 24 and len(text.strip()) > 24):
            yield el
        tail = el.tail
        if tail and len(tail) > 24 and len(tail.strip()) > 24:
            parent = el.getparent()
            if parent is not None:
                yield parent


def find_units(root: Any) -> list[Unit]:
    units: list[Unit] = []
    seen: set[Any] = set()
    for el in _holders(root):
        tag = el.tag
        if tag in NO_TEXT or tag in HEADINGS or not isinstance(tag, str):
            continue  # headings head the text; they do not make a block the text
        if tag in INLINE:  # text in <span>/<b>/<a>: it belongs to the block around it
            while el is not None and el.tag in INLINE:
                el = el.getparent()
            if el is None or el.tag in ("p", "pre") or el.tag in NO_TEXT or el.tag in HEADINGS:
                continue
        if el in seen:
            continue
        seen.add(el)
        if el.tag in ("p", "pre"):
            text = text_of(el)
            score = _score_text(text, link_chars(el))
            chars = len(text)
        else:
            paragraphs = _loose_paragraphs(el)
            score = sum(_score_text(text, links) for text, links in paragraphs)
            chars = sum(len(text) for text, _ in paragraphs)
        if chars:
            units.append(Unit(el, chars, score, tuple(el.iterancestors())))
            if len(units) >= _MAX_UNITS:
                break
    return units
