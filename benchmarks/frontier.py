"""What a crawl with workers over the shared Redis frontier gains and costs.

    python benchmarks/frontier.py [--articles 2000] [--rounds 3] [--workers 1 2 4]
                                  [--polite-articles 60] [--queued 20000]
                                  [--store postgresql://...] [--quick]

  1. Pages per second of ``newsarchive crawl --workers N`` for each N of ``--workers`` on a
     synthetic site of ``--articles`` articles (benchmarks/synthetic_site.py, 50 a listing
     page, 30 ms before each answer, pages rendered beforehand) with the limits raised so
     that each worker keeps 2 requests in flight (RAISED below); the speed-up over one
     worker (median of the rounds' ratios), and the processor time the crawl's processes
     took (the kernel's accounting of this script's children) over wall time x cores: on a
     2-core machine, is the delay or the processors the limit? The site's log gives the
     rate it saw and how many requests it was answering at once, on average.
  2. The same site's politeness left as its site file says (the everyday site: 0.5 s
     apart, 2 in flight, AutoThrottle), nothing raised, with 1 and 4 workers on a site of
     ``--polite-articles`` articles: requests per second and most in flight, from the
     server's log. Four workers must send the site no more than one does.
  3. Redis memory: ``--queued`` article requests (built as the spiders build them) pushed
     through the frontier's queue class, and as many fingerprints through scrapy-redis'
     duplicate filter: ``MEMORY USAGE`` of each key, and the growth of ``used_memory``,
     per request and per fingerprint.
  4. Redis operations per page: every command the crawl's processes sent during one crawl
     with the largest ``--workers`` (MONITOR, which tells the frontier's Lua scripts apart
     by their SHA-1), by command and by what it is for, and ``INFO commandstats``' total
     (which counts the commands run inside the scripts too) and Redis' processor time.

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
import secrets
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

import psycopg  # noqa: E402
import redis  # noqa: E402
import scrapy  # noqa: E402
from scrapy_redis.dupefilter import RFPDupeFilter  # noqa: E402
from synthetic_site import Hit, SyntheticSite, _article, max_in_flight, rate  # noqa: E402

from newsarchive.conditional import VIA  # noqa: E402
from newsarchive.frontier import politeness, shared  # noqa: E402
from newsarchive.frontier.scheduler import _LeasedQueue  # noqa: E402
from newsarchive.frontier.shared import Frontier  # noqa: E402
from newsarchive.sites import load_site  # noqa: E402
from newsarchive.spiders.news import NewsSpider  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432/test"
SITE = "everyday"
DELAY = 0.03
PER_PAGE = 50
IN_FLIGHT = 2  # each worker's CONCURRENT_REQUESTS with the limits raised
RAISED = [
    "-s", f"CONCURRENT_REQUESTS={IN_FLIGHT}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
]  # fmt: skip
# Below this share of the processors the crawl is not held back by them.
CPU_BOUND = 0.70
# The note in shared/notes/scale-and-evidence.md: a scrapy-redis fingerprint costs 88 bytes.
NOTED_FINGERPRINT = 88
# The frontier's Lua scripts, by the SHA-1 EVALSHA names them with.
SCRIPTS = {
    hashlib.sha1(source.encode()).hexdigest(): name
    for name, source in (
        ("lease (take a request)", shared._LEASE),
        ("requeue ended leases", shared._REQUEUE),
        ("renew leases", shared._RENEW),
        ("permit (politeness)", politeness._PERMIT),
        ("adjust delay (AutoThrottle)", politeness._ADJUST),
    )
}
_MONITORED = re.compile(rb'^\+[\d.]+ \[\d+ ([^\]]+)\] "([^"]*)"(?: "((?:[^"\\]|\\.)*)")?')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", default=SERVER, help=f"a PostgreSQL server (default {SERVER})")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--polite-articles", type=int, default=60)
    parser.add_argument("--queued", type=int, default=20000)
    parser.add_argument("--quick", action="store_true", help="a tiny run, for CI")
    args = parser.parse_args()
    if args.quick:
        args.articles, args.rounds, args.polite_articles, args.queued = 200, 1, 4, 1000
        args.workers = [1, 4]
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
            report_speed(site, server, args.store, counts, args.rounds)
            report_politeness(small, server, args.store)
            report_memory(server, args.queued)
            report_operations(site, server, args.store, max(counts))
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
        client = redis.Redis("127.0.0.1", port)
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


@contextlib.contextmanager
def fresh_schema(server: str) -> Iterator[str]:
    """A store URL working in a schema of its own on ``server``, dropped afterwards."""
    schema = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        joiner = "&" if "?" in server else "?"
        yield f"{server}{joiner}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


# --- one crawl --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Crawl:
    """One ``newsarchive crawl --workers N``, as the machine and the site saw it."""

    workers: int
    wall: float
    cpu: float  # processor seconds of the crawl's processes
    busy: float  # share of all cores busy with anything during the crawl
    redis_cpu: float  # processor seconds of redis-server
    hits: list[Hit]

    @property
    def pages_per_second(self) -> float:
        return len(self.hits) / self.wall

    @property
    def cpu_share(self) -> float:
        return self.cpu / (self.wall * (os.cpu_count() or 1))

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
        command = [sys.executable, "-m", "newsarchive", "crawl", site.url, "--site", SITE,
                   "--out", out, "--store", schema, "--workers", str(workers),
                   "--redis", redis_url(server), "-s", "NEWSARCHIVE_PROGRESS_INTERVAL=0",
                   *settings]  # fmt: skip
        pid = int(server.info("server")["process_id"])
        before, busy_before, redis_before = _children_cpu(), _machine(), _process_cpu(pid)
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        busy_after, redis_after = _machine(), _process_cpu(pid)
        hits = site.hits(mark)
        _check(result, hits, Path(out), site.count, workers)
    idle = busy_after[1] - busy_before[1]
    total = busy_after[0] - busy_before[0]
    return Crawl(workers, wall, _children_cpu() - before, 1 - idle / total,
                 redis_after - redis_before, hits)  # fmt: skip


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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _machine() -> tuple[int, int]:
    """All cores' clock ticks so far, and their idle ones (/proc/stat)."""
    with Path("/proc/stat").open(encoding="ascii") as stat:
        ticks = [int(field) for field in stat.readline().split()[1:]]
    return sum(ticks), ticks[3] + ticks[4]  # idle + iowait


