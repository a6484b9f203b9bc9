"""End to end: two machines crawl one site, each into its own folder, with one PostgreSQL store;
the two folders read as one archive, the archive one crawl into one folder writes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from newsarchive.analysis import load_articles, load_rates, load_runs
from newsarchive.demo import DemoServer
from tests.support.helpers import DEMO_SITE, FAST, expected_articles, run_cli
from tests.support.postgres import postgres_url

__all__ = ["postgres_url"]  # the fixture, used by name

pytestmark = pytest.mark.slow


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    result = run_cli(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _stats(*paths: Path) -> dict[str, Any]:
    figures: dict[str, Any] = json.loads(_run("stats", *map(str, paths), "--json").stdout)
    return figures


def test_two_folders_sharing_a_store_read_as_the_archive_of_one(
    postgres_url: str, tmp_path: Path
) -> None:
    a, b, one = tmp_path / "a", tmp_path / "b", tmp_path / "one"
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        crawl = ("crawl", server.url, "--site", "everyday", *FAST)
        # Machine A stops after 10 articles; machine B, later, archives what the store lacks.
        _run(*crawl, "--out", str(a), "--store", postgres_url, "--max-articles", "10")
        _run(*crawl, "--out", str(b), "--store", postgres_url)
        # One machine, one folder, its own SQLite store: what the two must add up to.
        _run(*crawl, "--out", str(one))

    expected = sorted(row["id"] for row in expected_articles())
    ids_a = [record["id"] for record in load_articles(a)]
    ids_b = [record["id"] for record in load_articles(b)]
    assert (len(ids_a), len(ids_b)) == (10, len(expected) - 10)  # each folder holds a part
    # Every id once, A's run first: the store, not the folder, decided what was archived.
    both = [record["id"] for record in load_articles(b, a)]
    assert both == ids_a + ids_b
    assert sorted(both) == expected
    assert [run["run_id"] for run in load_runs(b, a)] == [
        *(run["run_id"] for run in load_runs(a)),
        *(run["run_id"] for run in load_runs(b)),
    ]
    assert list(load_rates(b)) == []  # the store knew the day's rates when B ran
    assert list(load_rates(b, a)) == list(load_rates(a))

    single = _stats(one)
    for paths in ([a, b], [b, a]):
        figures = _stats(*paths)
        assert figures["files"] == 5  # A: articles, rates, runs.jsonl; B: articles, runs.jsonl
        assert list(figures["sites"]) == list(single["sites"]) == ["everyday"]
        site, alone = figures["sites"]["everyday"], single["sites"]["everyday"]
        assert site["articles"] == alone["articles"]
        assert site["articles"]["ids"] == len(expected)
        assert site["rates"] == alone["rates"]
        assert (site["runs"]["count"], site["runs"]["by_health"]) == (2, {"ok": 2})
    lines = len(expected) + 3 + 2  # the articles, the day's 3 rates, 2 run records
    assert _run("validate", str(a), str(b)).stdout == f"all {lines} lines valid, in 5 files\n"

    # A copy of A, and B named twice: nothing counts twice, nothing conflicts.
    copy = tmp_path / "copy-of-a"
    shutil.copytree(a, copy)
    paths = [a, copy, b, b / ".." / "b"]
    assert sorted(record["id"] for record in load_articles(*paths)) == expected
    again = _stats(*paths)["sites"]["everyday"]
    assert (again["articles"], again["rates"]) == (
        single["sites"]["everyday"]["articles"],
        single["sites"]["everyday"]["rates"],
    )
    assert again["runs"]["count"] == 2
    assert _run("validate", *map(str, paths)).stdout == (
        f"all {lines + 14} lines valid, in 8 files\n"  # the copy's 10 articles, 3 rates, 1 run
    )
    report = tmp_path / "report.html"
    assert _run("report", str(a), str(b), "--out", str(report)).stdout == (
        f"newsarchive: report of 5 archive files written to {report}\n"
    )
