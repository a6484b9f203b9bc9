"""Boilerplate inside the main block: which elements the body text leaves out (navigation,
share and related blocks, bylines, date and counter lines, link-dense blocks, the headline
again...), counted along the way for the listing test; and ``tidy``, which drops the label,
boilerplate and signature lines the block's loose text kept.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any, Final

from newsarchive.parsers.generic.boilerplate import BOILER_START, CREDIT, LABEL_LINE
from newsarchive.parsers.generic.helpers import WORDS, fold, raw_text_of
from newsarchive.parsers.generic.names import (
    CONTAINER,
    HEADINGS,
    INLINE,
    JUNK_TAGS,
    LINE,
    NEUTRAL,
    SECTIONS,
    is_dialog,
)
from newsarchive.parsers.generic.page import Page
from newsarchive.parsers.generic.units import MAX_ELEMENTS
from newsarchive.parsers.timestamps import looks_dated


@dataclass(slots=True)
class Cleaned:
    skip: set[Any]  # elements block_text leaves out
    linked_headings: int  # headings that are links: a listing's items
    dated_lines: int  # date and byline lines: one per item on a listing


def _sizes(block: Any) -> tuple[dict[Any, int], dict[Any, int]]:
    """Raw text and link text lengths of every element in ``block``, bottom up in one pass
    (asking each element for its text would be quadratic in the depth of the tree)."""
    sizes: dict[Any, int] = {}
    links: dict[Any, int] = {}
    elements = list(itertools.islice(block.iter(), MAX_ELEMENTS))
    for el in reversed(elements):
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript", "template"):
            sizes[el] = links[el] = 0
            continue
        size = len(el.text or "")
        link = 0
        for child in el:
            size += sizes.get(child, 0) + len(child.tail or "")
            link += links.get(child, 0)
        sizes[el] = size
        links[el] = size if el.tag == "a" else link
    return sizes, links


def clean(page: Page, block: Any, title: str | None) -> Cleaned:
    skip: set[Any] = set()
    linked = dated = 0
    title_key = fold(title) if title else None
    sizes, link_sizes = _sizes(block)
    page.sizes.update(sizes)
    page.link_sizes.update(link_sizes)
    loose = {u.element for u in page.units if u.element.tag not in ("p", "pre")}
    if block in loose:
        skip.update(_link_lines(block))
    stack = [c for c in reversed(block) if isinstance(c.tag, str)]
    while stack:
        el = stack.pop()
        tag = el.tag
        if linked_heading(page, el):
            linked += 1
        verdict = _junk_verdict(page, el, tag, title_key)
        if verdict == CONTAINER:
            skip.add(el)
            if tag == "header":  # a listed item's header: its linked headline and date line
                linked += sum(linked_heading(page, h) for h in el.iter(*HEADINGS))
                dated += any(
                    page.verdict(line) == LINE and looks_dated(page.text(line))
                    for line in el.iter("div", "span", "p", "time")
                )
        elif verdict == LINE:
            skip.add(el)
            text = page.text(el)
            if len(text) < 200 and looks_dated(text):
                dated += 1
            if len(text) <= 60 and BOILER_START.match(text):
                _skip_lists_after(page, el, skip)
        else:
            if el in loose:
                skip.update(_link_lines(el))
            stack.extend(c for c in reversed(el) if isinstance(c.tag, str))
    return Cleaned(skip, linked, dated)


def linked_heading(page: Page, el: Any) -> bool:
    """A heading (or a "title" block) that is a link: the headline of a listed item."""
    tag = el.tag
    if tag not in HEADINGS and not (
        tag in ("div", "td") and "title" in (el.get("class") or "").lower()
    ):
        return False
    link = next(el.iter("a"), None)
    if link is None:
        return False
    shown = len(page.text(link))
    return shown >= 20 and shown >= 0.6 * len(page.text(el))


def _link_lines(el: Any) -> list[Any]:
    """Links that make up whole lines of loose text by themselves: a menu ("Главная |
    Новости | Контакты<br>") or "« Назад к новостям" in a block of ``<br>``-separated text."""
    found: list[Any] = []
    links: list[Any] = []
    words: list[str] = [el.text or ""]

    def close() -> None:
        if links and not WORDS.search("".join(words)):
            found.extend(links)
        links.clear()
        words.clear()

    for child in el:
        tag = child.tag
        if tag == "a":
            links.append(child)
        elif tag == "br" or (isinstance(tag, str) and tag not in INLINE):
            close()
        elif isinstance(tag, str):
            words.append(raw_text_of(child))
        words.append(child.tail or "")
    close()
    return found


def _junk_verdict(page: Page, el: Any, tag: str, title_key: str | None) -> int:
    """CONTAINER for a boilerplate block, LINE for a boilerplate line, else NEUTRAL."""
    if tag in JUNK_TAGS:
        return CONTAINER
    if tag in ("img", "br", "hr", "picture", "source", "wbr"):
        return NEUTRAL
    verdict = page.verdict(el)
    if verdict == CONTAINER and is_dialog(el):
        return CONTAINER  # a pop-up's prose is never the article's, however long
    # A block named or introduced as boilerplate, unless it holds most of the article
    # ("js-mediator-article", a mislabelled wrapper).
    if (verdict < 0 or (tag in SECTIONS and page.junk_block(el))) and (
        not page.block_good or page.good_inside(el) <= 0.5 * page.block_good
    ):
        return LINE if verdict == LINE else CONTAINER
    if tag in INLINE and tag not in ("span", "font", "b", "strong", "em", "i"):
        return NEUTRAL
    raw = page.sizes.get(el, 0)
    if raw > 3000:  # long text: only its link density can make it boilerplate
        dense = page.link_sizes.get(el, 0) > raw * (0.7 if tag == "p" else 0.5)
        return LINE if dense and (tag in SECTIONS or tag == "p") else NEUTRAL
    text = page.text(el)
    if not text:
        return NEUTRAL if tag in ("figure", "p", "td", "tr", "li") else LINE
    n = len(text)
    if (
        title_key is not None
        and abs(n - len(title_key)) < 10
        and fold(text) == title_key
        and not _in_sentence(el, tag)
    ):
        return LINE
    if n < 60 and fold(text) in page.site_keys:
        return LINE
    if n < 300 and BOILER_START.match(text) and (n < 150 or page.density(el) > 0.3):
        return LINE
    if n < 120 and CREDIT.match(text):
        return LINE
    if (tag in SECTIONS or tag == "p") and page.link_sizes.get(el, 0) > page.sizes.get(el, 0) * (
        0.7 if tag == "p" else 0.5
    ):
        return LINE
    if (
        n < 200
        and tag not in ("blockquote", "ul", "ol", "figure", "figcaption", "li")
        and (
            _is_meta_line(text)
            or (n < 100 and looks_dated(text) and not _sentence(text) and not _in_run(el))
        )
        and not _in_sentence(el, tag)
    ):
        return LINE
    return NEUTRAL


def _in_sentence(el: Any, tag: str) -> bool:
    """Inline words that a sentence goes on after: "<b>Knight Rider</b> ist eine Serie" opens
    the text with the headline's words, it does not repeat the headline; "LOS ANGELES,
    <span>July 16, 2015</span> /PRNewswire/ -- ..." is a dateline, not a date line."""
    return tag in INLINE and el.tail is not None and _LETTER.search(el.tail) is not None


_LETTER: Final = re.compile(r"[^\W\d_]")


def _in_run(el: Any) -> bool:
    """A paragraph between two more of its kind: one entry of a dated list in the text
    ("Jan. 15-18: Boat Show, 500"), not the date line above or below it."""
    before, after = el.getprevious(), el.getnext()
    return (
        el.tag == "p"
        and before is not None
        and after is not None
        and before.tag == after.tag == "p"
        and not before.get("class")
        and not after.get("class")
    )


def _sentence(text: str) -> bool:
    return len(text.split()) >= 6 and text.rstrip()[-1:] in '.!?…»"):;'


def _is_meta_line(text: str) -> bool:
    """A byline or counter line: "Просмотров: 311", "Автор: Иван Петров | 11.12.2025"."""
    return bool(LABEL_LINE.match(text)) and (len(text) < 80 or "|" in text)


def _skip_lists_after(page: Page, el: Any, skip: set[Any]) -> None:
    """After a "Читайте также:" or "По теме" heading comes the list of links it introduces."""
    for sibling in el.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        text = page.text(sibling)
        if not text:
            continue
        if sibling.tag in ("ul", "ol", "div", "p", "table") and page.links(sibling) > len(text) / 2:
            skip.add(sibling)
            continue
        break


def tidy(body: str, title: str | None) -> str:
    """Drop label and boilerplate lines block_text kept (loose text has no elements to skip),
    the headline repeated, and a paragraph repeated at once."""
    title_key = fold(title) if title else None
    paragraphs: list[str] = []
    for paragraph in body.split("\n\n"):
        lines = paragraph.split("\n")
        text = "\n".join(
            line
            for line in lines
            if WORDS.search(line)
            and not _is_junk_line(line)
            and not (title_key and abs(len(line) - len(title_key)) < 10 and fold(line) == title_key)
        )
        if not text or (title_key and fold(text) == title_key):
            continue
        if not paragraphs or paragraphs[-1] != text:
            paragraphs.append(text)
    # A signature after the text: contacts, a name, a few words ("Пресс-служба ...").
    while len(paragraphs) > 2 and _signature_line(paragraphs[-1]):
        paragraphs.pop()
    if paragraphs:
        lines = paragraphs[-1].split("\n")
        while len(lines) > 1 and _CONTACT_LINE.match(lines[-1]):
            lines.pop()
        paragraphs[-1] = "\n".join(lines)
        while len(paragraphs) > 2 and _signature_line(paragraphs[-1]):
            paragraphs.pop()
    return "\n\n".join(paragraphs)


_CONTACT_LINE: Final = re.compile(
    r"^(?:тел\.?|телефон|факс|e-?mail|эл\.\s*почта|адрес)\s*:\s*\S.{0,80}$", re.IGNORECASE
)


def _signature_line(text: str) -> bool:
    if _CONTACT_LINE.match(text):
        return True
    return (
        len(text) < 60
        and len(text.split()) <= 6
        and not text.startswith("- ")
        and text.rstrip()[-1:] not in '.!?…:;»")'
    )


def _is_junk_line(line: str) -> bool:
    n = len(line)
    return (
        (n < 100 and bool(LABEL_LINE.match(line)))
        or (n < 160 and bool(BOILER_START.match(line)))
        or (n < 120 and bool(CREDIT.match(line)))
    )
