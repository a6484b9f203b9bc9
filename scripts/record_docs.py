"""Write the field tables of docs/records.md from the shipped JSON Schemas, the one list of
the records' fields (their ``description`` and ``x-null-when`` annotations).

    .venv/bin/python scripts/record_docs.py          # rewrite the tables
    .venv/bin/python scripts/record_docs.py --check  # exit 1 if the docs differ (a test runs it)

Each table stands between ``<!-- fields:KIND -->`` and ``<!-- /fields:KIND -->``; the prose
around it is the docs' own.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsarchive.schema import KINDS, field_table  # noqa: E402

DOCS = ROOT / "docs" / "records.md"


def rendered(text: str) -> str:
    """``text`` with every marked table written anew from its schema."""
    for kind in KINDS:
        block = re.compile(rf"(<!-- fields:{kind} -->\n).*?(\n<!-- /fields:{kind} -->)", re.DOTALL)
        if not block.search(text):
            raise SystemExit(f"{DOCS}: no <!-- fields:{kind} --> block")
        text = block.sub(lambda m, kind=kind: m[1] + field_table(kind) + m[2], text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the docs are stale")
    args = parser.parse_args(argv)
    text = DOCS.read_text(encoding="utf-8")
    new = rendered(text)
    if args.check:
        if new != text:
            print(f"{DOCS} is stale: run scripts/record_docs.py", file=sys.stderr)
            return 1
        return 0
    DOCS.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
