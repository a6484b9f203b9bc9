"""Small helpers every part of the extractor uses: an element's text (raw or collapsed), the
length of its link text, a comparison key for text (``fold``), word sets, and two tree walks
(is one element inside another, an ancestor a few levels up).
"""

from __future__ import annotations

import re
from typing import Any, Final

from lxml import etree

from newsarchive.parsers.text import collapse

WORDS: Final = re.compile(r"\w+")


def wordset(text: str) -> frozenset[str]:
    """The words of ``text``: vocabularies are written as plain text, one word per name."""
    return frozenset(text.split())


def raw_text_of(element: Any) -> str:
    """All text below ``element`` (XPath's string(), without the cost of an XPath call)."""
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def text_of(element: Any) -> str:
    """The text below ``element`` as a reader sees it: white space collapsed."""
    return collapse(raw_text_of(element))


def fold(text: str) -> str:
    """A comparison key: case, ё, quotes, dashes and punctuation do not matter."""
    return " ".join(WORDS.findall(text.casefold().replace("ё", "е")))


def link_chars(element: Any) -> int:
    return sum(len(text_of(a)) for a in element.iter("a"))


def contains(outer: Any, inner: Any) -> bool:
    """Whether ``inner`` lies below ``outer`` (an element does not contain itself)."""
    return any(node is outer for node in inner.iterancestors())


def up(node: Any, levels: int) -> Any:
    """``node``'s ancestor ``levels`` up, stopping short of ``<body>`` and ``<html>``."""
    for _ in range(levels):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        node = parent
    return node
