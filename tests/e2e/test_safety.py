"""Safety: names never become paths outside --out, site files are data, the crawler is polite.

Crawls go to a tiny news site served by the test itself on 127.0.0.1, which logs every request
(path and User-Agent), so what the crawler sent is asserted, not assumed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive import __version__, settings
from newsarchive.sites import available_sites
from tests.support.helpers import FAST, ROOT, run_cli
from tests.support.tiny_site import TinySite, tree, write_site_file

pytestmark = pytest.mark.slow


@pytest.fixture
def tiny() -> Iterator[TinySite]:
    with TinySite() as site:
        yield site


# --- names and URLs never become paths outside --out ----------------------------------------

URL = "https://news.example/"
BUILT_IN = f"(built-in sites: {', '.join(available_sites())})"
RULE = "must be lower-case letters, digits, - or _"
NAMES = [
    # (arguments after "crawl", the one line expected on stderr)
    (("--site", "../../etc"), f"unknown site '../../etc' {BUILT_IN}"),
    (("--site", ".."), f"unknown site '..' {BUILT_IN}"),
    (("--site", "a/b"), f"unknown site 'a/b' {BUILT_IN}"),
    (("--site", "/etc"), f"unknown site '/etc' {BUILT_IN}"),
    (("../../etc",), "not a valid http(s) URL: '../../etc'"),
    (("..",), "not a valid http(s) URL: '..'"),
    ((URL, "--name", "../escape"), f"site name '../escape' {RULE}"),
    ((URL, "--name", "/tmp/abs"), f"site name '/tmp/abs' {RULE}"),
    ((URL, "--name", "a/b"), f"site name 'a/b' {RULE}"),
    ((URL, "--name", "ok\n"), f"site name 'ok\\n' {RULE}"),
]


@pytest.mark.parametrize(("args", "message"), NAMES, ids=[repr(a) for a, _ in NAMES])
def test_path_like_names_are_rejected_and_write_nothing(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "parent" / "out"
    out.parent.mkdir()
    before = tree(tmp_path)
    result = run_cli("crawl", *args, "--out", str(out))
    assert (result.returncode, result.stderr) == (2, f"newsarchive: error: {message}\n")
    assert tree(tmp_path) == before


# TOML escapes put a NUL or a newline into the name without putting one into the file's text.
SITE_FILE_NAMES = ["../escape", "..", "a/b", "/tmp/abs", "a\\u0000b", "ok\\n", "-rf"]


@pytest.mark.parametrize("name", SITE_FILE_NAMES)
def test_site_file_names_that_are_paths_are_rejected(tmp_path: Path, name: str) -> None:
    site_file = write_site_file(tmp_path / "evil.toml", URL, name=name)
    out = tmp_path / "parent" / "out"
    out.parent.mkdir()
    before = tree(tmp_path)
    result = run_cli("crawl", "--site-file", str(site_file), "--out", str(out))
    shown = repr(json.loads(f'"{name}"'))
    assert (result.returncode, result.stderr) == (
        2,
        f"newsarchive: error: {site_file}:1: name {shown} {RULE}\n",
    )
    assert tree(tmp_path) == before


def test_a_url_path_never_reaches_the_file_system(tmp_path: Path, tiny: TinySite) -> None:
    """A site known only by its URL is named from its host: the path's ../ go nowhere."""
    out = tmp_path / "parent" / "out"
    result = run_cli("crawl", f"{tiny.url}../../escape/", "--out", str(out), *FAST)
    assert result.returncode == 3, result.stderr  # the site has no such page
    assert sorted(str(path.relative_to(tmp_path)) for path in tmp_path.glob("*/*/*")) == [
        "parent/out/127-0-0-1"
    ]
    # The path went to the server as it was given; only the host named the archive folder.
    assert sorted(path for path, _ in tiny.requests) == [
        "/../../escape/",
        "/robots.txt",
        "/robots.txt",
        "/sitemap.xml",
    ]


# --- a site file is data ---------------------------------------------------------------------


def test_code_in_a_selector_is_rejected_not_run(tmp_path: Path, tiny: TinySite) -> None:
    marker = tmp_path / "PWNED"
    code = f"__import__('os').system('touch {marker}')"
    site_file = write_site_file(tmp_path / "code.toml", tiny.url, title=code)
    result = run_cli("crawl", "--site-file", str(site_file), "--out", str(tmp_path / "out"))
    assert (result.returncode, result.stderr) == (
        2,
        f"newsarchive: error: {site_file}:11: key 'article.title': {code!r} is not a CSS "
        "selector (Expected selector, got <DELIM '(' at 10>)\n",
    )
    assert not marker.exists()
    assert tiny.requests == []


def test_code_in_a_regex_is_a_regex_not_run(tmp_path: Path, tiny: TinySite) -> None:
    """A valid regular expression that looks like code: compiled, matched, never evaluated."""
    marker = tmp_path / "PWNED"
    code = f'__import__("os").system("touch {marker}")'
    site_file = write_site_file(tmp_path / "code.toml", tiny.url, article_url=code)
    result = run_cli("crawl", "--site-file", str(site_file), "--out", str(tmp_path / "out"), *FAST)
    # As a pattern it matches no link on the listing page: markup drift, status 4.
    assert result.returncode == 4, result.stderr
    assert result.stderr.endswith(
        f"newsarchive: unhealthy run of {tiny.url} (nothing_parsed, exit status 4): "
        "1 listing page(s) held no article link; has the markup changed?\n"
    )
    assert not marker.exists()
    assert [path for path, _ in tiny.requests] == ["/robots.txt", "/"]


# --- politeness --------------------------------------------------------------------------------


def test_user_agent_and_robots_txt(tmp_path: Path, tiny: TinySite) -> None:
    site_file = write_site_file(tmp_path / "tiny.toml", tiny.url)
    result = run_cli("crawl", "--site-file", str(site_file), "--out", str(tmp_path / "out"), *FAST)
    assert result.returncode == 0, result.stderr
    paths = [path for path, _ in tiny.requests]
    assert paths[0] == "/robots.txt"  # before any page
    assert sorted(paths[1:]) == ["/", "/news/1", "/news/2", "/news/3"]  # never /private/99
    agent = f"newsarchive/{__version__} (+https://github.com/newsarchive/newsarchive)"
    assert {ua for _, ua in tiny.requests} == {agent}
    assert "articles written   3 new, 0 updated (0 already archived)" in result.stdout


def test_polite_defaults_are_set_and_documented() -> None:
    assert settings.ROBOTSTXT_OBEY is True
    assert settings.AUTOTHROTTLE_ENABLED is True
    assert settings.AUTOTHROTTLE_START_DELAY == 1.0
    assert settings.AUTOTHROTTLE_TARGET_CONCURRENCY == 2.0
    assert settings.CONCURRENT_REQUESTS_PER_DOMAIN == 4
    assert settings.NEWSARCHIVE_CONTACT_URL == "https://github.com/newsarchive/newsarchive"
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for documented in (
        "robots.txt obeyed (`ROBOTSTXT_OBEY=True`",
        "AutoThrottle on (start delay 1 s, target 2 requests in flight per site)",
        "at most 4 concurrent requests per domain",
        "`newsarchive/0.4.0 (+URL)`, where URL is the `NEWSARCHIVE_CONTACT_URL` setting",
    ):
        assert documented in readme
    assert __version__ == "0.4.0"  # the version the README quotes
