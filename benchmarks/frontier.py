"""What a crawl with workers over the shared Redis frontier gains and costs.

    python benchmarks/frontier.py [--articles 2000] [--rounds 3] [--workers 1 2 4]
                                  [--polite-articles 60] [--queued 300000] [--in-flight 2]
                                  [--store postgresql://...] [--quick]

  1. Pages per second of ``newsarchive crawl --workers N`` for each N of ``--workers`` on a
     synthetic site of ``--articles`` articles (benchmarks/synthetic_site.py, 50 a listing
     page, 30 ms before each answer, pages rendered beforehand) with the limits raised so
     that each worker keeps ``--in-flight`` requests (2) in flight; the speed-up over one
     worker (median of the rounds' ratios), and the processor time the crawl's processes
     took (summed from /proc over the command and its descendants) over wall time x cores: on a
     2-core machine, is the delay or the processors the limit? The site's log gives the
     rate it saw and how many requests it was answering at once, on average.
  2. The site's politeness as its site file says (everyday's [throttle]: 0.5 s apart, 2 in
     flight, with AutoThrottle; given with -s, since a copy of a site on loopback keeps
     none), nothing raised, with 1 and 4 workers on a site of ``--polite-articles``
     articles: requests per second and most in flight, from the server's log. Four workers
     must send the site no more than one does.
  3. Redis memory of a backfill's frontier: ``--queued`` article requests (built as the
     spiders build them) pushed through the frontier's queue class, and as many
     fingerprints through scrapy-redis' duplicate filter: ``MEMORY USAGE`` of each key,
     and the growth of ``used_memory``, per request and per fingerprint.
  4. Redis operations per page: every command the crawl's processes sent during one more
     crawl with the largest ``--workers`` (read with MONITOR, which also tells the
     frontier's Lua scripts apart by their SHA-1), by command and by what it is for; the
     total of ``INFO commandstats`` (which counts the commands run inside the scripts
     too); the frontier's largest size meanwhile; and Redis' processor time a page, from
     section 1's crawls (MONITOR costs Redis some).

Every crawl runs into a fresh archive folder, a fresh PostgreSQL schema on ``--store``
(dropped afterwards) and an empty Redis: a ``redis-server`` this script starts on a free
loopback port, without persistence, so that its INFO figures are this script's alone. Each
crawl must archive every article once, its site fetch each article page once, or the
script stops. The machine is shared and has few cores (printed, with how busy it was in
all during each crawl): read medians and ratios, not one round.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# This folder holds incremental.py, which would shadow Twisted's `incremental` package: it goes
# last; the package must be this checkout's.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != HERE), str(HERE)]

import redis  # noqa: E402
import scrapy  # noqa: E402
from scrapy_redis.dupefilter import RFPDupeFilter  # noqa: E402
from store import fresh_schema  # noqa: E402
from synthetic_site import SECTIONS, Hit, SyntheticSite, max_in_flight, rate  # noqa: E402

from newsarchive.conditional import VIA  # noqa: E402
from newsarchive.frontier import politeness, scheduler, shared  # noqa: E402
from newsarchive.frontier.scheduler import _LeasedQueue  # noqa: E402
from newsarchive.frontier.shared import Frontier  # noqa: E402
from newsarchive.sites import load_site  # noqa: E402
from newsarchive.spiders.news import NewsSpider  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432/test"
SITE = "everyday"
DELAY = 0.03
PER_PAGE = 50
IN_FLIGHT = 2  # each worker's CONCURRENT_REQUESTS with the limits raised (--in-flight)


def raised(in_flight: int) -> list[str]:
    """The settings that raise the site's limits, each worker keeping ``in_flight``."""
    return [
        "-s", f"CONCURRENT_REQUESTS={in_flight}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
    ]  # fmt: skip


