"""What more than one command shares: the usage error and the options and checks they share.

A command raises :class:`UsageError` for bad input; ``main`` prints its message as the one
line shown and exits with status 2. The crawl and the demo both take the archive folder and
``--verbose`` (:func:`add_output_options`) and check that folder (:func:`output_folder`);
:func:`whole_number` is the argument type of every count option and of the demo's port.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


class UsageError(Exception):
    """Bad input from the person running the command; the message is the one line shown."""


def add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("archive"),
        metavar="DIR",
        help="archive folder (default: ./archive)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's own log too")


def output_folder(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise UsageError(f"output folder {path} is a file")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create output folder {path}: {error.strerror}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"output folder {path} is not writable")
    return path


def whole_number(text: str) -> int:
    """A count option's value.

    >>> whole_number("3")
    3
    >>> whole_number("-1")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: '-1' must not be negative
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def setting(pair: str) -> tuple[str, str]:
    """A ``-s NAME=VALUE`` option's setting."""
    name, equals, value = pair.partition("=")
    if not equals or not name.strip():
        raise UsageError(f"-s takes NAME=VALUE, not {pair!r}")
    return name.strip(), value
