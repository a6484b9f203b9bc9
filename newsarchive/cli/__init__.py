"""The ``newsarchive`` command: crawl a site into the archive, list sites, run the demo.

Exit status (see ``newsarchive.health``): 0 a healthy run; 1 the crawl failed, or the archive
could not be written (disk full); 2 bad input (site, URL, option, site file, output folder, an
archive written by a newer newsarchive); 3 no listing page could be fetched; 4 pages that should
hold articles yielded none; 5 another run is writing the same site's archive; 6 a required field
was empty on too many articles; 7 records failed the schema and were quarantined; 8 the site
was crawled in this round already; 9 a crawl with workers lost its shared frontier (Redis).

This module assembles the top-level parser and turns the errors every command may raise into
their one line and exit status; each command (``crawl``, ``worker``, ``sites``, ``validate``,
``stats``, ``report``, ``reparse``, ``import`` (module ``importing``), ``store``, ``demo``) is a
module of this package that defines its subparser and its ``run``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from newsarchive.archive import ArchiveBusyError
from newsarchive.archive.store import StoreError, StoreUnreachableError
from newsarchive.cli import (
    crawl,
    demo,
    importing,
    reparse,
    report,
    sites,
    stats,
    store,
    validate,
    worker,
)
from newsarchive.cli.common import UsageError
from newsarchive.cli.runner import CrawlOptions
from newsarchive.health import EXIT_BUSY, EXIT_FAILED, EXIT_UNREACHABLE, EXIT_USAGE

__all__ = ["CrawlOptions", "UsageError", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    # Each command's subparser sets its module's run function as the default of 'run'.
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except UsageError as error:
        print(f"newsarchive: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ArchiveBusyError as error:
        print(f"newsarchive: {error}; try again when it has finished", file=sys.stderr)
        return EXIT_BUSY
    except StoreError as error:  # the store's server, outside a crawl (which reports its own)
        print(f"newsarchive: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE if isinstance(error, StoreUnreachableError) else EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="newsarchive",
        description="Crawl Russian-language news sites into a deduplicated JSON Lines archive.",
        epilog="Run 'newsarchive COMMAND --help' for a command's options.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # In this order in 'newsarchive --help'.
    for command in (
        crawl, worker, sites, validate, stats, report, reparse, importing, store, demo
    ):
        command.add_parser(commands)
    return parser


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One clear line and status 2, as for every other bad input; --help shows the rest.
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
