"""Shared helpers: the demo site on a real local server, the CLI in a real subprocess.

Crawls run in a subprocess because Twisted's reactor cannot be restarted inside one process,
and because that is how people run them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timezone
from pathlib import Path
from typing import Any

from newsarchive.demo import default_fixture_root
from newsarchive.parsers.timestamps import Timestamp

ROOT = Path(__file__).resolve().parents[2]
DEMO_SITE = default_fixture_root()
# Quick, quiet crawls of a loopback server: AutoThrottle's 1 s start delay only costs time here.
FAST = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSARCHIVE_PROGRESS_INTERVAL=0")


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m newsarchive ARGS`` from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "newsarchive", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        check=False,
    )


def read_jsonl(folder: Path) -> list[dict[str, Any]]:
    """Every record of every published file in a folder, files in name order."""
    records = []
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            records.extend(json.loads(line) for line in handle)
    return records


def expected_articles() -> list[dict[str, Any]]:
    with (DEMO_SITE / "expected" / "articles.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def expected_rates() -> list[dict[str, Any]]:
    with (DEMO_SITE / "expected" / "rates.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def assert_reads(
    found: Timestamp | None, text: str, expected: str | None, precision: str | None
) -> None:
    """A timestamp table row: ``found`` is the ``expected`` instant (ISO 8601 with its
    offset) at ``precision``, with ``text`` as shown, in a fixed offset (never pytz, never
    LMT); or None when nothing is expected."""
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert (found.isoformat(), found.precision) == (expected, precision)
    assert _ISO_OFFSET.match(found.isoformat())
    assert found.raw == text
    assert type(found.value.tzinfo) is timezone


_ISO_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?[+-]\d\d:\d\d$")