def _process_cpu(pid: int) -> float:
    """Processor seconds a process has taken (/proc/PID/stat: utime, stime)."""
    with Path(f"/proc/{pid}/stat").open(encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- 1. pages per second ----------------------------------------------------------------------


def report_speed(
    site: SyntheticSite, server: redis.Redis, store: str, counts: list[int], rounds: int
) -> None:
    found: dict[int, list[Crawl]] = {n: [] for n in counts}
    ratios: dict[int, list[float]] = {n: [] for n in counts}
    for number in range(rounds):
        order = counts[number % len(counts) :] + counts[: number % len(counts)]
        for n in order:
            found[n].append(crawl(site, server, store, n, RAISED))
        for n in counts:
            ratios[n].append(found[n][-1].pages_per_second / found[1][-1].pages_per_second)
    pages = len(found[1][0].hits)
    print(
        f"\n1. pages per second, limits raised ({' '.join(RAISED[1::2])}): {site.count:,} "
        f"articles, {PER_PAGE} a listing page ({pages:,} pages), {DELAY * 1000:.0f} ms before "
        f"each answer; median of {rounds} round(s)"
    )
    print(
        f"  {'workers':<8} {'wall s':>7} {'pages/s':>8} {'speed-up':>9} {'site req/s':>11} "
        f"{'in flight':>10} {'delay bound':>12} {'crawl CPU s':>12} {'CPU use':>8} "
        f"{'machine busy':>13} {'Redis CPU s':>12}"
    )
    shares = []
    for n in counts:
        crawls = found[n]
        share = statistics.median(c.cpu_share for c in crawls)
        shares.append(share)
        print(
            f"  {n:<8} {statistics.median(c.wall for c in crawls):>7.1f} "
            f"{statistics.median(c.pages_per_second for c in crawls):>8.1f} "
            f"{statistics.median(ratios[n]):>8.2f}x "
            f"{statistics.median(rate(c.hits) for c in crawls):>11.1f} "
            f"{statistics.median(c.in_flight for c in crawls):>5.2f} of {n * IN_FLIGHT:<2} "
            f"{n * IN_FLIGHT / DELAY:>12.0f} {statistics.median(c.cpu for c in crawls):>12.1f} "
            f"{100 * share:>7.0f}% {100 * statistics.median(c.busy for c in crawls):>12.0f}% "
            f"{statistics.median(c.redis_cpu for c in crawls):>12.2f}"
        )
    per_page = statistics.median(c.cpu / len(c.hits) for c in found[1])
    print(
        f"  one worker's crawl took {1000 * per_page:.1f} ms of processor a page (its start-up "
        f"included): {1 / per_page:.0f} pages/s a core at most"
    )
    busy = max(statistics.median(c.busy for c in found[n]) for n in counts)
    if max(shares) < CPU_BOUND:
        print(
            f"  -> the crawl used at most {100 * max(shares):.0f}% of the {os.cpu_count()} cores "
            f"(below {100 * CPU_BOUND:.0f}%): the processors are not its limit, waiting is (the "
            f"site's {DELAY * 1000:.0f} ms a request)"
        )
    else:
        print(
            f"  -> the crawl used up to {100 * max(shares):.0f}% of the {os.cpu_count()} cores "
            f"(at or above {100 * CPU_BOUND:.0f}%): the processors, not the site's "
            f"{DELAY * 1000:.0f} ms, are its limit"
        )
    if busy >= CPU_BOUND:
        print(
            f"  (the machine was up to {100 * busy:.0f}% busy with everything on it: other work "
            "may have slowed these crawls; compare with a run on a quiet machine)"
        )


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
        f"{'no more' if ratio <= 1.1 else 'MORE'} than one (within 10%), at most {most} in "
        f"flight ({'within' if most <= cap else 'OVER'} the site's {cap}); each worker's first "
        "request is its own robots.txt"
    )


