"""The record schemas (JSON Schema 2020-12, shipped in ``newsarchive/schemas/``) and checks.

Every record is checked before it is written, so the check must be cheap: the schemas are
compiled to Python by fastjsonschema (about 15 µs a record, 25 times faster than interpreting
them). The schema files stay plain 2020-12 documents; the tests also check them, and these
records, with the reference validator (jsonschema).

>>> row = {"kind": "rates", "schema_version": 2, "site": "everyday", "source": "ЦБ",
...        "as_of": "2025-12-11", "as_of_inferred": False, "currency": "usd", "rate": 12020.9,
...        "change": 17.72, "change_percent": None, "observed_at": "2025-12-11T13:00:01Z",
...        "url": "https://everyday.uz/"}
>>> problem(row)
'currency must match pattern ^[A-Z]{3}$'
>>> problem({**row, "currency": "USD"}) is None
True
>>> problem({"kind": "rates", "schema_version": 1, "site": "everyday"})
"record must contain ['as_of', 'as_of_inferred', 'change', 'change_percent', 'currency', \
'observed_at', 'rate', 'source', 'url'] properties"
>>> problem({"kind": "article", "schema_version": 5})
'schema_version 5 is newer than this newsarchive reads (4): upgrade newsarchive'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema

__all__ = [
    "KINDS",
    "SCHEMA_VERSION",
    "field_table",
    "fields",
    "optional_fields",
    "problem",
    "record",
    "schema",
]

# Bumped when a field changes meaning or type, or a field is added: 2 added the article's
# evidence (source, parser_version, reparsed, changed_fields) and the run's WARC figures; 3
# put the machine in run ids and run records (``host``), since several machines write one
# archive; 4 added the run's ``workers``, for a site crawled by several worker processes.
# Records of older versions stay valid: each schema requires a field from the version that
# added it on (its ``allOf``), so an archive written by 0.1 still validates and loads. A field
# only some records carry (``workers``) is required by no version: it is optional in all.
SCHEMA_VERSION = 4

# Record kinds, each with its schema file <kind>.schema.json.
KINDS = ("article", "rates", "run", "quarantined")


@cache
def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a record kind."""
    text = resources.files("newsarchive.schemas").joinpath(f"{kind}.schema.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def fields(kind: str) -> tuple[str, ...]:
    """A kind's fields in the order records are written: its schema's ``required`` list, then
    the fields later versions require (its ``allOf``), then its optional fields, the one list
    of the record's fields.

    >>> fields("quarantined")
    ('kind', 'schema_version', 'run_id', 'site', 'url', 'reason', 'record')
    >>> fields("article")[-4:]
    ('source', 'parser_version', 'reparsed', 'changed_fields')
    >>> fields("run")[-3:]
    ('not_modified', 'sitemaps_unchanged', 'workers')
    """
    return (*_required(kind), *optional_fields(kind))


@cache
def optional_fields(kind: str) -> tuple[str, ...]:
    """The fields of a kind that no schema_version requires, in the schema's order: a record
    carries one only when it has something to say there (a run's ``workers``).

    >>> optional_fields("run"), optional_fields("article")
    (('workers',), ())
    """
    required = set(_required(kind))
    return tuple(name for name in schema(kind)["properties"] if name not in required)


@cache
def _required(kind: str) -> tuple[str, ...]:
    """The fields every record of the latest version carries: ``required`` and ``allOf``'s."""
    document = schema(kind)
    added = [name for rule in document.get("allOf", []) for name in rule["then"]["required"]]
    return (*document["required"], *added)


def record(kind: str, **values: Any) -> dict[str, Any]:
    """A record of ``kind`` from its fields' values, in the schema's order. A value for a field
    the schema does not list, or a required field without a value, is a defect of the builder
    and raises (``kind`` and ``schema_version`` are filled in); an optional field without a
    value is left out.

    >>> record("quarantined", run_id="r", site="s", url=None, reason="x", record={})["kind"]
    'quarantined'
    >>> record("quarantined", run_id="r")
    Traceback (most recent call last):
    ...
    ValueError: quarantined record without site, url, reason, record
    """
    values = {"kind": kind, "schema_version": SCHEMA_VERSION, **values}
    names = fields(kind)
    if not _names(kind) >= values.keys() >= _names(kind, required=True):
        extra = [name for name in values if name not in names]
        if extra:
            raise ValueError(f"{kind} record with fields its schema lacks: {', '.join(extra)}")
        missing = [name for name in _required(kind) if name not in values]
        raise ValueError(f"{kind} record without {', '.join(missing)}")
    return {name: values[name] for name in names if name in values}


@cache
def _names(kind: str, *, required: bool = False) -> frozenset[str]:
    """``fields`` (or ``_required``) as a set, for ``record``'s check of every record."""
    return frozenset(_required(kind) if required else fields(kind))


@cache
def _validator(kind: str) -> Callable[[Any], Any]:
    return fastjsonschema.compile(schema(kind))


def problem(record: Any) -> str | None:
    """Why ``record`` is not a valid archive record, or None when it is."""
    if not isinstance(record, dict):
        return f"not a JSON object but {type(record).__name__}"
    kind = record.get("kind")
    if kind is None:
        return "record must contain ['kind'] properties"
    if kind not in KINDS:
        return f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})"
    version = record.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        return (
            f"schema_version {version} is newer than this newsarchive reads ({SCHEMA_VERSION}): "
            "upgrade newsarchive"
        )
    try:
        _validator(kind)(record)
    except fastjsonschema.JsonSchemaValueException as error:
        # "data.title must be ..." names the field, "data.workers[0].worker ..." one inside an
        # entry of a list; "data must contain ..." the record.
        name = error.name or "data"
        field = name.removeprefix("data").removeprefix(".")
        return (field or "record") + error.message.removeprefix(name)
    return None


