"""What an archive holds, per site: articles, publication days, field coverage, rates, runs.

The figures are counted in one streaming pass over the records: per site each article's
newest version and its publication day, a counter per field, and one value per currency and
rate day, never the records themselves. Several folders are counted as one archive (see
``newsarchive.analysis.load.archive_records``): a site found in two of them is one site, its
runs those of both, each article on its newest version's day, and a record found in both is
counted once. ``render_text`` shows the figures as aligned tables, ``render_json`` as a stable,
sorted JSON document (``newsarchive stats --json``).
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from newsarchive.analysis.load import (
    ArchiveReadError,
    PathArg,
    archive_records,
    find_archive_files,
)
from newsarchive.health import EXIT_FAILED, EXIT_OK, EXIT_USAGE

__all__ = [
    "COVERAGE_FIELDS",
    "STATS_VERSION",
    "ArchiveStats",
    "ArticleStats",
    "CurrencyStats",
    "RunStats",
    "SiteStats",
    "archive_stats",
    "command_stats",
    "format_bytes",
    "format_number",
    "format_percent",
    "load_stats",
    "plural",
    "render_json",
    "render_text",
    "stats_main",
    "table",
]

# Bumped when a key of the JSON document changes meaning; new keys do not bump it.
STATS_VERSION = 1
COVERAGE_FIELDS = ("title", "body", "published_at", "lead", "section")


@dataclass
class ArticleStats:
    """Counts over a site's article records."""

    records: int = 0
    revised_ids: set[str] = field(default_factory=set)
    filled: Counter[str] = field(default_factory=Counter)
    dated: int = 0
    day_precision: int = 0
    # Each article's newest version read and that version's site-local publication day (None:
    # undated). The key None stands for the records without an id.
    newest: dict[str | None, tuple[int, date | None]] = field(default_factory=dict)
    with_source: int = 0  # records that point at their page as received (schema_version 2)

    def add(self, record: dict[str, Any]) -> None:
        self.records += 1
        article_id = record.get("id")
        version = record.get("version") or 1
        if article_id is not None and version > 1:
            self.revised_ids.add(article_id)
        self.filled.update(name for name in COVERAGE_FIELDS if record.get(name))
        self.with_source += bool(record.get("source"))
        published = record.get("published_at")
        # The date in the record's own offset is the site's calendar day.
        day = datetime.fromisoformat(published).date() if published else None
        # The newest version says when the article was published, whichever folder or run
        # holds it; of one version read twice, the first.
        if article_id not in self.newest or version > self.newest[article_id][0]:
            self.newest[article_id] = (version, day)
        if published:
            self.dated += 1
            self.day_precision += record.get("published_precision") == "day"

    @property
    def per_day(self) -> Counter[date]:
        """Articles per site-local publication day: each id once, on its newest version's."""
        return Counter(day for _, day in self.newest.values() if day is not None)

    def as_dict(self) -> dict[str, Any]:
        per_day = self.per_day
        counts = list(per_day.values())
        return {
            "records": self.records,
            "ids": len(self.newest) - (None in self.newest),
            "revised_ids": len(self.revised_ids),
            "published_first": min(per_day).isoformat() if counts else None,
            "published_last": max(per_day).isoformat() if counts else None,
            "days": len(counts),
            "per_day": {
                "min": min(counts),
                "median": float(statistics.median(counts)),
                "max": max(counts),
            }
            if counts
            else None,
            "coverage_percent": {
                name: _percent(self.filled[name], self.records) for name in COVERAGE_FIELDS
            },
            "day_precision_percent": _percent(self.day_precision, self.dated),
            "with_source": self.with_source,
        }


@dataclass
class CurrencyStats:
    """A site's rate rows of one currency, and its rate per source and day for charts."""

    rows: int = 0
    sources: set[str] = field(default_factory=set)
    # (source, as_of) -> (observed_at, rate) of the latest row observed for that day.
    by_day: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)

    def add(self, record: dict[str, Any]) -> None:
        self.rows += 1
        source = record.get("source") or ""
        self.sources.add(source)
        key = (source, record["as_of"])
        seen = (record.get("observed_at") or "", float(record["rate"]))
        if key not in self.by_day or seen[0] >= self.by_day[key][0]:
            self.by_day[key] = seen

    def as_dict(self) -> dict[str, Any]:
        days = [as_of for _, as_of in self.by_day]
        # The latest day's rate; of two sources that day, the one observed last.
        last_day = max(days)
        latest = max(seen for (_, as_of), seen in self.by_day.items() if as_of == last_day)
        return {
            "rows": self.rows,
            "sources": sorted(self.sources),
            "as_of_first": min(days),
            "as_of_last": last_day,
            "last_rate": latest[1],
        }


