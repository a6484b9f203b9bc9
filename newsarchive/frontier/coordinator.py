"""A crawl of one site by many worker processes: the coordinator, and a machine joining it.

``newsarchive crawl SITE --workers N --redis URL --store postgresql://…`` is the coordinator:
it takes the site's locks (the folder's, and the store's *shared*, which every process of the
crawl holds and a plain run of the site cannot take), opens the archive as a run does (what
killed runs left is recovered, claims released, the run begun in the store), makes the Redis
frontier this run's (carrying on one an interrupted run left), starts N worker processes
(:mod:`newsarchive.frontier.worker`), prints progress lines that add up every worker, on this
machine or another, and once the frontier is drained and the workers have ended, publishes what
a killed worker left, appends the run's one record (with its workers) and prints the summary.

``newsarchive worker SITE --redis URL --store postgresql://…`` joins the running crawl from
another machine with its own archive folder: its workers take requests from the same frontier
and write into that folder, under the same run id.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from newsarchive import counters
from newsarchive.archive import KINDS, Archive, folder_label, lock
from newsarchive.archive.files import read_records
from newsarchive.archive.store import StoreError
from newsarchive.cli.runner import CrawlOptions, done_this_round, report_end
from newsarchive.extensions import progress_line
from newsarchive.frontier.shared import Frontier, FrontierError, where
from newsarchive.frontier.worker import WorkerJob, run_worker
from newsarchive.health import (
    EXIT_BUSY,
    EXIT_DONE_THIS_ROUND,
    EXIT_FAILED,
    EXIT_FRONTIER_LOST,
    EXIT_OK,
    EXIT_UNREACHABLE,
    Health,
    assess,
)
from newsarchive.records import run_record
from newsarchive.runids import host_name, new_run_id

__all__ = ["LocalWorkers", "Outcome", "crawl_with_workers", "join_crawl", "sum_stats"]

# Workers are forked from multiprocessing's fork server, which imports these first: it holds no
# connection of this process (its lock, its store), which a plain fork would hand the workers.
_FORKS = multiprocessing.get_context("forkserver")
_FORKS.set_forkserver_preload(["newsarchive.frontier.preload"])

# The coordinator's place in Redis ends this long after it last renewed it (every third).
_COORDINATOR_SECONDS = 15.0
# How often the waiting loop looks at the workers.
_POLL = 0.2


def crawl_with_workers(options: CrawlOptions, workers: int, redis_url: str) -> int:
    """``newsarchive crawl --workers``: the whole crawl, its record and summary; exit status."""
    site = options.site.name
    folder = options.out / site
    frontier = Frontier(redis_url, site)
    run_id = options.settings.get("NEWSARCHIVE_RUN_ID") or new_run_id()
    try:
        frontier.call(frontier.redis.ping)
    except FrontierError as error:
        return _say_stop(error, EXIT_UNREACHABLE)
    try:
        lock.acquire(folder, options.store, run_id, shared=True)
    except StoreError as error:
        print(f"newsarchive: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    try:
        holder = frontier.become_coordinator(run_id, _COORDINATOR_SECONDS)
        if holder is not None:
            print(
                f"newsarchive: a crawl of {site} with workers is running (run {holder}, on "
                f"Redis at {where(redis_url)}); join it with 'newsarchive worker', or try "
                "again when it has finished",
                file=sys.stderr,
            )
            return EXIT_BUSY
        try:
            return _coordinate(options, workers, frontier, run_id)
        finally:
            with contextlib.suppress(FrontierError):  # else the place ends on its own
                frontier.step_down(run_id)
    except FrontierError as error:
        return _say_stop(error, EXIT_UNREACHABLE)
    finally:
        lock.release(folder)
        frontier.close()


def _coordinate(options: CrawlOptions, workers: int, frontier: Frontier, run_id: str) -> int:
    if done_this_round(options):
        return EXIT_DONE_THIS_ROUND
    started_at = datetime.now(UTC)
    began = time.monotonic()
    archive = Archive(
        options.out, options.site.name, run_id, store=options.store or "",
        compress=options.compress,
    )  # fmt: skip
    archive.open()
    try:
        left, queued = frontier.begin_run(
            run_id,
            listings_complete=archive.listings_were_complete,
            # What a machine joining the crawl must judge pages by as this one does.
            settings={
                "since": options.since.isoformat() if options.since else None,
                "recheck_days": options.recheck_days,
            },
        )
        if left is not None:
            print(
                f"newsarchive: carrying on the crawl run {left} left unfinished "
                f"({queued} requests queued)"
            )
        crew = LocalWorkers(options, frontier, run_id, archive.listings_were_complete)
        crew.start(workers)
        print(
            f"newsarchive: crawl of {options.site.name} ({options.site.start_urls[0]}), run "
            f"{run_id}: {workers} worker(s) here on Redis at {where(frontier.url)}; other "
            f"machines join with: newsarchive worker {options.site.name} --redis URL --store URL"
        )
        crew.wait(coordinator=True)
        outcomes = crew.outcomes()
        lost = crew.lost
        drained = False
        if lost is None:
            try:
                crew.wait_for_others()
                outcomes = crew.outcomes()
                drained = frontier.drained()
            except FrontierError as error:
                lost = error
        files = archive.recover_workers()
        for outcome in outcomes:
            if outcome.exit_status < 0 and outcome.folder == crew.folder:
                _count_what_it_wrote(outcome, files, archive.folder)
        stats = sum_stats(outcome.stats for outcome in outcomes)
        if lost is not None or any(o.exit_status == EXIT_FRONTIER_LOST for o in outcomes):
            lost_reason = str(lost) if lost else next(
                str(o.stats.get(counters.FRONTIER_ERROR)) for o in outcomes
                if o.exit_status == EXIT_FRONTIER_LOST
            )  # fmt: skip
            stats[counters.FRONTIER_ERROR] = lost_reason
        health = _judge(options, stats, outcomes, drained, crew.stopped_by)
        record_workers = _worker_entries(outcomes, stats)
        stats[counters.FILES] = [str(path) for path in files]
        archive.append_run(
            run_record(
                run_id=run_id,
                site=options.site.name,
                started_at=started_at,
                finished_at=datetime.now(UTC),
                stats=stats,
                health=health,
                files=[path.relative_to(archive.folder).as_posix() for path in files],
                recovered_runs=archive.recovered_runs,
                host=host_name(),
                workers=record_workers,
            )
        )
        if drained:
            if _walked_all_listings(options, stats, outcomes):
                archive.mark_listings_complete()
            frontier.complete()
            archive.mark_finished()
    finally:
        archive.close()
    status = report_end(
        options, stats, time.monotonic() - began, tuple(_worker_lines(record_workers))
    )
    if stats.get(counters.FRONTIER_ERROR):
        print(
            f"newsarchive: {stats[counters.FRONTIER_ERROR]}; the workers stopped, what they "
            "archived is kept, and the same command goes on once Redis is back",
            file=sys.stderr,
        )
    return status


def join_crawl(options: CrawlOptions, workers: int, redis_url: str) -> int:
    """``newsarchive worker``: join the crawl of the site running on that Redis; exit status."""
    site = options.site.name
    folder = options.out / site
    frontier = Frontier(redis_url, site)
    try:
        info = frontier.run()
        coordinator = frontier.coordinator()
    except FrontierError as error:
        return _say_stop(error, EXIT_UNREACHABLE)
    if info is None or coordinator != info.run_id:
        print(f"newsarchive: no crawl of {site} is running on Redis at {where(redis_url)}")
        return EXIT_OK
    options = replace(
        options,
        since=date.fromisoformat(info.settings["since"]) if info.settings.get("since") else None,
        recheck_days=int(info.settings.get("recheck_days", -1)),
    )
    try:
        lock.acquire(folder, options.store, info.run_id, shared=True)
    except StoreError as error:
        print(f"newsarchive: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    archive = Archive(options.out, site, info.run_id, store=options.store or "")
    try:
        archive.open(joining=True)
        archive.recover_workers()  # what a killed run left in this folder
        crew = LocalWorkers(options, frontier, info.run_id, info.listings_complete)
        crew.start(workers)
        print(f"newsarchive: joined run {info.run_id} of {site} with {workers} worker(s)")
        crew.wait(coordinator=False)
        archive.recover_workers()
    finally:
        archive.close()
        lock.release(folder)
        frontier.close()
    outcomes = [outcome for outcome in crew.outcomes() if outcome.worker in crew.processes]
    stats = sum_stats(outcome.stats for outcome in outcomes)
    for line in _worker_lines(_worker_entries(outcomes, stats)):
        print(line)
    statuses = [o.exit_status for o in outcomes if o.exit_status != EXIT_OK]
    if crew.lost is not None or EXIT_FRONTIER_LOST in statuses:
        print(
            f"newsarchive: {crew.lost or 'Redis failed under the workers'}; what they archived "
            "is kept, and the same command joins the crawl again once Redis is back",
            file=sys.stderr,
        )
        return EXIT_FRONTIER_LOST
    return statuses[0] if statuses else EXIT_OK


@dataclass(slots=True)
class Outcome:
    """What one worker did: its id, machine, folder, counts, exit status and files."""

    worker: str
    host: str
    folder: str
    stats: dict[str, Any]
    exit_status: int
    files: list[str] = field(default_factory=list)


class LocalWorkers:
    """The worker processes this machine runs for the crawl, and what they report."""

    def __init__(
        self, options: CrawlOptions, frontier: Frontier, run_id: str, listings_complete: bool
    ) -> None:
        self.options = options
        self.frontier = frontier
        self.run_id = run_id
        self.listings_complete = listings_complete
        self.folder = folder_label(options.out / options.site.name)
        self.processes: dict[str, BaseProcess] = {}
        self.results: dict[str, Path] = {}
        self.lost: FrontierError | None = None
        self.stopped_by = 0
        self._jobs = tempfile.TemporaryDirectory(prefix="newsarchive-workers-")
        self._last_reports: dict[str, dict[str, Any]] = {}
        self._told: set[str] = set()

    def start(self, count: int) -> None:
        for _ in range(count):
            worker = self.frontier.join(
                {"host": host_name(), "folder": self.folder, "run_id": self.run_id}
            )
            job = WorkerJob(
                options=self.options,
                run_id=self.run_id,
                worker=worker,
                redis_url=self.frontier.url,
                listings_complete=self.listings_complete,
                result=Path(self._jobs.name) / f"{worker}.json",
                parent=os.getpid(),
            )
            self.results[worker] = job.result
            # Forked from a server process that imported Scrapy and the crawl's modules once:
            # N workers start in the time of one, not N interpreters importing at once.
            process = _FORKS.Process(target=run_worker, args=(job,), name=f"newsarchive-{worker}")
            process.start()
            self.processes[worker] = process

    def wait(self, *, coordinator: bool) -> None:
        """Wait for this machine's workers, printing progress, passing SIGINT/SIGTERM on once."""
        handlers = {
            sig: signal.signal(sig, self._interrupt) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        interval = self._progress_interval()
        began = last_progress = last_renewal = time.monotonic()
        try:
            while any(process.exitcode is None for process in self.processes.values()):
                time.sleep(_POLL)
                self._tell_of_the_killed()
                now = time.monotonic()
                if self.lost is None and coordinator and now - last_renewal >= 5.0:
                    self._talk(lambda: self.frontier.still_coordinator(
                        self.run_id, _COORDINATOR_SECONDS))  # fmt: skip
                    last_renewal = now
                if interval and now - last_progress >= interval:
                    self._print_progress(now - began)
                    last_progress = now
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
        if interval:
            self._print_progress(time.monotonic() - began)

    def _tell_of_the_killed(self) -> None:
        """Say in Redis, at once, which of this machine's workers died of a signal: the other
        workers take over what such a one claimed and never wrote (``Archive._take_over``)."""
        for worker, process in self.processes.items():
            code = process.exitcode
            if code is not None and code < 0 and worker not in self._told:
                self._told.add(worker)
                fields = {"exit_status": code}
                self._talk(partial(self.frontier.report, worker, fields))

    def outcomes(self) -> list[Outcome]:
        """Every worker of the run, this machine's and the others', with its last word."""
        reported = self._reports()
        outcomes = []
        for worker, fields in sorted(reported.items(), key=lambda item: int(item[0][1:])):
            local = self.results.get(worker)
            if local is not None and local.exists():
                fields = {**fields, **_read_json(local)}
            process = self.processes.get(worker)
            status = fields.get("exit_status")
            if process is not None and process.exitcode is not None and process.exitcode < 0:
                status = process.exitcode  # killed: its counts are its last report's
            outcomes.append(
                Outcome(
                    worker=worker,
                    host=str(fields.get("host", "")),
                    folder=str(fields.get("folder", "")),
                    stats=dict(fields.get("stats") or {}),
                    exit_status=EXIT_FAILED if status is None else int(status),
                    files=list(fields.get("files") or []),
                )
            )
        return outcomes

    def wait_for_others(self) -> None:
        """This machine's workers are done; wait for the other machines' to be (the frontier
        is drained then, unless they all died: their leases end and the next run takes them).
        A machine silent for two leases is taken for gone."""
        lease = float(self.options.settings.get("NEWSARCHIVE_FRONTIER_LEASE") or 60.0)
        quiet_since = time.monotonic()
        seen: dict[str, Any] = {}
        while self.running_elsewhere():
            time.sleep(_POLL * 5)
            self.frontier.still_coordinator(self.run_id, _COORDINATOR_SECONDS)
            reports = {
                worker: self._last_reports.get(worker) for worker in self.running_elsewhere()
            }
            if reports != seen:
                seen, quiet_since = reports, time.monotonic()
            elif time.monotonic() - quiet_since > 2 * lease:
                return

    def running_elsewhere(self) -> list[str]:
        """Workers on other machines that have not said they are done."""
        return [
            worker
            for worker, fields in self._reports().items()
            if worker not in self.processes and "exit_status" not in fields
        ]

    def _reports(self) -> dict[str, dict[str, Any]]:
        if self.lost is None:
            try:
                self._last_reports = self.frontier.workers()
            except FrontierError as error:
                self.lost = error
        known = dict(self._last_reports)
        for worker in self.processes:  # Redis lost before a worker ever reported
            known.setdefault(worker, {"host": host_name(), "folder": self.folder})
        return known

    def _print_progress(self, elapsed: float) -> None:
        outcomes = self.outcomes()
        stats = sum_stats(outcome.stats for outcome in outcomes)
        pages = max(1, _pages(stats))
        shares = " ".join(f"{o.worker} {100 * _pages(o.stats) / pages:.0f}%" for o in outcomes)
        print(f"newsarchive: {progress_line(stats, elapsed)} | workers {shares}", flush=True)

    def _progress_interval(self) -> float:
        value = self.options.settings.get("NEWSARCHIVE_PROGRESS_INTERVAL")
        return float(value) if value is not None else 10.0

    def _talk(self, action: Any) -> None:
        try:
            action()
        except FrontierError as error:
            self.lost = error

    def _interrupt(self, signum: int, _frame: object) -> None:
        if self.stopped_by:
            return
        self.stopped_by = signum
        for process in self.processes.values():
            if process.exitcode is None and process.pid is not None:
                os.kill(process.pid, signum)


def sum_stats(all_stats: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Every worker's counts added up: numbers summed, lists joined; a crawl is "finished"
    only if every worker finished.

    >>> sum_stats([{"pages": 2, "finish_reason": "finished"}, {"pages": 3, "x": [1]}])
    {'pages': 5, 'finish_reason': 'finished', 'x': [1]}
    >>> sum_stats([{"finish_reason": "finished"}, {"finish_reason": "shutdown"}])["finish_reason"]
    'shutdown'
    """
    total: dict[str, Any] = {}
    for stats in all_stats:
        for name, value in stats.items():
            if name == "finish_reason":
                if total.get(name) in (None, "finished"):
                    total[name] = value
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                total[name] = total.get(name, 0) + value
            elif isinstance(value, list):
                total[name] = [*total.get(name, []), *value]
            else:
                total.setdefault(name, value)
    return total


def _judge(
    options: CrawlOptions,
    stats: dict[str, Any],
    outcomes: list[Outcome],
    drained: bool,
    stopped_by: int,
) -> Health:
    """The run's health and exit status, from every worker's counts added up (kept in
    ``stats`` too, as a single run's are, for its summary)."""
    health = assess(stats, max_missing_share=options.max_missing_percent / 100)
    stats[counters.HEALTH] = health.status
    stats[counters.HEALTH_REASONS] = list(health.reasons)
    status = health.exit_status
    if stopped_by:
        stats["finish_reason"] = "shutdown"
        status = 128 + stopped_by
    elif stats.get(counters.FRONTIER_ERROR):
        status = EXIT_FRONTIER_LOST
    elif any(o.stats.get(counters.WRITE_ERROR) for o in outcomes):
        stats[counters.WRITE_ERROR] = next(
            o.stats[counters.WRITE_ERROR] for o in outcomes if o.stats.get(counters.WRITE_ERROR)
        )
        status = EXIT_FAILED
    elif not drained:
        stats["finish_reason"] = "workers_lost"
        status = EXIT_FAILED
    stats[counters.EXIT_STATUS] = status
    return Health(health.status, status, health.reasons)


def _walked_all_listings(
    options: CrawlOptions, stats: dict[str, Any], outcomes: list[Outcome]
) -> bool:
    """As a single run judges it (``ArchiveRun``), over all workers."""
    counts = counters.RunCounts.from_stats(stats)
    limited = bool(options.max_pages or options.max_articles or options.since)
    return (
        all(o.stats.get("finish_reason") == "finished" for o in outcomes if o.exit_status >= 0)
        and not limited
        and counts.listing_pages > 0
        and not stats.get(counters.LISTING_FAILED, 0)
        and not stats.get(counters.ARTICLES_CLAIMED_ELSEWHERE, 0)
    )


def _count_what_it_wrote(outcome: Outcome, files: list[Path], folder: Path) -> None:
    """A killed worker's counts are its last report's; what it wrote after it is in its files
    (published now): count the records there instead."""
    mine = [path for path in files if f".{outcome.worker}-" in path.name]
    articles = [
        record
        for path in mine
        if path.parent.name == KINDS["article"]
        for record in read_records(path)
    ]
    rates = sum(
        1 for path in mine if path.parent.name == KINDS["rates"] for _ in read_records(path)
    )
    new = sum(1 for record in articles if record["version"] == 1)
    outcome.stats.update(
        {
            counters.ARTICLES_NEW: new,
            counters.ARTICLES_UPDATED: len(articles) - new,
            counters.WRITTEN + "article": len(articles),
            counters.RATES_NEW: rates,
            counters.WRITTEN + "rates": rates,
        }
    )
    outcome.files = [path.relative_to(folder).as_posix() for path in mine]


def _worker_entries(outcomes: list[Outcome], stats: dict[str, Any]) -> list[dict[str, Any]]:
    pages = max(1, _pages(stats))
    entries = []
    for outcome in outcomes:
        counts = counters.RunCounts.from_stats(outcome.stats)
        entries.append(
            {
                "worker": outcome.worker,
                "host": outcome.host or host_name(),
                "folder": outcome.folder,
                "pages": counts.pages,
                "articles_new": counts.articles_new,
                "articles_updated": counts.articles_updated,
                "errors": counts.error_count,
                "share": round(counts.pages / pages, 4),
                "exit_status": outcome.exit_status,
                "files": outcome.files,
            }
        )
    return entries


def _worker_lines(entries: list[dict[str, Any]]) -> list[str]:
    lines = [f"  workers            {len(entries)}"]
    for entry in entries:
        killed = (
            f", killed by {signal.Signals(-entry['exit_status']).name}"
            if entry["exit_status"] < 0
            else f", exit status {entry['exit_status']}"
        )
        lines.append(
            f"    {entry['worker']:<4} {entry['host']:<12} {entry['pages']} pages "
            f"({100 * entry['share']:.0f}%), {entry['articles_new']} new articles{killed}"
        )
    return lines


def _pages(stats: dict[str, Any]) -> int:
    return counters.RunCounts.from_stats(stats).pages


def _read_json(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _say_stop(error: FrontierError, status: int) -> int:
    print(f"newsarchive: {error}", file=sys.stderr)
    return status
