"""bench/bench_eval.py compares piarules with hand-written rules: keep the two giving the same
findings (a change of semantics or message format shows here, not as a silently unfair benchmark)."""

from __future__ import annotations

import sys
from collections import Counter
from functools import cache

import pytest

from piarules.api import PolicySet, load_policies
from piarules.document import Document, load_document_text
from piarules.evaluate import evaluate
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from documents import AS_OF, RULES, document_text
from hand_written import evaluate_by_hand

SEEDS = range(12)


@cache
def policies() -> PolicySet:
    loaded = load_policies([ROOT / "bench" / "policies"])
    assert loaded.ok, [d.one_line() for d in loaded.diagnostics]
    return loaded


@cache
def document(seed: int) -> Document:
    doc, problems = load_document_text(document_text(seed), f"bench-{seed}.yaml")
    assert doc is not None, [d.one_line() for d in problems]
    return doc


@pytest.mark.parametrize("seed", SEEDS)
def test_hand_written_rules_give_the_same_findings(seed: int) -> None:
    def key(f: object) -> tuple[object, ...]:
        return tuple(getattr(f, k) for k in ("rule_id", "severity", "title", "message", "references", "hint",
                                             "span", "path", "missing_key"))

    compiled = [key(f) for f in evaluate(policies().rules, document(seed), AS_OF)]
    assert [key(f) for f in evaluate_by_hand(document(seed), AS_OF)] == compiled


def test_benchmark_rules_are_the_documented_set_and_each_fires_and_stays_quiet() -> None:
    assert sorted(r.checked.id for r in policies().rules) == sorted(RULES)
    fired: Counter[str] = Counter()
    for seed in SEEDS:
        fired.update({f.rule_id for f in evaluate(policies().rules, document(seed), AS_OF)})
    assert all(0 < fired[r] < len(SEEDS) for r in RULES), fired


def test_documents_have_the_size_of_the_example() -> None:
    assert len(document(0).tree["変更箇所"]) == 137
    assert len(document(0).tree["特定個人情報ファイル"]) == 7
