"""One writer per site archive: an advisory ``flock`` on ``<site>/.lock``.

The lock is re-entrant within a process, so the ``newsarchive`` command can take it before the
crawl starts (and refuse at once, touching nothing) while the pipelines take it again when they
open the archive. The kernel drops it when the process dies, so a killed run never leaves a
stale lock behind.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

__all__ = ["ArchiveBusyError", "acquire", "release"]

# folder → (open lock file, how many holders in this process)
_HELD: dict[Path, tuple[IO[str], int]] = {}


class ArchiveBusyError(RuntimeError):
    """Another run holds this site's archive."""


def acquire(folder: Path) -> None:
    """Take the folder's lock, or raise ArchiveBusyError if another process holds it."""
    key = folder.resolve()
    held = _HELD.get(key)
    if held is not None:
        _HELD[key] = (held[0], held[1] + 1)
        return
    folder.mkdir(parents=True, exist_ok=True)
    handle = (folder / ".lock").open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ArchiveBusyError(f"another run is writing {folder}") from None
    _HELD[key] = (handle, 1)


def release(folder: Path) -> None:
    key = folder.resolve()
    handle, count = _HELD[key]
    if count > 1:
        _HELD[key] = (handle, count - 1)
        return
    del _HELD[key]
    fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()
