"""The archive's memory in PostgreSQL: one database for every site, shared by several machines.

``PostgresStore`` implements ``ArchiveStore`` as ``SqliteStore`` does, with each row keyed by
its site, so that one database holds the memory of every site an institute archives. It is
chosen by a ``postgresql://`` URL in ``--store`` or ``NEWSARCHIVE_STORE`` (psycopg 3, the
``newsarchive[postgresql]`` extra). The program creates and migrates its tables: the version
is kept in ``newsarchive_schema``, and a database a newer newsarchive migrated is refused
(``NewerStoreError``), as archives are.

Writes follow ``SqliteStore``'s contract: a row is added after its record's line is in the
files, changes are committed in groups (every ``commit_every`` changes or ``commit_seconds``)
and at once by ``mark_indexed``, ``set_flag`` and ``close``. An article's row is claimed with
``INSERT … ON CONFLICT``, so two processes that remember the same id at once leave one row, at
the higher version.

The connection stays in psycopg's pipeline mode: a change is sent without waiting for the
server's answer, which comes with the next statement whose answer is needed (a lookup, a claim,
a commit). With ``articles`` (a listing page's links looked up together), a new article makes a
crawl wait for the server about 3 times instead of 7. An error in a change surfaces at that next
wait, as the ``StoreError`` that fails the run.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from typing import Any

import psycopg

from newsarchive.archive.store import (
    TABLES,
    CommitGroups,
    KnownArticle,
    KnownCapture,
    RateKey,
    StoreError,
    StoreUnreachableError,
    Validators,
)

__all__ = [
    "STORE_VERSION",
    "NewerStoreError",
    "PostgresStore",
    "StoreUnreachableError",
    "application_name",
    "describe_error",
    "where",
]

# The version of the tables below; bumped with a migration in _MIGRATIONS.
STORE_VERSION = 3

# Each entry migrates the database from the version before it (the first creates it).
_MIGRATIONS = (
    """
    CREATE TABLE IF NOT EXISTS newsarchive_articles (
        site TEXT NOT NULL,
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        url TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        run_id TEXT,
        PRIMARY KEY (site, id)
    );
    CREATE TABLE IF NOT EXISTS newsarchive_rates (
        site TEXT NOT NULL,
        source TEXT NOT NULL,
        as_of TEXT NOT NULL,
        currency TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (site, source, as_of, currency)
    );
    CREATE TABLE IF NOT EXISTS newsarchive_captures (
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        payload_digest TEXT NOT NULL,
        record_id TEXT NOT NULL,
        date TEXT NOT NULL,
        PRIMARY KEY (site, url, payload_digest)
    );
    CREATE TABLE IF NOT EXISTS newsarchive_indexed_files (
        site TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (site, name)
    );
    CREATE TABLE IF NOT EXISTS newsarchive_flags (
        site TEXT NOT NULL,
        name TEXT NOT NULL,
        value BOOLEAN NOT NULL,
        PRIMARY KEY (site, name)
    );
    """,
    """
    CREATE TABLE newsarchive_claims (
        site TEXT NOT NULL,
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        PRIMARY KEY (site, id, version)
    );
    CREATE TABLE newsarchive_runs (
        site TEXT NOT NULL,
        run_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        PRIMARY KEY (site, run_id)
    );
    CREATE TABLE newsarchive_validators (
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        lastmod TEXT,
        PRIMARY KEY (site, url)
    );
    """,
    # The folder (machine and path) each run writes into: the claims of a run killed in
    # another folder are kept until a run in that folder has read what it wrote.
    "ALTER TABLE newsarchive_runs ADD COLUMN folder TEXT;",
)
# Any number: the key of the advisory lock that serialises migrations between processes.
_MIGRATION_LOCK = 0x6E657773


class NewerStoreError(RuntimeError):
    """The database was migrated by a newer newsarchive: this one must not write to it."""


class PostgresStore:
    """``ArchiveStore`` in PostgreSQL for one site (``site``) of a shared database."""

    def __init__(
        self,
        url: str,
        site: str,
        *,
        run_id: str | None = None,
        commit_every: int = 1000,
        commit_seconds: float = 2.0,
    ) -> None:
        self._where = where(url)
        try:
            self._db = psycopg.connect(
                url, connect_timeout=10, application_name=application_name(site, run_id)
            )
        except psycopg.OperationalError as error:
            raise StoreUnreachableError(
                f"the store at {self._where} does not answer ({describe_error(error)})"
            ) from None
        self.site = site
        self._groups = CommitGroups(commit_every, commit_seconds)
        try:
            _migrate(self._db)
        except psycopg.Error as error:
            self._db.close()
            raise self._failed(error) from None
        self._pipeline = ExitStack()
        self._pipeline.enter_context(self._db.pipeline())

    def _failed(self, error: psycopg.Error) -> StoreError:
        return StoreError(f"the store at {self._where} failed: {describe_error(error)}")

    def _change(self, sql: str, parameters: tuple[object, ...]) -> None:
        self._execute(sql, parameters)
        if self._groups.add():
            self.commit()

    def commit(self) -> None:
        """Make the changes so far durable."""
        try:
            self._db.commit()
        except psycopg.Error as error:
            raise self._failed(error) from None
        self._groups.committed()

    def _one(self, sql: str, parameters: tuple[object, ...]) -> tuple[Any, ...] | None:
        cursor = self._execute(sql, parameters)
        try:
            return cursor.fetchone()  # the wait for this and every change sent before it
        except psycopg.Error as error:
            raise self._failed(error) from None

    @contextmanager
    def _unpipelined(self) -> Iterator[None]:
        """Leave pipeline mode for what it does not support: COPY and server-side cursors."""
        self._pipeline.close()  # waits for what was sent
        try:
            yield
        finally:
            if not self._db.closed:
                self._pipeline.enter_context(self._db.pipeline())

    def _execute(self, sql: str, parameters: tuple[object, ...]) -> psycopg.Cursor[Any]:
        """Run a statement; a server that went away or a cut connection is a ``StoreError``."""
        try:
            return self._db.execute(sql, parameters)
        except psycopg.Error as error:
            raise self._failed(error) from None

    def article(self, article_id: str) -> KnownArticle | None:
        row = self._one(
            "SELECT version, content_hash, fetched_at, run_id FROM newsarchive_articles "
            "WHERE site = %s AND id = %s",
            (self.site, article_id),
        )
        return KnownArticle(*row) if row else None

    def articles(self, article_ids: Collection[str]) -> dict[str, KnownArticle]:
        """The ones of ``article_ids`` the archive holds, by id: a listing page's links, in
        one wait for the server rather than one a link."""
        cursor = self._execute(
            "SELECT id, version, content_hash, fetched_at, run_id FROM newsarchive_articles "
            "WHERE site = %s AND id = ANY(%s)",
            (self.site, list(dict.fromkeys(article_ids))),
        )
        try:
            rows = cursor.fetchall()
        except psycopg.Error as error:
            raise self._failed(error) from None
        return {row[0]: KnownArticle(*row[1:]) for row in rows}

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
            "INSERT INTO newsarchive_articles "
            "(site, id, version, content_hash, url, fetched_at, run_id) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (site, id) DO UPDATE SET version = excluded.version, "
            "content_hash = excluded.content_hash, url = excluded.url, "
            "fetched_at = excluded.fetched_at, run_id = excluded.run_id "
            "WHERE excluded.version > newsarchive_articles.version",
            (self.site, article_id, version, content_hash, url, fetched_at, run_id),
        )

    def touch_article(self, article_id: str, fetched_at: str, run_id: str) -> None:
        self._change(
            "UPDATE newsarchive_articles SET fetched_at = greatest(fetched_at, %s), "
            "run_id = %s WHERE site = %s AND id = %s",
            (fetched_at, run_id, self.site, article_id),
        )

    def claim(self, article_id: str, version: int, run_id: str) -> bool:
        """Take the right to write ``version`` of an article: True for exactly one caller of
        every process sharing the store. Committed at once: an uncommitted claim would make
        the others wait for this run's group, and two runs claiming in different orders would
        deadlock."""
        cursor = self._execute(
            "INSERT INTO newsarchive_claims (site, id, version, run_id) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (self.site, article_id, version, run_id),
        )
        self.commit()
        return cursor.rowcount == 1

    def claim_holder(self, article_id: str, version: int) -> str | None:
        """Who holds the claim on this version: a run id, or ``<run id>.<worker>``."""
        row = self._one(
            "SELECT run_id FROM newsarchive_claims WHERE site = %s AND id = %s AND version = %s",
            (self.site, article_id, version),
        )
        return str(row[0]) if row else None

    def take_claim(self, article_id: str, version: int, holder: str, run_id: str) -> bool:
        """Take over a claim ``holder`` still holds (a killed worker of this crawl that never
        wrote the record); True if it was still its. Committed at once, as a claim."""
        cursor = self._execute(
            "UPDATE newsarchive_claims SET run_id = %s "
            "WHERE site = %s AND id = %s AND version = %s AND run_id = %s",
            (run_id, self.site, article_id, version, holder),
        )
        self.commit()
        return cursor.rowcount == 1

    def release_claims(self, folder: str) -> None:
        """Forget the claims of runs that are over (called under the site's lock, when no
        other run of the site is writing): a run killed between a claim and its record's line
        must not keep the article from the next run. The articles table says what is written,
        once the opening run has indexed its folder's files; but a run that wrote into another
        folder (``run_began``) and never finished may have written lines whose rows were not
        committed yet, which only a run in that folder can read: its claims are kept, so no
        other folder archives those versions again, until that folder's next run.
        Committed with the run's first flag, as ``run_began``."""
        self._change(
            "DELETE FROM newsarchive_claims AS claim WHERE site = %s AND NOT EXISTS ("
            "SELECT 1 FROM newsarchive_runs AS run WHERE run.site = claim.site "
            # A worker of a crawl claims as <run id>.<worker>.
            "AND run.run_id = split_part(claim.run_id, '.', 1) "
            "AND run.finished_at IS NULL AND run.folder <> %s)",
            (self.site, folder),
        )

    def run_began(self, run_id: str, started_at: str, folder: str) -> None:
        self._change(
            "INSERT INTO newsarchive_runs (site, run_id, started_at, folder) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (self.site, run_id, started_at, folder),
        )

    def run_finished(self, run_id: str, finished_at: str) -> None:
        self._change(
            "UPDATE newsarchive_runs SET finished_at = %s WHERE site = %s AND run_id = %s",
            (finished_at, self.site, run_id),
        )
        self.commit()

    def finished_run_since(self, moment: str) -> str | None:
        """A run of the site that started at or after ``moment`` (ISO 8601, UTC) and finished."""
        row = self._one(
            "SELECT run_id FROM newsarchive_runs WHERE site = %s AND started_at >= %s "
            "AND finished_at IS NOT NULL ORDER BY started_at LIMIT 1",
            (self.site, moment),
        )
        return row[0] if row else None

    def validators(self, url: str) -> Validators | None:
        row = self._one(
            "SELECT etag, last_modified, lastmod FROM newsarchive_validators "
            "WHERE site = %s AND url = %s",
            (self.site, url),
        )
        return Validators(*row) if row else None

    def remember_validators(self, url: str, validators: Validators) -> None:
        self._change(
            "INSERT INTO newsarchive_validators (site, url, etag, last_modified, lastmod) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (site, url) DO UPDATE SET "
            "etag = excluded.etag, last_modified = excluded.last_modified, "
            "lastmod = excluded.lastmod",
            (self.site, url, validators.etag, validators.last_modified, validators.lastmod),
        )

    def rate_value(self, key: RateKey) -> str | None:
        row = self._one(
            "SELECT value FROM newsarchive_rates "
            "WHERE site = %s AND source = %s AND as_of = %s AND currency = %s",
            (self.site, key.source, key.as_of, key.currency),
        )
        return row[0] if row else None

    def remember_rate(self, key: RateKey, value: str) -> None:
        self._change(
            "INSERT INTO newsarchive_rates (site, source, as_of, currency, value) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (site, source, as_of, currency) "
            "DO UPDATE SET value = excluded.value",
            (self.site, key.source, key.as_of, key.currency, value),
        )

    def capture(self, url: str, payload_digest: str) -> KnownCapture | None:
        row = self._one(
            "SELECT record_id, date FROM newsarchive_captures "
            "WHERE site = %s AND url = %s AND payload_digest = %s",
            (self.site, url, payload_digest),
        )
        return KnownCapture(*row) if row else None

    def remember_capture(self, url: str, payload_digest: str, record_id: str, date: str) -> None:
        # The first capture stays the one revisits point at.
        self._change(
            "INSERT INTO newsarchive_captures (site, url, payload_digest, record_id, date) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (self.site, url, payload_digest, record_id, date),
        )

    def is_indexed(self, file_name: str) -> bool:
        row = self._one(
            "SELECT 1 FROM newsarchive_indexed_files WHERE site = %s AND name = %s",
            (self.site, file_name),
        )
        return row is not None

    def mark_indexed(self, file_name: str) -> None:
        # Committed together with the file's rows still pending: never marked without them.
        self._change(
            "INSERT INTO newsarchive_indexed_files (site, name) VALUES (%s, %s) "
            "ON CONFLICT DO NOTHING",
            (self.site, file_name),
        )
        self.commit()

    def flag(self, name: str) -> bool:
        row = self._one(
            "SELECT value FROM newsarchive_flags WHERE site = %s AND name = %s", (self.site, name)
        )
        return bool(row and row[0])

    def set_flag(self, name: str, value: bool) -> None:
        self._change(
            "INSERT INTO newsarchive_flags (site, name, value) VALUES (%s, %s, %s) "
            "ON CONFLICT (site, name) DO UPDATE SET value = excluded.value",
            (self.site, name, value),
        )
        self.commit()  # a run's flag must hold even if the run is killed the next moment

    def count(self, table: str) -> int:
        """The site's rows of one of ``TABLES``."""
        row = self._one(f"SELECT count(*) FROM {_table(table)} WHERE site = %s", (self.site,))
        return int(row[0]) if row else 0

    def rows(self, table: str) -> Iterator[tuple[object, ...]]:
        """The site's rows of one of ``TABLES``, its columns in ``TABLES``' order."""
        columns = ", ".join(TABLES[table])
        name = _table(table)
        try:
            # A server-side cursor: a large archive's rows are not all held at once.
            with self._unpipelined(), self._db.cursor(name=f"copy_{table}") as cursor:
                cursor.execute(f"SELECT {columns} FROM {name} WHERE site = %s", (self.site,))
                yield from cursor
        except psycopg.Error as error:
            raise self._failed(error) from None

    def add_rows(self, table: str, rows: Iterable[tuple[object, ...]]) -> None:
        """Add rows to the site's part of one of ``TABLES`` (COPY: a row already there is an
        error, so only into a site the store holds nothing of)."""
        columns = ", ".join(("site", *TABLES[table]))
        try:
            statement = f"COPY {_table(table)} ({columns}) FROM STDIN"
            with self._unpipelined():
                with self._db.cursor() as cursor, cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row((self.site, *row))
                self._db.commit()
        except psycopg.Error as error:
            raise self._failed(error) from None

    def clear(self) -> None:
        """Forget everything of this site (``store copy --replace``); other sites stay."""
        for table in (*TABLES, "claims"):
            self._execute(f"DELETE FROM newsarchive_{table} WHERE site = %s", (self.site,))
        self.commit()

    def close(self) -> None:
        try:
            self.commit()
        finally:
            # Out of pipeline mode before the connection goes (else psycopg complains when it
            # collects the pipeline); after a failure there is nothing left to send.
            with suppress(psycopg.Error):
                self._pipeline.close()
            self._db.close()


