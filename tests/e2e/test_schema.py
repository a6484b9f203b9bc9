"""Records against their schemas: a crawl's every line, each required field, bad lines, gzip."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from newsarchive.analysis import load_runs
from newsarchive.demo import DemoServer
from newsarchive.schema import fields, optional_fields, problem, schema
from tests.support.faults import WITH_WRONG_LANGUAGE
from tests.support.helpers import DEMO_SITE, FAST, ROOT, read_jsonl, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A crawl of the demo site, gzipped, plus a re-run (two run records)."""
    out = tmp_path_factory.mktemp("archive")
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        for _ in range(2):
            result = run_cli(
                "crawl", server.url, "--site", "everyday", "--out", str(out), "--compress", *FAST
            )
            assert result.returncode == 0, result.stderr
    return out


def _records(folder: Path) -> list[dict[str, Any]]:
    records = []
    for path in sorted(folder.rglob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            records.extend(json.loads(line) for line in handle)
    return records + list(load_runs(folder / "everyday"))


def test_the_records_docs_are_the_schemas() -> None:
    """docs/records.md's field tables are written from the schemas: stale docs fail here."""
    result = subprocess.run(
        [sys.executable, "scripts/record_docs.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_record_of_a_crawl_is_valid(crawled: Path) -> None:
    records = _records(crawled)
    kinds = [record["kind"] for record in records]
    assert (kinds.count("article"), kinds.count("rates"), kinds.count("run")) == (28, 3, 2)
    for record in records:
        assert problem(record) is None, record
        # The reference validator agrees with the compiled one.
        assert not list(Draft202012Validator(schema(record["kind"])).iter_errors(record))


def test_every_required_field_is_enforced(crawled: Path) -> None:
    examples = {record["kind"]: record for record in _records(crawled)}
    for kind, record in examples.items():
        assert record["schema_version"] == 4
        # Those schema_versions 2 and 3 added too; not a run's workers, which no version needs.
        for field in fields(kind):
            if field in optional_fields(kind):
                assert field not in record, (kind, field)
                continue
            broken = {key: value for key, value in record.items() if key != field}
            reason = problem(broken)
            assert reason is not None, (kind, field)
            assert f"'{field}'" in reason, reason
            assert not Draft202012Validator(schema(kind)).is_valid(broken)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"title": ""}, "title must be longer than or equal to 1 characters"),
        ({"published_at": "11.12.2025 17:13"}, "published_at must be valid exactly by one"),
        ({"published_at": None}, "published_precision must be null"),
        ({"fetched_at": "2025-12-11T13:00:00+05:00"}, "fetched_at must match pattern"),
        ({"content_hash": "md5:abc"}, "content_hash must match pattern"),
        ({"version": 0}, "version must be bigger than or equal to 1"),
        ({"extra": 1}, "record must not contain {'extra'} properties"),
        ({"schema_version": 5}, "schema_version 5 is newer than this newsarchive reads (4)"),
        ({"reparsed": 1}, "reparsed must be boolean"),
        ({"kind": "comment"}, "unknown kind 'comment'"),
    ],
)
def test_reasons_name_the_field(crawled: Path, change: dict[str, Any], reason: str) -> None:
    article = next(r for r in _records(crawled) if r["kind"] == "article" and r["published_at"])
    found = problem({**article, **change})
    assert found is not None
    assert found.startswith(reason), found


def test_validate_reports_file_and_line(crawled: Path, tmp_path: Path) -> None:
    source = next(crawled.rglob("articles/*.jsonl.gz"))
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        lines = handle.readlines()
    lines[2] = lines[2][:40] + "\n"  # a corrupted third line
    lines[4] = json.dumps({**json.loads(lines[4]), "title": None}, ensure_ascii=False) + "\n"
    lines[6] = lines[6].replace('"version":1', '"version":NaN', 1)  # Python's json writes it
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(lines) + '{"kind": "art', encoding="utf-8")  # and a torn last one
    good = tmp_path / "good.jsonl.gz"
    shutil.copy(source, good)

    result = run_cli("validate", str(bad), str(good))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{bad}:3: not valid JSON (Invalid control character, column 41)",
        f"{bad}:5: title must be string",
        f"{bad}:7: not valid JSON (NaN is not a JSON number)",
        f"{bad}:29: no newline at the end: a torn write",
        "4 of 57 lines invalid, in 1 of 2 files",
    ]
    assert run_cli("validate", str(good)).stdout == "all 28 lines valid, in 1 files\n"
    assert run_cli("validate", str(crawled)).returncode == 0
    missing = run_cli("validate", str(tmp_path / "nothing-here"))
    assert (missing.returncode, missing.stdout) == (2, "")


