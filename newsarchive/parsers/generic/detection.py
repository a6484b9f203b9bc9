"""Is the page an article? The signals (an Article type in JSON-LD, ``og:type=article``, a
headline with paragraphs or a short dated text) that say it is, and the tests that overrule
them on listings: linked headlines, many dated items, look-alike teasers, listing page types.
"""

from __future__ import annotations

import re
from typing import Any, Final

from newsarchive.parsers.generic.cleaning import Cleaned, linked_heading
from newsarchive.parsers.generic.mainblock import item_signature
from newsarchive.parsers.generic.names import HEADINGS
from newsarchive.parsers.generic.page import Page
from newsarchive.parsers.generic.structured import (
    ARTICLE_TYPES,
    LISTING_TYPES,
    NOT_ARTICLE_TYPES,
    PAGE_TYPES,
)

_SENTENCE_END: Final = re.compile(r"[.!?…](?:[»\")]|\s|$)")


def _headline_link(page: Page, item: Any) -> bool:
    """Whether ``item`` holds a link standing alone as a headline (not inside a sentence)."""
    for link in item.iter("a"):
        shown = len(page.text(link))
        parent = link.getparent()
        if shown >= 20 and parent is not None and len(page.text(parent)) <= 1.3 * shown:
            return True
    return False


def _listed_around(page: Page, block: Any) -> bool:
    """Whether the block sits among other stories: two or more linked headlines in the
    blocks around it (a teaser's text on the last page of a listing)."""
    node = block
    for _ in range(3):
        node = node.getparent()
        if node is None or node.tag in ("body", "html"):
            return False
        linked = 0
        for heading in node.iter(*HEADINGS):
            if linked_heading(page, heading) and not _in_junk(page, heading, node):
                linked += 1
                if linked >= 2:
                    return True
    return False


def _in_junk(page: Page, el: Any, top: Any) -> bool:
    """Whether ``el`` is inside a boilerplate block below ``top``."""
    for node in el.iterancestors():
        if node is top:
            return False
        if page.junk_block(node):
            return True
    return False


def _repeated_items(page: Page, block: Any) -> bool:
    """Whether the block is one of, or holds, three or more look-alike items (same tag and
    classes) with a headline link each: the teasers of a listing."""
    node = block
    for _ in range(5):
        parent = node.getparent()
        for container, child in ((node, None), (parent, node)):
            if container is None:
                continue
            groups: dict[tuple[str, str], list[Any]] = {}
            for kid in container:
                if isinstance(kid.tag, str):
                    groups.setdefault(item_signature(kid), []).append(kid)
            if child is not None:
                groups = {item_signature(child): groups.get(item_signature(child), [])}
            for kids in groups.values():
                if len(kids) >= 3 and sum(_headline_link(page, kid) for kid in kids[:10]) >= 3:
                    return True
        if parent is None or parent.tag in ("body", "html"):
            break
        node = parent
    return False


def article_verdict(
    page: Page, title: str | None, body: str | None, dated: str | None, cleaned: Cleaned
) -> tuple[tuple[str, ...], bool]:
    """Whether the page is an article, and the signals that say so.

    ``dated`` says where the publication time came from: "page" (structured data or a date
    line near the headline) or "url" (``/2025/12/11/``).
    """
    signals: list[str] = []
    kinds = [k for k in page.meta.ld_types if k in ARTICLE_TYPES]
    if kinds:
        signals.append(f"jsonld:{kinds[0]}")
    og_article = page.meta.props.get("og:type", "").lower() == "article"
    if og_article:
        signals.append("og:type=article")
    lengths = [len(p) for p in (body or "").split("\n\n")]
    chars = len(body or "")
    if title and sum(n >= 80 for n in lengths) >= 3 and chars >= 400:
        signals.append("headline+paragraphs")
    elif title and _SENTENCE_END.search(body or "") and max(lengths) >= 40 and chars >= 60:
        signals.append("headline+text")  # a short news item: a sentence or two
    if dated == "page":
        signals.append("date")
    elif dated == "url":
        signals.append("date:url")
    has_body = chars >= 50
    # CMSs put og:type=article on every page; when their JSON-LD calls the page a plain
    # WebPage ("О нас", contacts), only a date makes it an article.
    plain_page = not kinds and any(k in PAGE_TYPES for k in page.meta.ld_types)
    other_thing = not kinds and any(k in NOT_ARTICLE_TYPES for k in page.meta.ld_types)
    looks_like_one = (
        (bool(kinds) and has_body)
        or (og_article and has_body and (dated is not None or not plain_page))
        or ("headline+paragraphs" in signals and dated is not None)
        or (
            "headline+text" in signals
            and dated == "page"
            and not other_thing
            # the weakest case: not a teaser among other stories' headlines either
            and (page.block is None or not _listed_around(page, page.block))
        )
    )
    is_article = looks_like_one and not (
        cleaned.linked_headings >= 2
        or cleaned.dated_lines >= 3
        or (not kinds and any(k in LISTING_TYPES for k in page.meta.ld_types))
        or (page.block is not None and _repeated_items(page, page.block))
    )
    return tuple(signals), is_article
