"""``newsarchive crawl``: its options, and how they become the site and options of a run.

The target is a built-in site's name, a URL of one, or the URL of any news site (read by
discovery and the generic extractor); ``--site`` and ``--site-file`` name the description to
read a URL's pages with. Everything the person typed is checked here, so that a bad URL, site,
option or output folder is one line and exit status 2 before Scrapy starts.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from newsarchive.archive import lock
from newsarchive.cli.common import (
    UsageError,
    add_output_options,
    output_folder,
    setting,
    whole_number,
)
from newsarchive.cli.runner import CrawlOptions, run_crawl
from newsarchive.cli.targets import resolve_site


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    crawl = commands.add_parser(
        "crawl",
        help="crawl a site and add what is new to the archive",
        description=(
            "Crawl a news site's listing pages and articles and append what is new to the "
            "archive. SITE_OR_URL is a built-in site name (see 'newsarchive sites'), a URL of "
            "one, or the URL of any news site: without a site description, its articles are "
            "found through robots.txt sitemaps, RSS/Atom feeds and listing pages, and read by "
            "the generic extractor."
        ),
        epilog=(
            "examples:\n"
            "  newsarchive crawl everyday\n"
            "  newsarchive crawl https://everyday.uz/ --max-pages 3 --out /data/news\n"
            "  newsarchive crawl http://127.0.0.1:8765/ --site everyday   # a copy of a site\n"
            "  newsarchive crawl --site-file mysite.toml --since 2025-12-01\n"
            "  newsarchive crawl https://news.example.kg/ --tz Asia/Bishkek   # any site\n"
            "exit status: 0 healthy run; 1 crawl failed, or the archive could not be written\n"
            "(disk full); 2 bad input (site, URL, option, site file, output folder, an archive\n"
            "of a newer newsarchive); 3 no listing page could be fetched; 4 listing or article\n"
            "pages yielded nothing (markup changed?); 5 another run holds this archive; 6 title,\n"
            "body or published_at empty on more than --max-missing percent of articles;\n"
            "7 records failed the schema (quarantined); 8 a run that started at or after\n"
            "--round-start has finished the site already (on any machine sharing the store);\n"
            "9 with --workers: the shared frontier (Redis) went away mid-crawl (what was\n"
            "archived is kept; the same command goes on once Redis is back)"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_crawl_arguments(crawl)
    add_frontier_options(crawl, "split the crawl over N worker processes on this machine")
    every = crawl.add_argument_group(
        "every site of a configuration",
        "crawl --all crawls each site of the configuration in a process of its own, with the "
        "options the configuration gives it; 'newsarchive sites --config FILE' lists them. "
        "Exit status: 0 when every site was healthy, or skipped as busy (another run holds it) "
        "or done (a run of this round finished it, on any machine); else the status of the "
        "first site, in the configuration's order, that was not (1 for one killed); 128 plus "
        "the signal's number when SIGINT or SIGTERM stopped it",
    )
    every.add_argument(
        "--all",
        action="store_true",
        help="crawl every site of the configuration, each in its own process",
    )
    every.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the configuration (default: ./newsarchive.toml)",
    )
    every.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        help=f"crawl N sites at a time (default: {default_jobs()}, two a processor)",
    )
    every.add_argument(
        "--round",
        metavar="LENGTH",
        help="crawl each site at most once a round (15m, 1h, 1d; counted from the Unix epoch) "
        "across every machine sharing the store; instead of the configuration's 'round'",
    )
    # What --all refuses, because the configuration says it: every option of a single crawl.
    single = {
        action.dest: (action.option_strings[0] if action.option_strings else "SITE_OR_URL",
                      action.default)
        for action in crawl._actions
        if action.dest not in ("help", "all", "config", "jobs", "round", "round_start", "redis")
    }  # fmt: skip
    crawl.set_defaults(run=run, single_site_options=single)


def add_crawl_arguments(crawl: argparse.ArgumentParser) -> None:
    """The options of one site's crawl, which ``worker`` takes as well."""
    crawl.add_argument(
        "target", nargs="?", metavar="SITE_OR_URL", help="built-in site name, or a start URL"
    )
    crawl.add_argument(
        "--site", metavar="NAME", help="read the URL's pages with this built-in site's description"
    )
    crawl.add_argument("--site-file", metavar="PATH", help="a site description of your own (TOML)")
    crawl.add_argument(
        "--tz",
        default="UTC",
        metavar="ZONE",
        help="a site without a description: the IANA time zone its pages write times in "
        "(default UTC), e.g. Asia/Tashkent",
    )
    crawl.add_argument(
        "--name",
        metavar="NAME",
        help="a site without a description: its name in the archive (default: from the host)",
    )
    add_output_options(crawl)
    crawl.add_argument(
        "--max-pages",
        type=whole_number,
        default=0,
        metavar="N",
        help="follow at most N listing pages (default: all)",
    )
    crawl.add_argument(
        "--max-articles",
        type=whole_number,
        default=0,
        metavar="N",
        help="fetch at most N article pages (default: all)",
    )
    crawl.add_argument(
        "--since",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="stop paginating once a whole listing page is older than this day",
    )
    crawl.add_argument(
        "--recheck-days",
        type=whole_number,
        metavar="N",
        help="re-fetch archived articles still on the listing pages when their last fetch is N "
        "or more days old, archiving edits as new versions (default: never; 0: every run)",
    )
    crawl.add_argument(
        "--compress",
        action="store_true",
        help="write the archive files gzipped (*.jsonl.gz); every reader takes both",
    )
    crawl.add_argument(
        "--store",
        default=os.environ.get("NEWSARCHIVE_STORE") or None,
        metavar="URL",
        help="where the archive remembers what it holds: postgresql://user@host/db shares it "
        "between machines (the postgresql extra; NEWSARCHIVE_STORE in the environment works "
        "too, so a password never sits in a crontab line); default: state.sqlite3 in the "
        "site's folder",
    )
    crawl.add_argument(
        "--no-warc",
        dest="warc",
        action="store_false",
        help="keep no WARC copy of the pages (by default every response is kept as received "
        "in <out>/<site>/warc/, and each article record points at its page)",
    )
    crawl.add_argument(
        "--resume",
        action="store_true",
        help="keep the crawl's queue in the archive (Scrapy's JOBDIR) so that an interrupted "
        "crawl, run again with --resume, continues where it stopped",
    )
    crawl.add_argument(
        "--max-missing",
        type=_percent,
        default=20.0,
        metavar="PERCENT",
        help="exit with status 6 when title, body or published_at is empty on more than this "
        "share of articles (default: 20)",
    )
    crawl.add_argument(
        "--round-start",
        type=_instant,
        metavar="ISO8601",
        help="the start of the scheduled round this run belongs to (e.g. 2026-12-07T13:00Z): "
        "once it holds the site's lock, exit 8 and crawl nothing when a run of the site that "
        "started since then has finished, on any machine sharing the store; with --all, "
        "every site's round",
    )
    crawl.add_argument(
        "-s",
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any Scrapy setting, as 'scrapy crawl -s' takes",
    )


