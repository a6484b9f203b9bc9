"""Crawls of the demo site run in the background, and what their archive holds, for the tests
that interrupt runs (kill -9, a cut connection, a restarted server) or race them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.support.helpers import ROOT, read_jsonl

SITE = "everyday"


def start_crawl(url: str, out: Path, *extra: str, **popen: Any) -> subprocess.Popen[str]:
    """``newsarchive crawl URL --site everyday --out OUT EXTRA`` as its own process."""
    command = [sys.executable, "-m", "newsarchive", "crawl", url, "--site", SITE,
               "--out", str(out), *extra]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}, **popen
    )


def lines_in(folder: Path) -> int:
    """Whole lines written so far to a folder's archive files, published or not."""
    return sum(path.read_bytes().count(b"\n") for path in folder.glob("*.jsonl*"))


def wait_for_lines(process: subprocess.Popen[str], folder: Path, count: int) -> None:
    """Wait until a running crawl has written ``count`` lines into ``folder`` (not a fixed
    time: a loaded machine may not have started crawling by then)."""
    deadline = time.monotonic() + 60
    while lines_in(folder) < count:
        assert process.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline, f"the run wrote fewer than {count} lines in 60 s"
        time.sleep(0.02)


def archive_state(out: Path) -> dict[str, Any]:
    """Every record of a site's archive, as a researcher would load it, minus fetch times."""
    folder = out / SITE
    articles = read_jsonl(folder / "articles")
    rates = read_jsonl(folder / "rates")
    return {
        "articles": sorted(
            (r["id"], r["version"], r["content_hash"], r["published_at"]) for r in articles
        ),
        "rates": sorted((r["currency"], r["as_of"], r["rate"], r["change"]) for r in rates),
    }


def assert_whole_lines(folder: Path) -> None:
    """Every archive file of the site published, and every line of it whole and valid."""
    assert not list(folder.glob("*/*.part"))
    for path in folder.glob("*/*.jsonl"):
        data = path.read_bytes()
        assert data.endswith(b"\n"), path
        for line in data.decode("utf-8").splitlines():
            json.loads(line)
