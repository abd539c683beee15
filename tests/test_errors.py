"""The authoring-mistake table (tests/errors/authoring.yaml): each mistake gets exactly the
recorded code, location, message and help."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from piarules.api import parse_policy_texts
from piarules.document.loader import load_yaml

TABLE = Path(__file__).parent / "errors" / "authoring.yaml"
MISTAKES: list[dict[str, Any]] = load_yaml(TABLE.read_text(encoding="utf-8"), str(TABLE)).data


def test_the_table_is_large_enough() -> None:
    assert len(MISTAKES) >= 30


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m["mistake"] for m in MISTAKES])
def test_mistake(mistake: dict[str, Any]) -> None:
    diagnostics = parse_policy_texts([("mistake.pia", mistake["policy"])]).diagnostics
    assert diagnostics, "no diagnostic"
    d = diagnostics[0]
    assert d.code == mistake["code"]
    assert (d.span.line, d.span.col) == (int(mistake["line"]), int(mistake["column"]))
    assert d.message == mistake["message"]
    assert d.help == mistake["help"]