def _migrate(db: psycopg.Connection[Any]) -> None:
    """Create or migrate the tables, one process at a time; refuse a newer database."""
    db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
    db.execute("CREATE TABLE IF NOT EXISTS newsarchive_schema (version INTEGER NOT NULL)")
    row = db.execute("SELECT max(version) FROM newsarchive_schema").fetchone()
    current = row[0] if row and row[0] is not None else 0
    if current > STORE_VERSION:
        db.rollback()
        raise NewerStoreError(
            f"the store was migrated by a newer newsarchive (store version {current}, this "
            f"one knows {STORE_VERSION}): upgrade newsarchive; the store was not touched"
        )
    for version in range(current + 1, STORE_VERSION + 1):
        db.execute(_MIGRATIONS[version - 1])
        db.execute("INSERT INTO newsarchive_schema (version) VALUES (%s)", (version,))
    db.commit()  # also ends the migration lock's transaction


def sites(url: str) -> list[str]:
    """The sites a PostgreSQL store holds anything of, sorted."""
    selects = " UNION ".join(f"SELECT site FROM newsarchive_{table}" for table in TABLES)
    try:
        with psycopg.connect(url, connect_timeout=10) as db:
            _migrate(db)
            return sorted(row[0] for row in db.execute(selects))
    except psycopg.OperationalError as error:
        raise StoreUnreachableError(
            f"the store at {where(url)} does not answer ({describe_error(error)})"
        ) from None


