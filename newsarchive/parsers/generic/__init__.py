"""Articles from any news page, without a site file: the generic extractor.

``extract_article(html, url)`` reads a page the way a reader does: the headline, the
article's text without the page's furniture, when it was published, who wrote it, and
whether the page is an article at all. It is a pure function of the HTML (lxml, no
Scrapy), parses the page once and never raises for any input.

How it reads a page, most trustworthy source first:

1. **Structured data.** JSON-LD objects of the Article family (``NewsArticle``,
   ``ReportageNewsArticle``, ``BlogPosting``..., also inside ``@graph``, lists and nested
   objects; blocks with trailing commas or raw line breaks are repaired, hopeless ones
   skipped), OpenGraph and ``article:*`` meta tags, ``itemprop`` microdata, ``<time>``.
2. **The main text.** Every paragraph (``<p>``, or loose text in a block, split at
   ``<br><br>``) is scored by its length, commas and link density; the score goes to its
   parent in full and to its grandparent by half, so the block where real paragraphs
   cluster wins over a sidebar of one-paragraph teasers or a list of comments. A block
   named like boilerplate (``comments``, ``sidebar``, ``related``...) or introduced by a
   boilerplate heading ("Комментарии (3)", "Читайте также") cannot win, unless it holds the
   headline. The winner grows to an ancestor when the article goes on in blocks of its own:
   the same text block repeated (page builders), or prose one or two levels below.
3. **Boilerplate inside it** is left out: navigation, forms, scripts, ads and AMP widgets;
   blocks whose class names say share/related/comments/subscribe/rating/currency...; lines
   whose class names say meta/date/author/tags/caption...; blocks that start with "Читайте
   также", "По теме", "Поделиться", "Подписывайтесь"... and the link lists such headings
   introduce; link-dense blocks; the headline again; byline, date and counter lines; photo
   credits; "Автор:"/"Источник:" lines left in loose text.
4. **The lead**: a ``lead``/``announce``/``intro``... block (or ``itemprop=description``)
   between the headline and the text opens the body, as the archive's text rule says; else
   a bold first paragraph is the lead.
5. **Is it an article?** Only if it looks like one; ``article_signals`` say why. An Article
   type in JSON-LD, with a body; ``og:type=article`` with a body (and a date, when the
   page's JSON-LD calls it a plain ``WebPage``, as CMSs do for "about" pages); a headline
   with three real paragraphs (80+ characters each, 400+ in all) and a date, on the page or
   in the URL; or a short news item: a headline, a sentence or two of text (60+ characters)
   and a date on the page, on a page that does not call itself a video, event, product...
   Never a page whose main block lists things: two or more linked headlines, three or more
   dated items or look-alike teasers (home, section, tag, search, archive pages), or one
   that calls itself a
   ``CollectionPage``, ``SearchResultsPage``...

>>> page = '''<html lang="ru"><head><title>Снег в Ташкенте | Новости</title></head><body>
... <nav><a href="/">Главная</a> <a href="/news/">Новости</a></nav>
... <article><h1>Снег в Ташкенте</h1><div class="meta">11 декабря 2025, 17:13</div>
... <div class="text"><p>В Ташкенте выпал первый снег, и коммунальные службы вышли на улицы.</p>
... <p class="read-also">Читайте также: <a href="/x">Морозы придут в выходные</a></p>
... <p>Синоптики обещают, что к выходным снег растает, а днём потеплеет до плюс пяти.</p>
... </div><div class="share">Поделиться: <a>VK</a> <a>Telegram</a></div></article></body></html>'''
>>> art = extract_article(page, "https://news.example/1", tz="Asia/Tashkent")
>>> art.title, art.published.isoformat(), art.lang
('Снег в Ташкенте', '2025-12-11T17:13:00+05:00', 'ru')
>>> print(art.body)
В Ташкенте выпал первый снег, и коммунальные службы вышли на улицы.
<BLANKLINE>
Синоптики обещают, что к выходным снег растает, а днём потеплеет до плюс пяти.
>>> art.is_article, art.article_signals  # a short news item: a headline, prose and a date
(True, ('headline+text', 'date'))
"""

from __future__ import annotations

import codecs
import copy
import itertools
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

from lxml import etree
from w3lib.encoding import html_to_unicode

from newsarchive.parsers.article import ArticlePage
from newsarchive.parsers.text import block_text, collapse
from newsarchive.parsers.timestamps import (
    Timestamp,
    _resolve_zone,
    parse_timestamp,
    published_from_html,
)

__all__ = ["MAX_INPUT", "GenericArticle", "detect_encoding", "extract_article"]

_log = logging.getLogger(__name__)

# Input beyond this many bytes (characters, for str) is cut off: real article pages are far
# smaller, and the cut keeps a hostile page from costing unbounded time and memory.
MAX_INPUT: Final = 4_000_000


