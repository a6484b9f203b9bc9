"""The ``newsarchive`` command: crawl a site into the archive, list sites, run the demo.

Exit status (see ``newsarchive.health``): 0 a healthy run; 1 the crawl failed, or the archive
could not be written (disk full); 2 bad input (site, URL, option, site file, output folder, an
archive written by a newer newsarchive); 3 no listing page could be fetched; 4 pages that should
hold articles yielded none; 5 another run is writing the same site's archive; 6 a required field
was empty on too many articles; 7 records failed the schema and were quarantined.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

from newsarchive.archive import (
    ArchiveBusyError,
    ArchiveWriteError,
    lock,
    newer_schema_message,
    newer_schema_version,
)
from newsarchive.health import EXIT_BUSY, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from newsarchive.sites import (
    Site,
    SiteError,
    available_sites,
    generic_site,
    load_site,
    load_site_file,
)

if TYPE_CHECKING:
    from scrapy.settings import Settings


# Scrapy's start-up chatter (enabled middlewares, overridden settings, the stats dump) is for
# people debugging Scrapy; an analyst sees our progress lines, warnings and the summary.
_CHATTY_LOGGERS = ("scrapy", "twisted", "py.warnings")
# A scheme and a colon not followed by a port: 'htp:/x', 'mailto:a@b.c' ('host:8080/' is a host).
_SCHEME_WITHOUT_SLASHES = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\d)")
# A host name: labels of letters (any script), digits, '-' and '_' between single dots.
_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)*\.?")


class UsageError(Exception):
    """Bad input from the person running the command; the message is the one line shown."""


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    site: Site
    out: Path
    max_pages: int
    max_articles: int
    since: date | None
    settings: dict[str, str]
    verbose: bool
    recheck_days: int = -1
    resume: bool = False
    compress: bool = False
    max_missing_percent: float = 20.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "sites":
            return _list_sites()
        if args.command == "demo":
            return _demo(args)
        if args.command == "validate":
            from newsarchive.validate import validate_main

            return validate_main(args.paths)
        if args.command == "stats":
            from newsarchive.analysis import stats_main

            return stats_main(args.paths, as_json=args.json)
        if args.command == "report":
            from newsarchive.analysis import report_main

            return report_main(args.paths, args.out)
        return _run_crawl(_crawl_options(args))
    except UsageError as error:
        print(f"newsarchive: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ArchiveBusyError as error:
        print(f"newsarchive: {error}; try again when it has finished", file=sys.stderr)
        return EXIT_BUSY


def _parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="newsarchive",
        description="Crawl Russian-language news sites into a deduplicated JSON Lines archive.",
        epilog="Run 'newsarchive COMMAND --help' for a command's options.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

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
            "7 records failed the schema (quarantined)"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
    _add_output_options(crawl)
    crawl.add_argument(
        "--max-pages",
        type=_count,
        default=0,
        metavar="N",
        help="follow at most N listing pages (default: all)",
    )
    crawl.add_argument(
        "--max-articles",
        type=_count,
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
        type=_count,
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
        "-s",
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any Scrapy setting, as 'scrapy crawl -s' takes",
    )

    commands.add_parser("sites", help="list the built-in sites")

    validate = commands.add_parser(
        "validate",
        help="check archive files line by line against the record schemas",
        description="Check archive files (plain or .gz; folders are searched) against the "
        "record schemas. Prints FILE:LINE: REASON for each bad line and a summary; exit status "
        "0 only when every line is valid, 1 otherwise, 2 when no archive file is found.",
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="archive file or folder")

    stats = commands.add_parser(
        "stats",
        help="what an archive holds, per site",
        description="Articles, dates, field coverage, rate rows and runs per site.",
    )
    stats.add_argument("paths", nargs="+", metavar="PATH", help="archive file or folder")
    stats.add_argument("--json", action="store_true", help="one JSON document, for machines")

    report = commands.add_parser(
        "report",
        help="write a self-contained HTML report of an archive",
        description="One HTML page with the stats, articles per day per site and each "
        "currency's rate over time.",
    )
    report.add_argument("paths", nargs="+", metavar="PATH", help="archive file or folder")
    report.add_argument(
        "--out",
        type=Path,
        default=Path("report.html"),
        metavar="FILE",
        help="where to write the page (default: report.html)",
    )

    demo = commands.add_parser(
        "demo",
        help="serve the bundled demo site on 127.0.0.1 and crawl it",
        description="Serve the bundled copy of everyday.uz (fixtures/demo-site) on loopback and "
        "crawl it with the everyday spider into the archive.",
    )
    from newsarchive.demo import DEFAULT_PORT

    demo.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"port for the demo server (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    _add_output_options(demo)
    return parser


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("archive"),
        metavar="DIR",
        help="archive folder (default: ./archive)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's own log too")


def _crawl_options(args: argparse.Namespace) -> CrawlOptions:
    site = _resolve_site(args)
    return CrawlOptions(
        site=site,
        out=_output_folder(args.out),
        max_pages=args.max_pages,
        max_articles=args.max_articles,
        since=args.since,
        settings=dict(_setting(pair) for pair in args.settings),
        verbose=args.verbose,
        recheck_days=-1 if args.recheck_days is None else args.recheck_days,
        resume=args.resume,
        compress=args.compress,
        max_missing_percent=args.max_missing,
    )


def _resolve_site(args: argparse.Namespace) -> Site:
    target, site_name, site_file = args.target, args.site, args.site_file
    try:
        if site_file:
            site = load_site_file(site_file)
        elif site_name:
            site = load_site(site_name)
        elif target is None:
            raise UsageError("name a site or a URL to crawl (see 'newsarchive sites')")
        elif not any(mark in target for mark in ("://", "/", ".")):
            return load_site(target)
        else:
            url = _check_url(target)
            site = _site_for_url(url) or generic_site(url, name=args.name, timezone=args.tz)
        return site.on_host(_check_url(target)) if target else site
    except SiteError as error:
        raise UsageError(str(error)) from None


def _check_url(url: str) -> str:
    if any(char.isspace() or not char.isprintable() for char in url):
        raise UsageError(f"not a valid URL: {url!r} (a space or control character; write %20)")
    if "://" not in url and _SCHEME_WITHOUT_SLASHES.match(url):
        raise UsageError(f"not a valid http(s) URL: {url!r}")
    try:
        parts = urlsplit(url if "://" in url else f"https://{url}")
    except ValueError as error:
        raise UsageError(f"not a valid URL: {url!r} ({error})") from None
    try:
        port = parts.port
    except ValueError:
        raise UsageError(f"not a valid URL: {url!r} (bad port)") from None
    if parts.scheme not in ("http", "https") or not _is_host(parts.hostname or "") or port == 0:
        raise UsageError(f"not a valid http(s) URL: {url!r}")
    return parts.geturl()


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return _HOST.fullmatch(host) is not None
    return True


def _site_for_url(url: str) -> Site | None:
    """The built-in site serving this URL's host, if there is one."""
    host = urlsplit(url).hostname or ""
    for name in available_sites():
        site = load_site(name)
        if any(host == domain or host.endswith("." + domain) for domain in site.allowed_domains):
            return site
    return None


