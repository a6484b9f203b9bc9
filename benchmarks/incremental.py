"""Requests made by an unchanged re-run against a full crawl, on a synthetic DLE site.

    python benchmarks/incremental.py [--articles 1000] [--quick]

Both runs are real `newsarchive crawl` processes against the same local server; the figures
come from the archive's run log (runs.jsonl). AutoThrottle is off: the server is on loopback.
Exits non-zero when the re-run makes more than a handful (5) of requests.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from synthetic_site import PER_PAGE, SyntheticSite, crawl_command

from newsarchive.analysis import load_runs

ROOT = Path(__file__).resolve().parents[1]
HANDFUL = 5


def crawl(url: str, out: Path) -> dict[str, object]:
    result = subprocess.run(
        crawl_command(url, str(out)), cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"crawl failed ({result.returncode}):\n{result.stderr}")
    return list(load_runs(out / "everyday"))[-1]


def seconds(run: dict[str, object]) -> float:
    from datetime import datetime

    started = datetime.fromisoformat(str(run["started_at"]))
    return (datetime.fromisoformat(str(run["finished_at"])) - started).total_seconds()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="a tiny run (50 articles), for CI")
    args = parser.parse_args()
    count = 50 if args.quick else args.articles
    with SyntheticSite(count) as site, tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        full = crawl(site.url, out)
        rerun = crawl(site.url, out)
    pages = (count + PER_PAGE - 1) // PER_PAGE
    print(f"incremental: synthetic DLE site of {count} articles ({pages} listing pages)")
    for name, run in (("full crawl", full), ("unchanged re-run", rerun)):
        print(
            f"  {name:<17} {run['requests']:>6} requests, {run['articles_new']:>5} articles new, "
            f"{seconds(run):6.1f} s"
        )
    ratio = int(full["requests"]) / max(int(rerun["requests"]), 1)  # type: ignore[call-overload]
    print(f"  ratio             {ratio:,.0f}x fewer requests (goal: at most {HANDFUL})")
    return 0 if int(rerun["requests"]) <= HANDFUL else 1  # type: ignore[call-overload]


if __name__ == "__main__":
    sys.exit(main())
