"""The on-disk archive of one site: JSONL files plus the store that remembers them.

Layout under the archive folder (``--out``, default ``./archive``)::

    <site>/articles/<run>-0001.jsonl   article records, one file per run (rolled when large)
    <site>/rates/<run>-0001.jsonl      rate rows
    <site>/quarantine/<run>-0001.jsonl records that failed validation, with the reason
    <site>/warc/<run>-0001.warc.gz     every page as received (see newsarchive.evidence)
    <site>/runs.jsonl                  one record per finished run: counts, errors, health
    <site>/state.sqlite3               what has been archived (see store.py)
    <site>/.lock                       held by the one run writing this site (see lock.py)

A page's WARC record is written and flushed before any record read from it, so a record's
``source`` never names bytes the WARC files lack. A record is remembered in the store only
after its line is written, and every published file is indexed into the store when a run opens
the archive, so the store never claims a record the files lack, and a killed run's records are
remembered by the next one. A write that fails (disk full, quota, I/O error) ends the run's
writing: it publishes nothing more, and the next run recovers its complete lines (and its
pages' whole records) as it does a killed run's.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib
import json
import logging
import os
import socket
import sqlite3
from collections.abc import Callable, Collection, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsarchive.archive import lock
from newsarchive.archive.files import (
    JsonlWriter,
    archive_files,
    publish_leftovers,
    read_lines,
    read_records,
    trim_torn_line,
)
from newsarchive.archive.lock import ArchiveBusyError
from newsarchive.archive.store import (
    ArchiveStore,
    KnownArticle,
    RateKey,
    SqliteStore,
    StoreError,
    Validators,
)
from newsarchive.evidence import warcfiles
from newsarchive.evidence.warcfiles import Capture, Exchange, FirstCapture, WarcFiles
from newsarchive.records import dumps, rate_value
from newsarchive.schema import SCHEMA_VERSION
from newsarchive.schema import record as schema_record

__all__ = [
    "Archive",
    "ArchiveBusyError",
    "ArchiveStore",
    "ArchiveWriteError",
    "KnownArticle",
    "RateKey",
    "SqliteStore",
    "Validators",
    "finished_run_since",
    "folder_label",
    "newer_schema_message",
    "newer_schema_version",
    "store_opener",
]

logger = logging.getLogger(__name__)

KINDS = {"article": "articles", "rates": "rates"}
QUARANTINE = "quarantine"
RUNS_FILE = "runs.jsonl"
LISTINGS_COMPLETE = "listings_complete"
# Rate keys whose stored value a run keeps at hand (see Archive._rates); a bound, not a need.
_REMEMBERED_RATE_KEYS = 4096
# How much of the end of runs.jsonl holds its last record (see newer_schema_version).
_TAIL_BYTES = 1 << 16
# How the store writes the instants runs began and finished at: ISO 8601 to the microsecond,
# UTC, so that they compare as text.
_INSTANT = "%Y-%m-%dT%H:%M:%S.%fZ"
# The store of a site's records unless --store or NEWSARCHIVE_STORE names another.
DEFAULT_STORE = "newsarchive.archive.store.SqliteStore"


class ArchiveWriteError(RuntimeError):
    """The archive could not be written (disk full, quota, I/O error); the message says where."""


class Archive:
    """One run's handle on a site's archive: locked, recovered, and ready to append."""

    def __init__(
        self,
        root: Path,
        site: str,
        run_id: str,
        *,
        roll_records: int = 5000,
        store: str = DEFAULT_STORE,
        compress: bool = False,
        on_failure: Callable[[ArchiveWriteError], None] | None = None,
        warc_max_bytes: int | None = None,
        warc_info: dict[str, str] | None = None,
        worker: str | None = None,
        listings_complete: bool = False,
        worker_killed: Callable[[str], bool] | None = None,
    ) -> None:
        self.folder = root / site
        self.run_id = run_id
        # One of the workers of a crawl that shares a frontier (newsarchive.frontier): its
        # coordinator holds the lock, recovers the folder and writes the run record; the
        # worker only writes its own files, named <run id>.<worker>-NNNN.
        self.worker = worker
        self.stem = run_id if worker is None else f"{run_id}.{worker}"
        # Whether the crawl saw a worker of it killed (from its coordinator, through Redis).
        self.worker_killed = worker_killed
        self.roll_records = roll_records
        # What remembers the site's records (a class path or a postgresql:// URL); with a
        # PostgreSQL store the site's lock is taken there too, for every machine to see.
        self.store_spec = store
        self.compress = compress
        # Called once, with the first write that failed: the crawl has nothing left to do.
        self.on_failure = on_failure
        self.failed: ArchiveWriteError | None = None
        self.store: ArchiveStore
        self._store_open = False
        # Runs that were killed: their leftover files were published when this one opened.
        self.recovered_runs: list[str] = []
        # Whether the last run walked the listings down to what was already archived. If not
        # (killed, limited, a listing page failed), older articles may be missing below the
        # newest ones, and this run must not stop at the first page of nothing new.
        self.listings_were_complete = listings_complete
        self._locked = False
        self._writers: dict[str, JsonlWriter] = {}
        # Every page as received, when the run keeps evidence (None: --no-warc).
        self.warc = (
            WarcFiles(
                self.folder / warcfiles.WARC_FOLDER,
                self.stem,
                max_bytes=warc_max_bytes,
                info=warc_info or {},
            )
            if warc_max_bytes is not None
            else None
        )
        # The stored value of each rate key this run looked up or wrote: every page shows the
        # same widget, so each of its rows is looked up once per page. A handful of keys (one
        # per currency and day), kept in step with the store by ``_remember``.
        self._rates: dict[RateKey, str | None] = {}

    def open(self, *, joining: bool = False) -> None:
        """Lock the site, recover what killed runs left, and begin this run in the store.

        A worker of a crawl with workers (``worker``), and a process ``joining`` such a crawl
        on another machine, only open the store: the crawl's coordinator did the rest.
        """
        if joining or self.worker is not None:
            with self._writing():
                self.store = store_opener(self.store_spec, self.run_id)(
                    self.folder / "state.sqlite3"
                )
                self._store_open = True
            return
        try:
            with self._writing():
                lock.acquire(self.folder, self.store_spec)
                self._locked = True
                opener = store_opener(self.store_spec, self.run_id)
                self.store = opener(self.folder / "state.sqlite3")
                self._store_open = True
                self._recover()
                # Under the site's lock no other run writes the site: the claims of runs that
                # were killed between a claim and its line would only hide those articles
                # (those of runs killed in another folder stay: see release_claims).
                where = folder_label(self.folder)
                self.store.release_claims(where)
                self.store.run_began(self.run_id, _utc_now(), where)
                self.listings_were_complete = self.store.flag(LISTINGS_COMPLETE)
                # Cleared until this run proves otherwise: a kill leaves it cleared for the next.
                self.store.set_flag(LISTINGS_COMPLETE, False)
        except ArchiveWriteError:
            self.close()
            raise

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Turn the first failed write, to a file or to the store, into ArchiveWriteError.

        From then on every write raises at once and nothing of this run is published: its
        files stay ``.part``, and the next run publishes their complete lines.
        """
        if self.failed is not None:
            raise ArchiveWriteError(str(self.failed))
        try:
            yield
        except (OSError, sqlite3.Error, StoreError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            self.failed = ArchiveWriteError(f"cannot write the archive at {self.folder}: {reason}")
            for writer in self._writers.values():
                writer.abandon()
            if self.warc is not None:
                self.warc.abandon()
            if self.on_failure is not None:
                self.on_failure(self.failed)
            raise self.failed from error

    def write(self, record: dict[str, Any]) -> None:
        """Append a record to its kind's file, then remember it."""
        with self._writing():
            self._writer(KINDS[record["kind"]]).write(dumps(record))
            self._remember(record, self.run_id)

    def write_claimed(self, record: dict[str, Any]) -> bool:
        """Claim the record in the store, then write it, in one step; False (nothing written)
        when another process sharing the store claimed it first: an article's version, or a
        rate row's key and values."""
        with self._writing():
            key = _claim(record)
            # A worker claims as itself: another worker may have to tell it was killed.
            if not self.store.claim(*key, self.stem) and not self._take_over(key):
                return False
            self._writer(KINDS[record["kind"]]).write(dumps(record))
            self._remember(record, self.run_id)
        return True

    def _take_over(self, key: tuple[str, int]) -> bool:
        """Take a claim a killed worker of this crawl, writing into this folder, left
        without writing its record: the request came back to the queue when its lease
        ended, and without this the record would wait for the next run.

        Only a worker that the crawl saw killed (``worker_killed``) and whose files, all
        in this folder, lack the record gives its claim up.
        """
        holder = self.store.claim_holder(*key)
        if (
            self.worker is None
            or self.worker_killed is None
            or holder is None
            or not holder.startswith(f"{self.run_id}.")
            or holder == self.stem
            or not self.worker_killed(holder.partition(".")[2])
        ):
            return False
        kind = "articles" if not key[0].startswith("rates ") else "rates"
        files = sorted((self.folder / kind).glob(f"{holder}-*"))
        if not files or any(_holds(path, key) for path in files):
            return False  # it wrote elsewhere, or it wrote the record
        if self.store.take_claim(*key, holder, self.stem):
            logger.warning("%s: taken over from killed worker %s, unwritten", key[0], holder)
            return True
        return False

    def capture(self, exchange: Exchange) -> Capture:
        """Keep a page as received in the run's WARC file; a payload this archive already holds
        for the URL becomes a revisit of its first capture."""
        assert self.warc is not None, "capture() needs an archive opened with warc_max_bytes"
        with self._writing():
            digest = warcfiles.payload_digest(exchange.body)
            known = self.store.capture(exchange.url, digest)
            first = FirstCapture(known.record_id, known.date) if known is not None else None
            captured = self.warc.write(exchange, first, digest)
            if first is None:
                self.store.remember_capture(exchange.url, digest, captured.record_id, captured.date)
            return captured

    def quarantine(self, record: dict[str, Any], reason: str) -> None:
        """Keep a record that failed validation beside the archive, with why; never remember it."""
        entry = schema_record(
            "quarantined",
            run_id=self.run_id,
            site=self.folder.name,
            url=record.get("url"),
            reason=reason,
            record=record,
        )
        with self._writing():
            self._writer(QUARANTINE).write(dumps(entry))

    def _writer(self, folder: str) -> JsonlWriter:
        writer = self._writers.get(folder)
        if writer is None:
            writer = JsonlWriter(
                self.folder / folder,
                self.stem,
                roll_records=self.roll_records,
                compress=self.compress,
            )
            self._writers[folder] = writer
        return writer

    def known_article(self, article_id: str) -> KnownArticle | None:
        with self._writing():  # a store that fails here fails the run, as on a write
            return self.store.article(article_id)

    def known_articles(self, article_ids: Collection[str]) -> dict[str, KnownArticle]:
        """The ones of ``article_ids`` the store holds, by id, in one look-up."""
        with self._writing():
            return self.store.articles(article_ids)

    def validators(self, url: str) -> Validators | None:
        """What the store keeps of a listing page, sitemap or feed (``newsarchive.conditional``)."""
        with self._writing():
            return self.store.validators(url)

    def remember_validators(self, url: str, validators: Validators) -> None:
        with self._writing():
            self.store.remember_validators(url, validators)

    def touch_article(self, article_id: str, fetched_at: str) -> None:
        with self._writing():
            self.store.touch_article(article_id, fetched_at, self.run_id)

    def known_rate(self, record: dict[str, Any]) -> str | None:
        key = _rate_key(record)
        try:
            return self._rates[key]
        except KeyError:
            pass
        with self._writing():  # a store that fails here fails the run, as on a write
            value = self.store.rate_value(key)
        if len(self._rates) >= _REMEMBERED_RATE_KEYS:
            self._rates.clear()
        self._rates[key] = value
        return value

    def mark_listings_complete(self) -> None:
        """This run walked every listing page it had to: the next run may stop early."""
        with self._writing():
            self.store.set_flag(LISTINGS_COMPLETE, True)

    def published_files(self) -> list[Path]:
        """The JSONL files and then the WARC files this run published."""
        return self._published_jsonl() + (self.warc.published if self.warc is not None else [])

    def _published_jsonl(self) -> list[Path]:
        return [path for writer in self._writers.values() for path in writer.published]

    def append_run(self, record: dict[str, Any]) -> None:
        """Add the run's record to ``runs.jsonl``: one write of one whole line, then fsync."""
        line = (dumps(record) + "\n").encode()
        with self._writing():
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
            descriptor = os.open(self.folder / RUNS_FILE, flags, 0o644)
            try:
                os.write(descriptor, line)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)

    def mark_finished(self) -> None:
        """Note in the store that this run finished (a killed run never does): ``crawl --all``
        leaves a site that finished in the current round to the machine that crawled it."""
        with self._writing():
            self.store.run_finished(self.run_id, _utc_now())

    def finish_writing(self) -> None:
        """Publish every file this run wrote (idempotent)."""
        with self._writing():
            for writer in self._writers.values():
                writer.close()
            if self.warc is not None:
                self.warc.close()
            for path in self._published_jsonl():
                self.store.mark_indexed(_index_name(self.folder, path))

    def close(self) -> None:
        """Publish the run's files, close the store, release the lock.

        After a failed write nothing is published (the next run recovers the files) and a
        failing last commit is let go (the next run indexes what the store missed).
        """
        try:
            if self.failed is None:
                self.finish_writing()
                with self._writing():
                    self._close_store()
        finally:
            with contextlib.suppress(sqlite3.Error, StoreError):
                self._close_store()
            if self._locked:
                lock.release(self.folder)
                self._locked = False

    def _close_store(self) -> None:
        if self._store_open:
            self._store_open = False
            self.store.close()

    def _remember(self, record: dict[str, Any], run_id: str | None) -> None:
        if record["kind"] == "article":
            self.store.remember_article(
                record["id"],
                record["version"],
                record["content_hash"],
                record["url"],
                record["fetched_at"],
                run_id,
            )
        else:
            key, value = _rate_key(record), rate_value(record)
            self.store.remember_rate(key, value)
            if key in self._rates:
                self._rates[key] = value

    def publish_leftovers(self) -> set[str]:
        """Publish the complete lines and WARC records of the files runs left unfinished (no
        process may be writing them: the caller holds the folder's lock and its workers have
        exited); the runs that left them."""
        recovered: set[str] = set()
        for folder in (*KINDS.values(), QUARANTINE):
            for path in publish_leftovers(self.folder / folder):
                recovered.add(run_of_file(path))
        for path in warcfiles.publish_leftovers(self.folder / warcfiles.WARC_FOLDER):
            recovered.add(run_of_file(path))
        return recovered

    def recover_workers(self) -> list[Path]:
        """At the end of a crawl with workers, once this folder's workers have exited: publish
        what a killed one left, index every file of the run into the store, and return the
        run's files in the folder (the run record lists them)."""
        with self._writing():
            self.publish_leftovers()
            self._index_files()
        warc_folder = self.folder / warcfiles.WARC_FOLDER
        return [
            path
            for folder in (*KINDS.values(), QUARANTINE)
            for path in archive_files([self.folder / folder])
            if run_of_file(path) == self.run_id
        ] + [
            path
            for path in sorted(warc_folder.glob(f"*{warcfiles.WARC_SUFFIX}"))
            if run_of_file(path) == self.run_id
        ]

    def _recover(self) -> None:
        """Publish what a killed run left and index every file the store has not seen."""
        if (self.folder / RUNS_FILE).exists():
            trim_torn_line(self.folder / RUNS_FILE)
        recovered = self.publish_leftovers()
        self._index_files()
        self.recovered_runs = sorted(recovered - {self.run_id})
        for run in self.recovered_runs:
            logger.warning(
                "run %s was killed before it finished; its complete records were kept", run
            )

    def _index_files(self) -> None:
        """Remember the records of every file the store has not indexed yet."""
        for folder in KINDS.values():
            for path in archive_files([self.folder / folder]):
                name = _index_name(self.folder, path)
                if self.store.is_indexed(name):
                    continue
                count = 0
                run = run_of_file(path)
                for record in read_records(path):
                    self._remember(record, run)
                    count += 1
                self.store.mark_indexed(name)
                logger.info("indexed %d records of %s into the archive's store", count, path)


