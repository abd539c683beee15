"""Precision and recall of the legal engine on tests/legal/*.yaml.

parse_citations: per citation field (multisets of field values per case; a statute that is not resolved
counts as the value "∅"), and for whole citations (all fields equal). judge: per status, plus how often
a stale verdict suggests the expected replacement. Run from the repository root:

    python bench/score_citations.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from piarules.legal.citations import parse_citations
from tests.legal.corpus import (
    FIELDS,
    as_fields,
    citation_cases,
    key_of,
    run_timeline_case,
    timeline_cases,
)

NAMES = {"s": "statute", "a": "article", "p": "paragraph", "i": "item", "t": "appendix", "r": "row",
         "sup": "附則", "body": "body", "w": "span text"}


def _pr(tp: int, predicted: int, expected: int) -> tuple[float, float]:
    return (tp / predicted if predicted else 1.0), (tp / expected if expected else 1.0)


def _values(items: list[dict[str, str]], f: str) -> Counter[str]:
    if f == "s":
        return Counter(d.get("s", "∅") for d in items)
    return Counter(d[f] for d in items if f in d)


def _stated(got: list[dict[str, str]], exp: list[dict[str, str]], f: str) -> tuple[int, int]:
    """For a field only some cases state (body, span text): (right, stated), pairing citations by key."""
    right = stated = 0
    unused = list(got)
    for e in exp:
        if f not in e:
            continue
        stated += 1
        match = next((g for g in unused if key_of(g) == key_of(e)), None)
        if match is not None:
            unused.remove(match)
            right += match.get(f) == e[f]
    return right, stated


def score_citations() -> list[tuple[str, float, float, int]]:
    totals: dict[str, list[int]] = {f: [0, 0, 0] for f in (*FIELDS, "body", "w", "citation")}
    for case in citation_cases():
        got = [as_fields(c) for c in parse_citations(case.text)]
        exp = case.expect
        for f in FIELDS:
            g, e = _values(got, f), _values(exp, f)
            totals[f][0] += sum((g & e).values())
            totals[f][1] += sum(g.values())
            totals[f][2] += sum(e.values())
        for f in ("body", "w"):
            right, stated = _stated(got, exp, f)
            totals[f][0] += right
            totals[f][1] += stated
            totals[f][2] += stated
        g_keys, e_keys = Counter(key_of(x) for x in got), Counter(key_of(x) for x in exp)
        totals["citation"][0] += sum((g_keys & e_keys).values())
        totals["citation"][1] += sum(g_keys.values())
        totals["citation"][2] += sum(e_keys.values())
    rows = []
    for f, (tp, predicted, expected) in totals.items():
        p, r = _pr(tp, predicted, expected)
        rows.append((NAMES.get(f, f), p, r, expected))
    return rows


def score_judge() -> tuple[list[tuple[str, float, float, int]], tuple[int, int]]:
    pairs: list[tuple[str, str]] = []
    replaced = [0, 0]
    for case in timeline_cases():
        status, replaced_by, _ = run_timeline_case(case)
        pairs.append((case.expect, status))
        if case.replaced_by is not None:
            replaced[1] += 1
            replaced[0] += replaced_by == case.replaced_by
    rows = []
    for status in sorted({e for e, _ in pairs} | {g for _, g in pairs}):
        tp = sum(1 for e, g in pairs if e == g == status)
        predicted = sum(1 for _, g in pairs if g == status)
        expected = sum(1 for e, _ in pairs if e == status)
        p, r = _pr(tp, predicted, expected)
        rows.append((status, p, r, expected))
    return rows, (replaced[0], replaced[1])


def main() -> None:
    print(f"parse_citations — {len(citation_cases())} cases")
    print(f"  {'field':<12} {'precision':>9} {'recall':>7} {'n':>5}")
    for name, p, r, n in score_citations():
        print(f"  {name:<12} {p:9.3f} {r:7.3f} {n:5d}")
    rows, (ok, n) = score_judge()
    print(f"judge — {len(timeline_cases())} cases")
    print(f"  {'status':<12} {'precision':>9} {'recall':>7} {'n':>5}")
    for name, p, r, count in rows:
        print(f"  {name:<12} {p:9.3f} {r:7.3f} {count:5d}")
    print(f"  replaced_by as expected: {ok}/{n}")


if __name__ == "__main__":
    main()
