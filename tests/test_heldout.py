"""The held-out sets (bench/heldout, bench/heldout2, bench/heldout3): generated files current, documents sized,
defects and traps counted, one table row per set.

No test here asserts recall: the sets measure the rules, they must not constrain them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench" / "devset"))

import build


@dataclass(frozen=True)
class HeldOut:
    root: Path
    documents: int
    """At least this many clean documents, each of min_lines … 700 lines."""
    min_lines: int
    bodies: int
    """At least this many bodies, each of its own body type."""
    traps: int
    families: frozenset[str] = frozenset()
    """Defect families the set must cover."""
    first_rule: bool = False
    """Each defect names the first rule kinds.yaml lists for its kind (else any of them)."""
    defects: int = 60

    def __str__(self) -> str:
        return self.root.name


SETS = [
    HeldOut(ROOT / "bench" / "heldout", documents=10, min_lines=150, bodies=8, traps=60),
    HeldOut(ROOT / "bench" / "heldout2", documents=7, min_lines=120, bodies=6, traps=100, first_rule=True,
            families=frozenset({"TH", "SET", "ACC", "CH", "PROC", "LAW", "ENT", "CLOUD", "TM", "WRD", "BODY"})),
    HeldOut(ROOT / "bench" / "heldout3", documents=6, min_lines=120, bodies=5, traps=100, first_rule=True, defects=50,
            families=frozenset({"TH", "SET", "ACC", "CH", "PROC", "LAW", "ENT", "CLOUD", "TM", "WRD", "BODY"})),
]
each_set = pytest.mark.parametrize("held", SETS, ids=str)


def expectations(held: HeldOut) -> list[dict]:
    return [build.load_yaml(p) for p in sorted(held.root.glob("*/expected.yaml"))]


@each_set
def test_generated_files_are_current(held: HeldOut) -> None:
    assert build.main(["--check", "--root", str(held.root)]) == 0, \
        f"run: python bench/devset/build.py --root bench/{held.root.name}"


@each_set
def test_clean_documents_have_realistic_size(held: HeldOut) -> None:
    sizes = {p.relative_to(held.root).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in list(held.root.glob("*/clean.yaml")) + list(held.root.glob("*/clean/*.yaml"))}
    assert len(sizes) >= held.documents
    assert all(held.min_lines <= n <= 700 for n in sizes.values()), sizes


@each_set
def test_set_is_large_and_varied(held: HeldOut) -> None:
    exp = expectations(held)
    defects = [d for e in exp for d in e["defects"]]
    traps = [t for e in exp for t in e["traps"]]
    assert len(exp) >= held.bodies and len(defects) >= held.defects and len(traps) >= held.traps
    assert len({e["body_type"] for e in exp}) >= held.bodies
    kinds = build.load_yaml(build.KINDS_FILE)["kinds"]
    assert {kinds[d["kind"]]["family"] for d in defects} >= held.families


@each_set
def test_every_defect_names_a_rule_of_its_kind(held: HeldOut) -> None:
    """`rule` is a rule that kinds.yaml lists for the defect's kind — for the second set, the
    first one (the sets were written against the taxonomy)."""
    kinds = build.load_yaml(build.KINDS_FILE)["kinds"]
    listed = {d["id"]: (d["rule"], kinds[d["kind"]].get("rules") or [None]) for e in expectations(held)
              for d in e["defects"]}
    wrong = [i for i, (rule, rules) in listed.items() if (rule != rules[0] if held.first_rule else rule not in rules)]
    assert wrong == []


def test_devset_behaviour_unchanged() -> None:
    """--root defaults to the development set."""
    assert build.body_dirs() == build.body_dirs(build.HERE)
    assert all(p.parent == build.HERE for p in build.body_dirs())
