"""The archive's memory: what has been archived, so that a re-run writes only what is new.

``ArchiveStore`` is the interface the pipelines use; ``SqliteStore`` keeps it in one SQLite file
inside the site's archive folder, so copying the folder copies the memory. A shared backend for
several machines implements the same protocol.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = [
    "TABLES",
    "ArchiveStore",
    "CommitGroups",
    "KnownArticle",
    "KnownCapture",
    "RateKey",
    "SqliteStore",
    "StoreError",
    "StoreUnreachableError",
    "Validators",
]


@dataclass(slots=True)
class CommitGroups:
    """When a store commits: after ``every`` changes or ``seconds`` after the first of them,
    whichever comes first. A commit per record cost more than writing the record's line.

    >>> groups = CommitGroups(every=2, seconds=60.0)
    >>> groups.add(), groups.add()
    (False, True)
    """

    every: int = 1000
    seconds: float = 2.0
    pending: int = 0
    began: float = 0.0

    def add(self) -> bool:
        """Count one change; whether the group is due for its commit."""
        if not self.pending:
            self.began = time.monotonic()
        self.pending += 1
        return self.pending >= self.every or time.monotonic() - self.began >= self.seconds

    def committed(self) -> None:
        self.pending = 0


class StoreError(RuntimeError):
    """The store failed under a run (its server went away, its connection was cut): the run
    stops as after a failed write, and the next run recovers what this one wrote."""


class StoreUnreachableError(StoreError):
    """The store's server did not answer; the message names the host, never the password."""


@dataclass(frozen=True, slots=True)
class KnownArticle:
    version: int
    content_hash: str
    fetched_at: str  # when it was last fetched (ISO 8601, UTC), changed or not
    run_id: str | None = None  # the run that last wrote or fetched it (None: not known)


@dataclass(frozen=True, slots=True)
class RateKey:
    source: str
    as_of: str
    currency: str


@dataclass(frozen=True, slots=True)
class KnownCapture:
    """The first WARC capture of a payload at a URL: what a later identical fetch revisits."""

    record_id: str
    date: str  # its WARC-Date


@dataclass(frozen=True, slots=True)
class Validators:
    """What a listing page, feed or sitemap was last served with, so that the next run can ask
    "changed since?" (``If-None-Match``/``If-Modified-Since``) instead of fetching it whole;
    ``lastmod`` is what the sitemap index last said of a child sitemap."""

    etag: str | None = None
    last_modified: str | None = None
    lastmod: str | None = None


class ArchiveStore(Protocol):
    def article(self, article_id: str) -> KnownArticle | None: ...

    def articles(self, article_ids: Collection[str]) -> dict[str, KnownArticle]: ...

    def remember_article(
        self,
        article_id: str,
        version: int,
        content_hash: str,
        url: str,
        fetched_at: str,
        run_id: str | None,
    ) -> None: ...

    def touch_article(self, article_id: str, fetched_at: str, run_id: str) -> None: ...

    def claim(self, article_id: str, version: int, run_id: str) -> bool: ...

    def take_claim(self, article_id: str, version: int, holder: str, run_id: str) -> bool: ...

    def claim_holder(self, article_id: str, version: int) -> str | None: ...

    def release_claims(self, folder: str) -> None: ...

    def run_began(self, run_id: str, started_at: str, folder: str) -> None: ...

    def run_finished(self, run_id: str, finished_at: str) -> None: ...

    def finished_run_since(self, moment: str) -> str | None: ...

    def validators(self, url: str) -> Validators | None: ...

    def remember_validators(self, url: str, validators: Validators) -> None: ...

    def rate_value(self, key: RateKey) -> str | None: ...

    def remember_rate(self, key: RateKey, value: str) -> None: ...

    def capture(self, url: str, payload_digest: str) -> KnownCapture | None: ...

    def remember_capture(
        self, url: str, payload_digest: str, record_id: str, date: str
    ) -> None: ...

    def is_indexed(self, file_name: str) -> bool: ...

    def flag(self, name: str) -> bool: ...

    def set_flag(self, name: str, value: bool) -> None: ...

    def mark_indexed(self, file_name: str) -> None: ...

    def commit(self) -> None: ...

    def close(self) -> None: ...


