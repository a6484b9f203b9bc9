"""The processes a process started, and killing them all at once, as when a machine dies."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path


def children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid``, from /proc (``crawl --all`` starts each
    crawl in a session of its own, so no process group names them); not those that ended and
    wait for ``pid`` to reap them."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended meanwhile
        # "pid (command) state ppid ...": the command may hold spaces and parentheses.
        state, parent = text[text.rindex(")") + 2 :].split()[:2]
        if int(parent) == pid and state != "Z":
            found.append(int(stat.parent.name))
    return found


def kill_with_children(pid: int, ready: Callable[[], bool]) -> list[int]:
    """SIGKILL ``pid`` and its live children together, as a power cut would, at the first
    moment it has a child and ``ready()`` holds; returns the children killed.

    The process is stopped for each look, so that it starts no child between look and kill.
    """
    while True:
        os.kill(pid, signal.SIGSTOP)
        found = children(pid)
        if found and ready():
            for child in found:
                os.kill(child, signal.SIGKILL)
            os.kill(pid, signal.SIGKILL)
            return found
        os.kill(pid, signal.SIGCONT)
        time.sleep(0.05)
