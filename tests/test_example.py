"""The bundled example: import reproduces changelog.yaml, reconstruct.py reproduces
assessment.yaml, and the full library's findings on both match the golden files.

Regenerate goldens after a reviewed rule change: PIARULES_UPDATE_GOLDEN=1 pytest tests/test_example.py
"""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from piarules.cli import app
from piarules.document.loader import load_yaml
from piarules.importer import dump_yaml, import_table

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "sumida-kokuho"
GOLDEN = Path(__file__).parent / "golden"
AS_OF = "2026-04-01"  # fixed, so the golden does not move with the calendar


def test_import_reproduces_the_bundled_changelog() -> None:
    data, result = import_table(EXAMPLE / "seed-changelog.txt")
    header = f"# piarules import seed-changelog.txt: {len(result.rows)} 行\n"
    assert dump_yaml(data, header) == (EXAMPLE / "changelog.yaml").read_text(encoding="utf-8")


def test_assessment_is_what_reconstruct_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (EXAMPLE / "assessment.yaml").read_text(encoding="utf-8")
    script = tmp_path / "reconstruct.py"
    script.write_text((EXAMPLE / "reconstruct.py").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "changelog.yaml").write_text((EXAMPLE / "changelog.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    runpy.run_path(str(script), run_name="__main__")
    assert (tmp_path / "assessment.yaml").read_text(encoding="utf-8") == before


def test_assessment_carries_the_whole_changelog() -> None:
    log = load_yaml((EXAMPLE / "changelog.yaml").read_text(encoding="utf-8"), "c").data["変更箇所"]
    doc = load_yaml((EXAMPLE / "assessment.yaml").read_text(encoding="utf-8"), "a").data["変更箇所"]
    assert doc == log and len(doc) == 137


@pytest.mark.parametrize("name", ["assessment.yaml", "changelog.yaml"])
def test_findings_match_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["eval", f"examples/sumida-kokuho/{name}", "--as-of", AS_OF])
    assert result.exit_code == 1
    golden = GOLDEN / f"sumida-{name.removesuffix('.yaml')}.txt"
    if os.environ.get("PIARULES_UPDATE_GOLDEN"):
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")
