"""Document paths and where each one stands in the YAML file.

A DocPath is a tuple of mapping keys (str) and sequence indexes (int), e.g.
("特定個人情報ファイル", 0, "委託", "委託事項", 2, "再委託の有無"). The map is filled once
by the loader; nothing downstream reads ruamel marks.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Any

from piarules.span import Span

DocPath = tuple[str | int, ...]


def format_path(path: DocPath) -> str:
    """委託事項[2].再委託の有無 style rendering, for messages and JSON."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(文書全体)"


@dataclass(frozen=True, slots=True)
class Located:
    """Where a value stands: the span of its key (if any) and of the value itself."""

    value: Span
    key: Span | None = None

    def __reduce__(self) -> tuple[type[Located], tuple[Span, Span | None]]:
        return (Located, (self.value, self.key))


class SourceMap:
    """DocPath → Located, with a fallback to the nearest existing ancestor.

    A map read back from the document cache stays compact (its paths and one array of ints)
    and builds a Located only for the paths looked up: a cached document loads without
    rebuilding thousands of spans it will never show."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._entries: dict[DocPath, Located] | None = {}
        self._index: dict[DocPath, int] = {}
        self._numbers: array[int] = array("i")

    @property
    def entries(self) -> dict[DocPath, Located]:
        if self._entries is None:
            self._entries = {doc_path: self._located(i) for doc_path, i in self._index.items()}
        return self._entries

    def _located(self, i: int) -> Located:
        a, b, c, d, e, f, g, h = self._numbers[8 * i: 8 * i + 8]
        return Located(Span(self.path, a, b, c, d), Span(self.path, e, f, g, h) if e else None)

    def add(self, doc_path: DocPath, value: Span, key: Span | None = None) -> None:
        self.entries[doc_path] = Located(value, key)

    def get(self, doc_path: DocPath) -> Located | None:
        if self._entries is not None:
            return self._entries.get(doc_path)
        i = self._index.get(doc_path)
        return None if i is None else self._located(i)

    def nearest(self, doc_path: DocPath) -> tuple[DocPath, Located]:
        """The deepest recorded ancestor (or the path itself): where a missing key belongs."""
        for n in range(len(doc_path), -1, -1):
            found = self.get(doc_path[:n])
            if found is not None:
                return doc_path[:n], found
        return (), Located(Span(self.path, 1, 1, 1, 1))

    def span_of(self, doc_path: DocPath) -> Span:
        """The key span of a value when it has one (findings point at the item name)."""
        _, located = self.nearest(doc_path)
        return located.key or located.value

    def __reduce__(self) -> tuple[Any, tuple[str, tuple[DocPath, ...], array[int]]]:
        """Compact pickling (the document cache): the paths, and the spans as one array of ints."""
        if self._entries is None:
            return (_rebuild, (self.path, tuple(self._index), self._numbers))
        numbers = array("i")
        for located in self._entries.values():
            v, k = located.value, located.key
            numbers.extend((v.line, v.col, v.end_line, v.end_col))
            numbers.extend((k.line, k.col, k.end_line, k.end_col) if k is not None else (0, 0, 0, 0))
        return (_rebuild, (self.path, tuple(self._entries), numbers))


def _rebuild(path: str, paths: tuple[DocPath, ...], numbers: array[int]) -> SourceMap:
    # INVARIANT: every span of a document's map is in the document's own file (`path`).
    out = SourceMap(path)
    out._entries = None
    out._index = dict(zip(paths, range(len(paths)), strict=True))
    out._numbers = numbers
    return out