def _output_folder(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise UsageError(f"output folder {path} is a file")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create output folder {path}: {error.strerror}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"output folder {path} is not writable")
    return path


def _run_crawl(options: CrawlOptions) -> int:
    # Scrapy is imported here, not at the top: 'newsarchive sites' and '--help' stay instant.
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from newsarchive import settings as defaults
    from newsarchive.spiders import GenericSpider, NewsSpider

    folder = options.out / options.site.name
    version = newer_schema_version(folder)
    if version is not None:
        raise UsageError(newer_schema_message(folder, version))
    # Taken before anything else, so a second run exits at once and touches nothing.
    try:
        lock.acquire(folder)
    except OSError as error:
        reason = f"{error.filename or folder}: {error.strerror or error}"
        raise UsageError(f"output folder {options.out} is not writable ({reason})") from None
    try:
        settings = Settings()
        settings.setmodule(defaults, priority="project")
        # The site file's [throttle] over our defaults, under anything given with -s.
        settings.setdict(options.site.throttle, priority="spider")
        overrides: dict[str, Any] = {
            "NEWSARCHIVE_DIR": str(options.out),
            "NEWSARCHIVE_MAX_PAGES": options.max_pages,
            "NEWSARCHIVE_MAX_ARTICLES": options.max_articles,
            "NEWSARCHIVE_SINCE": options.since.isoformat() if options.since else "",
            "NEWSARCHIVE_RECHECK_DAYS": options.recheck_days,
            "NEWSARCHIVE_COMPRESS": options.compress,
            "NEWSARCHIVE_MAX_MISSING_SHARE": options.max_missing_percent / 100,
            "LOGSTATS_INTERVAL": 0,
            # Our own log handler, not Scrapy's: Scrapy would reinstall its handler at crawl
            # start and reset logger levels; analysts want warnings and progress, not start-up.
            "LOG_INSTALL_ROOT_HANDLER": False,
            **options.settings,
        }
        jobdir = folder / "job"
        if options.resume:
            overrides["JOBDIR"] = str(jobdir)
        settings.setdict(overrides, priority="cmdline")
        process = CrawlerProcess(settings)
        _install_log_handler(settings, verbose=options.verbose)
        # A described site is walked by its listings; any other by discovery.
        spider = NewsSpider if options.site.article_url is not None else GenericSpider
        crawler = process.create_crawler(spider)
        started = time.monotonic()
        process.crawl(crawler, site=options.site)
        process.start()
    finally:
        lock.release(folder)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if options.resume and stats.get("finish_reason") == "finished":
        # Done: the next --resume run must start from the first page, not from an empty queue.
        shutil.rmtree(jobdir, ignore_errors=True)
    print(_summary(options, stats, time.monotonic() - started))
    write_error = stats.get("newsarchive/write_error")
    if write_error:
        print(
            f"newsarchive: {write_error}; the crawl stopped, and the next run keeps what it wrote",
            file=sys.stderr,
        )
        return EXIT_FAILED
    status = stats.get("newsarchive/exit_status", EXIT_FAILED)
    for reason in stats.get("newsarchive/health_reasons", []):
        print(
            f"newsarchive: unhealthy run of {options.site.start_urls[0]} "
            f"({stats['newsarchive/health']}, exit status {status}): {reason}",
            file=sys.stderr,
        )
    if status == EXIT_FAILED:
        print(
            "newsarchive: the crawl failed before it could finish; see the log above",
            file=sys.stderr,
        )
    return int(status)


