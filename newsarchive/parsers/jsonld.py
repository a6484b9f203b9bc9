"""JSON-LD blocks as pages write them: loaded with the repairs careless CMSs need, and walked
with a bound, for the generic extractor's head reader and ``published_from_html`` alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Final

__all__ = ["json_ld_objects", "load_json_ld"]

# Values a block's walk visits at most: a hostile page's JSON may nest or repeat without end.
MAX_VALUES: Final = 2000
_TRAILING_COMMA: Final = re.compile(r",\s*([}\]])")
# A CDATA section around the JSON, bare or hidden from scripts in a comment ("//<![CDATA[",
# "/*<![CDATA[*/"): XHTML templates write them, and so do pages saved as XHTML.
_CDATA_OPEN: Final = re.compile(r"^(?://|/\*)?\s*<!\[CDATA\[\s*(?:\*/)?")
_CDATA_CLOSE: Final = re.compile(r"(?://|/\*)?\s*\]\]>\s*(?:\*/)?$")
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]")


def load_json_ld(block: str) -> Any:
    """A JSON-LD block's data, forgiving HTML comment and CDATA wrappers, raw line breaks and
    trailing commas; None if it is not JSON even so.

    >>> load_json_ld('<!-- {"@type": "NewsArticle", "headline": "Две\\nстроки",} -->')
    {'@type': 'NewsArticle', 'headline': 'Две\\nстроки'}
    >>> load_json_ld('{"name": "\\\\ud83d cut"}'), load_json_ld("{oops")
    ({'name': '? cut'}, None)
    """
    text = block.strip().removeprefix("<!--").removesuffix("-->").strip()
    text = _CDATA_CLOSE.sub("", _CDATA_OPEN.sub("", text)).strip()
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            data = json.loads(attempt, strict=False)  # strict=False: raw newlines in strings
            if _SURROGATE_ESCAPE.search(attempt):
                # A lone "\ud83d" (an emoji cut in half) decodes to a surrogate that no UTF-8
                # text can hold: decoded again with such characters as "?".
                data = json.loads(json.dumps(data, ensure_ascii=False).encode("utf-8", "replace"))
            return data
        except (ValueError, RecursionError):
            continue
    return None


def json_ld_objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in a block's data, outermost first, in document order (at most
    ``MAX_VALUES`` values visited).

    >>> [node["@type"] for node in json_ld_objects(
    ...     [{"@type": "WebPage", "mainEntity": {"@type": "NewsArticle"}}, {"@type": "Person"}])]
    ['WebPage', 'NewsArticle', 'Person']
    """
    stack = [data]
    seen = 0
    while stack and seen < MAX_VALUES:
        node = stack.pop()
        seen += 1
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            yield node
            stack.extend(reversed([v for v in node.values() if isinstance(v, list | dict)]))
