"""Article pages read with a site's selectors: a pure function of the HTML.

A site file lists, for each field, CSS selectors to try in order (the first one that yields
text wins), so a site that restyles one block can be fixed by adding an alternative instead of
editing code. ``::attr(name)`` selectors read attributes, e.g. ``og:title``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Any

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector
from parsel.csstranslator import GenericTranslator, HTMLTranslator

from newsarchive.parsers.text import block_text, collapse, inline_text
from newsarchive.parsers.timestamps import Timestamp, parse_timestamp

__all__ = [
    "ArticlePage",
    "ArticleSelectors",
    "find_timestamp",
    "first_match",
    "matches",
    "parse_article",
]


@dataclass(frozen=True, slots=True)
class ArticleSelectors:
    """CSS selectors for each field of an article page, each a tuple of alternatives."""

    title: tuple[str, ...]
    body: tuple[str, ...]
    lead: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    section: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    # Blocks inside the body that are not the article: share buttons, "Читайте также", ads.
    strip: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """What an article page says, before it becomes an archive record."""

    title: str | None
    lead: str | None
    body: str | None
    section: str | None
    author: str | None
    published: Timestamp | None


def parse_article(
    page: str | Selector,
    selectors: ArticleSelectors,
    *,
    now: datetime,
    tz: str | tzinfo,
    lang: str | None = None,
) -> ArticlePage:
    """Read an article page with ``selectors``; fields the page lacks come back as None.

    ``lang`` is the site's language ("ru", "uz", "kk", "en"...), for the dates it prints.

    >>> from datetime import datetime, timezone
    >>> page = ('<h1 class="t"> Заголовок </h1>'
    ...         '<div class="d">Автор: <a>admin</a> | <a>Вчера, 23:50</a></div>'
    ...         '<div class="b"><p>Раз.</p><div class="share">Поделиться</div><p>Два.</p></div>')
    >>> sel = ArticleSelectors(title=("h1.t",), body=("div.b",), date=("div.d",),
    ...                        strip=(".share",))
    >>> art = parse_article(page, sel, now=datetime(2025, 12, 11, 13, tzinfo=timezone.utc),
    ...                     tz="Asia/Tashkent")
    >>> art.title, art.body, art.published.value.isoformat(), art.published.raw
    ('Заголовок', 'Раз.\\n\\nДва.', '2025-12-10T23:50:00+05:00', 'Вчера, 23:50')
    """
    if isinstance(page, Selector):
        root = page
    else:
        try:
            root = Selector(text=page)
        except UnicodeEncodeError:  # lone surrogates (text decoded with surrogateescape)
            root = Selector(text=page.encode("utf-8", "replace").decode("utf-8"))
    find = _finder(root)
    return ArticlePage(
        title=_first_text(find, selectors.title),
        lead=_first_text(find, selectors.lead),
        body=_body(find, selectors),
        section=_first_text(find, selectors.section),
        author=_first_text(find, selectors.author),
        published=_published(find, selectors.date, now=now, tz=tz, lang=lang),
    )


# A page is read with a dozen CSS selectors. parsel wraps every match in a new Selector; the
# fields only need the lxml nodes (or attribute strings), so the selectors are compiled once to
# the XPath parsel itself would run and evaluated on the tree directly: the same matches in the
# same order, at a fraction of the cost.
_TRANSLATORS = {"html": HTMLTranslator(), "xml": GenericTranslator()}

# What a CSS selector matched: lxml elements, or strings for ::attr() and ::text.
_Found = list[Any]


# parsel tests a class as a predicate on every element: ``*[@class and contains(@class, 'x')
# and contains(concat(' ', normalize-space(@class), ' '), ' x ')]``. The same test as a step
# through the class attribute, ``*/@class[contains(., 'x')][...]/..``, selects the same
# elements in the same order at half the cost in libxml2 (most elements then cost one attribute
# look-up, not a predicate evaluation). Only a step that is exactly such a test is rewritten.
_CLASS_STEP = re.compile(
    r"(descendant-or-self::|descendant::|/)\*\[@class and contains\(@class, ('[^']*')\) and "
    r"contains\(concat\(' ', normalize-space\(@class\), ' '\), ('[^']*')\)\](?=/|$)"
)


# cssselect writes :first-child, :last-child, :first-of-type and :last-of-type as a count,
# ``count(preceding-sibling::*) = 0``, which libxml2 computes in full for every candidate:
# quadratic in the children of one parent (a block of 40,000 <p>: seconds per selector). "No
# first such sibling" is the same test, and libxml2 stops at the first it finds.
_NO_SIBLING = re.compile(r"count\(((?:preceding|following)-sibling::[\w*-]+)\) = 0")


def _faster(xpath: str) -> str:
    """``xpath`` with its class-test steps (see ``_CLASS_STEP``) and sibling counts (see
    ``_NO_SIBLING``) rewritten.

    >>> _faster(HTMLTranslator().css_to_xpath(".fullstory h1"))
    "descendant-or-self::*/@class[contains(., 'fullstory')][contains(concat(' ', \
normalize-space(.), ' '), ' fullstory ')]/../descendant::h1"
    >>> _faster(HTMLTranslator().css_to_xpath("a:last-of-type"))
    'descendant-or-self::a[not(following-sibling::a[1])]'
    """
    return _CLASS_STEP.sub(
        lambda m: (
            f"{m[1]}*/@class[contains(., {m[2]})]"
            f"[contains(concat(' ', normalize-space(.), ' '), {m[3]})]/.."
        ),
        _NO_SIBLING.sub(r"not(\1[1])", xpath),
    )


# Site files start most selectors with the same block (".fullstory h1", ".fullstory .baseinfo"):
# a path whose first step is a class step, ``P/R``, is the union of ``R`` evaluated from each
# node ``P`` selects. A page's finder evaluates each such ``P`` once; when it selects one node
# (the usual case), ``R`` runs from that node alone, which visits only its subtree. With more
# than one node the whole path runs as written, so results are always the same.
_HEAD = re.compile(
    r"(descendant-or-self::\*/@class\[contains\(\., '[^']*'\)\]"
    r"\[contains\(concat\(' ', normalize-space\(\.\), ' '\), '[^']*'\)\]/\.\.)/(?!/)"
)


class _Plan:
    """A CSS selector compiled: the whole XPath, and its first step and the rest apart."""

    __slots__ = ("head", "rest", "whole")

    def __init__(self, xpath: str) -> None:
        self.whole = etree.XPath(xpath, smart_strings=False)
        split = _HEAD.match(xpath) if "|" not in xpath else None
        self.head = split[1] if split else None
        self.rest = etree.XPath(xpath[split.end() :], smart_strings=False) if split else None


@lru_cache(maxsize=1024)
def _plan(css: str, kind: str) -> _Plan:
    return _Plan(_faster(_TRANSLATORS[kind].css_to_xpath(css)))


@lru_cache(maxsize=256)
def _head(xpath: str) -> etree.XPath:
    return etree.XPath(xpath, smart_strings=False)


class _Finder:
    """``Selector.css`` on a tree and its subtrees, returning the nodes rather than Selectors."""

    __slots__ = ("heads", "kind", "root")

    def __init__(self, root: Any, kind: str) -> None:
        self.root = root
        self.kind = kind
        self.heads: dict[str, list[Any]] = {}  # first steps evaluated on this page's root

    def __call__(self, css: str, node: Any = None) -> _Found:
        plan = _plan(css, self.kind)
        if node is None:
            node = self.root
            if plan.head is not None and isinstance(node, etree._Element):
                heads = self.heads.get(plan.head)
                if heads is None:
                    heads = self.heads[plan.head] = _head(plan.head)(node)
                if not heads:
                    return []
                if len(heads) == 1:
                    assert plan.rest is not None
                    return _listed(plan.rest(heads[0]))
        if not isinstance(node, etree._Element):
            return []  # parsel: a string matches no selector
        return _listed(plan.whole(node))


def _listed(found: Any) -> _Found:
    return found if isinstance(found, list) else [found]


class _ParselFinder:
    """The same through parsel itself, for selectors of other types (json, text)."""

    __slots__ = ("root",)

    def __init__(self, root: Selector) -> None:
        self.root = root

    def __call__(self, css: str, node: Any = None) -> _Found:
        base = self.root if node is None else Selector(root=node, type=self.root.type)
        return [match.root for match in base.css(css)]


def _finder(root: Selector) -> _Finder | _ParselFinder:
    kind = root.type
    if kind in _TRANSLATORS:
        return _Finder(root.root, kind)
    return _ParselFinder(root)


def matches(root: Selector, css: str, node: Any = None) -> list[Any]:
    """What ``css`` matches in ``root`` (below ``node``, one of its matches, if given): the
    lxml elements, or strings for ``::text`` and ``::attr()``; ``Selector.css`` without a
    Selector around each match.

    >>> page = Selector(text='<ul><li><a href="/a">A</a></li><li><a href="/b">B</a></li></ul>')
    >>> [matches(page, "a::attr(href)", item) for item in matches(page, "li")]
    [['/a'], ['/b']]
    """
    return _finder(root)(css, node)


def first_match(root: Selector, alternatives: tuple[str, ...]) -> Any | None:
    """What the first selector that matches anything matches first: an lxml element, or a
    string for ``::text`` and ``::attr()``; None if no selector matches.

    >>> first_match(Selector(text='<p class="a">x</p><p class="b">y</p>'), (".c", "p")).text
    'x'
    """
    find = _finder(root)
    for css in alternatives:
        found = find(css)
        if found:
            return found[0]
    return None


def _first_text(find: _Finder | _ParselFinder, alternatives: tuple[str, ...]) -> str | None:
    for css in alternatives:
        for match in find(css):
            text = _text_of(match)
            if text:
                return text
    return None


def find_timestamp(
    element: Selector, *, now: datetime, tz: str | tzinfo, lang: str | None = None
) -> Timestamp | None:
    """The first timestamp in an element, read from the smallest piece of text that holds it.

    Info lines mix author, date and section (``Автор: admin | Сегодня, 17:13 | Здоровье``); the
    text node holding the date is what the page "shows", so that becomes ``raw``.
    """
    return _timestamp_in(element.root, now=now, tz=tz, lang=lang)


def _timestamp_in(
    node: Any, *, now: datetime, tz: str | tzinfo, lang: str | None
) -> Timestamp | None:
    if isinstance(node, str):
        return parse_timestamp(node, now=now, tz=tz, lang=lang)
    blank = True
    for piece in node.itertext():
        if piece.strip():
            blank = False
            stamp = parse_timestamp(piece, now=now, tz=tz, lang=lang)
            if stamp is not None:
                return stamp
    # Without any text below it, skip the walk: a selector may match 2,000 nested elements.
    return None if blank else parse_timestamp(inline_text(node), now=now, tz=tz, lang=lang)


def _published(
    find: _Finder | _ParselFinder,
    alternatives: tuple[str, ...],
    *,
    now: datetime,
    tz: str | tzinfo,
    lang: str | None,
) -> Timestamp | None:
    for css in alternatives:
        for match in find(css):
            stamp = _timestamp_in(match, now=now, tz=tz, lang=lang)
            if stamp is not None:
                return stamp
    return None


def _body(find: _Finder | _ParselFinder, selectors: ArticleSelectors) -> str | None:
    for css in selectors.body:
        matches = find(css)
        if not matches or isinstance(matches[0], str):
            continue
        container = matches[0]
        text = block_text(container, skip=_elements(find, container, selectors.strip))
        if text:
            return text
    return None


def _elements(
    find: _Finder | _ParselFinder, node: Any, alternatives: tuple[str, ...]
) -> set[HtmlElement]:
    found: list[Any] = []
    for css in alternatives:
        found.extend(find(css, node))
    return {match for match in found if not isinstance(match, str)}


def _text_of(match: Any) -> str | None:
    if isinstance(match, str):
        return collapse(match) or None
    if len(match) and not any(piece.strip() for piece in match.itertext()):
        return None  # elements but no text below them: no walk (matches may nest 2,000 deep)
    return collapse(inline_text(match)) or None
