"""The benchmark scripts keep working: each runs at its tiny CI size (figures are not checked)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.helpers import ROOT
from tests.support.postgres import postgres_url

__all__ = ["postgres_url"]  # the fixture, used by name

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("script", "expected"),
    [
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
        ("benchmarks/evidence.py", "200 written by each import = the crawl's 200"),
        ("benchmarks/store.py", "a full crawl of 20 articles into a fresh archive"),
        ("benchmarks/fleet.py", "crawl --all --jobs 4"),
        # Needs redis-server (it starts its own) and PostgreSQL; the last figure printed.
        ("benchmarks/frontier.py", "commands run inside the Lua scripts"),
    ],
)
def test_benchmark_runs_quick(
    script: str, expected: str, postgres_url: str  # benchmarks/store.py's server must be up
) -> None:
    result = subprocess.run(
        [sys.executable, script, "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
