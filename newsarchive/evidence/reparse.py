"""Reparse: every archived article read again from its page as received, with today's parsers.

For each site of an archive, the newest version of every article is read again from the WARC
record its ``source`` names (no request to the site), on all cores. A page that gives the same
record changes nothing; one that gives a different record is written as the article's next
``version`` with ``reparsed: true``, the ``parser_version`` that made it and the
``changed_fields``; the earlier line stays. Rate rows read from those pages are written when
the archive lacks them, as a crawl would. ``dry_run`` writes nothing and reports what would
change, by field, with examples.

A relative stamp (``5 минут назад``) is resolved against the page's fetch time as stored (its
``Date`` header, else its WARC-Date), so a reparse years later gives the crawl's instant.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsarchive import counters
from newsarchive.archive import DEFAULT_STORE, RUNS_FILE, Archive
from newsarchive.archive.files import archive_files, read_records
from newsarchive.evidence.pages import StoredResponse, read_stored_page
from newsarchive.evidence.reader import WarcEntry, WarcReadError, read_record_at, read_warc
from newsarchive.evidence.warcfiles import WARC_FOLDER, WARC_SUFFIX
from newsarchive.health import assess
from newsarchive.records import article_record, content_hash, rate_record, rate_value, run_record
from newsarchive.runids import host_name, new_run_id
from newsarchive.schema import problem
from newsarchive.sites import (
    Site,
    SiteError,
    available_sites,
    generic_site,
    load_site,
    load_site_file,
)

__all__ = [
    "COMPARED_FIELDS",
    "FieldChange",
    "Reparse",
    "SiteReparse",
    "changed_fields",
    "crawled_site",
    "fingerprint",
    "reparse_site",
    "site_folders",
]

# What a reparse compares: everything the parsers decide. Not when or from where the page was
# read, nor the bookkeeping of versions; the content hash follows title, lead and body.
COMPARED_FIELDS = (
    "url",
    "title",
    "lead",
    "body",
    "section",
    "author",
    "published_at",
    "published_precision",
    "published_raw",
    "lang",
)
# Pages a worker process reads per task: enough to amortise the hand-over, few enough that
# both processes stay busy to the end.
_CHUNK = 32
# Examples of each changed field kept for the report.
_EXAMPLES = 3


def fingerprint(record: dict[str, Any]) -> tuple[int, ...]:
    """What a reparse keeps of an archived record's compared fields: a hash of each value, so
    that the newest versions of a whole archive fit in memory whatever their bodies' size."""
    return tuple(hash(record.get(name)) for name in COMPARED_FIELDS)


