"""Document paths and where each one stands in the YAML file.

A DocPath is a tuple of mapping keys (str) and sequence indexes (int), e.g.
("特定個人情報ファイル", 0, "委託", "委託事項", 2, "再委託の有無"). The map is filled once
by the loader; nothing downstream reads ruamel marks.
"""

from __future__ import annotations

from dataclasses import dataclass

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


class SourceMap:
    """DocPath → Located, with a fallback to the nearest existing ancestor."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.entries: dict[DocPath, Located] = {}

    def add(self, doc_path: DocPath, value: Span, key: Span | None = None) -> None:
        self.entries[doc_path] = Located(value, key)

    def get(self, doc_path: DocPath) -> Located | None:
        return self.entries.get(doc_path)

    def nearest(self, doc_path: DocPath) -> tuple[DocPath, Located]:
        """The deepest recorded ancestor (or the path itself): where a missing key belongs."""
        for n in range(len(doc_path), -1, -1):
            found = self.entries.get(doc_path[:n])
            if found is not None:
                return doc_path[:n], found
        return (), Located(Span(self.path, 1, 1, 1, 1))

    def span_of(self, doc_path: DocPath) -> Span:
        """The key span of a value when it has one (findings point at the item name)."""
        _, located = self.nearest(doc_path)
        return located.key or located.value
