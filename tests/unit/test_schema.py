"""The shipped JSON Schemas: valid 2020-12 schemas whose every field says what it holds."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from newsarchive.schema import KINDS, schema


@pytest.mark.parametrize("kind", KINDS)
def test_schema_files_are_valid_2020_12(kind: str) -> None:
    document = schema(kind)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(document)
    assert document["properties"]["schema_version"]["const"] == 1
    # The schema is the one list of fields: every one says what it holds (docs/records.md
    # shows these words).
    assert all(field.get("description") for field in document["properties"].values())
