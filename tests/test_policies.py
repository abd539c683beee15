"""Every rule of the bundled policies fires on its 'fires' document and stays quiet on its
'quiet' one (policies/tests/rules.yaml), through the same engine as `piarules test`."""

from __future__ import annotations

from pathlib import Path

import pytest

from piarules import testing
from tests.conftest import bundled

RULE_TESTS = Path(__file__).resolve().parents[1] / "policies" / "tests" / "rules.yaml"
CASES = testing.load_test_file(RULE_TESTS)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_case(case: testing.Case) -> None:
    result = testing.run_case(bundled(), case)
    assert result.passed, "\n".join(result.problems)


def test_every_bundled_rule_is_tested_both_ways() -> None:
    report = testing.run_tests(bundled(), CASES)
    assert (report.never_fired, report.never_quiet, report.unknown_rules) == ([], [], [])
