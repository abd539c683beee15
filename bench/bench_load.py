"""Load speed: a 40 KB assessment with 150 change rows, with positions, validated.

Compares piarules' loader (ruamel.yaml.clib parser events → data + source map → pydantic
model → eval tree) with ruamel.yaml's round-trip loader, which also records positions.
"""

from __future__ import annotations

import io
import sys

from common import assessment_text, best_of

from piarules.document import load_document_text
from piarules.document.loader import _CParser, load_yaml


def main() -> None:
    text = assessment_text()
    print(f"document: {len(text.encode()) / 1024:.1f} KB, {text.count('- 変更日:')} change rows")
    print(f"C parser in use: {_CParser is not None}")
    doc, problems = load_document_text(text, "bench.yaml")
    assert doc is not None, problems
    full = best_of(lambda: load_document_text(text, "bench.yaml"), repeat=15, number=5)
    parse = best_of(lambda: load_yaml(text, "bench.yaml"), repeat=15, number=5)
    print(f"piarules load (parse + positions + validate + tree): {full * 1000:.1f} ms  (target ≤ 12 ms)")
    print(f"  of which YAML events → data + source map:          {parse * 1000:.1f} ms")
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    roundtrip = best_of(lambda: rt.load(io.StringIO(text)), repeat=5, number=1)
    print(f"ruamel.yaml round-trip load, for scale:               {roundtrip * 1000:.1f} ms")
    if "--check" in sys.argv and full > 0.012:
        sys.exit(1)


if __name__ == "__main__":
    main()
