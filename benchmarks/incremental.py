"""Requests of re-runs against a full crawl, on a synthetic DLE site, for both spiders.

    python benchmarks/incremental.py [--articles 1000] [--new 10] [--quick]

The site (benchmarks/synthetic_site.py) has a paginated listing, a sitemap index of dated child
sitemaps, an RSS feed, section and day pages, and answers conditional requests (ETag,
Last-Modified, 304). Each spider crawls it in full once; the archive is copied, and each copy
is re-run twice, with conditional requests on (the default) and off
(``-s NEWSARCHIVE_CONDITIONAL_REQUESTS=False``): once unchanged, once after ``--new`` articles
were published. Every run is a real `newsarchive crawl` process against the same local server;
its requests are counted from the server's log by answer: content (a 2xx with a body,
robots.txt included), 304, other. AutoThrottle is off: the server is on loopback.

Exits non-zero when the unchanged re-run of the site file makes more than a handful (5) of
requests (from the run log), or when the unchanged generic re-run, conditional requests on,
gets content back more than 5 times (the goal of issue #17).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from synthetic_site import PER_PAGE, PER_SITEMAP, SyntheticSite, crawl_command

from newsarchive.analysis import load_runs

ROOT = Path(__file__).resolve().parents[1]
HANDFUL = 5
# The archive folder each spider writes: the site file's name, or the generic crawl's host.
FOLDERS = {"site file": "everyday", "generic": "127-0-0-1"}
OFF = "NEWSARCHIVE_CONDITIONAL_REQUESTS=False"


@dataclass(frozen=True, slots=True)
class Run:
    """One crawl: its run record, the server's answers to it, and its wall time (the process's,
    start-up included: the run record's times are whole seconds)."""

    record: dict[str, object]
    answers: Counter[str]  # "content", "304", "other"
    seconds: float

    def count(self, key: str) -> int:
        value = self.record[key]
        assert isinstance(value, int)
        return value


def crawl(site: SyntheticSite, out: Path, spider: str, *overrides: str) -> Run:
    folder = out / FOLDERS[spider]
    before = len(list(load_runs(folder))) if folder.is_dir() else 0
    command = crawl_command(
        site.url, str(out), *overrides, site="everyday" if spider == "site file" else None
    )
    mark = len(site.log)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    runs = list(load_runs(folder)) if folder.is_dir() else []
    if len(runs) == before:  # no run record: the crawl did not run to its end
        sys.exit(f"crawl failed ({result.returncode}):\n{result.stderr}")
    return Run(runs[-1], Counter(answer(hit.status) for hit in site.hits(mark)), seconds)


def answer(status: int) -> str:
    """What a request got back: content (a 2xx with a body), 304, or other (errors)."""
    if status == 304:
        return "304"
    return "content" if 200 <= status < 300 else "other"


def measure(count: int, new: int, spider: str) -> dict[tuple[str, str], Run]:
    """(conditional requests, run) -> Run: the first crawl, then each copy's two re-runs."""
    runs: dict[tuple[str, str], Run] = {}
    with (
        SyntheticSite(count, validators="honoured") as site,
        tempfile.TemporaryDirectory() as folder,
    ):
        on, off = Path(folder) / "on", Path(folder) / "off"
        runs["on", "first run"] = runs["off", "first run"] = crawl(site, on, spider)
        shutil.copytree(on, off)
        runs["on", "unchanged re-run"] = crawl(site, on, spider)
        runs["off", "unchanged re-run"] = crawl(site, off, spider, OFF)
        site.publish(new)
        runs["on", f"after {new} new"] = crawl(site, on, spider)
        runs["off", f"after {new} new"] = crawl(site, off, spider, OFF)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--new", type=int, default=10, help="articles published before re-run 2")
    parser.add_argument("--quick", action="store_true", help="a tiny run (50 articles), for CI")
    args = parser.parse_args()
    count, new = (50, 3) if args.quick else (args.articles, args.new)
    results = {spider: measure(count, new, spider) for spider in FOLDERS}

    pages = (count + PER_PAGE - 1) // PER_PAGE
    children = (count + PER_SITEMAP - 1) // PER_SITEMAP
    print(f"incremental: synthetic DLE site of {count} articles ({pages} listing pages)")
    site_file = results["site file"]
    full, rerun = site_file["on", "first run"], site_file["on", "unchanged re-run"]
    for name, run in (("full crawl", full), ("unchanged re-run", rerun)):
        print(
            f"  {name:<17} {run.count('requests'):>6} requests, "
            f"{run.count('articles_new'):>5} articles new, {run.seconds:6.1f} s"
        )
    ratio = full.count("requests") / max(rerun.count("requests"), 1)
    print(f"  ratio             {ratio:,.0f}x fewer requests (goal: at most {HANDFUL})")

    print(
        f"\nrequests by answer, from the server's log (content: a 2xx with a body, robots.txt "
        f"included); the generic crawl also reads {children} child sitemaps, a feed, 7 sections"
    )
    print(
        f"  {'spider':<9} {'conditional':<11} {'run':<16} {'content':>7} {'304':>5} "
        f"{'other':>5} {'new':>5} {'health':<14} {'wall s':>6}"
    )
    for spider, runs in results.items():
        for (conditional, name), run in runs.items():
            if conditional == "off" and name == "first run":
                continue  # the same crawl as "on": the copies start from it
            first = "both" if name == "first run" else conditional
            print(
                f"  {spider:<9} {first:<11} {name:<16} {run.answers['content']:>7} "
                f"{run.answers['304']:>5} {run.answers['other']:>5} "
                f"{run.count('articles_new'):>5} {run.record['health']!s:<14} {run.seconds:6.1f}"
            )
    generic = results["generic"]["on", "unchanged re-run"].answers["content"]
    met = "met" if generic <= HANDFUL else "MISSED"
    print(
        f"  goal: the unchanged generic re-run gets content back {generic} times "
        f"(at most {HANDFUL}): {met}"
    )
    return 0 if rerun.count("requests") <= HANDFUL and generic <= HANDFUL else 1


if __name__ == "__main__":
    sys.exit(main())
