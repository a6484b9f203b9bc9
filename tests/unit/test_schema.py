"""The shipped JSON Schemas: valid 2020-12 schemas whose every field says what it holds, and
which still accept the schema_version 1 records of archives written by newsarchive 0.1."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from newsarchive import counters
from newsarchive.health import Health
from newsarchive.records import run_record
from newsarchive.schema import KINDS, SCHEMA_VERSION, fields, optional_fields, problem, schema

# A crawl by newsarchive 0.1: its article and rate lines as written then.
ARCHIVE_0_1 = Path(__file__).resolve().parents[1] / "data" / "archive" / "everyday"

# What schema_version 3 added to run records (the machine, what "changed since?" saved).
ADDED_3 = {"host": "crawler-1", "not_modified": 1, "sitemaps_unchanged": 0}

# What schema_version 4 added to the run record of a crawl by several workers: their parts.
# Two on crawler-1, one on crawler-2 killed with SIGKILL; 33 pages, 28 new articles, 1 error.
WORKERS = [
    {
        "worker": "w1",
        "host": "crawler-1",
        "folder": "crawler-1:/srv/archive/everyday",
        "pages": 18,
        "articles_new": 15,
        "articles_updated": 0,
        "errors": 1,
        "share": 18 / 33,
        "exit_status": 0,
        "files": ["articles/20261207T010000Z-crawler-1-3f9a-0001.jsonl"],
    },
    {
        "worker": "w2",
        "host": "crawler-1",
        "folder": "crawler-1:/srv/archive/everyday",
        "pages": 11,
        "articles_new": 10,
        "articles_updated": 0,
        "errors": 0,
        "share": 11 / 33,
        "exit_status": 0,
        "files": ["articles/20261207T010000Z-crawler-1-3f9a-0002.jsonl"],
    },
    {
        "worker": "w3",
        "host": "crawler-2",
        "folder": "crawler-2:/srv/archive/everyday",
        "pages": 4,
        "articles_new": 3,
        "articles_updated": 0,
        "errors": 0,
        "share": 4 / 33,
        "exit_status": -9,
        "files": [],
    },
]

# What schema_version 2 added, by kind, as a 0.2 crawl writes it.
ADDED = {
    "article": {
        "source": {
            "warc": "warc/20261206T223948Z-6f5b-0001.warc.gz",
            "offset": 6070,
            "length": 3622,
            "record_id": "<urn:uuid:37f55d29-6015-4bee-848f-d82cb40d877d>",
        },
        "parser_version": "0.2.0+eef65d46",
        "reparsed": False,
        "changed_fields": None,
    },
    "rates": {},
    "run": {"warc_bytes": 131447, "warc_pages": 33},
}


PARSER_VERSION = r"^[0-9]+\.[0-9]+\.[0-9]+(\+[0-9a-f]{8})?$"


def first_line(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        record: dict[str, Any] = json.loads(handle.readline())
    return record


def version_1(kind: str) -> dict[str, Any]:
    if kind == "run":
        # This archive's runs predate the run record's `fallbacks`; a later 0.1 wrote it.
        record = first_line(ARCHIVE_0_1 / "runs.jsonl")
        position = list(record).index("files")
        items = list(record.items())
        return dict([*items[:position], ("fallbacks", {}), *items[position:]])
    (path,) = (ARCHIVE_0_1 / {"article": "articles", "rates": "rates"}[kind]).glob("*.jsonl")
    return first_line(path)


def valid(record: dict[str, Any]) -> bool:
    """The compiled check and the reference validator, which must agree."""
    reference = Draft202012Validator(schema(record["kind"])).is_valid(record)
    assert reference == (problem(record) is None), problem(record)
    return reference


@pytest.mark.parametrize("kind", KINDS)
def test_schema_files_are_valid_2020_12(kind: str) -> None:
    document = schema(kind)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(document)
    assert document["$id"] == f"urn:newsarchive:schema:{kind}:4"
    assert document["properties"]["schema_version"]["enum"] == [1, 2, 3, 4]
    # Every property is a field of the record (none is left out of the docs' tables).
    assert sorted(document["properties"]) == sorted(fields(kind))
    # ... and every one but a run's workers is in every record of the latest version.
    assert optional_fields(kind) == (("workers",) if kind == "run" else ())
    # The schema is the one list of fields: every one says what it holds (docs/records.md
    # shows these words).
    assert all(field.get("description") for field in document["properties"].values())


@pytest.mark.parametrize("kind", ["article", "rates", "run"])
def test_version_1_records_stay_valid(kind: str) -> None:
    old = version_1(kind)
    assert old["schema_version"] == 1
    assert not old.keys() & ADDED[kind].keys()
    assert valid(old)


@pytest.mark.parametrize("kind", ["article", "rates", "run"])
def test_version_2_records_carry_the_fields_it_added(kind: str) -> None:
    new = {**version_1(kind), "schema_version": 2, **ADDED[kind]}
    assert sorted(new) == sorted(name for name in fields(kind) if name not in {*ADDED_3, "workers"})
    assert valid(new)
    assert valid({**new, "schema_version": 1})  # an old version number, the fields kept
    if not ADDED[kind]:
        return
    lacking = {name: value for name, value in new.items() if name not in ADDED[kind]}
    assert not valid(lacking)
    assert problem(lacking) == f"record must contain {sorted(ADDED[kind])} properties"


def version_3_run() -> dict[str, Any]:
    """A run record with the fields newsarchive 0.3 writes."""
    old = {**version_1("run"), "schema_version": 2, **ADDED["run"]}
    return {**old, **ADDED_3, "schema_version": 3, "run_id": "20261207T010000Z-crawler-1-3f9a"}


def test_version_3_run_records_name_their_machine() -> None:
    old = {**version_1("run"), "schema_version": 2, **ADDED["run"]}
    assert valid(old)  # a version 2 record: no host, a run id without one
    new = version_3_run()
    assert sorted(new) == sorted(name for name in fields("run") if name != "workers")
    assert valid(new)
    lacking = {name: value for name, value in new.items() if name not in ADDED_3}
    assert problem(lacking) == f"record must contain {sorted(ADDED_3)} properties"
    assert problem({**new, "host": "Crawler_1"}) == (
        "host must match pattern ^[a-z0-9]+(-[a-z0-9]+)*$"
    )
    assert problem({**new, "run_id": "20261207T010000Z"}) == (
        "run_id must match pattern ^[0-9]{8}T[0-9]{6}Z(-[0-9a-z]+)+$"
    )


def test_version_4_run_records_may_list_their_workers() -> None:
    old = version_3_run()
    assert valid(old)  # a version 3 record: no workers, and none required
    assert valid({**old, "schema_version": 4})  # a run of one process
    new = {**old, "schema_version": 4, "workers": WORKERS}
    assert sorted(new) == sorted(fields("run"))
    assert valid(new)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"worker": "1"}, "workers[1].worker must match pattern ^w[0-9]+$"),
        ({"worker": "w"}, "workers[1].worker must match pattern ^w[0-9]+$"),
        ({"worker": "worker-2"}, "workers[1].worker must match pattern ^w[0-9]+$"),
        ({"pid": 4242}, "workers[1] must not contain {'pid'} properties"),
        ({"host": "Crawler_1"}, "workers[1].host must match pattern ^[a-z0-9]+(-[a-z0-9]+)*$"),
        ({"folder": "/srv/archive/everyday"}, "workers[1].folder must match pattern ^[^/:]+:/"),
        ({"folder": "crawler-1:archive"}, "workers[1].folder must match pattern ^[^/:]+:/"),
        ({"pages": -1}, "workers[1].pages must be bigger than or equal to 0"),
        ({"errors": {"http_404": 1}}, "workers[1].errors must be integer"),
        ({"share": 1.5}, "workers[1].share must be smaller than or equal to 1"),
        ({"share": "11/33"}, "workers[1].share must be number"),
        ({"exit_status": 1.5}, "workers[1].exit_status must be integer"),
        ({"exit_status": -65}, "workers[1].exit_status must be bigger than or equal to -64"),
        ({"exit_status": 256}, "workers[1].exit_status must be smaller than or equal to 255"),
        (
            {"files": ["/srv/archive/everyday/articles/a.jsonl"]},
            "workers[1].files[0] must match pattern ^[^/].*\\.(jsonl(\\.gz)?|warc\\.gz)$",
        ),
    ],
)
def test_a_bad_worker_entry_is_named(change: dict[str, Any], reason: str) -> None:
    entries = [WORKERS[0], {**WORKERS[1], **change}, WORKERS[2]]
    broken = {**version_3_run(), "schema_version": 4, "workers": entries}
    assert not valid(broken)
    assert problem(broken) == reason


def test_a_worker_entry_has_every_field() -> None:
    for name in WORKERS[0]:
        entry = {key: value for key, value in WORKERS[0].items() if key != name}
        broken = {**version_3_run(), "schema_version": 4, "workers": [entry]}
        assert not valid(broken), name
        assert problem(broken) == f"workers[0] must contain ['{name}'] properties"
    run = {**version_3_run(), "schema_version": 4}
    assert problem({**run, "workers": []}) == "workers must contain at least 1 items"
    assert problem({**run, "workers": None}) == "workers must be array"
    assert not valid({**run, "workers": []})


def built_run(**extra: Any) -> dict[str, Any]:
    """What ``run_record`` writes for a run of 33 pages, 28 new articles and one 404."""
    stats = {
        "downloader/request_count": 34,
        "response_received_count": 33,
        "finish_reason": "finished",
        counters.LISTING_PAGES: 3,
        counters.ARTICLES_PARSED: 28,
        counters.ARTICLES_NEW: 28,
        f"{counters.ERRORS}http_404": 1,
    }
    return run_record(
        run_id="20261207T010000Z-crawler-1-3f9a",
        site="everyday",
        started_at=datetime(2026, 12, 7, 1, 0, tzinfo=UTC),
        finished_at=datetime(2026, 12, 7, 1, 0, 40, tzinfo=UTC),
        stats=stats,
        health=Health("ok", 0),
        files=["articles/20261207T010000Z-crawler-1-3f9a-0001.jsonl"],
        recovered_runs=[],
        host="crawler-1",
        **extra,
    )


def test_run_record_lists_workers_only_when_given() -> None:
    alone = built_run()
    assert list(alone) == [name for name in fields("run") if name != "workers"]
    assert alone["schema_version"] == SCHEMA_VERSION == 4
    assert (alone["pages"], alone["articles_new"], alone["errors"]) == (33, 28, {"http_404": 1})
    assert valid(alone)
    assert built_run(workers=None) == alone
    shared = built_run(workers=WORKERS)
    assert list(shared) == list(fields("run"))  # workers last
    assert shared == {**alone, "workers": WORKERS}
    assert valid(shared)
    # The workers' counts add up to the run's, as the schema's description says they do.
    for name in ("pages", "articles_new", "articles_updated"):
        assert sum(worker[name] for worker in WORKERS) == shared[name]
    assert sum(worker["errors"] for worker in WORKERS) == sum(shared["errors"].values())


def test_the_fields_version_2_added_are_checked() -> None:
    new = {**version_1("article"), "schema_version": 2, **ADDED["article"]}
    reparsed = {**new, "version": 2, "reparsed": True, "changed_fields": ["title", "body"]}
    assert valid(reparsed)
    neither = "must be valid exactly by one definition (0 matches found)"
    for change, reason in (
        ({"source": {**ADDED["article"]["source"], "offset": -1}}, f"source {neither}"),
        ({"source": {"warc": "warc/x.warc.gz"}}, f"source {neither}"),
        ({"parser_version": "0.2"}, f"parser_version must match pattern {PARSER_VERSION}"),
        ({"reparsed": None}, "reparsed must be boolean"),
        ({"changed_fields": []}, f"changed_fields {neither}"),
        ({"changed_fields": ["title", "title"]}, f"changed_fields {neither}"),
    ):
        broken = {**reparsed, **change}
        assert not valid(broken), change
        assert problem(broken) == reason, change


def test_a_newer_schema_version_is_named() -> None:
    record = {**version_1("article"), "schema_version": 5}
    assert problem(record) == (
        "schema_version 5 is newer than this newsarchive reads (4): upgrade newsarchive"
    )
