"""`piarules explain`: the evaluation tree agrees with eval and names places in both files."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from piarules.api import resolve_as_of, run
from piarules.cli import app
from piarules.explain import explain_rule
from tests.conftest import compile_policy, dedent, load_doc

POLICY = """
term 再委託する = 再委託の有無 == "再委託する"
rule ENT "再委託には再委託事項" {
  severity error
  for each 委託 in 特定個人情報ファイル[0].委託.委託事項
  when 再委託する
  require 委託.再委託事項 is not empty
}
"""
DOC = """
評価書の種類: 重点項目評価書
特定個人情報ファイル:
  - 委託:
      委託事項:
        - 再委託の有無: 再委託する
        - 再委託の有無: 再委託する
          再委託事項: 運用
        - 再委託の有無: 再委託しない
"""


def test_bindings_agree_with_eval() -> None:
    policies = compile_policy(POLICY)
    doc = load_doc(DOC)
    (rule,) = policies.rules
    as_of = resolve_as_of(None, doc)
    bindings = explain_rule(rule, doc, as_of)
    assert [b.fired for b in bindings] == [True, False, False]
    fired_at = [b.items[-1][1] for b in bindings if b.fired]
    assert fired_at == [f.path[: len(fired_at[0])] for f in run(policies, doc, as_of)]  # the same items as eval
    first = bindings[0]
    assert first.when is not None and first.when.value is True
    (compare,) = first.when.children
    assert compare.text == '再委託の有無 == "再委託する"' or compare.text.startswith("再委託の有無")


def test_explain_command_output(tmp_path: Path) -> None:
    policy = tmp_path / "p.pia"
    policy.write_text(dedent(POLICY), encoding="utf-8")
    doc = tmp_path / "d.yaml"
    doc.write_text(dedent(DOC), encoding="utf-8")
    result = CliRunner().invoke(app, ["explain", "ENT", str(doc), "--policy", str(policy), "--no-standard", "--all"])
    assert result.exit_code == 0, result.stdout
    out = result.stdout
    assert "対象 3 件のうち 1 件で発火しました" in out
    assert "「再委託する」" in out and "文書 5:11" in out  # the value and its YAML place
    assert "⇒ 発火しました" in out and "⇒ 発火しません" in out


def test_unknown_rule_is_a_usage_error(tmp_path: Path) -> None:
    doc = tmp_path / "d.yaml"
    doc.write_text(dedent(DOC), encoding="utf-8")
    result = CliRunner().invoke(app, ["explain", "ENT-01", str(doc)])
    assert result.exit_code == 2 and "もしかして" in result.stderr
