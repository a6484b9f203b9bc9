"""The archive's store, SQLite and PostgreSQL alike: one suite, run against both backends.

PostgreSQL is the machine's real server (127.0.0.1:5432, trust auth, database ``test``); each
test gets a schema of its own. Without the server the PostgreSQL cases fail in CI and skip,
with the reason, elsewhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from newsarchive.archive import lock, store_opener
from newsarchive.archive.pgstore import (
    _MIGRATIONS,
    STORE_VERSION,
    NewerStoreError,
    PostgresStore,
    StoreUnreachableError,
)
from newsarchive.archive.store import (
    ArchiveStore,
    KnownArticle,
    KnownCapture,
    RateKey,
    Validators,
)
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


def test_the_known_ones_of_many_ids_come_back_in_one_look_up(opener: Opener) -> None:
    """A listing page's links: more ids than SQLite takes in one query, some repeated."""
    store = opener()
    for number in range(0, 1200, 3):
        store.remember_article(
            f"everyday:{number}", 1, f"sha256:{number}", f"https://x/{number}", "2025-12-11", "r1"
        )
    store.commit()
    store.remember_article("everyday:1", 2, "sha256:new", "https://x/1", "2025-12-12", "r2")
    ids = [f"everyday:{number}" for number in range(1200)] + ["everyday:3", "elsewhere:3"]
    found = store.articles(ids)
    assert set(found) == {"everyday:1"} | {f"everyday:{n}" for n in range(0, 1200, 3)}
    assert found["everyday:3"] == KnownArticle(1, "sha256:3", "2025-12-11", "r1")
    # Its own uncommitted row too, as ``article`` sees it.
    assert found["everyday:1"] == KnownArticle(2, "sha256:new", "2025-12-12", "r2")
    assert "everyday:2" not in found
    assert store.articles([]) == {}
    store.close()


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


def test_a_version_is_claimed_once_and_claims_of_finished_runs_are_released(
    opener: Opener,
) -> None:
    store = opener()
    assert store.claim("everyday:1", 1, "r1")
    assert not store.claim("everyday:1", 1, "r1")  # once, even for the run that holds it
    assert store.claim("everyday:1", 2, "r1")  # another version is another claim
    # Another process sharing the store sees the claims: at once in PostgreSQL, in SQLite once
    # the group is committed (its claim would wait for the write lock until then).
    store.commit()
    other = opener()
    assert not other.claim("everyday:1", 2, "r2")
    assert other.claim("everyday:2", 1, "r2")
    other.close()
    store.close()
    # The next run, under the site's lock: a run killed between a claim and its record's line
    # must not keep the article from being archived.
    again = opener()
    again.release_claims("crawler-1:/archive/everyday")
    assert again.claim("everyday:1", 1, "r3")
    again.close()


def test_runs_are_noted_and_found_by_when_they_started(opener: Opener) -> None:
    store = opener()
    store.run_began("r1", "2026-12-07T09:59:58.000000Z", "crawler-1:/a")
    store.run_finished("r1", "2026-12-07T10:00:30.000000Z")
    # r2 is killed: it never finishes
    store.run_began("r2", "2026-12-07T10:00:05.000000Z", "crawler-1:/a")
    assert store.finished_run_since("2026-12-07T10:00:00.000000Z") is None
    store.run_began("r3", "2026-12-07T10:00:40.000000Z", "crawler-1:/a")
    store.run_finished("r3", "2026-12-07T10:01:10.000000Z")
    store.close()
    again = opener()
    assert again.finished_run_since("2026-12-07T10:00:00.000000Z") == "r3"
    assert again.finished_run_since("2026-12-07T09:00:00.000000Z") == "r1"
    assert again.finished_run_since("2026-12-07T11:00:00.000000Z") is None
    again.close()


def test_validators_are_kept_per_url(opener: Opener) -> None:
    store = opener()
    assert store.validators("https://x/sitemap.xml") is None
    store.remember_validators(
        "https://x/sitemap.xml", Validators('"v1"', "Mon, 07 Dec 2026 10:00:00 GMT", None)
    )
    store.remember_validators("https://x/sitemap-1.xml", Validators(lastmod="2026-12-07"))
    store.remember_validators("https://x/sitemap.xml", Validators('"v2"', None, None))
    store.close()
    again = opener()
    assert again.validators("https://x/sitemap.xml") == Validators('"v2"', None, None)
    assert again.validators("https://x/sitemap-1.xml") == Validators(None, None, "2026-12-07")
    again.close()


def test_the_advisory_lock_holds_a_site_for_one_run_anywhere(
    postgres_url: str, tmp_path: Path
) -> None:
    lock.acquire(tmp_path / "a" / "everyday", postgres_url)
    lock.acquire(tmp_path / "a" / "everyday", postgres_url)  # re-entrant in one process
    # Another folder (another machine) for the same site: the store refuses it.
    with pytest.raises(lock.ArchiveBusyError) as busy:
        lock.acquire(tmp_path / "b" / "everyday", postgres_url)
    assert str(busy.value) == (
        "another run is writing site everyday (it holds the site's lock in the store at "
        "127.0.0.1:5432, on this machine or another)"
    )
    lock.acquire(tmp_path / "b" / "other", postgres_url)  # another site is free
    lock.release(tmp_path / "b" / "other")
    lock.release(tmp_path / "a" / "everyday")
    with pytest.raises(lock.ArchiveBusyError):  # still held once
        lock.acquire(tmp_path / "b" / "everyday", postgres_url)
    lock.release(tmp_path / "a" / "everyday")
    lock.acquire(tmp_path / "b" / "everyday", postgres_url)
    lock.release(tmp_path / "b" / "everyday")


