"""``newsarchive import``: build an archive from WARC files another crawler wrote.

The files are read by the ``warc-import`` spider (``newsarchive.spiders.warc``) in a run like a
crawl's: the same pipelines, deduplication, run record, summary and exit statuses.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsarchive.cli.common import UsageError, add_output_options, output_folder, setting
from newsarchive.cli.runner import CrawlOptions, run_crawl
from newsarchive.sites import Site, SiteError, generic_site, load_site, load_site_file

__all__ = ["add_parser", "run"]

# The name a generic import's archive folder gets when none is given.
DEFAULT_NAME = "imported"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importing = commands.add_parser(
        "import",
        help="build an archive from WARC files another crawler wrote",
        description="Read WARC files (wget --warc-file, Common Crawl's CC-NEWS, Browsertrix, "
        "Heritrix, or newsarchive's own) and archive their article pages and rate widgets as a "
        "crawl would: through a site's parsers (--site) or the generic extractor (--generic). "
        "Files are streamed; records that are not HTML pages with status 200 are skipped and "
        "counted by reason; an unreadable record is reported with its file and offset and "
        "reading goes on.",
    )
    importing.add_argument("warcs", nargs="+", type=Path, metavar="WARC", help="WARC file")
    which = importing.add_mutually_exclusive_group(required=True)
    which.add_argument("--site", metavar="NAME", help="read the pages as this built-in site")
    which.add_argument("--site-file", type=Path, metavar="PATH", help="... or this site file")
    which.add_argument(
        "--generic",
        action="store_true",
        help="judge every page by what it holds, as a crawl of a URL does",
    )
    importing.add_argument(
        "--host",
        metavar="URL",
        help="with --site: the address the site's pages have in the files, when it is not "
        "the site's own (a mirror or a local copy)",
    )
    importing.add_argument(
        "--name",
        default=DEFAULT_NAME,
        help=f"with --generic: the archive's site name (default: {DEFAULT_NAME})",
    )
    importing.add_argument(
        "--tz",
        default="UTC",
        metavar="ZONE",
        help="with --generic: the sites' time zone, for dates printed without one (default: UTC)",
    )
    add_output_options(importing)
    importing.add_argument(
        "-s",
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any Scrapy or newsarchive setting, as 'scrapy crawl -s' takes",
    )
    importing.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    missing = [str(path) for path in args.warcs if not path.is_file()]
    if missing:
        raise UsageError(f"no such WARC file: {', '.join(missing)}")
    return run_crawl(
        CrawlOptions(
            site=_site(args),
            out=output_folder(args.out),
            max_pages=0,
            max_articles=0,
            since=None,
            settings=dict(setting(pair) for pair in args.settings),
            verbose=args.verbose,
            warc=False,  # the files imported are the evidence; the records point into them
            imports=tuple(args.warcs),
        )
    )


def _site(args: argparse.Namespace) -> Site:
    try:
        if args.generic:
            return generic_site(f"https://{args.name}.invalid/", name=args.name, timezone=args.tz)
        site = load_site_file(args.site_file) if args.site_file else load_site(args.site)
        return site.on_host(args.host) if args.host else site
    except SiteError as error:
        raise UsageError(str(error)) from None
