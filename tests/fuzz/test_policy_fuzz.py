"""Policy fuzzing: generated whole policy files through parse → check → compile → evaluate → explain,
and `fmt` on every case that parses (oracles: tests/fuzz/pipeline.py; generator: policy_gen.py).

A short run here (deterministic; PIARULES_POLICY_FUZZ_EXAMPLES, PIARULES_POLICY_FUZZ_RANDOM=1 to
explore); long runs: `python bench/fuzz_policies.py --minutes N`. The share of cases reaching each
stage is asserted, so the fuzzer cannot silently stop reaching the checker and the compiler.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piarules.document import Document
from tests.fuzz import pipeline
from tests.fuzz.pipeline import (
    STAGES,
    CaseTimeout,
    Stats,
    deadline,
    example_document,
    known_bug,
    minimise,
    run_case,
    small_documents,
)
from tests.fuzz.policy_gen import FAMILIES, Case, Chooser, RandomChooser, generate_case

EXAMPLES = int(os.environ.get("PIARULES_POLICY_FUZZ_EXAMPLES", "300"))
EXPLORE = bool(os.environ.get("PIARULES_POLICY_FUZZ_RANDOM"))
LIMIT = 3.0
"""Seconds a stage may take on one case before it counts as a hang."""


class HypothesisChooser(Chooser):
    """Decisions drawn by Hypothesis, so a failing case shrinks to a small policy."""

    def __init__(self, draw: Callable[[st.SearchStrategy[int]], int]):
        self.draw = draw

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))


@st.composite
def policy_cases(draw: st.DrawFn, family: str) -> Case:
    return generate_case(HypothesisChooser(draw), family)


@pytest.fixture(scope="module")
def documents() -> tuple[list[Document], list[Document]]:
    return [example_document()], list(small_documents())


# A time-out that lands in a gc callback is reported by Python as unraisable (the next one stops the case).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_generated_policies_reach_every_stage_and_never_crash(
        documents: tuple[list[Document], list[Document]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIARULES_NO_CACHE", "1")  # every case goes through the parser itself
    docs, small = documents
    stats = Stats()

    def check(case: Case) -> None:
        outcome = run_case(case.text, docs, small, limit=LIMIT)
        stats.record(case.family, case.text, outcome)
        fresh = [c for c in outcome.crashes if known_bug(c, case.text) is None]
        assert not fresh, f"{fresh[0]}\n{fresh[0].trace}\n--- case ---\n{case}"

    # One Hypothesis run per family, sized by the family's weight: each family is fuzzed every
    # time, and the shares below are over the same mix as the long runs.
    for weight, family in FAMILIES:
        settings(max_examples=max(8, round(EXAMPLES * weight)), deadline=None, derandomize=not EXPLORE,
                 database=None, suppress_health_check=list(HealthCheck))(given(policy_cases(family))(check))()
    print("\n" + stats.table())
    # The fuzzer must keep reaching the checker, the compiler and evaluation (not just the parser).
    assert stats.share("parsed") >= 0.60, stats.table()
    assert stats.share("check clean") >= 0.40, stats.table()
    assert stats.share("check clean", "valid") >= 0.85, stats.table()

    # Every clean case compiles and runs, except those stopped by an already reported bug.
    def lost(stage: str) -> int:
        return sum(n for (where, *_), (_, _, n) in stats.crashes.items() if where == stage)

    reached = stats.reached["all"]
    assert reached["compiled"] + lost("compile") == reached["check clean"], stats.table()
    assert reached["ran"] + lost("evaluate") == reached["compiled"], stats.table()
    assert stats.share("fired") >= 0.15, stats.table()


# ---------------------------------------------------------------- the fuzzer's own parts


def test_every_family_is_generated_and_valid_cases_check_clean() -> None:
    """The plain-random generator (used by bench/fuzz_policies.py) reaches the same stages."""
    docs, small = [example_document()], list(small_documents())
    stats = Stats()
    for seed in range(60):
        case = generate_case(RandomChooser(seed))
        outcome = run_case(case.text, docs, small, limit=LIMIT)
        stats.record(case.family, case.text, outcome)
        assert all(known_bug(c, case.text) for c in outcome.crashes), f"{outcome.crashes}\n{case}"
    assert stats.share("check clean", "valid") >= 0.85, stats.table()
    assert set(STAGES) <= set(stats.reached["all"]), stats.table()


def test_small_documents_load_with_lists_to_iterate() -> None:
    small = small_documents()
    assert len(small) == 4
    assert {d.kind for d in small} == {"基礎項目評価書", "重点項目評価書", "全項目評価書"}
    assert all(len(d.tree.get("変更箇所", [])) >= 2 for d in small)


def test_explain_oracle_sees_a_disagreement(monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'rule R "x" {\n  severity error\n  for each 行 in 変更箇所\n  require 行.提出時期 == "事前"\n}\n'
    small = list(small_documents())
    assert run_case(text, [], small).crashes == []
    monkeypatch.setattr(pipeline, "explain_rule", lambda *args: [])
    outcome = run_case(text, [], small)
    assert [c.kind for c in outcome.crashes] == ["explain-mismatch"]


def test_unsound_fmt_and_exceptions_are_crashes(monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'rule R "x" {\n  severity error\n  require 文書.評価書名 is present\n}\n'
    monkeypatch.setattr(pipeline, "check_sound", lambda *args: "壊れた")
    monkeypatch.setattr(pipeline, "compile_rules", lambda result: 1 / 0)
    outcome = run_case(text, [], [])
    assert [(c.stage, c.kind) for c in outcome.crashes] == [("fmt", "unsound-fmt"), ("compile", "ZeroDivisionError")]
    assert outcome.crashes[1].where == "?"  # raised outside piarules


def test_deadline_interrupts_a_hang() -> None:
    with pytest.raises(CaseTimeout), deadline(0.05):
        while True:
            pass


def test_minimise_keeps_the_failure() -> None:
    text = "\n".join(f"line {i} word word" for i in range(40)).replace("line 17 word", "line 17 BOOM")
    small = minimise(text, lambda t: "BOOM" in t)
    assert small == "BOOM"
