"""Table-driven: every case of tests/prose/polarity.yaml and heldout.yaml (a known_wrong case must still be wrong)."""

from __future__ import annotations

import pytest

from piarules.prose import mentions
from tests.prose.corpus import Case, load_cases

CASES = load_cases("polarity.yaml")
HELDOUT = load_cases("heldout.yaml")


def test_corpus_is_large_enough_and_sourced() -> None:
    assert len(CASES) >= 150
    assert all(c.data.get("source") for c in CASES)


@pytest.mark.parametrize("case", CASES + HELDOUT, ids=[c.id for c in CASES + HELDOUT])
def test_polarity(case: Case) -> None:
    got = [m.polarity.value for m in mentions(case.data["text"], case.pattern)]
    if case.known_wrong:
        assert got != case.data["expect"], f"fixed? remove known_wrong: {case.known_wrong}"
    else:
        assert got == case.data["expect"], "\n".join(m.explain() for m in mentions(case.data["text"], case.pattern))
