"""JSON Lines files that readers never see half-written.

A run appends to ``<stem>-NNNN.jsonl.part``, one whole line per ``write`` and flushed at once, so
a killed process leaves complete lines plus at most one torn last line. The file becomes
``<stem>-NNNN.jsonl`` by an atomic rename once it is closed (after ``roll_records`` lines or at the
end of the run) and fsynced; readers only ever open ``*.jsonl``. A ``.part`` left by a killed run
is cut back to its last complete line and published by the next run (``publish_leftovers``).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["PART_SUFFIX", "JsonlWriter", "publish_leftovers", "read_records"]

PART_SUFFIX = ".part"
logger = logging.getLogger(__name__)


class JsonlWriter:
    """Writes lines into numbered files under ``folder``, publishing each when it is full."""

    def __init__(self, folder: Path, stem: str, *, roll_records: int) -> None:
        self.folder = folder
        self.stem = stem
        self.roll_records = roll_records
        self.published: list[Path] = []
        self._file: IO[str] | None = None
        self._path: Path | None = None
        self._lines = 0
        self._sequence = 0

    def write(self, line: str) -> Path:
        """Append one line (no newline inside it); returns the file it will be published as."""
        if self._file is None:
            self._open_next()
        assert self._file is not None
        assert self._path is not None
        self._file.write(line + "\n")
        # Flushed per line: a killed process then loses at most the line being written.
        self._file.flush()
        self._lines += 1
        target = self._path
        if self.roll_records and self._lines >= self.roll_records:
            self._publish()
        return target

    def close(self) -> None:
        if self._file is not None:
            self._publish()

    def _open_next(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._sequence += 1
        self._path = self.folder / f"{self.stem}-{self._sequence:04d}.jsonl"
        self._file = (self._path.parent / (self._path.name + PART_SUFFIX)).open(
            "w", encoding="utf-8", newline="\n"
        )
        self._lines = 0

    def _publish(self) -> None:
        assert self._file is not None
        assert self._path is not None
        part = Path(self._file.name)
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = None
        part.replace(self._path)
        _fsync_folder(self.folder)
        self.published.append(self._path)


def publish_leftovers(folder: Path) -> list[Path]:
    """Publish the ``.part`` files a killed run left, cut back to their last complete line."""
    published = []
    for part in sorted(folder.glob(f"*.jsonl{PART_SUFFIX}")):
        with part.open("r+b") as handle:
            data = handle.read()
            keep = data.rfind(b"\n") + 1
            if keep < len(data):
                logger.warning(
                    "%s: dropping a torn last line of %d bytes from a killed run",
                    part,
                    len(data) - keep,
                )
                handle.truncate(keep)
            handle.flush()
            os.fsync(handle.fileno())
        target = part.with_name(part.name.removesuffix(PART_SUFFIX))
        if keep:
            part.replace(target)
            published.append(target)
        else:
            part.unlink()
    if published:
        _fsync_folder(folder)
    return published


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of one published file, in order."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _fsync_folder(folder: Path) -> None:
    # The rename itself must reach the disk, or a power cut could bring the .part name back.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
