"""Microseconds per page of the site-file path: what the everyday spider runs on an article page.

    python benchmarks/parsing.py [--pages 200] [--rounds 7] [--quick]

For each article page of the synthetic DLE site (benchmarks/synthetic_site.py) and of the
bundled demo site (fixtures/demo-site/pages), interleaved in one process:

  parse         lxml builds the page (``response.selector``; Scrapy pays it for any parsing)
  fields        ``parse_article`` with the everyday site file's selectors: title, lead, body,
                section, author and the publication time
  of which date the publication time alone (the same call with only the date selectors)
  rates         the rate widget: the site file's widget selectors, then ``parse_rates``; a crawl
                sees the same widget on every page ("repeated", the usual case) and a changed
                one now and then ("first seen")
  total         parse + fields + rates (repeated)

Each figure is the median over the rounds for each page, then the median (and mean) over the
pages. If trafilatura is importable, ``trafilatura.extract`` (JSON with metadata, no
comments) is timed on the same pages for comparison; ``TRAFILATURA`` below is the hook.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from synthetic_site import _article, article

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsel import Selector  # noqa: E402

from newsarchive import parse_article  # noqa: E402
from newsarchive.parsers import rates as rates_module  # noqa: E402
from newsarchive.parsers.article import ArticleSelectors  # noqa: E402
from newsarchive.parsers.page import read_rates  # noqa: E402
from newsarchive.sites import load_site  # noqa: E402

DEMO = ROOT / "fixtures" / "demo-site"
SITE = load_site("everyday")
DATE_ONLY = ArticleSelectors(title=(), body=(), date=SITE.article.date)
# When the synthetic pages were "fetched": their newest article is from 17:13 that day.
SYNTHETIC_NOW = datetime(2025, 12, 11, 13, 0, tzinfo=UTC)


def _trafilatura() -> Callable[[str], Any] | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def extract(html: str) -> Any:
        found = trafilatura.extract(
            html, output_format="json", with_metadata=True, include_comments=False
        )
        return json.loads(found) if found else None

    return extract


# The comparison extractor: None when trafilatura is not installed (pip install trafilatura).
TRAFILATURA = _trafilatura()


def _forget_widgets() -> None:
    """Empty parse_rates' memory of widgets, to time a widget seen for the first time."""
    rates_module._widgets.clear()


def _steps(html: str, now: datetime) -> dict[str, Callable[[], object]]:
    selector = Selector(text=html)
    zone = SITE.timezone

    def rates_first_seen() -> object:
        _forget_widgets()
        return read_rates(selector, SITE.rate_widget)

    steps: dict[str, Callable[[], object]] = {
        "parse": lambda: Selector(text=html),
        "fields": lambda: parse_article(selector, SITE.article, now=now, tz=zone),
        "of which date": lambda: parse_article(selector, DATE_ONLY, now=now, tz=zone),
        "rates, first seen": rates_first_seen,
        "rates, repeated": lambda: read_rates(selector, SITE.rate_widget),
    }
    if TRAFILATURA is not None:
        steps["trafilatura"] = lambda: TRAFILATURA(html)
    return steps


def _time(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return (time.perf_counter() - started) * 1e6


def measure(pages: list[tuple[str, datetime]], rounds: int) -> dict[str, list[float]]:
    """Per step, the median microseconds of each page over the rounds."""
    plans = [_steps(html, now) for html, now in pages]
    for plan in plans:  # warm up: caches of compiled selectors, the dateparser import
        for step in plan.values():
            step()
    samples: dict[str, list[list[float]]] = {name: [[] for _ in plans] for name in plans[0]}
    gc.collect()
    for _ in range(rounds):
        for number, plan in enumerate(plans):
            for name, step in plan.items():
                samples[name][number].append(_time(step))
    return {
        name: [statistics.median(page) for page in per_page] for name, per_page in samples.items()
    }


def report(title: str, figures: dict[str, list[float]]) -> None:
    figures = dict(figures)
    figures["total"] = [
        sum(values)
        for values in zip(
            figures["parse"], figures["fields"], figures["rates, repeated"], strict=True
        )
    ]
    print(f"  {title} ({len(figures['parse'])} article pages)        median     mean  µs/page")
    for name in (
        "parse",
        "fields",
        "of which date",
        "rates, first seen",
        "rates, repeated",
        "total",
        "trafilatura",
    ):
        if name in figures:
            values = figures[name]
            print(f"    {name:<20} {statistics.median(values):9.0f} {statistics.mean(values):8.0f}")
    if "trafilatura" in figures:
        ratio = statistics.median(figures["trafilatura"]) / statistics.median(figures["total"])
        print(f"    trafilatura / total  {ratio:9.1f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="synthetic article pages")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="10 pages, 2 rounds (for CI)")
    args = parser.parse_args()
    count, rounds = (10, 2) if args.quick else (args.pages, args.rounds)
    synthetic = [(article(_article(n)["path"], count) or "", SYNTHETIC_NOW) for n in range(count)]
    reference = json.loads((DEMO / "site.json").read_text(encoding="utf-8"))["reference_now"]
    demo_now = datetime.fromisoformat(reference)
    demo = [
        (path.read_text(encoding="utf-8"), demo_now)
        for path in sorted((DEMO / "pages").glob("*/*-post.html"))
    ]
    if args.quick:
        demo = demo[:5]
    print(f"parsing: the everyday site-file path, {rounds} rounds, medians per page")
    report("synthetic DLE site", measure(synthetic, rounds))
    report("demo site", measure(demo, rounds))
    if TRAFILATURA is None:
        print("  trafilatura: not installed (pip install trafilatura) — no comparison")
    return 0


if __name__ == "__main__":
    sys.exit(main())
