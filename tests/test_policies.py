"""Every rule of the bundled policies fires on its 'fires' document and stays quiet on its
'quiet' one (tests/cases/rules.yaml), through the public load → evaluate path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from piarules.api import run
from piarules.document import load_document_text
from piarules.document.loader import load_yaml
from piarules.jpvalues import parse_date
from tests.conftest import bundled

CASES_FILE = Path(__file__).parent / "cases" / "rules.yaml"
CASES: list[dict[str, Any]] = load_yaml(CASES_FILE.read_text(encoding="utf-8"), str(CASES_FILE)).data


def rule_ids(kind: str, case: dict[str, Any]) -> list[tuple[str, str]]:
    doc, diagnostics = load_document_text(case[kind], f"{case['rule']}-{kind}.yaml")
    assert doc is not None, [d.one_line() for d in diagnostics]
    as_of = parse_date(case["as_of"]) if case.get("as_of") else dt.date(2026, 1, 1)
    return [(f.rule_id, f.path_text) for f in run(bundled(), doc, as_of)]


@pytest.mark.parametrize("case", CASES, ids=[c["rule"] for c in CASES])
def test_rule_fires(case: dict[str, Any]) -> None:
    found = rule_ids("fires", case)
    assert (case["rule"], case["at"]) in found, found


@pytest.mark.parametrize("case", CASES, ids=[c["rule"] for c in CASES])
def test_rule_stays_quiet(case: dict[str, Any]) -> None:
    found = rule_ids("quiet", case)
    assert case["rule"] not in [rule for rule, _ in found], found


def test_every_bundled_rule_has_a_case() -> None:
    covered = {c["rule"] for c in CASES}
    missing = sorted(r.id for r in bundled().check.rules if r.id not in covered)
    assert missing == []
