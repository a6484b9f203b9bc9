"""Accuracy and speed of encoding detection: our guess beside charset-normalizer (and
BeautifulSoup's ``UnicodeDammit`` when bs4 is installed), on real text in the legacy encodings
of Russian-language and Central Asian sites.

    .venv/bin/python benchmarks/encoding.py [--quick]

The samples are the fixture pages' own text (``fixtures/corpus/``: headlines, a paragraph of
~300 characters, ~3,000+ characters of running text, the whole HTML page), encoded in UTF-8,
windows-1251, KOI8-R, ISO-8859-5, mac-cyrillic and cp866; as a control, the German, French,
Spanish, Czech, Japanese and Chinese pages of ``fixtures/realpages/`` in windows-1252,
windows-1250, Shift_JIS and GB18030. A character a legacy encoding cannot
hold is written as its ASCII stand-in in text (a page in KOI8-R has no «»), else as "?", and as
a character reference in HTML.

A guess is right when the bytes decoded with it give the same text as with the true encoding
(mac-cyrillic and windows-1251 decode a text without capitals and "я" alike). The first table
gives every detector the bare bytes; the second runs the whole page decode (BOM, ``<meta>``
charset, then the guess) on HTML without a declaration, with the right one, and with a wrong
one. "byte counts" is ``detect_encoding`` as it was before issue #14, kept here as the baseline.
Times are medians per call, in one process, over the same samples.
"""

from __future__ import annotations

import argparse
import codecs
import json
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import charset_normalizer
from lxml import etree
from w3lib.encoding import html_to_unicode

from newsarchive.parsers.encoding import decode_page, detect_encoding

try:
    from bs4 import UnicodeDammit
except ImportError:  # optional: not a dependency of the project
    UnicodeDammit = None

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CYRILLIC = ["utf-8", "cp1251", "koi8_r", "iso8859_5", "mac_cyrillic", "cp866"]
# Controls: the real pages in other languages, in their legacy encodings.
OTHERS = {"de": "cp1252", "fr": "cp1252", "es": "cp1252", "cs": "cp1250", "ja": "shift_jis"}
OTHERS |= {"zh": "gb18030"}
# The labels a page writes in <meta charset>: the WHATWG names browsers know.
LABELS = {
    "utf-8": "utf-8",
    "cp1251": "windows-1251",
    "koi8_r": "koi8-r",
    "iso8859_5": "iso-8859-5",
    "mac_cyrillic": "x-mac-cyrillic",
    "cp866": "ibm866",
}
# What legacy pages write for the typographic characters their encoding lacks.
STAND_INS = str.maketrans(
    {"«": '"', "»": '"', "„": '"', "“": '"', "”": '"', "’": "'", "—": "-", "–": "-"}
    | {"№": "N", "…": "...", "\xa0": " ", "\u200b": ""}
)
_DECLARATION = re.compile(
    r"""<meta\s[^>]*charset\s*=\s*["']?[\w:.-]*["']?[^>]*>|<\?xml[^>]*\?>""", re.IGNORECASE
)
_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def byte_counts(data: bytes) -> str:
    """``detect_encoding`` before issue #14: UTF-8, else windows-1251 or KOI8-R by which half
    of 0xC0-0xFF (lowercase in one, capitals in the other) is more frequent."""
    sample = data[:200_000]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    counts = [sample[:50_000].count(bytes([b])) for b in range(0xC0, 0x100)]
    upper, lower = sum(counts[:32]), sum(counts[32:])
    if upper + lower < len(sample) // 100:
        return "cp1252"
    return "cp1251" if lower >= upper else "koi8_r"


def normalizer(data: bytes) -> str | None:
    best = charset_normalizer.from_bytes(data).best()
    return best.encoding if best is not None else None


def dammit(data: bytes) -> str | None:
    return UnicodeDammit(data).original_encoding if UnicodeDammit is not None else None


