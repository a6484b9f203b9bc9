"""What every file the archive writes relies on: a new file of its own, and a rename that
reaches the disk. Shared by the JSONL files (``archive.files``) and the WARC files
(``evidence.warcfiles``), and importing nothing of newsarchive, so that either may use it.
"""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path

__all__ = ["create_part", "fsync_folder"]


def create_part(path: Path, part_suffix: str) -> io.BufferedWriter:
    """A new file named ``path`` + ``part_suffix``, created here and opened by no other writer:
    FileExistsError (a failed write) if either name is taken. Several machines may write into
    one folder; whatever their run ids, no two of them ever append to one file."""
    part = path.parent / (path.name + part_suffix)
    try:
        if path.exists():
            raise FileExistsError
        return part.open("xb")
    except FileExistsError:
        reason = f"{path.name} is another writer's file name"
        raise FileExistsError(errno.EEXIST, reason, str(path)) from None


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable: without it a power cut could bring the old name
    back."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
