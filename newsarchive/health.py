"""Was a run healthy? The answer a scheduler reads from the exit status.

A crawl that "finished" can still have archived nothing useful: the site was down, or it
changed its markup so that listing pages yield no links or articles lose their dates. Each of
those has its own exit status, so cron mail or a systemd unit's failure says which.

>>> from newsarchive.counters import ARTICLES_PARSED, LISTING_ARTICLE_LINKS, LISTING_PAGES, MISSING
>>> assess({LISTING_PAGES: 1, LISTING_ARTICLE_LINKS: 0}).status
'nothing_parsed'
>>> stats = {LISTING_PAGES: 1, LISTING_ARTICLE_LINKS: 10, ARTICLES_PARSED: 10,
...          MISSING + "published_at": 4}
>>> health = assess(stats, max_missing_share=0.2)
>>> health.exit_status, health.reasons
(6, ('published_at empty on 4 of 10 articles (40%; at most 20% allowed)',))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsarchive.counters import RunCounts

__all__ = [
    "EXIT_BUSY",
    "EXIT_DONE_THIS_ROUND",
    "EXIT_FAILED",
    "EXIT_FIELDS_MISSING",
    "EXIT_FRONTIER_LOST",
    "EXIT_INVALID_RECORDS",
    "EXIT_NOTHING_PARSED",
    "EXIT_OK",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "REQUIRED_FIELDS",
    "Health",
    "assess",
]

EXIT_OK = 0
EXIT_FAILED = 1  # the crawl itself broke down before it could be judged
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_NOTHING_PARSED = 4
EXIT_BUSY = 5
EXIT_FIELDS_MISSING = 6
EXIT_INVALID_RECORDS = 7
# Not a health: the site was crawled in this round already, by another process or machine
# (``newsarchive crawl --round-start``, which ``crawl --all`` passes when a round is set).
EXIT_DONE_THIS_ROUND = 8
# Not a health either: the shared frontier (Redis) of a crawl with workers went away mid-crawl.
# What was archived is kept; the same command, once Redis is back, goes on with the crawl.
EXIT_FRONTIER_LOST = 9

# Fields whose absence on many articles means the site's markup moved under our selectors.
REQUIRED_FIELDS = ("title", "body", "published_at")


@dataclass(frozen=True, slots=True)
class Health:
    status: str  # "ok", "unreachable", "nothing_parsed", "fields_missing" or "invalid_records"
    exit_status: int
    reasons: tuple[str, ...] = ()


def assess(
    stats: dict[str, Any], *, max_missing_share: float = 0.2, min_articles: int = 5
) -> Health:
    """Judge a run from its crawl stats (the ``newsarchive/...`` counters).

    Shares of empty fields are judged only over ``min_articles`` or more articles: one dateless
    story among the two a quiet hour brings is not markup drift.
    """
    counts = RunCounts.from_stats(stats)
    if counts.stored_pages or counts.import_files:
        return _assess_stored(
            counts, max_missing_share=max_missing_share, min_articles=min_articles
        )
    if not counts.listing_pages:
        return Health("unreachable", EXIT_UNREACHABLE, ("no listing page could be fetched",))
    # A listing page that answered 304 holds what it held when the last run read its links.
    if not counts.listing_article_links and not counts.not_modified:
        reason = (
            f"{counts.listing_pages} listing page(s) held no article link; has the markup changed?"
        )
        return Health("nothing_parsed", EXIT_NOTHING_PARSED, (reason,))
    parsed = counts.articles_parsed
    requested = counts.articles_requested
    if (
        requested
        and not parsed
        and counts.discovery_not_articles
        and not counts.articles_skipped_archived
    ):
        # Pages fetched as candidates were all something else, and no archived article was
        # even seen: the generic reader recognises nothing on this site any more.
        reason = f"none of {requested} pages fetched as articles looked like one"
        return Health("nothing_parsed", EXIT_NOTHING_PARSED, (reason,))
    return _assess_articles(counts, max_missing_share=max_missing_share, min_articles=min_articles)


def _assess_stored(counts: RunCounts, *, max_missing_share: float, min_articles: int) -> Health:
    """A run that read stored pages (``import``, ``reparse``) instead of fetching: it has no
    listings; its pages must hold articles."""
    if not counts.stored_pages:
        skipped = sum(counts.import_skipped.values())
        reason = f"no page could be read from the WARC files ({skipped} records skipped)"
        return Health("unreachable", EXIT_UNREACHABLE, (reason,))
    if not counts.articles_parsed:
        reason = f"none of the {counts.stored_pages} pages read held an article"
        return Health("nothing_parsed", EXIT_NOTHING_PARSED, (reason,))
    return _assess_articles(counts, max_missing_share=max_missing_share, min_articles=min_articles)


def _assess_articles(counts: RunCounts, *, max_missing_share: float, min_articles: int) -> Health:
    """The judgement of the articles a run parsed: complete enough, and valid."""
    parsed = counts.articles_parsed
    missing = {field: counts.missing.get(field, 0) for field in REQUIRED_FIELDS}
    if parsed and counts.articles_incomplete == parsed:
        reason = f"none of {parsed} article pages had a title and a body; has the markup changed?"
        return Health("nothing_parsed", EXIT_NOTHING_PARSED, (reason,))
    reasons = tuple(
        f"{field} empty on {count} of {parsed} articles "
        f"({count / parsed:.0%}; at most {max_missing_share:.0%} allowed)"
        for field, count in missing.items()
        if parsed >= max(min_articles, 1) and count / parsed > max_missing_share
    )
    if reasons:
        return Health("fields_missing", EXIT_FIELDS_MISSING, reasons)
    if counts.quarantined:
        reason = f"{counts.quarantined} record(s) failed the schema and were quarantined"
        return Health("invalid_records", EXIT_INVALID_RECORDS, (reason,))
    return Health("ok", EXIT_OK)
