"""``Page``: one page being read, the context every later step takes. It holds the root, the
head's structured data, the paragraph units, the headline and main block once found, and
per-element caches of text, link text, name verdicts and boilerplate verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsarchive.parsers.generic.boilerplate import after_section_heading, boiler_heading
from newsarchive.parsers.generic.helpers import contains, raw_text_of, text_of
from newsarchive.parsers.generic.names import (
    BLOCK_JUNK_TAGS,
    CONTAINER,
    HEADINGS,
    LAYOUT,
    LINE,
    NEUTRAL,
    SECTIONS,
    TEXT,
    class_verdict,
)
from newsarchive.parsers.generic.structured import Meta
from newsarchive.parsers.generic.units import Unit


@dataclass(slots=True)
class Page:
    """One page being read, with per-element caches (elements stay alive while cached)."""

    root: Any
    meta: Meta
    units: list[Unit]
    title_el: Any | None = None
    site_keys: set[str] = field(default_factory=set)  # the site's names, folded
    block: Any | None = None
    block_good: int = 0
    sizes: dict[Any, int] = field(default_factory=dict)  # raw text length of each element
    link_sizes: dict[Any, int] = field(default_factory=dict)  # raw link text length
    _texts: dict[Any, str] = field(default_factory=dict)
    _links: dict[Any, int] = field(default_factory=dict)
    _verdicts: dict[Any, int] = field(default_factory=dict)
    _junk: dict[Any, bool] = field(default_factory=dict)
    _prose: _Prose | None = None

    def text(self, el: Any) -> str:
        found = self._texts.get(el)
        if found is None:
            found = self._texts[el] = text_of(el)
        return found

    def links(self, el: Any) -> int:
        found = self._links.get(el)
        if found is None:
            found = self._links[el] = sum(len(self.text(a)) for a in el.iter("a"))
        return found

    def size(self, el: Any) -> int:
        """Raw text length (white space included: cheap, and fine for ratios)."""
        found = self.sizes.get(el)
        if found is None:
            found = self.sizes[el] = len(raw_text_of(el))
        return found

    def link_size(self, el: Any) -> int:
        found = self.link_sizes.get(el)
        if found is None:
            found = self.link_sizes[el] = sum(len(raw_text_of(a)) for a in el.iter("a"))
        return found

    def density(self, el: Any) -> float:
        """Link text per text, in raw characters."""
        chars = self.size(el)
        return self.link_size(el) / chars if chars else 1.0

    def verdict(self, el: Any) -> int:
        """What ``el``'s names say it is (see ``names``); a block named for its slot in the
        layout is the text's (``NEUTRAL``) if its text says so, else boilerplate."""
        found = self._verdicts.get(el)
        if found is None:
            found = class_verdict(el)
            if found == LAYOUT:
                found = NEUTRAL if self._holds_text(el) else CONTAINER
            self._verdicts[el] = found
        return found

    def _holds_text(self, el: Any) -> bool:
        """Whether a block named "sidebar", "widget"... holds the article all the same: the
        headline; the text block (named as the text, an ``<article>``, ``<main>``) with most
        of the page's prose, not counting blocks named as boilerplate (a cookie dialog's
        privacy text), as a theme's "sidebar_right" column does (a gallery "widget" inside the
        text holds its captions itself); prose of its own (paragraphs at most two levels
        below making half of its text, few links: a page builder's text widget); or a
        subheading alone (a page builder's heading widget between two text widgets)."""
        title = self.title_el
        if title is not None and (title is el or contains(el, title)):
            return True
        prose = self._prose
        if prose is None:
            prose = self._prose = _Prose.of(self.units)
        around = prose.around_text.get(el, 0)
        if around and around >= 0.5 * prose.total:
            return True
        text = self.text(el)
        if not text:
            return False
        shallow = prose.shallow.get(el, 0)
        if shallow >= 50 and shallow >= 0.5 * len(text) and self.density(el) < 0.3:
            return True
        heading = next(el.iter(*HEADINGS), None)
        return heading is not None and self.links(el) == 0 and self.text(heading) == text

    def junk_block(self, el: Any) -> bool:
        """Whether ``el`` is a block of boilerplate: comments, sidebars, related links, ads."""
        found = self._junk.get(el)
        if found is None:
            found = self._junk[el] = (
                el.tag in BLOCK_JUNK_TAGS
                or self.verdict(el) == CONTAINER
                or (
                    el.tag in SECTIONS
                    and (boiler_heading(el, self.size(el)) or after_section_heading(el))
                )
            )
        return found

    def good_inside(self, el: Any, depth: int = 1000) -> int:
        """Characters of prose inside ``el``, outside the boilerplate blocks within it; with
        ``depth``, only of paragraphs at most that many levels below ``el``."""
        good = 0
        for unit in self.units:
            if unit.score <= 0 or unit.element is self.title_el:
                continue
            chain = unit.chain
            if el is unit.element:
                below: tuple[Any, ...] = ()
            else:
                try:
                    below = chain[: chain.index(el)]
                except ValueError:
                    continue
                if len(below) >= depth or self.junk_block(unit.element):
                    continue
            if self.verdict(unit.element) != LINE and not any(map(self.junk_block, below)):
                good += unit.chars
        return good


@dataclass(slots=True)
class _Prose:
    """Characters of prose (paragraphs that score) below each element: at most two levels
    down, and in text blocks (named as the text, ``<article>``, ``<main>``) inside it; and on
    the whole page, outside blocks named as boilerplate."""

    shallow: dict[Any, int]
    around_text: dict[Any, int]
    total: int

    @classmethod
    def of(cls, units: list[Unit]) -> _Prose:
        shallow: dict[Any, int] = {}
        around_text: dict[Any, int] = {}
        total = 0
        for unit in units:
            if unit.score <= 0:
                continue
            chars = unit.chars
            boilerplate = in_text = False
            for level, node in enumerate((unit.element, *unit.chain)):
                if level <= 2:
                    shallow[node] = shallow.get(node, 0) + chars
                if in_text:
                    around_text[node] = around_text.get(node, 0) + chars
                verdict = class_verdict(node)
                in_text = in_text or verdict == TEXT or node.tag in ("article", "main")
                boilerplate = boilerplate or node.tag in BLOCK_JUNK_TAGS or verdict == CONTAINER
            if not boilerplate:
                total += chars
        return cls(shallow, around_text, total)
