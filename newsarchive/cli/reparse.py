"""``newsarchive reparse``: read every archived article again from its stored page.

The work is ``newsarchive.evidence.reparse``; this module resolves the sites, prints the
report and chooses the exit status: 0 when every stored page was read (changed or not), 1 when
some could not be (each named with its file and offset), 2 for bad input, 5 when a crawl is
writing the site.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from newsarchive.cli.common import UsageError, whole_number
from newsarchive.health import EXIT_FAILED, EXIT_OK

__all__ = ["add_parser", "run"]

# Characters of a field's value an example shows, old and new, and how many alike before the
# first difference when a long value is cut to it.
_SHOWN = 60
_CONTEXT = 10


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    reparse = commands.add_parser(
        "reparse",
        help="read every archived article again from its stored page, with today's parsers",
        description="Read the newest version of every archived article again from the WARC "
        "record it was made from (no request to the site), on all cores. A record the current "
        "parsers read the same changes nothing; one they read differently is written as the "
        "article's next version, with reparsed: true and the fields that changed.",
    )
    reparse.add_argument("archive", type=Path, metavar="ARCHIVE", help="the archive folder")
    reparse.add_argument(
        "--site", action="append", default=[], metavar="NAME", help="only this site (repeatable)"
    )
    reparse.add_argument(
        "--dry-run",
        action="store_true",
        help="write nothing: print per site and per field how many records would change, with "
        "examples",
    )
    reparse.add_argument(
        "--site-file",
        type=Path,
        metavar="PATH",
        help="read with this site description instead of the built-in one (a site crawled "
        "with --site-file needs it)",
    )
    reparse.add_argument(
        "--processes",
        type=whole_number,
        default=0,
        metavar="N",
        help="worker processes (default: one per core)",
    )
    reparse.add_argument(
        "--store",
        default=os.environ.get("NEWSARCHIVE_STORE") or None,
        metavar="URL",
        help="the store the crawls remembered the site in: a postgresql:// URL (default: "
        "NEWSARCHIVE_STORE, else the site folder's state.sqlite3)",
    )
    reparse.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsarchive.archive import DEFAULT_STORE, lock
    from newsarchive.evidence.reparse import Reparse, reparse_site, site_folders

    if not args.archive.is_dir():
        raise UsageError(f"{args.archive}: no such archive folder")
    folders = site_folders(args.archive, args.site)
    if not folders:
        wanted = f" of site {', '.join(args.site)}" if args.site else ""
        raise UsageError(f"{args.archive}: no archive{wanted} found (no runs.jsonl)")
    status = EXIT_OK
    for folder in folders:
        site = _site_for(folder, args.site_file)
        started = time.monotonic()
        if not args.dry_run:
            # A crawl writing the site, here or on any machine sharing the store: exit 5.
            lock.acquire(folder, args.store)
        try:
            report = reparse_site(
                folder,
                Reparse(
                    site=site,
                    processes=args.processes,
                    dry_run=args.dry_run,
                    store=args.store or DEFAULT_STORE,
                ),
            )
        finally:
            if not args.dry_run:
                lock.release(folder)
        print(_report(report, dry_run=args.dry_run, elapsed=time.monotonic() - started))
        for message in report.messages:
            print(f"newsarchive: {message}", file=sys.stderr)
        if report.problems:
            status = EXIT_FAILED
    return status


def _site_for(folder: Path, site_file: Path | None) -> Any:
    """The site description to read a site folder's pages with."""
    from newsarchive.evidence.reparse import crawled_site
    from newsarchive.sites import SiteError

    try:
        return crawled_site(folder, site_file)
    except SiteError as error:
        raise UsageError(str(error)) from None


def _report(report: Any, *, dry_run: bool, elapsed: float) -> str:
    verb = "would change" if dry_run else "changed"
    rate = report.records / elapsed if elapsed > 0 else 0.0
    lines = [
        f"newsarchive: reparse of {report.site}{' (dry run)' if dry_run else ''}: "
        f"{report.records} stored pages read again in {elapsed:.1f} s ({rate:.0f} pages/s)",
        f"  unchanged          {report.unchanged}",
        f"  {verb:<18} {report.changed}",
    ]
    if report.without_source:
        lines.append(f"  without a page     {report.without_source} (archived with --no-warc)")
    if report.problems:
        detail = ", ".join(f"{kind}: {count}" for kind, count in sorted(report.problems.items()))
        lines.append(f"  unreadable         {sum(report.problems.values())} ({detail})")
    if report.rate_rows:
        lines.append(f"  rate rows written  {report.rate_rows}")
    for name, count in report.by_field.most_common():
        lines.append(f"  {name:<18} {count} {verb}")
        for example in report.examples[name]:
            old, new = _shown(example.old, example.new)
            lines.append(f"    {example.article_id}: {old} → {new}")
    return "\n".join(lines)


def _shown(old: Any, new: Any) -> tuple[str, str]:
    """Both values, cut to where they differ when they are long and start alike.

    >>> _shown("Заголовок статьи", "Заголовок статьи » Everyday")
    ("'Заголовок статьи'", "'Заголовок статьи » Everyday'")
    >>> _shown("a" * 70 + "b", "a" * 70 + "c")
    ("…aaaaaaaaaab'", "…aaaaaaaaaac'")
    """
    texts = [repr(old), repr(new)]
    same = 0
    while same < min(map(len, texts)) and texts[0][same] == texts[1][same]:
        same += 1
    if max(map(len, texts)) > _SHOWN and same > _CONTEXT:
        texts = ["…" + text[same - _CONTEXT :] for text in texts]
    first, second = (text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…" for text in texts)
    return first, second
