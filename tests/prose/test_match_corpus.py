"""Table-driven: every case of tests/prose/match.yaml, texts and original spans."""

from __future__ import annotations

import pytest

from piarules.prose import CoOccurrence, Match, co_occurrences, find, matches
from tests.prose.corpus import Case, load_cases

CASES = load_cases("match.yaml")


def found(case: Case) -> tuple[Match, ...]:
    spec = case.pattern
    return co_occurrences(case.data["text"], spec) if isinstance(spec, CoOccurrence) else find(case.data["text"], spec)


def expected_spans(case: Case) -> list[tuple[int, int]]:
    if "spans" in case.data:
        return [(int(s), int(e)) for s, e in case.data["spans"]]
    out, pos = [], 0
    for piece in case.data["expect"]:
        start = case.data["text"].index(piece, pos)
        out.append((start, start + len(piece)))
        pos = start + 1
    return out


def test_corpus_is_large_enough_and_sourced() -> None:
    assert len(CASES) >= 120
    assert all(c.data.get("source") for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_match(case: Case) -> None:
    got = found(case)
    if case.known_wrong:
        assert [m.text for m in got] != case.data["expect"], f"fixed? remove known_wrong: {case.known_wrong}"
        return
    assert [m.text for m in got] == case.data["expect"]
    assert [(m.start, m.end) for m in got] == expected_spans(case)
    assert matches(case.data["text"], case.pattern) == bool(case.data["expect"])
