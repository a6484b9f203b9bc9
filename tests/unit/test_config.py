"""newsarchive.toml: what each key gives a site's crawl, and the one line for each mistake."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest

from newsarchive.cli import crawl
from newsarchive.cli.common import UsageError
from newsarchive.cli.runner import CrawlOptions
from newsarchive.config import ConfiguredSite, load_config
from newsarchive.sites import load_site, load_site_file
from tests.support.tiny_site import write_site_file

STORE = "postgresql://archiver@db.example/news"


def _config(folder: Path, text: str) -> Path:
    path = folder / "newsarchive.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(folder: Path, text: str) -> str:
    """The message of the configuration's error, FILE standing for its path."""
    path = _config(folder, text)
    with pytest.raises(UsageError) as raised:
        load_config(path)
    return str(raised.value).replace(str(path), "FILE")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a site file (sites/tiny.toml), and no store in the environment."""
    monkeypatch.delenv("NEWSARCHIVE_STORE", raising=False)
    (tmp_path / "sites").mkdir()
    write_site_file(tmp_path / "sites" / "tiny.toml", "http://127.0.0.1:8000/")
    return tmp_path


def test_the_three_kinds_of_site_with_defaults_and_overrides(folder: Path) -> None:
    path = _config(
        folder,
        """
[defaults]
out = "data"
store = "postgresql://archiver@db.example/news"
recheck_days = 2
max_pages = 3
since = 2025-12-01
max_missing_percent = 10
compress = true
round = "1h"
settings = { NEWSARCHIVE_CONTACT_URL = "https://lab.example/crawler", RETRY_TIMES = 1 }

[[sites]]
name = "everyday"

[[sites]]
site_file = "sites/tiny.toml"
max_pages = 0
warc = false
round = "15m"
settings = { RETRY_TIMES = 4 }

