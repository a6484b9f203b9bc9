"""Plain-text input: runs of widget-like lines (a prose line ends a run), of which the one
with the most rates, furniture and changes is the block."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from newsarchive.parsers.rates.assemble import _assemble
from newsarchive.parsers.rates.blocks import RateBlock
from newsarchive.parsers.rates.limits import _MAX_TEXT_LINE
from newsarchive.parsers.rates.tokens import _finish_line, _Line, _tokenize


def _from_text(text: str) -> RateBlock | None:
    best: RateBlock | None = None
    best_score = (0, 0, 0)
    for segment in _segments(text):
        found = _assemble(segment)
        block = found.block()
        if block is not None and found.score() > best_score:
            best, best_score = block, found.score()
    return best


def _segments(text: str) -> Iterator[list[_Line]]:
    """Runs of widget-like lines; a prose line ends a run."""
    run: list[_Line] = []
    for raw_line in text.splitlines():
        if not raw_line or raw_line.isspace():
            continue  # reads as nothing, and ends no run: a million of them cost seconds
        line = _text_line(raw_line)
        if line.dirty:
            if run:
                yield run
            run = []
        else:
            run.append(line)
    if run:
        yield run


def _text_line(text: str) -> _Line:
    if len(text) > _MAX_TEXT_LINE:
        return _Line([], "", dirty=True)
    raw: list[tuple[int, Any]] = []
    _tokenize(text, 0, raw)
    return _finish_line(raw, [text])
