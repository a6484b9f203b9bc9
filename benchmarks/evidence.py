"""What keeping every page as received (WARC) costs, and what reading it again gives back.

    python benchmarks/evidence.py [--articles 2000] [--rounds 5] [--quick] [-s NAME=VALUE ...]

A synthetic DataLife-Engine site (benchmarks/synthetic_site.py, about 28 KB a page) is rendered
into memory and served on loopback. A first crawl of it with WARC on (``newsarchive crawl URL
--site everyday``, as throughput.py's (b); not timed) makes the reference archive that 1, 3 and
4 read. Then:

  1. bytes stored per article page: the WARC bytes per page kept (the run record's
     ``warc_bytes`` / ``warc_pages``), the article response records' ``length`` (from each
     article record's ``source``) and the request records beside them, against the JSONL
     article record's own bytes; and the crawl's WARC files against its JSONL files in total.
  2. crawl throughput with WARC on and off (``--no-warc``): the full crawl, into a fresh
     archive, in each order in turn; pages per second from the crawl's own summary ("finished
     in", start-up imports excluded), and the CPU time a page of the crawl's process and its
     parse worker (start-up included), which other load on the machine moves less. Goal: WARC
     on at least 90% of off, in pages per second.
  3. reparse: ``reparse_site`` in dry-run (so that every round reads the same archive) with 1
     and 2 processes, timed around the call in a process of its own (the worker processes'
     start included, the imports not); against the crawl's parse step, measured in-process on
     the same stored article pages: ``read_article_page`` on the page's Scrapy response, as the
     crawl's spider (or its parse worker) runs it, and ``read_stored_page``, all a reparse
     does to a page once it is read from its WARC record. Goal: reparse on all cores reads
     article pages faster than the crawl (WARC on) archives them.
  4. import: ``newsarchive import`` of the reference crawl's WARC files into a fresh archive
     (``--site everyday --host URL``); pages per second from its summary, and the articles it
     writes, which must be the crawl's (the script stops when they are not).

Each crawl, reparse, parse measure and import runs in a process of its own. Figures are medians
over ``--rounds``; a ratio is the median of the rounds' ratios, the two sides of each run back
to back in rotating order. The machines this runs on are shared and have few cores (printed):
read the medians and ratios, not one round. ``-s NAME=VALUE`` goes to every crawl. Exits 1
when a goal is missed, except with --quick (a tiny CI run whose figures mean little).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthetic_site import SyntheticSite, crawl_command, site_paths

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# This folder holds incremental.py, which would shadow Twisted's `incremental` package (imported
# with Scrapy below); and the package must be this checkout's.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]

GOAL = 0.90  # crawl pages/s with WARC on against off
SITE = "everyday"
KB = 1024
# Pages each parse measure reads before its timed pass.
_WARM_UP = 50


# --- child processes: one reparse, one parse measure ------------------------------------------


def reparse_once(folder: Path, processes: int) -> None:
    """Reparse one site folder in dry-run; print its pages and the seconds the call took."""
    from newsarchive.evidence.reparse import Reparse, crawled_site, reparse_site

    how = Reparse(site=crawled_site(folder), processes=processes, dry_run=True)
    started = time.perf_counter()
    report = reparse_site(folder, how)
    elapsed = time.perf_counter() - started
    if report.changed or report.problems or report.without_source:
        sys.exit(f"reparse of the crawl's own archive is not a no-op: {report}")
    print(f"pages {report.records} seconds {elapsed:.4f}")


def parse_costs(folder: Path) -> None:
    """Seconds a page of the crawl's parse step and of a reparse's read of a stored page.

    The pages are read from the WARC files first (not timed); then every article page is read
    as the crawl reads it, then as a reparse reads it, each pass timed as a whole after a few
    pages read untimed.
    """
    from scrapy.http import HtmlResponse, Request

    from newsarchive.evidence.pages import read_stored_page
    from newsarchive.evidence.reparse import crawled_site
    from newsarchive.parsers.page import read_article_page
    from newsarchive.responses import readable

    site = crawled_site(folder)
    pages = article_pages(folder)

    def crawl_parse(stored: Any) -> None:
        # What the spider has in hand (Scrapy built the response) and does with it.
        response = readable(
            HtmlResponse(
                stored.url,
                status=stored.status,
                headers=stored.headers,
                body=stored.body,
                request=Request(stored.url),
            )
        )
        read_article_page(
            response.selector,
            site.article,
            site.rate_widget,
            url=response.url,
            now=stored.captured_at,
            tz=site.timezone,
            lang=site.lang,
        )

    def stored_read(stored: Any) -> None:
        assert read_stored_page(site, stored).article is not None, stored.url

    seconds = {}
    for name, read in (("parse", crawl_parse), ("stored", stored_read)):
        for stored in pages[:_WARM_UP]:  # the parsers' first calls fill caches
            read(stored)
        started = time.perf_counter()
        for stored in pages:
            read(stored)
        seconds[name] = time.perf_counter() - started
    print(f"pages {len(pages)} parse {seconds['parse']:.4f} stored {seconds['stored']:.4f}")


def article_pages(folder: Path) -> list[Any]:
    """The stored response of every article record of a site folder (warcio reads them)."""
    from warcio.archiveiterator import ArchiveIterator

    from newsarchive.evidence.pages import StoredResponse

    sources = {record["source"]["record_id"]: record["source"] for record in articles(folder)}
    pages = []
    for path in warc_files(folder):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                if record.rec_type != "response" or record_id not in sources:
                    continue
                http = record.http_headers
                pages.append(
                    StoredResponse(
                        url=record.rec_headers.get_header("WARC-Target-URI"),
                        status=int(http.get_statuscode()),
                        headers=list(http.headers),
                        body=record.content_stream().read(),
                        captured_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
                        source=sources[record_id],
                    )
                )
    assert len(pages) == len(sources), (len(pages), len(sources))
    return pages


def _warc_date(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# --- the archive a crawl leaves ---------------------------------------------------------------


def warc_files(folder: Path) -> list[Path]:
    return sorted((folder / "warc").glob("*.warc.gz"))


def jsonl_files(folder: Path, kind: str) -> list[Path]:
    return sorted((folder / kind).glob("*.jsonl"))


def article_lines(folder: Path) -> list[bytes]:
    """The article records as written, newline included."""
    files = jsonl_files(folder, "articles")
    return [line for path in files for line in path.read_bytes().splitlines(keepends=True)]


def articles(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in article_lines(folder)]


def last_run(folder: Path) -> dict[str, Any]:
    lines = (folder / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    return dict(json.loads(lines[-1]))


@dataclass
class WarcBytes:
    """A crawl's WARC files record by record: bytes (gzip member) per record type."""

    files: int = 0
    on_disk: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    count: Counter[str] = field(default_factory=Counter)
    lengths: dict[str, int] = field(default_factory=dict)  # record id -> its member's bytes
    concurrent: dict[str, int] = field(default_factory=dict)  # response id -> request bytes
    payloads: dict[str, int] = field(default_factory=dict)  # response id -> entity body bytes


