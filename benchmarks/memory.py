"""Peak memory of the full crawl at two sizes of site: nothing may grow with the article count
beyond what Scrapy's duplicate filter keeps per URL.

    python benchmarks/memory.py [--small 5000] [--large 50000] [--quick] [-s NAME=VALUE ...]

Each size is a real ``newsarchive crawl URL --site everyday`` process against the synthetic
DLE site (benchmarks/synthetic_site.py, pages rendered on request) into a fresh archive, with
AutoThrottle off; its peak resident set size is what the kernel reports for it when it exits
(``ru_maxrss`` of that child), plus the peak of its parse worker when it started one (which the
crawl logs as it closes the worker; see newsarchive.workers). Goal: the larger crawl's total at
most 1.3 times the smaller's. The growth is also given per URL fetched, next to what one URL
costs in Scrapy's duplicate filter (its 20-byte SHA1 fingerprint, a bytes object in a set,
measured here). The full sizes take several minutes: outside CI; ``--quick`` crawls 200 and
800 articles.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from hashlib import sha1
from pathlib import Path

from synthetic_site import PER_PAGE, SyntheticSite, crawl_command

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.3


def crawl_peak(count: int, overrides: list[str]) -> tuple[int, int, int, float]:
    """Peak RSS in bytes of the crawl and of its parse worker (0 without one), pages fetched and
    seconds of one full crawl of ``count`` articles."""
    with SyntheticSite(count) as site, tempfile.TemporaryDirectory() as out:
        command = crawl_command(site.url, out, *overrides)
        with tempfile.TemporaryFile("w+") as output:
            started = time.monotonic()
            process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            elapsed = time.monotonic() - started
            output.seek(0)
            text = output.read()
    if process.returncode != 0:
        sys.exit(f"crawl of {count} articles failed ({process.returncode}):\n{text}")
    pages = re.search(r"pages fetched\s+(\d+)", text)
    assert pages, text
    worker = re.search(r"the parse worker's peak memory: ([\d.]+) MiB", text)
    worker_peak = round(float(worker[1]) * 2**20) if worker else 0
    return usage.ru_maxrss * 1024, worker_peak, int(pages[1]), elapsed  # Linux: kibibytes


def fingerprint_bytes(count: int = 100_000) -> float:
    """What one URL costs in Scrapy's duplicate filter: its SHA1 digest (bytes) in a set."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    seen = {sha1(f"https://everyday.uz/news/{n}-post.html".encode()).digest()
            for n in range(count)}  # fmt: skip
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(seen) == count
    return (after - before) / count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=5000)
    parser.add_argument("--large", type=int, default=50000)
    parser.add_argument("--quick", action="store_true", help="200 and 800 articles (for CI)")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    sizes = (200, 800) if args.quick else (args.small, args.large)
    print(f"memory: peak RSS of the full crawl, synthetic DLE site ({PER_PAGE} articles a "
          "listing page)")  # fmt: skip
    if args.settings:
        print(f"  settings         {' '.join(args.settings)}")
    peaks = {}
    for count in sizes:
        crawl, worker, pages, seconds = crawl_peak(count, args.settings)
        peaks[count] = (crawl, worker, pages)
        print(f"  {count:>7,} articles  {pages:>7,} pages  peak RSS {(crawl + worker) / 2**20:7.1f}"
              f" MiB: crawl {crawl / 2**20:.1f}, parse worker {worker / 2**20:.1f}"
              f"  ({seconds:.0f} s)")  # fmt: skip
    (small, small_worker, small_pages) = peaks[sizes[0]]
    (large, large_worker, large_pages) = peaks[sizes[1]]
    ratio = (large + large_worker) / (small + small_worker)
    per_url = (large + large_worker - small - small_worker) / (large_pages - small_pages)
    print(f"  ratio            {ratio:.2f}x  (goal: at most {GOAL}x); the crawl process alone "
          f"{large / small:.2f}x")  # fmt: skip
    print(
        f"  growth per URL   {per_url:,.0f} bytes; Scrapy's duplicate filter keeps "
        f"{fingerprint_bytes():,.0f} bytes per URL (a 20-byte SHA1 digest in a set)"
    )
    return 0 if args.quick or ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