def changed_fields(old: tuple[int, ...], new: dict[str, Any]) -> list[str]:
    """The compared fields whose values differ from the archived record's, in record order.

    >>> old = fingerprint({"title": "A", "body": "b", "lead": None})
    >>> changed_fields(old, {"title": "B", "body": "b"})
    ['title']
    """
    return [
        name
        for name, value in zip(COMPARED_FIELDS, old, strict=True)
        if hash(new.get(name)) != value
    ]


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One example of a field read differently: the article, the old and the new value."""

    article_id: str
    old: Any
    new: Any


@dataclass(slots=True)
class SiteReparse:
    """What reparsing one site found (and, unless a dry run, wrote)."""

    site: str
    records: int = 0  # newest versions with a stored page
    unchanged: int = 0
    changed: int = 0
    rate_rows: int = 0
    without_source: int = 0  # written with --no-warc or by 0.1: nothing to read again
    problems: Counter[str] = field(default_factory=Counter)  # why a page gave no record
    by_field: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[FieldChange]] = field(default_factory=lambda: defaultdict(list))
    messages: list[str] = field(default_factory=list)  # a line per unreadable page
    run_id: str | None = None


@dataclass(frozen=True, slots=True)
class Reparse:
    """How to reparse: the site description to read with, processes, and whether to write."""

    site: Site
    processes: int = 0  # 0: one per core
    dry_run: bool = False
    # The store that remembers the site (a postgresql:// URL; the default: state.sqlite3).
    store: str = DEFAULT_STORE


@dataclass(frozen=True, slots=True)
class _Known:
    """The newest archived version of an article, as far as a reparse needs it."""

    version: int
    source: dict[str, Any] | None
    fingerprint: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Task:
    article_id: str
    warc: str  # absolute path of the WARC file
    offset: int
    source: dict[str, Any]


# What a worker gives back for one page: the new article record (or None), the rate records,
# and why there is no article record (None when there is one).
_Outcome = tuple[str, dict[str, Any] | None, list[dict[str, Any]], str | None]

_worker_site: Site | None = None


def _start_worker(site: Site) -> None:
    global _worker_site
    _worker_site = site


def _read_chunk(tasks: Sequence[_Task]) -> list[_Outcome]:
    assert _worker_site is not None
    return [_read_one(_worker_site, task) for task in tasks]


def _read_one(site: Site, task: _Task) -> _Outcome:
    try:
        in_member = task.source.get("offset_in_member")
        entry = read_record_at(Path(task.warc), task.offset, offset_in_member=in_member)
    except WarcReadError as error:
        return task.article_id, None, [], f"unreadable: {error}"
    if entry.record_type != "response" or entry.body is None:
        return task.article_id, None, [], f"not a response record ({entry.record_type})"
    reading = read_stored_page(site, StoredResponse.from_entry(entry, task.source))
    rates = [rate_record(item) for item in reading.rates]
    if reading.article is None:
        return task.article_id, None, rates, reading.skipped or "not an article page any more"
    return task.article_id, article_record(reading.article), rates, None


def reparse_site(folder: Path, how: Reparse) -> SiteReparse:
    """Reparse the articles of one site's archive folder (``<archive>/<site>``)."""
    started_at = datetime.now(UTC)
    report = SiteReparse(site=folder.name)
    newest = _newest_versions(folder)
    tasks: list[_Task] = []
    for article_id, known in newest.items():
        source = known.source
        if not source:
            report.without_source += 1
            continue
        warc = Path(source["warc"])
        path = warc if warc.is_absolute() else folder / warc
        tasks.append(_Task(article_id, str(path), int(source["offset"]), source))
    tasks.sort(key=lambda task: (task.warc, task.offset))  # each file read front to back
    report.records = len(tasks)
    archive: Archive | None = None
    if not how.dry_run:
        report.run_id = new_run_id()
        archive = Archive(folder.parent, folder.name, report.run_id, store=how.store)
        archive.open()
    try:
        for article_id, new, rates, reason in _outcomes(tasks, how):
            old = newest[article_id]
            if new is None:
                report.problems[reason.split(":", 1)[0] if reason else "unknown"] += 1
                report.messages.append(f"{folder.name}: {article_id}: {reason}")
                continue
            if archive is not None:
                report.rate_rows += _write_rates(archive, rates)
            changes = changed_fields(old.fingerprint, new)
            if not changes and new["id"] == article_id:
                report.unchanged += 1
                continue
            report.changed += 1
            for name in changes:
                report.by_field[name] += 1
                if len(report.examples[name]) < _EXAMPLES:
                    report.examples[name].append(FieldChange(article_id, None, new[name]))
            if archive is not None:
                _write_version(archive, article_id, old.version, new, changes)
        _fill_old_values(folder, report, newest)
        if archive is not None:
            _finish(archive, report, started_at)
    finally:
        if archive is not None:
            archive.close()
    return report


def _outcomes(tasks: list[_Task], how: Reparse) -> Iterator[_Outcome]:
    processes = how.processes or os.cpu_count() or 1
    chunks = [tasks[start : start + _CHUNK] for start in range(0, len(tasks), _CHUNK)]
    if processes == 1 or len(chunks) <= 1:
        for task in tasks:
            yield _read_one(how.site, task)
        return
    workers = min(processes, len(chunks))
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(how.site,)
    ) as pool:
        # A few chunks ahead of the one being written, in order: Executor.map would submit
        # them all, and the readings of a large archive would pile up in memory.
        pending: deque[Future[list[_Outcome]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_read_chunk, chunk))
            if len(pending) >= 2 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _newest_versions(folder: Path) -> dict[str, _Known]:
    newest: dict[str, _Known] = {}
    for path in archive_files([folder / "articles"]):
        for record in read_records(path):
            known = newest.get(record["id"])
            if known is None or record["version"] > known.version:
                newest[record["id"]] = _Known(
                    record["version"], record.get("source"), fingerprint(record)
                )
    return newest