def warc_bytes(folder: Path) -> WarcBytes:
    from warcio.archiveiterator import ArchiveIterator

    found = WarcBytes()
    for path in warc_files(folder):
        found.files += 1
        found.on_disk += path.stat().st_size
        with path.open("rb") as handle:
            records = ArchiveIterator(handle)
            for record in records:
                kind = record.rec_type
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                if kind == "response":
                    found.payloads[record_id] = len(record.content_stream().read())
                records.read_to_end()
                length = records.get_record_length()
                found.by_type[kind] += length
                found.count[kind] += 1
                found.lengths[record_id] = length
                if kind == "request":
                    response = record.rec_headers.get_header("WARC-Concurrent-To")
                    found.concurrent[response] = length
    return found


def bytes_report(folder: Path) -> list[str]:
    """Section 1: what a page costs in the WARC files and in the JSONL, from one crawl."""
    run = last_run(folder)
    stored = warc_bytes(folder)
    records = articles(folder)
    line_bytes = [len(line) for line in article_lines(folder)]
    lengths = [record["source"]["length"] for record in records]
    ids = [record["source"]["record_id"] for record in records]
    # The offsets the records name are the ones the files hold.
    assert all(stored.lengths[i] == n for i, n in zip(ids, lengths, strict=True))
    requests = [stored.concurrent[i] for i in ids]
    bodies = [stored.payloads[i] for i in ids]
    jsonl = [path for kind in ("articles", "rates") for path in jsonl_files(folder, kind)]
    jsonl_total = sum(path.stat().st_size for path in jsonl)
    jsonl_gzipped = sum(len(gzip.compress(path.read_bytes(), 6)) for path in jsonl)
    per_page = run["warc_bytes"] / run["warc_pages"]
    response_mean = statistics.mean(lengths)
    line_mean = statistics.mean(line_bytes)
    kinds = ", ".join(
        f"{kind} {stored.count[kind]} ({_mb(stored.by_type[kind])})" for kind in stored.by_type
    )
    return [
        f"1. bytes stored per article page (the reference crawl: {run['pages']} pages, "
        f"{len(records)} article records)",
        f"  WARC per page kept       {per_page / KB:7.1f} KB   (runs.jsonl: warc_bytes "
        f"{run['warc_bytes']} / warc_pages {run['warc_pages']})",
        f"  article response record  {statistics.median(lengths) / KB:7.1f} KB median, "
        f"{response_mean / KB:.1f} KB mean (source.length; gzip per record, of a page of "
        f"{statistics.mean(bodies) / KB:.1f} KB as sent)",
        f"  + its request record     {statistics.mean(requests) / KB:7.1f} KB mean",
        f"  JSONL article record     {statistics.median(line_bytes) / KB:7.1f} KB median, "
        f"{line_mean / KB:.1f} KB mean",
        f"  ratio JSONL/response     {line_mean / response_mean:7.1f}x (means: the record "
        "takes more room than the page it was read from)"
        if line_mean > response_mean
        else f"  ratio JSONL/response     {line_mean / response_mean:7.2f}x (means)",
        f"  total WARC               {_mb(stored.on_disk):>10} in {stored.files} file(s): {kinds}",
        f"  total JSONL              {_mb(jsonl_total):>10} (articles and rates; "
        f"{_mb(jsonl_gzipped)} gzipped whole)",
    ]