# Every table of a site's memory and its columns, as ``newsarchive store copy`` moves them
# between backends. Claims are left out: they only matter between runs writing at once, and
# the next run releases them.
TABLES: dict[str, tuple[str, ...]] = {
    "articles": ("id", "version", "content_hash", "url", "fetched_at", "run_id"),
    "rates": ("source", "as_of", "currency", "value"),
    "captures": ("url", "payload_digest", "record_id", "date"),
    "indexed_files": ("name",),
    "flags": ("name", "value"),
    "runs": ("run_id", "started_at", "finished_at"),
    "validators": ("url", "etag", "last_modified", "lastmod"),
}

# Ids looked up in one query: SQLite allows 32,766 parameters a statement, older builds 999.
_IDS_A_QUERY = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    url TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    run_id TEXT
);
CREATE TABLE IF NOT EXISTS rates (
    source TEXT NOT NULL,
    as_of TEXT NOT NULL,
    currency TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (source, as_of, currency)
);
CREATE TABLE IF NOT EXISTS captures (
    url TEXT NOT NULL,
    payload_digest TEXT NOT NULL,
    record_id TEXT NOT NULL,
    date TEXT NOT NULL,
    PRIMARY KEY (url, payload_digest)
);
CREATE TABLE IF NOT EXISTS claims (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE TABLE IF NOT EXISTS validators (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    lastmod TEXT
);
CREATE TABLE IF NOT EXISTS indexed_files (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS flags (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class SqliteStore:
    """``ArchiveStore`` in a SQLite file (WAL mode: readers never block the one writer).

    Changes are grouped into transactions: one is committed after ``commit_every`` changes or
    ``commit_seconds``, whichever comes first, and at once by ``mark_indexed``, ``set_flag``
    and ``close``; a commit per record cost more than writing the record's line. The archive's
    contract holds: a row is added after its record's line is in the file, so a committed row
    never names a record the files lack. A kill loses only the rows not committed yet, and the
    next run indexes their files again: a file is marked indexed in the same transaction as its
    last rows, and a run's files are marked only when it finishes. The connection sees its own
    uncommitted rows, so deduplication within the run is unaffected.
    """

    def __init__(
        self, path: Path, *, commit_every: int = 1000, commit_seconds: float = 2.0
    ) -> None:
        # A claim waits for another process's open group rather than failing at once.
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a killed process; only a power cut can lose the last
        # commits, and recovery re-reads the archive files, which are the source of truth.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(articles)")}
        if "run_id" not in columns:  # a store from before runs were noted
            self._db.execute("ALTER TABLE articles ADD COLUMN run_id TEXT")
        self._groups = CommitGroups(commit_every, commit_seconds)

    def _change(self, sql: str, parameters: tuple[object, ...]) -> None:
        if not self._db.in_transaction:
            # IMMEDIATE: the write lock is taken (or waited for) now, never upgraded later.
            self._db.execute("BEGIN IMMEDIATE")
        self._db.execute(sql, parameters)
        if self._groups.add():
            self.commit()

    def commit(self) -> None:
        """Make the changes so far durable against a killed process."""
        if self._db.in_transaction:
            self._db.execute("COMMIT")
        self._groups.committed()

    def article(self, article_id: str) -> KnownArticle | None:
        row = self._db.execute(
            "SELECT version, content_hash, fetched_at, run_id FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        return KnownArticle(*row) if row else None

    def articles(self, article_ids: Collection[str]) -> dict[str, KnownArticle]:
        """The ones of ``article_ids`` the archive holds, by id: a listing page's links."""
        ids = list(dict.fromkeys(article_ids))
        found: dict[str, KnownArticle] = {}
        for start in range(0, len(ids), _IDS_A_QUERY):
            chunk = ids[start : start + _IDS_A_QUERY]
            rows = self._db.execute(
                "SELECT id, version, content_hash, fetched_at, run_id FROM articles "
                f"WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            found.update((row[0], KnownArticle(*row[1:])) for row in rows)
        return found

    def remember_article(
        self,
        article_id: str,
        version: int,
        content_hash: str,
        url: str,
        fetched_at: str,
        run_id: str | None,
    ) -> None:
        # Never step back: recovery may replay a file holding an older version.
        self._change(
            "INSERT INTO articles (id, version, content_hash, url, fetched_at, run_id) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
            "content_hash = excluded.content_hash, url = excluded.url, "
            "fetched_at = excluded.fetched_at, run_id = excluded.run_id "
            "WHERE excluded.version > articles.version",
            (article_id, version, content_hash, url, fetched_at, run_id),
        )

    def touch_article(self, article_id: str, fetched_at: str, run_id: str) -> None:
        """Note that run ``run_id`` fetched an unchanged article again (for --recheck-days)."""
        self._change(
            "UPDATE articles SET fetched_at = max(fetched_at, ?), run_id = ? WHERE id = ?",
            (fetched_at, run_id, article_id),
        )

    def claim(self, article_id: str, version: int, run_id: str) -> bool:
        """Take the right to write ``version`` of an article: True for exactly one caller of
        every process sharing the store. It goes with the group's commit: SQLite holds its one
        write lock for the whole transaction, so another process's claim waits for this group
        and then sees it (no commit per claim, which would grow the WAL a page a record)."""
        if not self._db.in_transaction:
            self._db.execute("BEGIN IMMEDIATE")
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO claims (id, version, run_id) VALUES (?, ?, ?)",
            (article_id, version, run_id),
        )
        if self._groups.add():
            self.commit()
        return cursor.rowcount == 1

    def claim_holder(self, article_id: str, version: int) -> str | None:
        """Who holds the claim on this version: a run id, or ``<run id>.<worker>``."""
        row = self._db.execute(
            "SELECT run_id FROM claims WHERE id = ? AND version = ?", (article_id, version)
        ).fetchone()
        return str(row[0]) if row else None

    def take_claim(self, article_id: str, version: int, holder: str, run_id: str) -> bool:
        """Take over a claim ``holder`` still holds (a killed worker of this crawl that never
        wrote the record); True if it was still its."""
        if not self._db.in_transaction:
            self._db.execute("BEGIN IMMEDIATE")
        cursor = self._db.execute(
            "UPDATE claims SET run_id = ? WHERE id = ? AND version = ? AND run_id = ?",
            (run_id, article_id, version, holder),
        )
        if self._groups.add():
            self.commit()
        return cursor.rowcount == 1

    def release_claims(self, folder: str) -> None:
        """Forget the claims of runs that are over (called under the site's lock, when no
        other run of the site is writing): a run killed between a claim and its record's line
        must not keep the article from the next run. The articles table says what is written.
        Every run this file knows wrote into its folder, whose files the opening run has just
        indexed (``folder`` matters to a store several folders share). Committed with the
        run's first flag, as ``run_began``."""
        self._change("DELETE FROM claims", ())

    def run_began(self, run_id: str, started_at: str, folder: str) -> None:
        self._change(
            "INSERT OR IGNORE INTO runs (run_id, started_at) VALUES (?, ?)", (run_id, started_at)
        )

    def run_finished(self, run_id: str, finished_at: str) -> None:
        self._change("UPDATE runs SET finished_at = ? WHERE run_id = ?", (finished_at, run_id))
        self.commit()

    def finished_run_since(self, moment: str) -> str | None:
        """A run of the site that started at or after ``moment`` (ISO 8601, UTC) and finished."""
        row = self._db.execute(
            "SELECT run_id FROM runs WHERE started_at >= ? AND finished_at IS NOT NULL "
            "ORDER BY started_at LIMIT 1",
            (moment,),
        ).fetchone()
        return row[0] if row else None

    def validators(self, url: str) -> Validators | None:
        row = self._db.execute(
            "SELECT etag, last_modified, lastmod FROM validators WHERE url = ?", (url,)
        ).fetchone()
        return Validators(*row) if row else None

    def remember_validators(self, url: str, validators: Validators) -> None:
        self._change(
            "INSERT INTO validators (url, etag, last_modified, lastmod) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
            "last_modified = excluded.last_modified, lastmod = excluded.lastmod",
            (url, validators.etag, validators.last_modified, validators.lastmod),
        )

    def rate_value(self, key: RateKey) -> str | None:
        row = self._db.execute(
            "SELECT value FROM rates WHERE source = ? AND as_of = ? AND currency = ?",
            (key.source, key.as_of, key.currency),
        ).fetchone()
        return row[0] if row else None

    def remember_rate(self, key: RateKey, value: str) -> None:
        self._change(
            "INSERT INTO rates (source, as_of, currency, value) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (source, as_of, currency) DO UPDATE SET value = excluded.value",
            (key.source, key.as_of, key.currency, value),
        )

    def capture(self, url: str, payload_digest: str) -> KnownCapture | None:
        row = self._db.execute(
            "SELECT record_id, date FROM captures WHERE url = ? AND payload_digest = ?",
            (url, payload_digest),
        ).fetchone()
        return KnownCapture(*row) if row else None

    def remember_capture(self, url: str, payload_digest: str, record_id: str, date: str) -> None:
        # The first capture stays the one revisits point at.
        self._change(
            "INSERT OR IGNORE INTO captures (url, payload_digest, record_id, date) "
            "VALUES (?, ?, ?, ?)",
            (url, payload_digest, record_id, date),
        )

    def is_indexed(self, file_name: str) -> bool:
        query = "SELECT 1 FROM indexed_files WHERE name = ?"
        return self._db.execute(query, (file_name,)).fetchone() is not None

    def mark_indexed(self, file_name: str) -> None:
        # Committed together with the file's rows still pending: never marked without them.
        self._change("INSERT OR IGNORE INTO indexed_files (name) VALUES (?)", (file_name,))
        self.commit()

    def flag(self, name: str) -> bool:
        row = self._db.execute("SELECT value FROM flags WHERE name = ?", (name,)).fetchone()
        return bool(row and row[0])

    def set_flag(self, name: str, value: bool) -> None:
        self._change(
            "INSERT INTO flags (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, int(value)),
        )
        self.commit()  # a run's flag must hold even if the run is killed the next moment

    def count(self, table: str) -> int:
        """The rows of one of ``TABLES``."""
        row = self._db.execute(f"SELECT count(*) FROM {_table(table)}").fetchone()
        return int(row[0])

    def rows(self, table: str) -> Iterator[tuple[object, ...]]:
        """Every row of one of ``TABLES``, its columns in ``TABLES``' order (flags as bools)."""
        columns = ", ".join(TABLES[_table(table)])
        for row in self._db.execute(f"SELECT {columns} FROM {table}"):
            yield (row[0], bool(row[1])) if table == "flags" else row

    def add_rows(self, table: str, rows: Iterable[tuple[object, ...]]) -> None:
        """Add rows to one of ``TABLES`` (an empty store's: a row already there is an error)."""
        columns = TABLES[_table(table)]
        marks = ", ".join("?" * len(columns))
        if not self._db.in_transaction:
            self._db.execute("BEGIN IMMEDIATE")
        self._db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        self.commit()

    def clear(self) -> None:
        """Forget everything (``store copy --replace``)."""
        if not self._db.in_transaction:
            self._db.execute("BEGIN IMMEDIATE")
        for table in (*TABLES, "claims"):
            self._db.execute(f"DELETE FROM {table}")
        self.commit()

    def close(self) -> None:
        self.commit()
        self._db.close()


def _table(name: str) -> str:
    """One of ``TABLES``, checked: table names are put into SQL text."""
    if name not in TABLES:
        raise ValueError(f"no table {name!r} in the store")
    return name
