"""Several archive folders read as one archive: the loaders, ``stats``, ``report``, ``validate``.

Machines that share a store may each write their own folder (``--out``) for the same site. The
folders are built here from the real records of ``tests/data/archive`` (a crawl of the demo
site: 28 articles and 3 rate rows by its first run, nothing new by its second), split the way
two machines would have written them, so that their figures must equal the checked-in ones.
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from newsarchive.analysis import (
    archive_stats,
    load_articles,
    load_rates,
    load_runs,
    stats_main,
    to_dataframe,
)
from newsarchive.analysis.report import render_report
from newsarchive.validate import validate_main

DATA = Path(__file__).resolve().parents[1] / "data"
ARCHIVE = DATA / "archive"
SITE = ARCHIVE / "everyday"
FIRST_RUN = "20261125T194030Z-9bdc"
SECOND_RUN = "20261125T194035Z-a10b"
OTHER_HASH = "sha256:" + "0" * 64


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


ARTICLES = read(SITE / "articles" / f"{FIRST_RUN}-0001.jsonl")
RATES = read(SITE / "rates" / f"{FIRST_RUN}-0001.jsonl")
# The checked-in run records predate ``fallbacks``, which their schema now requires: given it
# empty, as a run of today writes it, so that ``validate`` finds the folders valid.
RUNS = [{**run, "fallbacks": {}} for run in read(SITE / "runs.jsonl")]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def split(tmp_path: Path) -> tuple[Path, Path]:
    """The checked-in archive as two machines would have written it: machine A's run found the
    first 10 articles and the rates, machine B's run the other 18."""
    a, b = tmp_path / "a", tmp_path / "b"
    write_jsonl(a / "everyday/articles" / f"{FIRST_RUN}-0001.jsonl", ARTICLES[:10])
    write_jsonl(a / "everyday/rates" / f"{FIRST_RUN}-0001.jsonl", RATES)
    write_jsonl(a / "everyday/runs.jsonl", RUNS[:1])
    write_jsonl(b / "everyday/articles" / f"{SECOND_RUN}-0001.jsonl", ARTICLES[10:])
    write_jsonl(b / "everyday/runs.jsonl", RUNS[1:])
    return a, b


def validate(*paths: Path) -> tuple[int, str]:
    """``newsarchive validate PATH...``: its exit status and what it printed."""
    out = io.StringIO()
    return validate_main([str(path) for path in paths], out), out.getvalue()


def golden(files: int) -> str:
    """The checked-in ``stats --json`` output, for an archive of ``files`` files."""
    figures = json.loads((DATA / "stats.json").read_text(encoding="utf-8"))
    return json.dumps({**figures, "files": files}, ensure_ascii=False, indent=2, sort_keys=True)


