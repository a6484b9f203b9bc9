"""``newsarchive store copy``: the demo archive's store to PostgreSQL and back, counts checked."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from newsarchive.archive.store import TABLES
from newsarchive.demo import DemoServer
from tests.support.helpers import DEMO_SITE, FAST, expected_articles, run_cli
from tests.support.postgres import postgres_url

__all__ = ["postgres_url"]  # the fixture, used by name

pytestmark = pytest.mark.slow


def table_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        return {
            table: sorted(db.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall())
            for table, columns in TABLES.items()
        }


def test_the_demo_archive_store_round_trips_through_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        crawl = ("crawl", server.url, "--site", "everyday", *FAST)
        assert run_cli(*crawl, "--out", str(first)).returncode == 0
        original = table_rows(first / "everyday" / "state.sqlite3")
        articles = len(expected_articles())
        assert len(original["articles"]) == articles

        to_postgres = run_cli("store", "copy", str(first), postgres_url)
        assert to_postgres.returncode == 0, to_postgres.stderr
        counts = ", ".join(f"{len(rows)} {table}" for table, rows in original.items())
        assert to_postgres.stdout == f"everyday: copied and counted on both sides: {counts}\n"

        # The copy is the memory: a crawl with it, into the same files, archives nothing new.
        again = run_cli(*crawl, "--out", str(first), "--store", postgres_url)
        assert again.returncode == 0, again.stderr
    runs = (first / "everyday" / "runs.jsonl").read_text().splitlines()
    assert [json.loads(line)["articles_new"] for line in runs] == [articles, 0]

    back = run_cli("store", "copy", postgres_url, str(second), "--site", "everyday")
    assert back.returncode == 0, back.stderr
    returned = table_rows(second / "everyday" / "state.sqlite3")
    for table in ("articles", "rates", "captures", "indexed_files", "validators"):
        assert returned[table] == original[table], table
    # What the second run added: itself, and its pages' first captures (none were new).
    assert returned["runs"][: len(original["runs"])] == original["runs"]
    assert len(returned["runs"]) == len(original["runs"]) + 1


def test_a_destination_holding_the_site_is_refused_unless_replaced(
    postgres_url: str, tmp_path: Path
) -> None:
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        crawl = ("crawl", server.url, "--site", "everyday", "--max-articles", "3", *FAST)
        assert run_cli(*crawl, "--out", str(tmp_path)).returncode == 0
    assert run_cli("store", "copy", str(tmp_path), postgres_url).returncode == 0
    refused = run_cli("store", "copy", str(tmp_path), postgres_url)
    assert refused.returncode == 2
    assert refused.stderr == (
        f"newsarchive: error: {postgres_url} already holds site everyday (3 articles): copy "
        "with --replace to overwrite it\n"
    )
    replaced = run_cli("store", "copy", str(tmp_path), postgres_url, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert replaced.stdout.startswith("everyday: copied and counted on both sides: 3 articles,")


def test_bad_endpoints_are_one_line(tmp_path: Path) -> None:
    missing = run_cli("store", "copy", str(tmp_path / "nowhere"), str(tmp_path / "b"))
    assert (missing.returncode, missing.stderr) == (
        2,
        f"newsarchive: error: {tmp_path / 'nowhere'}: no such archive folder\n",
    )
    empty = run_cli("store", "copy", str(tmp_path), str(tmp_path / "b"))
    assert (empty.returncode, empty.stderr) == (
        2,
        f"newsarchive: error: {tmp_path} holds no store to copy\n",
    )
    down = run_cli("store", "copy", "postgresql://archiver:secret@127.0.0.1:1/news", str(tmp_path))
    assert down.returncode == 3
    assert down.stderr.startswith("newsarchive: the store at 127.0.0.1:1 does not answer (")
    assert "secret" not in down.stderr
    assert "Traceback" not in down.stderr
