"""The short fuzz run of every CI build (the long one is `python bench/fuzz.py --minutes N`).

Examples per test: PIARULES_FUZZ_EXAMPLES (default: about 25 s for the three tests on a
2-core machine). The cases are the same on every run unless PIARULES_FUZZ_RANDOM=1. Hypothesis replays and shrinks a failure; the case's family and mutation
are in its repr.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings

from tests.conftest import bundled
from tests.fuzz.cases import Case, document_cases, table_cases
from tests.fuzz.oracle import check_cli_case, check_document_case, check_table_case

_EXAMPLES = os.environ.get("PIARULES_FUZZ_EXAMPLES")


_RANDOM = bool(os.environ.get("PIARULES_FUZZ_RANDOM"))
"""Explore new cases on each run (else the CI run is the same every time: a failure it finds is
a bug found by a change, not by the seed of the day; bench/fuzz.py explores)."""


def _settings(default: int) -> settings:
    return settings(max_examples=int(_EXAMPLES) if _EXAMPLES else default, deadline=None, database=None,
                    derandomize=not _RANDOM,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_settings(250)
@given(document_cases())
def test_any_mutated_document_is_checked_or_refused_cleanly(case: Case) -> None:
    outcome = check_document_case(case, bundled())
    assert not outcome.problems, outcome.problems


@_settings(120)
@given(table_cases())
def test_any_table_is_imported_losslessly_or_refused_cleanly(case: Case) -> None:
    outcome = check_table_case(case)
    assert not outcome.problems, outcome.problems


@_settings(15)
@given(document_cases() | table_cases())
def test_the_commands_exit_0_1_or_2_on_any_input(case: Case) -> None:
    outcome = check_cli_case(case)
    assert not outcome.problems, outcome.problems