def run(args: argparse.Namespace) -> int:
    if args.all:
        return _crawl_all(args)
    for option in ("config", "jobs", "round"):
        if getattr(args, option) is not None:
            raise UsageError(f"--{option} goes with --all")
    if args.workers is not None:
        return crawl_with_workers(args)
    return run_crawl(crawl_options(args))


def add_frontier_options(parser: argparse.ArgumentParser, workers_help: str) -> None:
    """``--workers`` and ``--redis``, as ``crawl`` and ``worker`` take them."""
    group = parser.add_argument_group(
        "one site over many workers",
        "The crawl's queue and duplicate filter live in Redis (scrapy-redis), shared by every "
        "worker process, on this machine or others ('newsarchive worker'); the store must be "
        "PostgreSQL (--store postgresql://...), which every worker writes to. The site's "
        "politeness is shared too: all workers together send it no more than one crawl would, "
        "unless its limits are raised (-s CONCURRENT_REQUESTS_PER_DOMAIN=16 -s DOWNLOAD_DELAY=0).",
    )
    group.add_argument("--workers", type=_jobs, metavar="N", help=workers_help)
    group.add_argument(
        "--redis",
        default=os.environ.get("NEWSARCHIVE_REDIS") or None,
        metavar="URL",
        help="the Redis server of the shared frontier, redis://host:6379/0 (NEWSARCHIVE_REDIS "
        "in the environment works too)",
    )


