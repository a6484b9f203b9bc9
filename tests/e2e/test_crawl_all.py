"""``crawl --all``: every site of newsarchive.toml in its own process, on one machine or several.

The sites are small (a listing and three articles) and served by one loopback server that logs
every request by site and time (tests/support/fleet_sites.py); the store is the real
PostgreSQL, in a schema of the test's own. "Machines" are ``crawl --all`` processes, each with
its own archive folder or sharing one.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from newsarchive.cli import main
from newsarchive.runids import host_name
from tests.support.fleet_sites import FleetSites, write_fleet
from tests.support.helpers import ROOT, run_cli
from tests.support.postgres import postgres_url
from tests.support.processes import kill_with_children

__all__ = ["postgres_url"]  # the fixture, used by name

pytestmark = pytest.mark.slow

# Quick, quiet crawls of a loopback server: AutoThrottle's 1 s start delay only costs time here.
FAST = "autothrottle = false\nsettings = { NEWSARCHIVE_PROGRESS_INTERVAL = 0 }\n"
RUN_ID = re.compile(rf"^\d{{8}}T\d{{6}}Z-{re.escape(host_name())}-[0-9a-f]{{4}}$")
PROGRESS = re.compile(r"^(started|ended  |skipped) (\S+) \((\d+)/(\d+)\): (.*)$")


def _start(config: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsarchive", "crawl", "--all", "--config", str(config), *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _table(stdout: str) -> dict[str, tuple[str, ...]]:
    """The table's rows by site: pages, new, updated, errors, health, exit status (not the
    duration, which is checked for its shape)."""
    lines = stdout.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("site ")))
    rows = {}
    for line in lines[header + 1 : -1]:
        site, *cells, duration, unit = line.split()
        assert re.fullmatch(r"\d+\.\d s", f"{duration} {unit}"), line
        rows[site] = tuple(cells)
    return rows


def _progress(stdout: str) -> list[tuple[str, str, str]]:
    """The progress lines: (what, site, the rest), durations and run ids written as X."""
    found = []
    for line in stdout.splitlines():
        match = PROGRESS.match(line)
        if match:
            rest = re.sub(r"\d+\.\d s$", "X s", match[5])
            found.append((match[1].strip(), match[2], re.sub(r"logs/[^/]+\.log$", "logs/X", rest)))
    return found


def _logs(stdout: str) -> dict[str, Path]:
    """The log file of each site's process, from its 'started' line."""
    return {
        match[2]: Path(match[5].removeprefix("log "))
        for match in map(PROGRESS.match, stdout.splitlines())
        if match and match[1] == "started"
    }


