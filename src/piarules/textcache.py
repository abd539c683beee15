"""Memo tables keyed by a text of the document (normalised forms, segments, phrase hits,
citations, self-names …), all of one bounded size.

A text is read by many rules of one document, and standard wording recurs across documents
(the 中間サーバー・プラットフォーム paragraphs of every municipality), so results are memoised per
text. The bound keeps a batch's memory flat: in a national batch most texts are new, and
65,536 entries per table held 0.5–1 GB per worker, 4,096 entries ≈ 220 MB, 512 ≈ 120 MB (of
which ≈ 100 MB are the worker's policies, tables and imports), with no measurable loss of speed
on 150 seed-sized documents (bench/bench_scale.py; the recurring texts of one document and the
standard wording shared by documents stay in the tables: least recently used go first).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

SIZE = 512
"""Entries per table."""

_TABLES: list[Any] = []
F = TypeVar("F", bound=Callable[..., Any])


def text_cache(fn: F) -> F:
    """`functools.lru_cache` of SIZE entries, registered so that `clear()` empties it."""
    cached = lru_cache(maxsize=SIZE)(fn)
    _TABLES.append(cached)
    return cached  # type: ignore[return-value]


def clear() -> None:
    """Empty every table (tests; a long-lived process between unrelated batches)."""
    for table in _TABLES:
        table.cache_clear()


def entries() -> int:
    """Entries held over all tables (the benchmarks print it)."""
    return sum(table.cache_info().currsize for table in _TABLES)
