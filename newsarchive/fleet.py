"""``newsarchive crawl --all``: every site of the configuration, each in its own process.

Each site is crawled by ``python -m newsarchive crawl ...`` with the options the configuration
gives it (``ConfiguredSite.crawl_arguments``), ``jobs`` of them at a time, in the order of the
configuration. A process of its own per site: Scrapy's reactor runs one crawl per process, a
site that crashes or hangs its process takes no other site with it, and the one-writer lock and
the round check stay where they are for a single crawl. Each process gets its run id
(``NEWSARCHIVE_RUN_ID``), so its run record in ``<out>/<site>/runs.jsonl`` is found by that id
afterwards; its output goes to ``<out>/<site>/logs/<run id>.log``, so that ours is one line as
each site starts and one as it ends, then the table of :func:`table`.

Several machines may run the same configuration against the same store at once: a site whose
lock another run holds is reported ``busy`` (``EXIT_BUSY``); with a round (``round``, or
``--round-start``), each process is given the round's start and a site a run of the round has
finished, wherever it ran, is reported ``done`` (``EXIT_DONE_THIS_ROUND``). Neither is a
failure (:func:`overall_status`). Both are asked of the site's lock and store before a process
is started (:func:`_settled`), since with N machines N-1 of every N sites are one or the other;
a process asks again under the lock, and reports a race lost by its exit status (its log file
is then removed: it holds one line, and would pile up with every round).

SIGINT or SIGTERM stops starting sites, is passed on to the running processes (each in a
session of its own, so that a terminal's Ctrl-C reaches them once, through us: a second one
makes Scrapy stop at once), waits for them, prints the table of what ran, and exits 128 plus
the signal's number.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import IO, Any

from newsarchive.archive import ArchiveBusyError, finished_run_since, lock
from newsarchive.config import ConfiguredSite, round_start
from newsarchive.health import (
    EXIT_BUSY,
    EXIT_DONE_THIS_ROUND,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
)

__all__ = [
    "SiteRun",
    "crawl_all",
    "last_run",
    "overall_status",
    "run_record",
    "table",
]

# Not failures: the site is being crawled, or has been this round, by another run.
_SKIPPED = {EXIT_BUSY: "busy", EXIT_DONE_THIS_ROUND: "done"}
# The health shown for a process that wrote no run record, by its exit status.
_WITHOUT_RECORD = {
    EXIT_FAILED: "failed",
    EXIT_USAGE: "bad input",
    EXIT_UNREACHABLE: "unreachable",
    **_SKIPPED,
}
# What keeps _settled from telling: a store that fails, is newer or needs psycopg (each a
# RuntimeError or an ImportError), a folder it cannot write. The process then says what is wrong.
_CANNOT_TELL = (RuntimeError, ImportError, sqlite3.Error, OSError)
# How often the running processes are looked at.
_POLL_SECONDS = 0.05
RUNS_FILE = "runs.jsonl"


@dataclass(frozen=True, slots=True)
class SiteRun:
    """One site's crawl process, as it ended."""

    site: ConfiguredSite
    run_id: str | None  # None when no process was started (see _settled)
    log: Path | None
    # Its exit status, or minus the signal that killed it (as subprocess says).
    returncode: int
    seconds: float
    record: dict[str, Any] | None  # its run record, when it wrote one

    @property
    def status(self) -> int:
        """The exit status it counts as: a process killed by a signal failed."""
        return self.returncode if self.returncode >= 0 else EXIT_FAILED

    @property
    def health(self) -> str:
        if self.returncode in _SKIPPED:
            return _SKIPPED[self.returncode]
        if self.record is not None:
            return str(self.record.get("health", "unknown"))
        if self.returncode < 0:
            return "killed"
        return _WITHOUT_RECORD.get(self.returncode, "failed")

    @property
    def exit_text(self) -> str:
        if self.returncode < 0:
            return signal.Signals(-self.returncode).name
        return str(self.returncode)

    def counts(self) -> tuple[str, str, str, str]:
        """Pages, new and updated articles, errors: from the run record, '-' without one."""
        record = self.record
        if record is None:
            return ("-", "-", "-", "-")
        errors = sum(record.get("errors", {}).values())
        return (
            str(record.get("pages", 0)),
            str(record.get("articles_new", 0)),
            str(record.get("articles_updated", 0)),
            str(errors),
        )


