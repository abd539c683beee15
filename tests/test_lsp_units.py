"""The language server's parts, in process: incremental parsing equals whole-file parsing, positions
in UTF-16, where the cursor stands in YAML, completion contexts, settings, the policy set."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from piarules import ast
from piarules.api import bundled_policy_dir
from piarules.lsp import assessment, complete_policy
from piarules.lsp.config import Settings, policy_paths, settings_from
from piarules.lsp.engine import Engine, looks_like_assessment
from piarules.lsp.incremental import BlockParser
from piarules.lsp.positions import Lines
from piarules.lsp.symbols import PolicyIndex
from piarules.span import Span
from piarules.syntax import parse_policy
from tests.conftest import EXAMPLE, ROOT, dedent

POLICIES = sorted(bundled_policy_dir().glob("*.pia")) + sorted((ROOT / "tests" / "fmt").glob("*.pia"))


def spans(node: Any) -> list[Span]:
    """Every span in a node tree, in field order (spans do not take part in equality)."""
    out: list[Span] = []
    if isinstance(node, Span):
        return [node]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            out += spans(getattr(node, f.name))
    elif isinstance(node, tuple | list):
        for item in node:
            out += spans(item)
    return out


@pytest.mark.parametrize("path", POLICIES, ids=[p.name for p in POLICIES])
def test_block_parse_is_the_whole_file_parse(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    whole, whole_diagnostics = parse_policy(text, "p.pia", cache=False)
    parsed = BlockParser("p.pia").parse(text)
    assert parsed is not None and whole is not None
    policy, diagnostics = parsed
    assert policy.items == whole.items
    assert spans(policy.items) == spans(whole.items)
    assert diagnostics == whole_diagnostics


@pytest.mark.parametrize("path", POLICIES[:3], ids=[p.name for p in POLICIES[:3]])
def test_moved_blocks_are_shifted_exactly(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    parser = BlockParser("p.pia")
    assert parser.parse(text) is not None
    for moved in ("\n\n" + text, "# 先頭に行を足す\n" + text, text.replace("\n\n", "\n", 3)):
        parsed = parser.parse(moved)
        whole, whole_diagnostics = parse_policy(moved, "p.pia", cache=False)
        assert parsed is not None and whole is not None
        assert parsed[0].items == whole.items
        assert spans(parsed[0].items) == spans(whole.items)
        assert parsed[1] == whole_diagnostics


def test_block_parse_reuses_unchanged_blocks_and_refuses_broken_ones() -> None:
    text = (bundled_policy_dir() / "entrustment.pia").read_text(encoding="utf-8")
    parser = BlockParser("e.pia")
    assert parser.parse(text) is not None
    first = dict(parser.cache)
    edited = text.replace('message "', 'message "注: ', 1)
    assert parser.parse(edited) is not None
    assert sum(1 for k in parser.cache if k in first) == len(parser.cache) - 1  # one block re-parsed
    assert parser.parse(edited.replace("severity error", "severity error ==", 1)) is None  # caller parses the file
    two_headers = text + '\npolicy AGAIN "二つ目" {\n}\n'
    assert [d.code for d in parser.parse(two_headers)[1]] == [d.code for d in parse_policy(two_headers, "e.pia")[1]]  # type: ignore[index]


def test_engine_diagnostics_equal_check_after_edits(tmp_path: Path) -> None:
    from piarules.api import parse_policy_texts

    engine = Engine(tmp_path, Settings(policies=(), bundled=True))
    file = tmp_path / "x.pia"
    text = (bundled_policy_dir() / "entrustment.pia").read_text(encoding="utf-8").replace("ENT-", "X-").replace(
        "CLOUD-", "XC-")
    for edit in (text, text.replace("再委託の許諾方法", "再委託の許諾", 1), text.replace('== "再委託する"', '== "再委託すろ"'),
                 text.replace("severity warning", "severity", 1), text.replace("{", "", 1)):
        engine.set_open(file, edit)
        _, got = engine.policy_diagnostics(file)
        sources = [(engine.display(f), f.read_text(encoding="utf-8")) for f in sorted(bundled_policy_dir().glob("*.pia"))]
        expected = parse_policy_texts([*sources, ("x.pia", edit)]).diagnostics
        assert got == [d for d in expected if d.span is not None and d.span.path == "x.pia"]


# ---------------------------------------------------------------- positions


def test_positions_count_utf16_units() -> None:
    lines = Lines("a𠮷b「c」\n二行目")
    span = Span("x", 1, 3, 1, 4)  # "b": 3rd character
    assert lines.range(span) == types.Range(start=types.Position(line=0, character=3), end=types.Position(line=0, character=4))
    assert lines.from_client(types.Position(line=0, character=3)) == (0, 2)
    assert Lines("a𠮷b", "utf-32").position(1, 3) == types.Position(line=0, character=2)
    assert Lines("a𠮷b", "utf-8").position(1, 3) == types.Position(line=0, character=5)
    assert lines.from_client(types.Position(line=99, character=0)) == (1, 3)  # clamped
    assert lines.range(None).start == types.Position(line=0, character=0)


# ---------------------------------------------------------------- YAML: where the cursor is


NESTED = dedent("""
    評価書の種類: 重点項目評価書
    特定個人情報ファイル:
      - 番号: 5
        委託:
          委託の有無: 5件
          委託事項:
            - 番号: 3
              再委託の有無: 再委託する
              |
        |
      |
    |
    変更箇所:
      - 変更日: 令和6年1月31日
        |
    説明: |
      自由な文: ここは値
      |
