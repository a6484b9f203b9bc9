"""Build the real-page development corpus from public annotated test pages.

    .venv/bin/python scripts/import_realpages.py SOURCE GIT_DIR [--out fixtures/realpages]

``SOURCE`` is one of ``SOURCES`` and ``GIT_DIR`` a bare clone of its repository:
``readability`` (mozilla/readability), ``newspaper4k`` (AndyTheFactory/newspaper4k),
``postlight`` (postlight/parser), or one of the suites that assert only how the text starts,
ends or what it contains, whose gold is segments: ``goose3`` (goose3/goose3), ``snacktory``
(smallrivers/snacktory), ``crux`` (chimbori/crux). Run them in that order: a page already taken
from an earlier source is skipped. Each page is written as ``<out>/<source>-<name>.html`` (the
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
import ast
import hashlib
import itertools
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, time
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


# Sources whose tests assert how the extracted text starts (and sometimes ends or what it
# contains), not the whole text: their gold is segments (``body_start``, ``body_end``,
# ``must_contain``, ``must_not_contain``), see ``newsarchive.evaluation``.
# About the length of a start or end segment: enough to pin where the text begins or ends.
_SEGMENT_CHARS = 200


def _segment(text: str, side: str) -> str:
    """An asserted piece of text as a segment: whole words only, ``_SEGMENT_CHARS`` at most.

    ``side`` is which end of the piece is anchored to the text: "start" (the text starts with
    it: a word cut at its end may be the start of a longer word, so it is dropped), "end", or
    "middle" (both ends may cut a word).

    >>> _segment("Washington (CNN) -- Democrats pledged ", "start")
    'Washington (CNN) -- Democrats pledged'
    >>> _segment("Recent PyPys effort to bring NumPy and the associated fundraiser", "start")
    'Recent PyPys effort to bring NumPy and the associated'
    >>> _segment("EMD Millipore and EMD Performance Materials.", "end")
    'Millipore and EMD Performance Materials.'
    >>> _segment("Sharam", "middle")
    ''
    """
    if side in ("start", "middle"):
        cut = text[:_SEGMENT_CHARS]
        # The last word is whole only if the piece goes on with a non-word character.
        if re.search(r"\w$", cut) and not re.match(r"\W", text[len(cut) :]):
            cut = re.sub(r"\w+$", "", cut)
        text = cut
    if side in ("end", "middle"):
        cut = text[-_SEGMENT_CHARS:]
        if re.match(r"\w", cut) and not re.search(r"\W$", text[: len(text) - len(cut)]):
            cut = re.sub(r"^\w+", "", cut)
        text = cut
    return " ".join(text.split())


# A Java or Kotlin string literal (no raw strings), and the escapes found in them.
_C_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_C_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")
_C_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "0": "\0"}


def _c_literals(expression: str) -> str | None:
    r"""The value of a Java/Kotlin expression made only of string literals joined by ``+``.

    >>> _c_literals('"Knight Rider ist " \n + "eine \\"Serie\\""')
    'Knight Rider ist eine "Serie"'
    >>> _c_literals('"caf\\u00e9"'), _c_literals("res.getText()"), _c_literals('"${a}b"')
    ('café', None, None)
    >>> _c_literals('"2016-09-12T14:31:25+00:00"')
    '2016-09-12T14:31:25+00:00'
    """
    literal = _C_STRING.pattern
    if not re.fullmatch(rf"\s*{literal}(?:\s*\+\s*{literal})*\s*", expression):
        return None
    values = []
    for part in _C_STRING.findall(expression):
        if re.search(r"(?<!\\)\$[A-Za-z_{]", part):
            return None  # a Kotlin template

        def unescape(match: re.Match[str]) -> str:
            code = match.group(1)
            if code.startswith("u") and len(code) == 5:
                return chr(int(code[1:], 16))
            return _C_SIMPLE.get(code, code)

        values.append(_C_ESCAPE.sub(unescape, part[1:-1]))
    return "".join(values)


def _blank_comments(source: str) -> str:
    """Java/Kotlin source with its comments blanked out (same length, so offsets hold)."""

    def blank(match: re.Match[str]) -> str:
        text = match.group(0)
        return text if text.startswith('"') else re.sub(r"[^\n]", " ", text)

    return re.sub(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?\*/', blank, source, flags=re.S)


def _arguments(source: str, start: int) -> tuple[list[str], int]:
    """The top-level arguments of the call whose ``(`` is just before ``start``, and its end."""
    depth, args, piece = 0, [], start
    position = start
    while position < len(source):
        literal = _C_STRING.match(source, position)
        if literal:
            position = literal.end()
            continue
        char = source[position]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                args.append(source[piece:position].strip())
                return args, position + 1
            depth -= 1
        elif char == "," and depth == 0:
            args.append(source[piece:position].strip())
            piece = position + 1
        position += 1
    return args, position


def _calls(source: str, names: str) -> Iterator[tuple[int, str, list[str]]]:
    """Each call of a function in ``names`` (a regex alternation): offset, name, arguments."""
    for match in re.finditer(rf"\b({names})\(", source):
        yield match.start(), match.group(1), _arguments(source, match.end())[0]


def _method_call(expression: str, method: str) -> tuple[str, str] | None:
    """``receiver.method(argument)`` (or ``receiver?.method(...)``) as (receiver, argument)."""
    found = re.fullmatch(rf"(.+?)\??\.{method}\((.*)\)(?:\s*==\s*true)?", expression, re.S)
    return (found.group(1).strip(), found.group(2)) if found else None


class _Gold:
    """What a test suite asserts about one page, gathered over all its tests."""

    def __init__(self, path: str, url: str | None) -> None:
        self.path, self.url = path, url
        self.fields: dict[str, Any] = {}
        self.conflicts: set[str] = set()
        self.must_contain: list[str] = []
        self.must_not_contain: list[str] = []

    def set(self, field: str, value: str) -> None:
        """Record an asserted value; two tests that disagree leave the field out."""
        if field in ("body_start", "body_end") and field in self.fields:
            old = self.fields[field]
            # Two tests assert the text starts (ends) with pieces of different lengths.
            longer, shorter = (old, value) if len(old) >= len(value) else (value, old)
            fits = longer.startswith(shorter) if field == "body_start" else longer.endswith(shorter)
            value = longer if fits else ""
        if value and self.fields.get(field, value) == value:
            self.fields[field] = value
        else:
            self.conflicts.add(field)

    def case(self) -> dict[str, Any] | None:
        """The gold, or None when the tests assert nothing about the text or the date."""
        fields = {k: v for k, v in self.fields.items() if k not in self.conflicts}
        for field, side in (("body_start", "start"), ("body_end", "end")):
            if field in fields:
                fields[field] = _segment(fields[field], side)
        middle = [_segment(s, "middle") for s in dict.fromkeys(self.must_contain)]
        absent = [" ".join(s.split()) for s in dict.fromkeys(self.must_not_contain)]
        gold: dict[str, Any] = {}
        if "body" in fields:  # the whole text is asserted: no segments needed
            gold["body"] = _plain(fields["body"].encode("utf-8"))
        else:
            gold.update({k: fields[k] for k in ("body_start", "body_end") if fields.get(k)})
            if middle := [s for s in middle if s]:
                gold["must_contain"] = middle
        if absent:
            gold["must_not_contain"] = absent
        if not (
            {"body", "body_start", "body_end", "must_contain"} & set(gold) or "published" in fields
        ):
            return None
        for field in ("title", "published", "lang"):
            if field in fields:
                gold[field] = fields[field]
        return gold


def _segment_pages(
    git_dir: Path, commit: str, repository: str, licence: str, pages: Iterator[_Gold], prefix: str
) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    """The pages of a segment-gold suite, each once, in the corpus format."""
    done: dict[str, _Gold] = {}
    for page in pages:  # a page tested several times: its assertions merge
        kept = done.setdefault(page.path, page)
        if kept is not page:
            for field, value in page.fields.items():
                kept.set(field, value)
            kept.conflicts |= page.conflicts
            kept.must_contain += page.must_contain
            kept.must_not_contain += page.must_not_contain
            kept.url = kept.url or page.url
    seen: set[bytes] = set()
    for path, page in sorted(done.items()):
        gold = page.case()
        if gold is None:
            continue
        try:
            html = _git(git_dir, "show", f"{commit}:{path}")
        except subprocess.CalledProcessError:
            continue  # a test of a file the repository does not hold
        # The suites' hand-made snippets are a few kilobytes; real pages are larger.
        if not _MIN_SOURCE_BYTES <= len(html) <= _MAX_PAGE_BYTES or html in seen:
            continue
        seen.add(html)
        stem = Path(path).name.removesuffix(".html").removeprefix("test_")
        name = f"{prefix}-{re.sub(r'[^A-Za-z0-9_.]+', '_', stem)}"
        yield (
            name,
            html,
            {
                "url": page.url or f"http://fakehost/{stem}.html",
                "now": _stored_since(git_dir, commit, path),
                "tz": "UTC",
                **gold,
                "source": {
                    "repository": repository,
                    "commit": commit,
                    "path": path,
                    "licence": licence,
                },
            },
        )


def _goose3(git_dir: Path) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    """goose3's content tests: ``tests/data/content/<test>.json`` beside ``<test>.html``.

    A test lists the ``fields`` it asserts; goose checks that its text starts with the expected
    ``cleaned_text`` (``assert_cleaned_text``) and that other fields are equal.
    """
    commit = _git(git_dir, "rev-parse", "HEAD").decode().strip()
    tests = _git(git_dir, "show", f"{commit}:tests/test_content.py").decode()

    def pages() -> Iterator[_Gold]:
        for method in re.split(r"\n    def ", tests)[1:]:
            test = method.split("(", 1)[0]
            asserted: set[str] = set()
            for listed in re.findall(r"fields\s*=\s*(\[[^\]]*\])", method):
                asserted.update(ast.literal_eval(listed))
            if not test.startswith("test_") or "cleaned_text" not in asserted:
                continue
            data = json.loads(_git(git_dir, "show", f"{commit}:tests/data/content/{test}.json"))
            expected = data["expected"]
            page = _Gold(f"tests/data/content/{test}.html", data.get("url"))
            page.set("body_start", expected["cleaned_text"])
            for field, key in (("title", "title"), ("published", "publish_date")):
                if key in asserted and expected.get(key):
                    page.set(field, expected[key])
            if data.get("target_language"):  # the language the test tells goose to read
                page.set("lang", data["target_language"])
            yield page

    licence = "Apache-2.0 (the repository's licence; the pages are its test data)"
    yield from _segment_pages(git_dir, commit, "goose3/goose3", licence, pages(), "goose3")


def _java_date(value: str) -> str | None:
    """A ``java.util.Date.toString()`` in UTC as gold; its midnight is a date found without time.

    >>> _java_date("Thu Feb 19 00:00:00 UTC 2015"), _java_date("Thu Feb 19 10:05:00 UTC 2015")
    ('2015-02-19', '2015-02-19T10:05:00+00:00')
    >>> _java_date("Thu Feb 19 00:00:00 CET 2015")
    """
    try:
        found = datetime.strptime(value, "%a %b %d %H:%M:%S UTC %Y").replace(tzinfo=UTC)
    except ValueError:
        return None
    return found.date().isoformat() if found.time() == time() else found.isoformat()


def _snacktory(git_dir: Path) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    """smallrivers/snacktory's ``ArticleTextExtractorTest``: what ``getText()`` starts with,
    ends with, contains or not, equals; ``getTitle()`` and ``getDate()`` when asserted equal.
    Only extractions with the default ``extractor`` count (others change its output)."""
    commit = _git(git_dir, "rev-parse", "HEAD").decode().strip()
    test_path = "src/test/java/de/jetwick/snacktory/ArticleTextExtractorTest.java"
    raw = _git(git_dir, "show", f"{commit}:{test_path}").decode()
    code = _blank_comments(raw)
    resources = "src/test/resources/de/jetwick/snacktory"

    def pages() -> Iterator[_Gold]:
        starts = [m.start() for m in re.finditer(r"@Test\b", code)] + [len(code)]
        for begin, end in itertools.pairwise(starts):
            method, comments = code[begin:end], raw[begin:end]
            alias = re.search(r"String\s+(\w+)\s*=\s*\w+\.getText\(\)", method)
            text_of = {
                f"{v}.getText()" for v in re.findall(r"(\w+)\s*=\s*\w+\.extractContent", method)
            }
            if alias:
                text_of.add(alias.group(1))
            page: _Gold | None = None
            previous = 0
            for offset, name, args in _calls(method, "extractContent|assert\\w+"):
                if name == "extractContent":
                    if page:
                        yield page
                    page = None
                    receiver = re.search(r"(\w+)\s*\.\s*$", method[:offset])
                    file = re.search(
                        r'(?:readFileAsString|getResourceAsStream)\(("[^"]*")\)', args[0]
                    )
                    if receiver and receiver.group(1) == "extractor" and file:
                        name_ = _c_literals(file.group(1)) or ""
                        path = name_ if name_.startswith("test_data/") else f"{resources}/{name_}"
                        # The page's URL is the comment above its extraction, when it is one.
                        urls = re.findall(
                            r"//\s*(?:String url = \"|Test )?(https?://[^\s\"]+)",
                            comments[previous:offset],
                        )
                        page = _Gold(path, urls[-1] if urls else None)
                    previous = offset
                    continue
                if page is not None:
                    _snacktory_assertion(page, name, args, text_of)
            if page:
                yield page

    licence = "Apache-2.0 (README: 'The software stands under Apache 2 License'; its test data)"
    yield from _segment_pages(
        git_dir, commit, "smallrivers/snacktory", licence, pages(), "snacktory"
    )


def _snacktory_assertion(page: _Gold, name: str, args: list[str], text_of: set[str]) -> None:
    """Record what one JUnit assertion of snacktory's says about the page's text or metadata."""
    if name in ("assertTrue", "assertFalse") and args:
        for method in ("startsWith", "endsWith", "contains"):
            call = _method_call(args[-1], method)
            if not call or call[0] not in text_of or (value := _c_literals(call[1])) is None:
                continue
            if name == "assertFalse":
                if method == "contains":
                    page.must_not_contain.append(value)
            elif method == "contains":
                page.must_contain.append(value)
            else:
                page.set("body_start" if method == "startsWith" else "body_end", value)
    elif name == "assertThat" and len(args) == 2:
        matcher = re.fullmatch(r"(startsWith|equalTo)\((.*)\)", args[1], re.S)
        value = _c_literals(matcher.group(2)) if matcher else None
        if matcher and value is not None:
            if args[0] in text_of:
                page.set("body_start" if matcher.group(1) == "startsWith" else "body", value)
            elif args[0].endswith(".getTitle()") and matcher.group(1) == "equalTo":
                page.set("title", value)
    elif name == "assertEquals" and len(args) == 2:
        for expected, actual in (args, args[::-1]):
            value = _c_literals(expected)
            if value is None:
                continue
            if actual in text_of:
                page.set("body", value)
            elif actual.endswith(".getTitle()"):
                page.set("title", value)
            elif actual.endswith(".getDate().toString()") and (day := _java_date(value)):
                page.set("published", day)


# chimbori/crux removed its article extractor and GoldenFilesTest in 365b896 ("Remove the
# `ArticleExtractor`..."); the tests and pages are read from the commit before.
_CRUX_OLD = "365b896^"


def _crux(git_dir: Path) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    """chimbori/crux's ``GoldenFilesTest``: ``assertStartsWith``/``assertContains`` of the
    article's text, its ``endsWith``, and the title and publication time asserted equal."""
    commit = _git(git_dir, "rev-parse", _CRUX_OLD).decode().strip()
    test_path = "src/test/kotlin/com/chimbori/crux/articles/GoldenFilesTest.kt"
    code = _blank_comments(_git(git_dir, "show", f"{commit}:{test_path}").decode())
    text = ("document?.text()", "article?.text()")  # the whole article's text

    def pages() -> Iterator[_Gold]:
        for method in re.split(r"@Test\b", code)[1:]:
            page: _Gold | None = None
            for _, name, args in _calls(method, "extractFromFile|fromFile|assert\\w+"):
                if name in ("fromFile", "extractFromFile"):
                    if page:
                        yield page
                    url = _c_literals(args[0].removesuffix(".toHttpUrl()"))
                    file = _c_literals(args[1])
                    page = _Gold(f"test_data/{file}", url) if file else None
                elif page is None or len(args) < 1:
                    continue
                elif name == "assertTrue" and (call := _method_call(args[0], "endsWith")):
                    if call[0].rstrip("?") in text and (value := _c_literals(call[1])):
                        page.set("body_end", value)
                elif len(args) == 2 and (value := _c_literals(args[0])) is not None:
                    if name == "assertStartsWith" and args[1] in text:
                        page.set("body_start", value)
                    elif name == "assertContains" and args[1] in text:
                        page.must_contain.append(value)
                    elif name == "assertEquals" and args[1] in ("title", "metadata[TITLE]"):
                        page.set("title", value)
                    elif name == "assertEquals" and args[1] == "metadata[PUBLISHED_AT]":
                        page.set("published", value)
            if page:
                yield page

    licence = "Apache-2.0 (the repository's licence; the pages are its test data)"
    yield from _segment_pages(git_dir, commit, "chimbori/crux", licence, pages(), "crux")


SOURCES = {
    "readability": _readability,
    "newspaper4k": _newspaper4k,
    "postlight": _postlight,
    "goose3": _goose3,
    "snacktory": _snacktory,
    "crux": _crux,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", choices=sorted(SOURCES))
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "fixtures" / "realpages")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    manifest_path = args.out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    # A page already taken from a source listed before this one is not taken again (snacktory
    # and crux share most of their pages): rebuild the sources in ``SOURCES`` order.
    earlier = list(SOURCES)[: list(SOURCES).index(args.source)]
    taken = {
        hashlib.sha256(path.read_bytes()).digest()
        for path in args.out.glob("*.html")
        if path.name.split("-", 1)[0] in earlier
    }
    written = 0
    for name, html, gold in SOURCES[args.source](args.git_dir):
        if hashlib.sha256(html).digest() in taken:
            continue
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
