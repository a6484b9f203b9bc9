"""``newsarchive demo``: serve the bundled copy of everyday.uz on loopback and crawl it.

The demo server (``newsarchive.demo``) serves ``fixtures/demo-site``; the run is an ordinary
crawl of the everyday site on the server's host, into the archive folder given with ``--out``.
"""

from __future__ import annotations

import argparse

from newsarchive.cli.common import UsageError, add_output_options, output_folder, whole_number
from newsarchive.cli.runner import CrawlOptions, run_crawl
from newsarchive.sites import load_site


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser(
        "demo",
        help="serve the bundled demo site on 127.0.0.1 and crawl it",
        description="Serve the bundled copy of everyday.uz (fixtures/demo-site) on loopback and "
        "crawl it with the everyday spider into the archive.",
    )
    from newsarchive.demo import DEFAULT_PORT

    demo.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"port for the demo server (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    add_output_options(demo)
    demo.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsarchive.demo import DemoServer, default_fixture_root

    try:
        root = default_fixture_root()
    except FileNotFoundError as error:
        raise UsageError(str(error)) from None
    try:
        server = DemoServer(root, port=args.port)
        server.start()
    except OSError as error:
        raise UsageError(error.strerror or str(error)) from None
    print(f"newsarchive: demo site served at {server.url}", flush=True)
    try:
        site = load_site("everyday").on_host(server.url)
        return run_crawl(
            CrawlOptions(
                site=site,
                out=output_folder(args.out),
                max_pages=0,
                max_articles=0,
                since=None,
                settings={},
                verbose=args.verbose,
            )
        )
    finally:
        server.stop()


def _port(text: str) -> int:
    value = whole_number(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return value
