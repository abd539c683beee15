"""The body family of built-ins (body, inferred_body, self_names, usual_self_name) as policies use them,
and the checker reading fields of a term whose value is computed (機関.形式)."""

from __future__ import annotations

import pytest

from piarules.api import parse_policy_texts
from piarules.builtins import REGISTRY
from piarules.builtins.body import BODY, SELF_NAME, USUAL_SELF_NAME
from piarules.values import is_missing
from piarules.vocabulary import standard_vocabulary
from tests.conftest import dedent, findings


def call(name: str, *args: object) -> object:
    builtin = REGISTRY[name]
    return builtin.impl(standard_vocabulary(), *args) if builtin.needs_vocabulary else builtin.impl(*args)


def test_body_object_has_every_declared_field() -> None:
    got = call("body", "北海道白樺町長")
    assert isinstance(got, dict) and set(got) == set(BODY.fields)
    assert (got["団体名"], got["種別"], got["都道府県"], got["形式"], got["推定"]) == ("白樺町", "町", "北海道", "適合", False)
    assert got["自称の例"] == "「当町」" and got["自称の種別"] == "町"


@pytest.mark.parametrize(("name", "form", "fix"), [
    ("宮城県青葉市", "不適合", "「宮城県青葉市長」と書いてください"),
    ("みどり野市教育長", "不適合", "「みどり野市教育委員会」と書いてください"),
    ("健康福祉部 地域福祉課", "不適合", "評価実施機関 (「○○市長」「○○県知事」「○○市教育委員会」など) の名を書いてください"),
    ("若葉県後期高齢者医療広域連合長", "適合", None),
])
def test_body_form_and_fix(name: str, form: str, fix: str | None) -> None:
    got = call("body", name)
    assert isinstance(got, dict) and got["形式"] == form
    assert got["直し方"] == fix if fix else is_missing(got["直し方"])


def test_body_of_nothing_or_not_text_is_missing() -> None:
    assert is_missing(call("body", "")) and is_missing(call("body", 3)) and is_missing(call("body", "国民健康保険中央会"))
    assert call("self_names", 3) == []
    assert is_missing(call("inferred_body", "not a list")) and is_missing(call("usual_self_name", None))


def test_self_names_and_usual_self_name_objects() -> None:
    got = call("self_names", "当広域連合は、本市と同等の措置を求める。本町の区域")
    assert got == [{"語": "当広域連合", "種別": "広域連合", "確度": "high"}, {"語": "本市", "種別": "市", "確度": "high"},
                   {"語": "本町", "種別": "町", "確度": "low"}]
    assert all(set(g) == set(SELF_NAME.fields) for g in got)
    usual = call("usual_self_name", ["本区の承諾", "本区が保管", "その他本市が求める"])
    assert usual == {"語": "本区", "種別": "区", "回数": 2, "種別の数": 2} and set(usual) == set(USUAL_SELF_NAME.fields)


def test_inferred_body_is_marked_and_computed_once_per_document() -> None:
    from piarules.runtime import TextLeaf

    texts = [TextLeaf("青葉市こども未来部", ("基本情報", "担当部署", "部署")),
             TextLeaf("青葉市個人情報保護法施行条例による", ("特記事項",))]
    got = call("inferred_body", texts)
    assert isinstance(got, dict) and got["推定"] is True and got["団体名"] == "青葉市"
    assert got["根拠"] == "部署 1件、条例・規則 1件"
    assert is_missing(got["形式"])  # an inferred body's form is not judged
    assert call("inferred_body", texts) is got


POLICY = """
term 機関 = body(文書.評価実施機関名)
rule R "評価実施機関名の形" {
  severity warning
  when 機関.形式 is present
  require 機関.形式 == "適合"
  at 評価実施機関名
  message "{機関.団体名} ({機関.種別}): {機関.問題}"
}
rule S "自称" {
  severity warning
  for each 記載 in 本文
  for each 自称 in self_names(記載)
  when 自称.確度 == "high"
  require 自称.種別 == 機関.自称の種別
  at 記載
  message "{自称.語}"
}
"""


def test_policies_read_fields_of_a_computed_term() -> None:
    found = findings(POLICY, "評価実施機関名: 西山村長 佐藤 健一\n特記事項: 当町の窓口 (本町1丁目)。当村が行う。\n")
    assert [(f.rule_id, f.message) for f in found] == [
        ("R", "西山村 (村): 長の氏名 (「佐藤健一」) が付いています"),
        ("S", "当町"),
    ]


@pytest.mark.parametrize(("condition", "code", "needle"), [
    ("機関.形 is present", "PIA201", "もしかして「形式」"),
    ('機関.形式 == "適合す"', "PIA206", "適合す"),
    ("機関.種別.x is present", "PIA204", "項目「x」はありません"),
])
def test_fields_of_a_computed_term_are_checked(condition: str, code: str, needle: str) -> None:
    source = f'term 機関 = body(文書.評価実施機関名)\nrule R "t" {{\n  severity error\n  require {condition}\n}}\n'
    result = parse_policy_texts([("t.pia", dedent(source))])
    got = [(d.code, d.message + " / " + (d.help or "")) for d in result.diagnostics]
    assert any(c == code and needle in m for c, m in got), got