# --- 3. Redis memory --------------------------------------------------------------------------


def article_requests(spider: NewsSpider, count: int) -> Iterator[scrapy.Request]:
    """``count`` distinct article requests, as NewsSpider.parse_listing makes them on the
    synthetic site (its articles' paths, numbered on past its size)."""
    base = "http://127.0.0.1:8766"
    for number in range(count):
        listing = f"{base}/page/{number // PER_PAGE + 1}/"
        yield scrapy.Request(
            f"{base}{_article(number)['path']}",
            callback=spider.parse_article,
            errback=spider.failed,
            priority=1,
            encoding="utf-8",
            meta={VIA: (f"{base}/", listing)},
        )


def report_memory(server: redis.Redis, count: int) -> None:
    spider = NewsSpider(site=SITE)
    frontier = Frontier(redis_url(server), SITE)
    requests = list(article_requests(spider, count))
    server.flushall()
    queue = _LeasedQueue(frontier, spider, 60_000, "w1")
    pickled = statistics.mean(len(queue._encode_request(r)) for r in requests[:1000])
    queued = _memory_of(server, frontier.key("queue"), lambda: [queue.push(r) for r in requests])
    if server.zcard(frontier.key("queue")) != count:
        sys.exit("frontier: the queue does not hold every request pushed")
    server.flushall()
    seen = RFPDupeFilter(server, key=frontier.key("seen"))
    found = _memory_of(
        server, frontier.key("seen"), lambda: [seen.request_seen(r) for r in requests]
    )
    if server.scard(frontier.key("seen")) != count:
        sys.exit("frontier: the duplicate filter does not hold every fingerprint")
    frontier.close()
    print(
        f"\n3. Redis memory, {count:,} of each (article requests of the synthetic site, as the "
        f"spider makes them: URL {len(requests[0].url)} characters, via its listing pages)"
    )
    print(f"  {'what':<46} {'MEMORY USAGE':>13} {'used_memory':>12}")
    print(f"  {'queued request (frontier queue, sorted set)':<46} {queued[0]:>11.0f} B "
          f"{queued[1]:>10.0f} B   ({pickled:.0f} B pickled)")  # fmt: skip
    print(f"  {'seen fingerprint (RFPDupeFilter, set)':<46} {found[0]:>11.0f} B "
          f"{found[1]:>10.0f} B   (the note says {NOTED_FINGERPRINT} B: "
          f"{found[0] / NOTED_FINGERPRINT:.2f}x)")  # fmt: skip
    print(
        "  MEMORY USAGE: the key's own size (SAMPLES 0: every element) / count; used_memory: "
        "the server's growth / count"
    )


def _memory_of(
    server: redis.Redis, key: str, fill: Callable[[], list[object]]
) -> tuple[float, float]:
    """Bytes per element ``fill()`` adds to ``key``: by MEMORY USAGE and by used_memory."""
    before = int(server.info("memory")["used_memory"])
    added = len(fill())
    after = int(server.info("memory")["used_memory"])
    usage = int(server.memory_usage(key, samples=0) or 0)
    return usage / added, (after - before) / added