def _mb(count: float) -> str:
    return f"{count / 2**20:.1f} MB"


# --- runs of the CLI, each a process of its own -----------------------------------------------


@dataclass(frozen=True)
class Run:
    pages: int
    seconds: float
    articles: int  # articles written, new
    cpu: float  # CPU seconds (user and system) of the process and the children it waited for

    @property
    def rate(self) -> float:
        return self.pages / self.seconds


def summary_run(command: list[str], what: str) -> Run:
    """Run a crawl or an import; its pages, seconds and new articles from its summary."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if result.returncode != 0:
        sys.exit(f"the {what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    seconds = re.search(r" in ([\d.]+) s$", result.stdout, re.MULTILINE)
    pages = re.search(r"pages (?:fetched|read)\s+(\d+)", result.stdout)
    written = re.search(r"articles written\s+(\d+) new", result.stdout)
    assert seconds, result.stdout
    assert pages, result.stdout
    assert written, result.stdout
    return Run(int(pages[1]), float(seconds[1]), int(written[1]), cpu)


def crawl(url: str, out: str, overrides: list[str], *, warc: bool) -> Run:
    command = crawl_command(url, out, *overrides) + ([] if warc else ["--no-warc"])
    return summary_run(command, "crawl" + ("" if warc else " (--no-warc)"))


def fresh_crawl(url: str, overrides: list[str], *, warc: bool) -> Run:
    with tempfile.TemporaryDirectory() as out:
        return crawl(url, out, overrides, warc=warc)


def import_warcs(folder: Path, url: str) -> Run:
    with tempfile.TemporaryDirectory() as out:
        files = [str(path) for path in warc_files(folder)]
        command = [sys.executable, "-m", "newsarchive", "import", *files, "--site", SITE,
                   "--host", url, "--out", out]  # fmt: skip
        return summary_run(command, "import")


def child(*args: str) -> dict[str, float]:
    """Run this script's hidden mode ``args``; the ``name value`` pairs it prints."""
    command = [sys.executable, __file__, *args]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    words = result.stdout.split()
    return {name: float(value) for name, value in zip(words[::2], words[1::2], strict=True)}


