"""The on-disk archive of one site: JSONL files plus the store that remembers them.

Layout under the archive folder (``--out``, default ``./archive``)::

    <site>/articles/<run>-0001.jsonl   article records, one file per run (rolled when large)
    <site>/rates/<run>-0001.jsonl      rate rows
    <site>/quarantine/<run>-0001.jsonl records that failed validation, with the reason
    <site>/runs.jsonl                  one record per finished run: counts, errors, health
    <site>/state.sqlite3               what has been archived (see store.py)
    <site>/.lock                       held by the one run writing this site (see lock.py)

A record is remembered in the store only after its line is written, and every published file is
indexed into the store when a run opens the archive, so the store never claims a record the
files lack, and a killed run's records are remembered by the next one.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsarchive.archive import lock
from newsarchive.archive.files import JsonlWriter, archive_files, publish_leftovers, read_records
from newsarchive.archive.lock import ArchiveBusyError
from newsarchive.archive.store import ArchiveStore, KnownArticle, RateKey, SqliteStore
from newsarchive.records import SCHEMA_VERSION, dumps, rate_value

__all__ = [
    "Archive",
    "ArchiveBusyError",
    "ArchiveStore",
    "KnownArticle",
    "RateKey",
    "SqliteStore",
    "read_runs",
]

logger = logging.getLogger(__name__)

KINDS = {"article": "articles", "rates": "rates"}
QUARANTINE = "quarantine"
RUNS_FILE = "runs.jsonl"
LISTINGS_COMPLETE = "listings_complete"
# Rate keys whose stored value a run keeps at hand (see Archive._rates); a bound, not a need.
_REMEMBERED_RATE_KEYS = 4096


class Archive:
    """One run's handle on a site's archive: locked, recovered, and ready to append."""

    def __init__(
        self,
        root: Path,
        site: str,
        run_id: str,
        *,
        roll_records: int = 5000,
        store_class: Callable[[Path], ArchiveStore] = SqliteStore,
        compress: bool = False,
    ) -> None:
        self.folder = root / site
        self.run_id = run_id
        self.roll_records = roll_records
        self.store_class = store_class
        self.compress = compress
        self.store: ArchiveStore
        # Runs that were killed: their leftover files were published when this one opened.
        self.recovered_runs: list[str] = []
        # Whether the last run walked the listings down to what was already archived. If not
        # (killed, limited, a listing page failed), older articles may be missing below the
        # newest ones, and this run must not stop at the first page of nothing new.
        self.listings_were_complete = False
        self._locked = False
        self._writers: dict[str, JsonlWriter] = {}
        # The stored value of each rate key this run looked up or wrote: every page shows the
        # same widget, so each of its rows is looked up once per page. A handful of keys (one
        # per currency and day), kept in step with the store by ``_remember``.
        self._rates: dict[RateKey, str | None] = {}

    @staticmethod
    def is_busy(root: Path, site: str) -> bool:
        """Whether another process is writing the site's archive now."""
        return lock.is_held_elsewhere(root / site)

    def open(self) -> None:
        lock.acquire(self.folder)
        self._locked = True
        self.store = self.store_class(self.folder / "state.sqlite3")
        self._recover()
        self.listings_were_complete = self.store.flag(LISTINGS_COMPLETE)
        # Cleared until this run proves otherwise: a kill leaves it cleared for the next run.
        self.store.set_flag(LISTINGS_COMPLETE, False)

    def write(self, record: dict[str, Any]) -> None:
        """Append a record to its kind's file, then remember it."""
        self._writer(KINDS[record["kind"]]).write(dumps(record))
        self._remember(record)

    def quarantine(self, record: dict[str, Any], reason: str) -> None:
        """Keep a record that failed validation beside the archive, with why; never remember it."""
        entry = {
            "kind": "quarantined",
            "schema_version": SCHEMA_VERSION,
            "run_id": self.run_id,
            "site": self.folder.name,
            "url": record.get("url"),
            "reason": reason,
            "record": record,
        }
        self._writer(QUARANTINE).write(dumps(entry))

    def _writer(self, folder: str) -> JsonlWriter:
        writer = self._writers.get(folder)
        if writer is None:
            writer = JsonlWriter(
                self.folder / folder,
                self.run_id,
                roll_records=self.roll_records,
                compress=self.compress,
            )
            self._writers[folder] = writer
        return writer

    def known_article(self, article_id: str) -> KnownArticle | None:
        return self.store.article(article_id)

    def touch_article(self, article_id: str, fetched_at: str) -> None:
        self.store.touch_article(article_id, fetched_at)

    def known_rate(self, record: dict[str, Any]) -> str | None:
        key = _rate_key(record)
        try:
            return self._rates[key]
        except KeyError:
            pass
        value = self.store.rate_value(key)
        if len(self._rates) >= _REMEMBERED_RATE_KEYS:
            self._rates.clear()
        self._rates[key] = value
        return value

    def mark_listings_complete(self) -> None:
        """This run walked every listing page it had to: the next run may stop early."""
        self.store.set_flag(LISTINGS_COMPLETE, True)

    def published_files(self) -> list[Path]:
        return [path for writer in self._writers.values() for path in writer.published]

    def append_run(self, record: dict[str, Any]) -> None:
        """Add the run's record to ``runs.jsonl``: one write of one whole line, then fsync."""
        line = (dumps(record) + "\n").encode()
        descriptor = os.open(self.folder / RUNS_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, line)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def finish_writing(self) -> None:
        """Publish every file this run wrote (idempotent)."""
        for writer in self._writers.values():
            writer.close()
        for path in self.published_files():
            self.store.mark_indexed(_index_name(self.folder, path))

    def close(self) -> None:
        self.finish_writing()
        self.store.close()
        if self._locked:
            lock.release(self.folder)
            self._locked = False

    def _remember(self, record: dict[str, Any]) -> None:
        if record["kind"] == "article":
            self.store.remember_article(
                record["id"],
                record["version"],
                record["content_hash"],
                record["url"],
                record["fetched_at"],
            )
        else:
            key, value = _rate_key(record), rate_value(record)
            self.store.remember_rate(key, value)
            if key in self._rates:
                self._rates[key] = value

    def _recover(self) -> None:
        """Publish what a killed run left and index every file the store has not seen."""
        _trim_torn_line(self.folder / RUNS_FILE)
        recovered: set[str] = set()
        for folder in (*KINDS.values(), QUARANTINE):
            for path in publish_leftovers(self.folder / folder):
                recovered.add(path.name.rsplit("-", 1)[0])
        for folder in KINDS.values():
            for path in archive_files([self.folder / folder]):
                name = _index_name(self.folder, path)
                if self.store.is_indexed(name):
                    continue
                count = 0
                for record in read_records(path):
                    self._remember(record)
                    count += 1
                self.store.mark_indexed(name)
                logger.info("indexed %d records of %s into the archive's store", count, path)
        self.recovered_runs = sorted(recovered)
        for run in self.recovered_runs:
            logger.warning(
                "run %s was killed before it finished; its complete records were kept", run
            )


def read_runs(folder: Path) -> list[dict[str, Any]]:
    """The run records of a site's archive folder, oldest first."""
    path = folder / RUNS_FILE
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.endswith("\n")]


def _trim_torn_line(path: Path) -> None:
    if not path.exists():
        return
    with path.open("r+b") as handle:
        data = handle.read()
        keep = data.rfind(b"\n") + 1
        if keep < len(data):
            handle.truncate(keep)


def _rate_key(record: dict[str, Any]) -> RateKey:
    return RateKey(record["source"] or "", record["as_of"], record["currency"])


def _index_name(folder: Path, path: Path) -> str:
    return os.path.relpath(path, folder)
