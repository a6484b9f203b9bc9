"""``newsarchive store copy SRC DST``: move an archive's memory between SQLite and PostgreSQL.

SRC and DST are each a ``postgresql://`` URL or an archive folder (its sites' ``state.sqlite3``
files). Every site of SRC is copied, or those named with ``--site``; each line names a site and
its rows by table, counted again on both sides. Exit status: 0 copied, 1 a copy that did not
add up, 2 bad input (a destination that already holds the site, without ``--replace``), 3 a
store that does not answer, 5 a run writing the site.
"""

from __future__ import annotations

import argparse
import os
import sys

from newsarchive.cli.common import UsageError
from newsarchive.health import EXIT_FAILED, EXIT_OK, EXIT_UNREACHABLE

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    store = commands.add_parser(
        "store",
        help="copy an archive's store between SQLite and PostgreSQL",
        description="Work on the store that remembers what is archived.",
    )
    actions = store.add_subparsers(dest="action", required=True, metavar="ACTION")
    copy = actions.add_parser(
        "copy",
        help="copy every site's store from SRC to DST, counts checked",
        description="Copy the store of every site of SRC (or of --site) to DST. SRC and DST are "
        "each a postgresql:// URL or an archive folder (its <site>/state.sqlite3 files); "
        "'env' takes the URL from NEWSARCHIVE_STORE, so a password stays out of the command "
        "line. Each site is copied under its lock and counted again on both sides.",
    )
    copy.add_argument("source", metavar="SRC", help="postgresql:// URL, archive folder or env")
    copy.add_argument("destination", metavar="DST", help="the same kinds as SRC")
    copy.add_argument(
        "--site", action="append", default=[], metavar="NAME", help="only this site (repeatable)"
    )
    copy.add_argument(
        "--replace",
        action="store_true",
        help="overwrite what DST holds of a site (by default such a site is refused)",
    )
    copy.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsarchive.archive.copy import CopyError, CopyMismatchError, copy_store, store_sites
    from newsarchive.archive.store import StoreError

    source, destination = _endpoint(args.source), _endpoint(args.destination)
    try:
        available = store_sites(source)
        sites = args.site or available
        missing = sorted(set(sites) - set(available))
        if missing:
            raise UsageError(f"{_shown(source)} holds no store of site {', '.join(missing)}")
        if not sites:
            raise UsageError(f"{_shown(source)} holds no store to copy")
        for site in sites:
            try:
                copied = copy_store(source, destination, site, replace=args.replace)
            except CopyMismatchError as error:
                print(f"newsarchive: {error}", file=sys.stderr)
                return EXIT_FAILED
            counts = ", ".join(f"{count} {table}" for table, count in copied.counts.items())
            print(f"{site}: copied and counted on both sides: {counts}")
    except CopyError as error:
        raise UsageError(str(error)) from None
    except StoreError as error:  # the server does not answer, or fails under the copy
        print(f"newsarchive: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    return EXIT_OK


def _endpoint(text: str) -> str:
    if text != "env":
        return text
    url = os.environ.get("NEWSARCHIVE_STORE", "")
    if not url:
        raise UsageError("'env' names the store in NEWSARCHIVE_STORE, which is not set")
    return url


def _shown(endpoint: str) -> str:
    """An endpoint as messages show it: a URL without its password."""
    from newsarchive.archive.lock import is_postgres

    if is_postgres(endpoint):
        from newsarchive.archive.pgstore import where

        return f"the store at {where(endpoint)}"
    return endpoint
