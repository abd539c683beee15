"""The second held-out set (bench/heldout2): generated files current, documents sized, defects and traps counted.

No test here asserts recall: the set measures the rules, it must not constrain them.
"""

from __future__ import annotations

import sys

from tests.conftest import ROOT

HELDOUT2 = ROOT / "bench" / "heldout2"
sys.path.insert(0, str(ROOT / "bench" / "devset"))

import build  # noqa: E402


def expectations() -> list[dict]:
    return [build.load_yaml(p) for p in sorted(HELDOUT2.glob("*/expected.yaml"))]


def test_generated_files_are_current() -> None:
    assert build.main(["--check", "--root", str(HELDOUT2)]) == 0, "run: python bench/devset/build.py --root bench/heldout2"


def test_clean_documents_have_realistic_size() -> None:
    sizes = {p.relative_to(HELDOUT2).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in list(HELDOUT2.glob("*/clean.yaml")) + list(HELDOUT2.glob("*/clean/*.yaml"))}
    assert len(sizes) >= 7
    assert all(120 <= n <= 700 for n in sizes.values()), sizes


def test_set_is_large_and_varied() -> None:
    exp = expectations()
    defects = [d for e in exp for d in e["defects"]]
    traps = [t for e in exp for t in e["traps"]]
    assert len(exp) >= 6 and len(defects) >= 60 and len(traps) >= 100
    assert len({e["body_type"] for e in exp}) >= 6
    kinds = build.load_yaml(build.KINDS_FILE)["kinds"]
    families = {kinds[d["kind"]]["family"] for d in defects}
    assert families >= {"TH", "SET", "ACC", "CH", "PROC", "LAW", "ENT", "CLOUD", "TM", "WRD", "BODY"}


def test_every_defect_names_the_first_rule_of_its_kind() -> None:
    """`rule` is the first rule that kinds.yaml lists for the defect's kind (the set was written against the taxonomy)."""
    kinds = build.load_yaml(build.KINDS_FILE)["kinds"]
    wrong = [d["id"] for e in expectations() for d in e["defects"]
             if d["rule"] != (kinds[d["kind"]].get("rules") or [None])[0]]
    assert wrong == []