def folder_label(folder: Path) -> str:
    """A site's archive folder as the store names it, ``<host>:<absolute path>``: the claims
    of a run killed in a folder are kept until a run in that folder reads its files."""
    return f"{socket.gethostname()}:{folder.resolve()}"


def run_of_file(path: Path) -> str:
    """The run that wrote an archive file: ``<run id>-NNNN`` or, by a worker of a crawl that
    shares a frontier, ``<run id>.<worker>-NNNN`` (run ids hold no dot).

    >>> run_of_file(Path("20261207T010000Z-crawler-1-3f9a.w2-0001.jsonl"))
    '20261207T010000Z-crawler-1-3f9a'
    """
    return path.name.rsplit("-", 1)[0].split(".", 1)[0]


def newer_schema_version(folder: Path) -> int | None:
    """The schema_version of a site's archive if a newer newsarchive wrote it, else None.

    A newer version's run leaves its records last: the last run record and the first record of
    the newest article and rate files are read. This version must not append to such an
    archive (its store and files may mean something else by now).
    """
    lines: list[bytes | str] = []  # json.loads reads either
    runs = folder / RUNS_FILE
    if runs.is_file():
        with runs.open("rb") as handle:
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - _TAIL_BYTES))
            complete = handle.read().split(b"\n")[:-1]
        lines += complete[-1:]
    for kind in KINDS.values():
        if (folder / kind).is_dir():
            lines += [next(read_lines(path), "") for path in archive_files([folder / kind])[-1:]]
    versions = []
    for line in lines:
        try:
            version = json.loads(line).get("schema_version")
        except (ValueError, AttributeError):
            continue  # not a record at all: for `newsarchive validate` to report, not this
        if isinstance(version, int) and not isinstance(version, bool):
            versions.append(version)
    newest_version = max(versions, default=SCHEMA_VERSION)
    return newest_version if newest_version > SCHEMA_VERSION else None


