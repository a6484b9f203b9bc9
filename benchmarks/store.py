"""What the archive's store costs: SQLite against PostgreSQL, and what one PostgreSQL carries.

    python benchmarks/store.py [--store postgresql://...] [--operations 2000] [--rounds 5]
                               [--articles 200] [--crawl-articles 1000] [--quick]

  1. Store operations per second, both backends side by side in this process, on a store
     already holding ``--operations`` articles and captures of the site: an article looked up
     by a known id, ``remember_article`` (committed in the store's groups, 1,000 changes or
     2 s), ``claim`` of a new article version (PostgreSQL commits each at once; SQLite with
     the group), ``touch_article`` (grouped), and a capture looked up by URL and digest.
     Medians of ``--rounds`` rounds, each in a fresh store.
  2. Claim latency under 8 processes (spawned, started together at a barrier): each claims
     ``--operations`` / 2 ids of its own and as many ids every process claims too, in an
     order of its own; p50 and p95 of one ``claim`` call, and claims per second of all eight.
     Every shared id must be won exactly once (the script stops when not).
  3. What one new article costs the crawl in the PostgreSQL store: a real ``newsarchive
     crawl`` of a synthetic site of ``--articles`` articles (benchmarks/synthetic_site.py)
     with every statement and commit of its store counted (psycopg wrapped in the crawl's
     process), then an unchanged re-run; and the store work of one new article page (capture
     look-up and note, article look-up, claim and its commit, the article's row) replayed by
     1 and by 8 processes at once, one site each: articles per second one server takes.
  4. A full crawl of a synthetic site of ``--crawl-articles`` articles into a fresh archive
     with each store, in turn (median of 3 rounds): pages per second from the crawl's summary.

PostgreSQL is the server at ``--store`` (default: the local test server, trust auth); the
script works in a schema of its own, dropped at the end. The machines this runs on are shared
and have few cores (printed): read the medians and ratios, not one round.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import random
import re
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from synthetic_site import SyntheticSite, crawl_command

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# This folder holds incremental.py, which would shadow Twisted's `incremental` package: it goes
# last (the processes spawned here import synthetic_site from it again); the package must be
# this checkout's.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != HERE), str(HERE)]

import psycopg  # noqa: E402

from newsarchive.archive import pgstore  # noqa: E402
from newsarchive.archive.pgstore import PostgresStore  # noqa: E402
from newsarchive.archive.store import ArchiveStore, SqliteStore  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432/test"
PROCESSES = 8
FETCHED = "2026-12-07T10:00:00.000000Z"
HASH = "sha256:" + "ab" * 32
DIGEST = "sha1:" + "C" * 32


@contextlib.contextmanager
def fresh_schema(server: str | None) -> Iterator[str | None]:
    """A store URL working in a schema of its own on ``server``, dropped afterwards (None
    for None: the default store)."""
    if server is None:
        yield None
        return
    schema = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        joiner = "&" if "?" in server else "?"
        yield f"{server}{joiner}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def open_store(backend: str, where: str, site: str) -> ArchiveStore:
    """``where``: a folder for SQLite (the site's file in it), a URL for PostgreSQL."""
    if backend == "sqlite":
        folder = Path(where) / site
        folder.mkdir(parents=True, exist_ok=True)
        return SqliteStore(folder / "state.sqlite3")
    return PostgresStore(where, site=site)


# --- 1. operations per second -----------------------------------------------------------------


def _url(number: int) -> str:
    return f"https://news.example/{number}-post.html"


def _fill(store: ArchiveStore, count: int) -> None:
    """What the store holds before the timed operations: ``count`` articles and captures."""
    for number in range(count):
        store.remember_article(f"s:{number}", 1, HASH, _url(number), FETCHED, "r0")
        store.remember_capture(_url(number), DIGEST, f"<urn:uuid:{number}>", FETCHED)
    store.commit()


def _timed(operation: Callable[[int], object], count: int, finish: Callable[[], None]) -> float:
    """Operations per second of ``count`` calls, ``finish`` (a last commit) included."""
    order = list(range(count))
    random.Random(count).shuffle(order)
    started = time.perf_counter()
    for number in order:
        operation(number)
    finish()
    return count / (time.perf_counter() - started)


def operation_rates(store: ArchiveStore, count: int) -> dict[str, float]:
    _fill(store, count)
    return {
        "article lookup (known id)": _timed(lambda n: store.article(f"s:{n}"), count, store.commit),
        "remember_article (groups)": _timed(
            lambda n: store.remember_article(f"new:{n}", 1, HASH, _url(n), FETCHED, "r1"),
            count,
            store.commit,
        ),
        "claim (new version)": _timed(
            lambda n: store.claim(f"s:{n}", 2, "r1"), count, store.commit
        ),
        "touch_article (groups)": _timed(
            lambda n: store.touch_article(f"s:{n}", FETCHED, "r1"), count, store.commit
        ),
        "capture lookup (known)": _timed(
            lambda n: store.capture(_url(n), DIGEST), count, store.commit
        ),
    }


# --- 2. claim latency under 8 processes -----------------------------------------------------


def claim_racer(
    backend: str, where: str, count: int, racer: int, start: Barrier, results: Queue[Any]
) -> None:
    """Claim ``count`` ids of this racer's own and ``count`` shared ids, shuffled; put the
    latency of each claim (seconds) and the shared ids won."""
    store = open_store(backend, where, "race")
    ids = [f"own{racer}:{n}" for n in range(count)] + [f"shared:{n}" for n in range(count)]
    random.Random(racer).shuffle(ids)
    latencies, won = [], []
    start.wait(timeout=120)
    for article_id in ids:
        began = time.perf_counter()
        if store.claim(article_id, 1, f"racer-{racer}") and article_id.startswith("shared:"):
            won.append(article_id)
        latencies.append(time.perf_counter() - began)
    store.close()
    results.put((latencies, won, time.perf_counter()))


@dataclass(frozen=True, slots=True)
class Latency:
    p50: float
    p95: float
    longest: float
    per_second: float


def claim_latency(backend: str, where: str, count: int) -> Latency:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(PROCESSES + 1)
    results: Queue[Any] = context.Queue()
    racers = [
        context.Process(target=claim_racer, args=(backend, where, count, n, start, results))
        for n in range(PROCESSES)
    ]
    for racer in racers:
        racer.start()
    start.wait(timeout=120)
    began = time.perf_counter()
    outcomes = [results.get(timeout=600) for _ in racers]
    for racer in racers:
        racer.join()
    elapsed = max(ended for _, _, ended in outcomes) - began
    latencies = sorted(latency for found, _, _ in outcomes for latency in found)
    won = [article_id for _, ids, _ in outcomes for article_id in ids]
    if sorted(won) != sorted(f"shared:{n}" for n in range(count)):
        sys.exit(f"{backend}: the shared ids were not each won once ({len(won)} wins)")
    quantiles = statistics.quantiles(latencies, n=100)
    return Latency(quantiles[49], quantiles[94], latencies[-1], len(latencies) / elapsed)


# --- 3. one new article: a real crawl counted, the store's part replayed ------------------------

# Run in the crawl's process before newsarchive's CLI: counts every statement and commit sent
# through psycopg (the store's connection and the lock's), written as one line at exit.
# The store's connection is in pipeline mode: a statement whose answer is not needed is sent
# without waiting; the client waits for the server at a fetch or a commit (``WAITS``).
WAITS = "waits for the server"
COUNTING = f"""
WAITS = {WAITS!r}
import atexit, collections, json, os, runpy, sys
import psycopg
counts = collections.Counter()
execute, commit = psycopg.Cursor.execute, psycopg.Connection.commit
fetchone, fetchall = psycopg.Cursor.fetchone, psycopg.Cursor.fetchall
def counted_execute(self, query, *args, **kwargs):
    words = str(query).split()
    table = next((w for w in words if w.startswith("newsarchive_")), "-")
    counts[words[0].upper() + " " + table] += 1
    return execute(self, query, *args, **kwargs)
def counted_commit(self):
    counts["COMMIT"] += 1
    counts[WAITS] += 1
    return commit(self)
def counted_fetchone(self):
    counts[WAITS] += 1
    return fetchone(self)
def counted_fetchall(self):
    counts[WAITS] += 1
    return fetchall(self)
psycopg.Cursor.execute, psycopg.Connection.commit = counted_execute, counted_commit
psycopg.Cursor.fetchone, psycopg.Cursor.fetchall = counted_fetchone, counted_fetchall
def write():
    with open(os.environ["STORE_COUNTS"], "w") as handle:
        json.dump(counts, handle)
atexit.register(write)
sys.argv = ["newsarchive", *sys.argv[1:]]
runpy.run_module("newsarchive", run_name="__main__", alter_sys=True)
"""


def counted_crawl(url: str, out: str, store: str, counts_file: Path) -> dict[str, int]:
    command = crawl_command(url, out)
    command[1:3] = ["-c", COUNTING]  # python -c COUNTING crawl URL ..., not -m newsarchive
    result = subprocess.run(
        [*command, "--store", store],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "STORE_COUNTS": str(counts_file)},
    )
    if result.returncode != 0:
        sys.exit(f"crawl failed ({result.returncode}):\n{result.stderr}")
    counted: dict[str, int] = json.loads(counts_file.read_text())
    return counted


