"""Scheduled runs: incremental re-runs, versions, kill -9 at any moment, one writer, health.

Every test crawls a copy of the demo site over real HTTP, some of them edited between runs.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from newsarchive.analysis import load_runs
from newsarchive.demo import DemoServer
from newsarchive.evidence.reader import WarcProblem, read_record_at, read_warc
from tests.support.crawls import archive_state, lines_in
from tests.support.helpers import DEMO_SITE, FAST, ROOT, read_jsonl, run_cli
from tests.support.locks import lock_is_held

pytestmark = pytest.mark.slow

ADDED = "<p>Дополнено редакцией: поставки восстановлены к вечеру.</p>"


def _site_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DEMO_SITE, tmp_path / "site"))


def _crawl(server: DemoServer, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("crawl", server.url, "--site", "everyday", "--out", str(out), *FAST, *extra)


def _start_crawl(server: DemoServer, out: Path, *extra: str, **popen: Any) -> subprocess.Popen[str]:
    """A crawl in the background, for tests that interrupt it or race it."""
    command = [sys.executable, "-m", "newsarchive", "crawl", server.url, "--site", "everyday",
               "--out", str(out), *extra]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, text=True, **popen)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_rerun_archives_exactly_what_is_new_or_changed(tmp_path: Path) -> None:
    site, out = _site_copy(tmp_path), tmp_path / "archive"
    with DemoServer(site, port=0, virtual_clock=True) as server:
        assert _crawl(server, out).returncode == 0

        # The editors change one story, publish a new one, and move one to another section.
        pages = site / "pages"
        _edit(
            pages / "economy" / "16911-post.html",
            '<div class="share">',
            ADDED + '<div class="share">',
        )
        new_page = (pages / "economy" / "16911-post.html").read_text(encoding="utf-8")
        (pages / "economy" / "17000-post.html").write_text(
            new_page.replace("16911", "17000").replace(
                "В Минэнерго сообщили", "Минэнерго уточнило"
            ),
            encoding="utf-8",
        )
        first_item = re.search(
            r'<div class="base shortstory">.*?</div></div>\n',
            (pages / "index.html").read_text(encoding="utf-8"),
            re.S,
        )
        assert first_item is not None
        new_item = first_item[0].replace("/society/16912-post.html", "/economy/17000-post.html")
        _edit(pages / "index.html", first_item[0], new_item + first_item[0])
        (pages / "world").mkdir(exist_ok=True)
        (pages / "society" / "16910-post.html").rename(pages / "world" / "16910-post.html")
        _edit(
            pages / "index.html", 'href="/society/16910-post.html"', 'href="/world/16910-post.html"'
        )

        rerun = _crawl(server, out, "--recheck-days", "0")
        assert rerun.returncode == 0, rerun.stderr
        quiet = _crawl(server, out)
        assert quiet.returncode == 0, quiet.stderr
        base = server.url

    articles = read_jsonl(out / "everyday" / "articles")
    by_key = {(r["id"], r["version"]): r for r in articles}
    assert len(articles) == 28 + 2  # the new story and the edited one's second version
    assert set(by_key) == {(r["id"], 1) for r in articles if r["version"] == 1} | {
        ("everyday:16911", 2)
    }
    edited = by_key[("everyday:16911", 2)]
    assert edited["body"] == by_key[("everyday:16911", 1)]["body"] + (
        "\n\nДополнено редакцией: поставки восстановлены к вечеру."
    )
    assert by_key[("everyday:17000", 1)]["title"].startswith("Минэнерго уточнило")
    # The moved story is the same article: recognised by its id, not archived again.
    assert [r["url"] for r in articles if r["id"] == "everyday:16910"] == [
        f"{base}society/16910-post.html"
    ]

    runs = list(load_runs(out / "everyday"))
    assert [(r["articles_new"], r["articles_updated"], r["health"]) for r in runs] == [
        (28, 0, "ok"),
        (1, 1, "ok"),
        (0, 0, "ok"),
    ]
    # An unchanged re-run: robots.txt and the first listing page, no article page.
    assert runs[2]["requests"] == 2
    assert "articles written   0 new, 0 updated (11 already archived)" in quiet.stdout


def test_kill_9_at_random_moments_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """Kill a crawl of a slow site with SIGKILL at random moments, re-run each time to the end."""
    clean_out = tmp_path / "clean"
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        assert _crawl(server, clean_out).returncode == 0
    clean = archive_state(clean_out)

    seed = random.randrange(1_000_000)
    rnd = random.Random(seed)
    out = tmp_path / "killed"
    # Each response waits 0.3 s: a first crawl takes over 3 s (start-up included), so a kill
    # within 2.2 s lands mid-way; later runs have less left to do and may finish first.
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True, delay=0.3) as server:
        killed = 0
        for _ in range(4):
            process = _start_crawl(
                server,
                out,
                *FAST,
                "-s",
                "NEWSARCHIVE_ROLL_RECORDS=4",
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rnd.uniform(0.8, 2.2))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                killed += 1
            process.wait()
        final = _crawl(server, out)
    assert final.returncode == 0, (seed, final.stderr)
    assert killed >= 1, f"no run was killed mid-way (seed {seed})"

    folder = out / "everyday"
    assert not list(folder.glob("*/*.part")), seed
    for path in folder.glob("*/*.jsonl"):
        data = path.read_bytes()
        assert data.endswith(b"\n"), (seed, path)
        for line in data.decode("utf-8").splitlines():
            json.loads(line)  # every line whole and valid
    state = archive_state(out)
    assert state == clean, f"seed {seed}"
    ids = [(a, v) for a, v, _, _ in state["articles"]]
    assert len(ids) == len(set(ids)), f"duplicates (seed {seed})"
    # The pages kept as evidence: every WARC file published whole (the killed runs' files cut
    # back to their last complete record), and every record's page where its source says.
    for path in sorted((folder / "warc").glob("*.warc.gz")):
        problems = [entry for entry in read_warc(path) if isinstance(entry, WarcProblem)]
        assert problems == [], (seed, path)
    for record in read_jsonl(folder / "articles"):
        source = record["source"]
        entry = read_record_at(folder / source["warc"], source["offset"])
        assert (entry.record_id, entry.target_uri) == (source["record_id"], record["url"]), seed


def test_second_run_exits_at_once_touching_nothing(tmp_path: Path) -> None:
    out = tmp_path / "archive"
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True, delay=0.2) as server:
        first = _start_crawl(server, out, *FAST, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while not lock_is_held(out / "everyday"):
            assert time.monotonic() < deadline, "the first run never took the lock"
            time.sleep(0.05)
        before = sorted((p.name, p.stat().st_size) for p in (out / "everyday").rglob("*"))
        started = time.monotonic()
        second = _crawl(server, out)
        took = time.monotonic() - started
        after = sorted((p.name, p.stat().st_size) for p in (out / "everyday").rglob("*"))
        first_out, first_err = first.communicate(timeout=60)
    assert second.returncode == 5
    assert second.stderr == (
        f"newsarchive: another run is writing {out / 'everyday'}; try again when it has finished\n"
    )
    assert second.stdout == ""
    assert took < 10
    assert [name for name, _ in after if name.endswith(".jsonl")] == [
        name for name, _ in before if name.endswith(".jsonl")
    ]
    assert first.returncode == 0, first_err
    assert "28 new" in first_out


SITE_FILE = Path(__file__).resolve().parents[2] / "newsarchive" / "sites" / "everyday.toml"


@pytest.mark.parametrize(
    ("edit", "status", "message"),
    [
        # The listing markup changed: the links block the site file names is gone.
        (
            ('links = ["#dle-content"]', 'links = ["#news-list"]'),
            4,
            "(nothing_parsed, exit status 4): 3 listing page(s) held no article link",
        ),
        # The date moved: published_at is empty on every article.
        (
            (
                'date = [".fullstory .baseinfo", "#dle-content .date", '
                "\"meta[property='article:published_time']::attr(content)\"]",
                'date = [".pubdate"]',
            ),
            6,
            "(fields_missing, exit status 6): published_at empty on 28 of 28 articles (100%; "
            "at most 20% allowed)",
        ),
    ],
)
def test_markup_drift_is_an_exit_status(
    tmp_path: Path, edit: tuple[str, str], status: int, message: str
) -> None:
    site_file = tmp_path / "everyday.toml"
    text = SITE_FILE.read_text(encoding="utf-8")
    assert edit[0] in text
    site_file.write_text(text.replace(*edit), encoding="utf-8")
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        result = run_cli(
            "crawl",
            server.url,
            "--site-file",
            str(site_file),
            "--out",
            str(tmp_path / "archive"),
            *FAST,
        )
    assert result.returncode == status, result.stderr
    assert message in result.stderr
    runs = list(load_runs(tmp_path / "archive" / "everyday"))
    assert runs[-1]["exit_status"] == status


def test_resume_continues_an_interrupted_crawl(tmp_path: Path) -> None:
    out = tmp_path / "archive"
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True, delay=0.1) as server:
        process = _start_crawl(
            server,
            out,
            "--resume",
            *FAST,
            "-s",
            "CONCURRENT_REQUESTS_PER_DOMAIN=1",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        # Ctrl-C once a few articles are written (not after a fixed time: a loaded machine may
        # not have started crawling by then). Scrapy stops cleanly, the queue is kept.
        deadline = time.monotonic() + 60
        while lines_in(out / "everyday" / "articles") < 3:
            assert process.poll() is None, "the first run ended before it could be interrupted"
            assert time.monotonic() < deadline, "the first run wrote nothing"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
        assert (out / "everyday" / "job").is_dir()
        first = list(load_runs(out / "everyday"))[-1]
        assert first["finish_reason"] == "shutdown"
        resumed = _crawl(server, out, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    second = list(load_runs(out / "everyday"))[-1]
    assert first["articles_new"] + second["articles_new"] == 28
    assert first["articles_new"] > 0
    # It went on from the queue: nothing archived by the first run was fetched again.
    assert second["articles_unchanged"] == 0
    assert not (out / "everyday" / "job").exists()  # a finished crawl leaves no queue behind
    ids = [r["id"] for r in read_jsonl(out / "everyday" / "articles")]
    assert len(ids) == len(set(ids)) == 28


def test_after_a_limited_or_killed_run_the_next_one_walks_every_listing_page(
    tmp_path: Path,
) -> None:
    """Page 1 is all archived after `--max-pages 1`, yet pages 2 and 3 still hold new stories."""
    out = tmp_path / "archive"
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        assert _crawl(server, out, "--max-pages", "1").returncode == 0
        assert _crawl(server, out).returncode == 0
        assert _crawl(server, out).returncode == 0
    runs = list(load_runs(out / "everyday"))
    assert [(r["listing_pages"], r["articles_new"]) for r in runs] == [(1, 10), (3, 18), (1, 0)]
    assert runs[2]["requests"] == 2
