"""The page as given to the extractor (bytes, str, a parsel ``Selector``, a Scrapy response or an
lxml element) turned into one lxml root: decoding bytes as a browser would, except where the
bytes contradict the declared charset (``newsarchive.parsers.encoding``), cutting hostile input
at ``MAX_INPUT``, and parsing with a plain, fast lxml parser.
"""

from __future__ import annotations

import re
from typing import Any, Final

from lxml import etree

from newsarchive.parsers.encoding import decode_page
from newsarchive.parsers.text import unwrap

__all__ = ["MAX_INPUT", "parse_root"]

# Input beyond this many bytes (characters, for str) is cut off: real article pages are far
# smaller, and the cut keeps a hostile page from costing unbounded time and memory.
MAX_INPUT: Final = 4_000_000

# A plain lxml parser: lxml.html's element classes make every element access several times
# slower, and nothing here needs their methods.
_PARSER: Final = etree.HTMLParser(
    encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, huge_tree=False
)
_XML_DECLARATION: Final = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse_root(source: Any) -> Any:
    """An lxml root element for any input we accept, or None."""
    source = unwrap(source)
    if isinstance(source, etree._Element):
        root = source.getroottree().getroot()
        return root if isinstance(root.tag, str) else None
    if isinstance(source, bytes):
        source = decode_page(source[:MAX_INPUT])
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
