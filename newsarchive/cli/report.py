"""``newsarchive report``: write a self-contained HTML page about an archive.

The command's options only; the page is built by ``newsarchive.analysis.report_main``.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = commands.add_parser(
        "report",
        help="write a self-contained HTML report of an archive",
        description="One HTML page with the stats, articles per day per site and each "
        "currency's rate over time. Several paths are one archive, as for stats.",
    )
    report.add_argument(
        "paths", nargs="+", metavar="PATH", help="archive file or folder; several are one archive"
    )
    report.add_argument(
        "--out",
        type=Path,
        default=Path("report.html"),
        metavar="FILE",
        help="where to write the page (default: report.html)",
    )
    report.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsarchive.analysis import report_main

    return report_main(args.paths, args.out)
