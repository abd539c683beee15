"""Source files and spans: character offsets in, 1-based line/column out.

Every AST node and every YAML value carries a Span; spans never take part in equality.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(eq=False)
class SourceFile:
    """One text file (policy or document), with a lazily built line index."""

    path: str
    text: str
    _line_starts: list[int] | None = field(default=None, repr=False)

    def line_starts(self) -> list[int]:
        """Offsets at which each line begins (built once, on first use)."""
        if self._line_starts is None:
            starts = [0]
            starts.extend(i + 1 for i, ch in enumerate(self.text) if ch == "\n")
            self._line_starts = starts
        return self._line_starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        starts = self.line_starts()
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line end."""
        starts = self.line_starts()
        if not 1 <= line <= len(starts):
            return ""
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[starts[line - 1] : end].rstrip("\r")


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a source: 1-based line/column of start and end (end exclusive)."""

    path: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def __reduce__(self) -> tuple[type[Span], tuple[str, int, int, int, int]]:
        # Plain arguments: a slotted frozen dataclass otherwise pickles through copyreg and
        # object.__setattr__, slowly — and spans are most of a cached document and of a result.
        return (Span, (self.path, self.line, self.col, self.end_line, self.end_col))

    @staticmethod
    def point(path: str, line: int, col: int, width: int = 1) -> Span:
        """A span of `width` characters on one line."""
        return Span(path, line, col, line, col + max(width, 1))


NO_SPAN = Span("<unknown>", 0, 0, 0, 0)


EXCERPT_AROUND = 2
"""Lines shown around the line a finding points at (the HTML report shows two on each side)."""


def excerpt(lines: list[str], line_numbers: Iterable[int], around: int = EXCERPT_AROUND) -> dict[int, str]:
    """The 1-based lines `line_numbers` of a file and `around` lines on each side: what code
    frames of those lines show, kept instead of the whole file."""
    out: dict[int, str] = {}
    for n in line_numbers:
        for k in range(max(n - around, 1), min(n + around, len(lines)) + 1):
            out[k] = lines[k - 1]
    return out
