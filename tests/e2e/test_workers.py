"""Crawls with the parse worker, through the command line: the records it archives, and a
worker that never outlives its crawl (Ctrl-C, SIGKILL).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from newsarchive.demo import DemoServer
from tests.support.helpers import (
    DEMO_SITE,
    FAST,
    ROOT,
    expected_articles,
    expected_rates,
    read_jsonl,
)

pytestmark = pytest.mark.slow


WORKER_LINE = re.compile(r"parsing moved to a worker process \(pid (\d+)\)")
WORKER_FROM_THE_START = ("-s", "NEWSARCHIVE_PARSE_WORKER_SHARE=0")


def _crawl(server: DemoServer, out: Path, *extra: str, **popen: Any) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "newsarchive", "crawl", server.url, "--site", "everyday",
               "--out", str(out), *FAST, *WORKER_FROM_THE_START, *extra]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen
    )


def _worker_pid(process: subprocess.Popen[str]) -> tuple[int, list[str]]:
    """The worker's pid, from the crawl's log line saying it started (and the lines before)."""
    assert process.stderr is not None
    lines = []
    for line in process.stderr:
        lines.append(line)
        found = WORKER_LINE.search(line)
        if found:
            return int(found[1]), lines
    raise AssertionError(f"no worker started: {''.join(lines)}")


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_crawl_with_the_worker_archives_exactly_the_expected_records(tmp_path: Path) -> None:
    out = tmp_path / "archive"
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        process = _crawl(server, out)
        pid, _ = _worker_pid(process)
        stdout, stderr = process.communicate(timeout=120)
        expected = {
            row["id"]: {
                "title": row["title"],
                "body": row["body"],
                "published_at": (
                    server.site.shift_time(row["published_at"]).isoformat()
                    if row["published_at"]
                    else None
                ),
            }
            for row in expected_articles()
        }
    assert process.returncode == 0, stderr
    assert _gone(pid, within=5)
    archived = {
        record["id"]: {field: record[field] for field in ("title", "body", "published_at")}
        for record in read_jsonl(out / "everyday" / "articles")
    }
    assert archived == expected
    rates = read_jsonl(out / "everyday" / "rates")
    assert sorted(row["currency"] for row in rates) == sorted(
        row["currency"] for row in expected_rates()
    )
    assert "Traceback" not in stderr
    assert "the parse worker's peak memory" in stderr
    assert "28 new" in stdout


def test_ctrl_c_stops_crawl_and_worker_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "archive"
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True, delay=0.1) as server:
        # Its own process group, which a terminal's Ctrl-C reaches whole: crawl and worker.
        process = _crawl(
            server, out, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", start_new_session=True
        )
        pid, _ = _worker_pid(process)
        time.sleep(0.3)
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert _gone(pid, within=5)
    assert "Traceback" not in stderr
    assert "KeyboardInterrupt" not in stderr
    ids = [record["id"] for record in read_jsonl(out / "everyday" / "articles")]
    assert len(ids) == len(set(ids))


def test_a_killed_crawl_leaves_no_worker_behind(tmp_path: Path) -> None:
    out = tmp_path / "archive"
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True, delay=0.1) as server:
        process = _crawl(server, out, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        pid, _ = _worker_pid(process)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
    assert _gone(pid, within=5)  # it read the end of its socket and left
