"""``newsarchive store copy``: move a store between SQLite and PostgreSQL, counts checked.

An endpoint is a ``postgresql://`` URL (one database, every site) or an archive folder (each
site's ``<folder>/<site>/state.sqlite3``). Every table of ``store.TABLES`` is copied site by
site under the site's lock on both sides, into a destination that holds nothing of the site
(or, with ``replace``, after forgetting what it held), and the copy is counted again table by
table on both sides: a difference is an error, never a silent partial copy.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from newsarchive.archive import lock
from newsarchive.archive.store import TABLES, SqliteStore

__all__ = ["CopyError", "CopyMismatchError", "SiteCopy", "copy_store", "store_sites"]

STATE_FILE = "state.sqlite3"


class CopyError(RuntimeError):
    """The copy cannot be made or did not add up; the message says which site and table."""


class CopyMismatchError(CopyError):
    """The destination's rows, counted after the copy, differ from the source's."""


class _TableStore(Protocol):
    def count(self, table: str) -> int: ...

    def rows(self, table: str) -> Iterator[tuple[object, ...]]: ...

    def add_rows(self, table: str, rows: Iterator[tuple[object, ...]]) -> None: ...

    def clear(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class SiteCopy:
    """One site copied: its rows by table, the same on both sides."""

    site: str
    counts: dict[str, int]


def store_sites(endpoint: str) -> list[str]:
    """The sites an endpoint holds a store of, sorted."""
    if lock.is_postgres(endpoint):
        from newsarchive.archive.pgstore import sites

        return sites(endpoint)
    folder = Path(endpoint)
    if not folder.is_dir():
        raise CopyError(f"{endpoint}: no such archive folder")
    return sorted(path.parent.name for path in folder.glob(f"*/{STATE_FILE}"))


def copy_store(source: str, destination: str, site: str, *, replace: bool = False) -> SiteCopy:
    """Copy one site's store from ``source`` to ``destination``; both sides counted after."""
    if _same(source, destination):
        raise CopyError(f"{source} and {destination} are the same store")
    with _held(source, site), _held(destination, site):
        origin = _open(source, site, create=False)
        try:
            target = _open(destination, site, create=True)
            try:
                return _copy(origin, target, site, destination, replace=replace)
            finally:
                target.close()
        finally:
            origin.close()


def _copy(
    origin: _TableStore, target: _TableStore, site: str, destination: str, *, replace: bool
) -> SiteCopy:
    held = {table: target.count(table) for table in TABLES}
    if any(held.values()):
        if not replace:
            raise CopyError(
                f"{destination} already holds site {site} ({held['articles']} articles): "
                "copy with --replace to overwrite it"
            )
        target.clear()
    counts: dict[str, int] = {}
    for table in TABLES:
        target.add_rows(table, origin.rows(table))
        counts[table] = origin.count(table)
        copied = target.count(table)
        if copied != counts[table]:
            raise CopyMismatchError(
                f"site {site}: {destination} holds {copied} rows of {table} after the copy, "
                f"the source {counts[table]}"
            )
    return SiteCopy(site, counts)


def _open(endpoint: str, site: str, *, create: bool) -> _TableStore:
    if lock.is_postgres(endpoint):
        from newsarchive.archive.pgstore import PostgresStore

        return PostgresStore(endpoint, site=site)
    path = Path(endpoint) / site / STATE_FILE
    if not create and not path.is_file():
        raise CopyError(f"{endpoint}: no store of site {site} ({path} does not exist)")
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteStore(path)


def _held(endpoint: str, site: str) -> contextlib.AbstractContextManager[None]:
    """The site's lock at an endpoint: no run may write the site while it is copied."""
    if lock.is_postgres(endpoint):
        return lock.hold_in_store(endpoint, site)
    return _folder_lock(Path(endpoint) / site)


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    lock.acquire(folder)
    try:
        yield
    finally:
        lock.release(folder)


def _same(source: str, destination: str) -> bool:
    if lock.is_postgres(source) or lock.is_postgres(destination):
        return source == destination
    return Path(source).resolve() == Path(destination).resolve()
