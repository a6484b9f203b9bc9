"""The bounds the parser keeps to: what counts as a rate or a change, and how much of a page
it reads at most (a widget is small; bigger or deeper containers are not one)."""

from __future__ import annotations

from decimal import Decimal

_NOMINALS = frozenset(map(Decimal, (1, 10, 100, 1000)))
_MAX_RATE = Decimal(10_000_000)  # no currency costs more sum than this; bigger is not a rate
_MIN_RATE = Decimal("0.000001")  # nor less: smaller is no rate (and 0.0 as a JSON number)
_MAX_PERCENT = Decimal(1000)  # no rate moves tenfold between updates: not a change
_MAX_SCOPE_CHARS = 4000  # a widget is small: bigger containers are sidebars, not widgets
_MAX_SCOPE_ELEMENTS = 1000  # in elements too: 20,000 nested <div> with a word are no widget
_MAX_TEXT_LINE = 300  # longer plain-text lines are paragraphs
_MAX_CANDIDATES = 24  # bound the work on pages full of matching class names
# Attribute text read per element (class, style, colour, icon file, alt, date): real ones are
# far shorter, and a megabyte attribute would otherwise be scanned again on every level climbed.
_MAX_NAMES = 1000
_MAX_CLIMB = 5  # from a matched element up to the widget's container
_MAX_META_GROWTH = 300  # climbing only for a heading/date may add this much text
_HINT_DEPTH = 3  # a change's up/down class is on its element or a close ancestor