def test_a_lock_cut_off_with_its_connection_frees_the_site(
    postgres_url: str, tmp_path: Path
) -> None:
    lock.acquire(tmp_path / "a" / "everyday", postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        key = admin.execute(f"SELECT {lock._LOCK_KEY}", ("everyday",)).fetchone()[0]  # type: ignore[index]
        holders = admin.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND objsubid = 1 AND classid::bigint = %s AND objid::bigint = %s",
            ((key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF),
        ).fetchall()
        assert len(holders) == 1
        admin.execute("SELECT pg_terminate_backend(%s)", holders[0])  # the connection is cut
    deadline = time.monotonic() + 10
    while True:  # the server drops the lock as the cut session ends
        try:
            lock.acquire(tmp_path / "b" / "everyday", postgres_url)
            break
        except lock.ArchiveBusyError:
            assert time.monotonic() < deadline, "the cut session's lock was never dropped"
            time.sleep(0.05)
    lock.release(tmp_path / "b" / "everyday")
    lock.release(tmp_path / "a" / "everyday")  # closing a cut connection is no error


def test_claims_of_a_run_killed_in_another_folder_are_kept_until_that_folder_reads_them(
    postgres_url: str,
) -> None:
    """Machine A's run was killed: its last lines are in A's folder, their rows uncommitted.
    B must not archive those versions again; A's next run, having read its files, frees them."""
    store = PostgresStore(postgres_url, site="everyday")
    store.run_began("a1", "2026-12-07T10:00:00.000000Z", "crawler-a:/archive/everyday")
    assert store.claim("everyday:1", 1, "a1")  # killed after this: never finished
    store.run_began("b1", "2026-12-07T10:00:01.000000Z", "crawler-b:/archive/everyday")
    assert store.claim("everyday:2", 1, "b1")
    store.run_finished("b1", "2026-12-07T10:00:02.000000Z")
    store.run_began("b2", "2026-12-07T10:00:03.000000Z", "crawler-b:/archive/everyday")
    assert store.claim("everyday:3", 1, "b2")  # killed too, in B's folder
    store.commit()
    store.release_claims("crawler-b:/archive/everyday")  # B's next run
    assert not store.claim("everyday:1", 1, "b3")  # still A's
    assert store.claim("everyday:2", 1, "b3")  # of a finished run
    assert store.claim("everyday:3", 1, "b3")  # of B's own killed run, whose files B read
    store.release_claims("crawler-a:/archive/everyday")  # A comes back
    assert store.claim("everyday:1", 1, "a2")
    store.close()


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
        assert versions == list(range(1, STORE_VERSION + 1))
        db.execute("INSERT INTO newsarchive_schema (version) VALUES (%s)", (STORE_VERSION + 1,))
    with pytest.raises(NewerStoreError) as refused:
        PostgresStore(postgres_url, site="a")
    assert str(refused.value) == (
        f"the store was migrated by a newer newsarchive (store version {STORE_VERSION + 1}, "
        f"this one knows {STORE_VERSION}): upgrade newsarchive; the store was not touched"
    )


def test_a_store_of_the_first_version_is_migrated_in_place(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as db:  # as newsarchive 0.2 left it
        db.execute("CREATE TABLE newsarchive_schema (version INTEGER NOT NULL)")
        db.execute(_MIGRATIONS[0])
        db.execute("INSERT INTO newsarchive_schema (version) VALUES (1)")
        db.execute(
            "INSERT INTO newsarchive_articles VALUES ('everyday', 'everyday:1', 1, 'sha256:a', "
            "'https://x/1', '2025-12-11T13:00:00Z', 'r1')"
        )
    store = PostgresStore(postgres_url, site="everyday")
    assert store.article("everyday:1") == KnownArticle(1, "sha256:a", "2025-12-11T13:00:00Z", "r1")
    assert store.claim("everyday:1", 2, "r2")
    store.close()
    with psycopg.connect(postgres_url, autocommit=True) as db:
        versions = [row[0] for row in db.execute("SELECT version FROM newsarchive_schema")]
    assert versions == list(range(1, STORE_VERSION + 1))


def test_a_server_that_does_not_answer_is_named_without_the_password() -> None:
    with pytest.raises(StoreUnreachableError) as unreachable:
        PostgresStore("postgresql://archiver:secret@127.0.0.1:1/news", site="everyday")
    message = str(unreachable.value)
    assert message.startswith("the store at 127.0.0.1:1 does not answer (")
    assert "secret" not in message
    assert "\n" not in message