[[sites]]
url = "https://news.example.kg/"
timezone = "Asia/Bishkek"
name = "kg"
out = "/srv/kg"
resume = true
verbose = true
max_articles = 50
since = "2025-11-01"
""",
    )
    config = load_config(path)
    assert config.path == path
    everyday, tiny, kg = config.sites
    settings = {"NEWSARCHIVE_CONTACT_URL": "https://lab.example/crawler", "RETRY_TIMES": "1"}
    assert everyday == ConfiguredSite(
        number=1,
        origin="built-in",
        target=("everyday",),
        options=CrawlOptions(
            site=load_site("everyday"),
            out=folder / "data",
            max_pages=3,
            max_articles=0,
            since=date(2025, 12, 1),
            settings=settings,
            verbose=False,
            recheck_days=2,
            compress=True,
            store=STORE,
            max_missing_percent=10.0,
        ),
        round_seconds=3600,
    )
    assert (tiny.number, tiny.origin, tiny.name, tiny.round_seconds) == (
        2,
        "site file sites/tiny.toml",
        "tiny",
        900,
    )
    assert tiny.target == ("--site-file", str(folder / "sites" / "tiny.toml"))
    assert tiny.options.site == load_site_file(folder / "sites" / "tiny.toml")
    assert (tiny.options.max_pages, tiny.options.warc, tiny.options.settings) == (
        0,
        False,
        {**settings, "RETRY_TIMES": "4"},
    )
    assert (kg.origin, kg.name, kg.folder) == (
        "https://news.example.kg/ (any site, Asia/Bishkek)",
        "kg",
        Path("/srv/kg/kg"),
    )
    assert kg.target == ("https://news.example.kg/", "--tz", "Asia/Bishkek", "--name", "kg")
    assert kg.options.site.timezone == "Asia/Bishkek"
    assert (kg.options.resume, kg.options.verbose, kg.options.max_articles) == (True, True, 50)
    assert kg.options.since == date(2025, 11, 1)
    assert kg.crawl_arguments() == [
        "https://news.example.kg/", "--tz", "Asia/Bishkek", "--name", "kg",
        "--out", "/srv/kg", "--max-pages", "3", "--max-articles", "50", "--since", "2025-11-01",
        "--recheck-days", "2", "--compress", "--resume", "--max-missing", "10.0", "--verbose",
        "-s", "NEWSARCHIVE_CONTACT_URL=https://lab.example/crawler", "-s", "RETRY_TIMES=1",
    ]  # fmt: skip


def test_the_options_without_defaults_are_the_crawl_commands(folder: Path) -> None:
    (site,) = load_config(_config(folder, '[[sites]]\nname = "everyday"\n')).sites
    assert site.options == CrawlOptions(
        site=load_site("everyday"),
        out=folder / "archive",
        max_pages=0,
        max_articles=0,
        since=None,
        settings={},
        verbose=False,
    )
    assert site.round_seconds is None
    assert site.crawl_arguments() == ["everyday", "--out", str(folder / "archive"),
                                      "--max-missing", "20.0"]  # fmt: skip


def test_the_store_comes_from_the_environment_unless_the_configuration_names_one(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSARCHIVE_STORE", "postgresql://env@db/news")
    text = '[[sites]]\nname = "everyday"\n[[sites]]\nsite_file = "sites/tiny.toml"\n'
    sites = load_config(_config(folder, text + f'store = "{STORE}"\n')).sites
    assert [site.options.store for site in sites] == ["postgresql://env@db/news", STORE]
    # ... and never on the command line, where every user of the machine could read it.
    assert not any("postgresql" in argument for argument in sites[1].crawl_arguments())


@pytest.mark.parametrize(
    ("text", "arguments"),
    [
        ('name = "everyday"', ["everyday"]),
        ('site_file = "sites/tiny.toml"', ["--site-file", "{folder}/sites/tiny.toml"]),
        (
            'site_file = "sites/tiny.toml"\nurl = "http://127.0.0.1:9000/"',
            ["http://127.0.0.1:9000/", "--site-file", "{folder}/sites/tiny.toml"],
        ),
        (
            'url = "http://127.0.0.1:8765/"\nsite = "everyday"',
            ["http://127.0.0.1:8765/", "--site", "everyday"],
        ),
        (
            'url = "news.example.kg/ru/"\ntimezone = "Asia/Bishkek"',
            ["https://news.example.kg/ru/", "--tz", "Asia/Bishkek"],
        ),
    ],
)
def test_each_site_is_what_its_crawl_command_would_crawl(
    folder: Path, monkeypatch: pytest.MonkeyPatch, text: str, arguments: list[str]
) -> None:
    """The site arguments and options a configured site gets, parsed by ``crawl`` itself, give
    the very options the configuration holds: the configuration maps onto the command."""
    defaults = (
        '[defaults]\nout = "out"\nmax_pages = 2\nmax_articles = 9\nsince = 2025-01-31\n'
        "recheck_days = 0\ncompress = true\nwarc = false\nresume = true\nverbose = true\n"
        "max_missing_percent = 12.5\ndelay = 0.5\nconcurrency = 2\nautothrottle = false\n"
        f'store = "{STORE}"\nsettings = {{ RETRY_TIMES = 1, COOKIES_ENABLED = false }}\n'
    )
    (site,) = load_config(_config(folder, f"{defaults}[[sites]]\n{text}\n")).sites
    assert site.crawl_arguments()[: len(arguments)] == [
        argument.format(folder=folder) for argument in arguments
    ]
    monkeypatch.setenv("NEWSARCHIVE_STORE", STORE)  # as crawl --all gives it to the process
    commands = argparse.ArgumentParser().add_subparsers()
    crawl.add_parser(commands)
    parsed = commands.choices["crawl"].parse_args(site.crawl_arguments())
    assert crawl.crawl_options(parsed) == site.options


def test_politeness_defaults_never_loosen_a_site_descriptions_throttle(folder: Path) -> None:
    (folder / "sites" / "slow.toml").write_text(
        (folder / "sites" / "tiny.toml").read_text(encoding="utf-8").replace("tiny", "slow")
        + "[throttle]\ndelay = 5\n",
        encoding="utf-8",
    )
    text = """