def rotated(names: list[str], number: int) -> list[str]:
    """The round's order: each name goes first in turn."""
    start = number % len(names)
    return names[start:] + names[:start]


def median_ratio(pairs: list[tuple[float, float]]) -> float:
    return statistics.median(a / b for a, b in pairs)


# --- the sections -----------------------------------------------------------------------------


def crawl_section(url: str, rounds: int, overrides: list[str]) -> tuple[float, float]:
    """Section 2; returns the ratio on/off and the median pages/s with WARC on."""
    print("2. crawl throughput, WARC on vs --no-warc (the full crawl, a fresh archive each)")
    rates: dict[str, list[float]] = {"on": [], "off": []}
    cpu: dict[str, list[float]] = {"on": [], "off": []}  # milliseconds a page
    for number in range(rounds):
        runs = {}
        for name in rotated(["on", "off"], number):
            runs[name] = fresh_crawl(url, overrides, warc=name == "on")
            rates[name].append(runs[name].rate)
            cpu[name].append(runs[name].cpu / runs[name].pages * 1000)
        order = " then ".join(rotated(["on", "off"], number))
        print(
            f"  round {number + 1}: on {runs['on'].rate:.0f}, off {runs['off'].rate:.0f} pages/s "
            f"(ratio {runs['on'].rate / runs['off'].rate:.2f}); CPU {cpu['on'][-1]:.2f} and "
            f"{cpu['off'][-1]:.2f} ms a page ({order}; {runs['on'].pages} pages)"
        )
    ratio = median_ratio(list(zip(rates["on"], rates["off"], strict=True)))
    on = statistics.median(rates["on"])
    extra = statistics.median(a - b for a, b in zip(cpu["on"], cpu["off"], strict=True))
    print(f"  WARC on                  {on:7.0f} pages/s (median)")
    print(f"  WARC off                 {statistics.median(rates['off']):7.0f} pages/s (median)")
    print(f"  ratio on/off             {ratio:7.2f}  (median of rounds; goal at least {GOAL:.2f})")
    print(
        f"  CPU a page               {statistics.median(cpu['on']):7.2f} ms on, "
        f"{statistics.median(cpu['off']):.2f} ms off (medians; the crawl and its parse worker)"
    )
    print(
        f"  WARC's CPU a page        {extra:7.2f} ms (median of rounds' on - off; the other "
        "load on the machine moves it less than pages/s)"
    )
    return ratio, on


