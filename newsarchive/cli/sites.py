"""``newsarchive sites``: list the built-in sites, or the sites of a configuration.

Without ``--config``, each line holds a built-in site's name, title, first start URL and time
zone, in the order ``newsarchive.sites.available_sites`` gives them. With ``--config FILE``,
each site of the configuration, in its order: its name, where its description comes from, and
its last run's health, end and exit status from its run log (``<out>/<site>/runs.jsonl``), or
"never run".
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsarchive.health import EXIT_OK
from newsarchive.sites import available_sites, load_site


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sites = commands.add_parser(
        "sites",
        help="list the built-in sites, or those of a configuration",
        description="List the built-in sites; with --config, the sites of a configuration "
        "(newsarchive.toml) with their last run.",
    )
    sites.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="list this configuration's sites: where each comes from, and its last run's "
        "health, end and exit status",
    )
    sites.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.config is not None:
        return _configured(args.config)
    for name in available_sites():
        site = load_site(name)
        print(f"{name:<12} {site.title:<20} {site.start_urls[0]:<28} {site.timezone}")
    return EXIT_OK


def _configured(path: Path) -> int:
    # Here, not at the top: the configuration builds on this package, which imports us first.
    from newsarchive.config import load_config
    from newsarchive.fleet import last_run

    rows = [("site", "from", "last run")]
    for site in load_config(path).sites:
        record = last_run(site.folder)
        last = (
            f"{record.get('health')}, ended {record.get('finished_at')}, exit status "
            f"{record.get('exit_status')}"
            if record
            else "never run"
        )
        rows.append((site.name, site.origin, last))
    name_width = max(len(row[0]) for row in rows)
    origin_width = max(len(row[1]) for row in rows)
    for name, origin, last in rows:
        print(f"{name:<{name_width}}  {origin:<{origin_width}}  {last}")
    return EXIT_OK