@dataclass
class RunStats:
    """A site's run records: how many, how healthy, and the latest."""

    count: int = 0
    by_health: Counter[str] = field(default_factory=Counter)
    last: dict[str, Any] | None = None
    # What keeping the pages as received cost, over every run (schema_version 2 run records).
    warc_bytes: int = 0
    warc_pages: int = 0

    def add(self, record: dict[str, Any]) -> None:
        self.count += 1
        self.warc_bytes += record.get("warc_bytes") or 0
        self.warc_pages += record.get("warc_pages") or 0
        self.by_health[record.get("health") or "unknown"] += 1
        # Latest by start time, not by file order: runs.jsonl files may be concatenated.
        if self.last is None or (record.get("started_at") or "") >= self.last["started_at"]:
            self.last = {
                "run_id": record.get("run_id"),
                "started_at": record.get("started_at") or "",
                "finished_at": record.get("finished_at"),
                "health": record.get("health"),
                "exit_status": record.get("exit_status"),
            }

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "by_health": dict(self.by_health),
            "last": self.last,
            "warc_bytes": self.warc_bytes,
            "warc_pages": self.warc_pages,
            "warc_bytes_per_page": round(self.warc_bytes / self.warc_pages)
            if self.warc_pages
            else None,
        }


@dataclass
class SiteStats:
    site: str
    articles: ArticleStats = field(default_factory=ArticleStats)
    rates: dict[str, CurrencyStats] = field(default_factory=dict)
    runs: RunStats = field(default_factory=RunStats)

    def add(self, record: dict[str, Any]) -> None:
        kind = record.get("kind")
        if kind == "article":
            self.articles.add(record)
        elif kind == "rates":
            self.rates.setdefault(record["currency"], CurrencyStats()).add(record)
        elif kind == "run":
            self.runs.add(record)

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles.as_dict(),
            "rates": {code: currency.as_dict() for code, currency in self.rates.items()},
            "runs": self.runs.as_dict(),
        }


@dataclass
class ArchiveStats:
    """The figures of every site found in ``files``."""

    files: list[Path]
    sites: dict[str, SiteStats] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "stats_version": STATS_VERSION,
            "files": len(self.files),
            "sites": {name: site.as_dict() for name, site in self.sites.items()},
        }


def archive_stats(paths: Iterable[PathArg]) -> ArchiveStats:
    """Count what the archive files under ``paths`` hold, all of them one archive (raises
    ``ArchiveReadError``)."""
    return load_stats(find_archive_files(paths))


def load_stats(files: list[Path]) -> ArchiveStats:
    """Count what the given archive files hold, as one archive, in one pass."""
    stats = ArchiveStats(files)
    for record in archive_records(files, kinds=("article", "rates", "run")):
        site = str(record.get("site"))
        stats.sites.setdefault(site, SiteStats(site)).add(record)
    return stats


