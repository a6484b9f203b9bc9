"""Bad input from people: one clear line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.support.helpers import run_cli

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("crawl", "nosuchsite"), "unknown site 'nosuchsite' (built-in sites: everyday"),
        (
            ("crawl", "https://unknown.example/", "--tz", "Mars/Base"),
            "time zone 'Mars/Base' is not an IANA time zone",
        ),
        (("crawl", "https://unknown.example/", "--name", "../x"), "site name '../x' must be"),
        (("crawl", "ftp://everyday.uz/"), "not a valid http(s) URL: 'ftp://everyday.uz/'"),
        (("crawl", "http://everyday.uz:99999/"), "not a valid URL: 'http://everyday.uz:99999/'"),
        (("crawl",), "name a site or a URL to crawl"),
        (
            ("crawl", "everyday", "--max-pages", "many"),
            "argument --max-pages: 'many' is not a whole",
        ),
        (("crawl", "everyday", "--since", "11.12.2025"), "'11.12.2025' is not a date like"),
        (("crawl", "everyday", "-s", "NOEQUALS"), "-s takes NAME=VALUE, not 'NOEQUALS'"),
        (("crawl", "everyday", "--site-file", "/nonexistent.toml"), "cannot read site file"),
        (("fly",), "invalid choice: 'fly'"),
        (("demo", "--port", "70000"), "'70000' is not a port number"),
    ],
)
def test_bad_input_is_one_line_and_status_2(args: tuple[str, ...], message: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    result = run_cli("crawl", "everyday", "--out", str(target))
    assert result.returncode == 2
    assert result.stderr == f"newsarchive: error: output folder {target} is a file\n"


def test_demo_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("demo", "--port", str(port))
    assert result.returncode == 2
    assert f"cannot serve the demo site on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_sites_and_help() -> None:
    sites = run_cli("sites")
    assert sites.returncode == 0
    assert sites.stdout.split()[:4] == [
        "everyday",
        "everyday.uz",
        "https://everyday.uz/",
        "Asia/Tashkent",
    ]
    help_text = run_cli("crawl", "--help").stdout
    for option in ("--out", "--max-pages", "--max-articles", "--since", "-s NAME=VALUE"):
        assert option in help_text


def test_unreachable_site_is_status_3(tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    # Nothing listens on the port now: every request is refused.
    result = run_cli(
        "crawl",
        f"http://127.0.0.1:{port}/",
        "--site",
        "everyday",
        "--out",
        str(tmp_path),
        "-s",
        "RETRY_TIMES=0",
        "-s",
        "AUTOTHROTTLE_ENABLED=0",
    )
    assert result.returncode == 3
    assert (
        f"newsarchive: unhealthy run of http://127.0.0.1:{port}/ (unreachable, exit status 3): "
        "no listing page could be fetched\n"
    ) in result.stderr
    assert "Traceback" not in result.stderr
