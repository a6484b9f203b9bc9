"""Plain text from an HTML subtree: paragraphs separated by a blank line.

The rule, the one the archive's ``body`` field documents:

- every block (``<p>``, a heading, ``<blockquote>``, ``<pre>``) is one paragraph;
- a list is one paragraph with one ``- item`` line per item;
- a ``<figure>`` contributes its caption only; images themselves have no text;
- loose text in a container is split into paragraphs at a double ``<br>``; a single ``<br>``
  stays a line break;
- white space (NBSP included) is collapsed, and scripts, styles, forms and the elements
  the caller asks to skip are left out.

>>> from lxml import html
>>> block_text(html.fromstring(
...     "<div><p>Первый  абзац.</p><ul><li>раз</li><li>два</li></ul>"
...     "<figure><img src=x.jpg><figcaption>Подпись</figcaption></figure>хвост<br><br>ещё</div>"))
'Первый абзац.\\n\\n- раз\\n- два\\n\\nПодпись\\n\\nхвост\\n\\nещё'
"""

from __future__ import annotations

import re
from collections.abc import Collection

from lxml.html import HtmlElement

__all__ = ["block_text", "inline_text"]

# Tags whose content is never reader-visible text.
_INVISIBLE = frozenset(
    {
        "script",
        "style",
        "noscript",
        "iframe",
        "form",
        "button",
        "svg",
        "template",
        "select",
        "textarea",
        "input",
        "head",
        "title",
        "meta",
        "link",
        "object",
        "embed",
        "video",
        "audio",
    }
)
# Tags that make one paragraph of all the text inside them.
_PARAGRAPHS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "address", "dt", "dd"}
)
_LISTS = frozenset({"ul", "ol"})
# Containers: they end the paragraph before them and start a new one after them.
_CONTAINERS = frozenset(
    {
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "center",
        "body",
        "html",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "dl",
        "details",
        "summary",
        "hr",
        "caption",
        "li",
        "figcaption",
    }
)
_SPACE = re.compile(r"\s+")
# A line break that source white space cannot produce: source newlines collapse to spaces first.
_BREAK = "\n"


def inline_text(element: HtmlElement, skip: Collection[HtmlElement] = ()) -> str:
    """All visible text below ``element`` as one collapsed paragraph (``<br>`` kept as newlines).

    >>> from lxml import html
    >>> inline_text(html.fromstring("<p> a\\n <b>b</b>c<br>d </p>"))
    'a bc\\nd'
    """
    pieces: list[str] = []
    _collect_inline(element, skip, pieces)
    return _normalise("".join(pieces))


def block_text(element: HtmlElement, skip: Collection[HtmlElement] = ()) -> str:
    """The text of ``element`` as paragraphs joined by a blank line (see the module doc)."""
    paragraphs: list[str] = []
    buffer: list[str] = []
    _collect_blocks(element, skip, paragraphs, buffer)
    _flush(buffer, paragraphs)
    return "\n\n".join(paragraphs)


def _collect_blocks(
    element: HtmlElement, skip: Collection[HtmlElement], out: list[str], buffer: list[str]
) -> None:
    if element.text:
        buffer.append(_SPACE.sub(" ", element.text))
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if not tag or child in skip or tag in _INVISIBLE:
            pass  # comments, processing instructions and skipped elements: only their tail counts
        elif tag == "br":
            buffer.append(_BREAK)
        elif tag in _PARAGRAPHS:
            _flush(buffer, out)
            _append(out, inline_text(child, skip))
        elif tag in _LISTS:
            _flush(buffer, out)
            items = [
                inline_text(item, skip) for item in child if item.tag == "li" and item not in skip
            ]
            _append(out, "\n".join(f"- {item}" for item in items if item))
        elif tag == "figure":
            _flush(buffer, out)
            for caption in child.iter("figcaption"):
                if caption not in skip:
                    _append(out, inline_text(caption, skip))
        elif tag in _CONTAINERS:
            _flush(buffer, out)
            _collect_blocks(child, skip, out, buffer)
            _flush(buffer, out)
        else:  # inline markup: <a>, <b>, <span>, ...
            _collect_blocks(child, skip, out, buffer)
        if child.tail:
            buffer.append(_SPACE.sub(" ", child.tail))


def _collect_inline(element: HtmlElement, skip: Collection[HtmlElement], pieces: list[str]) -> None:
    if element.text:
        pieces.append(_SPACE.sub(" ", element.text))
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            pieces.append(_BREAK)
        elif tag and child not in skip and tag not in _INVISIBLE:
            _collect_inline(child, skip, pieces)
        if child.tail:
            pieces.append(_SPACE.sub(" ", child.tail))


def _flush(buffer: list[str], out: list[str]) -> None:
    """Turn the pending loose text into paragraphs; a double line break starts a new one."""
    if not buffer:
        return
    text = "".join(buffer)
    buffer.clear()
    for paragraph in re.split(r"\n *\n", text):
        _append(out, _normalise(paragraph))


def _normalise(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split(_BREAK))
    return _BREAK.join(line for line in lines if line)


def _append(out: list[str], paragraph: str) -> None:
    if paragraph:
        out.append(paragraph)
