"""The form model: validation errors with locations and suggestions; partial documents."""

from __future__ import annotations

import pytest

from piarules.document import load_document_text
from piarules.jpvalues import Band, Count, JpDate
from tests.conftest import dedent, load_doc


def errors(text: str) -> list[tuple[str, int, int, str, str | None]]:
    """The load errors (the document is still checked: it is a mapping)."""
    doc, diagnostics = load_document_text(dedent(text), "doc.yaml")
    assert doc is not None
    return [(d.code, d.span.line, d.span.col, d.message, d.help) for d in diagnostics if d.span]


@pytest.mark.parametrize(
    ("text", "code", "line", "col", "needle"),
    [
        ("評価書の種類: 重点項目評価書\n基本情報:\n  事務:\n    対象人数: 2万人\n", "PIA303", 4, 5, "選択肢"),
        ("評価書の種類: 重点項目評価書\n公表日: 平成31年5月1日\n", "PIA304", 2, 1, "期間外"),
        ("評価書の種類: 重点項目評価書\n変更箇所:\n  - 提出時期: 事中\n", "PIA303", 3, 5, "「事前」、「事後」"),
        ("評価書の種類: 重点項目評価書\n基本情報:\n  事務: テキスト\n", "PIA303", 3, 3, "項目の並び"),
        ("評価書の種類: 重点評価書\n", "PIA303", 1, 1, "もしかして「重点項目評価書」"),
    ],
)
def test_invalid_values_are_located(text: str, code: str, line: int, col: int, needle: str) -> None:
    (found,) = errors(text)
    assert found[:3] == (code, line, col)
    assert needle in found[3] + (found[4] or "")


def test_unknown_key_gets_a_suggestion() -> None:
    text = """
        評価書の種類: 重点項目評価書
        特定個人情報ファイル:
          - 委託:
              委託事項:
                - 再委託の許諾: 書面
    """
    (found,) = errors(text)
    assert found[:3] == ("PIA302", 5, 11)
    assert found[4] == "もしかして「再委託の許諾方法」"


def test_section_of_another_kind_is_named() -> None:
    (found,) = errors("評価書の種類: 基礎項目評価書\n特定個人情報ファイル: []\n")
    assert found[0] == "PIA307" and "重点項目評価書" in found[3]


def test_sections_need_a_kind() -> None:
    (found,) = errors("基本情報:\n  事務: {}\n")
    assert found[0] == "PIA307" and "評価書の種類" in (found[4] or "")


def test_every_error_is_reported_not_just_the_first() -> None:
    found = errors("評価書の種類: 重点項目評価書\n公表日: 令和2年2月30日\n評価書番号x: 1\n")
    assert [f[0] for f in found] == ["PIA304", "PIA302"]


@pytest.mark.parametrize(("text", "path", "written"), [
    # one value of each type the form reads: date, band, count, choice, timing; a section as text
    ("公表日: 令和6年度", ("公表日",), "令和6年度"),
    ("基本情報: {事務: {対象人数: 約5万人}}", ("基本情報", "事務", "対象人数"), "約5万人"),
    ("特定個人情報ファイル: [{委託: {委託の有無: 委託する (四件)}}]", ("特定個人情報ファイル", 0, "委託", "委託の有無"),
     "委託する (四件)"),
    ("特定個人情報ファイル: [{委託: {委託事項: [{再委託の有無: 再委託あり}]}}]",
     ("特定個人情報ファイル", 0, "委託", "委託事項", 0, "再委託の有無"), "再委託あり"),
    ("変更箇所: [{変更日: 令和6年4月1日, 提出時期: 事後（軽微な変更）}]", ("変更箇所", 0, "提出時期"), "事後（軽微な変更）"),
    ("基本情報: {事務: 国民健康保険}", ("基本情報", "事務"), "国民健康保険"),
    ("特定個人情報ファイル: [住民ファイル]", ("特定個人情報ファイル", 0), "住民ファイル"),
    ("評価書名: [[x], {a: b}]", ("評価書名",), "(リスト)"),  # a text as a nested list (not Python's repr)
])
def test_an_unreadable_value_fails_only_itself(text: str, path: tuple[str | int, ...], written: str) -> None:
    doc, diagnostics = load_document_text(f"評価書の種類: 重点項目評価書\n評価実施機関名: 墨田区長\n{text}\n", "doc.yaml")
    assert doc is not None and [d.code for d in diagnostics] in (["PIA303"], ["PIA304"])
    value = doc.unreadable[path]
    assert value.text == written and value.path == path and value.reason == diagnostics[0].message
    node = doc.tree
    for part in path:
        node = node[part]
    assert node is value  # rules read it as unknown
    assert doc.tree["評価実施機関名"] == "墨田区長"  # the rest is read


def test_an_unknown_key_is_left_out_and_the_rest_read() -> None:
    doc, diagnostics = load_document_text("評価書の種類: 重点項目評価書\n公表日: 令和6年1月31日\n謎: x\n", "doc.yaml")
    assert doc is not None and [d.code for d in diagnostics] == ["PIA302"]
    assert "謎" not in doc.tree and doc.tree["公表日"].year == 2024 and not doc.unreadable


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n"])
def test_a_document_that_is_not_a_form_is_rejected_whole(text: str) -> None:
    doc, diagnostics = load_document_text(text, "doc.yaml")
    assert doc is None and diagnostics


def test_typed_values_and_partial_documents() -> None:
    doc = load_doc("""
        評価書の種類: 重点項目評価書
        公表日: 令和6年1月31日
        基本情報:
          事務:
            対象人数: 1万人以上10万人未満
        特定個人情報ファイル:
          - 委託:
              委託の有無: 委託する（4件）
    """)
    assert isinstance(doc.tree["公表日"], JpDate) and doc.tree["公表日"].text == "令和6年1月31日"
    assert isinstance(doc.tree["基本情報"]["事務"]["対象人数"], Band)
    count = doc.tree["特定個人情報ファイル"][0]["委託"]["委託の有無"]
    assert isinstance(count, Count) and count == 4
    assert doc.absent_sections == ("評価実施機関名", "リスク対策", "評価実施手続", "変更箇所")


def test_changelog_alone_is_a_valid_partial_document() -> None:
    doc = load_doc("変更箇所:\n  - 変更日: 令和1年6月18日\n    提出時期:\n")
    assert doc.kind is None and doc.tree["変更箇所"][0]["変更日"].year == 2019


def test_schema_has_japanese_keys_and_enums() -> None:
    from piarules.document.schema_export import json_schema

    schema = json_schema("重点項目評価書")
    text = str(schema)
    assert "再委託の有無" in text and "再委託しない" in text and "事前" in text
