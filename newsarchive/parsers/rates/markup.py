"""Finding the widget in a tree: locate candidates (elements named like a widget, a "Курс
валют" heading, currency icons), climb from each to the container that holds its rates, and
read that container as lines, with the icons, arrows and up/down classes its attributes
carry."""

from __future__ import annotations

from typing import Any

from lxml import etree

from newsarchive.parsers.rates.assemble import _assemble, _Found
from newsarchive.parsers.rates.blocks import RateBlock
from newsarchive.parsers.rates.limits import (
    _HINT_DEPTH,
    _MAX_CANDIDATES,
    _MAX_CLIMB,
    _MAX_META_GROWTH,
    _MAX_NAMES,
    _MAX_SCOPE_CHARS,
    _MAX_SCOPE_ELEMENTS,
)
from newsarchive.parsers.rates.tokens import _ARROW, _CUR, _DATE, _finish_line, _Line, _tokenize
from newsarchive.parsers.rates.vocabulary import (
    _DOWN_CLASS,
    _HEADING,
    _HEADING_STEM,
    _ICON_CODE,
    _UP_CLASS,
    _WIDGET_NAME,
    _WIDGET_WORDS,
    _words,
)

_CLASSES = etree.XPath("descendant-or-self::*/@class", smart_strings=False)
_IDS = etree.XPath("descendant-or-self::*/@id", smart_strings=False)
_WITH_CLASS = etree.XPath("descendant-or-self::*/@class[. = $value]/..")
_WITH_ID = etree.XPath("descendant-or-self::*/@id[. = $value]/..")
_HEADING_TEXTS = etree.XPath(
    "descendant-or-self::text()[contains(., 'алют') or contains(., 'АЛЮТ')]"
)
_DATE_ATTRIBUTES = etree.XPath(
    "descendant-or-self::*/@*[name() = 'datetime' or (starts-with(name(), 'data-')"
    " and (contains(name(), 'date') or contains(name(), 'upd')))]",
    smart_strings=False,
)
_TEXT = etree.XPath("string(.)")
_TEXT_LENGTH = etree.XPath("string-length(.)")
_ELEMENT_COUNT = etree.XPath("count(descendant::*)")

_BLOCK_TAGS = _words(
    """address article aside blockquote br caption dd div dl dt fieldset figcaption figure
    footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody tfoot thead tr
    ul body html"""
)
_SKIP_TAGS = _words(
    "script style noscript template head title select option textarea input button form svg"
)
_STOP_TAGS = frozenset({"body", "html"})


def _from_tree(root: etree._Element) -> RateBlock | None:
    """Look where a widget is likely, cheapest and most telling place first: elements named
    like one, then a "Курс валют" heading, then currency icons; the first that holds a block
    wins. A small fragment with none of these is read whole."""
    classes: list[str] = _CLASSES(root)
    taken: list[etree._Element] = []
    for locate in (_by_name, _by_heading, _by_icon):
        best: _Found | None = None
        for candidate in locate(root, classes)[:_MAX_CANDIDATES]:
            if any(_inside(candidate, scope) for scope in taken):
                continue
            scope, found = _climb(candidate, root)
            if scope is not None and found.block() is not None:
                taken.append(scope)
                if best is None or found.score() > best.score():
                    best = found
        if best is not None:
            return best.block()
    if _text_length(root) <= _MAX_SCOPE_CHARS:
        return _assemble(_lines(root)).block()
    return None


# The locators filter attribute values in Python and fetch elements by exact value: a libxml2
# XPath predicate per keyword costs about ten times more on a full page.


def _by_name(root: etree._Element, classes: list[str]) -> list[etree._Element]:
    """Elements whose class or id names a widget: "currency-widget", "kurs", "valuta", ..."""
    return _having(root, _WITH_CLASS, _widget_names(classes)) + _having(
        root, _WITH_ID, _widget_names(_IDS(root))
    )


def _widget_names(values: list[str]) -> list[str]:
    """The values that contain a widget word, found with ``str.find`` over all of them at once:
    a regex per value costs more than the rest of the locator on a page with 150 classes."""
    text = "\0".join(values)  # NUL cannot occur in an attribute
    if not text.isascii():  # lowercasing keeps positions only for ASCII
        return [value for value in values if _WIDGET_NAME.search(value)]
    lowered = text.lower()
    found: dict[int, str] = {}
    for word in _WIDGET_WORDS:
        at = lowered.find(word)
        while at >= 0:
            start = lowered.rfind("\0", 0, at) + 1
            end = lowered.find("\0", at)
            end = len(lowered) if end < 0 else end
            found[start] = text[start:end]
            at = lowered.find(word, end)
    return [found[start] for start in sorted(found)]


def _by_heading(root: etree._Element, classes: list[str]) -> list[etree._Element]:
    """Elements holding a "Курс(ы) валют" heading."""
    if not _HEADING_STEM.search(_TEXT(root)):
        return []
    found: list[etree._Element] = []
    for text in _HEADING_TEXTS(root):
        owner = text.getparent()
        if text.is_tail and owner is not None:
            owner = owner.getparent()
        if owner is not None and _HEADING.search(text):
            found.append(owner)
    return found


