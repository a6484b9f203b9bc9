"""``newsarchive stats``: what an archive holds, per site, as text or as one JSON document.

The command's options only; the counting is ``newsarchive.analysis.stats_main``.
"""

from __future__ import annotations

import argparse


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stats = commands.add_parser(
        "stats",
        help="what an archive holds, per site",
        description="Articles, dates, field coverage, rate rows and runs per site. Several "
        "paths are one archive: a site in several folders (one per machine, say) is one site, "
        "and a record found in two of them is counted once.",
    )
    stats.add_argument(
        "paths", nargs="+", metavar="PATH", help="archive file or folder; several are one archive"
    )
    stats.add_argument("--json", action="store_true", help="one JSON document, for machines")
    stats.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsarchive.analysis import stats_main

    return stats_main(args.paths, as_json=args.json)
