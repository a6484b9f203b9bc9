"""Build the real-page development corpus from public annotated test pages.

    .venv/bin/python scripts/import_realpages.py readability GIT_DIR [--out fixtures/realpages]

``GIT_DIR`` is a bare clone of mozilla/readability (or any repository with its
``test/test-pages/<name>/{source.html,expected.html,expected-metadata.json}`` layout). For every
page that is a real web page (not one of the suite's hand-made snippets, see ``_real``), it
writes ``<out>/readability-<name>.html`` (the source bytes as stored) and
``<out>/readability-<name>.json``, the gold in ``newsarchive.evaluation``'s format:

- ``body``: the text of ``expected.html``, readability's annotated article, paragraphs
  separated by blank lines (scored by 4-word shingles, see ``newsarchive.evaluation``);
- ``title`` and ``published`` from ``expected-metadata.json`` (``published`` only where the
  metadata gives one: a page without it is not scored for dates);
- ``now``: when the page was added to the source repository (the latest it can have been
  fetched), so relative dates and "not in the future" checks have a real reference;
- ``source``: repository, commit, path and licence, also collected in ``<out>/manifest.json``.

Pages are written as found; nothing is edited by hand. Re-running the script rewrites them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html

ROOT = Path(__file__).resolve().parents[1]

# Elements after which the text of an annotated article starts a new paragraph.
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "dl",
        "dt",
        "dd",
        "figure",
        "figcaption",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "br",
        "hr",
    ]
)
# The snippets of readability's suite are a few kilobytes; its real pages are larger.
_MIN_SOURCE_BYTES = 10_000


def _git(git_dir: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True
    ).stdout


def gold_text(html: bytes) -> str:
    """The visible text of an annotated article, paragraphs separated by blank lines.

    >>> gold_text(b"<div><p>One <b>two</b></p><ul><li>three</li><li>four</li></ul></div>")
    'One two\\n\\nthree\\n\\nfour'
    """
    root = lxml.html.fromstring(html)
    pieces: list[str] = []

    def walk(element: Any) -> None:
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            if element.tail:
                pieces.append(element.tail)
            return
        block = element.tag in _BLOCKS
        if block:
            pieces.append("\n")
        if element.text:
            pieces.append(element.text)
        for child in element:
            walk(child)
        if block:
            pieces.append("\n")
        if element.tail:
            pieces.append(element.tail)

    walk(root)
    lines = (" ".join(line.split()) for line in "".join(pieces).split("\n"))
    return "\n\n".join(line for line in lines if line)


def _readability(git_dir: Path) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    commit = _git(git_dir, "rev-parse", "HEAD").decode().strip()
    base = "test/test-pages"
    names = _git(git_dir, "ls-tree", "--name-only", f"HEAD:{base}").decode().split()
    for name in names:
        path = f"{base}/{name}"
        source = _git(git_dir, "show", f"HEAD:{path}/source.html")
        if len(source) < _MIN_SOURCE_BYTES:
            continue
        expected = _git(git_dir, "show", f"HEAD:{path}/expected.html")
        meta = json.loads(_git(git_dir, "show", f"HEAD:{path}/expected-metadata.json"))
        added = (
            _git(git_dir, "log", "--diff-filter=A", "--format=%cI", "--", f"{path}/source.html")
            .decode()
            .split()
        )
        gold: dict[str, Any] = {
            "url": f"http://fakehost/test/{name}.html",
            "now": added[-1] if added else None,
            "tz": "UTC",
            "title": meta.get("title"),
            "body": gold_text(expected),
            "lang": meta.get("lang"),
        }
        if meta.get("publishedTime"):
            gold["published"] = meta["publishedTime"]
        gold["source"] = {
            "repository": "mozilla/readability",
            "commit": commit,
            "path": path,
            "licence": "Apache-2.0 (the repository's licence; the pages are its test data)",
        }
        yield f"readability-{name}", source, gold


SOURCES = {"readability": _readability}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", choices=sorted(SOURCES))
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "fixtures" / "realpages")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    manifest_path = args.out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    written = 0
    for name, html, gold in SOURCES[args.source](args.git_dir):
        (args.out / f"{name}.html").write_bytes(html)
        (args.out / f"{name}.json").write_text(
            json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        manifest[name] = gold["source"]
        written += 1
    manifest_path.write_text(
        json.dumps(dict(sorted(manifest.items())), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    print(f"{written} pages from {args.source} written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
