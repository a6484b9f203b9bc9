"""End to end: crawls that remember what they archived in PostgreSQL instead of SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from newsarchive.demo import DemoServer
from tests.support.helpers import DEMO_SITE, FAST, expected_articles, read_jsonl, run_cli
from tests.support.postgres import postgres_url

__all__ = ["postgres_url"]  # the fixture, used by name

pytestmark = pytest.mark.slow


def test_a_rerun_against_the_postgresql_store_archives_nothing_twice(
    postgres_url: str, tmp_path: Path
) -> None:
    command = ["--site", "everyday", "--out", str(tmp_path), "--store", postgres_url, *FAST]
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        first = run_cli("crawl", server.url, *command)
        second = run_cli("crawl", server.url, *command)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    folder = tmp_path / "everyday"
    assert not (folder / "state.sqlite3").exists()  # the store is the database
    ids = sorted(record["id"] for record in read_jsonl(folder / "articles"))
    assert ids == sorted(row["id"] for row in expected_articles())
    runs = [json.loads(line) for line in (folder / "runs.jsonl").read_text().splitlines()]
    assert [(run["articles_new"], run["health"]) for run in runs] == [(len(ids), "ok"), (0, "ok")]
    with psycopg.connect(postgres_url) as db:
        rows = db.execute("SELECT site, id FROM newsarchive_articles ORDER BY id").fetchall()
    assert rows == [("everyday", article_id) for article_id in ids]


def test_a_store_that_does_not_answer_is_exit_3_and_one_line(tmp_path: Path) -> None:
    result = run_cli(
        "crawl", "everyday", "--out", str(tmp_path),
        "--store", "postgresql://archiver:secret@127.0.0.1:1/news",
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr.startswith("newsarchive: the store at 127.0.0.1:1 does not answer (")
    assert len(result.stderr.splitlines()) == 1
    assert "secret" not in result.stderr
    assert not (tmp_path / "everyday").exists()
