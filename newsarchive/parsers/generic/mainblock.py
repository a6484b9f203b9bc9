"""Finding the block that holds the article: paragraph scores go to parents and grandparents,
boilerplate and other stories' blocks are marked down, and the winner grows to an ancestor when
the article goes on in blocks of its own; also the scope around it (the headline, the date line
and the text together) where the other fields are looked for.
"""

from __future__ import annotations

from typing import Any, Final

from lxml import etree

from newsarchive.parsers.generic.helpers import contains, up
from newsarchive.parsers.generic.names import LINE, TEXT
from newsarchive.parsers.generic.page import Page


def main_block(page: Page) -> Any | None:
    """The element holding the article text, or None."""
    scores: dict[Any, float] = {}
    for unit in page.units:
        if unit.score <= 0:
            continue
        if unit.element.tag not in ("p", "pre"):  # loose paragraphs: the unit is their block
            scores[unit.element] = scores.get(unit.element, 0.0) + unit.score
        chain = unit.chain
        if chain:
            scores[chain[0]] = scores.get(chain[0], 0.0) + unit.score
            if len(chain) > 1:
                scores[chain[1]] = scores.get(chain[1], 0.0) + unit.score / 2
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:8]
    total = sum(u.chars for u in page.units if u.score > 0)
    best, best_score = None, 0.0
    for el, raw in ranked:
        if el.tag in ("html", "body"):
            continue
        score = raw * (1.0 - min(page.density(el), 0.9))
        if page.verdict(el) == TEXT:
            score *= 1.3
        if score <= best_score:
            continue
        if _junk_ancestry(page, el, total):
            score *= 0.05
        elif _under_other_headline(page, el):
            score *= 0.5
        if score > best_score:
            best, best_score = el, score
    body = next(((el, raw) for el, raw in ranked if el.tag == "body"), None)
    # A bare page: its paragraphs stand in the body itself, and the best block inside holds
    # only some of them (a quotation, a table).
    if body is not None and (best is None or body[1] > 2 * best_score):
        return body[0]
    return None if best is None else _grow(page, best)


def _junk_ancestry(page: Page, el: Any, total: int) -> bool:
    """Whether ``el`` sits in a comments/sidebar/related block (not in a page-wide wrapper).

    A wrapper is told by what it holds: the headline or, on pages without one, most of the
    page's prose; "content-sidebar-wrap" and "has-comments" name page wrappers too.
    """
    for node in (el, *el.iterancestors()):
        if node.tag in ("body", "html"):
            return False
        if page.junk_block(node):
            if page.title_el is not None:
                if not contains(node, page.title_el):
                    return True
            elif sum(u.chars for u in page.units if u.score > 0 and node in u.chain) < 0.6 * total:
                return True
    return False


_PRECEDING_HEADLINES: Final = etree.XPath("preceding::*[self::h1 or self::h2]")


def _under_other_headline(page: Page, el: Any) -> bool:
    """Whether the nearest headline before ``el`` is another story's, not the page's own: a
    next article appended below, a teaser with its heading. A subheading of the text (not a
    link, not dressed as the headline, in the headline's ``<article>``) is the page's own."""
    title = page.title_el
    if title is None or title.tag not in ("h1", "h2") or title is el or contains(el, title):
        return False
    story = _story(title)
    for heading in reversed(_PRECEDING_HEADLINES(el)):
        if heading is title:
            return False
        if not any(map(page.junk_block, heading.iterancestors())) and (
            _linked(page, heading)
            or item_signature(heading) == item_signature(title)
            or _story(heading) is not story
        ):
            return True
    return False


def _story(el: Any) -> Any | None:
    """The nearest ``<article>`` around ``el``: one story's element on pages that mark them."""
    return next(el.iterancestors("article"), None)


def _linked(page: Page, heading: Any) -> bool:
    """A heading that is a link, as a teaser's is (a subheading of the text is not)."""
    link = next(heading.iter("a"), None)
    return link is not None and len(page.text(link)) >= 0.6 * len(page.text(heading))


def item_signature(el: Any) -> tuple[str, str]:
    """Tag and first class name without digits: items of one list look alike even when
    each carries its own id ("post-48201 post type-post category-sport"); where every name
    has digits, all of them."""
    classes = el.get("class") or ""
    names = classes.split()
    # Generated names ("css-53u6y8") are the same on every block a component renders.
    return el.tag, next((n for n in names if not any(c.isdigit() for c in n)), classes.strip())


def _grow(page: Page, best: Any) -> Any:
    """``best``, or an ancestor when the article goes on in blocks of its own nearby.

    Page builders repeat the same text block (same tag and classes) for each stretch of
    text: the smallest ancestor (at most six levels up) holding them all wins. Then each
    further ancestor wins if it adds prose one or two levels below it (text split by an ad
    box, a lead block beside the text) amounting to half of what it adds: comments and
    listings nest their paragraphs deeper, and add names, dates and links with them.
    """
    chain = (best, *best.iterancestors())
    end = next((i for i, node in enumerate(chain) if node.tag in ("body", "html")), len(chain))
    chain = chain[: min(end, 7)]
    chosen = 0
    signature = item_signature(best)
    if signature[1]:
        for unit in page.units:
            if unit.score <= 0 or best is unit.element or best in unit.chain[:2]:
                continue
            # The repeated block holds the unit's text itself or as its paragraphs' parent or
            # grandparent: the text blocks of a page builder hold <p>s.
            if all(item_signature(n) != signature for n in (unit.element, *unit.chain[:2])):
                continue
            level = next((i for i in range(1, len(chain)) if chain[i] in unit.chain), None)
            if (
                level
                and level > chosen
                and not any(map(page.junk_block, chain[1 : level + 1]))
                and not _under_other_headline(page, unit.element)  # the next story's text
            ):
                chosen = level
    base = chain[chosen]
    base_good, base_size = page.good_inside(base), page.size(base)
    for node in chain[chosen + 1 :]:
        if page.junk_block(node):
            break
        extra = [
            unit
            for unit in page.units
            if unit.score > 0
            and node in unit.chain[:2]
            and base is not unit.element
            and base not in unit.chain
            and not any(map(page.junk_block, (unit.element, *unit.chain[: unit.chain.index(node)])))
            and page.verdict(unit.element) != LINE
            and unit.element is not page.title_el
        ]
        extra_size = page.size(node) - base_size
        extra_raw = sum(page.size(unit.element) for unit in extra)  # raw, as sizes are
        extra_good = sum(unit.chars for unit in extra)
        if extra_raw >= 0.5 * extra_size and extra_good >= max(0.25 * base_good, 120):
            base, base_good, base_size = node, base_good + extra_good, page.size(node)
    return base


def find_scope(page: Page, block: Any | None) -> Any | None:
    """The part of the page that holds the headline, the date line and the text together."""
    title = page.title_el
    if block is None:
        return title.getparent() if title is not None else None
    if title is None:
        return up(block, 3)
    if block is title or contains(block, title):
        return block
    title_chain = {id(n) for n in title.iterancestors()}
    for node in block.iterancestors():
        if id(node) in title_chain:
            return node if node.tag not in ("body", "html") else block.getparent()
    return block.getparent()
