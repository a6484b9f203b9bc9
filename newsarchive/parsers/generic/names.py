"""What an element says it is, before its text is read: its tag (navigation, forms, headings,
inline markup, sections) and its class and id names, judged word by word into a verdict
(``CONTAINER`` boilerplate, a ``LINE`` around the text, a ``LAYOUT`` slot, ``NEUTRAL``, or the
``TEXT`` itself). A ``LAYOUT`` name ("sidebar_right", "elementor-widget-container") says where
a block sits, not what it holds: ``Page.verdict`` lets the block's own text decide.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Final

from newsarchive.parsers.generic.helpers import wordset

_CLASS_SPLIT: Final = re.compile(r"[^a-z0-9]+")
_CAMEL: Final = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Blocks that are not the article at all: left out whole.
_CONTAINER_WORDS: Final = wordset(
    """share sharing shares social socials sharethis addthis likes
    related relatedposts readalso seealso also similar more morenews recommended recommend
    recommendations popular mostread trending readmore incut feed
    comment comments commentlist discussion disqus reply replies respond opinions reviews
    subscribe subscription newsletter follow
    banner banners ad ads adv advert adverts advertisement adfox
    adsbygoogle adslot adriver rtb promo sponsor sponsored partner partners
    nav navigation menu breadcrumb breadcrumbs speedbar pathway pager pagination pagenav
    footer copyright masthead topbar toolbar tools
    rating ratings rate rates vote votes poll stars currency kurs valuta exchange weather
    cookie cookies gdpr consent notice popup popups modal modals overlay dialog
    hidden invisible error screen"""
)
# Slots of a page's layout: page builders wrap every paragraph in a "widget", themes name the
# article's column after the sidebar beside it ("right-sidebar", "row--with-aside").
_LAYOUT_WORDS: Final = wordset("sidebar sidebars aside widget widgets")
# Lines around the text: bylines, dates, counters, tags, credits.
_LINE_WORDS: Final = wordset(
    """meta byline author authors date time dateline info details stat stats views hits counter
    tags tag tagcloud keywords rubric rubrics category categories cat credit credits source
    print"""
)
# Words that name the article text itself.
_TEXT_WORDS: Final = wordset(
    "content text body article entry post story fulltext maincont articlebody detail"
)
# Verdicts, worst first: a boilerplate block, a line around the text, a slot of the layout,
# nothing said, the text.
CONTAINER, LINE, LAYOUT, NEUTRAL, TEXT = -3, -2, -1, 0, 1


def words_of(value: str) -> list[str]:
    """The words of a class or id name: "b-articleBody__text" -> b, article, body, text."""
    return [w for w in _CLASS_SPLIT.split(_CAMEL.sub(" ", value).lower()) if w]


@lru_cache(maxsize=8192)
def name_verdict(name: str) -> int:
    """One class name's verdict: its last telling word decides ("entry-meta" is a meta line,
    "article__share" a share bar, "b-article__body" the text, "sidebar_right" a slot).

    >>> [name_verdict(n) for n in ("entry-meta", "b-article__body", "item-content__row--sidebar")]
    [-2, 1, -1]
    """
    for word in reversed(words_of(name)):
        if word in _TEXT_WORDS:
            return TEXT
        if word in _CONTAINER_WORDS:
            return CONTAINER
        if word in _LINE_WORDS:
            return LINE
        if word in _LAYOUT_WORDS:
            return LAYOUT
    return NEUTRAL


@lru_cache(maxsize=8192)
def _names_verdict(classes: str, ident: str) -> int:
    """An element's verdict: the text if any of its names says so ("post hentry
    category-news"), else the worst of them."""
    verdicts = {name_verdict(name) for name in (*classes.split(), ident) if name}
    return TEXT if TEXT in verdicts else min(verdicts, default=NEUTRAL)


_DIALOG_WORDS: Final = wordset(
    "cookie cookies gdpr consent popup popups modal modals overlay dialog"
)


def is_dialog(el: Any) -> bool:
    """A dialog over the page (cookie consent, a subscription or paywall pop-up): never the
    article, however much prose it holds.

    >>> import lxml.html
    >>> [is_dialog(lxml.html.fromstring(h)) for h in (
    ...     '<div id="moove_gdpr_cookie_modal"></div>', '<div role="dialog"></div>',
    ...     '<div class="entry-content"></div>')]
    [True, True, False]
    """
    if el.get("role") in ("dialog", "alertdialog") or el.get("aria-modal") == "true":
        return True
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    return any(word in _DIALOG_WORDS for name in names.split() for word in words_of(name))


def class_verdict(el: Any) -> int:
    """What ``el``'s class and id names (or ``itemprop=articleBody``) say it is; a dialog
    (``role=dialog``, ``aria-modal=true``: cookie consent, a subscription pop-up) is
    boilerplate whatever its names say."""
    if el.get("itemprop") == "articleBody":
        return TEXT
    if el.get("role") in ("dialog", "alertdialog") or el.get("aria-modal") == "true":
        return CONTAINER  # what is_dialog says too, before any name is read
    return _names_verdict(el.get("class") or "", el.get("id") or "")


# What tags say: furniture whatever its text, inline markup, blocks, no text at all.
JUNK_TAGS: Final = wordset(
    """nav aside footer header form button select textarea input label script style noscript
    iframe svg canvas template object embed video audio dialog menu map ins math
    amp-ad amp-embed amp-sidebar amp-analytics amp-social-share amp-iframe amp-consent
    amp-user-notification amp-sticky-ad amp-auto-ads"""
)
BLOCK_JUNK_TAGS: Final = frozenset({"nav", "aside", "footer", "form", "menu"})
HEADINGS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
INLINE: Final = wordset(
    "a b strong i em u s span font small big sup sub abbr mark q cite time code kbd var"
)
SECTIONS: Final = frozenset(
    {"div", "section", "ul", "ol", "table", "dl", "tr", "td", "center", "article"}
)
NO_TEXT: Final = wordset(
    """script style noscript template title head html body textarea select option button
    svg math iframe object nav"""
)