def _fill_old_values(folder: Path, report: SiteReparse, newest: dict[str, _Known]) -> None:
    """Read the archived values of the report's few examples: a second pass over the files,
    which keeps the first one from holding every record whole."""
    wanted = {change.article_id for changes in report.examples.values() for change in changes}
    if not wanted:
        return
    old: dict[str, dict[str, Any]] = {}
    for path in archive_files([folder / "articles"]):
        for record in read_records(path):
            if record["id"] in wanted and record["version"] == newest[record["id"]].version:
                old[record["id"]] = record
    for name, changes in report.examples.items():
        report.examples[name] = [
            FieldChange(change.article_id, old[change.article_id].get(name), change.new)
            for change in changes
        ]


def _write_version(
    archive: Archive, article_id: str, version: int, new: dict[str, Any], changes: list[str]
) -> None:
    record = {
        **new,
        # The article keeps its id even if today's rules would name it otherwise: its history
        # stays one line of versions.
        "id": article_id,
        "version": version + 1,
        "reparsed": True,
        "changed_fields": changes or None,
        "content_hash": content_hash(new["title"], new["lead"], new["body"]),
    }
    reason = problem(record)
    if reason is not None:
        archive.quarantine(record, reason)
        return
    archive.write(record)


def _write_rates(archive: Archive, rates: list[dict[str, Any]]) -> int:
    written = 0
    for row in rates:
        if problem(row) is None and archive.known_rate(row) != rate_value(row):
            archive.write(row)
            written += 1
    return written


def _finish(archive: Archive, report: SiteReparse, started_at: datetime) -> None:
    """Publish the reparse's files and log it in ``runs.jsonl``: a run that fetched nothing."""
    archive.finish_writing()
    stats: dict[str, Any] = {
        "finish_reason": "reparsed",
        counters.STORED_PAGES: report.records - sum(report.problems.values()),
        counters.ARTICLES_PARSED: report.records - sum(report.problems.values()),
        counters.ARTICLES_UPDATED: report.changed,
        counters.ARTICLES_UNCHANGED: report.unchanged,
        counters.RATES_NEW: report.rate_rows,
        **{counters.ERRORS + kind: count for kind, count in report.problems.items()},
    }
    archive.append_run(
        run_record(
            run_id=archive.run_id,
            site=archive.folder.name,
            started_at=started_at,
            finished_at=datetime.now(UTC),
            stats=stats,
            health=assess(stats),
            files=[
                path.relative_to(archive.folder).as_posix() for path in archive.published_files()
            ],
            recovered_runs=archive.recovered_runs,
            host=host_name(),
        )
    )
    archive.mark_finished()


def crawled_site(folder: Path, site_file: Path | None = None) -> Site:
    """The description to read a site folder's pages with, as its crawl named it.

    ``site_file`` when given; else the built-in site of the folder's name, at the address the
    crawl used; else, for a site crawled by its address alone, the generic reading in the time
    zone the crawl used. Both come from the warcinfo record of the newest WARC file.
    """
    if site_file is not None:
        return load_site_file(site_file)
    info = _crawl_info(folder)
    start = info.get("site-start-urls", "").split()
    if folder.name in available_sites():
        site = load_site(folder.name)
        return site.on_host(start[0]) if start else site
    if info.get("site-described") == "no" and start:
        return generic_site(start[0], name=folder.name, timezone=info.get("site-timezone", "UTC"))
    raise SiteError(
        f"{folder}: not a built-in site and crawled with a site file: give that file with "
        "--site-file"
    )


def _crawl_info(folder: Path) -> dict[str, str]:
    """The warcinfo fields of the newest WARC file of a site folder ({} when there is none)."""
    for path in reversed(sorted((folder / WARC_FOLDER).glob(f"*{WARC_SUFFIX}"))):
        entry = next(read_warc(path), None)
        if isinstance(entry, WarcEntry) and entry.warcinfo:
            return dict(entry.warcinfo)
    return {}


def site_folders(root: Path, sites: Sequence[str] = ()) -> list[Path]:
    """The site folders of an archive (those with a run log), or just the named ones."""
    found = sorted(path.parent for path in root.glob(f"*/{RUNS_FILE}"))
    if (root / RUNS_FILE).is_file():
        found = [root]  # the folder of one site itself
    if sites:
        found = [path for path in found if path.name in sites]
    return found
