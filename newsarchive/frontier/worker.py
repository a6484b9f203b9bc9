"""One worker process of a crawl with a shared frontier: a Scrapy crawl of the site whose
scheduler is the frontier in Redis and whose politeness is the site's, shared.

The crawl's coordinator (``newsarchive crawl --workers``) or ``newsarchive worker`` starts it
(:func:`run_worker`, in a process forked from multiprocessing's fork server, named
``newsarchive-w<k>`` in ``ps -o comm``); it dies with the process that started it (which holds
the site's locks), logs to ``<site>/logs/<run id>.<worker>.log``, reports its counts to Redis as
it goes, and leaves its final counts in ``job.result`` and in Redis. Its exit status is 0 when
it did its share, 1 when it failed, 9 when it lost Redis.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsarchive import counters
from newsarchive.cli.runner import CrawlOptions, crawl_settings, install_log_handler, spider_class
from newsarchive.durable import fsync_folder
from newsarchive.health import EXIT_FAILED, EXIT_FRONTIER_LOST, EXIT_OK

if TYPE_CHECKING:
    from scrapy.settings import Settings

__all__ = ["WorkerJob", "log_file", "run_worker", "worker_settings", "worker_status"]


@dataclass(frozen=True, slots=True)
class WorkerJob:
    options: CrawlOptions
    run_id: str
    worker: str
    redis_url: str
    # What the coordinator read when it opened the archive (the workers' may_stop_early).
    listings_complete: bool
    # Where the worker leaves its final counts, for its parent (which may have lost Redis).
    result: Path
    # The process that started it, and holds the site's locks for it.
    parent: int


def log_file(options: CrawlOptions, run_id: str, worker: str) -> Path:
    return options.out / options.site.name / "logs" / f"{run_id}.{worker}.log"


def worker_settings(job: WorkerJob) -> Settings:
    """The crawl's settings, turned into one worker's: the frontier's scheduler, the shared
    politeness (the site's concurrency and delay go to Redis, each worker's own downloader
    delays nothing and keeps ``CONCURRENT_REQUESTS`` at most in flight), no progress lines
    (the coordinator prints them for all) and no parse worker (the workers are the parallelism).
    """
    options = job.options
    settings = crawl_settings(options, job.run_id)
    site_concurrency = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
    own = max(1, min(settings.getint("CONCURRENT_REQUESTS"), site_concurrency))
    downloader = settings.getdict("DOWNLOADER_MIDDLEWARES")
    downloader["newsarchive.frontier.politeness.SharedPoliteness"] = 990
    spider = settings.getdict("SPIDER_MIDDLEWARES")
    spider["newsarchive.frontier.scheduler.FrontierStart"] = 1200
    log = log_file(options, job.run_id, job.worker)
    log.parent.mkdir(parents=True, exist_ok=True)
    overrides: dict[str, Any] = {
        "NEWSARCHIVE_REDIS_URL": job.redis_url,
        "NEWSARCHIVE_WORKER": job.worker,
        "NEWSARCHIVE_SITE_NAME": options.site.name,
        "NEWSARCHIVE_LISTINGS_COMPLETE": job.listings_complete,
        "NEWSARCHIVE_SITE_CONCURRENCY": site_concurrency,
        "NEWSARCHIVE_SITE_DELAY": settings.getfloat("DOWNLOAD_DELAY"),
        "NEWSARCHIVE_SITE_AUTOTHROTTLE": settings.getbool("AUTOTHROTTLE_ENABLED"),
        "CONCURRENT_REQUESTS": own,
        "CONCURRENT_REQUESTS_PER_DOMAIN": own,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "SCHEDULER": "newsarchive.frontier.scheduler.FrontierScheduler",
        "DOWNLOADER_MIDDLEWARES": downloader,
        "SPIDER_MIDDLEWARES": spider,
        "NEWSARCHIVE_PARSE_WORKER": False,
        "NEWSARCHIVE_PROGRESS_INTERVAL": 0,
        "LOG_FILE": str(log),
        "LOG_FILE_APPEND": True,
    }
    settings.setdict(overrides, priority="cmdline")
    return settings


def worker_status(stats: dict[str, Any]) -> int:
    """A worker's exit status from its final counts: whether it did its share (the run's
    health is judged over all workers, by the coordinator: a worker that happened to fetch
    no listing page is no unreachable site)."""
    if stats.get(counters.FRONTIER_ERROR):
        return EXIT_FRONTIER_LOST
    if stats.get(counters.WRITE_ERROR) or stats.get("finish_reason") != "finished":
        return EXIT_FAILED
    return EXIT_OK


def run(job: WorkerJob) -> int:
    from scrapy.crawler import CrawlerProcess

    from newsarchive.frontier.scheduler import progress_stats
    from newsarchive.frontier.shared import Frontier, FrontierError

    settings = worker_settings(job)
    process = CrawlerProcess(settings)
    install_log_handler(settings, verbose=job.options.verbose)
    crawler = process.create_crawler(spider_class(job.options))
    process.crawl(crawler, site=job.options.site)
    process.start()
    stats = progress_stats(crawler.stats.get_stats() if crawler.stats else {})
    status = worker_status(stats)
    folder = job.options.out / job.options.site.name
    files = [os.path.relpath(path, folder) for path in stats.get(counters.FILES, [])]
    outcome = {"stats": stats, "exit_status": status, "files": files}
    temporary = job.result.with_suffix(".part")
    temporary.write_text(json.dumps(outcome), encoding="utf-8")
    temporary.replace(job.result)
    fsync_folder(job.result.parent)
    frontier = Frontier(job.redis_url, job.options.site.name)
    try:
        frontier.report(job.worker, outcome)
    except FrontierError:
        pass  # the parent reads job.result
    finally:
        frontier.close()
    return status


def run_worker(job: WorkerJob) -> None:
    """A worker process's life, from multiprocessing's fork server."""
    # A session of its own: a terminal's Ctrl-C reaches the command, which passes it on once
    # (a second SIGINT would make Scrapy stop without closing its files).
    os.setsid()
    _die_with(job.parent, f"newsarchive-{job.worker}")
    sys.exit(run(job))


def _die_with(parent: int, name: str) -> None:
    """Be killed when the command that started this worker dies: it holds the site's locks, and
    a worker left running without them could write beside the next run. The fork server this
    process is forked from exits with that command, and this process with the fork server."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        libc.prctl(15, name.encode()[:15])  # PR_SET_NAME: what ps and /proc/<pid>/comm show
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        os._exit(EXIT_FAILED)  # it died before this line
