"""The encoding of a page's bytes: what it declares, unless its bytes contradict it, else a
guess (charset-normalizer, asked about the region's encodings first, and a check of our own
that tells the Cyrillic single-byte encodings apart on short texts).

Shared by the generic extractor, ``published_from_html`` and the spiders' check of pages that
arrive mislabelled.
"""

from __future__ import annotations

import codecs
import re
from typing import Final

import charset_normalizer
from w3lib.encoding import html_to_unicode

__all__ = ["decode_page", "detect_encoding"]

# How far detection looks for the first non-ASCII byte (the extractor's input bound).
_SCAN: Final = 4_000_000


def detect_encoding(data: bytes) -> str:
    """The encoding of bytes that declare none: UTF-8 if they decode so, else
    charset-normalizer's guess, with the Cyrillic single-byte encodings of the region first.

    Never raises; the name is a Python codec's.

    >>> detect_encoding("Курс валют на сегодня".encode("cp1251"))
    'cp1251'
    >>> detect_encoding("Курс валют на сегодня".encode("koi8_r"))
    'koi8_r'
    >>> detect_encoding("Курс валют на сегодня".encode())
    'utf-8'
    """
    if _utf8(data):
        return "utf-8"
    # Detection reads text, not markup: from the first non-ASCII byte, a bounded sample
    # (charset-normalizer takes seconds on megabytes).
    first = _NON_ASCII.search(data, 0, _SCAN)
    sample = data[first.start() if first else 0 :][:_SAMPLE]
    # Asked about every encoding, charset-normalizer takes short KOI8-R text for Shift_JIS
    # and windows-1252 text for windows-1250 (benchmarks/encoding.py); the region's
    # encodings are asked first, all the others only when none of them fits.
    matches = charset_normalizer.from_bytes(sample, cp_isolation=_REGION)
    best = matches.best() or charset_normalizer.from_bytes(sample).best()
    if best is None:
        return "cp1251"  # not text in any encoding: the region's usual one, decoded with "replace"
    # A match equals the names of its encoding (CharsetMatch.__eq__ takes a str).
    cyrillic = [e for e in _CYRILLIC if any(match == e for match in matches)]
    if best.encoding not in cyrillic:
        return str(best.encoding)
    # The Cyrillic encodings place the same letters differently (mac-cyrillic only its
    # capitals and "я" apart from windows-1251); charset-normalizer ranks them by letter
    # frequencies, which misses on headlines (a third of the KOI8-R and mac-cyrillic
    # ones). Where the capitals and lowercase letters fall tells them apart.
    head = sample[:2048]
    return max(cyrillic, key=lambda encoding: _case_score(head.decode(encoding, "replace")))


# The region's legacy encodings, windows-1252 for its pages in Western languages.
_REGION: Final = ["cp1251", "koi8_r", "iso8859_5", "mac_cyrillic", "cp866", "cp1252"]
# Ties go to the first: windows-1251 is by far the most common.
_CYRILLIC: Final = ("cp1251", "koi8_r", "mac_cyrillic", "iso8859_5", "cp866")
_SAMPLE: Final = 16_384
_NON_ASCII: Final = re.compile(rb"[\x80-\xff]")
_LOWERCASE: Final = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_CAPITALIZED: Final = re.compile(r"\b[А-ЯЁ][а-яё]")
# A word may open with a quote or a bracket, not with other symbols: "—амарканде" is
# "Самарканде" in windows-1251 read as mac-cyrillic.
_MISCASED: Final = re.compile(r"[а-яё][А-ЯЁ]|[^\w\s«„(\"'][а-яё]")


def _case_score(text: str) -> int:
    """How much text reads as Russian-cased: lowercase letters and capitalized words count
    for it, a capital inside a word or a symbol glued to a word's letters against it.

    >>> _case_score("Сборная Узбекистана"), _case_score("‘борнаЯ “збекистана")
    (20, 9)
    """
    capitalized, miscased = len(_CAPITALIZED.findall(text)), len(_MISCASED.findall(text))
    return sum(map(text.count, _LOWERCASE)) + 2 * capitalized - 2 * miscased


def _utf8(data: bytes) -> bool:
    """Whether the bytes (their first 200 KB; a cut sequence at the end is fine) are UTF-8."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[:200_000], final=False)
    except UnicodeDecodeError:
        return False
    return True


def decode_page(data: bytes) -> str:
    """A page's bytes as text: BOM, else the ``<meta>`` charset, else ``detect_encoding``;
    a label the bytes contradict is overruled.

    Mislabelled pages are common: a windows-1251 site whose template (or server) says UTF-8,
    a site moved to UTF-8 whose template still says windows-1251. Valid UTF-8 with non-ASCII
    text is UTF-8 whatever the label says (legacy Cyrillic text is never valid UTF-8); a page
    "in UTF-8" with more bad sequences than good ones is detected.

    >>> page = '<meta charset="utf-8"><title>Курс валют</title>'
    >>> decode_page(page.encode("cp1251"))
    '<meta charset="utf-8"><title>Курс валют</title>'
    >>> decode_page(page.replace("utf-8", "windows-1251").encode())
    '<meta charset="windows-1251"><title>Курс валют</title>'
    """
    try:
        encoding, text = html_to_unicode(None, data, auto_detect_fun=detect_encoding)
    except LookupError:  # a declared codec that is no text encoding: charset="rot13"
        return data.decode(detect_encoding(data), "replace")
    if codecs.lookup(encoding).name != "utf-8":
        if not data[:200_000].isascii() and _utf8(data) and not encoding.startswith("utf"):
            return data.decode("utf-8", "replace")
        return text
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return data.decode(detect_encoding(data), "replace") if bad and bad >= good else text
