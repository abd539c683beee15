"""Rule catalog and diagnostic codes: generated docs are current, every code is documented."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from piarules.catalog import builtins_markdown, codes_markdown, rules_markdown
from piarules.cli import app
from piarules.diagnostics import CODES
from tests.conftest import ROOT, bundled


def test_docs_rules_md_is_current() -> None:
    from piarules.api import bundled_policy_dir

    expected = rules_markdown(bundled(), bundled_policy_dir().parent)  # as `piarules rules` prints it
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run `piarules rules --format markdown > docs/rules.md`")


def test_docs_diagnostics_md_is_current() -> None:
    assert (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8") == codes_markdown(), (
        "docs/diagnostics.md is stale: regenerate it from piarules.catalog.codes_markdown()")


def test_docs_builtins_md_is_current() -> None:
    assert (ROOT / "docs" / "builtins.md").read_text(encoding="utf-8") == builtins_markdown(), (
        "docs/builtins.md is stale: regenerate it from piarules.catalog.builtins_markdown()")


def test_every_code_used_in_the_source_is_documented() -> None:
    used = set()
    for path in (ROOT / "src" / "piarules").rglob("*.py"):
        used |= set(re.findall(r'"(PIA\d{3})"', path.read_text(encoding="utf-8")))
    assert used - set(CODES) == set()


def test_rules_command_lists_every_rule() -> None:
    result = CliRunner().invoke(app, ["rules"])
    assert result.exit_code == 0
    for rule in bundled().check.rules:
        assert rule.id in result.stdout


def test_explain_known_and_unknown_codes() -> None:
    runner = CliRunner()
    known = runner.invoke(app, ["check", "--explain", "PIA206"])
    assert known.exit_code == 0 and "invalid-choice" in known.stdout and "例:" in known.stdout
    unknown = runner.invoke(app, ["check", "--explain", "PIA299"])
    assert unknown.exit_code == 2 and "もしかして" in unknown.stderr
