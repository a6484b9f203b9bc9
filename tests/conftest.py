"""What every test of the suite shares: the machine's PostgreSQL, which one test restarts.

``make test`` runs the suite in two processes (pytest-xdist). A test marked
``restarts_postgresql`` restarts the machine's server, which would cut the sessions of a test
running beside it: it holds a lock that every other test holds shared, so it runs alone.
"""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_LOCK = Path(tempfile.gettempdir()) / "newsarchive-tests-postgresql.lock"


@pytest.fixture(autouse=True)
def _alone_while_postgresql_restarts(request: pytest.FixtureRequest) -> Iterator[None]:
    """Autouse, so set up before the test's other fixtures and torn down after them."""
    restarts = request.node.get_closest_marker("restarts_postgresql") is not None
    with _LOCK.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if restarts else fcntl.LOCK_SH)
        yield  # the lock goes with the file's closing