""")


@pytest.mark.parametrize("nth, path, siblings", [
    (0, ("特定個人情報ファイル", "委託", "委託事項"), {"番号", "再委託の有無"}),
    (1, ("特定個人情報ファイル",), {"番号", "委託"}),
    (2, ("特定個人情報ファイル",), set()),
    (3, (), {"評価書の種類", "特定個人情報ファイル"}),
    (4, ("変更箇所",), {"変更日"}),
])
def test_yaml_place_by_indentation(nth: int, path: tuple[str, ...], siblings: set[str]) -> None:
    lines = NESTED.split("\n")
    line = [n for n, text in enumerate(lines) if text.strip() == "|"][nth]
    place = assessment.place_of(lines, line, lines[line].index("|"))
    assert place.path == path
    assert siblings <= place.siblings


def test_yaml_place_inside_block_text() -> None:
    lines = NESTED.split("\n")
    line = [n for n, text in enumerate(lines) if text.strip() == "|"][5]
    assert assessment.place_of(lines, line, lines[line].index("|")).in_block_text


def _yaml_labels(text: str, marker: str = "‸") -> list[str]:
    lines = text.split("\n")
    line = next(n for n, t in enumerate(lines) if marker in t)
    index = lines[line].index(marker)
    lines[line] = lines[line].replace(marker, "")
    return [i.label for i in assessment.complete(Lines("\n".join(lines)), line, index)]


@pytest.mark.parametrize("text, expected", [
    ("評価書の種類: ‸", ["基礎項目評価書", "重点項目評価書", "全項目評価書"]),
    ("評価書の種類: 重点項目評価書\n変更箇所:\n  - 提出時期: 事‸", ["事前", "事後"]),
    ("評価書の種類: 重点項目評価書\n基本情報:\n  事務:\n    対象人数: ‸", ["1,000人未満（任意実施）", "1,000人以上1万人未満",
                                                       "1万人以上10万人未満", "10万人以上30万人未満", "30万人以上"]),
    ("評価書の種類: 基礎項目評価書\nしきい値判断項目:\n  重大事故: ‸", ["発生あり", "発生なし"]),
    ("評価書の種類: 重点項目評価書\n基本情報:\n  事務:\n    ‸", ["事務の名称", "事務の内容", "事務の概要", "対象人数"]),
    ("評価書の種類: 重点項目評価書\n変更箇所:\n  - 変更日: 令和6年1月31日\n    項目の解析:\n      節‸", None),
    ("評価書の種類: 重点項目評価書\n基本情報:\n  事務:\n    事務の名称: x\n    ‸", ["事務の内容", "事務の概要", "対象人数"]),
    ("評価書の種類: 重点項目評価書\n説明: |\n  自由な文\n  ‸", []),
    ("評価書の種類: 重点項目評価書\n# ‸", []),
    ("評価書の種類: 重点項目評価書\n変更箇所:\n  - 提出時期:‸", ["事前", "事後"]),
])
def test_yaml_completion(text: str, expected: list[str] | None) -> None:
    labels = _yaml_labels(text)
    if expected is None:
        assert "ファイル番号" in labels and "様式パス" in labels
    else:
        assert labels == expected


def test_yaml_choice_right_after_the_colon_gets_a_space() -> None:
    text = "評価書の種類:"
    (first, *_) = assessment.complete(Lines(text), 0, len(text))
    assert isinstance(first.text_edit, types.TextEdit) and first.text_edit.new_text == " 基礎項目評価書"


def test_yaml_kind_decides_the_sections() -> None:
    kiso = _yaml_labels("評価書の種類: 基礎項目評価書\n‸")
    juten = _yaml_labels("評価書の種類: 重点項目評価書\n‸")
    assert "しきい値判断項目" in kiso and "しきい値判断項目" not in juten
    assert "特定個人情報ファイル" in juten and "特定個人情報ファイル" not in kiso


# ---------------------------------------------------------------- policies: completion contexts


RULE = dedent("""
    policy T "t" {
      applies to 重点項目評価書
    }
    term 再委託する = 再委託の有無 == "再委託する"
    matcher 書面 "書面" = contains "書面"
    const 期限 = 1 year
    rule T-001 "x" {
      severity error
      for each ファイル in 特定個人情報ファイル
      for each 委託 in ファイル.委託.委託事項
      require ‸
    }
