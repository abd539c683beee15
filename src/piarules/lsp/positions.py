"""Positions: piarules spans (1-based line, column in characters) ↔ LSP positions (0-based line,
column in the client's code units, UTF-16 unless the client chose otherwise).

Japanese text is mostly one UTF-16 unit per character, but not always (𠮷 is two), so every
conversion goes through the line's text.
"""

from __future__ import annotations

from lsprotocol import types

from piarules.span import Span

_UNITS = {"utf-8": lambda ch: len(ch.encode("utf-8")), "utf-32": lambda ch: 1}


def _utf16(ch: str) -> int:
    return 2 if ord(ch) > 0xFFFF else 1


class Lines:
    """One document's lines, for converting positions both ways."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.lines = [line.rstrip("\r") for line in text.split("\n")]
        self.units = _UNITS.get(encoding, _utf16)

    def line(self, index: int) -> str:
        """The text of a 0-based line ('' outside the document)."""
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def position(self, line: int, col: int) -> types.Position:
        """1-based (line, character column) → LSP position."""
        text = self.line(line - 1)
        prefix = text[: max(col - 1, 0)]
        return types.Position(line=max(line - 1, 0), character=sum(self.units(ch) for ch in prefix))

    def range(self, span: Span | None) -> types.Range:
        """A span's range (the document's start when the span is unknown)."""
        if span is None or span.line <= 0:
            start = types.Position(line=0, character=0)
            return types.Range(start=start, end=start)
        start = self.position(span.line, span.col)
        end = self.position(span.end_line, span.end_col) if span.end_line > 0 else start
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return types.Range(start=start, end=end)

    def from_client(self, position: types.Position) -> tuple[int, int]:
        """LSP position → 0-based (line, character index into the line), clamped to the text."""
        line = min(max(position.line, 0), len(self.lines) - 1)
        text = self.lines[line]
        if line != position.line:
            return line, 0 if position.line < 0 else len(text)
        units = 0
        for index, ch in enumerate(text):
            if units >= position.character:
                return line, index
            units += self.units(ch)
        return line, len(text)

    def offset(self, line: int, index: int) -> int:
        """Character offset in the whole text of a 0-based (line, index)."""
        line = min(max(line, 0), len(self.lines) - 1)
        return sum(len(text) + 1 for text in self.lines[:line]) + min(index, len(self.lines[line]))


def contains(span: Span, line: int, col: int) -> bool:
    """Whether 1-based (line, col) lies in `span` (end inclusive, so a cursor just after a word counts)."""
    if span.line <= 0:
        return False
    return (span.line, span.col) <= (line, col) <= (span.end_line, span.end_col)
