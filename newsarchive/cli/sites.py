"""``newsarchive sites``: list the built-in sites, one line each.

Each line holds the site's name, title, first start URL and time zone, in the order
``newsarchive.sites.available_sites`` gives them.
"""

from __future__ import annotations

import argparse

from newsarchive.health import EXIT_OK
from newsarchive.sites import available_sites, load_site


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sites = commands.add_parser("sites", help="list the built-in sites")
    sites.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    for name in available_sites():
        site = load_site(name)
        print(f"{name:<12} {site.title:<20} {site.start_urls[0]:<28} {site.timezone}")
    return EXIT_OK
