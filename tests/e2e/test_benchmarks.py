"""The benchmark scripts keep working: each runs at its tiny CI size (figures are not checked)."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.helpers import ROOT
from tests.support.postgres import postgres_url

__all__ = ["postgres_url"]  # the fixture, used by name

pytestmark = pytest.mark.slow


# (script, a line its --quick output must hold: its last figure, printed once all ran)
SCRIPTS = [
    ("benchmarks/timestamps.py", "disagreements               0"),
    ("benchmarks/incremental.py", "unchanged re-run       2 requests"),
    # Without trafilatura (a `bench` extra) it scores our extractor alone.
    ("benchmarks/extraction.py", "newsarchive"),
    ("benchmarks/encoding.py", "detect_encoding"),
    ("benchmarks/throughput.py", "ratio (b)/(a)"),
    ("benchmarks/parsing.py", "total"),
    ("benchmarks/memory.py", "growth per URL"),
    ("benchmarks/reread.py", "records/s"),
    # The last figure printed, after all four sections: the import's articles are the crawl's.
    ("benchmarks/evidence.py", "100 written by each import = the crawl's 100"),
    ("benchmarks/store.py", "a full crawl of 20 articles into a fresh archive"),
    ("benchmarks/fleet.py", "crawl --all --jobs 4"),
    # Needs redis-server (it starts its own) and PostgreSQL; the last figure printed.
    ("benchmarks/frontier.py", "commands run inside the Lua scripts"),
]
# How many run at once: their figures are not checked here, only that each runs to its end,
# and two at a time on these two-processor machines halves what they add to the suite.
AT_ONCE = 2


def test_every_benchmark_runs_quick(postgres_url: str) -> None:  # store.py's server must be up
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        results = dict(
            zip(SCRIPTS, pool.map(_quick, [script for script, _ in SCRIPTS]), strict=True)
        )
    failed = {
        script: (result.returncode, result.stderr[-2000:])
        for (script, expected), result in results.items()
        if result.returncode != 0 or expected not in result.stdout
    }
    assert failed == {}


def _quick(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, script, "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
