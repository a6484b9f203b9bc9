"""Article pages read with a site's selectors: a pure function of the HTML.

A site file lists, for each field, CSS selectors to try in order (the first one that yields
text wins), so a site that restyles one block can be fixed by adding an alternative instead of
editing code. ``::attr(name)`` selectors read attributes, e.g. ``og:title``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from lxml.html import HtmlElement
from parsel import Selector, SelectorList

from newsarchive.parsers.text import block_text, inline_text
from newsarchive.parsers.timestamps import Timestamp, parse_timestamp

__all__ = ["ArticlePage", "ArticleSelectors", "find_timestamp", "first_text", "parse_article"]


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
) -> ArticlePage:
    """Read an article page with ``selectors``; fields the page lacks come back as None.

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
    root = page if isinstance(page, Selector) else Selector(text=page)
    return ArticlePage(
        title=first_text(root, selectors.title),
        lead=first_text(root, selectors.lead),
        body=_body(root, selectors),
        section=first_text(root, selectors.section),
        author=first_text(root, selectors.author),
        published=_published(root, selectors.date, now=now, tz=tz),
    )


def first_text(root: Selector, alternatives: tuple[str, ...]) -> str | None:
    """The text of the first match of the first selector that yields any text."""
    for css in alternatives:
        for match in root.css(css):
            text = _text_of(match)
            if text:
                return text
    return None


def find_timestamp(element: Selector, *, now: datetime, tz: str | tzinfo) -> Timestamp | None:
    """The first timestamp in an element, read from the smallest piece of text that holds it.

    Info lines mix author, date and section (``Автор: admin | Сегодня, 17:13 | Здоровье``); the
    text node holding the date is what the page "shows", so that becomes ``raw``.
    """
    if isinstance(element.root, str):
        return parse_timestamp(element.root, now=now, tz=tz)
    for piece in element.root.itertext():
        stamp = parse_timestamp(piece, now=now, tz=tz) if piece.strip() else None
        if stamp is not None:
            return stamp
    return parse_timestamp(inline_text(element.root), now=now, tz=tz)


def _published(
    root: Selector, alternatives: tuple[str, ...], *, now: datetime, tz: str | tzinfo
) -> Timestamp | None:
    for css in alternatives:
        for match in root.css(css):
            stamp = find_timestamp(match, now=now, tz=tz)
            if stamp is not None:
                return stamp
    return None


def _body(root: Selector, selectors: ArticleSelectors) -> str | None:
    for css in selectors.body:
        matches = root.css(css)
        if not matches or isinstance(matches[0].root, str):
            continue
        container = matches[0]
        text = block_text(container.root, skip=_elements(container, selectors.strip))
        if text:
            return text
    return None


def _elements(root: Selector, alternatives: tuple[str, ...]) -> set[HtmlElement]:
    found: SelectorList[Selector] = SelectorList()
    for css in alternatives:
        found.extend(root.css(css))
    return {match.root for match in found if not isinstance(match.root, str)}


def _text_of(match: Selector) -> str | None:
    if isinstance(match.root, str):
        return " ".join(match.root.split()) or None
    return " ".join(inline_text(match.root).split()) or None
