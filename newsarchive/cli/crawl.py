"""``newsarchive crawl``: its options, and how they become the site and options of a run.

The target is a built-in site's name, a URL of one, or the URL of any news site (read by
discovery and the generic extractor); ``--site`` and ``--site-file`` name the description to
read a URL's pages with. Everything the person typed is checked here, so that a bad URL, site,
option or output folder is one line and exit status 2 before Scrapy starts.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
from datetime import date
from urllib.parse import urlsplit

from newsarchive.cli.common import (
    UsageError,
    add_output_options,
    output_folder,
    setting,
    whole_number,
)
from newsarchive.cli.runner import CrawlOptions, run_crawl
from newsarchive.sites import (
    Site,
    SiteError,
    available_sites,
    generic_site,
    load_site,
    load_site_file,
)

# A scheme and a colon not followed by a port: 'htp:/x', 'mailto:a@b.c' ('host:8080/' is a host).
_SCHEME_WITHOUT_SLASHES = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\d)")
# A host name: labels of letters (any script), digits, '-' and '_' between single dots.
_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)*\.?")


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
        "-s",
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any Scrapy setting, as 'scrapy crawl -s' takes",
    )
    crawl.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    return run_crawl(_crawl_options(args))


def _crawl_options(args: argparse.Namespace) -> CrawlOptions:
    site = _resolve_site(args)
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
    for name in available_sites():
        site = load_site(name)
        if site.serves(url):
            return site
    return None


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