def newer_schema_message(folder: Path, version: int) -> str:
    """Why a run refuses an archive a newer newsarchive wrote (``newer_schema_version``)."""
    return (
        f"{folder} holds records of schema_version {version}, newer than this newsarchive "
        f"writes ({SCHEMA_VERSION}): upgrade newsarchive; the archive was not touched"
    )


def store_opener(spec: str, run_id: str | None = None) -> Callable[[Path], ArchiveStore]:
    """What opens a site's store from ``NEWSARCHIVE_STORE``: a ``postgresql://`` URL (one
    database for every site, its rows keyed by the site's folder name), or the import path of
    a class built with the path it may keep its state at (``SqliteStore``: ``state.sqlite3``
    in the site's folder).

    >>> store_opener("newsarchive.archive.store.SqliteStore") is SqliteStore
    True
    """
    if spec.startswith(("postgresql://", "postgres://")):
        from newsarchive.archive.pgstore import PostgresStore  # the optional extra

        def open_postgres(path: Path) -> ArchiveStore:
            return PostgresStore(spec, site=path.parent.name, run_id=run_id)

        return open_postgres
    module, _, name = spec.rpartition(".")
    opener: Callable[[Path], ArchiveStore] = getattr(importlib.import_module(module), name)
    return opener


def finished_run_since(folder: Path, store: str | None, moment: datetime) -> str | None:
    """The id of a run of the site in ``folder`` that started at or after ``moment`` and
    finished, as the site's store (``store``, or the folder's ``state.sqlite3``) remembers it:
    the round's work done, here or on another machine sharing the store. The caller holds the
    site's lock, or takes the answer as a hint."""
    local = folder / "state.sqlite3"
    if store is None and not local.exists():
        return None  # never crawled into this folder: nothing to open, nothing to create
    opened = store_opener(store or DEFAULT_STORE)(local)
    try:
        return opened.finished_run_since(moment.astimezone(UTC).strftime(_INSTANT))
    finally:
        opened.close()


