"""The remaining fields of an article: authors (structured data, meta tags, a byline near the
headline), section (structured data or breadcrumbs), tags, the lead (a standfirst block, or a
bold first paragraph), the language and the canonical URL.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Final
from urllib.parse import urljoin

from newsarchive.parsers.generic.helpers import link_chars, raw_text_of, text_of, wordset
from newsarchive.parsers.generic.names import JUNK_TAGS, LINE, name_verdict, words_of
from newsarchive.parsers.generic.page import Page
from newsarchive.parsers.generic.structured import ld_names, ld_text
from newsarchive.parsers.text import collapse
from newsarchive.parsers.timestamps import looks_dated

_CYRILLIC: Final = re.compile(r"[а-яёА-ЯЁўқғҳәіңөұүһ]")
_LATIN: Final = re.compile(r"[a-zA-Z]")

_AUTHOR_LABEL: Final = re.compile(
    r"^(?:автор(?:ы)?(?:\s+материала)?|текст|подготовил[а]?|by)\s*[:.]?\s*", re.IGNORECASE
)
_AUTHOR_LINE: Final = re.compile(
    r"(?:^|[\s|·•,])(?:автор(?:ы)?(?:\s+материала)?|текст|подготовил[а]?|добавил[а]?)\s*:"
    r"\s*([^|·•\d]{0,60})",
    re.IGNORECASE,
)
_HOME_WORDS: Final = frozenset({"главная", "главная страница", "home", "новости", "bosh sahifa"})
_LEAD_WORDS: Final = wordset(
    """lead leads announce anons anonce intro summary excerpt subtitle standfirst description
    descr preview abstract deck sapo"""
)


def read_authors(page: Page, scope: Any | None) -> tuple[str, ...]:
    found: list[str] = []
    if page.meta.article_ld is not None:
        found += ld_names(page.meta.article_ld.get("author"))
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
                    if 2 <= len(name) <= 60 and not looks_dated(name):
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
            if 3 <= len(text) <= 60 and len(text.split()) <= 5 and not looks_dated(text):
                found.append(text)
                break
    names = (_AUTHOR_LABEL.sub("", collapse(name)) for name in found)
    return tuple(dict.fromkeys(n for n in names if n))[:10]


def read_section(page: Page) -> str | None:
    ld = page.meta.article_ld
    found = ld_text(ld.get("articleSection")) if ld else None
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


def read_tags(page: Page, scope: Any | None) -> tuple[str, ...]:
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
            elif "tag" in names and any(_tag_list(name) for name in names.split()):
                found += [page.text(a) for a in el.iter("a")]
    return tuple(dict.fromkeys(t for t in found if 0 < len(t) < 50))[:30]


@lru_cache(maxsize=4096)
def _tag_list(name: str) -> bool:
    """A class name of a list of tags ("post-tags", "tagcloud"), not of a block that only
    shares a word with one ("tags-share-box": share buttons).

    >>> [_tag_list(n) for n in ("post-tags", "b-tagcloud", "tags-share-box", "stage")]
    [True, True, False, False]
    """
    return name_verdict(name) == LINE and bool(_TAG_WORDS.intersection(words_of(name)))


_TAG_WORDS: Final = frozenset({"tag", "tags", "tagcloud"})


@lru_cache(maxsize=4096)
def _lead_named(classes: str | None, ident: str | None) -> bool:
    return bool(_LEAD_WORDS.intersection(words_of(f"{classes or ''} {ident or ''}")))


def read_lead(scope: Any | None, block: Any) -> str | None:
    """A standfirst between the headline and the text, outside the text block."""
    if scope is None or scope is block:
        return None
    stack = [scope]
    while stack:
        el = stack.pop()
        if el is block:
            return None  # the text starts: no lead before it
        if el.tag in JUNK_TAGS and el.tag != "header":
            continue
        if el.get("itemprop") == "description" or _lead_named(el.get("class"), el.get("id")):
            text = text_of(el)
            if 40 <= len(text) <= 800 and link_chars(el) < len(text) * 0.2:
                return text
        stack.extend(c for c in reversed(el) if isinstance(c.tag, str))
    return None


def bold_first(block: Any, skip: set[Any]) -> str | None:
    """The first paragraph of the text, if it is all bold: the lead of many CMS templates."""
    for el in block.iter("p"):
        if el in skip:
            continue
        text = text_of(el)
        if text:
            bold = collapse("".join(raw_text_of(b) for b in el if b.tag in ("b", "strong")))
            return text if len(text) >= 40 and len(bold) >= 0.9 * len(text) else None
    return None


def declared_lang(page: Page) -> str | None:
    """The language tag the page declares ("ru", "uz-Cyrl", "kk_KZ"), as written."""
    ld = page.meta.article_ld
    for value in (
        page.root.get("lang"),
        page.root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        page.root.get("xml:lang"),
        page.meta.props.get("og:locale"),
        ld_text(ld.get("inLanguage")) if ld else None,
        page.meta.props.get("content-language"),
        page.meta.props.get("language"),
    ):
        if value and value.strip():
            code = re.split(r"[-_]", value.strip().lower())[0]
            if 2 <= len(code) <= 3 and code.isascii() and code.isalpha():  # lang="рус": no code
                return value.strip()
    return None


def read_lang(page: Page, text: str) -> str | None:
    """The page's language code: declared, else told from the script of its text."""
    declared = declared_lang(page)
    if declared is not None:
        return re.split(r"[-_]", declared.lower())[0]
    sample = text[:3000]
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if cyrillic + latin < 20:
        return None
    return "ru" if cyrillic >= latin else "en"


def read_canonical(page: Page, url: str | None) -> str | None:
    ld = page.meta.article_ld or {}
    entity = ld.get("mainEntityOfPage")
    for value in (
        page.meta.links.get("canonical"),
        page.meta.props.get("og:url"),
        ld_text(ld.get("url")),
        ld_text(entity.get("@id")) if isinstance(entity, dict) else ld_text(entity),
    ):
        if value and not value.startswith(("javascript:", "#")):
            absolute = urljoin(url, value) if url else value
            if absolute.startswith(("http://", "https://")):
                return absolute
    return url