def test_a_site_split_over_two_folders_is_the_one_archive(
    split: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = split
    for paths in ([a, b], [b, a], [a / "everyday", b / "everyday"]):
        assert stats_main([str(p) for p in paths], as_json=True) == 0
        assert capsys.readouterr().out == golden(files=5) + "\n"
        # Run by run, whichever folder holds the run and in whatever order they are named.
        assert list(load_articles(*paths)) == ARTICLES
        assert list(load_rates(*paths)) == RATES
        assert list(load_runs(*paths)) == RUNS
    assert stats_main([str(b), str(a)], as_json=False) == 0
    text = (DATA / "stats.txt").read_text(encoding="utf-8")
    assert capsys.readouterr().out == text.replace("3 archive files", "5 archive files", 1)
    assert validate(a, b) == (0, "all 33 lines valid, in 5 files\n")


def test_the_report_of_two_folders_is_the_report_of_one(split: tuple[Path, Path]) -> None:
    one = render_report(archive_stats([ARCHIVE]), ["archive"])
    two = render_report(archive_stats(split), ["archive"])
    assert two == one.replace("3 archive files", "5 archive files", 1)
    assert two != one


def test_the_runs_of_every_folder_are_one_log_by_start_time(tmp_path: Path) -> None:
    first, second = RUNS
    third = {**second, "run_id": "20261126T080000Z-db-1-77ee", "started_at": "2026-11-26T08:00:00Z"}
    later = {
        **second,
        "run_id": "20261126T090000Z-web-2-3f9a",
        "started_at": "2026-11-26T09:00:00Z",
    }
    write_jsonl(tmp_path / "a/everyday/runs.jsonl", [first, third])
    write_jsonl(tmp_path / "b/everyday/runs.jsonl", [second, later])
    runs = [run["run_id"] for run in load_runs(tmp_path / "b", tmp_path / "a")]
    assert runs == [
        FIRST_RUN,
        SECOND_RUN,
        "20261126T080000Z-db-1-77ee",
        "20261126T090000Z-web-2-3f9a",
    ]
    figures = archive_stats([tmp_path / "a", tmp_path / "b"]).as_dict()["sites"]["everyday"]
    assert (figures["runs"]["count"], figures["runs"]["last"]["run_id"]) == (4, runs[-1])


def test_files_come_run_by_run_whatever_the_machine_names_in_the_run_ids(tmp_path: Path) -> None:
    """Run ids with a machine's name (hyphens and digits in it): the file number is the last
    part of a file's name, the run id all before it."""
    a, b = tmp_path / "a", tmp_path / "b"
    write_jsonl(a / "everyday/articles/20261126T020000Z-db-1-00aa-0002.jsonl", ARTICLES[3:4])
    write_jsonl(a / "everyday/articles/20261126T020000Z-db-1-00aa-0001.jsonl", ARTICLES[2:3])
    write_jsonl(b / "everyday/articles/20261126T010000Z-web-2-3f9a-0001.jsonl.gz", ARTICLES[:2])
    write_jsonl(b / "everyday/articles/20261126T030000Z-web-2-9c0d-0001.jsonl", ARTICLES[4:5])
    assert list(load_articles(a, b)) == ARTICLES[:5]
    assert list(load_articles(b / "everyday/articles/*", a / "everyday")) == ARTICLES[:5]


def test_a_copied_folder_or_a_second_path_to_one_counts_once(
    split: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = split
    copy = a.parent / "copy-of-a"
    shutil.copytree(a, copy)
    # The copy's articles gzipped: other bytes, the same records.
    plain = copy / "everyday/articles" / f"{FIRST_RUN}-0001.jsonl"
    write_jsonl(plain.with_name(plain.name + ".gz"), read(plain))
    plain.unlink()
    link = a.parent / "link-to-b"
    link.symlink_to(b)
    paths = [a, copy, b, link, a / ".." / "a" / "everyday"]
    assert list(load_articles(*paths)) == ARTICLES
    assert list(load_rates(*paths)) == RATES
    assert list(load_runs(*paths)) == RUNS
    assert stats_main([str(p) for p in paths], as_json=True) == 0
    assert capsys.readouterr().out == golden(files=8) + "\n"  # a's 3, the copy's 3, b's 2
    assert validate(*paths) == (0, "all 47 lines valid, in 8 files\n")  # 14 + 14 + 19


def test_the_newest_version_in_any_folder_gives_the_publication_day(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    article = ARTICLES[0]  # published 2026-11-25, Tashkent time
    # A reparse on machine B read the date anew: version 2 says the day after.
    revised = {
        **article,
        "version": 2,
        "published_at": "2026-11-26T17:00:00+05:00",
        "content_hash": OTHER_HASH,
    }
    write_jsonl(a / "everyday/articles/20261126T010000Z-a-1111-0001.jsonl", [article])
    write_jsonl(b / "everyday/articles/20261127T010000Z-b-2222-0001.jsonl", [revised])
    for paths in ([a, b], [b, a]):
        assert list(load_articles(*paths)) == [article, revised]
        figures = archive_stats(paths).as_dict()["sites"]["everyday"]["articles"]
        assert (figures["records"], figures["ids"], figures["revised_ids"]) == (2, 1, 1)
        assert (figures["published_first"], figures["published_last"]) == (
            "2026-11-26",
            "2026-11-26",
        )
        assert figures["days"] == 1


def test_one_version_with_two_contents_is_a_conflict_validate_names(
    split: tuple[Path, Path],
) -> None:
    a, b = split
    # Machine B archived version 1 of an article A holds, with another text.
    article = ARTICLES[3]
    other = {**article, "title": "Другой заголовок", "content_hash": OTHER_HASH}
    theirs = write_jsonl(b / "everyday/articles/20261126T010000Z-b-2222-0001.jsonl", [other])
    # ... and a run record under a run id A's log holds, with other figures.
    runs = b / "everyday/runs.jsonl"
    write_jsonl(runs, [*RUNS[1:], {**RUNS[0], "pages": 1}])
    ours = a / "everyday/articles" / f"{FIRST_RUN}-0001.jsonl"

    status, out = validate(a, b)
    assert status == 1
    assert out.splitlines() == [
        f"{theirs}:1: {article['id']} version 1 differs from the one at {ours}:4 "
        "(another content_hash): two writers archived one version",
        f"{runs}:2: run {FIRST_RUN} of everyday differs from the one at {a}/everyday/runs.jsonl:1: "
        "two run records under one run id",
        "2 of 35 lines in conflict, in 2 of 6 files",
    ]
    # Both are read: which one is right is for people to judge.
    assert [r["title"] for r in load_articles(a, b) if r["id"] == article["id"]] == [
        article["title"],
        other["title"],
    ]
    assert len(list(load_runs(a, b))) == 3
    figures = archive_stats([a, b]).as_dict()["sites"]["everyday"]
    assert (figures["articles"]["records"], figures["articles"]["ids"]) == (29, 28)


def test_conflicts_and_invalid_lines_are_summed_apart(split: tuple[Path, Path]) -> None:
    a, b = split
    other = {**ARTICLES[0], "content_hash": OTHER_HASH}
    bad = {**ARTICLES[1], "title": ""}
    path = write_jsonl(b / "everyday/articles/20261126T010000Z-b-2222-0001.jsonl", [other, bad])
    ours = a / "everyday/articles" / f"{FIRST_RUN}-0001.jsonl"
    status, out = validate(a, b)
    assert status == 1
    assert out.splitlines() == [
        f"{path}:1: {other['id']} version 1 differs from the one at {ours}:1 "
        "(another content_hash): two writers archived one version",
        f"{path}:2: title must be longer than or equal to 1 characters",
        "1 of 35 lines invalid and 1 in conflict, in 1 of 6 files",
    ]


def test_within_one_folder_every_line_is_read_as_it_is(tmp_path: Path) -> None:
    """Only a record found again in another folder is left out: one folder reads as before."""
    folder = tmp_path / "a/everyday/articles"
    write_jsonl(folder / "20261126T010000Z-a-1111-0001.jsonl", ARTICLES[:2])
    write_jsonl(folder / "20261126T020000Z-a-2222-0001.jsonl", ARTICLES[1:3])
    assert list(load_articles(tmp_path / "a")) == [ARTICLES[0], ARTICLES[1], *ARTICLES[1:3]]
    assert (
        archive_stats([tmp_path / "a"]).as_dict()["sites"]["everyday"]["articles"]["records"] == 4
    )


def test_validate_reads_a_file_named_twice_once() -> None:
    article_file = SITE / "articles" / f"{FIRST_RUN}-0001.jsonl"
    again = SITE / "articles" / ".." / "articles" / article_file.name
    assert validate(article_file, again, SITE / "articles") == (
        0,
        "all 28 lines valid, in 1 files\n",
    )


def test_a_frame_of_several_folders(split: tuple[Path, Path]) -> None:
    a, b = split
    frame = to_dataframe(load_articles(b, a))
    assert frame["id"].tolist() == [article["id"] for article in ARTICLES]
    runs = to_dataframe(load_runs(b, a), kind="run")
    assert runs["run_id"].tolist() == [FIRST_RUN, SECOND_RUN]
    with pytest.raises(TypeError, match=r"for several paths, to_dataframe\(load_runs\(path, "):
        to_dataframe([a, b], kind="run")  # type: ignore[list-item]
