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


CLOUD_DOC = """\
評価書の種類: 重点項目評価書
特定個人情報ファイル:
  - ファイル名: 住民基本台帳ファイル
    委託:
      委託事項:
        - 番号: 1
          再委託の有無: 再委託する
          再委託の許諾方法: 書面で申請を受け承諾する。再委託先はクラウドサービスを利用する。
          再委託事項: 運用
"""


def test_requires_shows_the_premise_and_each_matcher(tmp_path: Path) -> None:
    doc = tmp_path / "d.yaml"
    doc.write_text(CLOUD_DOC, encoding="utf-8")
    out = CliRunner().invoke(app, ["explain", "CLOUD-001", str(doc)]).stdout
    assert "前提 (requires の前の条件):" in out and "再委託の有無 == \"再委託する\" → はい" in out
    assert "with ISO/IEC27017" in out and "with domestic storage" in out
    requirement = out.split("要件 (require):", 1)[1]
    assert requirement.splitlines()[1].rstrip().endswith("]") and "→ いいえ" in requirement.splitlines()[1]
    assert "⇒ 発火しました" in out


def test_a_used_term_names_its_own_policy_file(tmp_path: Path) -> None:
    own = tmp_path / "my.pia"
    own.write_text(dedent("""
        policy MY "x" {
        }
        use 再委託する from ENT
        rule MY-1 "委託先名がない" {
          severity warning
          for each ファイル in 特定個人情報ファイル
          for each 委託 in ファイル.委託.委託事項
          when 再委託する
          require 委託.委託先名 is not empty
          at 委託.再委託の有無
        }
    """), encoding="utf-8")
    doc = tmp_path / "d.yaml"
    doc.write_text(CLOUD_DOC, encoding="utf-8")
    out = CliRunner().invoke(app, ["explain", "MY-1", str(doc), "--policy", str(own)]).stdout
    assert "ポリシー entrustment.pia:" in out  # the term is ENT's, not a line of my.pia
    assert "ポリシー my.pia:" not in out  # the rule's own lines stay short


def test_a_table_is_explained_on_its_cells(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "変更箇所"
    sheet.append(["変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明"])
    sheet.append(["令和6年1月31日", "委託の有無", "4件", "5件", None, "x"])
    book.save(tmp_path / "t.xlsx")
    out = CliRunner().invoke(app, ["explain", "CH-001b", str(tmp_path / "t.xlsx"), "--kind", "重点"]).stdout
    assert "(表の 2行目)" in out and "表 変更箇所!E2 変更箇所[0].提出時期" in out
    assert "文書 " not in out  # no place in a YAML the officer never sees
