"""The headline: structured data confirmed by a headline shown on the page, else the part of
``<title>`` the page shows, else the first ``<h1>``; the site's name stripped from titles
("Снег в Ташкенте | Газета.uz"); and, on pages with no headline element, the emphasized line
that opens the text.
"""

from __future__ import annotations

import re
from typing import Any, Final
from urllib.parse import urlsplit

from lxml import etree

from newsarchive.parsers.generic.boilerplate import BOILER_START
from newsarchive.parsers.generic.helpers import fold
from newsarchive.parsers.generic.names import NO_TEXT
from newsarchive.parsers.generic.page import Page
from newsarchive.parsers.generic.structured import Meta, ld_text
from newsarchive.parsers.timestamps import looks_dated

_SEPARATOR: Final = re.compile(r"\s+(?:[|»«·•~:/]|::|—|–|-)\s+")
_SAFE_SEPARATOR: Final = re.compile(r"\s+(?:[|»«·•~/]|::)\s+")
_TITLE_CLASS: Final = etree.XPath("//*[contains(@class, 'itle')][not(self::html or self::body)]")
_BY_TEXT: Final = etree.XPath("//body//*[text()[normalize-space() = $text]]")


def _site_keys(meta: Meta, url: str | None) -> set[str]:
    keys = {fold(name) for name in meta.site_names}
    host = urlsplit(url).hostname if url else None
    if host:
        host = host.removeprefix("www.")
        keys.update((fold(host), fold(host.split(".")[0])))
    return {k for k in keys if len(k) > 2}


def _is_site(part: str, keys: set[str]) -> bool:
    key = fold(part)
    return not key or any(key == k or (len(k) > 3 and (k in key or key in k)) for k in keys)