def field_table(kind: str) -> str:
    """The Markdown table of a kind's fields, in the schema's order, from its descriptions:
    what docs/records.md shows (``scripts/record_docs.py`` writes it there). A field holding a
    list of objects (a run's ``workers``) is followed by the table of an entry's fields.

    >>> print(field_table("quarantined").splitlines()[2])
    | `kind` | string | always `"quarantined"` |
    >>> [line for line in field_table("run").splitlines() if line.startswith("Each")]
    ['Each entry of `workers`:']
    """
    document = schema(kind)
    defs = document.get("$defs", {})
    properties = document["properties"]
    tables = [_table(properties, fields(kind), defs)]
    for name in fields(kind):
        entry = _resolved(properties[name].get("items", {}), defs)
        if "properties" in entry:
            tables += [
                f"Each entry of `{name}`:",
                _table(entry["properties"], entry["required"], defs),
            ]
    return "\n\n".join(tables)


def _table(properties: dict[str, Any], names: Iterable[str], defs: dict[str, Any]) -> str:
    """The Markdown table of the fields ``names`` of an object: name, type, description."""
    nullable = any("x-null-when" in field for field in properties.values())
    header = ["field", "type", "meaning", *(["null when"] if nullable else [])]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name in names:
        field = properties[name]
        cells = [f"`{name}`", _json_type(field, defs), field["description"]]
        if nullable:
            cells.append(field.get("x-null-when", ""))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _resolved(field: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """``field``, or the definition its ``$ref`` names."""
    ref = field.get("$ref")
    return defs[ref.rpartition("/")[2]] if isinstance(ref, str) else field


def _json_type(field: dict[str, Any], defs: dict[str, Any]) -> str:
    """The JSON type a reader sees: "string", "integer", "string or null"..."""
    if "const" in field:
        return "integer" if isinstance(field["const"], int) else "string"
    if "enum" in field:
        values = [value for value in field["enum"] if value is not None]
        kind = "integer" if all(isinstance(value, int) for value in values) else "string"
        return f"{kind} or null" if None in field["enum"] else kind
    for key in ("oneOf", "anyOf"):
        if key in field:
            return " or ".join(_json_type(choice, defs) for choice in field[key])
    if "$ref" in field:
        return _json_type(_resolved(field, defs), defs)
    types = field.get("type", "object")
    return " or ".join(types) if isinstance(types, list) else str(types)
