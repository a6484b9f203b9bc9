"""Quality and speed of the generic extractor against trafilatura and htmldate, side by side.

    .venv/bin/python benchmarks/extraction.py [--rounds N] [--quick] [--corpus DIR ...] [--details]

Two corpora, always reported apart and never merged into one figure:

- **real pages** (``fixtures/realpages/``): pages no one here wrote, with the gold their source
  annotated (see its README): the whole article text, scored by 4-word shingles (text
  precision, recall, F1), the title, and the publication day where the source gives one;
- **self-written** (``fixtures/corpus/``): pages written with the extractor, scored by
  segments (body precision, recall, F1), exact dates, article detection. A regression check,
  not a measure of how well the extractor reads the web.

Tools, each as its documentation suggests: ours (``extract_article``, and for dates alone our
quick reader ``published_from_html``, not a goal's subject); trafilatura
(``extract(..., output_format="json", with_metadata=True)``, without comments, htmldate asked
for the original date with the page's fetch time as the latest); htmldate alone
(``find_date(..., extensive_search=True, original_date=True)``, dates only). Both are
benchmark dependencies (the ``bench`` extra); without them only our figures are printed.

Times every tool on every page, interleaved in one process: per page the median of the
rounds, then the median and the mean over pages.

Exits 1 if a goal is missed on the real pages (not with ``--quick``): text F1 (shingles), body
F1 (segments) and day accuracy at least trafilatura's, day accuracy at least htmldate's, median
cost per page at most half of trafilatura's.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsarchive.evaluation import Case, Scores, case_now, load_corpus, ours, score  # noqa: E402
from newsarchive.parsers.timestamps import published_from_html  # noqa: E402

Adapter = Callable[[bytes, Case], Mapping[str, Any]]
REAL = ROOT / "fixtures" / "realpages"
SELF_WRITTEN = ROOT / "fixtures" / "corpus"


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    adapter: Adapter
    fields: frozenset[str]  # what it extracts: the other rows are n/a for it
    peer: bool = True  # another project's: the goals are set against peers only


def _max_date(case: Case) -> datetime:
    return case_now(case) or datetime.now(UTC)


def _quick_dates(html: bytes, case: Case) -> dict[str, Any]:
    found = published_from_html(html, now=_max_date(case), tz=case.get("tz") or "UTC")
    return {"published": found}


def _trafilatura() -> Tool | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def adapter(html: bytes, case: Case) -> dict[str, Any]:
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
                "max_date": _max_date(case).strftime("%Y-%m-%d"),
            },
        )
        data = json.loads(found) if found else {}
        return {
            "title": data.get("title"),
            "body": data.get("text"),
            "published": data.get("date"),
            "lead": data.get("excerpt"),
        }

    fields = frozenset({"title", "body", "date", "lead"})
    return Tool(f"trafilatura {trafilatura.__version__}", adapter, fields)


def _htmldate() -> Tool | None:
    try:
        import htmldate
    except ImportError:
        return None

    def adapter(html: bytes, case: Case) -> dict[str, Any]:
        found = htmldate.find_date(
            html,
            url=case.get("url"),
            extensive_search=True,
            original_date=True,
            outputformat="%Y-%m-%d",
            max_date=_max_date(case).strftime("%Y-%m-%d"),
        )
        return {"published": found}

    return Tool(f"htmldate {htmldate.__version__}", adapter, frozenset({"date"}))


def _time(tools: list[Tool], pages: list[tuple[bytes, Case]], rounds: int) -> list[list[float]]:
    """Seconds per page for each tool: the median of ``rounds`` interleaved runs."""
    samples: list[list[list[float]]] = [[[] for _ in pages] for _ in tools]
    for round_ in range(rounds):
        gc.collect()
        for index, (html, case) in enumerate(pages):
            order = range(len(tools)) if (round_ + index) % 2 == 0 else reversed(range(len(tools)))
            for tool in order:
                start = time.perf_counter()
                tools[tool].adapter(html, case)
                samples[tool][index].append(time.perf_counter() - start)
    return [[statistics.median(page) for page in tool] for tool in samples]


def _row(label: str, values: list[float | None], fmt: str = "{:.3f}") -> str:
    cells = ["n/a" if v is None else fmt.format(v) for v in values]
    return f"  {label:<30}" + "".join(f"{cell:>21}" for cell in cells)


# (label, Scores attribute, the field a tool must extract for the row to apply, the gold
# field a corpus must hold for the row to be shown)
_ROWS = [
    ("text precision (shingles)", "text_precision", "body", "body"),
    ("text recall (shingles)", "text_recall", "body", "body"),
    ("text F1 (shingles)", "text_f1", "body", "body"),
    ("title accuracy", "title_accuracy", "title", "title"),
    ("date accuracy (day)", "date_day_accuracy", "date", "published"),
    ("date accuracy (minute)", "date_accuracy", "date", "published"),
    ("article detection", "detection_accuracy", "detection", "is_article"),
    ("lead accuracy", "lead_accuracy", "lead", "lead"),
    ("body precision (segments)", "body_precision", "body", "body_start"),
    ("body recall (segments)", "body_recall", "body", "body_start"),
    ("body F1 (segments)", "body_f1", "body", "body_start"),
    ("body start exact", "body_start_accuracy", "body", "body_start"),
    ("body end exact", "body_end_accuracy", "body", "body_end"),
]


def _report(
    title: str,
    tools: list[Tool],
    results: list[Scores],
    seconds: list[list[float]],
    gold: set[str],
) -> None:
    print(title)
    print(f"  {'':<30}" + "".join(f"{tool.name:>21}" for tool in tools))
    for label, key, needs, shown_for in _ROWS:
        if shown_for not in gold:
            continue
        values = [
            getattr(result, key) if needs in tool.fields else None
            for tool, result in zip(tools, results, strict=True)
        ]
        print(_row(label, values))
    medians = [statistics.median(tool) * 1e6 for tool in seconds]
    print(_row("µs/page (median page)", medians, "{:,.0f}"))
    print(_row("µs/page (mean)", [statistics.mean(t) * 1e6 for t in seconds], "{:,.0f}"))
    if len(tools) > 1:
        costs = [f"{median / medians[0]:.2f}x" for median in medians]
        print(f"  {'cost per page vs ours':<30}" + "".join(f"{cost:>21}" for cost in costs))


def _goals(tools: list[Tool], results: list[Scores], seconds: list[list[float]]) -> list[str]:
    """The goals missed on the real pages (see the module documentation)."""
    mine = results[0]
    missed = []
    median = statistics.median(seconds[0])
    for tool, theirs, spent in zip(tools[1:], results[1:], seconds[1:], strict=True):
        if not tool.peer:
            continue
        if "body" in tool.fields and (mine.text_f1 or 0) < (theirs.text_f1 or 0):
            missed.append(f"text F1 below {tool.name}'s")
        if "body" in tool.fields and mine.body_f1 < theirs.body_f1:
            missed.append(f"body F1 (segments) below {tool.name}'s")
        if mine.date_day_accuracy < theirs.date_day_accuracy:
            missed.append(f"day accuracy below {tool.name}'s")
        if "body" in tool.fields and median > statistics.median(spent) / 2:
            missed.append(f"median cost above half of {tool.name}'s")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="a few pages, one round (CI)")
    parser.add_argument(
        "--corpus", type=Path, action="append", help="a corpus folder (default: both corpora)"
    )
    parser.add_argument("--details", action="store_true", help="list the pages that lost points")
    args = parser.parse_args(argv)

    tools = [
        Tool("newsarchive", ours, frozenset({"title", "body", "date", "lead", "detection"})),
        # Our quick date reader, for fragments: what researchers get without the extractor.
        Tool("published_from_html", _quick_dates, frozenset({"date"}), peer=False),
    ]
    for found, package in ((_trafilatura(), "trafilatura"), (_htmldate(), "htmldate")):
        if found is None:
            print(f"{package} is not installed: not compared (the bench extra)", file=sys.stderr)
        else:
            tools.append(found)
    rounds = 1 if args.quick else args.rounds
    status = 0
    for folder in args.corpus or [REAL, SELF_WRITTEN]:
        pages = load_corpus(folder)
        real = any("body" in case for _, case in pages)
        if args.quick:
            pages = pages[:4]
        results = [score(tool.adapter, pages) for tool in tools]
        for tool in tools:  # warm-up: imports, caches, compiled patterns
            for html, case in pages[:3]:
                tool.adapter(html, case)
        seconds = _time(tools, pages, rounds)
        where = folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder
        dated = sum(1 for _, case in pages if "published" in case)
        kind = "real pages" if real else "self-written pages"
        gold = {key for _, case in pages for key, value in case.items() if value}
        _report(
            f"\nextraction, {kind}: {len(pages)} pages ({dated} with a gold date) from {where},"
            f" {rounds} round{'s' if rounds > 1 else ''}",
            tools,
            results,
            seconds,
            gold,
        )
        if real and len(tools) > 1 and not args.quick:
            missed = _goals(tools, results, seconds)
            print(f"  goals {'missed: ' + '; '.join(missed) if missed else 'met'}")
            status = status or (1 if missed else 0)
        if args.details:
            for tool, result in zip(tools, results, strict=True):
                print(f"\n{tool.name}\n{result.report()}")
    return status


if __name__ == "__main__":
    sys.exit(main())