def _summary(options: CrawlOptions, stats: dict[str, Any], elapsed: float) -> str:
    from newsarchive.extensions import already_archived, error_count

    errors = {
        key.removeprefix("newsarchive/errors/"): value
        for key, value in sorted(stats.items())
        if key.startswith("newsarchive/errors/")
    }
    error_detail = ", ".join(f"{kind}: {count}" for kind, count in errors.items())
    files = stats.get("newsarchive/files") or []
    already = already_archived(stats)
    suffix = ".jsonl.gz" if options.compress else ".jsonl"
    articles_glob = options.out / options.site.name / "articles" / f"*{suffix}"
    lines = [
        f"newsarchive: crawl of {options.site.name} ({options.site.start_urls[0]}) "
        f"{stats.get('finish_reason', 'ended')} in {elapsed:.1f} s",
        f"  pages fetched      {stats.get('response_received_count', 0)}",
        f"  articles written   {stats.get('newsarchive/articles/new', 0)} new, "
        f"{stats.get('newsarchive/articles/updated', 0)} updated ({already} already archived)",
        f"  rate rows written  {stats.get('newsarchive/rates/new', 0)}",
        f"  errors             {error_count(stats)}" + (f" ({error_detail})" if errors else ""),
        f"  health             {stats.get('newsarchive/health', 'unknown')}",
        *_fill_in_line(stats),
        f"  archive            {options.out / options.site.name}/",
    ]
    lines += [f"    {path}" for path in files]
    lines.append(
        f'  load it with       duckdb -c "SELECT published_at, title FROM '
        f"read_json('{articles_glob}') ORDER BY published_at DESC\""
    )
    return "\n".join(lines)