@dataclass(frozen=True, slots=True)
class GenericArticle:
    """What a page says, read without a site file. Missing fields are None or empty tuples."""

    title: str | None
    body: str | None  # paragraphs joined by a blank line (see newsarchive.parsers.text)
    lead: str | None
    published: Timestamp | None
    modified: Timestamp | None
    authors: tuple[str, ...]
    section: str | None
    tags: tuple[str, ...]
    lang: str | None  # "ru", "en", "uz"...
    canonical_url: str | None
    is_article: bool
    article_signals: tuple[str, ...]  # why: "jsonld:NewsArticle", "og:type=article", ...

    def as_page(self) -> ArticlePage:
        """The fields an archive record takes, as a site file's selectors would give them."""
        return ArticlePage(
            title=self.title,
            lead=self.lead,
            body=self.body,
            section=self.section,
            author=", ".join(self.authors) or None,
            published=self.published,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields; timestamps as ISO 8601 strings.

        >>> extract_article("<p>Привет</p>", "https://example.org/").to_dict()["canonical_url"]
        'https://example.org/'
        """
        return {
            "title": self.title,
            "body": self.body,
            "lead": self.lead,
            "published": self.published.isoformat() if self.published else None,
            "modified": self.modified.isoformat() if self.modified else None,
            "authors": list(self.authors),
            "section": self.section,
            "tags": list(self.tags),
            "lang": self.lang,
            "canonical_url": self.canonical_url,
            "is_article": self.is_article,
            "article_signals": list(self.article_signals),
        }


def extract_article(
    html: str | bytes | Any,
    url: str | None = None,
    *,
    now: datetime | None = None,
    tz: str | tzinfo = "UTC",
) -> GenericArticle:
    """Read a news page without a site file (see the module documentation).

    ``html`` is str, bytes (decoded as a browser would: BOM, then a ``<meta>`` charset
    declaration, then a guess between UTF-8 and the Cyrillic single-byte encodings), a
    parsel ``Selector`` (or a Scrapy response) or an lxml element; it is only read. ``url``
    is where the page came from (the base and fallback of ``canonical_url``). ``now``
    (default: the current time) and ``tz`` (the site's zone) read relative and zone-less
    dates such as ``Сегодня, 17:13``. Never raises for any ``html``: a page it cannot read
    comes back empty, with ``is_article=False``. A naive ``now`` or an unknown ``tz`` are the
    caller's errors and do raise.

    >>> extract_article(b"\\xff\\xfe<<<", tz="Asia/Tashkent").is_article
    False
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    _resolve_zone(tz)  # an unknown zone raises here, before the page is read
    try:
        return _extract(html, url, now, tz)
    except Exception:  # pragma: no cover - tested never to happen; one page must not stop a crawl
        _log.warning("generic extractor failed on %s", url, exc_info=True)
        return _empty(url)


def _empty(url: str | None) -> GenericArticle:
    return GenericArticle(None, None, None, None, None, (), None, (), None, url, False, ())


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ---------------------------------------------------------------------------------------------
# Input: bytes, str, Selector or element -> an lxml root

# A plain lxml parser: lxml.html's element classes make every element access several times
# slower, and nothing here needs their methods.
_PARSER: Final = etree.HTMLParser(
    encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, huge_tree=False
)
_XML_DECLARATION: Final = re.compile(r"^\s*<\?xml[^>]*\?>")


def detect_encoding(data: bytes) -> str:
    """The encoding of bytes that declare none: UTF-8 if they decode so, else a Cyrillic guess.

    windows-1251 has lowercase Cyrillic at 0xE0-0xFF and uppercase at 0xC0-0xDF, KOI8-R the
    other way round; running text is mostly lowercase.

    >>> detect_encoding("Курс валют на сегодня".encode("cp1251"))
    'cp1251'
    >>> detect_encoding("Курс валют на сегодня".encode())
    'utf-8'
    """
    sample = data[:200_000]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    counts = [sample[:50_000].count(bytes([b])) for b in range(0xC0, 0x100)]
    upper, lower = sum(counts[:32]), sum(counts[32:])
    if upper + lower < len(sample) // 100:
        return "cp1252"
    return "cp1251" if lower >= upper else "koi8_r"


def _root(source: Any) -> Any:
    """An lxml root element for any input we accept, or None."""
    if not isinstance(source, str | bytes | etree._Element | etree._ElementTree):
        source = getattr(source, "selector", source)  # a Scrapy response
        source = getattr(source, "root", source)  # a parsel Selector
    if isinstance(source, etree._ElementTree):
        source = source.getroot()
    if isinstance(source, etree._Element):
        root = source.getroottree().getroot()
        return root if isinstance(root.tag, str) else None
    if isinstance(source, bytes):
        data = source[:MAX_INPUT]
        try:
            source = html_to_unicode(None, data, auto_detect_fun=detect_encoding)[1]
        except LookupError:  # a declared codec that is no text encoding: charset="rot13"
            source = data.decode(detect_encoding(data), "replace")
    if not isinstance(source, str):
        return None
    text = _XML_DECLARATION.sub("", source[:MAX_INPUT], count=1)
    if not text.strip():
        return None
    try:
        root = etree.fromstring(text.encode("utf-8", "replace"), _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return root if root is not None and isinstance(root.tag, str) else None


# ---------------------------------------------------------------------------------------------
# Text helpers

_WORDS: Final = re.compile(r"\w+")
_CYRILLIC: Final = re.compile(r"[а-яёА-ЯЁўқғҳәіңөұүһ]")
_LATIN: Final = re.compile(r"[a-zA-Z]")


def _string(element: Any) -> str:
    """All text below ``element`` (XPath's string(), without the cost of an XPath call)."""
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def _text(element: Any) -> str:
    return collapse(_string(element))


def _fold(text: str) -> str:
    """A comparison key: case, ё, quotes, dashes and punctuation do not matter."""
    return " ".join(_WORDS.findall(text.casefold().replace("ё", "е")))


def _link_chars(element: Any) -> int:
    return sum(len(_text(a)) for a in element.iter("a"))


# ---------------------------------------------------------------------------------------------
# Structured data: meta tags, JSON-LD

_ARTICLE_TYPES: Final = _wordset(
    """Article NewsArticle ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle
    BackgroundNewsArticle ReviewNewsArticle AskPublicNewsArticle SatiricalArticle BlogPosting
    LiveBlogPosting Report TechArticle"""
)
_LISTING_TYPES: Final = _wordset(
    """CollectionPage ItemList SearchResultsPage ProfilePage AboutPage ContactPage ImageGallery
    VideoGallery MediaGallery"""
)
_PAGE_TYPES: Final = _LISTING_TYPES | {"WebPage"}
# Things other than articles a page may describe itself as.
_NOT_ARTICLE_TYPES: Final = _wordset(
    """VideoObject ImageObject AudioObject Event Product Recipe FAQPage QAPage Course JobPosting
    Dataset SoftwareApplication"""
)
_SENTENCE_END: Final = re.compile(r"[.!?…](?:[»\")]|\s|$)")
_SITE_TYPES: Final = frozenset({"WebSite", "Organization", "NewsMediaOrganization"})
_TRAILING_COMMA: Final = re.compile(r",\s*([}\]])")
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]")


def _load_json(block: str) -> Any:
    """A JSON-LD block, forgiving HTML comment wrappers, raw line breaks and trailing commas."""
    text = block.strip().removeprefix("<!--").removesuffix("-->").strip()
    text = text.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            data = json.loads(attempt, strict=False)  # strict=False: raw newlines in strings
            if _SURROGATE_ESCAPE.search(attempt):
                # A lone "\ud83d" (an emoji cut in half) decodes to a surrogate that no UTF-8
                # text can hold: decoded again with such characters as "?".
                data = json.loads(json.dumps(data, ensure_ascii=False).encode("utf-8", "replace"))
            return data
        except (ValueError, RecursionError):
            continue
    return None


def _json_nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in a JSON-LD block, outermost first (at most 2,000 values)."""
    stack = [data]
    seen = 0
    while stack and seen < 2000:
        node = stack.pop()
        seen += 1
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            yield node
            stack.extend(reversed([v for v in node.values() if isinstance(v, list | dict)]))


def _types(node: dict[str, Any]) -> list[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)]


def _ld_text(value: Any) -> str | None:
    """A JSON-LD value as one string: the first of a list, ``@value``/``name`` of an object."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value", value.get("name"))
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return collapse(str(value)) or None
    return None


def _ld_names(value: Any) -> list[str]:
    names = []
    for item in value if isinstance(value, list) else [value]:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and collapse(name):
            names.append(collapse(name))
    return names


@dataclass(slots=True)
class _Meta:
    props: dict[str, str]  # the first content of each meta name/property (lowercased keys)
    multi: dict[str, list[str]]  # every content (article:tag comes many times)
    links: dict[str, str]  # rel -> href
    title_tag: str | None
    article_ld: dict[str, Any] | None  # the first JSON-LD object of an Article type
    ld_types: list[str]  # every JSON-LD @type on the page
    site_names: list[str]


def _read_head(root: Any) -> _Meta:
    props: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    links: dict[str, str] = {}
    title_tag = None
    article_ld: dict[str, Any] | None = None
    ld_types: list[str] = []
    site_names: list[str] = []
    for el in root.iter("meta", "link", "script", "title"):
        tag = el.tag
        if tag == "meta":
            key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
            content = collapse(el.get("content", ""))
            if key and content:
                props.setdefault(key, content)
                multi.setdefault(key, []).append(content)
        elif tag == "link":
            for rel in el.get("rel", "").lower().split():
                links.setdefault(rel, el.get("href", "").strip())
        elif tag == "title":
            title_tag = title_tag or _text(el) or None
        elif "ld+json" in (el.get("type") or ""):
            for node in _json_nodes(_load_json(el.text or "")):
                kinds = _types(node)
                ld_types.extend(kinds)
                if article_ld is None and any(k in _ARTICLE_TYPES for k in kinds):
                    article_ld = node
                if any(k in _SITE_TYPES for k in kinds):
                    name = _ld_text(node.get("name"))
                    if name:
                        site_names.append(name)
    site_names += [props[key] for key in ("og:site_name", "application-name") if key in props]
    if article_ld is not None and isinstance(article_ld.get("publisher"), dict):
        name = _ld_text(article_ld["publisher"].get("name"))
        if name:
            site_names.append(name)
    return _Meta(props, multi, links, title_tag, article_ld, ld_types, site_names)


# ---------------------------------------------------------------------------------------------
# What blocks say they are: tags, class and id names, headings

_CLASS_SPLIT: Final = re.compile(r"[^a-z0-9]+")
_CAMEL: Final = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Blocks that are not the article at all: left out whole.
_CONTAINER_WORDS: Final = _wordset(
    """share sharing shares social socials sharethis addthis likes
    related relatedposts readalso seealso also similar more morenews recommended recommend
    recommendations popular mostread trending readmore incut feed
    comment comments commentlist discussion disqus reply replies respond opinions reviews
    subscribe subscription newsletter follow
    sidebar aside widget widgets banner banners ad ads adv advert adverts advertisement adfox
    adsbygoogle adslot adriver rtb promo sponsor sponsored partner partners
    nav navigation menu breadcrumb breadcrumbs speedbar pathway pager pagination pagenav
    footer copyright masthead topbar toolbar tools
    rating ratings rate rates vote votes poll stars currency kurs valuta exchange weather
    cookie cookies gdpr consent notice popup modal overlay dialog
    hidden invisible error screen"""
)
# Lines around the text: bylines, dates, counters, tags, credits.
_LINE_WORDS: Final = _wordset(
    """meta byline author authors date time dateline info details stat stats views hits counter
    tags tag tagcloud keywords rubric rubrics category categories cat credit credits source
    print"""
)
# Words that name the article text itself.
_TEXT_WORDS: Final = _wordset(
    "content text body article entry post story fulltext maincont articlebody detail"
)
_CONTAINER, _LINE, _NEUTRAL, _TEXT = -2, -1, 0, 1


def _words_of(value: str) -> list[str]:
    return [w for w in _CLASS_SPLIT.split(_CAMEL.sub(" ", value).lower()) if w]


@lru_cache(maxsize=8192)
def _name_verdict(name: str) -> int:
    """One class name's verdict: its last telling word decides ("entry-meta" is a meta line,
    "article__share" a share bar, "b-article__body" the text)."""
    for word in reversed(_words_of(name)):
        if word in _TEXT_WORDS:
            return _TEXT
        if word in _CONTAINER_WORDS:
            return _CONTAINER
        if word in _LINE_WORDS:
            return _LINE
    return _NEUTRAL


@lru_cache(maxsize=8192)
def _names_verdict(classes: str, ident: str) -> int:
    """An element's verdict: the text if any of its names says so ("post hentry
    category-news"), else the worst of them."""
    verdicts = {_name_verdict(name) for name in (*classes.split(), ident) if name}
    return _TEXT if _TEXT in verdicts else min(verdicts, default=_NEUTRAL)


def _class_verdict(el: Any) -> int:
    if el.get("itemprop") == "articleBody":
        return _TEXT
    return _names_verdict(el.get("class") or "", el.get("id") or "")


_BOILER_START: Final = re.compile(
    r"^\W{0,3}(?:читайте\s+(?:также|нас|ещ[её]|по\s+теме)|смотрите\s+также|также\s+читайте"
    r"|по\s+теме\b|похожие\s+(?:новости|материалы|записи|статьи|публикации)|другие\s+новости"
    r"|ещ[её]\s+новости|последние\s+(?:новости|материалы)|самое\s+(?:читаемое|популярное)"
    r"|популярное|рекомендуем|лента\s+новостей|главное\s+за\s+день|новости\s+партн[её]ров"
    r"|поделиться|поделитесь|подписывайтесь|подпишитесь|подписаться|присоединяйтесь|следите\s+за"
    r"|реклама\b|на\s+правах\s+рекламы|комментари|обсуждени|мнения\s+читателей|отзывы"
    r"|добав\w+\s+комментари|оставить\s+(?:комментарий|мнение)|всего\s+комментариев"
    r"|оцените|рейтинг\b|понравил|теги\b|метки\b|ключевые\s+слова|курс[ыа]?\s+валют|погода\b"
    r"|если\s+вы\s+(?:нашли|заметили)\s+ошибку|нашли\s+ошибку|версия\s+для\s+печати"
    r"|©|copyright)",
    re.IGNORECASE,
)
_CREDIT: Final = re.compile(
    r"^\W{0,3}(?:фото|фотография|источник\s+фото|иллюстрация|видео|кадр|коллаж)\s*(?::|—|–|-|/)",
    re.IGNORECASE,
)
_LABEL_LINE: Final = re.compile(
    r"^(?:автор|авторы|источник|фото|текст|теги|метки|ключевые\s+слова|редактор|корреспондент"
    r"|рубрика|категория|опубликовано|обновлено|добавлено|размещено|просмотров|подготовил[а]?"
    r"|дата(?:\s+публикации)?)\s*:?\s",
    re.IGNORECASE,
)
# Text that may hold a timestamp: parse_timestamp is asked only about such text (on other
# text it would ask dateparser, at a millisecond a call). A bare time only in short text.
_DATE_HINT: Final = re.compile(
    r"(?<!\d)(?:0?[1-9]|[12]\d|3[01])([./-])(?:0?[1-9]|1[0-2])\1(?:\d{4}|\d{2})(?!\d)"
    r"|(?<!\d)(?:19|20)\d{2}([./-])[01]?\d\2[0-3]?\d"
    r"|(?<!\d)\d{1,2}\s*(?:янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек)"
    r"|(?<!\d)\d{1,2}\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|сегодня|вчера|позавчера|назад|только\s+что",
    re.IGNORECASE,
)
_CLOCK: Final = re.compile(r"(?<![\d:])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:])")


def _dated(text: str) -> bool:
    """Whether ``text`` may hold a timestamp (a cheap test, before parse_timestamp)."""
    return _DATE_HINT.search(text) is not None or (
        len(text) <= 40 and _CLOCK.search(text) is not None
    )


_UPDATED: Final = re.compile(r"обновлен|изменен|updated|modified", re.IGNORECASE)

_JUNK_TAGS: Final = _wordset(
    """nav aside footer header form button select textarea input label script style noscript
    iframe svg canvas template object embed video audio dialog menu map ins
    amp-ad amp-embed amp-sidebar amp-analytics amp-social-share amp-iframe amp-consent
    amp-user-notification amp-sticky-ad amp-auto-ads"""
)
_BLOCK_JUNK_TAGS: Final = frozenset({"nav", "aside", "footer", "form", "menu"})
_HEADINGS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_INLINE: Final = _wordset(
    "a b strong i em u s span font small big sup sub abbr mark q cite time code kbd var"
)
_SECTIONS: Final = frozenset(
    {"div", "section", "ul", "ol", "table", "dl", "tr", "td", "center", "article"}
)
_NO_TEXT: Final = _wordset(
    """script style noscript template title head html body textarea select option button
    svg math iframe object nav"""
)


# A heading that names a section of boilerplate, and nothing else: "Комментарии (2)",
# "Читайте также", "Похожие новости" (not "Комментарий эксперта").
_SECTION_HEADING: Final = re.compile(
    r"^\W*(?:\d+\s+)?(?:комментари[йияев]{0,2}|обсуждение|мнения\s+читателей|отзывы"
    r"|читайте\s+также|смотрите\s+также|по\s+теме|похожие\s+\w+|другие\s+\w+|ещ[её]\s+\w+"
    r"|последние\s+\w+|популярное|самое\s+\w+|рекомендуем|лента\s+новостей)\W*(?:\(\d+\)\W*)?$",
    re.IGNORECASE,
)


def _after_section_heading(el: Any) -> bool:
    """Whether ``el`` follows a boilerplate section heading among its siblings (with no
    other heading of that rank or higher between them): "<h3>Комментарии</h3><div>...".
    """
    for sibling in el.itersiblings(preceding=True):
        tag = sibling.tag
        if tag in _HEADINGS:
            text = _text(sibling)
            return len(text) <= 60 and _SECTION_HEADING.match(text) is not None
    return False


def _boiler_heading(el: Any) -> bool:
    """A block introduced by a boilerplate heading: "Комментарии (3)", "Читайте также"."""
    for piece in el.itertext():
        head = piece[:200].strip()
        if head:
            return len(head) <= 60 and len(piece) < 300 and bool(_BOILER_START.match(head))
    return False


# ---------------------------------------------------------------------------------------------
# Paragraphs

_MAX_ELEMENTS: Final = 60_000  # elements scanned for paragraphs: a bound on hostile pages
_MAX_UNITS: Final = 3000


@dataclass(slots=True)
class _Unit:
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
        elif tag in _INLINE:
            text = _string(child)
            add(
                text, len(collapse(text)) if tag == "a" else _link_chars(child) if len(child) else 0
            )
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
        if count >= _MAX_ELEMENTS:
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


def _units(root: Any) -> list[_Unit]:
    units: list[_Unit] = []
    seen: set[Any] = set()
    for el in _holders(root):
        tag = el.tag
        if tag in _NO_TEXT or tag in _HEADINGS or not isinstance(tag, str):
            continue  # headings head the text; they do not make a block the text
        if tag in _INLINE:  # text in <span>/<b>/<a>: it belongs to the block around it
            while el is not None and el.tag in _INLINE:
                el = el.getparent()
            if el is None or el.tag in ("p", "pre") or el.tag in _NO_TEXT or el.tag in _HEADINGS:
                continue
        if el in seen:
            continue
        seen.add(el)
        if el.tag in ("p", "pre"):
            text = _text(el)
            score = _score_text(text, _link_chars(el))
            chars = len(text)
        else:
            paragraphs = _loose_paragraphs(el)
            score = sum(_score_text(text, links) for text, links in paragraphs)
            chars = sum(len(text) for text, _ in paragraphs)
        if chars:
            units.append(_Unit(el, chars, score, tuple(el.iterancestors())))
            if len(units) >= _MAX_UNITS:
                break
    return units


# ---------------------------------------------------------------------------------------------
# The page, and the block that holds the article


@dataclass(slots=True)
class _Page:
    """One page being read, with per-element caches (elements stay alive while cached)."""

    root: Any
    meta: _Meta
    units: list[_Unit]
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

    def text(self, el: Any) -> str:
        found = self._texts.get(el)
        if found is None:
            found = self._texts[el] = _text(el)
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
            found = self.sizes[el] = len(_string(el))
        return found

    def link_size(self, el: Any) -> int:
        found = self.link_sizes.get(el)
        if found is None:
            found = self.link_sizes[el] = sum(len(_string(a)) for a in el.iter("a"))
        return found

    def density(self, el: Any) -> float:
        """Link text per text, in raw characters."""
        chars = self.size(el)
        return self.link_size(el) / chars if chars else 1.0

    def verdict(self, el: Any) -> int:
        found = self._verdicts.get(el)
        if found is None:
            found = self._verdicts[el] = _class_verdict(el)
        return found

    def junk_block(self, el: Any) -> bool:
        """Whether ``el`` is a block of boilerplate: comments, sidebars, related links, ads."""
        found = self._junk.get(el)
        if found is None:
            found = self._junk[el] = (
                el.tag in _BLOCK_JUNK_TAGS
                or self.verdict(el) == _CONTAINER
                or (el.tag in _SECTIONS and (_boiler_heading(el) or _after_section_heading(el)))
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
            if self.verdict(unit.element) != _LINE and not any(map(self.junk_block, below)):
                good += unit.chars
        return good


def _main_block(page: _Page) -> Any | None:
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
        if page.verdict(el) == _TEXT:
            score *= 1.3
        if score <= best_score:
            continue
        if _junk_ancestry(page, el, total):
            score *= 0.05
        elif _under_other_headline(page, el):
            score *= 0.5
        if score > best_score:
            best, best_score = el, score
    return None if best is None else _grow(page, best)


def _junk_ancestry(page: _Page, el: Any, total: int) -> bool:
    """Whether ``el`` sits in a comments/sidebar/related block (not in a page-wide wrapper).

    A wrapper is told by what it holds: the headline or, on pages without one, most of the
    page's prose; "content-sidebar-wrap" and "has-comments" name page wrappers too.
    """
    for node in (el, *el.iterancestors()):
        if node.tag in ("body", "html"):
            return False
        if page.junk_block(node):
            if page.title_el is not None:
                if not _contains(node, page.title_el):
                    return True
            elif sum(u.chars for u in page.units if u.score > 0 and node in u.chain) < 0.6 * total:
                return True
    return False


_PRECEDING_HEADLINES: Final = etree.XPath("preceding::*[self::h1 or self::h2]")


def _under_other_headline(page: _Page, el: Any) -> bool:
    """Whether the nearest headline before ``el`` is another story's, not the page's own: a
    next article appended below, a teaser with its heading."""
    title = page.title_el
    if title is None or title.tag not in ("h1", "h2") or title is el or _contains(el, title):
        return False
    for heading in reversed(_PRECEDING_HEADLINES(el)):
        if heading is title:
            return False
        if not any(map(page.junk_block, heading.iterancestors())):
            return True
    return False


def _contains(outer: Any, inner: Any) -> bool:
    return any(node is outer for node in inner.iterancestors())


def _signature(el: Any) -> tuple[str, str]:
    """Tag and first class name without digits: items of one list look alike even when
    each carries its own id ("post-48201 post type-post category-sport")."""
    names = (el.get("class") or "").split()
    return el.tag, next((n for n in names if not any(c.isdigit() for c in n)), "")


def _grow(page: _Page, best: Any) -> Any:
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
    signature = _signature(best)
    if signature[1]:
        for unit in page.units:
            if unit.element is best or unit.score <= 0 or _signature(unit.element) != signature:
                continue
            level = next((i for i in range(1, len(chain)) if chain[i] in unit.chain), None)
            if level and level > chosen and not any(map(page.junk_block, chain[1 : level + 1])):
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
            and page.verdict(unit.element) != _LINE
            and unit.element is not page.title_el
        ]
        extra_size = page.size(node) - base_size
        extra_raw = sum(page.size(unit.element) for unit in extra)  # raw, as sizes are
        extra_good = sum(unit.chars for unit in extra)
        if extra_raw >= 0.5 * extra_size and extra_good >= max(0.25 * base_good, 120):
            base, base_good, base_size = node, base_good + extra_good, page.size(node)
    return base


# ---------------------------------------------------------------------------------------------
# Boilerplate inside the block


@dataclass(slots=True)
class _Cleaned:
    skip: set[Any]  # elements block_text leaves out
    linked_headings: int  # headings that are links: a listing's items
    dated_lines: int  # date and byline lines: one per item on a listing


def _sizes(block: Any) -> tuple[dict[Any, int], dict[Any, int]]:
    """Raw text and link text lengths of every element in ``block``, bottom up in one pass
    (asking each element for its text would be quadratic in the depth of the tree)."""
    sizes: dict[Any, int] = {}
    links: dict[Any, int] = {}
    elements = list(itertools.islice(block.iter(), _MAX_ELEMENTS))
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


def _clean(page: _Page, block: Any, title: str | None) -> _Cleaned:
    skip: set[Any] = set()
    linked = dated = 0
    title_key = _fold(title) if title else None
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
        if _linked_heading(page, el):
            linked += 1
        verdict = _junk_verdict(page, el, tag, title_key)
        if verdict == _CONTAINER:
            skip.add(el)
            if tag == "header":  # a listed item's header: its linked headline and date line
                linked += sum(_linked_heading(page, h) for h in el.iter(*_HEADINGS))
                dated += any(
                    page.verdict(line) == _LINE and _dated(page.text(line))
                    for line in el.iter("div", "span", "p", "time")
                )
        elif verdict == _LINE:
            skip.add(el)
            text = page.text(el)
            if len(text) < 200 and _dated(text):
                dated += 1
            if len(text) <= 60 and _BOILER_START.match(text):
                _skip_lists_after(page, el, skip)
        else:
            if el in loose:
                skip.update(_link_lines(el))
            stack.extend(c for c in reversed(el) if isinstance(c.tag, str))
    return _Cleaned(skip, linked, dated)


def _linked_heading(page: _Page, el: Any) -> bool:
    """A heading (or a "title" block) that is a link: the headline of a listed item."""
    tag = el.tag
    if tag not in _HEADINGS and not (
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
        if links and not _WORDS.search("".join(words)):
            found.extend(links)
        links.clear()
        words.clear()

    for child in el:
        tag = child.tag
        if tag == "a":
            links.append(child)
        elif tag == "br" or (isinstance(tag, str) and tag not in _INLINE):
            close()
        elif isinstance(tag, str):
            words.append(_string(child))
        words.append(child.tail or "")
    close()
    return found


def _junk_verdict(page: _Page, el: Any, tag: str, title_key: str | None) -> int:
    """_CONTAINER for a boilerplate block, _LINE for a boilerplate line, else _NEUTRAL."""
    if tag in _JUNK_TAGS:
        return _CONTAINER
    if tag in ("img", "br", "hr", "picture", "source", "wbr"):
        return _NEUTRAL
    verdict = page.verdict(el)
    # A block named or introduced as boilerplate, unless it holds most of the article
    # ("js-mediator-article", a mislabelled wrapper).
    if (verdict < 0 or (tag in _SECTIONS and page.junk_block(el))) and (
        not page.block_good or page.good_inside(el) <= 0.5 * page.block_good
    ):
        return _LINE if verdict == _LINE else _CONTAINER
    if tag in _INLINE and tag not in ("span", "font", "b", "strong", "em", "i"):
        return _NEUTRAL
    raw = page.sizes.get(el, 0)
    if raw > 3000:  # long text: only its link density can make it boilerplate
        dense = page.link_sizes.get(el, 0) > raw * (0.7 if tag == "p" else 0.5)
        return _LINE if dense and (tag in _SECTIONS or tag == "p") else _NEUTRAL
    text = page.text(el)
    if not text:
        return _NEUTRAL if tag in ("figure", "p", "td", "tr", "li") else _LINE
    n = len(text)
    if title_key is not None and abs(n - len(title_key)) < 10 and _fold(text) == title_key:
        return _LINE
    if n < 60 and _fold(text) in page.site_keys:
        return _LINE
    if n < 300 and _BOILER_START.match(text) and (n < 150 or page.density(el) > 0.3):
        return _LINE
    if n < 120 and _CREDIT.match(text):
        return _LINE
    if (tag in _SECTIONS or tag == "p") and page.link_sizes.get(el, 0) > page.sizes.get(el, 0) * (
        0.7 if tag == "p" else 0.5
    ):
        return _LINE
    if (
        n < 200
        and tag not in ("blockquote", "ul", "ol", "figure", "figcaption", "li")
        and (_is_meta_line(text) or (n < 100 and _dated(text) and not _sentence(text)))
    ):
        return _LINE
    return _NEUTRAL


def _sentence(text: str) -> bool:
    return len(text.split()) >= 6 and text.rstrip()[-1:] in '.!?…»"):;'


def _is_meta_line(text: str) -> bool:
    """A byline or counter line: "Просмотров: 311", "Автор: Иван Петров | 11.12.2025"."""
    return bool(_LABEL_LINE.match(text)) and (len(text) < 80 or "|" in text)


def _skip_lists_after(page: _Page, el: Any, skip: set[Any]) -> None:
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


# ---------------------------------------------------------------------------------------------
# The headline

_SEPARATOR: Final = re.compile(r"\s+(?:[|»«·•~:/]|::|—|–|-)\s+")
_SAFE_SEPARATOR: Final = re.compile(r"\s+(?:[|»«·•~/]|::)\s+")
_TITLE_CLASS: Final = etree.XPath("//*[contains(@class, 'itle')][not(self::html or self::body)]")
_BY_TEXT: Final = etree.XPath("//body//*[text()[normalize-space() = $text]]")


def _site_keys(meta: _Meta, url: str | None) -> set[str]:
    keys = {_fold(name) for name in meta.site_names}
    host = urlsplit(url).hostname if url else None
    if host:
        host = host.removeprefix("www.")
        keys.update((_fold(host), _fold(host.split(".")[0])))
    return {k for k in keys if len(k) > 2}


def _is_site(part: str, keys: set[str]) -> bool:
    key = _fold(part)
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


def _shown(page: _Page, elements: Any) -> list[tuple[Any, str, str]]:
    found = []
    for el in elements:
        text = page.text(el)
        if 3 <= len(text) <= 300 and not (el.tag == "h1" and _in_logo(el)):
            found.append((el, text, _fold(text)))
    return found


def _title(page: _Page, url: str | None) -> tuple[str | None, Any | None]:
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
        found = _ld_text(meta.article_ld.get("headline")) or _ld_text(meta.article_ld.get("name"))
        if found:
            structured.append(found)
    structured += [meta.props[k] for k in ("og:title", "twitter:title") if k in meta.props]
    headings = _shown(page, page.root.iter("h1", "h2"))
    h1 = next(((el, text) for el, text, _ in headings if el.tag == "h1"), None)
    keyed = [(_fold(_strip_site(c, keys)), _fold(c)) for c in structured]
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
        spans = (" ".join(parts[i:j]) for i in ends for j in ends if j > i)
        options = {_fold(o): o for o in spans if len(o) >= 10}
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


def _shown_headline(page: _Page, block: Any) -> Any | None:
    """On a page that shows neither its ``<title>`` nor an ``<h1>``: the last emphasized
    line before the text starts ("<b>Headline</b><br><i>date</i><br><br>Text...")."""
    parent = block.getparent()
    region = block if parent is None else parent
    prose = {u.element for u in page.units if u.score > 0 and u.chars > 150}
    found = None
    for el in region.iter():
        if not isinstance(el.tag, str) or el.tag in _NO_TEXT:
            continue
        if el in prose and el is not block:
            break  # the first paragraph
        names = (el.get("class") or "").lower()
        if el.tag in _EMPHASIS or "title" in names:
            text = page.text(el)
            if (
                15 <= len(text) <= 200
                and page.links(el) < len(text) / 2
                and not _dated(text)
                and not _BOILER_START.match(text)
                and _fold(text) not in page.site_keys
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


# ---------------------------------------------------------------------------------------------
# Dates

_PUBLISHED_KEYS: Final = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
_MODIFIED_KEYS: Final = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dc.date.modified",
)
_URL_DATE: Final = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
_NEAR_TITLE: Final = 12  # elements between a headline and its date line (wider search)
_AFTER_TITLE: Final = 80  # elements after the headline that may still hold its date line
_MACHINE_DATES: Final = frozenset({"datePublished", "dateCreated"})


def _stamp(text: str | None, now: datetime, tz: str | tzinfo) -> Timestamp | None:
    """parse_timestamp, for text that looks like it holds a date (the rest costs dateparser)."""
    if not text or len(text) > 200 or not _dated(text):
        return None
    return parse_timestamp(text, now=now, tz=tz)


def _scope(page: _Page, block: Any | None) -> Any | None:
    """The part of the page that holds the headline, the date line and the text together."""
    title = page.title_el
    if block is None:
        return title.getparent() if title is not None else None
    if title is None:
        return _up(block, 3)
    if block is title or _contains(block, title):
        return block
    title_chain = {id(n) for n in title.iterancestors()}
    for node in block.iterancestors():
        if id(node) in title_chain:
            return node if node.tag not in ("body", "html") else block.getparent()
    return block.getparent()


def _up(node: Any, levels: int) -> Any:
    """``node``'s ancestor ``levels`` up, stopping short of ``<body>`` and ``<html>``."""
    for _ in range(levels):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        node = parent
    return node


def _dates(
    page: _Page, scope: Any | None, url: str | None, now: datetime, tz: str | tzinfo
) -> tuple[Timestamp | None, Timestamp | None, str | None]:
    """Published and modified times, and where the published one came from: "page"
    (structured data or a date line) or "url".

    Structured data first (JSON-LD, then meta tags); then the date line nearest to the
    headline in the article's scope; then, a little wider, one close to the headline; then
    the project's reader of date lines on the scope; then the URL (``/2025/12/11/``). A
    date found anywhere else on the page (a sidebar's) is not the article's: None.
    """
    meta = page.meta
    published = modified = None
    ld = meta.article_ld
    if ld is not None:
        published = _stamp(_ld_text(ld.get("datePublished") or ld.get("dateCreated")), now, tz)
        modified = _stamp(_ld_text(ld.get("dateModified")), now, tz)
    for key in _PUBLISHED_KEYS:
        if published is not None:
            break
        published = _stamp(meta.props.get(key), now, tz)
    for key in _MODIFIED_KEYS:
        if modified is not None:
            break
        modified = _stamp(meta.props.get(key), now, tz)
    if published is not None:
        return published, modified, "page"
    if scope is not None:
        found, changed = _date_line(page, scope, now, tz, reach=None)
        if found is None:
            wider = _up(scope, 3)
            if wider is not scope:
                found, changed = _date_line(page, wider, now, tz, reach=_NEAR_TITLE)
        if found is None and _dated(_string(scope)[:20_000]):
            # Its searches run from the document root: on a copy of the scope, a sidebar's
            # dates are out of its reach.
            found = published_from_html(copy.deepcopy(scope), now=now, tz=tz)
        modified = modified or changed
        if found is not None:
            return found, modified, "page"
    match = _URL_DATE.search(urlsplit(url).path) if url else None
    if match:
        stamp = parse_timestamp(f"{match[3]}.{match[2]}.{match[1]}", now=now, tz=tz)
        if stamp is not None:
            return stamp, modified, "url"
    return None, modified, None


_LINE_PARTS: Final = re.compile(
    r"[|•·;]|(?=(?:обновлен|изменен|опубликован|добавлен|updated|published))", re.IGNORECASE
)


def _read_line(
    line: str, now: datetime, tz: str | tzinfo
) -> tuple[Timestamp | None, Timestamp | None]:
    """A date line's publication and modification times: "Обновлено: 12.11.2025 18:40 |
    Опубликовано: 11.11.2025 09:15" holds both, labels telling which is which."""
    if not _UPDATED.search(line):
        return parse_timestamp(collapse(line), now=now, tz=tz), None
    published = modified = None
    for part in _LINE_PARTS.split(line):
        stamp = parse_timestamp(collapse(part), now=now, tz=tz) if part and _dated(part) else None
        if stamp is None:
            continue
        if _UPDATED.search(part):
            modified = modified or stamp
        else:
            published = published or stamp
    return published, modified


def _date_line(
    page: _Page, region: Any, now: datetime, tz: str | tzinfo, *, reach: int | None
) -> tuple[Timestamp | None, Timestamp | None]:
    """The timestamp in ``region`` nearest to the headline (in document order), and a time
    labelled as a modification.

    ``<time datetime>`` and ``itemprop=datePublished`` come before text; text is read in
    short pieces ("Автор: admin | <a>Сегодня, 17:13</a>": the text node), then as small
    elements whole ("<span>11.12.2025</span> <span>17:13</span>"). Boilerplate blocks and
    prose are skipped: a date in a paragraph is what the article tells, not when it was
    written. With ``reach``, only dates that many elements from the headline count.
    """
    prose = {u.element for u in page.units if u.chars > 150 and u.score > 0}
    title = page.title_el
    title_at = 0 if title is None else None
    machine: list[tuple[int, Timestamp]] = []
    text: list[tuple[int, Timestamp]] = []
    modified = None
    stack = [region]
    index = attempts = 0
    while stack and index < 800 and attempts < 40:
        if title_at is not None and index > title_at + _AFTER_TITLE:
            break  # farther than any date line of the article's (lists of dated items go on)
        el = stack.pop()
        index += 1
        if el is title:
            title_at = index
        tag = el.tag
        if tag in _NO_TEXT or (el is not region and page.junk_block(el)):
            continue
        if el in prose:  # not its own text; but a block of loose text may hold a date line
            if tag not in ("p", "pre"):
                stack.extend(c for c in reversed(el) if isinstance(c.tag, str))
            continue
        prop = el.get("itemprop")
        if tag == "time" or prop in _MACHINE_DATES or prop == "dateModified":
            attempts += 1
            stamp = _stamp(el.get("datetime") or el.get("content"), now, tz)
            stamp = stamp or _stamp(page.text(el), now, tz)
            if stamp is not None:
                if prop == "dateModified" or _UPDATED.search(el.get("class") or ""):
                    modified = modified or stamp
                else:
                    machine.append((index, stamp))
                continue
        for piece in (el.text, *(child.tail for child in el)):
            if piece and len(piece) < 120 and _dated(piece):
                attempts += 1
                stamp, changed = _read_line(piece, now, tz)
                modified = modified or changed
                if stamp is not None:
                    text.append((index, stamp))
                if stamp or changed:
                    break
        else:
            children = [c for c in el if isinstance(c.tag, str)]
            if children and tag != "p" and all(c.tag in _INLINE or c.tag == "br" for c in children):
                # A small element: its parts first ("Автор: <a>admin</a> | <a>Сегодня,
                # 17:13</a>" shows "Сегодня, 17:13"), then the whole ("<b>11.12</b>.2025").
                whole = page.text(el)
                if len(whole) < 100 and _dated(whole):
                    for line in (*(page.text(c) for c in children), whole):
                        if line and _dated(line):
                            attempts += 1
                            stamp, changed = _read_line(line, now, tz)
                            modified = modified or changed
                            if stamp is not None:
                                break
                    if stamp is not None:
                        text.append((index, stamp))
                        continue
            stack.extend(reversed(children))
            continue
        stack.extend(c for c in reversed(el) if isinstance(c.tag, str))
    anchor = title_at or 0
    for found in (machine, text):
        near = [(abs(i - anchor), i, stamp) for i, stamp in found]
        if reach is not None:
            near = [item for item in near if item[0] <= reach]
        if near:
            return min(near, key=lambda item: (item[0], item[1]))[2], modified
    return None, modified


# ---------------------------------------------------------------------------------------------
# Authors, section, tags, lead

_AUTHOR_LABEL: Final = re.compile(
    r"^(?:автор(?:ы)?(?:\s+материала)?|текст|подготовил[а]?|by)\s*[:.]?\s*", re.IGNORECASE
)
_AUTHOR_LINE: Final = re.compile(
    r"(?:^|[\s|·•,])(?:автор(?:ы)?(?:\s+материала)?|текст|подготовил[а]?|добавил[а]?)\s*:"
    r"\s*([^|·•\d]{0,60})",
    re.IGNORECASE,
)
_HOME_WORDS: Final = frozenset({"главная", "главная страница", "home", "новости", "bosh sahifa"})
_LEAD_WORDS: Final = _wordset(
    """lead leads announce anons anonce intro summary excerpt subtitle standfirst description
    descr preview abstract deck sapo"""
)


def _authors(page: _Page, scope: Any | None) -> tuple[str, ...]:
    found: list[str] = []
    if page.meta.article_ld is not None:
        found += _ld_names(page.meta.article_ld.get("author"))
    if not found:
        for key in ("author", "article:author", "dc.creator", "sailthru.author"):
            found += [v for v in page.meta.multi.get(key, []) if "://" not in v and v[0] != "@"]
    if not found and scope is not None:
        for count, el in enumerate(scope.iter()):
            if count > 400:
                break
            if not isinstance(el.tag, str):
                continue
            children = [c for c in el if isinstance(c.tag, str)]
            pieces = zip((el.text, *(c.tail for c in children)), (*children, None), strict=True)
            for piece, after in pieces:
                if (
                    piece
                    and ":" in piece
                    and len(piece) < 120
                    and (match := _AUTHOR_LINE.search(piece.strip()))
                ):
                    name = match[1].strip(" |,·•")
                    if not name and after is not None and after.tag in ("a", "span", "b"):
                        name = page.text(after)  # "Автор: <a>admin</a>"
                    if 2 <= len(name) <= 60 and not _dated(name):
                        found.append(name)
                        break
            if found:
                break
            names = (el.get("class") or "").lower()
            if not (
                el.get("itemprop") == "author"
                or el.get("rel") == "author"
                or "author" in names
                or "byline" in names
            ):
                continue
            name = el.find(".//*[@itemprop='name']")
            text = _AUTHOR_LABEL.sub("", page.text(name if name is not None else el)).strip(" |,·")
            if 3 <= len(text) <= 60 and len(text.split()) <= 5 and not _dated(text):
                found.append(text)
                break
    names = (_AUTHOR_LABEL.sub("", collapse(name)) for name in found)
    return tuple(dict.fromkeys(n for n in names if n))[:10]


def _section(page: _Page) -> str | None:
    ld = page.meta.article_ld
    found = _ld_text(ld.get("articleSection")) if ld else None
    if found or "article:section" in page.meta.props:
        return found or page.meta.props["article:section"]
    # A breadcrumb trail's last link, near the headline.
    region = page.title_el
    for _ in range(4):
        if region is None or region.tag == "body":
            break
        region = region.getparent()
    if region is None:
        return None
    for el in region.iter():
        names = (el.get("class") or "").lower() if isinstance(el.tag, str) else ""
        if "crumb" in names or "speedbar" in names or "pathway" in names:
            crumbs = [page.text(a) for a in el.iter("a")]
            crumbs = [c for c in crumbs if c and c.casefold() not in _HOME_WORDS and len(c) < 60]
            if crumbs:
                return crumbs[-1]
    return None


def _tags(page: _Page, scope: Any | None) -> tuple[str, ...]:
    found: list[str] = list(page.meta.multi.get("article:tag", []))
    keywords = page.meta.article_ld.get("keywords") if page.meta.article_ld else None
    if not found and isinstance(keywords, str):
        found = [k for k in (collapse(k) for k in keywords.split(",")) if k]
    elif not found and isinstance(keywords, list):
        found = [collapse(k) for k in keywords if isinstance(k, str) and collapse(k)]
    if not found and scope is not None:
        for el in scope.iter("a", "div", "ul", "span", "p"):
            names = (el.get("class") or "").lower()
            if el.tag == "a" and el.get("rel") == "tag":
                found.append(page.text(el))
            elif "tags" in names:
                found += [page.text(a) for a in el.iter("a")]
    return tuple(dict.fromkeys(t for t in found if 0 < len(t) < 50))[:30]


@lru_cache(maxsize=4096)
def _lead_named(classes: str | None, ident: str | None) -> bool:
    return bool(_LEAD_WORDS.intersection(_words_of(f"{classes or ''} {ident or ''}")))


def _lead(scope: Any | None, block: Any) -> str | None:
    """A standfirst between the headline and the text, outside the text block."""
    if scope is None or scope is block:
        return None
    stack = [scope]
    while stack:
        el = stack.pop()
        if el is block:
            return None  # the text starts: no lead before it
        if el.tag in _JUNK_TAGS and el.tag != "header":
            continue
        if el.get("itemprop") == "description" or _lead_named(el.get("class"), el.get("id")):
            text = _text(el)
            if 40 <= len(text) <= 800 and _link_chars(el) < len(text) * 0.2:
                return text
        stack.extend(c for c in reversed(el) if isinstance(c.tag, str))
    return None


def _bold_first(block: Any, skip: set[Any]) -> str | None:
    """The first paragraph of the text, if it is all bold: the lead of many CMS templates."""
    for el in block.iter("p"):
        if el in skip:
            continue
        text = _text(el)
        if text:
            bold = collapse("".join(_string(b) for b in el if b.tag in ("b", "strong")))
            return text if len(text) >= 40 and len(bold) >= 0.9 * len(text) else None
    return None


# ---------------------------------------------------------------------------------------------
# Body text, language, canonical URL


def _tidy(body: str, title: str | None) -> str:
    """Drop label and boilerplate lines block_text kept (loose text has no elements to skip),
    the headline repeated, and a paragraph repeated at once."""
    title_key = _fold(title) if title else None
    paragraphs: list[str] = []
    for paragraph in body.split("\n\n"):
        lines = paragraph.split("\n")
        text = "\n".join(
            line
            for line in lines
            if _WORDS.search(line)
            and not _is_junk_line(line)
            and not (
                title_key and abs(len(line) - len(title_key)) < 10 and _fold(line) == title_key
            )
        )
        if not text or (title_key and _fold(text) == title_key):
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
        (n < 100 and bool(_LABEL_LINE.match(line)))
        or (n < 160 and bool(_BOILER_START.match(line)))
        or (n < 120 and bool(_CREDIT.match(line)))
    )


def _lang(page: _Page, text: str) -> str | None:
    ld = page.meta.article_ld
    for value in (
        page.root.get("lang"),
        page.root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        page.root.get("xml:lang"),
        page.meta.props.get("og:locale"),
        _ld_text(ld.get("inLanguage")) if ld else None,
        page.meta.props.get("content-language"),
        page.meta.props.get("language"),
    ):
        if value:
            code = re.split(r"[-_]", value.strip().lower())[0]
            if 2 <= len(code) <= 3 and code.isascii() and code.isalpha():  # lang="рус": no code
                return code
    sample = text[:3000]
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if cyrillic + latin < 20:
        return None
    return "ru" if cyrillic >= latin else "en"


def _canonical(page: _Page, url: str | None) -> str | None:
    ld = page.meta.article_ld or {}
    entity = ld.get("mainEntityOfPage")
    for value in (
        page.meta.links.get("canonical"),
        page.meta.props.get("og:url"),
        _ld_text(ld.get("url")),
        _ld_text(entity.get("@id")) if isinstance(entity, dict) else _ld_text(entity),
    ):
        if value and not value.startswith(("javascript:", "#")):
            absolute = urljoin(url, value) if url else value
            if absolute.startswith(("http://", "https://")):
                return absolute
    return url


# ---------------------------------------------------------------------------------------------
# The whole page


def _extract(source: Any, url: str | None, now: datetime, tz: str | tzinfo) -> GenericArticle:
    root = _root(source)
    if root is None:
        return _empty(url)
    page = _Page(root, _read_head(root), _units(root))
    title, page.title_el = _title(page, url)
    block = page.block = _main_block(page)
    if page.title_el is None and block is not None:
        shown = _shown_headline(page, block)
        if shown is not None:
            title, page.title_el = page.text(shown), shown
    body = lead = None
    cleaned = _Cleaned(set(), 0, 0)
    if block is not None:
        page.block_good = page.good_inside(block)
        cleaned = _clean(page, block, title)
        body = _tidy(block_text(block, skip=cleaned.skip), title) or None
    ld = page.meta.article_ld
    if ld is not None and isinstance(ld.get("articleBody"), str) and len(body or "") < 200:
        # Pages rendered by scripts may carry the text only in their structured data.
        text = "\n\n".join(collapse(p) for p in ld["articleBody"].splitlines() if p.strip())
        if len(text) > len(body or ""):
            body = text
    scope = _scope(page, block)
    if block is not None and body:
        lead = _lead(scope, block)
        if lead and not _fold(body).startswith(_fold(lead)[:80]):
            body = lead + "\n\n" + body
        elif lead is None:
            lead = _bold_first(block, cleaned.skip)
    published, modified, source = _dates(page, scope, url, now, tz)
    signals, is_article = _verdict(page, title, body, source, cleaned)
    return GenericArticle(
        title=title,
        body=body,
        lead=lead,
        published=published,
        modified=modified,
        authors=_authors(page, scope),
        section=_section(page),
        tags=_tags(page, scope),
        lang=_lang(page, body or title or ""),
        canonical_url=_canonical(page, url),
        is_article=is_article,
        article_signals=signals,
    )


def _headline_link(page: _Page, item: Any) -> bool:
    """Whether ``item`` holds a link standing alone as a headline (not inside a sentence)."""
    for link in item.iter("a"):
        shown = len(page.text(link))
        parent = link.getparent()
        if shown >= 20 and parent is not None and len(page.text(parent)) <= 1.3 * shown:
            return True
    return False


def _listed_around(page: _Page, block: Any) -> bool:
    """Whether the block sits among other stories: two or more linked headlines in the
    blocks around it (a teaser's text on the last page of a listing)."""
    node = block
    for _ in range(3):
        node = node.getparent()
        if node is None or node.tag in ("body", "html"):
            return False
        linked = 0
        for heading in node.iter(*_HEADINGS):
            if _linked_heading(page, heading) and not _in_junk(page, heading, node):
                linked += 1
                if linked >= 2:
                    return True
    return False


def _in_junk(page: _Page, el: Any, top: Any) -> bool:
    """Whether ``el`` is inside a boilerplate block below ``top``."""
    for node in el.iterancestors():
        if node is top:
            return False
        if page.junk_block(node):
            return True
    return False


def _repeated_items(page: _Page, block: Any) -> bool:
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
                    groups.setdefault(_signature(kid), []).append(kid)
            if child is not None:
                groups = {_signature(child): groups.get(_signature(child), [])}
            for kids in groups.values():
                if len(kids) >= 3 and sum(_headline_link(page, kid) for kid in kids[:10]) >= 3:
                    return True
        if parent is None or parent.tag in ("body", "html"):
            break
        node = parent
    return False


def _verdict(
    page: _Page, title: str | None, body: str | None, dated: str | None, cleaned: _Cleaned
) -> tuple[tuple[str, ...], bool]:
    """Whether the page is an article, and the signals that say so.

    ``dated`` says where the publication time came from: "page" (structured data or a date
    line near the headline) or "url" (``/2025/12/11/``).
    """
    signals: list[str] = []
    kinds = [k for k in page.meta.ld_types if k in _ARTICLE_TYPES]
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
    plain_page = not kinds and any(k in _PAGE_TYPES for k in page.meta.ld_types)
    other_thing = not kinds and any(k in _NOT_ARTICLE_TYPES for k in page.meta.ld_types)
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
        or (not kinds and any(k in _LISTING_TYPES for k in page.meta.ld_types))
        or (page.block is not None and _repeated_items(page, page.block))
    )
    return tuple(signals), is_article
