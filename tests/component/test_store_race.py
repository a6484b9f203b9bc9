"""Eight processes race to claim the same article ids in one store: each id is won once.

The processes are spawned (fresh interpreters, as runs on several machines are), open the
store, wait for each other at a barrier and then claim every id in an order of their own. Each
writes down what it won; the winners must be disjoint and their union every id, and the store's
claims table must name the same winner for every id.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from pathlib import Path

import psycopg
import pytest

from tests.support.postgres import postgres_url
from tests.support.races import SITE, article_ids, claim_every_id

__all__ = ["postgres_url"]  # the fixture, used by name

pytestmark = pytest.mark.slow  # about 20 s against PostgreSQL: 80,000 claims, 10,000 commits

RACERS = 8


def _race(spec: str, folder: Path, count: int) -> tuple[dict[str, str], list[int]]:
    """Run the racers to the end; the id → run id of every claim a racer said it won, and
    how many each won."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(RACERS)
    racers = [
        context.Process(target=claim_every_id, args=(spec, str(folder), count, racer, start))
        for racer in range(RACERS)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=120)
    assert [racer.exitcode for racer in racers] == [0] * RACERS
    won = [
        json.loads((folder / f"won-{racer}.json").read_text(encoding="utf-8"))
        for racer in range(RACERS)
    ]
    claims = [(key, f"racer-{racer}") for racer in range(RACERS) for key in won[racer]]
    assert len(claims) == count  # disjoint: the total is the count only if no id was won twice
    winners = dict(claims)
    assert sorted(winners) == sorted(article_ids(count))  # and every id was won
    return winners, [len(ids) for ids in won]


def test_eight_processes_claim_10000_ids_in_postgresql_each_once(
    postgres_url: str, tmp_path: Path
) -> None:
    winners, counts = _race(postgres_url, tmp_path, 10_000)
    with psycopg.connect(postgres_url) as db:
        rows = db.execute("SELECT site, id, version, run_id FROM newsarchive_claims").fetchall()
    assert sorted(rows) == sorted((SITE, key, 1, run) for key, run in winners.items())
    # The racers really raced: each claim is its own transaction, so the ids were shared out
    # rather than all taken by whoever came first.
    assert sum(1 for won in counts if won) >= 2, counts


def test_eight_processes_claim_10000_ids_in_sqlite_each_once(tmp_path: Path) -> None:
    (tmp_path / SITE).mkdir()
    # SQLite's claims go with the store's commit group (1,000 changes): a racer holds the one
    # write lock for a group of claims and, the busy handler being unfair, often takes the
    # next group too, so one racer may win every id; the others wait and then win none.
    winners, counts = _race("newsarchive.archive.store.SqliteStore", tmp_path, 10_000)
    with sqlite3.connect(tmp_path / SITE / "state.sqlite3") as db:
        rows = db.execute("SELECT id, version, run_id FROM claims").fetchall()
    assert sorted(rows) == sorted((key, 1, run) for key, run in winners.items())
    assert sum(counts) == 10_000
