"""Fuzzed parsers: no exception, no hang, and schema-valid records, whatever the page holds.

Each property of tests/support/fuzz_strategies.py (a parser against one family of hostile
input: random Unicode, tag soup, mutated fixture pages, pages nested 5,000-20,000 deep, 1 MB
attributes, random encodings) runs here with a budget CI can afford, which makes these tests
slow; scripts/fuzz.py runs the same ones with a large one. The defects fuzzing found are
regression tests in tests/unit/test_fuzz.py.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from newsarchive import extract_article
from tests.support.fuzz_strategies import PROPERTIES, Property, bounded
from tests.support.helpers import ROOT

pytestmark = pytest.mark.slow

NOW = datetime(2025, 12, 11, 13, 0, tzinfo=UTC)  # 18:00 in Tashkent


def test_the_long_run_script_reports_examples_failures_and_seed() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/fuzz.py", "--examples", "3", "--seed", "7", "--only", "stamp"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "fuzzing 3 properties, seed 7"
    for name in ("timestamp/unicode", "timestamp/fragments", "timestamp/mojibake"):
        row = next(line.split() for line in lines if line.startswith(name))
        assert row[1:3] == ["3", "0"], row  # examples, failures
    assert lines[-1].startswith("total 9 examples, 0 failures, seed 7, ")


@pytest.mark.parametrize("prop", PROPERTIES, ids=lambda prop: prop.name)
def test_property(prop: Property) -> None:
    outcome = prop.run(prop.ci_examples)
    if outcome.error is not None:
        raise outcome.error
    assert outcome.examples >= prop.ci_examples


def test_every_parser_meets_every_family() -> None:
    families = {"unicode", "soup", "mutated", "deep", "huge-attribute", "encoded"}
    names = {prop.name for prop in PROPERTIES}
    for parser in ("rates", "generic", "article"):
        assert {f"{parser}/{family}" for family in families} <= names
    assert {"timestamp/unicode", "timestamp/fragments", "timestamp/mojibake"} <= names


def test_the_guard_stops_a_hang_and_sees_a_caught_exception() -> None:
    """bounded() can fail: a loop without end is stopped at the limit, and an exception a
    parser's last-resort guard caught and logged counts as raised."""

    def spin() -> None:
        while True:
            pass

    with pytest.raises(AssertionError, match=r"still running after 2\.0 s"):
        bounded(spin)

    class Response:
        """A response object whose selector cannot be read."""

        @property
        def selector(self) -> None:
            raise RuntimeError("no selector")

    with pytest.raises(AssertionError, match="a parser guard caught") as error:
        bounded(lambda: extract_article(Response(), now=NOW))
    assert isinstance(error.value.__cause__, RuntimeError)
