"""Whether a site's archive lock is held, seen from outside ``newsarchive.archive.lock``."""

from __future__ import annotations

import fcntl
from pathlib import Path


def lock_is_held(folder: Path) -> bool:
    """Whether an open ``<folder>/.lock`` other than this probe's holds the flock.

    flock belongs to an open file, not a process, so the probe also sees a lock this very
    process holds through ``lock.acquire``.
    """
    if not (folder / ".lock").exists():
        return False
    with (folder / ".lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False
