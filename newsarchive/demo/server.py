"""Fixture server: serves a bundled demo site (``fixtures/<name>/``) over real HTTP.

This module is the command-line entry (:func:`main`, :func:`serve_forever`) and the one import
path for the whole demo server, whose parts live beside it: the site's clock and the shift from
fixture time to true time in :mod:`newsarchive.demo.clock`, the date formats in
:mod:`newsarchive.demo.stamps`, page rendering from the fixture folder in
:mod:`newsarchive.demo.pages`, and the threaded HTTP server in :mod:`newsarchive.demo.serving`.

Run it: ``python -m newsarchive.demo.server --port 8765 [--site-now ISO] [--virtual-clock]
[--root DIR | --site NAME]``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from newsarchive.demo.clock import floor_to_minute, running_clock
from newsarchive.demo.pages import DEFAULT_PORT, FixtureSite, default_fixture_root, fixture_root
from newsarchive.demo.serving import DemoServer
from newsarchive.demo.stamps import (
    format_ago,
    format_day_header,
    format_dle_stamp,
    format_rfc822,
    ru_plural,
)

__all__ = [
    "DEFAULT_PORT",
    "DemoServer",
    "FixtureSite",
    "default_fixture_root",
    "fixture_root",
    "floor_to_minute",
    "format_ago",
    "format_day_header",
    "format_dle_stamp",
    "format_rfc822",
    "main",
    "ru_plural",
    "running_clock",
    "serve_forever",
]


def serve_forever(
    root: Path | str | None = None,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    site_now: datetime | str | None = None,
    *,
    verbose: bool = False,
    virtual_clock: bool = False,
) -> None:
    """Serve the fixture site until interrupted (Ctrl-C); prints one line with the URL."""
    server = DemoServer(
        root,
        host=host,
        port=port,
        site_now=site_now,
        verbose=verbose,
        virtual_clock=virtual_clock,
    )
    server.start()
    site = server.site
    clock = "virtual clock" if virtual_clock else f"shift {server.shift}"
    print(
        f"Serving demo site {site.root} at {server.url} "
        f"(site now {site.site_now.isoformat()}, {clock}); Ctrl-C to stop",
        flush=True,
    )
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newsarchive.demo.server", description="Serve the bundled demo news site."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT}; 0 = any)"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--root", type=Path, default=None, help="fixture folder (demo-site)")
    where.add_argument(
        "--site",
        default=None,
        metavar="NAME",
        help="a fixture site of the repository by name: demo-site, feed-site, plain-site",
    )
    parser.add_argument(
        "--site-now",
        default=None,
        help="the fixture moment that real now maps to, ISO 8601 (default: site.json's "
        "reference_now), e.g. 2025-12-12T00:03:00+05:00",
    )
    parser.add_argument(
        "--virtual-clock",
        action="store_true",
        help="the server's clock starts at --site-now instead of real time (no shift): pages "
        "show the fixture's own stamps",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    if args.site_now is not None:
        try:
            datetime.fromisoformat(args.site_now)
        except ValueError:
            parser.error(f"--site-now: not an ISO 8601 date-time: {args.site_now!r}")
    try:
        root = fixture_root(args.site) if args.site is not None else args.root
        serve_forever(
            root,
            args.host,
            args.port,
            args.site_now,
            verbose=args.verbose,
            virtual_clock=args.virtual_clock,
        )
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