# Links on a listing page, which the spider looks up in the store together.
LISTED = 50


def new_article(store: ArchiveStore, number: int) -> None:
    """The store's part of archiving one new article page, in the crawl's order: its link on
    the listing looked up (the spider, with the other links of the page: once every
    ``LISTED``), the page's capture looked up and noted (WARC), the article looked up again
    (dedup), claimed (committed at once in PostgreSQL) and, its line written, remembered
    (committed with its group)."""
    url, article_id = _url(number), f"s:{number}"
    if number % LISTED == 0:
        store.articles([f"s:{listed}" for listed in range(number, number + LISTED)])
    store.capture(url, DIGEST)
    store.remember_capture(url, DIGEST, f"<urn:uuid:{number}>", FETCHED)
    store.article(article_id)
    store.claim(article_id, 1, "r1")
    store.remember_article(article_id, 1, HASH, url, FETCHED, "r1")


def article_writer(
    where: str, count: int, writer: int, start: Barrier, results: Queue[Any]
) -> None:
    store = PostgresStore(where, site=f"site-{writer}")
    start.wait(timeout=120)
    for number in range(count):
        new_article(store, number)
    store.close()
    results.put(time.perf_counter())


def articles_per_second(where: str, count: int, processes: int) -> float:
    """New articles a second the server takes from ``processes`` runs at once (one site each)."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(processes + 1)
    results: Queue[Any] = context.Queue()
    writers = [
        context.Process(target=article_writer, args=(where, count, n, start, results))
        for n in range(processes)
    ]
    for writer in writers:
        writer.start()
    start.wait(timeout=120)
    began = time.perf_counter()
    ended: float = max(results.get(timeout=600) for _ in writers)
    for writer in writers:
        writer.join()
    return processes * count / (ended - began)


# --- 4. a crawl with each store ----------------------------------------------------------------

SUMMARY = re.compile(r"finished in ([\d.]+) s\n  pages fetched +(\d+)")


def crawl_rate(url: str, server: str | None) -> float:
    """Pages per second of a full crawl into a fresh archive: with a fresh PostgreSQL store
    on ``server`` (a schema of its own), or the default store (SQLite) when None."""
    with tempfile.TemporaryDirectory() as folder, fresh_schema(server) as store:
        command = crawl_command(url, folder) + (["--store", store] if store else [])
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    found = SUMMARY.search(result.stdout)
    if result.returncode != 0 or found is None:
        sys.exit(f"crawl failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return int(found[2]) / float(found[1])


# --- the report ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=SERVER, help=f"a PostgreSQL server (default {SERVER})")
    parser.add_argument("--operations", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--crawl-articles", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="a tiny run, for CI")
    args = parser.parse_args()
    if args.quick:
        args.operations, args.rounds, args.articles, args.crawl_articles = 100, 1, 20, 20
    count = args.operations
    with psycopg.connect(args.store, autocommit=True) as admin:
        server = admin.execute("SHOW server_version").fetchone()
        synchronous = admin.execute("SHOW synchronous_commit").fetchone()
    print(
        f"store: SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL) "
        f"against PostgreSQL {server[0] if server else '?'} at {pgstore.where(args.store)} "
        f"(synchronous_commit={synchronous[0] if synchronous else '?'}); "
        f"{os.cpu_count()} cores"
    )
    with fresh_schema(args.store) as store:
        assert store is not None
        report_operations(store, count, args.rounds)
    with fresh_schema(args.store) as store:
        assert store is not None
        report_latency(store, count // 2)
    report_new_article(args.store, args.articles, count)
    report_crawls(args.store, args.crawl_articles, 1 if args.quick else 3)
    return 0


def report_operations(where: str, count: int, rounds: int) -> None:
    rates: dict[str, dict[str, list[float]]] = {"sqlite": {}, "postgresql": {}}
    for round_number in range(rounds):
        # Alternating which backend goes first, in a fresh store each round.
        order = ("sqlite", "postgresql") if round_number % 2 == 0 else ("postgresql", "sqlite")
        with tempfile.TemporaryDirectory() as folder:
            for backend in order:
                place = folder if backend == "sqlite" else where
                store = open_store(backend, place, f"ops-{round_number}")
                for name, rate in operation_rates(store, count).items():
                    rates[backend].setdefault(name, []).append(rate)
                store.close()
    print(f"\n1. store operations per second (median of {rounds} rounds of {count:,} each)")
    print(f"  {'operation':<28} {'SQLite':>10} {'PostgreSQL':>11} {'SQLite/PG':>10}")
    for name in rates["sqlite"]:
        sqlite, postgres = (statistics.median(rates[b][name]) for b in ("sqlite", "postgresql"))
        print(f"  {name:<28} {sqlite:>10,.0f} {postgres:>11,.0f} {sqlite / postgres:>9.1f}x")


def report_latency(where: str, count: int) -> None:
    print(
        f"\n2. claim latency, {PROCESSES} processes at once ({count:,} ids of their own and "
        f"{count:,} shared each)"
    )
    print(f"  {'backend':<12} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'claims/s':>10}")
    found = {}
    with tempfile.TemporaryDirectory() as folder:
        for backend, place in (("sqlite", folder), ("postgresql", where)):
            latency = found[backend] = claim_latency(backend, place, count)
            print(
                f"  {backend:<12} {latency.p50 * 1000:>8.3f} {latency.p95 * 1000:>8.3f} "
                f"{latency.longest * 1000:>8.1f} {latency.per_second:>10,.0f}"
            )
    sqlite, postgres = found["sqlite"], found["postgresql"]
    p50, p95 = postgres.p50 / sqlite.p50, postgres.p95 / sqlite.p95
    longest, rate = postgres.longest / sqlite.longest, postgres.per_second / sqlite.per_second
    print(f"  {'PG/SQLite':<12} {p50:>7.1f}x {p95:>7.1f}x {longest:>7.2f}x {rate:>9.2f}x")


def report_new_article(server: str, articles: int, count: int) -> None:
    with (
        SyntheticSite(articles) as site,
        tempfile.TemporaryDirectory() as folder,
        fresh_schema(server) as store,
    ):
        assert store is not None
        site.warm()
        counts_file = Path(folder) / "counts"
        first = counted_crawl(site.url, folder, store, counts_file)
        rerun = counted_crawl(site.url, folder, store, counts_file)
    print(
        f"\n3. one new article in the PostgreSQL store: a crawl of {articles} new articles, "
        "then an unchanged re-run"
    )
    print(f"  {'statement':<36} {'crawl':>7} {'a new article':>14} {'re-run':>7}")
    statements = sorted((set(first) | set(rerun)) - {WAITS}, key=lambda n: (-first.get(n, 0), n))
    sent = sum(first.get(n, 0) for n in statements)
    again = sum(rerun.get(n, 0) for n in statements)
    rows = [(n, first.get(n, 0), rerun.get(n, 0)) for n in statements]
    rows += [("all statements", sent, again), (WAITS, first.get(WAITS, 0), rerun.get(WAITS, 0))]
    for name, made, rerun_made in rows:
        print(f"  {name:<36} {made:>7} {made / articles:>14.2f} {rerun_made:>7}")
    new_sent = (sent - again) / articles
    new_waits = (first.get(WAITS, 0) - rerun.get(WAITS, 0)) / articles
    new_commits = (first.get("COMMIT", 0) - rerun.get("COMMIT", 0)) / articles
    print(
        f"  a new article, the unchanged re-run's part taken off: {new_sent:.2f} statements, "
        f"{new_commits:.2f} of them commits (one, the claim's, waits for the disk); the crawl "
        f"waited for the server {new_waits:.2f} times (the rest went in pipeline mode, without "
        "waiting for an answer)"
    )
    with fresh_schema(server) as store:
        assert store is not None
        single = articles_per_second(store, count, 1)
    with fresh_schema(server) as store:
        assert store is not None
        many = articles_per_second(store, count // PROCESSES, PROCESSES)
    print(
        "  the store's part of a new article page replayed (its share of a listing page's "
        f"look-up of {LISTED} links, capture look-up and note, dedup look-up, claim + commit, "
        "row: 6 statements and 3 waits for the server an article, and the group commits):"
    )
    print(f"    1 run:            {single:>8,.0f} articles/s ({1000 / single:.2f} ms each)")
    print(f"    {PROCESSES} runs at once:  {many:>8,.0f} articles/s (one site each)")
    print(
        f"    that is {many * 3600:,.0f} new articles an hour; at 10 new articles a site an "
        f"hour, {many * 3600 / 10:,.0f} sites"
    )


def report_crawls(server: str, articles: int, rounds: int) -> None:
    rates: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
    with SyntheticSite(articles) as site:
        site.warm()
        for round_number in range(rounds):
            stores = [("sqlite", None), ("postgresql", server)]
            for backend, store in stores if round_number % 2 == 0 else stores[::-1]:
                rates[backend].append(crawl_rate(site.url, store))
    sqlite, postgres = (statistics.median(rates[b]) for b in ("sqlite", "postgresql"))
    print(
        f"\n4. a full crawl of {articles:,} articles into a fresh archive (median of {rounds}): "
        f"SQLite {sqlite:,.0f} pages/s, PostgreSQL {postgres:,.0f} pages/s "
        f"({postgres / sqlite:.2f} of SQLite's)"
    )


if __name__ == "__main__":
    sys.exit(main())
