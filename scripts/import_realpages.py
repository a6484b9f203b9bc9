"""Build the real-page development corpus from public annotated test pages.

    .venv/bin/python scripts/import_realpages.py SOURCE GIT_DIR [--out fixtures/realpages]

``SOURCE`` is one of ``SOURCES`` and ``GIT_DIR`` a bare clone of its repository:
``readability`` (mozilla/readability), ``newspaper4k`` (AndyTheFactory/newspaper4k) or
``postlight`` (postlight/parser). Each page is written as ``<out>/<source>-<name>.html`` (the
source bytes as stored) and ``<out>/<source>-<name>.json``, the gold in
``newsarchive.evaluation``'s format; fixtures/realpages/README.md says how each source's
annotation becomes gold. For readability, the real pages of
``test/test-pages/<name>/{source.html,expected.html,expected-metadata.json}`` (not the suite's
hand-made snippets) give:

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
import re
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
# Pages above this size (whole app shells, mostly reddit's) would take a large share of the
# corpus's size budget (about 70 MB) for one page's worth of evidence. Readability's pages
# predate the rule and are all kept.
_MAX_PAGE_BYTES = 1_500_000


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


def _stored_since(git_dir: Path, commit: str, path: str) -> str:
    """When the version of ``path`` at ``commit`` entered the repository.

    That is the add date for a page never changed after, and the latest the stored bytes can
    have been fetched in any case: some pages were replaced by a newer article later (newspaper4k's
    video_article_02 was added on 2023-11-05 and became a page published on 2023-11-19), so the
    add date alone could precede the gold date.
    """
    return (
        _git(git_dir, "log", "-1", "--diff-filter=AM", "--format=%cI", commit, "--", path)
        .decode()
        .strip()
    )


def _newspaper_date(value: str | None) -> str | None:
    """newspaper's ``publish_date`` as gold: its date-only finds (from the URL) are midnight.

    >>> _newspaper_date("2023-11-06T00:00:00"), _newspaper_date("2014-12-27 12:06:00")
    ('2023-11-06', '2014-12-27T12:06:00')
    >>> _newspaper_date("2018-06-19T05:50:00+09:00"), _newspaper_date(None)
    ('2018-06-19T05:50:00+09:00', None)
    """
    if not value:
        return None
    value = value.replace(" ", "T", 1)
    return value[:10] if value.endswith("T00:00:00") else value


# newspaper4k deleted the 160 full-text pages that codelucas/newspaper had tested since 2015
# ("remove some unused, old test html files"); they are read from the commit before that one.
_NEWSPAPER_OLD = "1da8e69^"


def _newspaper4k(git_dir: Path) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    head = _git(git_dir, "rev-parse", "HEAD").decode().strip()
    old = _git(git_dir, "rev-parse", _NEWSPAPER_OLD).decode().strip()
    licence = "MIT (the repository's licence; the pages are its test data)"
    done: set[str] = set()
    seen: set[bytes] = set()  # video_article_01 is cleveland.com1's page again
    # Today's pages with metadata (title, language, publish_date) beside the expected text.
    metadata = _git(git_dir, "ls-tree", "--name-only", "HEAD:tests/data/metadata").decode()
    texts = set(_git(git_dir, "ls-tree", "--name-only", "HEAD:tests/data/txt").decode().split())
    for entry in metadata.split():
        name = entry.removesuffix(".json")
        if f"{name}.txt" not in texts:
            continue  # the video pages: metadata for their movies only, no expected text
        meta = json.loads(_git(git_dir, "show", f"HEAD:tests/data/metadata/{entry}"))
        path = f"tests/data/html/{name}.html"
        html = _git(git_dir, "show", f"HEAD:{path}")
        if len(html) > _MAX_PAGE_BYTES or html in seen:
            continue
        seen.add(html)
        gold: dict[str, Any] = {
            "url": meta.get("url") or f"http://fakehost/{name}.html",
            "now": _stored_since(git_dir, head, path),
            "tz": "UTC",
            "title": meta.get("title"),
            "body": _plain(_git(git_dir, "show", f"HEAD:tests/data/txt/{name}.txt")),
            "lang": meta.get("language"),
        }
        # newspaper annotates "no date" as null too, but that is its own miss as often as the
        # page's: only found dates are gold.
        if published := _newspaper_date(meta.get("publish_date")):
            gold["published"] = published
        gold["source"] = {
            "repository": "AndyTheFactory/newspaper4k",
            "commit": head,
            "path": path,
            "licence": licence,
        }
        done.add(name)
        yield f"newspaper4k-{name}", html, gold
    # The old full-text pages: expected text only. Their URLs are listed in order and the
    # files are named by the listed domain the host belongs to, numbered from 1.
    urls = _git(git_dir, "show", f"{old}:tests/data/fulltext_url_list.txt").decode().split()
    domains = _git(git_dir, "show", f"{old}:tests/data/fulltext_domain_list.txt").decode().split()
    url_of: dict[str, str] = {}
    counts: dict[str, int] = {}
    for url in urls:
        host = url.split("/")[2]
        domain = next((d for d in domains if host == d or host.endswith(f".{d}")), None)
        if domain:
            counts[domain] = counts.get(domain, 0) + 1
            url_of[f"{domain}{counts[domain]}"] = url
    old_texts = _git(git_dir, "ls-tree", "--name-only", f"{old}:tests/data/txt").decode().split()
    for entry in old_texts:
        name = entry.removesuffix(".txt")
        path = f"tests/data/html/{name}.html"
        if name in done or name not in url_of:
            continue
        html = _git(git_dir, "show", f"{old}:{path}")
        if len(html) > _MAX_PAGE_BYTES or html in seen:
            continue
        seen.add(html)
        # Only the text is annotated: no title, language or date key, so none is scored.
        gold = {
            "url": url_of[name],
            "now": _stored_since(git_dir, old, path),
            "tz": "UTC",
            "body": _plain(_git(git_dir, "show", f"{old}:tests/data/txt/{entry}")),
            "source": {
                "repository": "AndyTheFactory/newspaper4k",
                "commit": old,
                "path": path,
                "licence": licence,
            },
        }
        yield f"newspaper4k-{name}", html, gold


def _plain(text: bytes) -> str:
    """An expected plain text as gold: paragraphs separated by blank lines.

    >>> _plain(b"One  two\\nthree\\n\\n\\nfour")
    'One two\\n\\nthree\\n\\nfour'
    """
    lines = (" ".join(line.split()) for line in text.decode("utf-8").split("\n"))
    return "\n\n".join(line for line in lines if line)


# A JavaScript string literal (quotes of any kind), and the escapes found in them.
_JS_STRING = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)"""
_JS_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_JS_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "\n": ""}


