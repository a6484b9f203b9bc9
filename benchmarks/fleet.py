"""Wall time of many sites: ``crawl --all --jobs N`` against one ``crawl`` after the other.

    python benchmarks/fleet.py [--sites 50] [--delay 0.5] [--rounds 3] [--jobs 1 4 8] [--quick]

The sites are the tests' generated ones (tests/support/fleet_sites.py): each a listing page and
three articles, all served by one loopback server that waits ``--delay`` seconds before each
response, so that, as with real sites, a crawl spends more time waiting for the network than
computing (a crawl of one such site costs about a second of a processor, mostly Python's and
Scrapy's start-up; it waits three delays: robots.txt, the listing, the articles side by side).
Every crawl runs with AutoThrottle off and into a fresh archive folder (SQLite store).

Each round times, in rotating order:

  - one by one: ``newsarchive crawl --site-file sites/sNN.toml`` for each site in turn, as a
    shell loop over the site files would run them;
  - ``newsarchive crawl --all --jobs N`` over a newsarchive.toml listing the same site files,
    for each N of ``--jobs`` and for the default (two a processor).

A way's figure is its median over ``--rounds``, with the processors' time its processes took
(from the kernel's accounting of this process's children); its speed-up is the median of the
rounds' ratios to the one-by-one loop of the same round. Every way must crawl every site
healthily (exit 0, one run record a site), or the script stops: the figures are of the same
work. The machine is shared and has few processors (printed): read medians and ratios.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# This folder holds incremental.py, which would shadow Twisted's `incremental` package (imported
# with Scrapy below); and the package must be this checkout's.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]

from newsarchive.cli.crawl import default_jobs  # noqa: E402
from tests.support.fleet_sites import FleetSites, write_fleet  # noqa: E402

# What every crawl runs with, in the configuration and on the loop's command line alike.
DEFAULTS = "autothrottle = false\nsettings = { NEWSARCHIVE_PROGRESS_INTERVAL = 0 }\n"
SETTINGS = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSARCHIVE_PROGRESS_INTERVAL=0"]
LOOP = "one by one (a shell loop)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--delay", type=float, default=0.5, help="seconds before each response")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--quick", action="store_true", help="a tiny run for CI")
    args = parser.parse_args()
    if args.quick:
        args.sites, args.delay, args.rounds, args.jobs = 3, 0.05, 1, [1, 2]
    jobs = sorted({*args.jobs, default_jobs()})
    ways = [LOOP, *(f"crawl --all --jobs {n}" for n in jobs)]
    walls: dict[str, list[float]] = {way: [] for way in ways}
    cpus: dict[str, list[float]] = {way: [] for way in ways}
    ratios: dict[str, list[float]] = {way: [] for way in ways}
    with FleetSites(args.sites, delay=args.delay) as server:
        for number in range(args.rounds):
            order = ways[number % len(ways) :] + ways[: number % len(ways)]
            for way in order:
                with tempfile.TemporaryDirectory(prefix="fleet-") as folder:
                    config = write_fleet(Path(folder), server.url, server.names, defaults=DEFAULTS)
                    wall, cpu = _timed(_commands(way, config, server.names))
                    _check(Path(folder) / "archive", server.names, way)
                walls[way].append(wall)
                cpus[way].append(cpu)
            for way in ways:
                ratios[way].append(walls[LOOP][-1] / walls[way][-1])
    print(
        f"fleet: {args.sites} sites of a listing and 3 articles on loopback, {args.delay} s "
        f"before each response; {len(os.sched_getaffinity(0))} processors (crawl --all's "
        f"default --jobs: {default_jobs()}); median of {args.rounds} round(s)"
    )
    print(f"{'way':<28} {'wall s':>8} {'sites/min':>10} {'speed-up':>9} {'CPU s':>7}")
    for way in ways:
        wall = statistics.median(walls[way])
        print(
            f"{way:<28} {wall:>8.1f} {60 * args.sites / wall:>10.1f} "
            f"{statistics.median(ratios[way]):>8.2f}x {statistics.median(cpus[way]):>7.1f}"
        )
    return 0


def _commands(way: str, config: Path, names: list[str]) -> list[list[str]]:
    """The commands a way runs, one after the other."""
    newsarchive = [sys.executable, "-m", "newsarchive", "crawl"]
    if way == LOOP:  # for f in sites/*.toml; do newsarchive crawl --site-file $f; done
        return [
            [*newsarchive, "--site-file", str(config.parent / "sites" / f"{name}.toml"),
             "--out", str(config.parent / "archive"), *SETTINGS]
            for name in names
        ]  # fmt: skip
    return [[*newsarchive, "--all", "--config", str(config), "--jobs", way.rsplit(" ", 1)[1]]]


def _timed(commands: list[list[str]]) -> tuple[float, float]:
    """Seconds of wall time the commands took, and of processor time their processes took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    for command in commands:
        subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def _check(archive: Path, names: list[str], way: str) -> None:
    """Every site crawled once, healthily, with its three articles."""
    from newsarchive.fleet import last_run

    for name in names:
        record = last_run(archive / name)
        if record is None or (record["health"], record["articles_new"]) != ("ok", 3):
            sys.exit(f"fleet: {way} did not crawl {name} as expected: {record}")


if __name__ == "__main__":
    sys.exit(main())
