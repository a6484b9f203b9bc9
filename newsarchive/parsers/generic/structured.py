"""Structured data in the page's head and scripts: meta tags (OpenGraph, ``article:*``,
Dublin Core...), ``<link rel>``, ``<title>`` and JSON-LD (repaired when a CMS wrote it
carelessly), read in one pass into a ``Meta``; plus the schema.org types that tell an article
from a listing or another kind of thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from newsarchive.parsers.generic.helpers import text_of, wordset
from newsarchive.parsers.jsonld import json_ld_objects, load_json_ld
from newsarchive.parsers.text import collapse

ARTICLE_TYPES: Final = wordset(
    """Article NewsArticle ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle
    BackgroundNewsArticle ReviewNewsArticle AskPublicNewsArticle SatiricalArticle BlogPosting
    LiveBlogPosting Report TechArticle"""
)
LISTING_TYPES: Final = wordset(
    """CollectionPage ItemList SearchResultsPage ProfilePage AboutPage ContactPage ImageGallery
    VideoGallery MediaGallery"""
)
PAGE_TYPES: Final = LISTING_TYPES | {"WebPage"}
# Things other than articles a page may describe itself as.
NOT_ARTICLE_TYPES: Final = wordset(
    """VideoObject ImageObject AudioObject Event Product Recipe FAQPage QAPage Course JobPosting
    Dataset SoftwareApplication"""
)

_SITE_TYPES: Final = frozenset({"WebSite", "Organization", "NewsMediaOrganization"})
# Objects whose dates are not the page's: the site, a video or a listing on it, a comment.
_UNDATED_TYPES: Final = (
    _SITE_TYPES | NOT_ARTICLE_TYPES | LISTING_TYPES | {"Person", "BreadcrumbList", "Comment"}
)


def _types(node: dict[str, Any]) -> list[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)]


def ld_text(value: Any) -> str | None:
    """A JSON-LD value as one string: the first of a list, ``@value``/``name`` of an object."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value", value.get("name"))
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return collapse(str(value)) or None
    return None


def ld_names(value: Any) -> list[str]:
    names = []
    for item in value if isinstance(value, list) else [value]:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and collapse(name):
            names.append(collapse(name))
    return names


@dataclass(slots=True)
class Meta:
    props: dict[str, str]  # the first content of each meta name/property (lowercased keys)
    multi: dict[str, list[str]]  # every content (article:tag comes many times)
    links: dict[str, str]  # rel -> href
    title_tag: str | None
    article_ld: dict[str, Any] | None  # the first JSON-LD object of an Article type
    # The JSON-LD object whose dates are the page's: article_ld, else the first other object
    # with a datePublished that describes a page (a WebPage, a SocialMediaPosting...).
    dated_ld: dict[str, Any] | None
    ld_types: list[str]  # every JSON-LD @type on the page
    site_names: list[str]


def read_head(root: Any) -> Meta:
    props: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    links: dict[str, str] = {}
    title_tag = None
    article_ld: dict[str, Any] | None = None
    dated_ld: dict[str, Any] | None = None
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
            title_tag = title_tag or text_of(el) or None
        elif "ld+json" in (el.get("type") or ""):
            for node in json_ld_objects(load_json_ld(el.text or "")):
                kinds = _types(node)
                ld_types.extend(kinds)
                if article_ld is None and any(k in ARTICLE_TYPES for k in kinds):
                    article_ld = node
                elif (
                    dated_ld is None
                    and "datePublished" in node
                    and not _UNDATED_TYPES.intersection(kinds)
                ):
                    dated_ld = node
                if any(k in _SITE_TYPES for k in kinds):
                    name = ld_text(node.get("name"))
                    if name:
                        site_names.append(name)
    site_names += [props[key] for key in ("og:site_name", "application-name") if key in props]
    if article_ld is not None and isinstance(article_ld.get("publisher"), dict):
        name = ld_text(article_ld["publisher"].get("name"))
        if name:
            site_names.append(name)
    dated_ld = article_ld or dated_ld
    return Meta(props, multi, links, title_tag, article_ld, dated_ld, ld_types, site_names)