def _js_string(literal: str) -> str | None:
    r"""The value of a JavaScript string literal (None for a template with substitutions).

    >>> _js_string("'It\\'s'"), _js_string('`caf\\u00e9`'), _js_string("`${a}`")
    ("It's", 'café', None)
    """
    if literal.startswith("`") and "${" in literal:
        return None

    def unescape(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith(("u", "x")) and len(code) > 1:
            return chr(int(code[1:].strip("{}"), 16))
        return _JS_SIMPLE.get(code, code)

    return _JS_ESCAPE.sub(unescape, literal[1:-1])


def _js_assert(block: str, field: str) -> str | None:
    """The literal that ``assert.equal(<field>, ...)`` expects in a test block, if any."""
    found = re.search(rf"assert\.equal\(\s*{field},\s*({_JS_STRING})\s*\)", block)
    return _js_string(found.group(1)) if found else None


def _postlight(git_dir: Path) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    commit = _git(git_dir, "rev-parse", "HEAD").decode().strip()
    base = "src/extractors/custom"
    for site in _git(git_dir, "ls-tree", "--name-only", f"HEAD:{base}").decode().split():
        try:
            test = _git(git_dir, "show", f"HEAD:{base}/{site}/index.test.js").decode()
        except subprocess.CalledProcessError:
            continue  # an extractor without a test
        # One test block per page: it sets the URL, reads the fixture, asserts the fields.
        for block in test.split("beforeAll(")[1:]:
            url = re.search(rf"url\s*=\s*({_JS_STRING})", block)
            fixture = re.search(rf"readFileSync\(\s*({_JS_STRING})", block)
            # Only a page whose test asserts an exact instant: a few compare a reformatted
            # day, and content is asserted as its first 13 words only, so there is no body.
            published = _js_assert(block, "date_published")
            if not (url and fixture and published):
                continue
            path = (_js_string(fixture.group(1)) or "").removeprefix("./")
            html = _git(git_dir, "show", f"HEAD:{path}")
            if len(html) > _MAX_PAGE_BYTES:
                continue
            gold: dict[str, Any] = {
                "url": _js_string(url.group(1)),
                "now": _stored_since(git_dir, commit, path),
                "tz": "UTC",
            }
            if title := _js_assert(block, "title"):
                gold["title"] = title
            gold["published"] = published
            gold["source"] = {
                "repository": "postlight/parser",
                "commit": commit,
                "path": path,
                "licence": "Apache-2.0 or MIT (the repository's dual licence; its fixtures)",
            }
            yield f"postlight-{Path(path).stem}", html, gold


SOURCES = {"readability": _readability, "newspaper4k": _newspaper4k, "postlight": _postlight}


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
