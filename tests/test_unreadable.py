"""One unreadable value never stops the check of the rest of a document.

A value the form model cannot read is an error at its place, kept as written and unknown to the
rules: expressions follow Kleene logic, and a rule whose verdict depends on the unknown reports
that it could not check the item ("undecided"), neither firing nor passing.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piarules.api import run
from piarules.document import Document, load_document_text
from piarules.findings import Finding
from piarules.values import Unreadable, is_empty
from tests.conftest import EXAMPLE, bundled, compile_policy, dedent, findings, invoke, load_doc, write

AS_OF = dt.date(2026, 4, 1)
GARBAGE = "判読不能な値"

# ---------------------------------------------------------------- Kleene logic, expression by expression

LOGIC_DOC = """
評価書の種類: 重点項目評価書
公表日: 令和6年度
基本情報:
  事務: {事務の名称: 国保, 対象人数: 約5万人}
変更箇所:
  - {変更日: 令和5年4月1日, 項目: a, 変更後の記載: x, 提出時期: 事前}
  - {変更日: 令和5年度, 項目: b, 変更後の記載: y, 提出時期: 事後（軽微）}
"""


@pytest.mark.parametrize(("condition", "outcome"), [
    # comparisons and tests with an unknown are unknown
    ("公表日 > 2020-01-01", "undecided"),
    ("公表日 == 2020-01-01", "undecided"),
    ("基本情報.事務.対象人数 >= 10000", "undecided"),
    ('基本情報.事務.対象人数 in ["30万人以上"]', "undecided"),
    ('変更箇所[1].提出時期 == "事後"', "undecided"),
    ('変更箇所[1].提出時期 contains "事後"', "undecided"),
    ('変更箇所[1].提出時期 matches "事後"', "undecided"),
    ("公表日 + 1 year > 2020-01-01", "undecided"),
    ("year(公表日) == 2024", "undecided"),
    # not keeps unknown
    ("not (公表日 > 2020-01-01)", "undecided"),
    # and: false wins, or: true wins, else unknown
    ('公表日 > 2020-01-01 and 基本情報.事務.事務の名称 == "別"', "false"),
    ('基本情報.事務.事務の名称 == "別" and 公表日 > 2020-01-01', "false"),
    ('公表日 > 2020-01-01 and 基本情報.事務.事務の名称 == "国保"', "undecided"),
    ('公表日 > 2020-01-01 or 基本情報.事務.事務の名称 == "国保"', "true"),
    ('基本情報.事務.事務の名称 == "国保" or 公表日 > 2020-01-01', "true"),
    ('公表日 > 2020-01-01 or 基本情報.事務.事務の名称 == "別"', "undecided"),
    ('公表日 > 2020-01-01 or 基本情報.事務.事務の名称 == "別" or 評価実施機関名 is present', "undecided"),
    ('公表日 > 2020-01-01 or 基本情報.事務.事務の名称 == "別" or 基本情報.事務.事務の名称 is present', "true"),
    # quantifiers: any is true if some item is, all false if some item is, else unknown
    ('any 行 in 変更箇所 satisfies 行.提出時期 == "事前"', "true"),
    ('any 行 in 変更箇所 satisfies 行.提出時期 == "事後"', "undecided"),
    ('all 行 in 変更箇所 satisfies 行.提出時期 == "事後"', "false"),
    ('all 行 in 変更箇所 satisfies 行.項目 is present', "true"),
    ('count 行 in 変更箇所 where 行.変更日 > 2020-01-01 == 2', "undecided"),
    # presence is decidable: something is written
    ("公表日 is present", "true"),
    ("公表日 is absent", "false"),
    ("公表日 is empty", "false"),
    ("公表日 is not empty", "true"),
    # built-ins reading the text as written know it
    ('text(公表日) == "令和6年度"', "true"),
    ("length(text(公表日)) == 5", "true"),
])
def test_kleene_logic(condition: str, outcome: str) -> None:
    policy = f'rule T "t" {{\n  severity error\n  when {condition}\n  require false\n}}\n'
    found = [f for f in findings(policy, LOGIC_DOC) if f.rule_id == "T"]
    if outcome == "false":
        assert found == []
    elif outcome == "true":
        assert len(found) == 1 and found[0].undecided is None
    else:
        assert len(found) == 1 and found[0].undecided is not None and found[0].severity.value == "info"


def test_an_undecided_rule_reports_at_the_unreadable_value_once_per_item() -> None:
    policy = """
    rule T "提出時期が事後なら説明" {
      severity error
      for each 行 in 変更箇所
      when 行.提出時期 == "事後"
      require 行.提出時期に係る説明 is not empty
    }
    """
    (found,) = findings(policy, LOGIC_DOC)
    assert found.undecided is not None and found.undecided.value == "error"
    assert found.path == ("変更箇所", 1, "提出時期") and found.span.line == 7
    assert "事後（軽微）" in found.message and "確かめられませんでした" in found.message


@pytest.mark.parametrize("policy", [
    # a `for each` over an unreadable collection
    'rule T "t" {\n  severity error\n  for each f in 特定個人情報ファイル\n  require false\n}',
    # a dated rule whose item date is unreadable (the other row, dated, decides: a finding)
    'rule T "t" {\n  severity error\n  for each 行 in 変更箇所\n  as of 行.変更日\n  require 基準日 < 2000-01-01\n}',
    # `requires` whose target is unreadable (a text written as a mapping)
    'matcher M "m" = contains "x"\nrule T "t" {\n  severity error\n  true requires 基本情報.事務.事務の内容 with M\n}',
])
def test_loops_dates_and_requires_pass_unknown_on(policy: str) -> None:
    doc = LOGIC_DOC.replace("事務: {事務の名称: 国保, 対象人数: 約5万人}", "事務: {事務の名称: 国保, 事務の内容: {a: b}}")
    doc += "特定個人情報ファイル: 住民ファイル\n"
    found = findings(policy, doc)
    assert len([f for f in found if f.undecided is not None]) == 1, found


def test_a_period_rule_on_an_unknown_date_cannot_know_it_applies() -> None:
    policy = """
    rule T "t" {
      severity warning
      effective from 2021-09-01
      for each 行 in 変更箇所
      as of 行.変更日
      require 行.項目 != "b"
    }
    """
    (found,) = findings(policy, LOGIC_DOC)
    assert found.undecided is not None and found.path == ("変更箇所", 1, "変更日")


def test_an_unreadable_kind_leaves_only_kind_limited_rules_undecided() -> None:
    text = dedent(LOGIC_DOC).replace("評価書の種類: 重点項目評価書", "評価書の種類: 重点項目評価書（再評価）")
    doc, diagnostics = load_document_text(text, "doc.yaml")
    assert doc is not None and doc.kind is None and doc.kind_unknown
    assert diagnostics[0].code == "PIA303" and "もしかして「重点項目評価書」" in (diagnostics[0].message + (diagnostics[0].help or ""))
    policy = compile_policy("""
    rule K "種類を限る" {
      severity error
      applies to 重点項目評価書
      require false
    }
    rule Q "種類を限るが何もない" {
      severity error
      applies to 重点項目評価書
      for each f in 特定個人情報ファイル
      require false
    }
    rule A "すべての種類" {
      severity warning
      require 評価実施機関名 is present
    }
    """)
    found = {f.rule_id: f for f in run(policy, doc, AS_OF)}
    assert found["K"].undecided is not None and found["K"].path == ("評価書の種類",)
    assert "Q" not in found  # it would report nothing whatever the kind
    assert found["A"].undecided is None  # decided without the kind


# ---------------------------------------------------------------- the example, one value of each type


@cache
def example() -> tuple[str, Document, list[Finding]]:
    text = EXAMPLE.read_text(encoding="utf-8")
    doc, _ = load_document_text(text, "assessment.yaml")
    assert doc is not None
    return text, doc, run(bundled(), doc, AS_OF)


def with_garbage(text: str, doc: Document, path: tuple[str | int, ...]) -> str | None:
    """The YAML text with the scalar at `path` replaced by garbage (None: not a one-line scalar)."""
    located = doc.source_map.get(path)
    if located is None or located.value.line != located.value.end_line:
        return None
    span, lines = located.value, text.split("\n")
    line = lines[span.line - 1]
    lines[span.line - 1] = line[:span.col - 1] + GARBAGE + line[span.end_col - 1:]
    return "\n".join(lines)


def decided(found: list[Finding]) -> set[tuple[str, tuple[str | int, ...]]]:
    return {(f.rule_id, f.path) for f in found if f.undecided is None}


def assert_degrades_per_value(path: tuple[str | int, ...]) -> Document:
    """The document with garbage at `path` loads; its decided findings are the clean ones except
    those of rules that report they could not decide; nothing new is decided."""
    text, doc, clean = example()
    changed = with_garbage(text, doc, path)
    assert changed is not None
    broken, diagnostics = load_document_text(changed, "assessment.yaml")
    assert broken is not None, [d.one_line() for d in diagnostics]
    got = run(bundled(), broken, AS_OF)
    undecided = {f.rule_id for f in got if f.undecided is not None}
    assert decided(got) <= decided(clean), sorted(decided(got) - decided(clean))
    lost = {rule for rule, _ in decided(clean) - decided(got)}
    assert lost <= undecided, sorted(lost - undecided)
    assert all(f.path == path for f in got if f.undecided is not None)
    return broken


def scalar_paths(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in scalar_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in scalar_paths(v, (*path, i))]
    return [] if is_empty(value) else [path]


@pytest.mark.parametrize(("path", "dependent"), [
    (("変更箇所", 93, "変更日"), {"CH-008"}),                                            # date
    (("基本情報", "事務", "対象人数"), set()),                                          # band
    (("特定個人情報ファイル", 4, "委託", "委託の有無"), set()),                           # count
    (("特定個人情報ファイル", 4, "委託", "委託事項", 2, "再委託の有無"), set()),           # choice
    (("変更箇所", 15, "提出時期"), {"CH-002"}),                                          # timing
])
def test_one_unreadable_value_of_each_type(path: tuple[str | int, ...], dependent: set[str]) -> None:
    _, doc, _ = example()
    assert doc.source_map.get(path) is not None, path
    broken = assert_degrades_per_value(path)
    assert isinstance(broken.unreadable[path], Unreadable) and broken.unreadable[path].text == GARBAGE
    got = {f.rule_id for f in run(bundled(), broken, AS_OF) if f.undecided is not None}
    assert dependent <= got


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_garbage_in_any_scalar_never_stops_the_document(data: st.DataObject) -> None:
    """Property (the exhaustive run over every scalar: python bench/unreadable_property.py)."""
    text, doc, _ = example()
    paths = [p for p in scalar_paths(doc.tree) if with_garbage(text, doc, p) is not None]
    path = data.draw(st.sampled_from(paths))
    changed = with_garbage(text, doc, path)
    assert changed is not None
    broken, diagnostics = load_document_text(changed, "assessment.yaml")
    assert broken is not None, [d.one_line() for d in diagnostics]
    if path in broken.unreadable:  # a typed value (a text field reads any text)
        assert_degrades_per_value(path)


# ---------------------------------------------------------------- reports and the gate


def test_reports_count_unreadable_values_and_undecided_rules(tmp_path: Path) -> None:
    doc = write(tmp_path, "doc.yaml", dedent(LOGIC_DOC).replace("評価書の種類: 重点項目評価書\n",
                                                               "評価書の種類: 重点項目評価書\n評価実施機関名: 墨田区長\n"))
    code, out, _ = invoke("eval", doc, "--as-of", "2026-04-01")
    assert code == 1  # value errors fail the gate
    assert "エラー[PIA304] 変更箇所[1].変更日" in out and "= 値を読めないため判定していないルール: " in out
    assert "様式に合わない記載 4 件 (うち読めない値 4 件" in out.splitlines()[-1]
    assert "読み込めない文書" not in out
    _, report, _ = invoke("eval", doc, "--as-of", "2026-04-01", "--format", "json")
    data = json.loads(report)
    (document,) = data["documents"]
    assert document["loaded"] and document["unreadable_values"] == 4 and "CH-011" in document["undecided_rules"]
    assert data["summary"]["unreadable_values"] == 4 and data["summary"]["undecided"] >= 1
    assert all(f["undecided"] in ("error", "warning", "info") for f in document["findings"] if f["undecided"])
    _, sarif, _ = invoke("eval", doc, "--as-of", "2026-04-01", "--format", "sarif")
    results = json.loads(sarif)["runs"][0]["results"]
    assert any(r.get("kind") == "open" and r["level"] == "none" for r in results)


def test_undecided_error_rules_fail_closed_unless_configured(tmp_path: Path) -> None:
    policy = write(tmp_path, "p.pia", dedent("""
    rule E "提出時期の確認" {
      severity error
      for each 行 in 変更箇所
      require 行.提出時期 == "事前"
    }
    """))
    doc = write(tmp_path, "doc.yaml", "変更箇所:\n  - {変更日: 令和5年4月1日, 項目: a, 変更後の記載: x, 提出時期: 事後（軽微）}\n")
    code, out, _ = invoke("eval", doc, "-p", policy, "--fail-on", "never")
    assert code == 1 and "判定していないルール: E (エラー)" in out
    code, _, _ = invoke("eval", doc, "-p", policy, "--fail-on", "never", "--fail-on-undecided", "never")
    assert code == 0
    code, _, _ = invoke("eval", doc, "-p", policy, "--fail-on", "never", "--fail-on-undecided", "warning")
    assert code == 1


def test_a_baseline_never_accepts_could_not_check(tmp_path: Path) -> None:
    doc = write(tmp_path, "doc.yaml", dedent(LOGIC_DOC))
    _, report, _ = invoke("eval", doc, "--as-of", "2026-04-01", "--format", "json")
    baseline = write(tmp_path, "baseline.json", report)
    _, again, _ = invoke("eval", doc, "--as-of", "2026-04-01", "--format", "json", "--baseline", baseline)
    (document,) = json.loads(again)["documents"]
    assert document["findings"] and all(f["undecided"] for f in document["findings"])


def test_explain_shows_the_unknown_and_where_it_came_from(tmp_path: Path) -> None:
    doc = write(tmp_path, "doc.yaml", dedent(LOGIC_DOC))
    code, out, _ = invoke("explain", "CH-011", doc)
    assert code == 0
    assert "不明 (読めない値「令和5年度」、文書 7:" in out
    assert "⇒ 判定できません" in out and "■ 判定不能" in out


def test_a_readable_document_has_no_unknowns() -> None:
    doc = load_doc(EXAMPLE.read_text(encoding="utf-8"))
    assert doc.unreadable == {} and not any(f.undecided for f in run(bundled(), doc, AS_OF))