def _fill_in_line(stats: dict[str, Any]) -> list[str]:
    """Fields the site file's selectors missed and the generic extractor supplied: drift."""
    filled = {
        key.removeprefix("newsarchive/fallback/"): value
        for key, value in sorted(stats.items())
        if key.startswith("newsarchive/fallback/")
    }
    if not filled:
        return []
    counts = ", ".join(f"{name}: {count}" for name, count in filled.items())
    return [f"  generic fill-ins   {counts} (the site file's selectors found nothing)"]


def _demo(args: argparse.Namespace) -> int:
    from newsarchive.demo import DemoServer, default_fixture_root

    try:
        root = default_fixture_root()
    except FileNotFoundError as error:
        raise UsageError(str(error)) from None
    try:
        server = DemoServer(root, port=args.port)
        server.start()
    except OSError as error:
        raise UsageError(error.strerror or str(error)) from None
    print(f"newsarchive: demo site served at {server.url}", flush=True)
    try:
        site = load_site("everyday").on_host(server.url)
        return _run_crawl(
            CrawlOptions(
                site=site,
                out=_output_folder(args.out),
                max_pages=0,
                max_articles=0,
                since=None,
                settings={},
                verbose=args.verbose,
            )
        )
    finally:
        server.stop()


def _list_sites() -> int:
    for name in available_sites():
        site = load_site(name)
        print(f"{name:<12} {site.title:<20} {site.start_urls[0]:<28} {site.timezone}")
    return EXIT_OK


def _install_log_handler(settings: Settings, *, verbose: bool) -> None:
    log_file = settings.get("LOG_FILE")
    handler: logging.Handler
    if log_file:
        mode = "a" if settings.getbool("LOG_FILE_APPEND") else "w"
        handler = logging.FileHandler(log_file, mode=mode, encoding=settings.get("LOG_ENCODING"))
    else:
        handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT"))
    )
    handler.setLevel(settings.get("LOG_LEVEL"))
    if not verbose:
        handler.addFilter(_for_analysts)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(handler.level)
    # Scrapy sets its own logger to DEBUG, so every response and item makes a log record only
    # for the handler to drop it: two records a page, about 2% of a fast crawl's time.
    logging.getLogger("scrapy").setLevel(handler.level)


def _for_analysts(record: logging.LogRecord) -> bool:
    """Drop Scrapy's own chatter below warnings; fold exceptions into one line."""
    if record.levelno < logging.WARNING and record.name.startswith(_CHATTY_LOGGERS):
        return False
    if record.exc_info and isinstance(record.exc_info[1], ArchiveWriteError):
        return False  # the one line the run ends with says it
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
        record.args = ()
        record.exc_info = None
        record.exc_text = None
    return True


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One clear line and status 2, as for every other bad input; --help shows the rest.
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def _port(text: str) -> int:
    value = _count(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return value


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 100")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-12-01") from None


def _setting(pair: str) -> tuple[str, str]:
    name, equals, value = pair.partition("=")
    if not equals or not name.strip():
        raise UsageError(f"-s takes NAME=VALUE, not {pair!r}")
    return name.strip(), value
