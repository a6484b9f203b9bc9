"""``newsarchive validate``: check archive files line by line against the record schemas, and
that the files, from however many folders, agree with each other as one archive."""

from __future__ import annotations

import hashlib
import json
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from newsarchive.analysis.load import record_key
from newsarchive.archive.files import archive_files, read_lines
from newsarchive.schema import problem

__all__ = ["Conflicts", "Problem", "check_file", "validate_main"]


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class Conflicts:
    """Whether the records of an archive's files agree: an article version (``id``,
    ``version``) or a run (site, ``run_id``) read twice must have one content.

    Read twice with the same content (a copied folder, a site's folders read together) it is
    one record; with another, two writers disagree, and the later line is a conflict naming
    the first. Rate rows have no key of their own: two rows never disagree. Holds some 200
    bytes per article and run record read.

    >>> conflicts = Conflicts()
    >>> one = {"kind": "article", "id": "e:7", "version": 1, "content_hash": "sha256:aa"}
    >>> conflicts.check(one, Path("a/e/articles/r1-0001.jsonl"), 3) is None
    True
    >>> conflicts.check(dict(one), Path("b/e/articles/r1-0001.jsonl"), 3) is None
    True
    >>> print(conflicts.check({**one, "content_hash": "sha256:bb"}, Path("c.jsonl"), 1))
    c.jsonl:1: e:7 version 1 differs from the one at a/e/articles/r1-0001.jsonl:3 \
(another content_hash): two writers archived one version
    """

    def __init__(self) -> None:
        # The key's digest -> the content's digest, and where the key was read first.
        self._first: dict[bytes, tuple[bytes, Path, int]] = {}

    def check(self, record: Mapping[str, Any], path: Path, line: int) -> Problem | None:
        """The conflict ``record``, read at ``path:line``, is in with one read before, if any."""
        kind = record.get("kind")
        identity = record_key(record) if kind in ("article", "run") else None
        if identity is None:
            return None
        key, content = (_digest(part) for part in identity)
        first = self._first.setdefault(key, (content, path, line))
        if first[0] == content:
            return None
        where = f"{first[1]}:{first[2]}"
        if kind == "article":
            reason = (
                f"{record.get('id')} version {record.get('version')} differs from the one at "
                f"{where} (another content_hash): two writers archived one version"
            )
        else:
            reason = (
                f"run {record.get('run_id')} of {record.get('site')} differs from the one at "
                f"{where}: two run records under one run id"
            )
        return Problem(path, line, reason)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def check_file(path: Path) -> Iterator[Problem | None]:
    """One None per valid line and one Problem per invalid one, in file order."""
    for _, found, _ in _checked_lines(path):
        yield found


def _checked_lines(path: Path) -> Iterator[tuple[int, Problem | None, dict[str, Any] | None]]:
    """Per line: its number, its problem or None, and its record when it is valid."""
    number = 0
    try:
        for number, line in enumerate(read_lines(path), start=1):
            found, record = _check_line(path, number, line)
            yield number, found, record
    except (EOFError, OSError, zlib.error, UnicodeDecodeError) as error:
        yield number + 1, Problem(path, number + 1, f"cannot be read past here: {error}"), None


def _check_line(path: Path, number: int, line: str) -> tuple[Problem | None, dict[str, Any] | None]:
    if not line.endswith("\n"):
        return Problem(path, number, "no newline at the end: a torn write"), None
    try:
        record = json.loads(line, parse_constant=_not_json)
    except json.JSONDecodeError as error:
        message = error.msg.removesuffix(" at")
        return Problem(path, number, f"not valid JSON ({message}, column {error.colno})"), None
    except ValueError as error:
        return Problem(path, number, f"not valid JSON ({error})"), None
    reason = problem(record)
    if reason:
        return Problem(path, number, reason), None
    return None, record


def _not_json(constant: str) -> None:
    # Python's json reads NaN and Infinity; JSON has no such numbers, and jq, DuckDB and
    # strict readers refuse the line.
    raise ValueError(f"{constant} is not a JSON number")


def validate_main(paths: Iterable[str], out: TextIO = sys.stdout) -> int:
    """Print ``file:line: reason`` per bad line and per conflict, and a summary; 0 only when
    every line is valid and no two conflict.

    The paths are one archive, however many folders they name: a file named twice (or by a
    link) is read once, and conflicts are looked for across all of them (see ``Conflicts``).
    """
    files = _each_once(archive_files(paths))
    if not files:
        print("newsarchive: error: no archive files (*.jsonl, *.jsonl.gz) found", file=sys.stderr)
        return 2
    conflicts = Conflicts()
    lines = bad = conflicting = 0
    bad_files = set()
    for path in files:
        for number, found, record in _checked_lines(path):
            lines += 1
            if record is not None:
                found = conflicts.check(record, path, number)
                conflicting += found is not None
            else:
                bad += found is not None
            if found is not None:
                bad_files.add(path)
                print(found, file=out)
    if not bad and not conflicting:
        print(f"all {lines} lines valid, in {len(files)} files", file=out)
        return 0
    if not conflicting:
        found_text = f"{bad} of {lines} lines invalid"
    elif not bad:
        found_text = f"{conflicting} of {lines} lines in conflict"
    else:
        found_text = f"{bad} of {lines} lines invalid and {conflicting} in conflict"
    print(f"{found_text}, in {len(bad_files)} of {len(files)} files", file=out)
    return 1


def _each_once(files: Iterable[Path]) -> list[Path]:
    """``files`` without a second name for one file (a folder named twice, a link)."""
    once: dict[Path, Path] = {}
    for path in files:
        once.setdefault(path.resolve(), path)
    return list(once.values())
