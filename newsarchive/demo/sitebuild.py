"""What the fixture-site generators (``fixtures/*/build.py``) have in common.

Each generator renders its site's ``pages/`` (templates for :mod:`newsarchive.demo.server`) and
``expected/`` (the records a crawler must archive) from the source data beside it; this module
holds the parts that do not depend on the site: reading ``site.json``, the HTML escapes, the time
placeholders, the body-text rule, the page-to-template mapping, and writing or checking the
output (``main``).
"""

from __future__ import annotations

import argparse
import filecmp
import html
import json
import re
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "OUTPUT_DIRS",
    "Block",
    "BlockRenderer",
    "attr",
    "block_text",
    "body_text",
    "check_charset",
    "collapse",
    "differences",
    "esc",
    "fmt",
    "jsonl",
    "load_clock",
    "main",
    "page_url",
    "placeholder",
    "read_toml",
    "template_file",
    "write",
]

Block = dict[str, Any]
"""A body block of the source data: ``{"type": "paragraph", "text": ...}`` and so on."""
BlockRenderer = Callable[[Block], str]

OUTPUT_DIRS = ("pages", "expected")
FIXTURE_TIME = "%Y-%m-%dT%H:%M"  # how placeholders write a fixture time (site wall time)


# -- source data --------------------------------------------------------------------------------
def load_clock(source_dir: Path) -> tuple[tzinfo, datetime]:
    """The site's time zone and its ``reference_now`` (in that zone), from ``site.json``."""
    config = json.loads((source_dir / "site.json").read_text(encoding="utf-8"))
    tz = ZoneInfo(config["timezone"])
    return tz, datetime.fromisoformat(config["reference_now"]).astimezone(tz)


def read_toml(path: Path) -> dict[str, Any]:
    """A UTF-8 TOML source file."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


# -- text helpers -------------------------------------------------------------------------------
def esc(text: str) -> str:
    """Escape element text (quotes left alone).

    >>> esc('<b> & "x"')
    '&lt;b&gt; &amp; "x"'
    """
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    """Escape an attribute value (quotes included)."""
    return html.escape(text, quote=True)


def collapse(text: str) -> str:
    """Collapse white space runs to one space and strip the ends."""
    return " ".join(text.split())


def placeholder(kind: str, moment: datetime) -> str:
    """A ``{{KIND:T}}`` time placeholder holding a fixture time (wall time, minute precision).

    >>> placeholder("iso", datetime(2025, 12, 11, 17, 13))
    '{{iso:2025-12-11T17:13}}'
    """
    return "{{" + kind + ":" + f"{moment:{FIXTURE_TIME}}" + "}}"


def fmt(moment: datetime, form: str) -> str:
    """A ``{{fmt:T|FORMAT}}`` placeholder (strftime of the true time).

    >>> fmt(datetime(2025, 12, 11, 17, 13), "%d.%m.%Y")
    '{{fmt:2025-12-11T17:13|%d.%m.%Y}}'
    """
    return "{{fmt:" + f"{moment:{FIXTURE_TIME}}|{form}" + "}}"


def check_charset(name: str, text: str, charset: str) -> None:
    """Raise ValueError unless each character of ``text`` (bar placeholders) is in ``charset``."""
    sample = re.sub(r"\{\{[^{}]*\}\}", "x", text)
    try:
        sample.encode(charset)
    except UnicodeEncodeError as exc:
        raise ValueError(f"{name}: {sample[exc.start : exc.end]!r} is not in {charset}") from exc


# -- body text ----------------------------------------------------------------------------------
def block_text(block: Block, *, line_breaks: bool = False) -> str | None:
    """The body-text rule of newsarchive/parsers/text.py, applied to one source block.

    A list gives one ``- item`` line per item, a figure its caption, an image nothing; any other
    block its text collapsed, line by line if the site renders the text's newlines as ``<br>``.

    >>> block_text({"type": "list", "items": ["раз", " два  три"]})
    '- раз\\n- два три'
    >>> block_text({"type": "paragraph", "text": "a \\n b"}, line_breaks=True)
    'a\\nb'
    """
    kind = block["type"]
    if kind == "list":
        return "\n".join(f"- {collapse(item)}" for item in block["items"])
    if kind == "figure":
        return collapse(block["caption"])
    if kind == "image":
        return None
    if line_breaks:
        return "\n".join(collapse(line) for line in block["text"].split("\n"))
    return collapse(block["text"])


def body_text(lead: str | None, blocks: Iterable[Block], *, line_breaks: bool = False) -> str:
    """An article's expected ``body``: the lead (if any), then its blocks, a blank line apart."""
    parts = [collapse(lead)] if lead else []
    parts += [block_text(block, line_breaks=line_breaks) or "" for block in blocks]
    return "\n\n".join(part for part in parts if part)


# -- pages --------------------------------------------------------------------------------------
def page_url(base_path: str, number: int) -> str:
    """Page ``number`` of a listing at ``base_path`` (``/page/N/`` style).

    >>> page_url("/sport/", 1), page_url("/sport/", 2)
    ('/sport/', '/sport/page/2/')
    """
    return base_path if number == 1 else f"{base_path}page/{number}/"


def template_file(path: str) -> str:
    """Request path (with query) -> template file under pages/ (the server's mapping).

    >>> template_file("/news/"), template_file("/news/?start=10"), template_file("/a/1.html")
    ('pages/news/index.html', 'pages/news/index__start=10.html', 'pages/a/1.html')
    """
    path, _, query = path.partition("?")
    relative = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
    if query:
        stem, dot, suffix = relative.rpartition(".")
        relative = f"{stem}__{query}{dot}{suffix}"
    return "pages/" + relative


def jsonl(records: Iterable[dict[str, Any]]) -> str:
    """One JSON object a line, non-ASCII kept as is."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


# -- output -------------------------------------------------------------------------------------
def write(files: dict[str, str], out: Path, *, clean: Sequence[str] = OUTPUT_DIRS) -> None:
    """Write ``files`` (relative path -> text) below ``out`` as UTF-8, after emptying ``clean``."""
    for sub in clean:
        shutil.rmtree(out / sub, ignore_errors=True)
    for relative, text in sorted(files.items()):
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))


def differences(left: Path, right: Path) -> list[str]:
    """Relative paths that differ between two output folders (pages/ and expected/)."""
    found: list[str] = []
    for sub in OUTPUT_DIRS:
        a, b = left / sub, right / sub
        names_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
        names_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
        found += [f"{sub}/{name}" for name in sorted(names_a ^ names_b)]
        found += [
            f"{sub}/{name}"
            for name in sorted(names_a & names_b)
            if not filecmp.cmp(a / name, b / name, shallow=False)
        ]
    return found


def main(
    argv: list[str] | None,
    *,
    description: str,
    here: Path,
    name: str,
    render: Callable[[], dict[str, str]],
    clean: Sequence[str] = OUTPUT_DIRS,
) -> int:
    """A generator's command line: write the output of ``render()`` to ``--out`` (default
    ``here``), or with ``--check`` exit 1 if what is there differs from it."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=here, help="output folder (default: here)")
    parser.add_argument("--check", action="store_true", help="fail if --out is not up to date")
    args = parser.parse_args(argv)
    files = render()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            write(files, Path(tmp), clean=clean)
            stale = differences(Path(tmp), args.out)
        if stale:
            print("out of date (run build.py): " + ", ".join(stale), file=sys.stderr)
            return 1
        print(f"{name} is up to date")
        return 0
    write(files, args.out, clean=clean)
    print(f"wrote {len(files)} files to {args.out}")
    return 0