[defaults]
delay = 0.5
concurrency = 8
[[sites]]
site_file = "sites/slow.toml"
[[sites]]
site_file = "sites/tiny.toml"
[[sites]]
name = "everyday"
out = "copy"
delay = 1
"""
    slow, tiny, everyday = load_config(_config(folder, text)).sites
    assert slow.options.settings == {"CONCURRENT_REQUESTS_PER_DOMAIN": "8"}
    assert tiny.options.settings == {"DOWNLOAD_DELAY": "0.5", "CONCURRENT_REQUESTS_PER_DOMAIN": "8"}
    # Its own entry is the operator's word for this site: over its description's [throttle].
    assert everyday.options.settings == {"DOWNLOAD_DELAY": "1"}


def test_an_inline_sites_list_and_no_defaults(folder: Path) -> None:
    text = 'sites = [{ name = "everyday" }, { site_file = "sites/tiny.toml" }]\n'
    assert [site.name for site in load_config(_config(folder, text)).sites] == ["everyday", "tiny"]


SITE = '[[sites]]\nname = "everyday"\n'
TINY = '[[sites]]\nsite_file = "sites/tiny.toml"\n'
ERRORS = [
    # (the file, its one line of error; FILE is its path)
    ("[defaults]\nout = 'x'\n", "FILE: no sites: add a [[sites]] table for each site to crawl"),
    ("sites = []\n", "FILE:1: no sites: add a [[sites]] table for each site to crawl"),
    ('sites = "everyday"\n', "FILE:1: 'sites' must be a list of tables: [[sites]]"),
    ("sites = [1, 2]\n", "FILE:1: 'sites' must be a list of tables: [[sites]]"),
    ("defaults = 3\n" + SITE, "FILE:1: 'defaults' must be a table: [defaults]"),
    (SITE + "[default]\nout = 'x'\n", "FILE:3: unknown key 'default' (did you mean 'defaults'?)"),
    ("jobs = 4\n" + SITE, "FILE:1: unknown key 'jobs'"),
    ("[defaults]\nmax_page = 3\n" + SITE,
     "FILE:2: [defaults]: unknown key 'max_page' (did you mean 'max_pages'?)"),
    ("[defaults]\nname = 'everyday'\n" + SITE, "FILE:2: [defaults]: unknown key 'name'"),
    (SITE + TINY + "recheck = 2\n",
     "FILE:5: site 2 (sites/tiny.toml): unknown key 'recheck' (did you mean 'recheck_days'?)"),
    ("[[sites]]\nout = 'x'\n",
     "FILE:1: site 1: give one of 'name' (a built-in site), 'site_file' or 'url'"),
    ("[[sites]]\nname = 3\n", "FILE:2: site 1: 'name' must be a non-empty string, not 3"),
    ("[[sites]]\nname = ''\n", "FILE:2: site 1: 'name' must be a non-empty string, not \"\""),
    ("[[sites]]\nname = 'everyda'\n",
     "FILE:2: site 1 (everyda): unknown site 'everyda' (built-in sites: everyday)"),
    ("[[sites]]\nname = 'everyday'\ntimezone = 'UTC'\n",
     "FILE:3: site 1 (everyday): 'timezone' does not go with 'name'"),
    ("[[sites]]\nname = 'everyday'\nsite = 'everyday'\n",
     "FILE:3: site 1 (everyday): 'site' does not go with 'name'"),
    ("[[sites]]\nsite_file = 'sites/none.toml'\n",
     "FILE:2: site 1 (sites/none.toml): cannot read site file {folder}/sites/none.toml: "
     "[Errno 2] No such file or directory: '{folder}/sites/none.toml'"),
    ("[[sites]]\nsite_file = 'sites/tiny.toml'\nname = 'mine'\n",
     "FILE:3: site 1 (mine): 'name' does not go with 'site_file'"),
    ("[[sites]]\nsite_file = 'sites/tiny.toml'\ntimezone = 'UTC'\n",
     "FILE:3: site 1 (sites/tiny.toml): 'timezone' does not go with 'site_file'"),
    ("[[sites]]\nsite_file = 'sites/tiny.toml'\nurl = 'ftp://x/'\n",
     "FILE:3: site 1 (sites/tiny.toml): 'url': not a valid http(s) URL: 'ftp://x/'"),
    ("[[sites]]\nurl = 'https://news.example.kg/'\n",
     "FILE:2: site 1 (https://news.example.kg/): a site by its URL needs 'timezone', the IANA "
     'zone its pages write times in (e.g. "Asia/Tashkent")'),
    ("[[sites]]\nurl = 'https://news.example.kg/'\ntimezone = 'Asia/Bishkeq'\n",
     "FILE:3: site 1 (https://news.example.kg/): 'timezone' must be an IANA time zone such as "
     '"Asia/Tashkent", not "Asia/Bishkeq"'),
    ("[[sites]]\nurl = 'https://news example/'\ntimezone = 'UTC'\n",
     "FILE:2: site 1 (https://news example/): 'url': not a valid URL: 'https://news example/' "
     "(a space or control character; write %20)"),
    ("[[sites]]\nurl = 'https://news.example/'\ntimezone = 'UTC'\nname = 'News'\n",
     "FILE:4: site 1 (News): site name 'News' must be lower-case letters, digits, - or _"),
    ("[[sites]]\nurl = 'http://127.0.0.1:8765/'\nsite = 'nope'\n",
     "FILE:3: site 1 (http://127.0.0.1:8765/): unknown site 'nope' (built-in sites: everyday)"),
    ("[[sites]]\nurl = 'http://127.0.0.1:8765/'\nsite = 'everyday'\ntimezone = 'UTC'\n",
     "FILE:4: site 1 (http://127.0.0.1:8765/): 'timezone' does not go with 'site'"),
    (SITE + SITE, "FILE:3: site 2 (everyday): the same archive folder as site 1 "
     "({folder}/archive/everyday); give it another 'out', or (a site by its URL) another 'name'"),
    ("[defaults]\nout = 3\n" + SITE, "FILE:2: [defaults]: 'out' must be a non-empty string, not 3"),
    ("[defaults]\nstore = 'sqlite:///x'\n" + SITE,
     "FILE:2: [defaults]: 'store' must be a postgresql:// URL (leave it out for a state.sqlite3 "
     "in each site's folder)"),
    ("[defaults]\ndelay = -1\n" + SITE,
     "FILE:2: [defaults]: 'delay' must be a number of seconds, 0 or more, not -1"),
    ("[defaults]\ndelay = '2s'\n" + SITE,
     "FILE:2: [defaults]: 'delay' must be a number of seconds, 0 or more, not \"2s\""),
    (SITE + "concurrency = 0\n",
     "FILE:3: site 1 (everyday): 'concurrency' must be a whole number, 1 or more, not 0"),
    (SITE + "autothrottle = 'off'\n",
     "FILE:3: site 1 (everyday): 'autothrottle' must be true or false, not \"off\""),
    (SITE + "recheck_days = -1\n",
     "FILE:3: site 1 (everyday): 'recheck_days' must be a whole number, 0 or more, not -1"),
    (SITE + "max_pages = true\n",
     "FILE:3: site 1 (everyday): 'max_pages' must be a whole number, 0 or more, not true"),
    (SITE + "max_articles = 2.5\n",
     "FILE:3: site 1 (everyday): 'max_articles' must be a whole number, 0 or more, not 2.5"),
    (SITE + "since = '2025-13-01'\n",
     "FILE:3: site 1 (everyday): 'since' must be a date such as 2025-12-01, not \"2025-13-01\""),
    (SITE + "since = 2025-12-01T10:00:00\n",
     "FILE:3: site 1 (everyday): 'since' must be a date such as 2025-12-01, not "
     "2025-12-01T10:00:00"),
    (SITE + "max_missing_percent = 120\n",
     "FILE:3: site 1 (everyday): 'max_missing_percent' must be a number from 0 to 100, not 120"),
    (SITE + "warc = 'no'\n", "FILE:3: site 1 (everyday): 'warc' must be true or false, not \"no\""),
    (SITE + "compress = 1\n", "FILE:3: site 1 (everyday): 'compress' must be true or false, not 1"),
    (SITE + "resume = []\n",
     "FILE:3: site 1 (everyday): 'resume' must be true or false, not a list"),
    (SITE + "verbose = {}\n",
     "FILE:3: site 1 (everyday): 'verbose' must be true or false, not a table"),
    ("[defaults]\nround = '1h30m'\n" + SITE,
     "FILE:2: [defaults]: 'round' must be a length such as \"15m\", \"1h\" or \"1d\", not "
     '"1h30m"'),
    (SITE + "round = 60\n",
     "FILE:3: site 1 (everyday): 'round' must be a length such as \"15m\", \"1h\" or \"1d\", "
     "not 60"),
    (SITE + "settings = 'LOG_LEVEL=INFO'\n",
     "FILE:3: site 1 (everyday): 'settings' must be a table of Scrapy settings"),
    (SITE + "[sites.settings]\nLOG_LEVEL = 'INFO'\nDOWNLOAD_DELAY = 2\n",
     "FILE:5: site 1 (everyday): settings.DOWNLOAD_DELAY: write 'delay' instead"),
    ("[defaults]\nsettings = { NEWSARCHIVE_STORE = 'x' }\n" + SITE,
     "FILE:2: [defaults]: settings.NEWSARCHIVE_STORE: write 'store' instead"),
    ("[defaults.settings]\nJOBDIR = 'job'\n" + SITE,
     "FILE:2: [defaults]: settings.JOBDIR: write 'resume' instead"),
    (SITE + "settings.NEWSARCHIVE_RUN_ID = 'x'\n",
     "FILE:3: site 1 (everyday): settings.NEWSARCHIVE_RUN_ID: crawl --all gives each run its own"),
    (SITE + "settings = { ITEM_PIPELINES = {} }\n",
     "FILE:3: site 1 (everyday): settings.ITEM_PIPELINES must be a string, a number or "
     "true/false, not a table"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), ERRORS, ids=[m for _, m in ERRORS])
def test_each_mistake_is_one_line_naming_file_line_site_and_key(
    folder: Path, text: str, message: str
) -> None:
    assert _error(folder, text) == message.format(folder=folder)


def test_a_file_that_is_not_a_configuration(folder: Path) -> None:
    assert _error(folder, "[[sites]\nname = 1\n") == (
        "FILE: not valid TOML: Expected ']]' at the end of an array declaration "
        "(at line 1, column 8)"
    )
    (folder / "newsarchive.toml").write_bytes(b'[[sites]]\nname = "\xff"\n')
    with pytest.raises(UsageError, match=r"newsarchive.toml: not UTF-8 text$"):
        load_config(folder / "newsarchive.toml")
    with pytest.raises(UsageError) as raised:
        load_config(folder / "missing.toml")
    assert str(raised.value) == (
        f"{folder}/missing.toml: no such configuration file (give one with --config FILE)"
    )
    with pytest.raises(UsageError) as raised:
        load_config(folder / "sites")
    assert str(raised.value) == f"{folder}/sites: cannot read it (Is a directory)"
