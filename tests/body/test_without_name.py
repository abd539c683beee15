"""The self-name rules on the development set with 評価実施機関名 and the 宣言 removed: the body must be
inferred (WRD-001b) or the document's usual self-name used (WRD-008); clean documents stay quiet."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from piarules.api import run
from piarules.document import load_document_text
from piarules.document.loader import load_yaml
from tests.conftest import ROOT, bundled

DEVSET = ROOT / "bench" / "devset"
SELF_NAME_RULES = ("WRD-001", "WRD-001b", "WRD-008")
_NAME = re.compile(r"評価実施機関名: .*\n")
_DECLARATION = re.compile(r"個人のプライバシー等の権利利益の保護の宣言: \|-\n(?:  .*\n)+")


def self_name_findings(path: Path) -> set[str]:
    text = _DECLARATION.sub("", _NAME.sub("", path.read_text(encoding="utf-8")))
    doc, diagnostics = load_document_text(text, str(path))
    assert doc is not None, [d.one_line() for d in diagnostics]
    found = run(bundled(), doc, dt.date(2026, 1, 1))
    return {f.path_text for f in found if f.rule_id in SELF_NAME_RULES}


def documents(side: str) -> list[Path]:
    return sorted([*DEVSET.glob(f"*/{side}.yaml"), *DEVSET.glob(f"*/{side}/*.yaml")])


def test_clean_documents_without_a_name_stay_quiet() -> None:
    noisy = {str(p.relative_to(DEVSET)): f for p in documents("clean") if (f := self_name_findings(p))}
    assert noisy == {}


def test_self_name_defects_are_found_without_a_name() -> None:
    found = missed = 0
    for path in documents("defects"):
        body = path.parent if path.parent.name != "defects" else path.parent.parent
        expected = load_yaml((body / "expected.yaml").read_text(encoding="utf-8"), "e").data["defects"]
        paths = self_name_findings(path)
        for d in expected:
            if not d["kind"].startswith("WRD.SELF-NAME") or d.get("document", path.name) != path.name:
                continue
            if d["path"] in paths:
                found += 1
            else:
                missed += 1
    assert found + missed == 13 and found >= 11, (found, missed)
