"""The archive's store, SQLite and PostgreSQL alike: one suite, run against both backends.

PostgreSQL is the machine's real server (127.0.0.1:5432, trust auth, database ``test``); each
test gets a schema of its own. Without the server the PostgreSQL cases fail in CI and skip,
with the reason, elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from newsarchive.archive import store_opener
from newsarchive.archive.pgstore import (
    STORE_VERSION,
    NewerStoreError,
    PostgresStore,
    StoreUnreachableError,
)
from newsarchive.archive.store import ArchiveStore, KnownArticle, KnownCapture, RateKey
from tests.support.postgres import postgres_url

__all__ = ["postgres_url"]  # the fixture, used by name

Opener = Callable[[], ArchiveStore]


@pytest.fixture(params=["sqlite", "postgresql"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    """Opens the store of site ``everyday`` again each time it is called, as each run does."""
    folder = tmp_path / "everyday"
    folder.mkdir()
    spec = (
        "newsarchive.archive.store.SqliteStore"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    open_store = store_opener(spec)
    return lambda: open_store(folder / "state.sqlite3")


def test_an_article_is_remembered_and_never_steps_back(opener: Opener) -> None:
    store = opener()
    assert store.article("everyday:1") is None
    store.remember_article("everyday:1", 2, "sha256:b", "https://x/1", "2025-12-11T13:00:00Z", "r2")
    # Recovery may replay an older file: the newer version stays.
    store.remember_article("everyday:1", 1, "sha256:a", "https://x/1", "2025-12-10T13:00:00Z", "r1")
    # The same connection sees its uncommitted rows: deduplication within a run.
    assert store.article("everyday:1") == KnownArticle(2, "sha256:b", "2025-12-11T13:00:00Z", "r2")
    store.touch_article("everyday:1", "2025-12-12T08:00:00Z", "r3")
    store.touch_article("everyday:1", "2025-12-01T08:00:00Z", "r4")  # an earlier fetch
    store.close()
    again = opener()
    assert again.article("everyday:1") == KnownArticle(2, "sha256:b", "2025-12-12T08:00:00Z", "r4")
    again.remember_article("everyday:1", 3, "sha256:c", "https://x/1", "2025-12-13T00:00:00Z", None)
    assert again.article("everyday:1") == KnownArticle(3, "sha256:c", "2025-12-13T00:00:00Z", None)
    again.close()


def test_rates_captures_flags_and_indexed_files(opener: Opener) -> None:
    store = opener()
    key = RateKey("ЦБ", "2025-12-11", "USD")
    assert store.rate_value(key) is None
    store.remember_rate(key, "12020.9|17.72|")
    store.remember_rate(key, "12025|22|")
    assert store.capture("https://x/1", "sha1:AAA") is None
    store.remember_capture("https://x/1", "sha1:AAA", "<urn:first>", "2025-12-11T13:00:00Z")
    store.remember_capture("https://x/1", "sha1:AAA", "<urn:later>", "2025-12-12T13:00:00Z")
    assert not store.flag("listings_complete")
    store.set_flag("listings_complete", True)
    assert not store.is_indexed("articles/r1-0001.jsonl")
    store.mark_indexed("articles/r1-0001.jsonl")
    store.close()
    again = opener()
    assert again.rate_value(key) == "12025|22|"
    # The first capture stays the one later revisits point at.
    assert again.capture("https://x/1", "sha1:AAA") == KnownCapture(
        "<urn:first>", "2025-12-11T13:00:00Z"
    )
    assert again.capture("https://x/1", "sha1:BBB") is None
    assert again.flag("listings_complete")
    again.set_flag("listings_complete", False)
    assert not again.flag("listings_complete")
    assert again.is_indexed("articles/r1-0001.jsonl")
    again.close()


def test_sites_share_a_database_without_sharing_rows(postgres_url: str) -> None:
    everyday = PostgresStore(postgres_url, site="everyday")
    other = PostgresStore(postgres_url, site="other")
    everyday.remember_article("x:1", 1, "sha256:a", "https://x/1", "2025-12-11T13:00:00Z", "r")
    everyday.set_flag("listings_complete", True)
    everyday.commit()
    assert other.article("x:1") is None
    assert not other.flag("listings_complete")
    assert everyday.article("x:1") is not None
    everyday.close()
    other.close()


def test_the_store_is_created_once_and_a_newer_one_is_refused(postgres_url: str) -> None:
    PostgresStore(postgres_url, site="a").close()
    PostgresStore(postgres_url, site="b").close()  # already there: not migrated again
    with psycopg.connect(postgres_url, autocommit=True) as db:
        versions = [row[0] for row in db.execute("SELECT version FROM newsarchive_schema")]
        assert versions == [STORE_VERSION]
        db.execute("INSERT INTO newsarchive_schema (version) VALUES (%s)", (STORE_VERSION + 1,))
    with pytest.raises(NewerStoreError) as refused:
        PostgresStore(postgres_url, site="a")
    assert str(refused.value) == (
        f"the store was migrated by a newer newsarchive (store version {STORE_VERSION + 1}, "
        f"this one knows {STORE_VERSION}): upgrade newsarchive; the store was not touched"
    )


def test_a_server_that_does_not_answer_is_named_without_the_password() -> None:
    with pytest.raises(StoreUnreachableError) as unreachable:
        PostgresStore("postgresql://archiver:secret@127.0.0.1:1/news", site="everyday")
    message = str(unreachable.value)
    assert message.startswith("the store at 127.0.0.1:1 does not answer (")
    assert "secret" not in message
    assert "\n" not in message