DETECTORS: dict[str, Callable[[bytes], str | None]] = {
    "byte counts": byte_counts,
    "charset-normalizer": normalizer,
    **({"UnicodeDammit": dammit} if UnicodeDammit is not None else {}),
    "detect_encoding": detect_encoding,
}


def _page_before(data: bytes) -> str:
    return html_to_unicode(None, data, auto_detect_fun=byte_counts)[1]


def _page_dammit(data: bytes) -> str:
    return UnicodeDammit(data, is_html=True).unicode_markup or ""


PAGE_DECODERS: dict[str, Callable[[bytes], str]] = {
    "before": _page_before,
    **({"UnicodeDammit": _page_dammit} if UnicodeDammit is not None else {}),
    "decode_page": decode_page,
}


def _fixture_html(path: Path) -> str:
    """A fixture page as text: they are all UTF-8 (some with a BOM) or windows-1251."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")


def _paragraphs(html: str) -> list[str]:
    root = etree.fromstring(html.encode(), etree.HTMLParser(encoding="utf-8"))
    if root is None:
        return []
    texts = (_SPACES.sub(" ", "".join(p.itertext())).strip() for p in root.iter("p"))
    return [text for text in texts if len(text) >= 40]


def _cut(text: str, length: int) -> str:
    """The text's first ``length`` characters or so, ending at a word."""
    return text if len(text) <= length else text[: text.rfind(" ", 0, length) + 1 or length].strip()


def texts(
    quick: bool,
) -> tuple[dict[str, list[str]], list[str], dict[str, dict[str, list[str]]]]:
    """Cyrillic texts by length, Cyrillic HTML pages, the other languages' texts by encoding
    and length."""
    pages = sorted((FIXTURES / "corpus").glob("*.html"))
    if quick:
        pages = pages[::6]
    htmls = [_fixture_html(page) for page in pages]
    headlines = [json.loads(page.with_suffix(".json").read_text())["title"] for page in pages]
    running = [" ".join(_paragraphs(html)) for html in htmls]
    paragraphs = [_cut(text, 300) for text in running if len(text) >= 200]
    # Running text of ~3,000+ characters: a page's paragraphs, and the next pages' if short.
    long_texts = []
    for start in range(len(running)):
        text = ""
        for follower in running[start:] + running[:start]:
            if len(text) >= 3000:
                break
            text = f"{text} {follower}".strip()
        long_texts.append(text)
    cyrillic = {"headline": headlines, "paragraph": paragraphs, "page text": long_texts}
    others: dict[str, dict[str, list[str]]] = {}
    for gold in sorted((FIXTURES / "realpages").glob("*-*.json")):
        lang = (json.loads(gold.read_text()).get("lang") or "")[:2]
        if lang in OTHERS:
            text = " ".join(_paragraphs(_fixture_html(gold.with_suffix(".html"))))
            kinds = others.setdefault(OTHERS[lang], {"paragraph": [], "page text": []})
            if len(text) >= 200:
                kinds["paragraph"].append(_cut(text, 300))
            if len(text) >= 1000:
                kinds["page text"].append(text)
    return cyrillic, htmls, others


