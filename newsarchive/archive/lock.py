"""One writer per site: an advisory ``flock`` on ``<site>/.lock``, and with a PostgreSQL store
a PostgreSQL advisory lock on the site as well, which every machine sharing the store sees.

The lock is re-entrant within a process, so the ``newsarchive`` command can take it before the
crawl starts (and refuse at once, touching nothing) while the pipelines take it again when they
open the archive. Neither lock outlives its holder: the kernel drops the ``flock`` when the
process dies, and the server drops the advisory lock with the connection that holds it, when
the process dies or the connection is cut. The lock's connection asks the server to probe it
with TCP keep-alives, so a machine that vanishes without closing it (a power cut) frees the
site within about a minute rather than the system's two hours.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = ["ArchiveBusyError", "acquire", "hold_in_store", "is_postgres", "release"]

# How soon the server gives up on a silent lock holder: idle seconds, probe interval, probes.
# Session settings, not connection options, so that options in the store's URL stay as given.
_KEEPALIVE = (
    "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; "
    "SET tcp_keepalives_count = 3"
)
# The lock's key: the site's name under this prefix and the connection's schema (so that two
# archives in two schemas of one database are two keys), hashed by the server.
_LOCK_KEY = "hashtextextended('newsarchive site ' || current_schema() || ' ' || %s, 0)"


class ArchiveBusyError(RuntimeError):
    """Another run holds this site's archive."""


@dataclass(slots=True)
class _Held:
    file: IO[str]
    connection: Any  # psycopg.Connection holding the advisory lock, or None
    holders: int = 1


# folder → what this process holds for it
_HELD: dict[Path, _Held] = {}


def is_postgres(store: str | None) -> bool:
    """Whether a store spec names a PostgreSQL server.

    >>> is_postgres("postgresql://archiver@db/news"), is_postgres(None)
    (True, False)
    """
    return bool(store) and str(store).startswith(("postgresql://", "postgres://"))


def acquire(
    folder: Path, store: str | None = None, run_id: str | None = None, *, shared: bool = False
) -> None:
    """Take the site's lock, or raise ArchiveBusyError if another run holds it: another process
    on this machine (the folder's ``flock``) or, with a PostgreSQL ``store``, a run anywhere
    (whose lock connection is named after the site and ``run_id``).

    ``shared``: the store's lock is taken shared, as every process of a crawl with workers
    takes it (its coordinator and ``newsarchive worker`` on other machines): they exclude a
    plain run of the site, not each other. The folder's ``flock`` stays exclusive.

    A server that cannot be reached raises ``StoreError``, as the store itself would.
    """
    key = folder.resolve()
    held = _HELD.get(key)
    if held is not None:
        held.holders += 1
        return
    folder.mkdir(parents=True, exist_ok=True)
    handle = (folder / ".lock").open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ArchiveBusyError(f"another run is writing {folder}") from None
    try:
        connection = (
            _lock_in_store(store, folder.name, run_id, shared=shared)
            if is_postgres(store)
            else None
        )
    except BaseException:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
        raise
    _HELD[key] = _Held(handle, connection)


def release(folder: Path) -> None:
    key = folder.resolve()
    held = _HELD[key]
    if held.holders > 1:
        held.holders -= 1
        return
    del _HELD[key]
    try:
        if held.connection is not None:
            held.connection.close()  # the server drops the advisory lock with its session
    finally:
        fcntl.flock(held.file, fcntl.LOCK_UN)
        held.file.close()


@contextlib.contextmanager
def hold_in_store(url: str, site: str) -> Iterator[None]:
    """Hold the site's lock in a PostgreSQL store alone, for work with no archive folder
    (``newsarchive store copy``): a run writing the site anywhere makes it ArchiveBusyError."""
    connection = _lock_in_store(url, site)
    try:
        yield
    finally:
        connection.close()


def _lock_in_store(
    url: str | None, site: str, run_id: str | None = None, *, shared: bool = False
) -> Any:
    """A connection holding the site's session-level advisory lock in the store's database."""
    import psycopg  # the optional extra, present whenever a postgresql:// store is in use

    from newsarchive.archive.pgstore import application_name, describe_error, where
    from newsarchive.archive.store import StoreError, StoreUnreachableError

    assert url is not None
    try:
        name = application_name(site, run_id, "lock")
        connection = psycopg.connect(
            url, autocommit=True, connect_timeout=10, application_name=name
        )
    except psycopg.Error as error:
        reason = f"the store at {where(url)} does not answer ({describe_error(error)})"
        raise StoreUnreachableError(reason) from None
    try:
        connection.execute(_KEEPALIVE)
        function = "pg_try_advisory_lock_shared" if shared else "pg_try_advisory_lock"
        row = connection.execute(f"SELECT {function}({_LOCK_KEY})", (site,)).fetchone()
    except psycopg.Error as error:
        connection.close()
        raise StoreError(f"the store at {where(url)} failed: {describe_error(error)}") from None
    if not (row and row[0]):
        connection.close()
        raise ArchiveBusyError(
            f"another run is writing site {site} (it holds the site's lock in the store at "
            f"{where(url)}, on this machine or another)"
        )
    return connection
