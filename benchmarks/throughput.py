"""Pages per second of the full crawl against a fetch-only Scrapy spider, same site, same settings.

    python benchmarks/throughput.py [--articles 2000] [--rounds 5] [--quick] [-s NAME=VALUE ...]

A synthetic DataLife-Engine site (benchmarks/synthetic_site.py, about 28 KB a page) is rendered
into memory and served on loopback; its own capacity is measured first and printed, so that a
slow server cannot pass for a slow crawler. Then, in alternating order, each round runs

  (a) fetch-only: a Scrapy spider with newsarchive's settings that starts on the same page and
      follows the same links (the site file's listing selectors), parses nothing else and has
      no item pipelines;
  (b) the full crawl: ``newsarchive crawl URL --site everyday`` into a fresh archive.

AutoThrottle is off for both (the server is local); robots.txt is obeyed by both. Each is a
separate process, timed from the start of the crawl to its end (start-up imports excluded) and
counted in responses received. The figures are medians over the rounds; the ratio is the
median of the rounds' (b)/(a), each measured back to back. ``-s NAME=VALUE`` is passed to both
(e.g. ``-s CONCURRENT_ITEMS=100`` to compare a setting). Exits 1 when the ratio is below the
goal (75%), except with --quick (a tiny CI run whose figures mean little).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GOAL = 0.75
# The full crawl's own settings for a loopback site; the fetch-only spider gets them too.
CRAWL_SETTINGS = ("AUTOTHROTTLE_ENABLED=False", "NEWSARCHIVE_PROGRESS_INTERVAL=0")


# --- (a) the fetch-only spider, run in a child process ---------------------------------------


def fetch_only(url: str, overrides: list[str]) -> None:
    """Crawl ``url`` like the everyday spider walks it, fetching pages and nothing more."""
    # This folder holds incremental.py, which would shadow Twisted's `incremental` package; and
    # the settings must be this checkout's, like the full crawl's (run from ROOT).
    sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from newsarchive import __version__
    from newsarchive import settings as defaults
    from newsarchive.sites import load_site

    site = load_site("everyday").on_host(url)

    class FetchOnly(scrapy.Spider):
        name = "fetch-only"
        allowed_domains = list(site.allowed_domains)  # noqa: RUF012 (Scrapy reads it here)

        async def start(self) -> Any:
            for start in site.start_urls:
                yield scrapy.Request(start, callback=self.listing, dont_filter=True)

        def listing(self, response: Any) -> Any:
            for css in site.listing.links:
                for href in response.css(css).css("a::attr(href)").getall():
                    if site.is_article(link := response.urljoin(href)):
                        yield response.follow(link, callback=self.article)
            for css in site.listing.pagination:
                for href in response.css(css).getall():
                    link = response.urljoin(href)
                    if site.listing.page_url.search(urlsplit(link).path):
                        yield response.follow(link, callback=self.listing)

        def article(self, response: Any) -> None:
            return None

    settings = Settings()
    settings.setmodule(defaults, priority="project")
    settings.setdict(site.throttle, priority="spider")
    contact = settings.get("NEWSARCHIVE_CONTACT_URL")
    given = dict(pair.split("=", 1) for pair in (*CRAWL_SETTINGS, *overrides))
    settings.setdict(
        {
            "USER_AGENT": f"newsarchive/{__version__} (+{contact})",
            "LOGSTATS_INTERVAL": 0,
            **given,
            "ITEM_PIPELINES": {},
        },
        priority="cmdline",
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(FetchOnly)
    started = time.monotonic()
    process.crawl(crawler)
    process.start()
    elapsed = time.monotonic() - started
    pages = crawler.stats.get_value("response_received_count", 0) if crawler.stats else 0
    print(f"pages {pages} seconds {elapsed:.3f}")


# --- the server's own capacity, measured from child processes ---------------------------------


def probe(url: str, paths: list[str], connections: int) -> None:
    """Fetch ``paths`` over ``connections`` keep-alive connections; print pages per second."""
    parts = urlsplit(url)
    queue = iter(paths)
    lock = threading.Lock()
    sizes: list[int] = []

    def worker() -> None:
        connection = HTTPConnection(parts.hostname, parts.port)
        while True:
            with lock:
                path = next(queue, None)
            if path is None:
                return
            connection.request("GET", path)
            size = len(connection.getresponse().read())
            with lock:
                sizes.append(size)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"pages {len(sizes)} seconds {time.monotonic() - started:.3f} bytes {sum(sizes)}")


def server_capacity(url: str, paths: list[str], clients: int = 2) -> tuple[float, float]:
    """Pages per second the server gives ``clients`` processes of 4 connections each, and the
    mean page size; the clients' own work is counted against the server."""
    command = [sys.executable, __file__, "--probe", url]
    share = [paths[i::clients] for i in range(clients)]
    started = time.monotonic()
    runs = [
        subprocess.Popen([*command, *part], stdout=subprocess.PIPE, text=True) for part in share
    ]
    outputs = [run.communicate()[0] for run in runs]
    elapsed = time.monotonic() - started
    pages = sum(int(_field(out, "pages")) for out in outputs)
    size = sum(_field(out, "bytes") for out in outputs) / max(pages, 1)
    return pages / elapsed, size


