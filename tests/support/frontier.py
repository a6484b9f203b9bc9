"""The shared Redis frontier's tests: a Redis database of the test's own, crawls run as
``--workers N`` (or ``worker``) subprocesses, and what the site and the archive saw of them.

The Redis is the machine's real one (127.0.0.1:6379). A test gets one of its databases 1..15,
emptied before and after; it claims the number in database 0 first, so that two test runs on
one machine (helpers, CI and a developer at once) never empty each other's frontier.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import subprocess
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from benchmarks.synthetic_site import Hit, crawl_command
from tests.support.helpers import ROOT
from tests.support.processes import children

SERVER = "redis://127.0.0.1:6379"
DATABASES = range(1, 16)
# A claim outlives any test (the suite's budget is 15 minutes) but not a test run killed
# before it could give its database back.
CLAIM_SECONDS = 1800
CLAIM_WAIT = 60.0
# A worker's archive files: <run_id>.w<k>-NNNN.jsonl (also .part while it writes them).
WORKER_FILE = re.compile(r"^(?P<run>.+)\.(?P<worker>w\d+)-\d{4}\.jsonl(\.part)?$")
# The synthetic site's article pages (the everyday site file's article_url).
ARTICLE_PATH = re.compile(r"^/[a-z0-9_-]+/\d+-[^/]*\.html$")


def _claim_key(number: int) -> str:
    return f"newsarchive-tests:database:{number}"


@contextlib.contextmanager
def redis_database(label: str) -> Iterator[str]:
    """A Redis URL of a database no one else uses meanwhile, empty before and after.

    The first database tried follows from ``label`` (the test's id), so that a test's keys
    are found in the same place run after run; a database another run holds is skipped.
    Raises ``redis.ConnectionError`` when the server does not answer.
    """
    admin = redis.Redis.from_url(f"{SERVER}/0", socket_connect_timeout=5)
    token = secrets.token_hex(8)
    first = zlib.crc32(label.encode()) % len(DATABASES)
    order = [DATABASES[(first + step) % len(DATABASES)] for step in range(len(DATABASES))]
    deadline = time.monotonic() + CLAIM_WAIT
    while True:
        number = next(
            (n for n in order if admin.set(_claim_key(n), token, nx=True, ex=CLAIM_SECONDS)),
            None,
        )
        if number is not None:
            break
        assert time.monotonic() < deadline, f"every Redis database 1..15 held for {CLAIM_WAIT} s"
        time.sleep(0.5)
    url = f"{SERVER}/{number}"
    try:
        with redis.Redis.from_url(url) as database:
            database.flushdb()
        yield url
    finally:
        with redis.Redis.from_url(url) as database:
            database.flushdb()
        if admin.get(_claim_key(number)) == token.encode():
            admin.delete(_claim_key(number))
        admin.close()


@pytest.fixture
def redis_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL of a Redis database of the test's own on the machine's Redis, empty before and
    after. Without the server the test fails in CI (``CI`` set, as ``.ci/run`` runs) and is
    skipped, with the reason, elsewhere."""
    try:
        with redis.Redis.from_url(f"{SERVER}/0", socket_connect_timeout=5) as probe:
            probe.ping()
    except redis.ConnectionError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not running at {SERVER}: {error}")
        pytest.skip(f"Redis is not running at {SERVER}")
    with redis_database(request.node.nodeid) as url:
        yield url


def frontier_command(
    command: str,
    url: str,
    out: Path,
    *overrides: str,
    redis_url: str | None,
    store: str | None,
    workers: int | None = None,
    site: str | None = "everyday",
) -> list[str]:
    """``newsarchive crawl|worker URL --site everyday --out OUT [--workers N] --redis R --store S``
    with the benchmarks' quick settings and ``-s`` ``overrides`` (``None``: the option left
    out; ``site=None``: the generic spider)."""
    line = crawl_command(url, str(out), *overrides, site=site)
    assert line[3] == "crawl", line
    line[3] = command
    if workers is not None:
        line += ["--workers", str(workers)]
    if redis_url is not None:
        line += ["--redis", redis_url]
    if store is not None:
        line += ["--store", store]
    return line


def start(line: list[str], **popen: Any) -> subprocess.Popen[str]:
    """A command of :func:`frontier_command` as its own process, its output piped."""
    return subprocess.Popen(
        line,
        cwd=ROOT,
        text=True,
        stdout=popen.pop("stdout", subprocess.PIPE),
        stderr=popen.pop("stderr", subprocess.PIPE),
        env={**os.environ, "PYTHONUNBUFFERED": "1", **popen.pop("env", {})},
        **popen,
    )


def run(line: list[str], timeout: float = 300, **popen: Any) -> subprocess.CompletedProcess[str]:
    """A command of :func:`frontier_command` to its end; its exit status and output."""
    process = start(line, **popen)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return subprocess.CompletedProcess(line, process.returncode, stdout, stderr)


def worker_processes(pid: int) -> dict[str, int]:
    """The worker processes a ``crawl --workers N`` or ``worker`` process ``pid`` started and
    that still run, by worker id: forked from its multiprocessing fork server (a child of
    ``pid``), each named ``newsarchive-w<k>`` (``/proc/<pid>/comm``); a worker's own
    children are not workers."""
    found = {}
    for server in children(pid):
        for child in children(server):
            try:
                name = Path(f"/proc/{child}/comm").read_text().strip()
            except OSError:
                continue  # ended meanwhile
            if name.startswith("newsarchive-w"):
                found[name.removeprefix("newsarchive-")] = child
    return found


def article_records(*outs: Path, site: str = "everyday") -> list[dict[str, Any]]:
    """Every article record of the site's published files, across archive folders (one per
    machine), in folder then file name order; a record written twice is there twice."""
    records = []
    for out in outs:
        for path in sorted((out / site / "articles").glob("*.jsonl")):
            with path.open(encoding="utf-8") as handle:
                records.extend(json.loads(line) for line in handle)
    return records


def article_ids(*outs: Path, site: str = "everyday") -> list[str]:
    """The ``id`` of every article record of these folders, duplicates kept."""
    return [record["id"] for record in article_records(*outs, site=site)]


def ids_by_worker(*outs: Path, site: str = "everyday") -> dict[str, list[str]]:
    """The article ids each worker wrote (``w1``, ``w2``...), from its files' names."""
    found: dict[str, list[str]] = {}
    for out in outs:
        for path in sorted((out / site / "articles").glob("*.jsonl")):
            named = WORKER_FILE.match(path.name)
            assert named is not None, f"not a worker's file: {path}"
            with path.open(encoding="utf-8") as handle:
                ids = [json.loads(line)["id"] for line in handle]
            found.setdefault(named["worker"], []).extend(ids)
    return found


def lines_written(out: Path, site: str = "everyday") -> int:
    """Whole article lines written so far, published or still ``.part``."""
    folder = out / site / "articles"
    return sum(path.read_bytes().count(b"\n") for path in folder.glob("*.jsonl*"))


def wait_for_articles(
    process: subprocess.Popen[str], out: Path, count: int, seconds: float = 120
) -> None:
    """Wait until a running crawl has written ``count`` article lines into ``out``."""
    deadline = time.monotonic() + seconds
    while lines_written(out) < count:
        assert process.poll() is None, "the crawl ended before it could be interrupted"
        assert time.monotonic() < deadline, f"fewer than {count} article lines in {seconds} s"
        time.sleep(0.02)


def article_fetches(hits: Iterable[Hit]) -> Counter[str]:
    """How many times each article page was requested."""
    return Counter(hit.path for hit in hits if ARTICLE_PATH.match(hit.path))


def run_records(out: Path, site: str = "everyday") -> list[dict[str, Any]]:
    """The site's run records (``runs.jsonl``), oldest first."""
    path = out / site / "runs.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def summary(stdout: str) -> dict[str, int]:
    """The totals of a crawl's summary: pages fetched and articles new."""
    pages = re.search(r"^\s*pages fetched\s+(\d+)$", stdout, re.MULTILINE)
    written = re.search(r"^\s*articles written\s+(\d+) new,", stdout, re.MULTILINE)
    assert pages is not None, stdout
    assert written is not None, stdout
    return {"pages": int(pages[1]), "articles_new": int(written[1])}