def _records(*archives: Path) -> dict[str, list[dict[str, Any]]]:
    """The run records of every site of these archive folders, by site."""
    found: dict[str, list[dict[str, Any]]] = {}
    for archive in archives:
        for path in sorted(archive.glob("*/runs.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                found.setdefault(record["site"], []).append(record)
    return found


USAGE = [
    # (arguments, the one line on stderr; CONFIG is the configuration's path)
    (["crawl", "--all", "--config", "CONFIG", "--max-pages", "3"],
     "--max-pages does not go with --all: the configuration gives each site its options "
     "([defaults], or the site's [[sites]] entry)"),
    (["crawl", "everyday", "--all", "--config", "CONFIG"],
     "'everyday': --all crawls the sites of the configuration, no other"),
    (["crawl", "--all", "--config", "CONFIG", "-s", "LOG_LEVEL=INFO"],
     "-s does not go with --all: the configuration gives each site its options ([defaults], "
     "or the site's [[sites]] entry)"),
    (["crawl", "everyday", "--jobs", "2"], "--jobs goes with --all"),
    (["crawl", "everyday", "--config", "CONFIG"], "--config goes with --all"),
    (["crawl", "everyday", "--round", "1h"], "--round goes with --all"),
    (["crawl", "--all", "--config", "CONFIG", "--round", "90"],
     "--round: '90' is not a length such as \"15m\", \"1h\" or \"1d\""),
    (["crawl", "--all", "--config", "CONFIG", "--round", "1h",
      "--round-start", "2026-12-07T13:00Z"],
     "give --round or --round-start, not both"),
    (["crawl", "--all", "--config", "CONFIG.missing"],
     "CONFIG.missing: no such configuration file (give one with --config FILE)"),
    (["sites", "--config", "CONFIG.missing"],
     "CONFIG.missing: no such configuration file (give one with --config FILE)"),
]  # fmt: skip


@pytest.mark.parametrize(("arguments", "message"), USAGE, ids=[m for _, m in USAGE])
def test_what_does_not_go_with_all_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    config = _config_of_one_site(tmp_path)
    given = [argument.replace("CONFIG", str(config)) for argument in arguments]
    assert main(given) == 2
    assert capsys.readouterr() == (
        "",
        f"newsarchive: error: {message.replace('CONFIG', str(config))}\n",
    )
    assert not (tmp_path / "archive").exists()  # nothing was crawled, nothing written


def test_a_bad_jobs_or_round_start_is_an_argument_error(tmp_path: Path) -> None:
    config = str(_config_of_one_site(tmp_path))
    jobs = run_cli("crawl", "--all", "--config", config, "--jobs", "0")
    assert (jobs.returncode, jobs.stderr.splitlines()[-1]) == (
        2,
        "newsarchive crawl: error: argument --jobs: '0' must be 1 or more "
        "(see 'newsarchive crawl --help')",
    )
    start = run_cli("crawl", "--all", "--config", config, "--round-start", "2026-12-07T13:00")
    assert (start.returncode, start.stderr.splitlines()[-1]) == (
        2,
        "newsarchive crawl: error: argument --round-start: '2026-12-07T13:00' gives no UTC offset "
        "(add Z, or +05:00) (see 'newsarchive crawl --help')",
    )


def _config_of_one_site(folder: Path) -> Path:
    config = folder / "newsarchive.toml"
    config.write_text('[[sites]]\nname = "everyday"\n', encoding="utf-8")
    return config


def test_each_site_in_its_own_process_and_a_failing_site_stops_no_other(
    tmp_path: Path, postgres_url: str
) -> None:
    with FleetSites(3) as server:
        url = server.url
        config = write_fleet(
            tmp_path,
            url,
            ["s01", "s02"],
            defaults=f'store = "{postgres_url}"\n{FAST}',
            extra_sites=f"""
[[sites]]
url = "{url}s03/"
timezone = "Asia/Tashkent"
name = "generic"

[[sites]]
url = "http://127.0.0.1:1/"
timezone = "UTC"
name = "dead"
settings = {{ RETRY_ENABLED = false }}
""",
        )
        result = run_cli("crawl", "--all", "--config", str(config), "--jobs", "2")
    # The first site that failed, in the configuration's order, gives the exit status.
    assert (result.returncode, result.stderr) == (4, "")
    lines = result.stdout.splitlines()
    assert lines[-6] == "site     pages  new  updated  errors  health          exit  duration"
    assert _table(result.stdout) == {
        "s01": ("5", "3", "0", "0", "ok", "0"),
        "s02": ("5", "3", "0", "0", "ok", "0"),
        "generic": ("12", "0", "0", "0", "nothing_parsed", "4"),
        "dead": ("0", "0", "0", "1", "unreachable", "3"),
    }
    assert (
        lines[-1]
        == "4 sites: 2 healthy, 0 busy, 0 done this round already, 2 failed; exit status 4"
    )
    out = tmp_path / "archive"
    ended = {
        "s01": "ok, exit 0, 5 pages, 3 new, 0 updated, 0 errors, X s",
        "s02": "ok, exit 0, 5 pages, 3 new, 0 updated, 0 errors, X s",
        "generic": "nothing_parsed, exit 4, 12 pages, 0 new, 0 updated, 0 errors, X s",
        "dead": "unreachable, exit 3, 0 pages, 0 new, 0 updated, 1 errors, X s",
    }
    progress = _progress(result.stdout)
    assert sorted((what, site, rest) for what, site, rest in progress) == sorted(
        [("started", site, f"log {out}/{site}/logs/X") for site in ended]
        + [("ended", site, rest) for site, rest in ended.items()]
    )
    # With two at a time, the first two start at once; each line counts the sites that have
    # started, or ended, so far.
    assert [site for what, site, _ in progress if what == "started"][:2] == ["s01", "s02"]
    for what in ("started", "ended"):
        counts = [m.group(3, 4) for m in map(PROGRESS.match, lines) if m and m[1].strip() == what]
        assert counts == [(str(n), "4") for n in range(1, 5)]
    # Each process wrote its own log and its own run record, under the run id it was given.
    records = _records(out)
    for site, log in _logs(result.stdout).items():
        assert RUN_ID.match(log.stem), log
        assert f"\nnewsarchive: crawl of {site} (" in "\n" + log.read_text(encoding="utf-8")
        (record,) = records[site]
        assert record["run_id"] == log.stem
        assert record["exit_status"] == int(_table(result.stdout)[site][-1])
    # 'sites' lists them in the configuration's order, with their last run.
    listing = run_cli("sites", "--config", str(config))
    assert listing.returncode == 0, listing.stderr
    assert [re.split(r"\s{2,}", line) for line in listing.stdout.splitlines()] == [
        ["site", "from", "last run"],
        *(
            [
                site,
                origin,
                f"{records[site][0]['health']}, ended {records[site][0]['finished_at']}, "
                f"exit status {records[site][0]['exit_status']}",
            ]
            for site, origin in [
                ("s01", "site file sites/s01.toml"),
                ("s02", "site file sites/s02.toml"),
                ("generic", f"{url}s03/ (any site, Asia/Tashkent)"),
                ("dead", "http://127.0.0.1:1/ (any site, UTC)"),
            ]
        ),
    ]


def test_two_crawl_all_in_one_folder_share_the_sites_once_a_round(
    tmp_path: Path, postgres_url: str
) -> None:
    names = [f"s{n:02d}" for n in range(1, 7)]
    first_round = datetime.now(UTC).isoformat()
    with FleetSites(6) as server:
        config = write_fleet(
            tmp_path, server.url, names, defaults=f'store = "{postgres_url}"\n{FAST}'
        )
        both = [_start(config, "--jobs", "2", "--round-start", first_round) for _ in range(2)]
        outputs = [process.communicate(timeout=120) for process in both]
        assert [(p.returncode, err) for p, (_, err) in zip(both, outputs, strict=True)] == [
            (0, ""),
            (0, ""),
        ]
        tables = [_table(out) for out, _ in outputs]
        for site in names:
            # One crawled it; the other found it busy or already done.
            healths = sorted(table[site][4] for table in tables)
            assert healths in (["busy", "ok"], ["done", "ok"]), (site, healths)
            assert sorted(server.fetched(site)) == [
                f"/{site}/",
                f"/{site}/news/1",
                f"/{site}/news/2",
                f"/{site}/news/3",
            ]
        assert {site: len(runs) for site, runs in _records(tmp_path / "archive").items()} == {
            site: 1 for site in names
        }

        # A third in the same round finds every site done, and starts no process.
        third = run_cli("crawl", "--all", "--config", str(config), "--round-start", first_round)
        assert (third.returncode, third.stderr) == (0, "")
        assert _table(third.stdout) == {site: ("-", "-", "-", "-", "done", "8") for site in names}
        assert _progress(third.stdout) == [("skipped", site, "done, exit 8, X s") for site in names]
        assert third.stdout.splitlines()[-1] == (
            "6 sites: 0 healthy, 0 busy, 6 done this round already, 0 failed; exit status 0"
        )

        # The next round crawls each again: its listing only, nothing new on it.
        before = time.time()
        next_round = run_cli("crawl", "--all", "--config", str(config), "--jobs", "3",
                             "--round", "1s")  # fmt: skip
        assert (next_round.returncode, next_round.stderr) == (0, "")
    assert _table(next_round.stdout) == {site: ("2", "0", "0", "0", "ok", "0") for site in names}
    for site in names:
        assert server.fetched(site, since=before) == [f"/{site}/"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_sites_that_run_and_starts_no_other(
    tmp_path: Path, postgres_url: str, signum: int
) -> None:
    with FleetSites(3, delay=1.0) as server:
        config = write_fleet(
            tmp_path, server.url, server.names, defaults=f'store = "{postgres_url}"\n{FAST}'
        )
        process = _start(config, "--jobs", "2")
        # Once both crawls are under way (their listing page asked for), not while starting.
        deadline = time.monotonic() + 60
        while not (server.fetched("s01") and server.fetched("s02")):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr) == (128 + signum, "")
    assert list(_table(stdout)) == ["s01", "s02"]
    summary = stdout.splitlines()[-1]
    assert re.fullmatch(
        rf"3 sites: \d healthy, 0 busy, 0 done this round already, \d failed, 1 not started "
        rf"\(interrupted\); exit status {128 + signum}",
        summary,
    ), summary
    assert "s03" not in {site for _, site, _ in _progress(stdout)}
    # Each crawl got the signal once, and stopped as Scrapy does: cleanly, with its record.
    records = _records(tmp_path / "archive")
    assert {site: [r["finish_reason"] for r in runs] for site, runs in records.items()} == {
        "s01": ["shutdown"],
        "s02": ["shutdown"],
    }


def test_two_machines_fifty_sites_once_a_round_and_one_killed_mid_round(
    tmp_path: Path, postgres_url: str
) -> None:
    """Two machines, each with its own archive folder, the same configuration and store: every
    site is crawled once in the round, never by both at once; one machine dies mid-round (its
    process and its crawls, SIGKILL), and its next run in the round crawls what it left."""
    round_start = datetime.now(UTC).isoformat()
    machines = [tmp_path / "a", tmp_path / "b"]
    # A little wait before each response, so that B can be caught in the middle of a crawl.
    with FleetSites(50, delay=0.2) as server:
        configs = [
            write_fleet(
                machine, server.url, server.names, defaults=f'store = "{postgres_url}"\n{FAST}'
            )
            for machine in machines
        ]
        assert configs[0].read_text() == configs[1].read_text()
        a, b = (_start(config, "--jobs", "2", "--round-start", round_start) for config in configs)
        b_lines: list[str] = []
        reader = threading.Thread(target=lambda: b_lines.extend(b.stdout or []), daemon=True)
        reader.start()

        def mid_site() -> bool:
            """B has crawled some sites, and is in the middle of one: its listing page served,
            not yet all its articles."""
            b_out = "".join(b_lines)
            ended = {site for what, site, _ in _progress(b_out) if what == "ended"}
            return len(ended) >= 8 and any(
                0 < len(server.fetched(site)) < 4 for site in set(_logs(b_out)) - ended
            )

        kill_with_children(b.pid, mid_site)
        killed_at = time.time()
        b.wait(timeout=10)
        reader.join(timeout=10)
        a_out, a_err = a.communicate(timeout=180)
        # B's machine comes back; its next run, in the same round, crawls what it left.
        c = run_cli("crawl", "--all", "--config", str(configs[1]), "--jobs", "2",
                    "--round-start", round_start, timeout=180)  # fmt: skip
    assert b.returncode == -signal.SIGKILL
    assert (a.returncode, a_err) == (0, "")
    assert (c.returncode, c.stderr) == (0, "")

    # Exactly one complete run per site in the round, across both machines' folders; B's
    # crawls that were running when it died never finished (a crawl that had just finished
    # before, its line not yet printed, did).
    records = _records(machines[0] / "archive", machines[1] / "archive")
    assert {site: len(runs) for site, runs in records.items()} == dict.fromkeys(server.names, 1)
    assert min(runs[0]["started_at"] for runs in records.values()) >= round_start[:19]
    finished = {runs[0]["run_id"] for runs in records.values()}
    b_out = "".join(b_lines)
    ended = {site for what, site, _ in _progress(b_out) if what == "ended"}
    killed = {
        site: log.stem
        for site, log in _logs(b_out).items()
        if site not in ended and log.stem not in finished
    }
    assert killed  # B died in the middle of at least one site
    a_table, c_table = _table(a_out), _table(c.stdout)
    assert set(a_table) == set(c_table) == set(server.names)
    assert {row[4] for row in a_table.values()} <= {"ok", "busy", "done"}
    # C crawled only sites B was crawling when it died (and nobody finished since).
    assert {site for site, row in c_table.items() if row[4] == "ok"} <= set(killed)
    assert {row[4] for site, row in c_table.items() if site not in killed} == {"done"}

    # Never twice at once: a site's listing page was served once, or, for a site B died in,
    # at most once before its death and once after, to the run that completed it.
    for site in server.names:
        fetches = _listing_fetches(server, site)
        if site not in killed:
            assert len(fetches) == 1, (site, fetches)
        else:
            # B's process for the site may have died before it took the site's lock (A then
            # crawled the site whole before the kill), or in the middle of its crawl (then the
            # run that completed it began after the kill).
            before = sum(at < killed_at for at in fetches)
            after = sum(at >= killed_at for at in fetches)
            assert (before, after) in ((1, 0), (0, 1), (1, 1)), (site, fetches)
            if after:
                assert records[site][0]["started_at"] >= _utc_second(killed_at)
    # Every article is archived once, none lost: a killed crawl's complete lines wait in its
    # .part files for the next run of the site in its folder (C's, for the sites it crawled).
    ids = Counter(
        json.loads(line)["id"]
        for machine in machines
        for path in (machine / "archive").glob("*/articles/*.jsonl*")
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
        if line.endswith("\n")
    )
    assert ids == Counter({f"{site}:{n}": 1 for site in server.names for n in (1, 2, 3)})


def _listing_fetches(server: FleetSites, site: str) -> list[float]:
    return [r.at for r in server.requests if r.path == f"/{site}/"]


def _utc_second(moment: float) -> str:
    """A moment as run records write it, to the second (which it floors)."""
    return datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