# --- (b) the full crawl, and the rounds -------------------------------------------------------


def full_crawl(url: str, overrides: list[str]) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "newsarchive", "crawl", url, "--site", "everyday",
                   "--out", out]  # fmt: skip
        for pair in (*CRAWL_SETTINGS, *overrides):
            command += ["-s", pair]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"the full crawl failed ({result.returncode}):\n{result.stderr}")
    seconds = re.search(r"finished in ([\d.]+) s", result.stdout)
    pages = re.search(r"pages fetched\s+(\d+)", result.stdout)
    assert seconds, result.stdout
    assert pages, result.stdout
    return int(pages[1]), float(seconds[1])


def fetch_only_crawl(url: str, overrides: list[str]) -> tuple[int, float]:
    command = [sys.executable, __file__, "--fetch-only", url, *overrides]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"the fetch-only crawl failed ({result.returncode}):\n{result.stderr}")
    return int(_field(result.stdout, "pages")), _field(result.stdout, "seconds")


def _field(output: str, name: str) -> float:
    found = re.search(rf"\b{name} ([\d.]+)", output)
    assert found, output
    return float(found[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="200 articles, 1 round (for CI)")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--fetch-only", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--probe", metavar="URL", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.fetch_only:
        fetch_only(args.fetch_only, rest)
        return 0
    if args.probe:
        probe(args.probe, rest, connections=4)
        return 0

    from synthetic_site import SyntheticSite, site_paths

    count, rounds = (200, 1) if args.quick else (args.articles, args.rounds)
    with SyntheticSite(count) as site:
        served = site.warm()
        paths = site_paths(count)
        capacity, size = server_capacity(site.url, paths * max(1, 4000 // len(paths)))
        print(f"throughput: synthetic DLE site of {count} articles, {len(paths)} pages, "
              f"{served / 2**20:.0f} MiB in memory, mean page {size / 1024:.1f} KB")  # fmt: skip
        print(
            f"  server capacity      {capacity:7.0f} pages/s (2 client processes x 4 "
            "connections, on this machine)"
        )
        if args.settings:
            print(f"  settings for both    {' '.join(args.settings)}")
        fetch_rates: list[float] = []
        full_rates: list[float] = []
        ratios: list[float] = []
        for number in range(rounds):
            runs = (fetch_only_crawl, full_crawl)
            order = runs if number % 2 == 0 else runs[::-1]
            rates = {}
            for run in order:
                pages, seconds = run(site.url, args.settings)
                rates[run] = pages / seconds
            fetch_rates.append(rates[fetch_only_crawl])
            full_rates.append(rates[full_crawl])
            ratios.append(rates[full_crawl] / rates[fetch_only_crawl])
            print(f"  round {number + 1}: fetch-only {rates[fetch_only_crawl]:6.0f} pages/s, "
                  f"full crawl {rates[full_crawl]:6.0f} pages/s, ratio {ratios[-1]:.0%} "
                  f"({pages} pages)")  # fmt: skip
    ratio = statistics.median(ratios)
    print(f"  (a) fetch-only       {statistics.median(fetch_rates):7.0f} pages/s (median)")
    print(f"  (b) full crawl       {statistics.median(full_rates):7.0f} pages/s (median)")
    print(f"  ratio (b)/(a)        {ratio:7.0%}  (median of rounds; goal at least {GOAL:.0%})")
    return 0 if args.quick or ratio >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
