"""JSON Lines files that readers never see half-written, plain or gzipped.

A run appends to ``<stem>-NNNN.jsonl.part`` (``.jsonl.gz.part`` with ``compress``), one whole
line per ``write`` and flushed at once, so a killed process leaves complete lines plus at most
one torn last line. The file gets its final name (``<stem>-NNNN.jsonl`` or ``.jsonl.gz``) by an
atomic rename once it is closed (after ``roll_records`` lines or at the end of the run) and
fsynced; readers only ever open the final names. A ``.part`` left by a killed run is cut back
to its last complete line and published by the next run (``publish_leftovers``).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from newsarchive.durable import create_part, fsync_folder

__all__ = [
    "ARCHIVE_SUFFIXES",
    "PART_SUFFIX",
    "JsonlWriter",
    "archive_files",
    "publish_leftovers",
    "read_lines",
    "read_records",
    "trim_torn_line",
]

PART_SUFFIX = ".part"
ARCHIVE_SUFFIXES = (".jsonl", ".jsonl.gz")
_READ_BLOCK = 1 << 20
logger = logging.getLogger(__name__)


class JsonlWriter:
    """Writes lines into numbered files under ``folder``, publishing each when it is full."""

    def __init__(
        self, folder: Path, stem: str, *, roll_records: int, compress: bool = False
    ) -> None:
        self.folder = folder
        self.stem = stem
        self.roll_records = roll_records
        self.suffix = ".jsonl.gz" if compress else ".jsonl"
        self.published: list[Path] = []
        self._raw: io.BufferedWriter | None = None
        self._file: io.BufferedIOBase | None = None  # the raw file, or a gzip stream over it
        self._path: Path | None = None
        self._lines = 0
        self._sequence = 0

    def write(self, line: str) -> Path:
        """Append one line (no newline inside it); returns the file it will be published as."""
        if self._file is None:
            self._open_next()
        assert self._file is not None
        assert self._path is not None
        self._file.write(line.encode() + b"\n")
        # Flushed per line (a gzip sync flush: the stream is readable up to here), so a killed
        # process loses at most the line being written.
        self._file.flush()
        self._lines += 1
        target = self._path
        if self.roll_records and self._lines >= self.roll_records:
            self._publish()
        return target

    def close(self) -> None:
        if self._file is not None:
            self._publish()

    def abandon(self) -> None:
        """Close the file being written without publishing it, after a write failed.

        Its last line may be torn; the next run cuts it back to its complete lines and publishes
        it (``publish_leftovers``), as it does a killed run's file.
        """
        for handle in (self._file, self._raw):  # the gzip stream first, then the file under it
            if handle is not None:
                with contextlib.suppress(OSError):
                    handle.close()
        self._file = self._raw = None

    def _open_next(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._sequence += 1
        self._path = self.folder / f"{self.stem}-{self._sequence:04d}{self.suffix}"
        # Created, never opened again: no two writers ever append to one file, whatever
        # their run ids (several machines may write into one folder).
        self._raw = create_part(self._path, PART_SUFFIX)
        self._file = (
            gzip.GzipFile(fileobj=self._raw, mode="wb")
            if self.suffix.endswith(".gz")
            else self._raw
        )
        self._lines = 0

    def _publish(self) -> None:
        assert self._file is not None
        assert self._raw is not None
        assert self._path is not None
        if self._file is not self._raw:
            self._file.close()  # writes the gzip trailer; the raw file stays open
        part = Path(self._raw.name)
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        self._file = self._raw = None
        part.replace(self._path)
        fsync_folder(self.folder)
        self.published.append(self._path)


def publish_leftovers(folder: Path) -> list[Path]:
    """Publish the ``.part`` files a killed run left, cut back to their last complete line."""
    published = []
    for part in sorted(folder.glob(f"*{PART_SUFFIX}")):
        target = part.with_name(part.name.removesuffix(PART_SUFFIX))
        if not target.name.endswith(ARCHIVE_SUFFIXES):
            continue
        whole = _salvage_gzip(part) if target.name.endswith(".gz") else trim_torn_line(part)
        if whole:
            part.replace(target)
            published.append(target)
        else:
            part.unlink()
    if published:
        fsync_folder(folder)
    return published


def archive_files(paths: Iterable[str | Path]) -> list[Path]:
    """The published archive files named by ``paths``: files, folders (searched below), globs."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(
                sorted(
                    p for p in path.rglob("*") if p.is_file() and p.name.endswith(ARCHIVE_SUFFIXES)
                )
            )
        elif path.exists():
            found.append(path)
        else:
            pattern = str(item)
            anchor = Path(pattern).anchor or "."
            relative = pattern[len(anchor) :] if Path(pattern).is_absolute() else pattern
            found.extend(sorted(p for p in Path(anchor).glob(relative) if p.is_file()))
    return found


def read_lines(path: Path) -> Iterator[str]:
    """The lines of a plain or gzipped file, newline included (a torn last line lacks it).

    Lines end at ``\\n`` only, and each is decoded from UTF-8 on its own. The file is read in
    blocks of a mebibyte and cut into lines there: half again as fast as a text-mode file,
    whose per-line bookkeeping cost more than the decoding.
    """
    compressed = path.name.endswith(".gz")
    with gzip.open(path, "rb") if compressed else path.open("rb") as handle:
        read = handle.read1 if compressed else handle.read
        pending: list[bytes] = []  # the start of a line longer than the blocks so far
        while block := read(_READ_BLOCK):
            end = block.rfind(b"\n") + 1
            if not end:
                pending.append(block)
                continue
            start = 0
            if pending:
                stop = block.index(b"\n") + 1
                yield b"".join((*pending, block[:stop])).decode("utf-8")
                pending.clear()
                start = stop
            while start < end:
                stop = block.index(b"\n", start) + 1
                yield block[start:stop].decode("utf-8")
                start = stop
            if end < len(block):
                pending.append(block[end:])
        if pending:
            yield b"".join(pending).decode("utf-8")


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of one published file, in order."""
    for line in read_lines(path):
        yield json.loads(line)


def trim_torn_line(path: Path) -> bool:
    """Cut a plain file a killed run was appending to back to its last complete line (synced);
    whether any line remains."""
    with path.open("r+b") as handle:
        data = handle.read()
        keep = data.rfind(b"\n") + 1
        if keep < len(data):
            logger.warning(
                "%s: dropping a torn last line of %d bytes from a killed run",
                path,
                len(data) - keep,
            )
            handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
    return keep > 0


def _salvage_gzip(part: Path) -> bool:
    """Rewrite a killed run's gzip stream as a whole file of its complete lines."""
    data = part.read_bytes()
    text = b""
    try:
        text = zlib.decompressobj(wbits=31).decompress(data)
    except zlib.error:
        # A torn deflate block: decompress what comes before it, in small steps.
        stream = zlib.decompressobj(wbits=31)
        for start in range(0, len(data), 4096):
            try:
                text += stream.decompress(data[start : start + 4096])
            except zlib.error:
                break
    keep = text.rfind(b"\n") + 1
    if not keep:
        return False
    with part.open("wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb") as packed:
            packed.write(text[:keep])
        raw.flush()
        os.fsync(raw.fileno())
    return True
