"""The archive on disk: atomic files, recovery of a killed run, the store, the one-writer lock."""

import json
import os
import sqlite3
from pathlib import Path

import pytest

from newsarchive.analysis import load_runs
from newsarchive.archive import Archive, ArchiveWriteError, KnownArticle, lock
from newsarchive.archive.files import JsonlWriter, publish_leftovers
from tests.support.locks import lock_is_held


def _article(number: int, version: int = 1, text: str = "текст") -> dict:
    return {
        "kind": "article",
        "id": f"s:{number}",
        "version": version,
        "url": f"https://s/{number}",
        "title": f"Заголовок {number}",
        "content_hash": f"h{number}-{text}",
        "fetched_at": "2025-12-11T13:00:00Z",
    }


def _rate(value: str) -> dict:
    return {
        "kind": "rates",
        "source": "ЦБ",
        "as_of": "2025-12-11",
        "currency": "USD",
        "rate": value,
        "change": None,
        "change_percent": None,
    }


def test_writer_publishes_only_whole_files(tmp_path: Path) -> None:
    writer = JsonlWriter(tmp_path, "run", roll_records=2)
    writer.write('{"a":1}')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run-0001.jsonl.part"]
    writer.write('{"a":2}')
    writer.write('{"a":3}')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run-0001.jsonl", "run-0002.jsonl.part"]
    writer.close()
    assert (tmp_path / "run-0001.jsonl").read_text() == '{"a":1}\n{"a":2}\n'
    assert (tmp_path / "run-0002.jsonl").read_text() == '{"a":3}\n'
    assert [p.name for p in writer.published] == ["run-0001.jsonl", "run-0002.jsonl"]


def test_a_writer_never_opens_a_file_another_writer_named(tmp_path: Path) -> None:
    first = JsonlWriter(tmp_path, "run", roll_records=1)
    first.write('{"a":1}')  # published: run-0001.jsonl
    first.write('{"a":2}')  # run-0002.jsonl.part, still being written
    for taken in ("run-0001", "run-0002"):
        second = JsonlWriter(tmp_path, "run", roll_records=1)
        if taken == "run-0002":
            second._sequence = 1  # its next file is the one the first writer has open
        with pytest.raises(FileExistsError):
            second.write('{"b":1}')
    first.close()
    assert (tmp_path / "run-0001.jsonl").read_text() == '{"a":1}\n'
    assert (tmp_path / "run-0002.jsonl").read_text() == '{"a":2}\n'


def test_an_archive_whose_file_name_is_taken_fails_its_writes(tmp_path: Path) -> None:
    archive = Archive(tmp_path, "s", "run")
    archive.open()
    taken = tmp_path / "s" / "articles" / "run-0001.jsonl.part"  # another writer's, just made
    taken.parent.mkdir(parents=True)
    taken.write_text('{"kind": "article"}\n')
    with pytest.raises(ArchiveWriteError) as failed:
        archive.write(_article(1))
    archive.close()
    assert str(failed.value) == (
        f"cannot write the archive at {tmp_path / 's'}: "
        "run-0001.jsonl is another writer's file name"
    )
    assert taken.read_text() == '{"kind": "article"}\n'


def test_leftover_part_is_cut_to_its_last_whole_line(tmp_path: Path) -> None:
    (tmp_path / "dead-0001.jsonl.part").write_bytes(b'{"a":1}\n{"a":2}\n{"a":')
    (tmp_path / "dead-0002.jsonl.part").write_bytes(b'{"torn')
    assert publish_leftovers(tmp_path) == [tmp_path / "dead-0001.jsonl"]
    assert (tmp_path / "dead-0001.jsonl").read_bytes() == b'{"a":1}\n{"a":2}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dead-0001.jsonl"]


