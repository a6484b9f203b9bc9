"""What the extractor returns: ``GenericArticle``, the fields a page gives without a site file,
and the empty article for a page that cannot be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsarchive.parsers.article import ArticlePage
from newsarchive.parsers.timestamps import Timestamp


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

        >>> from newsarchive.parsers.generic import extract_article
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


def empty_article(url: str | None) -> GenericArticle:
    return GenericArticle(None, None, None, None, None, (), None, (), None, url, False, ())