def encoded_text(text: str, encoding: str) -> bytes:
    """The text as a page in that encoding holds it: typographic characters it lacks as their
    ASCII stand-ins, any other as "?" (what a legacy CMS saves)."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.translate(STAND_INS).encode(encoding, "replace")


def labelled(html: str, label: str | None) -> str:
    """The page without its charset declarations, and with ``<meta charset=label>`` if given."""
    html = _DECLARATION.sub("", html)
    if label is None:
        return html
    meta = f'<meta charset="{label}">'
    head = _HEAD.search(html)
    return f"{html[: head.end()]}{meta}{html[head.end() :]}" if head else meta + html


def html_cases(htmls: list[str], encoding: str) -> dict[str, list[bytes]]:
    """The pages in one encoding: undeclared, declared right, and declared wrong."""
    cases: dict[str, list[bytes]] = defaultdict(list)
    wrong = "utf-8" if encoding != "utf-8" else "windows-1251"
    for html in htmls:
        for case, label in (
            ("no meta", None),
            ("right meta", LABELS[encoding]),
            (f"meta says {wrong}", wrong),
        ):
            cases[case].append(labelled(html, label).encode(encoding, "xmlcharrefreplace"))
    return cases


def _right(data: bytes, truth: str, guess: str | None) -> bool:
    if guess is None:
        return False
    try:
        return data.decode(guess) == data.decode(truth)
    except (LookupError, UnicodeDecodeError):
        return False


def _timed(function: Callable[[bytes], object], data: bytes) -> tuple[object, float]:
    start = time.perf_counter()
    result = function(data)
    return result, time.perf_counter() - start


def _row(label: str, cells: list[str]) -> str:
    return f"  {label:<28}" + "".join(f"{cell:>20}" for cell in cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a sixth of the pages (CI)")
    args = parser.parse_args(argv)
    cyrillic, htmls, others = texts(args.quick)
    samples: list[tuple[str, str, bytes]] = []  # (true encoding, kind, bytes)
    for encoding, by_kind in [(name, cyrillic) for name in CYRILLIC] + list(others.items()):
        for kind, kind_texts in by_kind.items():
            for text in kind_texts:
                data = encoded_text(text, encoding)
                if data is not None:
                    samples.append((encoding, kind, data))
    for encoding in CYRILLIC:
        for data in html_cases(htmls, encoding)["no meta"]:
            samples.append((encoding, "html page", data))

    names = list(DETECTORS)
    right: dict[tuple[str, str, str], int] = defaultdict(int)
    total: dict[tuple[str, str], int] = defaultdict(int)
    seconds: dict[tuple[str, str], list[float]] = defaultdict(list)
    for encoding, kind, data in samples:
        total[encoding, kind] += 1
        for name in names:
            guess, took = _timed(DETECTORS[name], data)
            right[name, encoding, kind] += _right(data, encoding, guess)  # type: ignore[arg-type]
            seconds[name, kind].append(took)

    print(f"encoding: {len(samples)} samples of bare bytes (no declaration), right / all")
    print(_row("encoding, length", names))
    for encoding, kind in total:
        cells = [f"{right[name, encoding, kind]}/{total[encoding, kind]}" for name in names]
        print(_row(f"{encoding}, {kind}", cells))
    overall = [sum(v for (n, *_), v in right.items() if n == name) for name in names]
    print(_row("all", [f"{count}/{len(samples)}" for count in overall]))
    print("  median µs per call")
    for kind in dict.fromkeys(kind for _, kind in total):
        print(
            _row(kind, [f"{statistics.median(seconds[name, kind]) * 1e6:,.0f}" for name in names])
        )

    decoders = list(PAGE_DECODERS)
    page_right: dict[tuple[str, str, str], int] = defaultdict(int)
    page_total: dict[tuple[str, str], int] = defaultdict(int)
    page_seconds: dict[str, list[float]] = defaultdict(list)
    for encoding in CYRILLIC:
        for case, pages in html_cases(htmls, encoding).items():
            for data in pages:
                page_total[encoding, case] += 1
                truth = data.decode(encoding)
                for name in decoders:
                    text, took = _timed(PAGE_DECODERS[name], data)
                    page_right[name, encoding, case] += text == truth
                    page_seconds[name].append(took)
    print(f"\nwhole page decode: {sum(page_total.values())} HTML pages, right / all")
    print(_row("encoding, declaration", decoders))
    for encoding, case in page_total:
        cells = [
            f"{page_right[name, encoding, case]}/{page_total[encoding, case]}" for name in decoders
        ]
        print(_row(f"{encoding}, {case}", cells))
    overall = [sum(v for (n, *_), v in page_right.items() if n == name) for name in decoders]
    print(_row("all", [f"{count}/{sum(page_total.values())}" for count in overall]))
    medians = [f"{statistics.median(page_seconds[name]) * 1e6:,.0f}" for name in decoders]
    print(_row("median µs per page", medians))
    return 0


if __name__ == "__main__":
    sys.exit(main())