# --- 4. Redis operations per page -------------------------------------------------------------


class Monitor:
    """Every command Redis runs, read from MONITOR on a socket of its own, counted."""

    def __init__(self, server: redis.Redis) -> None:
        kwargs = server.connection_pool.connection_kwargs
        self.socket = socket.create_connection((kwargs["host"], kwargs["port"]))
        self.socket.sendall(b"MONITOR\r\n")
        self.lines = self.socket.makefile("rb")
        if self.lines.readline() != b"+OK\r\n":
            sys.exit("frontier: Redis refused MONITOR")
        self.sent: collections.Counter[tuple[str, str]] = collections.Counter()
        self.scripted: collections.Counter[str] = collections.Counter()
        self._thread = threading.Thread(target=self._read, name="monitor", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self.lines:
            found = _MONITORED.match(line)
            if found is None:
                continue
            client, command, first = found.group(1), found.group(2).decode().upper(), found.group(3)
            if client == b"lua":
                self.scripted[command] += 1
            else:
                self.sent[(command, (first or b"").decode("ascii", "replace"))] += 1

    def stop(self) -> None:
        time.sleep(0.2)  # the last lines
        self.socket.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=10)
        self.lines.close()
        self.socket.close()


def purpose(command: str, first: str, prefix: str) -> str:
    """What a command sent by the crawl is for: its script, or its command and key."""
    if command == "EVALSHA":
        return f"EVALSHA {SCRIPTS.get(first, first[:12])}"
    key = first.removeprefix(prefix) if first.startswith(prefix) else ""
    key = re.sub(r"^worker:w\d+$", "worker:<id>", key)
    return f"{command} {key}".strip()


def report_operations(site: SyntheticSite, server: redis.Redis, store: str, workers: int) -> None:
    server.flushall()
    server.config_resetstat()
    monitor = Monitor(server)
    try:
        done = crawl(site, server, store, workers, RAISED)
    finally:
        monitor.stop()
    stats = server.info("commandstats")
    # Not the crawl's: this script's FLUSHALL, INFO and MONITOR.
    mine = {"flushall", "info", "monitor", "config|resetstat"}
    calls = {name.removeprefix("cmdstat_"): s["calls"] for name, s in stats.items()}
    usec = sum(s["usec"] for name, s in stats.items() if name.removeprefix("cmdstat_") not in mine)
    total = sum(n for name, n in calls.items() if name not in mine)
    sent = collections.Counter(
        {key: n for key, n in monitor.sent.items() if key[0] not in {"FLUSHALL", "INFO"}}
    )
    pages = len(done.hits)
    prefix = f"newsarchive:{SITE}:"
    print(
        f"\n4. Redis operations per page: one crawl with {workers} workers, limits raised, "
        f"{site.count:,} articles ({pages:,} pages, {done.wall:.1f} s)"
    )
    by_command: collections.Counter[str] = collections.Counter()
    by_purpose: collections.Counter[str] = collections.Counter()
    for (command, first), n in sent.items():
        by_command[command] += n
        by_purpose[purpose(command, first, prefix)] += n
    print(f"  {'command sent (MONITOR)':<44} {'calls':>8} {'per page':>9}")
    for command, n in by_command.most_common():
        print(f"  {command:<44} {n:>8,} {n / pages:>9.2f}")
    print(
        f"  {'all commands sent':<44} {sum(sent.values()):>8,} {sum(sent.values()) / pages:>9.2f}"
    )
    print(f"  {'by what for (command, key under ' + prefix + ')':<44} {'calls':>8} {'per page':>9}")
    for name, n in by_purpose.most_common():
        print(f"  {name:<44} {n:>8,} {n / pages:>9.2f}")
    inside = sum(monitor.scripted.values())
    print(
        f"  INFO commandstats: {total:,} calls ({total / pages:.2f} a page), of which "
        f"{inside:,} ran inside the Lua scripts; Redis busy {usec / 1e6:.2f} s in commands "
        f"({usec / pages:.0f} us a page), {done.redis_cpu:.2f} s of processor in all "
        f"({1000 * done.redis_cpu / pages:.2f} ms a page: {pages / done.redis_cpu:,.0f} pages/s "
        f"a Redis core at most)"
    )
    print(
        "  MULTI ... EXEC and the other pipelines are one round trip for several commands; "
        "a lease or permit that finds nothing is asked again"
    )


if __name__ == "__main__":
    sys.exit(main())