def frontier_url(args: argparse.Namespace) -> str:
    """The checked --redis of a crawl with workers (with the PostgreSQL store it needs)."""
    if not args.redis:
        raise UsageError(
            "a crawl with workers needs --redis redis://host:6379/0 (or NEWSARCHIVE_REDIS)"
        )
    if not str(args.redis).startswith(("redis://", "rediss://", "unix://")):
        raise UsageError(f"--redis {args.redis!r}: not a redis://, rediss:// or unix:// URL")
    if not lock.is_postgres(args.store):
        raise UsageError(
            "a crawl with workers needs a PostgreSQL store that every worker writes to: "
            "--store postgresql://user@host/db (or NEWSARCHIVE_STORE)"
        )
    try:
        import scrapy_redis  # noqa: F401  (the optional extra)
    except ImportError:
        raise UsageError(
            "a crawl with workers needs scrapy-redis: pip install 'newsarchive[redis]'"
        ) from None
    return str(args.redis)


def crawl_with_workers(args: argparse.Namespace) -> int:
    from newsarchive.frontier.coordinator import crawl_with_workers as coordinate

    redis = frontier_url(args)
    options = crawl_options(args)
    if options.max_pages or options.max_articles:
        raise UsageError(
            "--max-pages and --max-articles do not go with --workers yet: each worker would "
            "count its own pages"
        )
    if options.resume:
        raise UsageError(
            "--resume does not go with --workers: the frontier in Redis is the "
            "crawl's queue, and an interrupted crawl with workers goes on by itself"
        )
    return coordinate(options, args.workers, redis)


def default_jobs() -> int:
    """How many sites ``crawl --all`` crawls at a time unless told: two a processor this
    process may use. A crawl waits for the network most of its time (for politeness, most of
    all), and its processor time is mostly its start-up: benchmarks/fleet.py crawled 50 sites
    on 2 processors 3.2 times as fast as one by one with 4 at a time, 4.0 with 8. Twice the
    processors, not more: each crawl process holds about 90 MB."""
    return 2 * len(os.sched_getaffinity(0))


def _crawl_all(args: argparse.Namespace) -> int:
    # Here, not at the top: the configuration builds on this package (its usage error, the
    # crawl's options and site arguments), whose __init__ imports this module first.
    from newsarchive.config import DEFAULT_CONFIG, load_config, parse_round
    from newsarchive.fleet import crawl_all

    if args.target is not None:
        raise UsageError(f"{args.target!r}: --all crawls the sites of the configuration, no other")
    for dest, (option, default) in args.single_site_options.items():
        if getattr(args, dest) != default:
            raise UsageError(
                f"{option} does not go with --all: the configuration gives each site its "
                "options ([defaults], or the site's [[sites]] entry)"
            )
    if args.round is not None and args.round_start is not None:
        raise UsageError("give --round or --round-start, not both")
    config = load_config(args.config or DEFAULT_CONFIG)
    sites = config.sites
    if args.round is not None:
        try:
            seconds = parse_round(args.round)
        except ValueError as error:
            raise UsageError(f"--round: {error}") from None
        sites = tuple(replace(site, round_seconds=seconds) for site in sites)
    for out in dict.fromkeys(site.options.out for site in sites):
        output_folder(out)
    return crawl_all(sites, jobs=args.jobs or default_jobs(), round_started=args.round_start)


def crawl_options(args: argparse.Namespace) -> CrawlOptions:
    """What ``crawl`` (and ``worker``, which takes the same options) resolved from its
    arguments."""
    site = resolve_site(
        args.target, site=args.site, site_file=args.site_file, timezone=args.tz, name=args.name
    )
    return CrawlOptions(
        site=site,
        out=output_folder(args.out),
        max_pages=args.max_pages,
        max_articles=args.max_articles,
        since=args.since,
        settings=dict(setting(pair) for pair in args.settings),
        verbose=args.verbose,
        recheck_days=-1 if args.recheck_days is None else args.recheck_days,
        resume=args.resume,
        compress=args.compress,
        warc=args.warc,
        store=args.store,
        round_start=args.round_start,
        max_missing_percent=args.max_missing,
    )


def _jobs(text: str) -> int:
    jobs = whole_number(text)
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return jobs


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 100")
    return value


def _instant(text: str) -> datetime:
    """An ISO 8601 moment with its UTC offset: a round's start must mean one instant.

    >>> _instant("2026-12-07T13:00Z").isoformat()
    '2026-12-07T13:00:00+00:00'
    >>> _instant("2026-12-07T13:00")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: '2026-12-07T13:00' gives no UTC offset (add Z, or +05:00)
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 moment like 2026-12-07T13:00Z"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} gives no UTC offset (add Z, or +05:00)")
    return moment


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-12-01") from None