def _table(name: str) -> str:
    """The PostgreSQL table of one of ``TABLES``, checked: table names are put into SQL."""
    if name not in TABLES:
        raise ValueError(f"no table {name!r} in the store")
    return f"newsarchive_{name}"


def application_name(site: str, run_id: str | None, role: str = "") -> str:
    """What ``pg_stat_activity`` shows of a run's connection, so that an administrator sees
    whose it is (the run id names the machine; the same id names the run's files and record)
    and can end one run's sessions. The server keeps 63 bytes.

    >>> application_name("everyday", "20261207T010000Z-crawler-1-3f2a", "lock")
    'newsarchive lock everyday 20261207T010000Z-crawler-1-3f2a'
    """
    name = " ".join(part for part in ("newsarchive", role, site, run_id) if part)
    return name.encode()[:63].decode(errors="ignore")


def where(url: str) -> str:
    """The server a store URL names, ``host:port``, without its user or password.

    >>> where("postgresql://archiver:secret@db.example:6543/news")
    'db.example:6543'
    """
    info = psycopg.conninfo.conninfo_to_dict(url)
    return f"{info.get('host') or 'localhost'}:{info.get('port') or 5432}"


def describe_error(error: psycopg.Error) -> str:
    """The first line of what the server or the driver said: the message itself (libpq's
    later lines are hints, such as "before or while processing the request.")."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