def test_validate_accepts_old_and_new_lines_side_by_side(crawled: Path, tmp_path: Path) -> None:
    """An archive newsarchive 0.1 began and 0.4 went on with: 0.1's schema_version 1 lines,
    without the fields 2 added, stay valid beside 0.4's, in separate files and in one."""
    old = ROOT / "tests" / "data" / "archive" / "everyday"
    (old_articles,) = (old / "articles").glob("*.jsonl")
    (old_rates,) = (old / "rates").glob("*.jsonl")
    (new_articles,) = crawled.glob("everyday/articles/*.jsonl.gz")
    (new_rates,) = crawled.glob("everyday/rates/*.jsonl.gz")
    site = tmp_path / "archive" / "everyday"
    (site / "rates").mkdir(parents=True)
    shutil.copy(old_rates, site / "rates" / old_rates.name)
    shutil.copy(new_rates, site / "rates" / new_rates.name)
    v1 = old_articles.read_text(encoding="utf-8").splitlines(keepends=True)
    with gzip.open(new_articles, "rt", encoding="utf-8") as handle:
        v2 = handle.readlines()
    assert (len(v1), len(v2)) == (28, 28)
    assert {json.loads(line)["schema_version"] for line in v1} == {1}
    assert {json.loads(line)["schema_version"] for line in v2} == {4}
    mixed = site / "articles" / "mixed.jsonl"
    mixed.parent.mkdir()
    mixed.write_text("".join(line for pair in zip(v1, v2, strict=True) for line in pair), "utf-8")

    result = run_cli("validate", str(tmp_path / "archive"))
    assert (result.returncode, result.stdout) == (0, "all 62 lines valid, in 3 files\n")

    # A schema_version 2 line without a field 2 added is no version 1 line.
    lines = mixed.read_text(encoding="utf-8").splitlines(keepends=True)
    record = json.loads(lines[1])
    del record["source"]
    lines[1] = json.dumps(record, ensure_ascii=False) + "\n"
    mixed.write_text("".join(lines), encoding="utf-8")
    result = run_cli("validate", str(mixed))
    assert (result.returncode, result.stdout.splitlines()) == (
        1,
        [
            f"{mixed}:2: record must contain ['source'] properties",
            "1 of 56 lines invalid, in 1 of 1 files",
        ],
    )


def test_invalid_records_are_quarantined_not_archived(tmp_path: Path) -> None:
    """Records the schema refuses are quarantined, counted, and make the run unhealthy.

    No site file reaches this any more (a bad ``lang`` is refused when the file is read), so a
    defect of the record builder is injected with Scrapy's own ``ITEM_PIPELINES``.
    """
    pipelines = json.dumps(WITH_WRONG_LANGUAGE)
    out = tmp_path / "archive"
    with DemoServer(DEMO_SITE, port=0, virtual_clock=True) as server:
        result = run_cli(
            "crawl", server.url, "--site", "everyday", "--out", str(out),
            "-s", f"ITEM_PIPELINES={pipelines}", *FAST,
        )  # fmt: skip
    assert result.returncode == 7, result.stderr
    assert "28 record(s) failed the schema and were quarantined" in result.stderr
    assert read_jsonl(out / "everyday" / "articles") == []
    quarantined = read_jsonl(out / "everyday" / "quarantine")
    assert len(quarantined) == 28
    first = quarantined[0]
    assert first["reason"] == "lang must match pattern ^[a-z]{2,3}$"
    assert first["url"] == first["record"]["url"]
    assert problem(first) is None
    run = list(load_runs(out / "everyday"))[-1]
    assert (run["quarantined"], run["errors"]["invalid_record"], run["health"]) == (
        28,
        28,
        "invalid_records",
    )
    assert len(read_jsonl(out / "everyday" / "rates")) == 3  # valid rows are still archived
