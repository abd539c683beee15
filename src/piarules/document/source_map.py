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
_NO_KEY = (0, 0, 0, 0)


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
        self._entries: dict[DocPath, Located] | None = None
        """Built from the compact form when all entries are asked for (the language server)."""
        self._index: dict[DocPath, int] = {}
        self._numbers: array[int] = array("i")
        """Eight ints per entry, in the order of `_index`: value line, col, end line, end col, then
        the key's (zeros: no key). Loading records thousands of places and reads a few: no Span
        is made for a place until it is looked up."""

    @property
    def entries(self) -> dict[DocPath, Located]:
        if self._entries is None:
            self._entries = {doc_path: self._located(i) for doc_path, i in self._index.items()}
        return self._entries

    def _located(self, i: int) -> Located:
        a, b, c, d, e, f, g, h = self._numbers[8 * i: 8 * i + 8]
        return Located(Span(self.path, a, b, c, d), Span(self.path, e, f, g, h) if e else None)

    def add(self, doc_path: DocPath, value: Span, key: Span | None = None) -> None:
        k = (key.line, key.col, key.end_line, key.end_col) if key is not None else _NO_KEY
        self.add_numbers(doc_path, (value.line, value.col, value.end_line, value.end_col), k)

    def add_numbers(self, doc_path: DocPath, value: tuple[int, int, int, int],
                    key: tuple[int, int, int, int] = _NO_KEY) -> None:
        """Record a place as line/column numbers (1-based; a key of zeros: no key)."""
        i = self._index.get(doc_path)
        if i is None:
            self._index[doc_path] = len(self._index)
            self._numbers.extend(value)
            self._numbers.extend(key)
        else:  # recorded again: the last record wins, in the first one's place
            self._numbers[8 * i: 8 * i + 8] = array("i", (*value, *key))
        self._entries = None

    def numbers(self, doc_path: DocPath) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
        """The recorded place of a path as numbers (value, key), for copying it elsewhere."""
        i = 8 * self._index[doc_path]
        a, b, c, d, e, f, g, h = self._numbers[i: i + 8]
        return (a, b, c, d), (e, f, g, h)

    def get(self, doc_path: DocPath) -> Located | None:
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
        return (_rebuild, (self.path, tuple(self._index), self._numbers))


def _rebuild(path: str, paths: tuple[DocPath, ...], numbers: array[int]) -> SourceMap:
    # INVARIANT: every span of a document's map is in the document's own file (`path`).
    out = SourceMap(path)
    out._index = dict(zip(paths, range(len(paths)), strict=True))
    out._numbers = numbers
    return out