def test_a_store_from_before_runs_were_noted_is_read_and_kept(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    old = sqlite3.connect(folder / "state.sqlite3")
    old.execute(
        "CREATE TABLE articles (id TEXT PRIMARY KEY, version INTEGER NOT NULL, "
        "content_hash TEXT NOT NULL, url TEXT NOT NULL, fetched_at TEXT NOT NULL)"
    )
    old.execute(
        "INSERT INTO articles VALUES ('s:1', 1, 'h1', 'https://s/1', '2025-12-11T13:00:00Z')"
    )
    old.commit()
    old.close()
    archive = Archive(tmp_path, "s", "run2")
    archive.open()
    assert archive.known_article("s:1") == KnownArticle(1, "h1", "2025-12-11T13:00:00Z", None)
    archive.write(_article(2))
    assert archive.known_article("s:2") == KnownArticle(
        1, "h2-текст", "2025-12-11T13:00:00Z", "run2"
    )
    archive.close()


def test_store_remembers_across_runs_and_versions_never_step_back(tmp_path: Path) -> None:
    archive = Archive(tmp_path, "s", "run1")
    archive.open()
    assert archive.known_article("s:1") is None
    archive.write(_article(1))
    archive.write(_article(1, version=2, text="правка"))
    archive.write(_rate("12020.90"))
    archive.close()

    again = Archive(tmp_path, "s", "run2")
    again.open()
    known = again.known_article("s:1")
    assert (known.version, known.content_hash, known.run_id) == (2, "h1-правка", "run1")
    again.touch_article("s:1", "2025-12-12T08:00:00Z")
    again.touch_article("s:1", "2025-12-12T07:00:00Z")  # an older fetch never wins
    touched = again.known_article("s:1")
    assert (touched.fetched_at, touched.run_id) == ("2025-12-12T08:00:00Z", "run2")
    assert again.known_rate(_rate("12020.9")) == "12020.9||"
    again.close()
    lines = (tmp_path / "s" / "articles" / "run1-0001.jsonl").read_text().splitlines()
    assert [json.loads(line)["version"] for line in lines] == [1, 2]


def test_killed_run_is_recovered_and_remembered(tmp_path: Path) -> None:
    folder = tmp_path / "s" / "articles"
    folder.mkdir(parents=True)
    # What a run killed mid-write leaves: two whole lines, a torn one, and no store entry.
    lines = [json.dumps(_article(n), ensure_ascii=False) for n in (1, 2)]
    (folder / "dead-0001.jsonl.part").write_text("\n".join(lines) + '\n{"kind": "art', "utf-8")
    archive = Archive(tmp_path, "s", "run2")
    archive.open()
    assert archive.known_article("s:1") is not None
    assert archive.known_article("s:2") is not None
    archive.close()
    assert (folder / "dead-0001.jsonl").read_text("utf-8").splitlines() == lines


def test_a_published_file_the_store_missed_is_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "s" / "articles"
    folder.mkdir(parents=True)
    (folder / "copied-0001.jsonl").write_text(json.dumps(_article(7)) + "\n", "utf-8")
    archive = Archive(tmp_path, "s", "run")
    archive.open()
    assert archive.known_article("s:7").version == 1
    archive.close()


def test_lock_is_reentrant_within_a_process(tmp_path: Path) -> None:
    lock.acquire(tmp_path / "s")
    archive = Archive(tmp_path, "s", "run")
    archive.open()  # the command holds the lock, the pipelines open the archive under it
    archive.close()
    assert lock_is_held(tmp_path / "s")  # closing the archive left the command's hold
    lock.release(tmp_path / "s")
    assert not lock_is_held(tmp_path / "s")


def test_run_log_and_killed_runs_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    (folder / "articles").mkdir(parents=True)
    (folder / "articles" / "20251211T130000Z-dead-0001.jsonl.part").write_text(
        json.dumps(_article(1)) + "\n", "utf-8"
    )
    (folder / "runs.jsonl").write_bytes(b'{"kind":"run","run_id":"a"}\n{"kind":"run","ru')
    archive = Archive(tmp_path, "s", "run2")
    archive.open()
    assert archive.recovered_runs == ["20251211T130000Z-dead"]
    assert not archive.listings_were_complete
    archive.append_run({"kind": "run", "run_id": "run2"})
    archive.mark_listings_complete()
    archive.close()
    assert [run["run_id"] for run in load_runs(folder)] == ["a", "run2"]
    again = Archive(tmp_path, "s", "run3")
    again.open()
    assert again.listings_were_complete
    assert again.recovered_runs == []
    again.close()


def test_gzip_files_written_and_salvaged(tmp_path: Path) -> None:
    import gzip

    from newsarchive.archive.files import read_lines

    writer = JsonlWriter(tmp_path, "run", roll_records=0, compress=True)
    for number in range(3):
        writer.write(json.dumps({"n": number}))
    part = tmp_path / "run-0001.jsonl.gz.part"
    # What a kill leaves: the stream flushed after every line, then cut inside the last one.
    writer.write(json.dumps({"n": 3, "text": os.urandom(400).hex()}))  # hardly compressible
    data = part.read_bytes()
    (tmp_path / "dead-0001.jsonl.gz.part").write_bytes(data[: len(data) - 40])
    writer.close()
    assert [json.loads(line)["n"] for line in read_lines(tmp_path / "run-0001.jsonl.gz")] == [
        0,
        1,
        2,
        3,
    ]
    publish_leftovers(tmp_path)
    salvaged = tmp_path / "dead-0001.jsonl.gz"
    with gzip.open(salvaged, "rt") as handle:  # a whole gzip file again, trailer included
        assert [json.loads(line)["n"] for line in handle] == [0, 1, 2]
