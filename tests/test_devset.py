"""The development set (bench/devset): generated files current, documents sized, matching of paths."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT

DEVSET = ROOT / "bench" / "devset"
sys.path.insert(0, str(DEVSET))

import build  # noqa: E402
import score  # noqa: E402

INFO_REMINDERS = {"TM-001b", "TM-002"}  # reminders at 4.5 years / after a year without a row
# Info notes that a date rule could not decide (a missing 評価の経過 / 初回公表日): not a defect to inject.
UNDECIDED_NOTES = {"CH-005i", "TM-004i"}
# Rules for documents whose 評価実施機関名 names no body: every devset document has a readable one, so
# their self-name defects are WRD-001's (kinds.yaml lists all three for both self-name kinds).
NO_BODY_RULES = {"WRD-001b", "WRD-008"}


def expectations() -> list[dict]:
    return [build.load_yaml(p) for p in sorted(DEVSET.glob("*/expected.yaml"))]


def test_generated_files_are_current() -> None:
    assert build.main(["--check"]) == 0, "run: python bench/devset/build.py"


def test_clean_documents_have_realistic_size() -> None:
    sizes = {p.relative_to(DEVSET).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in list(DEVSET.glob("*/clean.yaml")) + list(DEVSET.glob("*/clean/*.yaml"))}
    assert len(sizes) >= 14
    assert all(150 <= n <= 700 for n in sizes.values()), sizes


def test_set_is_large_and_covers_the_catalog() -> None:
    exp = expectations()
    defects = [d for e in exp for d in e["defects"]]
    traps = [t for e in exp for t in e["traps"]]
    assert len(defects) >= 120 and len(traps) >= 40
    covered = {d["rule"] for d in defects} | {r for d in defects for r in d.get("also_rules") or []}
    kinds = build.load_yaml(DEVSET / "kinds.yaml")["kinds"]
    covered |= {r for d in defects for r in kinds.get(d["kind"], {}).get("rules") or []}  # rules added for a kind
    catalog = {line.split("|")[1].strip() for line in (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
               .splitlines() if line.startswith("| ") and "-" in line.split("|")[1]}
    assert catalog - covered - INFO_REMINDERS - UNDECIDED_NOTES - NO_BODY_RULES == set()


@pytest.mark.parametrize(("finding", "expected", "related"), [
    ("a.b.c", "a.b.c", True),
    ("a.b.c", "a.b", True),                       # finding inside the expected item
    ("しきい値判断項目", "しきい値判断項目.取扱者数の計数時点", True),  # finding at the section
    ("変更箇所[3].提出時期", "変更箇所[3]", True),
    ("変更箇所[3].提出時期に係る説明", "変更箇所[3].提出時期", False),  # a longer key is another item
    ("変更箇所[13].変更日", "変更箇所[1]", False),
    ("特定個人情報ファイル[0].委託", "特定個人情報ファイル[1].委託", False),
])
def test_path_related(finding: str, expected: str, related: bool) -> None:
    assert score.path_related(finding, expected) is related