def _strip_site(title: str, keys: set[str]) -> str:
    """The title without the site's name: "Снег в Ташкенте | Газета.uz" -> "Снег в Ташкенте".

    A part is the site's name when it matches the site's names or host. Failing that, of
    two parts around an unambiguous separator (``|``, ``»``, ``::``, ``/``; not dashes or
    colons, which headlines use) the shorter one is dropped if it is at most four words.

    >>> _strip_site("Снег в Ташкенте | Газета.uz", {"газета uz"})
    'Снег в Ташкенте'
    >>> _strip_site("Ташкент — Самарканд: новый поезд", set())
    'Ташкент — Самарканд: новый поезд'
    """
    spans = [(m.start(), m.end()) for m in _SEPARATOR.finditer(title)]
    if not spans:
        return title
    bounds = [0, *(x for span in spans for x in span), len(title)]
    parts = [title[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]
    first, last = 0, len(parts)
    while last - first > 1 and _is_site(parts[last - 1], keys):
        last -= 1
    while last - first > 1 and _is_site(parts[first], keys):
        first += 1
    if (first, last) != (0, len(parts)):
        return title[bounds[2 * first] : bounds[2 * last - 1]].strip()
    safe = _SAFE_SEPARATOR.split(title)
    if len(safe) == 2:
        head, tail = safe
        if len(tail.split()) <= 4 and len(tail) <= 30 and len(head) > len(tail):
            return head.strip()
        if len(head.split()) <= 4 and len(head) <= 30 and len(tail) > len(head):
            return tail.strip()
    return title


def _shown(page: Page, elements: Any) -> list[tuple[Any, str, str]]:
    found = []
    for el in elements:
        text = page.text(el)
        if 3 <= len(text) <= 300 and not (el.tag == "h1" and _in_logo(el)):
            found.append((el, text, fold(text)))
    return found


def read_title(page: Page, url: str | None) -> tuple[str | None, Any | None]:
    """The headline, and the element that shows it (None if none does).

    Structured data (JSON-LD headline, og:title, twitter:title) confirmed by a headline on
    the page gives the page's wording; unconfirmed, it is taken without the site's name.
    Without structured data, the part of ``<title>`` that the page shows as an element
    wins, else the first ``<h1>``, else ``<title>`` without the site's name.
    """
    meta = page.meta
    keys = page.site_keys = _site_keys(meta, url)
    structured: list[str] = []
    if meta.article_ld is not None:
        # Both: Wikipedia's headline is the short description, its name the article's.
        for key in ("headline", "name"):
            found = ld_text(meta.article_ld.get(key))
            if found and found not in structured:
                structured.append(found)
    structured += [meta.props[k] for k in ("og:title", "twitter:title") if k in meta.props]
    headings = _shown(page, page.root.iter("h1", "h2"))
    # The first <h1> that is not the site's logo ("<h1><a href=/>Engadget</a></h1>").
    h1 = next(
        ((el, text) for el, text, _ in headings if el.tag == "h1" and not _is_site(text, keys)),
        None,
    )
    keyed = [(fold(_strip_site(c, keys)), fold(c)) for c in structured]
    for shown in (headings, None):
        if shown is None:  # not an <h1>/<h2>: a headline styled by its class ("eTitle")
            if not structured:
                break
            shown = _shown(page, _TITLE_CLASS(page.root))
        for keys_of_one in keyed:
            for key in keys_of_one:
                for el, text, shown_key in shown:
                    if shown_key == key or (len(shown_key) > 15 and key.startswith(shown_key)):
                        return text, el
    if structured:
        return _strip_site(structured[0], keys), h1[0] if h1 else None
    if meta.title_tag:
        parts = _SEPARATOR.split(meta.title_tag)
        ends = range(len(parts) + 1)
        # The headline opens the title or is its longest part: a span with neither is a
        # section's or the site's name ("Roof Convicted ... : The Two-Way : NPR"), which the
        # page shows too.
        longest = max(range(len(parts)), key=lambda i: len(parts[i]))
        spans = (
            " ".join(parts[i:j])
            for i in ends
            for j in ends
            if j > i and (i == 0 or i <= longest < j)
        )
        options = {fold(o): o for o in spans if len(o) >= 10}
        matches = [(el, text) for el, text, key in headings if key in options]
        if not matches:
            styled = _shown(page, _TITLE_CLASS(page.root))
            matches = [(el, text) for el, text, key in styled if key in options]
        if not matches:
            for option in sorted(options.values(), key=len, reverse=True)[:6]:
                try:
                    found = _BY_TEXT(page.root, text=option)
                except ValueError:  # control characters: lxml refuses such a variable
                    continue
                matches = [(el, page.text(el)) for el in found[:1]]
                if matches:
                    break
        if matches:
            return max(matches, key=lambda item: len(item[1]))[::-1]
    if h1:
        return h1[1], h1[0]
    if meta.title_tag:
        return _strip_site(meta.title_tag, keys), None
    return None, None


_EMPHASIS: Final = frozenset({"h2", "h3", "h4", "b", "strong", "font", "big"})


def shown_headline(page: Page, block: Any) -> Any | None:
    """On a page that shows neither its ``<title>`` nor an ``<h1>``: the last emphasized
    line before the text starts ("<b>Headline</b><br><i>date</i><br><br>Text...")."""
    parent = block.getparent()
    region = block if parent is None else parent
    prose = {u.element for u in page.units if u.score > 0 and u.chars > 150}
    found = None
    for el in region.iter():
        if not isinstance(el.tag, str) or el.tag in NO_TEXT:
            continue
        if el in prose and el is not block:
            break  # the first paragraph
        names = (el.get("class") or "").lower()
        if el.tag in _EMPHASIS or "title" in names:
            text = page.text(el)
            if (
                15 <= len(text) <= 200
                and page.links(el) < len(text) / 2
                and not looks_dated(text)
                and not BOILER_START.match(text)
                and fold(text) not in page.site_keys
            ):
                found = el
        elif el.text and len(el.text.strip()) >= 60:
            break  # loose text starts
        if el is not region and el is not block and el.tail and len(el.tail.strip()) >= 60:
            break
    return found


def _in_logo(el: Any) -> bool:
    for node in (el, *el.iterancestors()):
        if node.tag in ("body", "article", "main"):
            return False
        names = ((node.get("class") or "") + " " + (node.get("id") or "")).lower()
        if "logo" in names or "brand" in names:
            return True
    return False
