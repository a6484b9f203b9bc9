"""Quality and speed of the generic extractor against trafilatura, on the same corpus.

    .venv/bin/python benchmarks/extraction.py [--rounds N] [--quick] [--corpus DIR] [--details]

Scores both tools with ``newsarchive.evaluation`` on ``fixtures/corpus/`` (title and date
accuracy, article detection, body precision/recall/F1 by words, exact body start and end),
then times both on every page, interleaved in one process: per page the median of the
rounds, then the median and the mean over pages. trafilatura is a benchmark dependency only
(``pip install trafilatura``); without it only our figures are printed.

trafilatura runs as its documentation suggests for metadata and text
(``extract(..., output_format="json", with_metadata=True)``), without comments (the gold
excludes them) and with htmldate asked for times as well as dates. It has no article
detector, so detection is not scored for it; its ``excerpt`` stands for the lead.

Exits 1 if our extractor misses its goals against trafilatura: title and date accuracy at
least as good, body F1 within 0.05.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsarchive.evaluation import Case, Scores, case_now, load_corpus, ours, score  # noqa: E402
from newsarchive.parsers.generic import extract_article  # noqa: E402

Adapter = Callable[[bytes, Case], Mapping[str, Any]]


def _trafilatura() -> tuple[str, Adapter] | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def adapter(html: bytes, case: Case) -> dict[str, Any]:
        now = case_now(case) or datetime.now(UTC)
        found = trafilatura.extract(
            html,
            url=case.get("url"),
            output_format="json",
            with_metadata=True,
            include_comments=False,
            date_extraction_params={
                "extensive_search": True,
                "original_date": True,
                "outputformat": "%Y-%m-%dT%H:%M:%S",
                "max_date": now.strftime("%Y-%m-%d"),
            },
        )
        data = json.loads(found) if found else {}
        return {
            "title": data.get("title"),
            "body": data.get("text"),
            "published": data.get("date"),
            "is_article": None,
            "lead": data.get("excerpt"),
        }

    return f"trafilatura {trafilatura.__version__}", adapter


def _ours_timed(html: bytes, case: Case) -> object:
    return extract_article(html, case.get("url"), now=case_now(case), tz=case.get("tz") or "UTC")


def _time(
    tools: list[Callable[[bytes, Case], object]], pages: list[tuple[bytes, Case]], rounds: int
) -> list[list[float]]:
    """Seconds per page for each tool: the median of ``rounds`` interleaved runs."""
    samples: list[list[list[float]]] = [[[] for _ in pages] for _ in tools]
    for round_ in range(rounds):
        gc.collect()
        for index, (html, case) in enumerate(pages):
            order = range(len(tools)) if (round_ + index) % 2 == 0 else reversed(range(len(tools)))
            for tool in order:
                start = time.perf_counter()
                tools[tool](html, case)
                samples[tool][index].append(time.perf_counter() - start)
    return [[statistics.median(page) for page in tool] for tool in samples]


def _row(label: str, values: list[float | None], fmt: str = "{:.3f}") -> str:
    cells = ["n/a" if v is None else fmt.format(v) for v in values]
    return f"  {label:<26}" + "".join(f"{cell:>18}" for cell in cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--quick", action="store_true", help="a few pages, one round (CI)")
    parser.add_argument("--corpus", type=Path, default=ROOT / "fixtures" / "corpus")
    parser.add_argument("--details", action="store_true", help="list the pages that lost points")
    args = parser.parse_args(argv)

    pages = load_corpus(args.corpus)
    if args.quick:
        articles = [p for p in pages if p[1].get("is_article")][:5]
        pages = articles + [p for p in pages if not p[1].get("is_article")][:2]
    rounds = 1 if args.quick else args.rounds
    names = ["newsarchive"]
    adapters: list[Adapter] = [ours]
    timed: list[Callable[[bytes, Case], object]] = [_ours_timed]
    other = _trafilatura()
    if other is None:
        print(
            "trafilatura is not installed: only our figures (pip install trafilatura)",
            file=sys.stderr,
        )
    else:
        names.append(other[0])
        adapters.append(other[1])
        timed.append(other[1])

    results: list[Scores] = [score(adapter, pages) for adapter in adapters]
    for tool in timed:  # warm-up: imports, caches, compiled patterns
        for html, case in pages[:3]:
            tool(html, case)
    seconds = _time(timed, pages, rounds)

    n_articles = sum(1 for _, case in pages if case.get("is_article"))
    where = args.corpus.relative_to(ROOT) if args.corpus.is_relative_to(ROOT) else args.corpus
    print(
        f"extraction: {len(pages)} pages ({n_articles} articles, {len(pages) - n_articles} other)"
        f" from {where}, {rounds} round{'s' if rounds > 1 else ''}"
    )
    print(f"  {'':<26}" + "".join(f"{name:>18}" for name in names))
    rows = [
        ("title accuracy", "title_accuracy"),
        ("date accuracy (minute)", "date_accuracy"),
        ("date accuracy (day)", "date_day_accuracy"),
        ("article detection", "detection_accuracy"),
        ("lead accuracy", "lead_accuracy"),
        ("body precision", "body_precision"),
        ("body recall", "body_recall"),
        ("body F1", "body_f1"),
        ("body start exact", "body_start_accuracy"),
        ("body end exact", "body_end_accuracy"),
    ]
    for label, key in rows:
        print(_row(label, [getattr(r, key) for r in results]))
    medians = [statistics.median(tool) * 1e6 for tool in seconds]
    means = [statistics.mean(tool) * 1e6 for tool in seconds]
    print(_row("µs/page (median page)", medians, "{:,.0f}"))
    print(_row("µs/page (mean)", means, "{:,.0f}"))
    if len(seconds) == 2:
        per_page = [b / a for a, b in zip(seconds[0], seconds[1], strict=True) if a > 0]
        print(
            f"  speed-up                   {medians[1] / medians[0]:>17.1f}x"
            f"  (per page {min(per_page):.1f}x to {max(per_page):.1f}x)"
        )
    status = 0
    if len(results) == 2:
        mine, theirs = results
        goals = {
            "title accuracy at least as good": mine.title_accuracy >= theirs.title_accuracy,
            "date accuracy at least as good": mine.date_accuracy >= theirs.date_accuracy,
            "body F1 within 0.05": mine.body_f1 >= theirs.body_f1 - 0.05,
        }
        missed = [goal for goal, met in goals.items() if not met]
        print(f"  goals {'missed: ' + ', '.join(missed) if missed else 'met'}")
        status = 1 if missed else 0
    if args.details:
        for name, result in zip(names, results, strict=True):
            print(f"\n{name}\n{result.report()}")
    return status


if __name__ == "__main__":
    sys.exit(main())
