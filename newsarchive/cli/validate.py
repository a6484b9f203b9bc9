"""``newsarchive validate``: check archive files line by line against the record schemas,
and that they agree as one archive.

The command's options only; the checking is ``newsarchive.validate.validate_main``.
"""

from __future__ import annotations

import argparse


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = commands.add_parser(
        "validate",
        help="check archive files line by line against the record schemas",
        description="Check archive files (plain or .gz; folders are searched) against the "
        "record schemas, and that they agree as one archive, however many folders hold it: an "
        "article version (id, version) or a run found twice must have one content. Prints "
        "FILE:LINE: REASON for each bad line and each conflict (naming the other line) and a "
        "summary; exit status 0 only when every line is valid and none conflicts, 1 otherwise, "
        "2 when no archive file is found.",
    )
    validate.add_argument(
        "paths", nargs="+", metavar="PATH", help="archive file or folder; several are one archive"
    )
    validate.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsarchive.validate import validate_main

    return validate_main(args.paths)
