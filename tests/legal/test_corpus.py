"""Table-driven: every case of tests/legal/citations.yaml and tests/legal/timeline.yaml."""

from __future__ import annotations

import pytest

from piarules.legal.citations import parse_citations
from tests.legal.corpus import citation_cases, mismatches, run_timeline_case, timeline_cases

CITATION_CASES = citation_cases()
TIMELINE_CASES = timeline_cases()


def test_corpora_are_large_enough() -> None:
    assert len(CITATION_CASES) >= 180
    assert len(TIMELINE_CASES) >= 70
    assert len({c.id for c in CITATION_CASES}) == len(CITATION_CASES)
    assert len({c.id for c in TIMELINE_CASES}) == len(TIMELINE_CASES)
    assert all(c.source for c in (*CITATION_CASES, *TIMELINE_CASES))


@pytest.mark.parametrize("case", CITATION_CASES, ids=[c.id for c in CITATION_CASES])
def test_citation_case(case) -> None:  # type: ignore[no-untyped-def]
    if case.known_gap:
        pytest.xfail(case.known_gap)
    problems = mismatches(case, parse_citations(case.text))
    assert not problems, f"citations.yaml:{case.line} {case.text}\n" + "\n".join(problems)


@pytest.mark.parametrize("case", CITATION_CASES, ids=[c.id for c in CITATION_CASES])
def test_citation_spans_are_the_written_text(case) -> None:  # type: ignore[no-untyped-def]
    for c in parse_citations(case.text):
        assert case.text[c.span[0]:c.span[1]] == c.text
        assert c.sentence[0] <= c.span[0] and c.span[1] <= c.sentence[1]
        assert case.text[c.sentence[0]:c.sentence[1]] == c.sentence_text


@pytest.mark.parametrize("case", TIMELINE_CASES, ids=[c.id for c in TIMELINE_CASES])
def test_timeline_case(case) -> None:  # type: ignore[no-untyped-def]
    if case.known_gap:
        pytest.xfail(case.known_gap)
    status, replaced_by, reason = run_timeline_case(case)
    assert status == case.expect, f"timeline.yaml:{case.line} {case.text} ({case.on}): {reason}"
    if case.replaced_by is not None:
        assert replaced_by == case.replaced_by, reason
