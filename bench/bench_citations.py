"""parse_citations over every text value of the bundled example (assessment + change log).

Prints the time for the first call in the process (statute table and matchers built), for a cold
cache (table built, no text parsed yet) and for a warm cache, and how many texts hold citations.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import EXAMPLE, best_of

from piarules.document import load_document


def texts(node: Any) -> Iterator[str]:
    """Every string value of a document tree (JpDate, Band and counts keep their text too)."""
    if isinstance(node, dict):
        for value in node.values():
            yield from texts(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from texts(value)
    elif isinstance(node, str):
        yield node


def main() -> None:
    values: list[str] = []
    for name in ("assessment.yaml", "changelog.yaml"):
        doc, diagnostics = load_document(EXAMPLE / name)
        assert doc is not None, [d.one_line() for d in diagnostics]
        values += list(texts(doc.tree))
    chars = sum(len(v) for v in values)

    start = time.perf_counter()
    from piarules.legal import citations

    first = [citations.parse_citations(v) for v in values]
    first_ms = (time.perf_counter() - start) * 1000

    def cold() -> None:
        citations._parse_cached.cache_clear()
        for v in values:
            citations.parse_citations(v)

    cold_ms = best_of(cold, repeat=5) * 1000
    cold()
    warm_ms = best_of(lambda: [citations.parse_citations(v) for v in values], repeat=7) * 1000
    with_citations = sum(1 for found in first if found)
    print(f"{len(values)} text values ({chars:,} characters), {with_citations} with citations, "
          f"{sum(len(f) for f in first)} citations")
    print(f"first call (table + matchers built): {first_ms:7.1f} ms")
    print(f"cold cache (median of 5):            {cold_ms:7.1f} ms")
    print(f"cached (median of 7):                {warm_ms:7.2f} ms")


if __name__ == "__main__":
    main()