def _by_icon(root: etree._Element, classes: list[str]) -> list[etree._Element]:
    """Currency icons: ``i.sprite-icon-usd``."""
    return _having(root, _WITH_CLASS, [value for value in classes if _ICON_CODE.search(value)])


def _having(root: etree._Element, query: etree.XPath, values: list[str]) -> list[etree._Element]:
    """The elements whose attribute (``query`` says which) is one of ``values``."""
    found: list[etree._Element] = []
    for value in dict.fromkeys(values):
        if len(found) >= _MAX_CANDIDATES:
            break
        try:
            found += query(root, value=value)
        except ValueError:
            continue  # control characters: lxml refuses such a variable, and it names no widget
    return found


def _inside(element: etree._Element, scope: etree._Element) -> bool:
    return element is scope or any(ancestor is scope for ancestor in element.iterancestors())


def _climb(start: etree._Element, root: etree._Element) -> tuple[etree._Element | None, _Found]:
    """From a located element up to the container that holds the widget's rates (and its
    heading, date or changes, when that costs little extra text), never above ``root``."""
    best_scope: etree._Element | None = None
    best = _Found({}, None, None, heading=False)
    best_size = 0
    node: etree._Element | None = start
    for _ in range(_MAX_CLIMB):
        if node is None or _tag(node) in _STOP_TAGS:
            break
        size = _text_length(node)
        if size > _MAX_SCOPE_CHARS or _ELEMENT_COUNT(node) > _MAX_SCOPE_ELEMENTS:
            break
        found = _assemble(_lines(node))
        (rates, *details), (best_rates, *best_details) = found.score(), best.score()
        if rates > best_rates or (
            rates == best_rates
            and details > best_details
            and (best_scope is None or size - best_size <= _MAX_META_GROWTH)
        ):
            best_scope, best, best_size = node, found, size
            if found.complete():
                break  # nothing left to find higher up
        elif best_rates:
            break
        node = None if node is root else node.getparent()
    return best_scope, best


def _text_length(element: etree._Element) -> int:
    length = _TEXT_LENGTH(element)
    return int(length) if isinstance(length, float) else 0


def _tag(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # comment or processing instruction
    return tag.rpartition("}")[2] if "}" in tag else tag


def _lines(scope: etree._Element) -> list[_Line]:
    """The scope's text as lines (block elements break lines), each a list of tokens.

    Iterative, not recursive: markup may nest deeper than Python's stack. Each stack entry
    carries the up/down its parent's classes give to numbers (and how many levels up that
    class sits), so no number has to look up its ancestors.
    """
    lines: list[_Line] = []
    raw: list[tuple[int, Any]] = []
    texts: list[str] = []

    def flush() -> None:
        if raw or texts:
            lines.append(_finish_line(raw.copy(), texts.copy()))
            raw.clear()
            texts.clear()

    def add(text: str | None, hint: int) -> None:
        if text and not text.isspace():
            texts.append(text.strip())
            _tokenize(text, hint, raw)

    # (element, closing, inherited direction, levels it was inherited over)
    stack: list[tuple[etree._Element, bool, int, int]] = [(scope, False, 0, 0)]
    while stack:
        element, closing, hint, age = stack.pop()
        tag = _tag(element)
        if closing:
            if tag in _BLOCK_TAGS:
                flush()
        elif tag and tag not in _SKIP_TAGS:
            if tag in _BLOCK_TAGS:
                flush()
            own = _element_tokens(element, tag, raw) if element is not scope else 0
            if own:
                inner, inner_age = own, 0
            elif hint and age + 1 < _HINT_DEPTH:
                inner, inner_age = hint, age + 1
            else:
                inner, inner_age = 0, 0
            add(element.text, inner)
            stack.append((element, True, hint, age))
            stack.extend((child, False, inner, inner_age) for child in reversed(element))
            continue
        if element is not scope:
            add(element.tail, hint)
    flush()
    for value in _DATE_ATTRIBUTES(scope):
        found: list[tuple[int, Any]] = []
        _tokenize(value[:_MAX_NAMES], 0, found)
        dates = [token for token in found if token[0] == _DATE]
        if dates:
            lines.append(_Line(dates[:1], "", dirty=False))
            break
    return lines


def _element_tokens(element: etree._Element, tag: str, raw: list[tuple[int, Any]]) -> int:
    """What an element says by its attributes: a currency icon (``i.sprite-icon-usd``), an
    arrow (``span.arrow-down``, ``<img src="down.png">``), an ``alt`` text; returns the
    up/down its class or colour gives the numbers inside it (``span.diff.up``)."""
    attributes = element.attrib
    if not attributes:
        return 0
    names = " ".join(attributes.get(name) or "" for name in ("class", "style", "color"))
    if tag == "img":
        names = f"{names} {(attributes.get('src') or '').rpartition('/')[2]}"
        _tokenize((attributes.get("alt") or "")[:_MAX_NAMES], 0, raw)
    names = names[:_MAX_NAMES]
    code = _ICON_CODE.search(names)
    if code:
        raw.append((_CUR, code[0].upper()))
    direction = _direction(names)
    if direction and len(element) == 0 and not (element.text or "").strip():
        raw.append((_ARROW, direction))
    return direction


def _direction(names: str) -> int:
    up = _UP_CLASS.search(names) is not None
    down = _DOWN_CLASS.search(names) is not None
    return 0 if up == down else (1 if up else -1)
