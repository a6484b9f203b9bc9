"""The on-disk archive of one site: JSONL files plus the store that remembers them.

Layout under the archive folder (``--out``, default ``./archive``)::

    <site>/articles/<run>-0001.jsonl   article records, one file per run (rolled when large)
    <site>/rates/<run>-0001.jsonl      rate rows
    <site>/state.sqlite3               what has been archived (see store.py)
    <site>/.lock                       held by the one run writing this site

A record is remembered in the store only after its line is written, and every published file is
indexed into the store when a run opens the archive, so the store never claims a record the
files lack, and a killed run's records are remembered by the next one.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO, Any

from newsarchive.archive.files import JsonlWriter, publish_leftovers, read_records
from newsarchive.archive.store import ArchiveStore, KnownArticle, RateKey, SqliteStore
from newsarchive.records import dumps, rate_value

__all__ = ["Archive", "ArchiveBusyError", "ArchiveStore", "KnownArticle", "RateKey", "SqliteStore"]

logger = logging.getLogger(__name__)

KINDS = {"article": "articles", "rates": "rates"}


class ArchiveBusyError(RuntimeError):
    """Another run holds this site's archive."""


class Archive:
    """One run's handle on a site's archive: locked, recovered, and ready to append."""

    def __init__(self, root: Path, site: str, run_id: str, *, roll_records: int = 5000) -> None:
        self.folder = root / site
        self.run_id = run_id
        self.roll_records = roll_records
        self.store: ArchiveStore
        self._lock: IO[str] | None = None
        self._writers: dict[str, JsonlWriter] = {}

    @staticmethod
    def is_busy(root: Path, site: str) -> bool:
        """Whether a run holds the site's archive now (for a clear message before starting)."""
        lock_path = root / site / ".lock"
        if not lock_path.exists():
            return False
        with lock_path.open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(lock, fcntl.LOCK_UN)
        return False

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = (self.folder / ".lock").open("a")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            self._lock = None
            raise ArchiveBusyError(f"another run is writing {self.folder}") from None
        self.store = SqliteStore(self.folder / "state.sqlite3")
        self._recover()

    def write(self, record: dict[str, Any]) -> None:
        """Append a record to its kind's file, then remember it."""
        folder = KINDS[record["kind"]]
        writer = self._writers.get(folder)
        if writer is None:
            writer = JsonlWriter(self.folder / folder, self.run_id, roll_records=self.roll_records)
            self._writers[folder] = writer
        writer.write(dumps(record))
        self._remember(record)

    def known_article(self, article_id: str) -> KnownArticle | None:
        return self.store.article(article_id)

    def known_rate(self, record: dict[str, Any]) -> str | None:
        return self.store.rate_value(_rate_key(record))

    def published_files(self) -> list[Path]:
        return [path for writer in self._writers.values() for path in writer.published]

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        for path in self.published_files():
            self.store.mark_indexed(_index_name(self.folder, path))
        self.store.close()
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def _remember(self, record: dict[str, Any]) -> None:
        if record["kind"] == "article":
            self.store.remember_article(
                record["id"], record["version"], record["content_hash"], record["url"]
            )
        else:
            self.store.remember_rate(_rate_key(record), rate_value(record))

    def _recover(self) -> None:
        """Publish what a killed run left and index every file the store has not seen."""
        for folder in KINDS.values():
            publish_leftovers(self.folder / folder)
            for path in sorted((self.folder / folder).glob("*.jsonl")):
                name = _index_name(self.folder, path)
                if self.store.is_indexed(name):
                    continue
                count = 0
                for record in read_records(path):
                    self._remember(record)
                    count += 1
                self.store.mark_indexed(name)
                logger.info("indexed %d records of %s into the archive's store", count, path)


def _rate_key(record: dict[str, Any]) -> RateKey:
    return RateKey(record["source"] or "", record["as_of"], record["currency"])


def _index_name(folder: Path, path: Path) -> str:
    return os.path.relpath(path, folder)