""")


def _policy_labels(line_text: str) -> list[str]:
    text = RULE.replace("require ‸", line_text)
    lines = text.split("\n")
    line = next(n for n, t in enumerate(lines) if "‸" in t)
    index = lines[line].index("‸")
    lines[line] = lines[line].replace("‸", "")
    doc = "\n".join(lines)
    policy = parse_policy(RULE.replace("require ‸", "require true"), "t.pia")[0]
    return [i.label for i in complete_policy.complete(Lines(doc), line, index, policy)]


@pytest.mark.parametrize("line, expected", [
    ("require 委託.‸", ["番号", "委託事項名", "委託内容", "取扱いを委託する特定個人情報ファイルの範囲", "対象となる本人の数",
                      "対象となる本人の範囲", "委託先における取扱者数", "提供方法", "委託先名の確認方法", "委託先名",
                      "再委託の有無", "再委託の許諾方法", "再委託事項"]),
    ("require ファイル.委託.‸", ["委託の有無", "委託事項"]),
    ("require 文書.基本情報.事務.‸", ["事務の名称", "事務の内容", "事務の概要", "対象人数"]),
    ("require 委託.再委託の有無 != ‸", ["再委託する", "再委託しない"]),
    ('require 委託.再委託の有無 == 「再‸', ["再委託する", "再委託しない"]),
    ('require 委託.再委託の有無 in ["再委託する", "‸', ["再委託する", "再委託しない"]),
    ("require 委託.対象となる本人の数 == ‸", ["1万人未満", "1万人以上10万人未満", "10万人以上100万人未満",
                                          "100万人以上1,000万人未満", "1,000万人以上"]),
    ("require 委託.再委託の許諾方法 matches ‸", ["書面"]),
    ("  severity ‸", ["error", "warning", "info"]),
    ("  applies to 重点項目評価書, ‸", ["基礎項目評価書", "重点項目評価書", "全項目評価書"]),
    ("require any x in ファイル.委託.委託事項 satisfies x.再委託の‸", ["番号", "委託事項名", "委託内容",
                                                                 "取扱いを委託する特定個人情報ファイルの範囲", "対象となる本人の数",
                                                                 "対象となる本人の範囲", "委託先における取扱者数", "提供方法",
                                                                 "委託先名の確認方法", "委託先名", "再委託の有無",
                                                                 "再委託の許諾方法", "再委託事項"]),
    ('  message "{ファイル.‸}"', ["番号", "ファイル名", "基本情報", "入手・使用", "委託", "提供・移転", "保管・消去", "備考"]),
    ("require 委託.再委託の有無 == 1 # コメント ‸", []),
    ('  message "ただの文‸"', []),
    ("rule NEW-‸", []),
])
def test_policy_completion(line: str, expected: list[str]) -> None:
    assert _policy_labels(line) == expected


def test_choice_edits_replace_the_opening_quote_and_filter_by_it() -> None:
    text = RULE.replace("require ‸", 'require 委託.再委託の有無 == "再"')
    lines = text.split("\n")
    line = next(n for n, t in enumerate(lines) if "委託.再委託の有無 ==" in t)
    index = lines[line].index('"再') + 2  # after 「"再」, before the closing quote
    policy = parse_policy(RULE.replace("require ‸", "require true"), "t.pia")[0]
    (first, _) = complete_policy.complete(Lines(text), line, index, policy)
    edit = first.text_edit
    assert isinstance(edit, types.TextEdit)
    assert edit.new_text == first.filter_text == '"再委託する"'
    assert lines[line][edit.range.start.character:edit.range.end.character] == '"再"'  # the typed quote pair is replaced


def test_policy_completion_of_names_follows_the_registries() -> None:
    from piarules.builtins import REGISTRY
    from piarules.syntax.grammar import KEYWORDS

    labels = _policy_labels("require ‸")
    assert set(KEYWORDS) <= set(labels) and set(REGISTRY) <= set(labels)
    assert labels[:2] == ["委託", "ファイル"]  # variables first, innermost first
    assert {"再委託する", "期限", "再委託の許諾方法", "ファイル名", "公表日", "文書", "基準日", "本文"} <= set(labels)


# ---------------------------------------------------------------- symbols


def test_every_occurrence_covers_its_name_exactly() -> None:
    for path in POLICIES:
        text = path.read_text(encoding="utf-8")
        policy = parse_policy(text, str(path))[0]
        assert policy is not None
        lines = text.split("\n")
        for o in PolicyIndex(policy, text).occurrences:
            written = lines[o.span.line - 1][o.span.col - 1:o.span.end_col - 1]
            assert written.split() == o.name.split(), (path.name, o)


def test_variable_references_respect_scopes() -> None:
    text = dedent("""
        rule V-001 "x" {
          severity error
          for each 行 in 変更箇所
          require any 行 in 変更箇所 satisfies 行.提出時期 == "事前"
          message "{行.変更日}"
        }
    """)
    policy = parse_policy(text, "v.pia")[0]
    assert policy is not None
    index = PolicyIndex(policy, text)
    lines = text.split("\n")

    def col(line: int, needle: str) -> int:
        return lines[line - 1].index(needle) + 1

    outer = index.at(5, col(5, "行"))  # {行.変更日}: the for each variable
    assert outer is not None and outer.kind == "var"
    refs = index.references("var", "行", outer)
    assert [(r.span.line, r.span.col) for r in refs] == [(3, col(3, "行")), (5, col(5, "行"))]
    inner = index.at(4, col(4, "行.提出時期"))
    assert inner is not None
    assert [(r.span.line, r.span.col) for r in index.references("var", "行", inner)] == [
        (4, col(4, "行")), (4, col(4, "行.提出時期"))]


# ---------------------------------------------------------------- settings and the policy set


@pytest.mark.parametrize("raw, expected", [
    (None, Settings()),
    ("junk", Settings()),
    ({"policies": "rules"}, Settings(policies=("rules",))),
    ({"piarules": {"policies": ["a", 3, ""], "bundled": False}}, Settings(policies=("a",), bundled=False)),
    ({"policies": 5, "bundled": "no", "debounceMs": -1}, Settings()),
    ({"debounceMs": 100}, Settings(debounce_ms=100)),
])
def test_settings_from_client_json(raw: object, expected: Settings) -> None:
    assert settings_from(raw) == expected


def test_policy_paths(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    assert policy_paths(Settings(), tmp_path) == [bundled_policy_dir(), tmp_path / "policies"]
    assert policy_paths(Settings(policies=("rules",), bundled=False), tmp_path) == [tmp_path / "rules"]
    assert policy_paths(Settings(), bundled_policy_dir().parent) == [bundled_policy_dir()]  # the repository itself


@pytest.mark.parametrize("text, expected", [
    (EXAMPLE.read_text(encoding="utf-8"), True),
    ("変更箇所:\n  - {変更日: 令和6年1月31日}\n", True),
    ("# コメント\n評価書の種類: 重点項目評価書\n", True),
    ("waivers:\n  - rule: CH-007\n", False),
    ("as_of: 2026-01-01\ncases: []\n", False),
    ("name: ci\non: [push]\n", False),
    ("", False),
])
def test_looks_like_assessment(text: str, expected: bool) -> None:
    assert looks_like_assessment(text) is expected


def test_engine_keeps_yaml_findings_while_a_policy_is_broken(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    own = tmp_path / "policies" / "own.pia"
    own.write_text('rule OWN-001 "x" {\n  severity info\n  require 評価書名 is present\n}\n', encoding="utf-8")
    engine = Engine(tmp_path)
    doc = "評価書の種類: 重点項目評価書\n公表日: 令和6年1月31日\n"
    before = {f.rule_id for f in engine.analyse_assessment(tmp_path / "a.yaml", doc).findings}
    assert "OWN-001" in before
    engine.set_open(own, "rule OWN-001 \"x\" {\n  severity info\n  require 評価書名 ==\n}\n")
    after = {f.rule_id for f in engine.analyse_assessment(tmp_path / "a.yaml", doc).findings}
    assert after == before - {"OWN-001"}  # the bundled rules still run


def test_declarations_of_a_broken_file_still_complete(tmp_path: Path) -> None:
    engine = Engine(tmp_path)
    file = tmp_path / "b.pia"
    engine.set_open(file, 'term 再委託する = 再委託の有無 == "再委託する"\nrule B-001 "x" {\n  require \n}\n')
    policy = engine.last_good(file)
    assert policy is not None and [t.name for t in policy.terms] == ["再委託する"]
    assert isinstance(policy.items[0], ast.Term)


def test_missing_server_libraries_give_one_clear_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from piarules.lsp import main

    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)  # as if pygls were not installed
    monkeypatch.delitem(sys.modules, "piarules.lsp.server", raising=False)
    assert main() == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install" in err and "pygls" in err


def test_yaml_outline_names_sections_and_items() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    symbols = assessment.outline(text, Lines(text))
    assert symbols is not None
    names = [s.name for s in symbols]
    assert names[:3] == ["評価書の種類", "評価実施機関名", "基本情報"]
    files = next(s for s in symbols if s.name == "特定個人情報ファイル")
    assert files.kind == types.SymbolKind.Array and files.children
    assert files.children[0].name.startswith("[0] ")  # named by its ファイル名
    for symbol in symbols:  # every name lies inside its symbol (clients reject the outline otherwise)
        assert (symbol.range.start.line, symbol.range.start.character) <= (
            symbol.selection_range.start.line, symbol.selection_range.start.character)
    assert assessment.outline("a: [", Lines("a: [")) is None


def test_completion_offers_the_names_a_file_uses(tmp_path: Path) -> None:
    """`use ENT` brings ENT's terms and matchers into completion, as into the checker."""
    own = tmp_path / "own.pia"
    text = 'use ENT\n\nrule O-1 "t" {\n  severity info\n  for each ファイル in 特定個人情報ファイル\n  for each 委託 in ファイル.委託.委託事項\n  when \n}\n'
    own.write_text(text, encoding="utf-8")
    engine = Engine(tmp_path, Settings(policies=(str(own),)))
    others = engine.set_asts(own)
    assert any(p.header and p.header.id == "ENT" for p in others)
    policy, _ = parse_policy(text.replace("when \n", "when true\n"), engine.display(own))
    labels = [i.label for i in complete_policy.complete(Lines(text), 6, len("  when "), policy, others)]
    assert "再委託する" in labels and "許諾方法" in labels
    plain = [i.label for i in complete_policy.complete(Lines(text), 6, len("  when "), policy)]
    assert "再委託する" not in plain  # without the set, only the file's own names