def _utc_now() -> str:
    return datetime.now(UTC).strftime(_INSTANT)


def _claim(record: dict[str, Any]) -> tuple[str, int]:
    """What a record is claimed under: an article's id and version; a rate row's key and
    values (a changed value is another row), as version 0.

    >>> _claim({"kind": "rates", "source": "cbu", "as_of": "2025-12-11", "currency": "USD",
    ...         "rate": 12020.9, "change": 17.72, "change_percent": None})
    ('rates cbu|2025-12-11|USD|12020.9|17.72|', 0)
    """
    if record["kind"] == "article":
        return record["id"], record["version"]
    key = _rate_key(record)
    return f"rates {key.source}|{key.as_of}|{key.currency}|{rate_value(record)}", 0


def _holds(path: Path, key: tuple[str, int]) -> bool:
    """Whether an archive file (published, or a killed worker's ``.part``) holds the record
    claimed under ``key``; a torn last line holds nothing."""
    opener = gzip.open if ".gz" in path.suffixes else open
    with opener(path, "rb") as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("kind") in KINDS and _claim(record) == key:
                return True
    return False


def _rate_key(record: dict[str, Any]) -> RateKey:
    return RateKey(record["source"] or "", record["as_of"], record["currency"])


def _index_name(folder: Path, path: Path) -> str:
    return os.path.relpath(path, folder)