def render_json(stats: ArchiveStats) -> str:
    """The figures as one JSON document: keys sorted, so equal archives print equal bytes."""
    return json.dumps(stats.as_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def render_text(stats: ArchiveStats) -> str:
    """The figures as aligned tables, one block per site."""
    figures = stats.as_dict()
    blocks = [
        f"{plural(figures['files'], 'archive file')}, {plural(len(figures['sites']), 'site')}"
    ]
    if not figures["sites"]:
        blocks.append("no records")
    for name in sorted(figures["sites"]):
        blocks.append(_site_text(name, figures["sites"][name]))
    return "\n\n".join(blocks) + "\n"


def command_stats(paths: list[str]) -> ArchiveStats | int:
    """The figures of ``paths`` for a command (``stats``, ``report``), or, when they cannot be
    read or hold no archive file, the command's exit status, with the reason on stderr."""
    try:
        stats = archive_stats(paths)
    except ArchiveReadError as error:
        print(f"newsarchive: error: {error}", file=sys.stderr)
        return EXIT_FAILED
    if not stats.files:
        print(
            f"newsarchive: error: no archive files (*.jsonl, *.jsonl.gz) under {' '.join(paths)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return stats


def stats_main(paths: list[str], *, as_json: bool) -> int:
    """``newsarchive stats PATH... [--json]``: print the figures; the exit status."""
    stats = command_stats(paths)
    if isinstance(stats, int):
        return stats
    sys.stdout.write(render_json(stats) if as_json else render_text(stats))
    return EXIT_OK


def format_number(value: float | None) -> str:
    """A figure as people read it: no ``.0`` on whole numbers, ``-`` for none.

    >>> format_number(1.0), format_number(2.5), format_number(12020.9), format_number(None)
    ('1', '2.5', '12020.9', '-')
    """
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def format_percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _site_text(name: str, site: dict[str, Any]) -> str:
    articles = site["articles"]
    per_day = articles["per_day"] or {}
    coverage = articles["coverage_percent"]
    lines = [
        name,
        *_key_values(
            [
                ("article records", str(articles["records"])),
                ("distinct ids", str(articles["ids"])),
                ("ids with later versions", str(articles["revised_ids"])),
                ("published", _range(articles["published_first"], articles["published_last"])),
                ("days with articles", str(articles["days"])),
                (
                    "articles per day",
                    "  ".join(f"{k} {format_number(per_day.get(k))}" for k in _PER_DAY),
                ),
                ("with their page", f"{articles['with_source']} (source: the WARC record)"),
                ("pages kept (WARC)", _evidence_text(site["runs"])),
            ]
        ),
        "",
        *table(
            ["FIELD", "FILLED"],
            [[field_name, format_percent(coverage[field_name])] for field_name in coverage]
            + [["day precision", format_percent(articles["day_precision_percent"])]],
        ),
        "",
        *_rates_text(site["rates"]),
        *_runs_text(site["runs"]),
    ]
    return "\n".join(lines).rstrip()


_PER_DAY = ("min", "median", "max")


def _evidence_text(runs: dict[str, Any]) -> str:
    """What the runs kept as WARC: pages, bytes, bytes a page.

    >>> _evidence_text({"warc_pages": 33, "warc_bytes": 131379, "warc_bytes_per_page": 3981})
    '33 pages, 128.3 KiB, 3.9 KiB a page'
    >>> _evidence_text({"warc_pages": 0, "warc_bytes": 0, "warc_bytes_per_page": None})
    'none'
    """
    if not runs["warc_pages"]:
        return "none"
    return (
        f"{plural(runs['warc_pages'], 'page')}, {format_bytes(runs['warc_bytes'])}, "
        f"{format_bytes(runs['warc_bytes_per_page'])} a page"
    )


def format_bytes(count: int) -> str:
    """A size as people read it, in binary units.

    >>> format_bytes(900), format_bytes(1536), format_bytes(3 * 1024**3)
    ('900 bytes', '1.5 KiB', '3.0 GiB')
    """
    if count < 1024:
        return f"{count} bytes"
    value = count / 1024
    for unit in ("KiB", "MiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


def _rates_text(rates: dict[str, Any]) -> list[str]:
    if not rates:
        return ["  no rate rows", ""]
    rows = [
        [
            code,
            ", ".join(rates[code]["sources"]),
            str(rates[code]["rows"]),
            rates[code]["as_of_first"],
            rates[code]["as_of_last"],
            format_number(rates[code]["last_rate"]),
        ]
        for code in sorted(rates)
    ]
    header = ["CURRENCY", "SOURCE", "ROWS", "AS_OF FROM", "AS_OF TO", "LAST RATE"]
    return [*table(header, rows, numeric=(2, 5)), ""]


def _runs_text(runs: dict[str, Any]) -> list[str]:
    if not runs["count"]:
        return ["  no run records"]
    healths = sorted(runs["by_health"])
    last = runs["last"]
    header = ["RUNS", *(h.upper() for h in healths), "LAST RUN", "FINISHED", "HEALTH", "EXIT"]
    row = [
        str(runs["count"]),
        *(str(runs["by_health"][h]) for h in healths),
        str(last["run_id"]),
        str(last["finished_at"]),
        str(last["health"]),
        format_number(last["exit_status"]),
    ]
    numeric = (*range(len(healths) + 1), len(header) - 1)
    return table(header, [row], numeric=numeric)


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, numeric: Iterable[int] = (1,)
) -> list[str]:
    """Rows under a header, columns two spaces apart, ``numeric`` ones aligned right.

    >>> print("\\n".join(table(["CODE", "ROWS"], [["USD", "3"], ["EUR", "12"]])))
      CODE  ROWS
      USD      3
      EUR     12
    """
    right = set(numeric)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  "
        + "  ".join(
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *rows]
    ]


def _key_values(pairs: Sequence[tuple[str, str]]) -> list[str]:
    width = max(len(key) for key, _ in pairs)
    return [f"  {key.ljust(width)}  {value}" for key, value in pairs]


def plural(number: int, noun: str) -> str:
    """``1 site``, ``2 sites``: English nouns as these reports use them."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _range(first: str | None, last: str | None) -> str:
    return "-" if first is None else f"{first} .. {last}"


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
