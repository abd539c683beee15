"""Every rule of the bundled policies fires on its 'fires' document and stays quiet on its
'quiet' one (policies/tests/*.yaml), through the same engine as `piarules test`, and declares
its confidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from piarules import testing
from tests.conftest import bundled

RULE_TESTS = Path(__file__).resolve().parents[1] / "policies" / "tests"
CASES = [c for f in testing.find_test_files([RULE_TESTS]) for c in testing.load_test_file(f)]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_case(case: testing.Case) -> None:
    result = testing.run_case(bundled(), case)
    assert result.passed, "\n".join(result.problems)


def test_every_bundled_rule_is_tested_both_ways() -> None:
    report = testing.run_tests(bundled(), CASES)
    assert (report.never_fired, report.never_quiet, report.never_reached, report.unknown_rules) == ([], [], [], [])


def test_every_bundled_rule_declares_its_confidence() -> None:
    undeclared = [r.id for r in bundled().check.rules if r.rule.confidence is None]
    assert undeclared == [], "add `confidence high|medium|low` to these rules"
