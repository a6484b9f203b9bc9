"""Currency rate widgets ("Курс валют": USD, EUR, RUB against the sum) read from a page.

``parse_rates`` takes a whole page, a fragment, an lxml element, a parsel ``Selector`` or a
plain-text dump, finds the widget in it and returns one ``RateBlock``, or None when there is
none. It never raises. It prefers saying nothing to saying something wrong: a rate counts only
when a currency (ISO code, Russian name, symbol or icon class) is followed by a plausible
unsigned number in a line that holds nothing but widget vocabulary, so article prose such as
"курс доллара снизился на 6,71 сумов" is never read as a rate. A block needs a widget heading,
date or source label, or two currencies of which one is named (not only "$"). See docs/rates.md.

A change is kept in ``change`` (absolute, in the quote currency) or ``change_percent`` (a
number shown with ``%``), never converted into the other. Its sign comes from, in order: the
sign written on it, up/down classes on its element, arrows (▲▼↑↓, arrow icons) in the row, the
sign of the row's other change, accounting parentheses ``(1.19)`` = negative. A change whose
direction cannot be told is dropped (None) rather than guessed, except zero.

>>> block = parse_rates("Курс валют\\nUSD: 12 020.90 +17.72\\nRUB: 155.49 −1.19\\n"
...                     "Обновлено (ЦБ) 11.12.2025")
>>> block.as_of, block.source, [(r.currency, str(r.rate), str(r.change)) for r in block.rates]
(datetime.date(2025, 12, 11), 'ЦБ', [('USD', '12020.90', '17.72'), ('RUB', '155.49', '-1.19')])
>>> parse_rates("Курс доллара снизился на 6,71 сумов и составил 9448,53 сумов") is None
True
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree

from newsarchive.parsers.encoding import decode_page
from newsarchive.parsers.rates.blocks import Rate, RateBlock
from newsarchive.parsers.rates.markup import _from_tree
from newsarchive.parsers.rates.plain_text import _from_text
from newsarchive.parsers.text import unwrap

if TYPE_CHECKING:
    from parsel import Selector

__all__ = ["Rate", "RateBlock", "parse_rates"]

_log = logging.getLogger(__name__)


def parse_rates(markup: str | bytes | etree._Element | Selector) -> RateBlock | None:
    """The rate widget in ``markup`` (a page, a fragment or plain text), or None.

    Given an element or selector, the widget is looked for inside it, never around it.

    >>> html = ('<div class="kurs"><p>USD <b>12 020,90</b> <span class="down">0,5</span></p>'
    ...         '<p>EUR <b>13 988,72</b></p></div>')
    >>> [(r.currency, r.rate, r.change) for r in parse_rates(html).rates]
    [('USD', Decimal('12020.90'), Decimal('-0.5')), ('EUR', Decimal('13988.72'), None)]
    """
    try:
        return _parse(markup)
    except Exception:
        # The core is tested never to raise; this guard keeps one odd page from failing a crawl,
        # and the log line keeps the bug visible.
        _log.warning("rate widget parser failed", exc_info=True)
        return None


# ---------------------------------------------------------------------------------------------
# Input

_HAS_TAG = re.compile(r"<[a-zA-Z!/?]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")


def _parse(markup: object) -> RateBlock | None:
    root = unwrap(markup)
    if isinstance(root, bytes | bytearray | memoryview):
        # As the generic extractor decodes them: the <meta> charset unless the bytes
        # contradict it, else a guess among the region's encodings.
        root = decode_page(bytes(root))
    if isinstance(root, str):
        if not _HAS_TAG.search(root):
            return _from_text(root)
        root = _html(root)
    if isinstance(root, etree._Element):
        return _from_element(root)
    return None


# Sites print the same widget on every page: a crawl hands the parser the same markup thousands
# of times. The block is a function of the element's subtree alone (the search never looks
# above it), and its serialisation is that subtree, so the serialisation is the cache key:
# a widget whose rates or date changed is a new key. Only elements inside a page, and small
# ones: a whole page is rarely seen twice, and its serialisation costs more. Blocks are frozen,
# so sharing one between calls is safe.
_REMEMBERED_WIDGETS = 64
_MAX_KEY_CHARS = 16_000
_widgets: dict[str, RateBlock | None] = {}


def _from_element(root: etree._Element) -> RateBlock | None:
    if root.getparent() is None:
        return _from_tree(root)
    try:
        key = etree.tostring(root, encoding="unicode", with_tail=False)
    except (etree.LxmlError, ValueError):
        return _from_tree(root)
    if len(key) > _MAX_KEY_CHARS:
        return _from_tree(root)
    try:
        return _widgets[key]
    except KeyError:
        pass
    block = _from_tree(root)
    if len(_widgets) >= _REMEMBERED_WIDGETS:
        _widgets.clear()
    _widgets[key] = block
    return block


def _html(text: str) -> etree._Element | None:
    try:
        # lxml refuses str input that declares an encoding; the text is decoded already.
        return lxml.html.document_fromstring(_XML_DECL.sub("", text, count=1))
    except (etree.LxmlError, ValueError):
        return None  # empty or nothing but comments
