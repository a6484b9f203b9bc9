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
from collections.abc import Collection, Iterator

from lxml import etree
from lxml.html import HtmlElement

__all__ = ["block_text", "collapse", "inline_text", "unwrap"]

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
# A line break that source white space cannot produce: source newlines become spaces first.
_BREAK = "\n"
# Paragraphs of loose text end at two line breaks with nothing but white space between them.
_PARAGRAPH_END = re.compile(r"\n[^\S\n]*\n")


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
    # Iterative, not recursive: markup may nest deeper than Python's stack. The stack holds
    # the elements being read, each with the iterator over its children still to come.
    if element.text:
        buffer.append(element.text.replace(_BREAK, " "))
    stack: list[tuple[HtmlElement, Iterator[HtmlElement]]] = [(element, iter(element))]
    while stack:
        parent, children = stack[-1]
        child = next(children, None)
        if child is None:  # the parent is done: a container ends its paragraph, then its tail
            stack.pop()
            if stack:
                if parent.tag in _CONTAINERS:
                    _flush(buffer, out)
                if parent.tail:
                    buffer.append(parent.tail.replace(_BREAK, " "))
            continue
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
        else:  # a container, or inline markup (<a>, <b>, <span>...): its content comes next
            if tag in _CONTAINERS:
                _flush(buffer, out)
            if child.text:
                buffer.append(child.text.replace(_BREAK, " "))
            stack.append((child, iter(child)))
            continue
        if child.tail:
            buffer.append(child.tail.replace(_BREAK, " "))


def _collect_inline(element: HtmlElement, skip: Collection[HtmlElement], pieces: list[str]) -> None:
    # Iterative, like _collect_blocks.
    if element.text:
        pieces.append(element.text.replace(_BREAK, " "))
    stack: list[tuple[HtmlElement, Iterator[HtmlElement]]] = [(element, iter(element))]
    while stack:
        parent, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack and parent.tail:
                pieces.append(parent.tail.replace(_BREAK, " "))
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            pieces.append(_BREAK)
        elif tag and child not in skip and tag not in _INVISIBLE:
            if child.text:
                pieces.append(child.text.replace(_BREAK, " "))
            stack.append((child, iter(child)))
            continue
        if child.tail:
            pieces.append(child.tail.replace(_BREAK, " "))


def _flush(buffer: list[str], out: list[str]) -> None:
    """Turn the pending loose text into paragraphs; a double line break starts a new one."""
    if not buffer:
        return
    text = "".join(buffer)
    buffer.clear()
    if _BREAK not in text:
        _append(out, collapse(text))
        return
    for paragraph in _PARAGRAPH_END.split(text):
        _append(out, _normalise(paragraph))


def unwrap(source: object) -> object:
    """The lxml element a Scrapy response, a parsel ``Selector`` or an ``ElementTree`` holds;
    any other input (str, bytes, an element) as it is. Parsers take all of these.

    >>> from parsel import Selector
    >>> unwrap(Selector(text="<p>x</p>")).tag, unwrap("<p>x</p>")
    ('html', '<p>x</p>')
    """
    if not isinstance(source, str | bytes | etree._Element | etree._ElementTree):
        source = getattr(source, "selector", source)  # a Scrapy response
        source = getattr(source, "root", source)  # a parsel Selector
    if isinstance(source, etree._ElementTree):
        source = source.getroot()
    return source


def collapse(text: str) -> str:
    """``" ".join(text.split())``: white space runs as one space, none at either end.

    Most text on a page is already like that, and telling so is cheaper than splitting it: a
    printable string holds no white space but the ASCII space (tabs, newlines, NBSP and the
    other Unicode spaces are not printable), so without two spaces in a row or one at either
    end it is its own collapsed form.

    >>> collapse("  a \\u00a0b\\n"), collapse("a b")
    ('a b', 'a b')
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def _normalise(text: str) -> str:
    """White space collapsed within each line (source newlines are spaces by now); empty lines
    dropped. ``str.split`` and ``re``'s ``\\s`` agree on what white space is."""
    if _BREAK not in text:
        return collapse(text)
    lines = [collapse(line) for line in text.split(_BREAK)]
    return _BREAK.join([line for line in lines if line])


def _append(out: list[str], paragraph: str) -> None:
    if paragraph:
        out.append(paragraph)