# Below this share of the processors the crawl is not held back by them.
CPU_BOUND = 0.70
# The note in shared/notes/scale-and-evidence.md: a scrapy-redis fingerprint costs 88 bytes.
NOTED_FINGERPRINT = 88
_MONITORED = re.compile(rb'^\+[\d.]+ \[\d+ ([^\]]+)\] "([^"]*)"(?: "((?:[^"\\]|\\.)*)")?')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", default=SERVER, help=f"a PostgreSQL server (default {SERVER})")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--polite-articles", type=int, default=60)
    parser.add_argument("--queued", type=int, default=300_000, help="a backfill's articles")
    parser.add_argument(
        "--in-flight", type=int, default=IN_FLIGHT, help="each worker's CONCURRENT_REQUESTS"
    )
    parser.add_argument("--quick", action="store_true", help="a tiny run, for CI")
    args = parser.parse_args()
    if args.quick:
        args.articles, args.rounds, args.polite_articles, args.queued = 60, 1, 4, 1000
        args.workers = [1, 2]
    counts = sorted({1, *args.workers})
    with private_redis() as server:
        info = server.info("server")
        print(
            f"frontier: newsarchive crawl --workers N, Redis {info['redis_version']} (private, "
            f"no persistence), PostgreSQL at {args.store.split('@')[-1]}; {os.cpu_count()} "
            f"cores; load average {os.getloadavg()[0]:.1f} at the start"
        )
        with (
            SyntheticSite(args.articles, delay=DELAY, per_page=PER_PAGE) as site,
            SyntheticSite(args.polite_articles, delay=DELAY, per_page=PER_PAGE) as small,
        ):
            site.warm()
            small.warm()
            found = report_speed(site, server, args.store, counts, args.rounds, args.in_flight)
            report_politeness(small, server, args.store)
            report_memory(server, args.queued)
            report_operations(site, server, args.store, found[max(counts)], args.in_flight)
    return 0


# --- the servers ------------------------------------------------------------------------------


@contextlib.contextmanager
def private_redis() -> Iterator[redis.Redis]:
    """A ``redis-server`` of this script's own on a free loopback port, stopped afterwards."""
    executable = shutil.which("redis-server")
    if executable is None:
        sys.exit("frontier: redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    with tempfile.TemporaryDirectory(prefix="frontier-redis-") as folder:
        command = [executable, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                   "--appendonly", "no", "--dir", folder]  # fmt: skip
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        # One connection, so that MONITOR can tell this script's own commands by its address.
        client = redis.Redis("127.0.0.1", port, single_connection_client=True)
        try:
            deadline = time.monotonic() + 10
            while True:
                with contextlib.suppress(redis.ConnectionError):
                    if client.ping():
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"frontier: redis-server did not start on port {port}")
                time.sleep(0.05)
            yield client
        finally:
            client.close()
            process.terminate()
            process.wait(timeout=10)


def redis_url(server: redis.Redis) -> str:
    kwargs = server.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/0"


# --- one crawl --------------------------------------------------------------------------------