def reparse_section(folder: Path, rounds: int, crawl_rate: float, crawl_articles: float) -> float:
    """Section 3; returns reparse pages/s on all (2) processes over the crawl's article pages/s."""
    print(
        "3. reparse --dry-run of the reference archive (reparse_site timed in its own process, "
        "worker start-up included)"
    )
    rates: dict[int, list[float]] = {1: [], 2: []}
    parse: list[float] = []
    stored: list[float] = []
    pages = 0
    for number in range(rounds):
        for processes in rotated([1, 2], number):
            found = child("--reparse", str(folder), str(processes))
            pages = int(found["pages"])
            rates[processes].append(found["pages"] / found["seconds"])
        costs = child("--parse", str(folder))
        parse.append(costs["parse"] / costs["pages"])
        stored.append(costs["stored"] / costs["pages"])
        print(
            f"  round {number + 1}: 1 process {rates[1][-1]:.0f}, 2 processes {rates[2][-1]:.0f} "
            f"pages/s; parse {parse[-1] * 1000:.2f} ms, stored read {stored[-1] * 1000:.2f} ms "
            f"a page ({pages} article pages)"
        )
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    speedup = median_ratio(list(zip(rates[2], rates[1], strict=True)))
    parse_ms, stored_ms = statistics.median(parse) * 1000, statistics.median(stored) * 1000
    print(f"  reparse, 1 process       {one:7.0f} pages/s (median; {1000 / one:.2f} ms a page)")
    print(f"  reparse, 2 processes     {two:7.0f} pages/s (median; {1000 / two:.2f} ms a page)")
    print(f"  speed-up 2 over 1        {speedup:7.2f}x (median of rounds; {os.cpu_count()} cores)")
    print(
        f"  crawl's parse step       {parse_ms:7.2f} ms a page (read_article_page on the page's "
        f"Scrapy response, in-process): {1000 / parse_ms:.0f} pages/s on one core"
    )
    print(
        f"  stored page read         {stored_ms:7.2f} ms a page (read_stored_page: response, "
        f"encoding, parse, record); reparse adds {1000 / one - stored_ms:.2f} ms (WARC read, "
        "compare)"
    )
    faster = two / crawl_articles
    print(
        f"  crawl (WARC on)          {crawl_rate:7.0f} pages/s, {crawl_articles:.0f} article "
        f"pages/s (median): reparse {one / crawl_articles:.1f}x (1 process), {faster:.1f}x "
        "(2) the crawl, no network (goal: faster)"
    )
    return faster


def import_section(folder: Path, url: str, rounds: int, crawl_rate: float, expected: int) -> None:
    """Section 4: import the reference crawl's WARC files, round after round."""
    print("4. newsarchive import of the reference crawl's WARC files (--site everyday --host URL)")
    rates = []
    for number in range(rounds):
        run = import_warcs(folder, url)
        assert run.articles == expected, (run.articles, expected)
        rates.append(run.rate)
        print(
            f"  round {number + 1}: {run.rate:.0f} pages/s ({run.pages} pages, {run.articles} "
            "articles written)"
        )
    rate = statistics.median(rates)
    print(f"  import                   {rate:7.0f} pages/s (median; {rate / crawl_rate:.1f}x the "
          "crawl's pages/s)")  # fmt: skip
    print(f"  articles                 {expected:7d} written by each import = the crawl's "
          f"{expected}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="100 articles, 1 round (for CI)")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--reparse", nargs=2, metavar=("FOLDER", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--parse", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reparse:
        reparse_once(Path(args.reparse[0]), int(args.reparse[1]))
        return 0
    if args.parse:
        parse_costs(Path(args.parse))
        return 0

    count, rounds = (100, 1) if args.quick else (args.articles, args.rounds)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    with SyntheticSite(count) as site, tempfile.TemporaryDirectory() as out:
        served = site.warm()
        print(
            f"evidence: synthetic DLE site of {count} articles, {len(site_paths(count))} pages, "
            f"{served / 2**20:.0f} MiB in memory; {os.cpu_count()} cores (os.cpu_count()), "
            f"load average {load} at the start"
        )
        if args.settings:
            print(f"  settings for all crawls  {' '.join(args.settings)}")
        reference = crawl(site.url, out, args.settings, warc=True)
        folder = Path(out, SITE)
        for line in bytes_report(folder):
            print(line)
        ratio, crawl_rate = crawl_section(site.url, rounds, args.settings)
        crawl_articles = crawl_rate * reference.articles / reference.pages
        faster = reparse_section(folder, rounds, crawl_rate, crawl_articles)
        import_section(folder, site.url, rounds, crawl_rate, reference.articles)
    met = ratio >= GOAL and faster > 1
    print(f"goals: WARC on/off {ratio:.2f} (at least {GOAL:.2f}), reparse {faster:.1f}x the crawl "
          f"(more than 1x): {'met' if met else 'MISSED'}")  # fmt: skip
    return 0 if args.quick or met else 1


if __name__ == "__main__":
    sys.exit(main())