def crawl_all(
    sites: Sequence[ConfiguredSite], *, jobs: int, round_started: datetime | None = None
) -> int:
    """Crawl every site, ``jobs`` processes at a time; print progress and the table; return
    the overall exit status (:func:`overall_status`, or 128 + a signal that stopped us).

    Each site's round starts at ``round_started`` when given, else, when the site has a round
    length, now floored to it; its process then leaves a site a run of the round finished.
    """
    fleet = _Fleet(sites, jobs, datetime.now(UTC), round_started)
    handlers = {sig: signal.signal(sig, fleet.interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        runs = fleet.run()
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    print(table(runs), flush=True)
    status = 128 + fleet.stopped_by if fleet.stopped_by else overall_status(runs)
    print(_summary(runs, len(sites), status), flush=True)
    return status


def overall_status(runs: Iterable[SiteRun]) -> int:
    """0 when every site was healthy, busy or done elsewhere this round; otherwise the exit
    status of the first site in the configuration's order that was not (1 when killed).

    >>> from types import SimpleNamespace as Run
    >>> overall_status([Run(status=0), Run(status=5), Run(status=8)])
    0
    >>> overall_status([Run(status=5), Run(status=3), Run(status=6)])
    3
    """
    return next((run.status for run in runs if run.status not in (EXIT_OK, *_SKIPPED)), EXIT_OK)


def table(runs: Sequence[SiteRun]) -> str:
    """The runs' table: site, pages, new, updated, errors, health, exit status, duration."""
    header = ("site", "pages", "new", "updated", "errors", "health", "exit", "duration")
    rows = [
        (run.site.name, *run.counts(), run.health, run.exit_text, f"{run.seconds:.1f} s")
        for run in runs
    ]
    widths = [max(len(row[column]) for row in (header, *rows)) for column in range(len(header))]
    # Names and health read from the left, numbers from the right.
    left = {0, 5}
    return "\n".join(
        "  ".join(
            cell.ljust(width) if column in left else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in (header, *rows)
    )


def run_record(folder: Path, run_id: str) -> dict[str, Any] | None:
    """The run record ``run_id`` left in the site's run log, if it wrote one."""
    return next(
        (record for record in _runs_from_end(folder) if record.get("run_id") == run_id), None
    )


def last_run(folder: Path) -> dict[str, Any] | None:
    """The site's last run record, or None when it was never run."""
    return next(_runs_from_end(folder), None)


class _Fleet:
    """The processes of one ``crawl --all``: those to start, those running, those ended."""

    def __init__(
        self, sites: Sequence[ConfiguredSite], jobs: int, now: datetime, start: datetime | None
    ) -> None:
        self.sites = sites
        self.jobs = jobs
        self.now = now
        self.start = start
        self.pending = deque(sites)
        self.running: dict[subprocess.Popen[bytes], tuple[ConfiguredSite, str, Path, float]] = {}
        self.ended: dict[int, SiteRun] = {}  # by the site's number
        self.stopped_by = 0  # the signal that stopped us, 0 while none has

    def run(self) -> list[SiteRun]:
        while self.running or (self.pending and not self.stopped_by):
            while self.pending and len(self.running) < self.jobs and not self.stopped_by:
                self._start(self.pending.popleft())
            time.sleep(_POLL_SECONDS)
            for process in [process for process in self.running if process.poll() is not None]:
                self._end(process)
        return [self.ended[number] for number in sorted(self.ended)]

    def interrupt(self, signum: int, frame: FrameType | None) -> None:
        """Start no more sites; pass the signal on to the running ones."""
        self.stopped_by = signum
        for process in self.running:
            process.send_signal(signum)

    def round_start(self, site: ConfiguredSite) -> datetime | None:
        """The start of the site's round: the one given, else from its round's length."""
        if self.start is not None:
            return self.start
        return round_start(self.now, site.round_seconds) if site.round_seconds else None

    def _start(self, site: ConfiguredSite) -> None:
        # Here, not at the top: Scrapy comes with it, and 'newsarchive sites' stays instant.
        from newsarchive.runids import new_run_id

        began = time.monotonic()
        since = self.round_start(site)
        settled = _settled(site, since)
        if settled is not None:
            self._record(SiteRun(site, None, None, settled, time.monotonic() - began, None))
            return
        if self.stopped_by:  # the signal came while the store was asked: not started
            return
        run_id = new_run_id()
        log = site.folder / "logs" / f"{run_id}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "newsarchive", "crawl", *site.crawl_arguments()]
        command += ["-s", f"NEWSARCHIVE_RUN_ID={run_id}"]
        if since is not None:
            command += ["--round-start", since.isoformat()]
        environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if site.options.store:
            environment["NEWSARCHIVE_STORE"] = site.options.store
        with log.open("ab") as output:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                env=environment,
                start_new_session=True,
            )
        self.running[process] = (site, run_id, log, began)
        if self.stopped_by:  # the signal came while it was starting
            process.send_signal(self.stopped_by)
        started = len(self.ended) + len(self.running)
        _say(f"started {site.name} ({started}/{len(self.sites)}): log {log}")

    def _end(self, process: subprocess.Popen[bytes]) -> None:
        site, run_id, log, began = self.running.pop(process)
        if process.returncode in _SKIPPED:
            log.unlink(missing_ok=True)
        record = run_record(site.folder, run_id)
        self._record(
            SiteRun(site, run_id, log, process.returncode, time.monotonic() - began, record)
        )

    def _record(self, run: SiteRun) -> None:
        self.ended[run.site.number] = run
        pages, new, updated, errors = run.counts()
        counts = (
            f", {pages} pages, {new} new, {updated} updated, {errors} errors" if run.record else ""
        )
        verb = "ended  " if run.log else "skipped"
        _say(
            f"{verb} {run.site.name} ({len(self.ended)}/{len(self.sites)}): {run.health}, exit "
            f"{run.exit_text}{counts}, {run.seconds:.1f} s"
        )


def _settled(site: ConfiguredSite, since: datetime | None) -> int | None:
    """``EXIT_BUSY`` or ``EXIT_DONE_THIS_ROUND`` when the site's lock or store already says so,
    without a process: with several machines sharing the sites, most sites of a round are one
    or the other, and a crawl process costs a second of a processor before it knows. Only a
    shortcut: the process asks both again under the site's lock, as for a single crawl."""
    store = site.options.store
    try:
        lock.acquire(site.folder, store)
    except ArchiveBusyError:
        return EXIT_BUSY
    except _CANNOT_TELL:
        return None
    try:
        if since is None:
            return None
        done = finished_run_since(site.folder, store, since) is not None
        return EXIT_DONE_THIS_ROUND if done else None
    except _CANNOT_TELL:
        return None
    finally:
        lock.release(site.folder)


def _summary(runs: Sequence[SiteRun], total: int, status: int) -> str:
    """The line under the table: how many sites ended how, and the exit status."""
    healthy = sum(run.status == EXIT_OK for run in runs)
    busy = sum(run.returncode == EXIT_BUSY for run in runs)
    done = sum(run.returncode == EXIT_DONE_THIS_ROUND for run in runs)
    failed = len(runs) - healthy - busy - done
    line = (
        f"{total} sites: {healthy} healthy, {busy} busy, {done} done this round already, "
        f"{failed} failed"
    )
    if len(runs) < total:
        line += f", {total - len(runs)} not started (interrupted)"
    return f"{line}; exit status {status}"


def _runs_from_end(folder: Path) -> Iterator[dict[str, Any]]:
    """The run records of a site's run log, newest first; a torn last line is skipped."""
    path = folder / RUNS_FILE
    if not path.is_file():
        return
    with path.open("rb") as handle:
        for line in _lines_from_end(handle):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("kind") == "run":
                yield record


def _lines_from_end(handle: IO[bytes], chunk: int = 1 << 16) -> Iterator[bytes]:
    """A file's lines, last first, read a chunk at a time from the end: a run log grows by a
    line a run for years, and the records wanted are the last ones.

    >>> import io
    >>> list(_lines_from_end(io.BytesIO(b"first\\nsecond line\\nthird\\n"), chunk=4))
    [b'third', b'second line', b'first']
    """
    end = handle.seek(0, os.SEEK_END)
    rest = b""
    while end > 0:
        start = max(0, end - chunk)
        handle.seek(start)
        lines = (handle.read(end - start) + rest).split(b"\n")
        end = start
        rest = lines.pop(0)  # maybe the end of a line that began in the chunk before
        yield from (line for line in reversed(lines) if line.strip())
    if rest.strip():
        yield rest


def _say(line: str) -> None:
    print(line, flush=True)