class TreeClock:
    """Processor seconds of a process and all its descendants, read from /proc every 0.25 s
    while it runs. The kernel's accounting of this script's children does not see the
    workers: they are children of multiprocessing's fork server, which the command does not
    wait for. A process's last 0.25 s, and one that lives less, go uncounted."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[tuple[int, str], int] = {}  # (pid, start time) -> its latest ticks
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.25):
            self.sample()

    def sample(self) -> None:
        parents: dict[int, int] = {}
        fields: dict[int, list[str]] = {}
        for path in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError):  # gone meanwhile
                rest = _stat(path)[1]
                pid = int(path.parent.name)
                parents[pid], fields[pid] = int(rest[1]), rest
        for pid, rest in fields.items():
            ancestor = pid
            while ancestor not in (self.root, 0, 1) and ancestor in parents:
                ancestor = parents[ancestor]
            if ancestor == self.root:
                self.seen[pid, rest[19]] = int(rest[11]) + int(rest[12])  # utime + stime

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return sum(self.seen.values()) / _TICK


@dataclass(frozen=True, slots=True)
class Usage:
    """Processor seconds taken so far by the site (this process's threads), redis-server and
    PostgreSQL (all its processes, whoever they serve); the machine's clock ticks, all and
    idle."""

    site: float
    redis: float
    postgres: float
    ticks: int
    idle: int

    @classmethod
    def now(cls, redis_pid: int) -> Usage:
        own = resource.getrusage(resource.RUSAGE_SELF)
        with Path("/proc/stat").open(encoding="ascii") as stat:
            ticks = [int(field) for field in stat.readline().split()[1:]]
        postgres = 0.0
        for path in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):  # gone meanwhile
                name, fields = _stat(path)
                if name == "postgres":  # its backends' too, once it has reaped them
                    postgres += sum(int(field) for field in fields[11:15])
        return cls(
            site=own.ru_utime + own.ru_stime,
            redis=sum(int(field) for field in _stat(Path(f"/proc/{redis_pid}/stat"))[1][11:13])
            / _TICK,
            postgres=postgres / _TICK,
            ticks=sum(ticks),
            idle=ticks[3] + ticks[4],  # idle, iowait
        )


_TICK = os.sysconf("SC_CLK_TCK")


def _stat(path: Path) -> tuple[str, list[str]]:
    """A process's name and the fields after it in /proc/PID/stat."""
    text = path.read_text(encoding="ascii", errors="replace")
    name, rest = text.split("(", 1)[1].rsplit(")", 1)
    return name, rest.split()


@dataclass(frozen=True, slots=True)
class Crawl:
    """One ``newsarchive crawl --workers N``, as the machine and the site saw it."""

    workers: int
    wall: float
    hits: list[Hit]
    cpu: float  # processor seconds of the crawl's processes
    servers: float  # of the site, Redis and PostgreSQL
    redis_cpu: float
    busy: float  # share of all cores busy with anything
    begun: float  # time.monotonic() when the command started
    ended: float  # ... and when it exited

    @property
    def lead(self) -> float:
        """Seconds from the command's start to the site's first request: start-up."""
        return min(h.started for h in self.hits) - self.begun

    @property
    def tail(self) -> float:
        """Seconds from the site's last answer to the command's exit: winding down."""
        return self.ended - max(h.finished or h.started for h in self.hits)

    @property
    def pages_per_second(self) -> float:
        return len(self.hits) / self.wall

    def share(self, seconds: float) -> float:
        """Processor seconds as a share of all the cores during the crawl."""
        return seconds / (self.wall * (os.cpu_count() or 1))

    @property
    def in_flight(self) -> float:
        """Requests the site was answering at once, on average over its busy span."""
        span = max(h.finished or 0.0 for h in self.hits) - min(h.started for h in self.hits)
        return sum((h.finished or h.started) - h.started for h in self.hits) / span


def crawl(
    site: SyntheticSite, server: redis.Redis, store: str, workers: int, settings: list[str]
) -> Crawl:
    """Crawl the whole site with ``workers`` workers into fresh stores; stop unless every
    article was fetched once and archived once."""
    server.flushall()
    mark = len(site.log)
    with fresh_schema(store) as schema, tempfile.TemporaryDirectory(prefix="frontier-") as out:
        assert schema is not None
        command = [sys.executable, "-m", "newsarchive", "crawl", site.url, "--site", SITE,
                   "--out", out, "--store", schema, "--workers", str(workers),
                   "--redis", redis_url(server), "-s", "NEWSARCHIVE_PROGRESS_INTERVAL=0",
                   *settings]  # fmt: skip
        pid = int(server.info("server")["process_id"])
        before = Usage.now(pid)
        started = time.monotonic()
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        clock = TreeClock(process.pid)
        stdout, stderr = process.communicate()
        ended = time.monotonic()
        cpu = clock.stop()
        after = Usage.now(pid)
        result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        hits = site.hits(mark)
        _check(result, hits, Path(out), site.count, workers)
    redis_cpu = after.redis - before.redis
    servers = after.site - before.site + redis_cpu + after.postgres - before.postgres
    busy = 1 - (after.idle - before.idle) / (after.ticks - before.ticks)
    return Crawl(workers, ended - started, hits, cpu, servers, redis_cpu, busy, started, ended)


def _check(
    result: subprocess.CompletedProcess[str], hits: list[Hit], out: Path, count: int, n: int
) -> None:
    fetched = collections.Counter(h.path for h in hits if h.path.endswith("-post.html"))
    ids = []
    for path in (out / SITE / "articles").glob("*.jsonl"):
        ids += [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]
    twice = sorted(path for path, times in fetched.items() if times > 1)
    problems = [
        f"exit status {result.returncode}" if result.returncode else "",
        f"{len(fetched)} of {count} article pages fetched" if len(fetched) != count else "",
        f"fetched more than once: {twice[:5]}" if twice else "",
        f"{len(ids)} article records, {len(set(ids))} ids" if len(ids) != count else "",
    ]
    if any(problems):
        sys.exit(
            f"frontier: the crawl with {n} worker(s) went wrong: "
            f"{'; '.join(p for p in problems if p)}\n--- stdout\n{result.stdout[-3000:]}"
            f"\n--- stderr\n{result.stderr[-3000:]}"
        )


# --- 1. pages per second ----------------------------------------------------------------------


def report_speed(
    site: SyntheticSite,
    server: redis.Redis,
    store: str,
    counts: list[int],
    rounds: int,
    in_flight: int,
) -> dict[int, list[Crawl]]:
    settings = raised(in_flight)
    found: dict[int, list[Crawl]] = {n: [] for n in counts}
    ratios: dict[int, list[float]] = {n: [] for n in counts}
    for number in range(rounds):
        order = counts[number % len(counts) :] + counts[: number % len(counts)]
        for n in order:
            found[n].append(crawl(site, server, store, n, settings))
        for n in counts:
            ratios[n].append(found[n][-1].pages_per_second / found[1][-1].pages_per_second)
    pages = len(found[1][0].hits)
    cores = os.cpu_count() or 1

    def median(of: Callable[[Crawl], float], n: int) -> float:
        return statistics.median(of(c) for c in found[n])

    print(
        f"\n1. pages per second, limits raised ({' '.join(settings[1::2])}): {site.count:,} "
        f"articles, {PER_PAGE} a listing page ({pages:,} pages), {DELAY * 1000:.0f} ms before "
        f"each answer; median of {rounds} round(s)"
    )
    print(
        f"  {'workers':<8} {'wall s':>7} {'pages/s':>8} {'speed-up':>9} {'site req/s':>11} "
        f"{'in flight':>10} {'start-up s':>10} {'wind-down s':>11}"
    )
    for n in counts:
        print(
            f"  {n:<8} {median(lambda c: c.wall, n):>7.1f} "
            f"{median(lambda c: c.pages_per_second, n):>8.1f} "
            f"{statistics.median(ratios[n]):>8.2f}x {median(lambda c: rate(c.hits), n):>11.1f} "
            f"{median(lambda c: c.in_flight, n):>5.2f} of {n * in_flight} "
            f"{median(lambda c: c.lead, n):>10.1f} {median(lambda c: c.tail, n):>11.1f}"
        )
    print(
        f"  pages/s: pages the site answered / the command's wall time, start-up included; site "
        f"req/s: from its first request to its last answer; in flight: requests the site was "
        f"answering at once, on average, of at most {in_flight} a worker (the "
        f"{DELAY * 1000:.0f} ms alone would let a worker fetch {in_flight / DELAY:.0f} pages/s); "
        f"start-up: from the command's start to the site's first request; wind-down: from its "
        f"last answer to the command's exit"
    )
    print(f"  processors during these crawls, share of the {cores} cores:")
    print(
        f"  {'workers':<8} {'crawl CPU s':>12} {'the crawl':>10} {'a worker':>9} "
        f"{'site, Redis, PostgreSQL':>24} {'anything else':>14} {'Redis ms/page':>14}"
    )
    crawl_share: dict[int, float] = {}
    servers_share: dict[int, float] = {}
    other_share: dict[int, float] = {}
    for n in counts:
        crawl_share[n] = median(lambda c: c.share(c.cpu), n)
        servers_share[n] = median(lambda c: c.share(c.servers), n)
        other_share[n] = median(lambda c: max(0.0, c.busy - c.share(c.cpu + c.servers)), n)
        print(
            f"  {n:<8} {median(lambda c: c.cpu, n):>12.1f} {100 * crawl_share[n]:>9.0f}% "
            f"{100 * crawl_share[n] * cores / n:>8.0f}% {100 * servers_share[n]:>23.0f}% "
            f"{100 * other_share[n]:>13.0f}% "
            f"{1000 * median(lambda c: c.redis_cpu / len(c.hits), n):>14.2f}"
        )
    per_page = median(lambda c: c.cpu / len(c.hits), 1)
    print(
        "  a worker: the crawl's share / workers, as a share of one core (a worker is one "
        "thread); site, Redis, PostgreSQL: this process's threads, redis-server and every "
        "PostgreSQL process; anything else: the rest of the machine's busy time; one worker's "
        f"crawl took {1000 * per_page:.1f} ms of processor a page, start-up included"
    )
    most = max(counts)
    if max(crawl_share.values()) < CPU_BOUND:
        print(
            f"  -> the crawl used at most {100 * max(crawl_share.values()):.0f}% of the {cores} "
            f"cores (below {100 * CPU_BOUND:.0f}%): the processors are not its limit; each "
            f"worker waits, for the site's {DELAY * 1000:.0f} ms a request and on its own "
            "thread between them (its share of one core above)"
        )
    else:
        print(
            f"  -> the crawl used up to {100 * max(crawl_share.values()):.0f}% of the {cores} "
            f"cores (at or above {100 * CPU_BOUND:.0f}%): the processors, not the site's "
            f"{DELAY * 1000:.0f} ms, are its limit"
        )
    if crawl_share[most] + servers_share[most] >= CPU_BOUND:
        print(
            f"  -> with the site, Redis and PostgreSQL on the same {cores} cores, {most} workers "
            f"kept {100 * (crawl_share[most] + servers_share[most]):.0f}% of them busy: more "
            "workers on this one machine would share its processors"
        )
    if max(other_share.values()) >= 0.1:
        print(
            f"  (other work took up to {100 * max(other_share.values()):.0f}% of the machine "
            "during these crawls: they ran slower than on a quiet machine)"
        )
    return found


# --- 2. the site's own politeness -------------------------------------------------------------


def report_politeness(site: SyntheticSite, server: redis.Redis, store: str) -> None:
    # A copy of a site on loopback keeps no [throttle] (Site.on_host): it is given here as the
    # site file says, as on the real site, and nothing is raised.
    throttle = load_site(SITE).throttle
    given = [f"{name}={value}" for name, value in throttle.items()]
    found = {
        n: crawl(site, server, store, n, [a for g in given for a in ("-s", g)]) for n in (1, 4)
    }
    cap = int(throttle["CONCURRENT_REQUESTS_PER_DOMAIN"])
    print(
        f"\n2. the site file's politeness ({SITE}'s [throttle]: {' '.join(given)}, AutoThrottle "
        f"on), nothing raised: {site.count} articles ({len(found[1].hits)} pages), "
        f"{DELAY * 1000:.0f} ms before each answer; one crawl each"
    )
    print(
        f"  {'workers':<8} {'wall s':>7} {'requests':>9} {'site req/s':>11} {'most in flight':>15}"
    )
    for n, c in found.items():
        print(
            f"  {n:<8} {c.wall:>7.1f} {len(c.hits):>9} {rate(c.hits):>11.2f} "
            f"{max_in_flight(c.hits):>15}"
        )
    ratio = rate(found[4].hits) / rate(found[1].hits)
    most = max(max_in_flight(c.hits) for c in found.values())
    print(
        f"  -> 4 workers send the site {ratio:.2f}x the requests per second 1 worker sends: "
        f"{'no more than one (within 10%)' if ratio <= 1.1 else 'MORE than one (over 10%)'}, "
        f"at most {most} in flight ({'within' if most <= cap else 'OVER'} the site's {cap}); "
        "each worker's first request is its own robots.txt"
    )


# --- 3. Redis memory --------------------------------------------------------------------------


def article_requests(spider: NewsSpider, count: int) -> Iterator[scrapy.Request]:
    """``count`` distinct article requests, as NewsSpider.parse_listing makes them, with
    URLs shaped as the synthetic site's (section, numeric id)."""
    base = "http://127.0.0.1:8766"
    for number in range(count):
        listing = f"{base}/page/{number // PER_PAGE + 1}/"
        yield scrapy.Request(
            f"{base}/{SECTIONS[number % len(SECTIONS)]}/{100000 + number}-post.html",
            callback=spider.parse_article,
            errback=spider.failed,
            priority=1,
            encoding="utf-8",
            meta={VIA: (f"{base}/", listing)},
        )


def report_memory(server: redis.Redis, count: int) -> None:
    spider = NewsSpider(site=SITE)
    frontier = Frontier(redis_url(server), SITE)
    server.flushall()
    queue = _LeasedQueue(frontier, spider, 60_000, "w1")
    sample = list(article_requests(spider, 1000))
    pickled = statistics.mean(len(queue._encode_request(r)) for r in sample)
    queued = _memory_of(server, frontier.key("queue"), count, lambda: [
        queue.push(r) for r in article_requests(spider, count)])  # fmt: skip
    server.flushall()
    seen = RFPDupeFilter(server, key=frontier.key("seen"))
    found = _memory_of(server, frontier.key("seen"), count, lambda: [
        seen.request_seen(r) for r in article_requests(spider, count)])  # fmt: skip
    server.flushall()
    frontier.close()
    print(
        f"\n3. Redis memory, {count:,} of each (article requests as the spider makes them, URLs "
        f"of {len(sample[0].url)} characters shaped as the synthetic site's, via its listing "
        "pages)"
    )
    print(f"  {'what':<46} {'MEMORY USAGE':>13} {'used_memory':>12}")
    print(f"  {'queued request (frontier queue, sorted set)':<46} {queued[0]:>11.0f} B "
          f"{queued[1]:>10.0f} B   ({pickled:.0f} B pickled)")  # fmt: skip
    print(f"  {'seen fingerprint (RFPDupeFilter, set)':<46} {found[0]:>11.0f} B "
          f"{found[1]:>10.0f} B   (the note says {NOTED_FINGERPRINT} B: "
          f"{found[0] / NOTED_FINGERPRINT:.2f}x)")  # fmt: skip
    print(
        f"  all {count:,}: {queued[0] * count / 1e6:,.1f} MB queued, {found[0] * count / 1e6:,.1f}"
        f" MB of fingerprints (MEMORY USAGE: the key's own size, SAMPLES 0: every element; "
        "used_memory: the server's growth)"
    )


def _memory_of(
    server: redis.Redis, key: str, count: int, fill: Callable[[], list[object]]
) -> tuple[float, float]:
    """Bytes per element of the ``count`` that ``fill()`` adds to ``key``: by MEMORY USAGE
    and by used_memory."""
    before = int(server.info("memory")["used_memory"])
    fill()
    after = int(server.info("memory")["used_memory"])
    kind = server.type(key)
    held = server.zcard(key) if kind == b"zset" else server.scard(key)
    if held != count:
        sys.exit(f"frontier: {key} holds {held} of the {count} pushed")
    usage = int(server.memory_usage(key, samples=0) or 0)
    return usage / count, (after - before) / count


# --- 4. Redis operations per page -------------------------------------------------------------


class Monitor:
    """Every command Redis runs but those of the ``ignored`` clients (``host:port``), read from
    MONITOR on a socket of its own, counted by command and first argument."""

    def __init__(self, server: redis.Redis, ignored: set[str]) -> None:
        kwargs = server.connection_pool.connection_kwargs
        self.ignored = {address.encode() for address in ignored}
        self.socket = socket.create_connection((kwargs["host"], kwargs["port"]))
        self.socket.sendall(b"MONITOR\r\n")
        self.lines = self.socket.makefile("rb")
        if self.lines.readline() != b"+OK\r\n":
            sys.exit("frontier: Redis refused MONITOR")
        self.sent: collections.Counter[tuple[str, str]] = collections.Counter()
        self.scripted: collections.Counter[str] = collections.Counter()
        self.left_out = 0
        self._thread = threading.Thread(target=self._read, name="monitor", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self.lines:
            found = _MONITORED.match(line)
            if found is None:
                continue
            client, command, first = found.group(1), found.group(2).decode().upper(), found.group(3)
            if client in self.ignored:
                self.left_out += 1
            elif client == b"lua":
                self.scripted[command] += 1
            else:
                self.sent[(command, (first or b"").decode("ascii", "replace"))] += 1

    def stop(self) -> None:
        time.sleep(0.2)  # the last lines
        self.socket.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=10)
        self.lines.close()
        self.socket.close()


class Watch:
    """The frontier's size every 50 ms while a crawl runs: the most requests queued and
    leased, fingerprints seen, and Redis' memory, on a connection of its own."""

    def __init__(self, server: redis.Redis, frontier: Frontier) -> None:
        kwargs = server.connection_pool.connection_kwargs
        # One connection (its pipelines take it from the pool too), for MONITOR to tell.
        self.client = redis.Redis(kwargs["host"], kwargs["port"], max_connections=1)
        self.address = str(self.client.client_info()["addr"])
        self.keys = [frontier.key(name) for name in ("queue", "leases", "seen")]
        self.base = self.peak = int(self.client.info("memory")["used_memory"])
        self.most = [0, 0, 0]
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _watch(self) -> None:
        while not self._done.wait(0.05):
            pipe = self.client.pipeline(transaction=False)
            pipe.zcard(self.keys[0])
            pipe.zcard(self.keys[1])
            pipe.scard(self.keys[2])
            pipe.info("memory")
            *sizes, memory = pipe.execute()
            self.most = [max(m, int(n)) for m, n in zip(self.most, sizes, strict=True)]
            self.peak = max(self.peak, int(memory["used_memory"]))

    def stop(self) -> None:
        self._done.set()
        self._thread.join(timeout=10)
        self.client.close()


def scripts() -> dict[str, str]:
    """The frontier's Lua scripts by the SHA-1 that EVALSHA names them with: every text of
    its modules that calls Redis, named after its constant (``_LEASE``: lease)."""
    return {
        hashlib.sha1(value.encode()).hexdigest(): name.strip("_").lower()
        for module in (shared, politeness, scheduler)
        for name, value in vars(module).items()
        if isinstance(value, str) and "redis.call" in value
    }


def purpose(command: str, first: str, prefix: str, named: dict[str, str]) -> str:
    """What a command sent by the crawl is for: its script, or its command and key."""
    if command == "EVALSHA":
        return f"EVALSHA {named.get(first, first[:12])} (script)"
    key = first.removeprefix(prefix) if first.startswith(prefix) else ""
    key = re.sub(r"^worker:w\d+$", "worker:<id>", key)
    return f"{command} {key}".strip()


def report_operations(
    site: SyntheticSite, server: redis.Redis, store: str, timed: list[Crawl], in_flight: int
) -> None:
    """One more crawl with as many workers as ``timed`` (section 1's, whose Redis processor
    time is read here: MONITOR itself costs Redis some), its commands counted."""
    workers = timed[0].workers
    frontier = Frontier(redis_url(server), SITE)
    server.flushall()
    watch = Watch(server, frontier)
    monitor = Monitor(server, {str(server.client_info()["addr"]), watch.address})
    server.config_resetstat()  # commandstats count from here, as MONITOR does
    watch.start()
    try:
        done = crawl(site, server, store, workers, raised(in_flight))
    finally:
        watch.stop()
        monitor.stop()
        frontier.close()
    stats = server.info("commandstats")
    # This script's own commands (the polls, FLUSHALL, INFO) are left out of MONITOR's counts
    # by their clients' addresses, and so out of commandstats' total, with CONFIG RESETSTAT
    # (MONITOR shows no administrative command); its time in commands leaves out those the
    # crawl never sends.
    own = {"info", "config|resetstat", "flushall"}
    usec = sum(s["usec"] for name, s in stats.items() if name.removeprefix("cmdstat_") not in own)
    counted = sum(s["calls"] for s in stats.values()) - monitor.left_out - 1
    sent = monitor.sent
    inside = sum(monitor.scripted.values())
    pages = len(done.hits)
    prefix = f"newsarchive:{SITE}:"
    print(
        f"\n4. Redis operations per page: one crawl with {workers} workers, limits raised, "
        f"{site.count:,} articles ({pages:,} pages, {done.wall:.1f} s), every command read "
        "with MONITOR"
    )
    by_command: collections.Counter[str] = collections.Counter()
    by_purpose: collections.Counter[str] = collections.Counter()
    named = scripts()
    for (command, first), n in sent.items():
        by_command[command] += n
        by_purpose[purpose(command, first, prefix, named)] += n
    print(f"  {'command the crawl sent':<44} {'calls':>8} {'per page':>9}")
    for command, n in by_command.most_common():
        print(f"  {command:<44} {n:>8,} {n / pages:>9.2f}")
    total = sum(sent.values())
    print(f"  {'all commands sent':<44} {total:>8,} {total / pages:>9.2f}")
    print(f"  {'by what for (command, key under ' + prefix + ')':<44} {'calls':>8} {'per page':>9}")
    for name, n in by_purpose.most_common():
        print(f"  {name:<44} {n:>8,} {n / pages:>9.2f}")
    print(
        f"  and {inside:,} commands run inside the Lua scripts ({inside / pages:.2f} a page): "
        f"{total + inside:,} in all; INFO commandstats counted {counted:,} "
        f"({counted / pages:.2f} a page), this script's own left out"
    )
    redis_ms = 1000 * statistics.median(c.redis_cpu / len(c.hits) for c in timed)
    print(
        f"  Redis was busy {usec / 1e6:.2f} s in these commands ({usec / pages:.0f} us a page); "
        f"in section 1's crawls with {workers} workers redis-server took {redis_ms:.2f} ms of "
        f"processor a page in all: {1000 / redis_ms:,.0f} pages/s a Redis core at most"
    )
    print(
        f"  the frontier at its largest: {watch.most[0]:,} requests queued, {watch.most[1]} "
        f"leased, {watch.most[2]:,} fingerprints seen; used_memory "
        f"{(watch.peak - watch.base) / 1e6:.1f} MB over the empty server's at the most"
    )
    print(
        "  MULTI ... EXEC and the other pipelines are one round trip for several commands; "
        "a lease or permit that finds nothing is asked again"
    )


if __name__ == "__main__":
    sys.exit(main())
