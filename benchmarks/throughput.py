"""Pages per second of the full crawl against Scrapy spiders doing less, same site, same settings.

    python benchmarks/throughput.py [--articles 2000] [--rounds 5] [--quick] [-s NAME=VALUE ...]

A synthetic DataLife-Engine site (benchmarks/synthetic_site.py, about 28 KB a page) is rendered
into memory and served on loopback; its own capacity is measured first and printed, so that a
slow server cannot pass for a slow crawler. Then, in turn, each round runs

  (a) fetch-only: a Scrapy spider with newsarchive's settings that starts on the same page and
      follows the same links (the site file's listing selectors), parses nothing else and has
      no item pipelines;
  (b) the full crawl: ``newsarchive crawl URL --site everyday`` into a fresh archive;
  (c) trafilatura in the callback: (a) whose article callback runs ``trafilatura.extract``
      (JSON with metadata, no comments, its extensive date search) and writes each result with
      Scrapy's own JSON Lines feed, as a user of that peer would (only with the ``bench`` extra);
  (d) the floor: (a) whose article callback builds the page's lxml tree and yields one small
      item: what any spider that reads article pages and keeps something of them pays at least.

AutoThrottle is off for all (the server is local); robots.txt is obeyed by all. Each is a
separate process, timed from the start of the crawl to its end (start-up imports excluded) and
counted in responses received. The figures are medians over the rounds; each ratio is the
median of the rounds' ratios, each round's crawls run back to back in rotating order.
``-s NAME=VALUE`` is passed to all (e.g. ``-s CONCURRENT_ITEMS=100`` to compare a setting).
Goals: (b) at least 75% of (a), and at least 2x (c). Exits 1 when one is missed, except with
--quick (a tiny CI run whose figures mean little).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from synthetic_site import CRAWL_SETTINGS, crawl_command

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GOAL = 0.75  # (b) against (a)
PEER_GOAL = 2.0  # (b) against (c)


# --- (a), (c) and (d): plain Scrapy spiders, each run in a child process --------------------


def spider_crawl(kind: str, url: str, overrides: list[str]) -> None:
    """Crawl ``url`` like the everyday spider walks it; article pages get ``kind``'s callback."""
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
    extract = _trafilatura_extract() if kind == "trafilatura" else None

    class PlainSpider(scrapy.Spider):
        name = kind
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

        def article(self, response: Any) -> Any:
            if kind == "floor":
                yield {"url": response.url, "root": response.selector.root.tag}
            elif extract is not None:
                yield {"url": response.url, **extract(response.body, response.url)}

    settings = Settings()
    settings.setmodule(defaults, priority="project")
    settings.setdict(site.throttle, priority="spider")
    contact = settings.get("NEWSARCHIVE_CONTACT_URL")
    given = dict(pair.split("=", 1) for pair in (*CRAWL_SETTINGS, *overrides))
    with tempfile.TemporaryDirectory() as out:
        feed = Path(out, "items.jsonl").as_uri()
        settings.setdict(
            {
                "USER_AGENT": f"newsarchive/{__version__} (+{contact})",
                "LOGSTATS_INTERVAL": 0,
                **given,
                "ITEM_PIPELINES": {},
                "FEEDS": {feed: {"format": "jsonlines"}} if kind == "trafilatura" else {},
            },
            priority="cmdline",
        )
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(PlainSpider)
        started = time.monotonic()
        process.crawl(crawler)
        process.start()
        elapsed = time.monotonic() - started
    stats = crawler.stats
    pages = stats.get_value("response_received_count", 0) if stats else 0
    print(f"pages {pages} seconds {elapsed:.3f}")


def _trafilatura_extract() -> Any:
    """trafilatura's metadata and text of a page (extraction.py also bounds the date by the
    case's fetch time; a crawl has no such case)."""
    import trafilatura

    def extract(html: bytes, url: str) -> dict[str, Any]:
        found = trafilatura.extract(
            html,
            url=url,
            output_format="json",
            with_metadata=True,
            include_comments=False,
            date_extraction_params={"extensive_search": True, "original_date": True},
        )
        return json.loads(found) if found else {}

    return extract


def has_trafilatura() -> bool:
    return importlib.util.find_spec("trafilatura") is not None


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
        result = subprocess.run(
            crawl_command(url, out, *overrides),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        sys.exit(f"the full crawl failed ({result.returncode}):\n{result.stderr}")
    seconds = re.search(r"finished in ([\d.]+) s", result.stdout)
    pages = re.search(r"pages fetched\s+(\d+)", result.stdout)
    assert seconds, result.stdout
    assert pages, result.stdout
    return int(pages[1]), float(seconds[1])


def plain_crawl(kind: str) -> Callable[[str, list[str]], tuple[int, float]]:
    def crawl(url: str, overrides: list[str]) -> tuple[int, float]:
        command = [sys.executable, __file__, "--spider", kind, url, *overrides]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            sys.exit(f"the {kind} crawl failed ({result.returncode}):\n{result.stderr}")
        return int(_field(result.stdout, "pages")), _field(result.stdout, "seconds")

    return crawl


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
    parser.add_argument("--spider", nargs=2, metavar=("KIND", "URL"), help=argparse.SUPPRESS)
    parser.add_argument("--probe", metavar="URL", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.spider:
        spider_crawl(*args.spider, rest)
        return 0
    if args.probe:
        probe(args.probe, rest, connections=4)
        return 0

    from synthetic_site import SyntheticSite, site_paths

    count, rounds = (200, 1) if args.quick else (args.articles, args.rounds)
    crawls: dict[str, Callable[[str, list[str]], tuple[int, float]]] = {
        "(a) fetch-only": plain_crawl("fetch-only"),
        "(b) full crawl": full_crawl,
    }
    if has_trafilatura():
        crawls["(c) trafilatura"] = plain_crawl("trafilatura")
    crawls["(d) floor"] = plain_crawl("floor")
    rates: dict[str, list[float]] = {name: [] for name in crawls}
    ratios: dict[str, list[float]] = {name: [] for name in crawls}
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
            print(f"  settings for all     {' '.join(args.settings)}")
        names = list(crawls)
        for number in range(rounds):
            order = names[number % len(names) :] + names[: number % len(names)]
            round_rates = {}
            for name in order:
                pages, seconds = crawls[name](site.url, args.settings)
                round_rates[name] = pages / seconds
                rates[name].append(pages / seconds)
            for name in names:
                ratios[name].append(round_rates["(b) full crawl"] / round_rates[name])
            shown = ", ".join(f"{name[4:]} {round_rates[name]:.0f}" for name in names)
            print(f"  round {number + 1}: {shown} pages/s ({pages} pages)")
    for name in names:
        print(f"  {name:<20} {statistics.median(rates[name]):7.0f} pages/s (median)")
    fetch = statistics.median(ratios["(a) fetch-only"])
    floor = statistics.median(ratios["(d) floor"])
    print(f"  ratio (b)/(a)        {fetch:7.0%}  (median of rounds; goal at least {GOAL:.0%})")
    print(f"  ratio (b)/(d)        {floor:7.0%}  (against the floor)")
    met = fetch >= GOAL
    if "(c) trafilatura" in ratios:
        peer = statistics.median(ratios["(c) trafilatura"])
        print(f"  ratio (b)/(c)        {peer:7.1f}x (median of rounds; goal at least {PEER_GOAL}x)")
        met = met and peer >= PEER_GOAL
    else:
        print("  (c) trafilatura      not installed (pip install -e '.[bench]'); not compared")
    return 0 if args.quick or met else 1


if __name__ == "__main__":
    sys.exit(main())
