"""``newsarchive validate``: check archive files line by line against the record schemas."""

from __future__ import annotations

import json
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from newsarchive.archive.files import archive_files, read_lines
from newsarchive.schema import problem

__all__ = ["Problem", "check_file", "validate_main"]


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


def check_file(path: Path) -> Iterator[Problem | None]:
    """One None per valid line and one Problem per invalid one, in file order."""
    number = 0
    try:
        for number, line in enumerate(read_lines(path), start=1):
            yield _check_line(path, number, line)
    except (EOFError, OSError, zlib.error, UnicodeDecodeError) as error:
        yield Problem(path, number + 1, f"cannot be read past here: {error}")


def _check_line(path: Path, number: int, line: str) -> Problem | None:
    if not line.endswith("\n"):
        return Problem(path, number, "no newline at the end: a torn write")
    try:
        record = json.loads(line, parse_constant=_not_json)
    except json.JSONDecodeError as error:
        message = error.msg.removesuffix(" at")
        return Problem(path, number, f"not valid JSON ({message}, column {error.colno})")
    except ValueError as error:
        return Problem(path, number, f"not valid JSON ({error})")
    reason = problem(record)
    return Problem(path, number, reason) if reason else None


def _not_json(constant: str) -> None:
    # Python's json reads NaN and Infinity; JSON has no such numbers, and jq, DuckDB and
    # strict readers refuse the line.
    raise ValueError(f"{constant} is not a JSON number")


def validate_main(paths: Iterable[str], out: TextIO = sys.stdout) -> int:
    """Print ``file:line: reason`` per bad line and a summary; 0 only when every line is valid."""
    files = archive_files(paths)
    if not files:
        print("newsarchive: error: no archive files (*.jsonl, *.jsonl.gz) found", file=sys.stderr)
        return 2
    lines = bad = 0
    bad_files = set()
    for path in files:
        for result in check_file(path):
            lines += 1
            if result is not None:
                bad += 1
                bad_files.add(path)
                print(result, file=out)
    if bad:
        print(
            f"{bad} of {lines} lines invalid, in {len(bad_files)} of {len(files)} files", file=out
        )
        return 1
    print(f"all {lines} lines valid, in {len(files)} files", file=out)
    return 0
