"""End to end: crawls that remember what they archived in PostgreSQL instead of SQLite, and
what happens to them when things go wrong: a crawl killed with SIGKILL, its connections cut by
the server, the server restarted under it, a second machine starting the same site, a server
that does not answer.

The server is the machine's real PostgreSQL 15 (127.0.0.1:5432); the restart test restarts it
with ``pg_ctlcluster`` (the tests run as root, here and in CI) and waits for it to be back up
before it ends, whatever happened.
"""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from newsarchive.demo import DemoServer
from newsarchive.evidence.reader import WarcEntry, read_warc
from newsarchive.records import rate_value
from tests.support.crawls import (
    SITE,
    archive_state,
    assert_whole_lines,
    lines_in,
    start_crawl,
    wait_for_lines,
)
from tests.support.helpers import DEMO_SITE, FAST, expected_articles, read_jsonl, run_cli
from tests.support.pgserver import (
    cut_connections,
    restart_server,
    scratch_schema,
    site_lock_held,
)
from tests.support.postgres import postgres_url

__all__ = ["postgres_url"]  # the fixture, used by name

pytestmark = pytest.mark.slow

# One page at a time, each served 0.3 s late: a first crawl of the demo takes about 10 s, so
# an interruption after its first few records lands mid-way.
SLOW = ("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
# How a run that lost its store ends (newsarchive/cli/runner.py), around the reason.
LOST_STORE = re.compile(
    r"newsarchive: cannot write the archive at (?P<folder>\S+): the store at 127\.0\.0\.1:5432 "
    r"failed: (?P<reason>[^\n]+); the crawl stopped, and the next run keeps what it wrote\n"
)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What one uninterrupted crawl of the demo archives (the SQLite store: records do not
    depend on the store)."""
    out = tmp_path_factory.mktemp("clean")
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        result = run_cli("crawl", server.url, "--site", SITE, "--out", str(out), *FAST)
    assert result.returncode == 0, result.stderr
    state = archive_state(out)
    assert len(state["articles"]) == len(expected_articles()) == 28
    return state


def _crawl(url: str, out: Path, store: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("crawl", url, "--site", SITE, "--out", str(out), "--store", store, *FAST, *extra)


def _assert_store_agrees(store: str, folder: Path) -> None:
    """The store's rows for the site say what the folder's files hold: each article at its
    newest version, each rate key at its last value, every published file indexed, and every
    capture a revisit may point at a response record of the WARC files."""
    newest: dict[str, tuple[int, str]] = {}
    for record in read_jsonl(folder / "articles"):
        version, _ = newest.get(record["id"], (0, ""))
        if record["version"] > version:
            newest[record["id"]] = (record["version"], record["content_hash"])
    rates = {
        (r["source"] or "", r["as_of"], r["currency"]): rate_value(r)
        for r in read_jsonl(folder / "rates")
    }
    files = {
        path.relative_to(folder).as_posix()
        for kind in ("articles", "rates")
        for path in (folder / kind).glob("*.jsonl")
    }
    responses = {
        entry.record_id
        for path in (folder / "warc").glob("*.warc.gz")
        for entry in read_warc(path)
        if isinstance(entry, WarcEntry) and entry.record_type == "response"
    }
    with psycopg.connect(store) as db:

        def rows(query: str) -> list[tuple[Any, ...]]:
            return db.execute(query, (SITE,)).fetchall()

        articles = rows(
            "SELECT id, version, content_hash FROM newsarchive_articles WHERE site = %s"
        )
        stored_rates = rows(
            "SELECT source, as_of, currency, value FROM newsarchive_rates WHERE site = %s"
        )
        indexed = rows("SELECT name FROM newsarchive_indexed_files WHERE site = %s")
        captures = rows("SELECT record_id FROM newsarchive_captures WHERE site = %s")
    assert sorted(articles) == sorted((key, *value) for key, value in newest.items())
    assert sorted(stored_rates) == sorted((*key, value) for key, value in rates.items())
    assert files <= {name for (name,) in indexed}
    assert captures, "no capture remembered"
    assert {record_id for (record_id,) in captures} <= responses


def _assert_archived_once(state: dict[str, Any], clean: dict[str, Any], seed: object) -> None:
    ids = [(article_id, version) for article_id, version, _, _ in state["articles"]]
    assert len(ids) == len(set(ids)), f"an article version archived twice ({seed})"
    assert state == clean, seed


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


def test_kill_9_at_random_moments_against_postgresql_loses_and_doubles_nothing(
    postgres_url: str, tmp_path: Path, clean: dict[str, Any]
) -> None:
    """Kill crawls with SIGKILL at random moments, then run once to the end: the union of the
    runs is the clean crawl, and the store's rows agree with the files."""
    seed = random.randrange(1_000_000)
    rnd = random.Random(seed)
    out = tmp_path / "killed"
    # Each response waits 0.3 s: a first crawl takes over 3 s (start-up included), so a kill
    # within 2.2 s lands mid-way; later runs have less left to do and may finish first.
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True, delay=0.3) as server:
        killed = 0
        for _ in range(4):
            process = start_crawl(
                server.url, out, "--store", postgres_url, *FAST,
                "-s", "NEWSARCHIVE_ROLL_RECORDS=4",
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            time.sleep(rnd.uniform(0.8, 2.2))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                killed += 1
            process.wait()
        final = _crawl(server.url, out, postgres_url)
    assert final.returncode == 0, (seed, final.stderr)
    assert killed >= 1, f"no run was killed mid-way (seed {seed})"
    folder = out / SITE
    assert_whole_lines(folder)
    _assert_archived_once(archive_state(out), clean, seed)
    _assert_store_agrees(postgres_url, folder)


def _interrupted_then_rerun(
    store: str, tmp_path: Path, clean: dict[str, Any], interrupt: Callable[[int], None]
) -> tuple[str, str]:
    """Interrupt a crawl after its first records, let it end, run again to the end; check
    that nothing was lost or doubled; the interrupted run's stderr and its run id."""
    out = tmp_path / "archive"
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True, delay=0.3) as server:
        process = start_crawl(
            server.url, out, "--store", store, *FAST, *SLOW,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            wait_for_lines(process, out / SITE / "articles", 3)
            interrupt(process.pid)
            _, stderr = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert process.returncode == 1, stderr
        rerun = _crawl(server.url, out, store)
    assert rerun.returncode == 0, rerun.stderr
    folder = out / SITE
    runs = [json.loads(line) for line in (folder / "runs.jsonl").read_text().splitlines()]
    # The interrupted run wrote no run record (it could not note its end); the next one
    # found its files and kept them.
    assert len(runs) == 1
    assert runs[0]["health"] == "ok"
    assert len(runs[0]["recovered_runs"]) == 1
    assert_whole_lines(folder)
    _assert_archived_once(archive_state(out), clean, "")
    _assert_store_agrees(store, folder)
    return stderr, runs[0]["recovered_runs"][0]


def _assert_one_clear_line(stderr: str, out: Path) -> None:
    """The run's one line says the store was lost and why, in words about the connection."""
    found = LOST_STORE.fullmatch(stderr)
    assert found is not None, stderr
    assert found["folder"] == str(out / SITE)
    assert "connection" in found["reason"], stderr


def test_a_cut_connection_stops_the_run_with_one_line_and_the_next_run_completes(
    postgres_url: str, tmp_path: Path, clean: dict[str, Any]
) -> None:
    cut: list[list[str]] = []
    stderr, run = _interrupted_then_rerun(
        postgres_url, tmp_path, clean, lambda pid: cut.append(cut_connections(pid))
    )
    # The store's connection and the lock's, named after the run (its files carry the id).
    assert cut == [[f"newsarchive everyday {run}", f"newsarchive lock everyday {run}"]]
    _assert_one_clear_line(stderr, tmp_path / "archive")


@pytest.mark.restarts_postgresql
def test_a_server_restarted_mid_run_stops_it_with_one_line_and_the_next_run_completes(
    tmp_path: Path, clean: dict[str, Any]
) -> None:
    # Not the postgres_url fixture: its connection, held for the test, would not survive.
    with scratch_schema() as store:
        stderr, _ = _interrupted_then_rerun(store, tmp_path, clean, lambda _: restart_server())
    _assert_one_clear_line(stderr, tmp_path / "archive")


def test_a_second_machine_is_refused_at_once_and_takes_the_site_when_the_first_is_killed(
    postgres_url: str, tmp_path: Path, clean: dict[str, Any]
) -> None:
    """Two machines (two archive folders) share one store: while one crawls the site the
    other exits 5 at once; when the first is killed, its lock goes with its connection."""
    first_out, second_out = tmp_path / "first", tmp_path / "second"
    # Pages 0.5 s late, one at a time: the first run takes about 20 s, time enough for a
    # second to start and be refused on a loaded machine; it is killed long before its end.
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True, delay=0.5) as server:
        first = start_crawl(
            server.url, first_out, "--store", postgres_url, *FAST, *SLOW,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not site_lock_held(postgres_url, SITE):
                assert time.monotonic() < deadline, "the first run never took the lock"
                time.sleep(0.05)
            started = time.monotonic()
            busy = _crawl(server.url, second_out, postgres_url)
            took = time.monotonic() - started
            # Killed once it has written records whose rows it has not committed yet (the
            # store commits them in groups): only its folder's files say those are archived.
            _wait_for_uncommitted_lines(first, first_out / SITE / "articles", postgres_url)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        taken = _crawl(server.url, second_out, postgres_url)
        # The first machine comes back: it publishes what its killed run wrote.
        back = _crawl(server.url, first_out, postgres_url)
    assert (busy.returncode, busy.stdout) == (5, ""), busy.stderr
    assert busy.stderr == (
        "newsarchive: another run is writing site everyday (it holds the site's lock in the "
        "store at 127.0.0.1:5432, on this machine or another); try again when it has finished\n"
    )
    assert took < 10, took
    assert taken.returncode == 0, taken.stderr
    assert back.returncode == 0, back.stderr
    # Read as one archive, the two folders hold the clean crawl, each article version once.
    union = {
        kind: sorted(archive_state(first_out)[kind] + archive_state(second_out)[kind])
        for kind in ("articles", "rates")
    }
    _assert_archived_once(union, clean, "")


def _wait_for_uncommitted_lines(process: subprocess.Popen[str], folder: Path, store: str) -> None:
    """Wait until a run has written at least three article lines, and more lines than the
    rows it has committed (lines counted first: a commit in between only delays this)."""
    wait_for_lines(process, folder, 3)
    deadline = time.monotonic() + 60
    with psycopg.connect(store, autocommit=True) as db:
        while True:
            lines = lines_in(folder)
            row = db.execute("SELECT count(*) FROM newsarchive_articles").fetchone()
            if row is not None and lines > row[0]:
                return
            assert process.poll() is None, "the run ended with every row committed"
            assert time.monotonic() < deadline, "the run committed every line for 60 s"
            time.sleep(0.01)


def test_a_store_that_does_not_answer_is_exit_3_and_one_line(tmp_path: Path) -> None:
    result = run_cli(
        "crawl", "everyday", "--out", str(tmp_path),
        "--store", "postgresql://archiver:secret@127.0.0.1:1/news",
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr.startswith("newsarchive: the store at 127.0.0.1:1 does not answer (")
    assert len(result.stderr.splitlines()) == 1
    assert "secret" not in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "everyday").exists()
