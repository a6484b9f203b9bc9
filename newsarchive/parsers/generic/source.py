"""The page as given to the extractor (bytes, str, a parsel ``Selector``, a Scrapy response or an
lxml element) turned into one lxml root: decoding bytes as a browser would
(``detect_encoding`` guesses when the page declares nothing), cutting hostile input at
``MAX_INPUT``, and parsing with a plain, fast lxml parser.
"""

from __future__ import annotations

import codecs
import re
from typing import Any, Final

from lxml import etree
from w3lib.encoding import html_to_unicode

# Input beyond this many bytes (characters, for str) is cut off: real article pages are far
# smaller, and the cut keeps a hostile page from costing unbounded time and memory.
MAX_INPUT: Final = 4_000_000

# A plain lxml parser: lxml.html's element classes make every element access several times
# slower, and nothing here needs their methods.
_PARSER: Final = etree.HTMLParser(
    encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, huge_tree=False
)
_XML_DECLARATION: Final = re.compile(r"^\s*<\?xml[^>]*\?>")


def detect_encoding(data: bytes) -> str:
    """The encoding of bytes that declare none: UTF-8 if they decode so, else a Cyrillic guess.

    windows-1251 has lowercase Cyrillic at 0xE0-0xFF and uppercase at 0xC0-0xDF, KOI8-R the
    other way round; running text is mostly lowercase.

    >>> detect_encoding("Курс валют на сегодня".encode("cp1251"))
    'cp1251'
    >>> detect_encoding("Курс валют на сегодня".encode())
    'utf-8'
    """
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


def parse_root(source: Any) -> Any:
    """An lxml root element for any input we accept, or None."""
    if not isinstance(source, str | bytes | etree._Element | etree._ElementTree):
        source = getattr(source, "selector", source)  # a Scrapy response
        source = getattr(source, "root", source)  # a parsel Selector
    if isinstance(source, etree._ElementTree):
        source = source.getroot()
    if isinstance(source, etree._Element):
        root = source.getroottree().getroot()
        return root if isinstance(root.tag, str) else None
    if isinstance(source, bytes):
        data = source[:MAX_INPUT]
        try:
            source = html_to_unicode(None, data, auto_detect_fun=detect_encoding)[1]
        except LookupError:  # a declared codec that is no text encoding: charset="rot13"
            source = data.decode(detect_encoding(data), "replace")
    if not isinstance(source, str):
        return None
    text = _XML_DECLARATION.sub("", source[:MAX_INPUT], count=1)
    if not text.strip():
        return None
    try:
        root = etree.fromstring(text.encode("utf-8", "replace"), _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return root if root is not None and isinstance(root.tag, str) else None
