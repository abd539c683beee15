"""The held-out set (bench/heldout): generated files current, documents sized, defects and traps counted.

No test here asserts recall: the set measures the rules, it must not constrain them.
"""

from __future__ import annotations

import sys

from tests.conftest import ROOT

HELDOUT = ROOT / "bench" / "heldout"
sys.path.insert(0, str(ROOT / "bench" / "devset"))

import build  # noqa: E402


def expectations() -> list[dict]:
    return [build.load_yaml(p) for p in sorted(HELDOUT.glob("*/expected.yaml"))]


def test_generated_files_are_current() -> None:
    assert build.main(["--check", "--root", str(HELDOUT)]) == 0, "run: python bench/devset/build.py --root bench/heldout"


def test_clean_documents_have_realistic_size() -> None:
    sizes = {p.relative_to(HELDOUT).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in list(HELDOUT.glob("*/clean.yaml")) + list(HELDOUT.glob("*/clean/*.yaml"))}
    assert len(sizes) >= 10
    assert all(150 <= n <= 700 for n in sizes.values()), sizes


def test_set_is_large_and_varied() -> None:
    exp = expectations()
    defects = [d for e in exp for d in e["defects"]]
    traps = [t for e in exp for t in e["traps"]]
    assert len(exp) >= 8 and len(defects) >= 60 and len(traps) >= 60
    assert len({e["body_type"] for e in exp}) >= 8


def test_every_defect_names_a_rule_of_its_kind() -> None:
    """`rule` is a rule that kinds.yaml lists for the defect's kind (the set was written against the taxonomy)."""
    kinds = build.load_yaml(build.KINDS_FILE)["kinds"]
    wrong = [d["id"] for e in expectations() for d in e["defects"]
             if d["rule"] not in (kinds[d["kind"]].get("rules") or [None])]
    assert wrong == []


def test_devset_behaviour_unchanged() -> None:
    """--root defaults to the development set."""
    assert build.body_dirs() == build.body_dirs(build.HERE)
    assert all(p.parent == build.HERE for p in build.body_dirs())
