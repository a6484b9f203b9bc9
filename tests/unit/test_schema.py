"""The shipped JSON Schemas: valid 2020-12 schemas whose every field says what it holds, and
which still accept the schema_version 1 records of archives written by newsarchive 0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from newsarchive.schema import KINDS, fields, problem, schema

# A crawl by newsarchive 0.1: its article and rate lines as written then.
ARCHIVE_0_1 = Path(__file__).resolve().parents[1] / "data" / "archive" / "everyday"

# What schema_version 3 added to run records (the machine, what "changed since?" saved).
ADDED_3 = {"host": "crawler-1", "not_modified": 1, "sitemaps_unchanged": 0}

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
    assert document["$id"] == f"urn:newsarchive:schema:{kind}:3"
    assert document["properties"]["schema_version"]["enum"] == [1, 2, 3]
    # Every property is a field of the record (none is left out of the docs' tables).
    assert sorted(document["properties"]) == sorted(fields(kind))
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
    assert sorted(new) == sorted(name for name in fields(kind) if name not in ADDED_3)
    assert valid(new)
    assert valid({**new, "schema_version": 1})  # an old version number, the fields kept
    if not ADDED[kind]:
        return
    lacking = {name: value for name, value in new.items() if name not in ADDED[kind]}
    assert not valid(lacking)
    assert problem(lacking) == f"record must contain {sorted(ADDED[kind])} properties"


def test_version_3_run_records_name_their_machine() -> None:
    old = {**version_1("run"), "schema_version": 2, **ADDED["run"]}
    assert valid(old)  # a version 2 record: no host, a run id without one
    new = {**old, **ADDED_3, "schema_version": 3, "run_id": "20261207T010000Z-crawler-1-3f9a"}
    assert sorted(new) == sorted(fields("run"))
    assert valid(new)
    lacking = {name: value for name, value in new.items() if name not in ADDED_3}
    assert problem(lacking) == f"record must contain {sorted(ADDED_3)} properties"
    assert problem({**new, "host": "Crawler_1"}) == (
        "host must match pattern ^[a-z0-9]+(-[a-z0-9]+)*$"
    )
    assert problem({**new, "run_id": "20261207T010000Z"}) == (
        "run_id must match pattern ^[0-9]{8}T[0-9]{6}Z(-[0-9a-z]+)+$"
    )


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
    record = {**version_1("article"), "schema_version": 4}
    assert problem(record) == (
        "schema_version 4 is newer than this newsarchive reads (3): upgrade newsarchive"
    )
