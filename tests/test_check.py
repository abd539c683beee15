"""Static checks: unknown fields with suggestions, undefined names, duplicates, types, never-fires."""

from __future__ import annotations

import pytest

from piarules.api import parse_policy_texts
from tests.conftest import dedent


def check(source: str) -> list[tuple[str, int, str]]:
    result = parse_policy_texts([("t.pia", dedent(source))])
    return [(d.code, d.span.line if d.span else 0, d.message + " / " + (d.help or "")) for d in result.diagnostics]


def rule(body: str, header: str = "") -> str:
    return header + 'rule R "t" {\n  severity error\n' + body + "\n}\n"


@pytest.mark.parametrize(
    ("source", "code", "line", "needle"),
    [
        (rule("  require 公表び is present"), "PIA201", 3, "もしかして「公表日」"),
        (rule("  for each f in 特定個人情報ファイル\n  require f.委託.再委託の有無 is present"), "PIA201", 4, "「委託」に項目「再委託の有無」はありません / もしかして「委託の有無」"),
        (rule("  for each f in 特定個人情報ファイル\n  for each t in f.委託.委託事項\n  require t.再委託の許諾 is present"),
         "PIA201", 5, "もしかして「再委託の許諾方法」"),
        (rule("  require 未定義の用語"), "PIA201", 3, "項目名・用語・変数のいずれでもありません"),
        (rule("  require 公表日 matches 未定義"), "PIA202", 3, "定義されていません"),
        (rule("  require coutn(変更箇所) > 0"), "PIA202", 3, "もしかして「count」"),
        (rule("  require 公表日 > 基本情報.事務.対象人数"), "PIA204", 3, "日付と人数帯は比較できません"),
        (rule("  require 評価書名"), "PIA204", 3, "真偽値"),
        (rule("  require 公表日 + 3"), "PIA204", 3, "計算できません"),
        (rule("  for each x in 公表日\n  require x is present"), "PIA204", 3, "リスト"),
        (rule("  require 評価書の種類 == \"重点評価書\""), "PIA206", 3, "もしかして「重点項目評価書」"),
        (rule("  for each r in 変更箇所\n  require r.提出時期 in [\"事前\", \"事中\"]"), "PIA206", 4, "選択肢"),
        (rule("  require 評価書名 matches \"(\""), "PIA207", 3, "正規表現"),
        (rule("  require 公表日 > \"令和2年2月30日\""), "PIA103", 3, "存在しない"),
        (rule("  require 基本情報.事務.対象人数 >= \"たくさん\""), "PIA103", 3, "人数帯"),
        (rule("  when false\n  require 公表日 is present"), "PIA205", 3, "決して発火しません"),
        (rule("  when 公表日 is present"), "PIA205", 1, "require"),
        (rule("  effective from 2025-01-01 until 2024-01-01\n  require 公表日 is present"), "PIA211", 3, "開始"),
        (rule("  require リスク対策 is present and count(リスク対策.監査) > 0"), "PIA213", 3, "applies to"),
        (rule("  applies to 重点評価書\n  require 公表日 is present"), "PIA214", 1, "もしかして「重点項目評価書」"),
        ("term a = b\nterm b = a\n" + rule("  require a"), "PIA210", 2, "自分自身"),
        (rule("  require 公表日 is present") + rule("  require 公表日 is present"), "PIA203", 5, "重複"),
        ("term t = 1\nterm t = 2\n" + rule("  require 公表日 is present"), "PIA203", 2, "重複"),
        (rule("  require 公表日 is present\n  message \"{公表び}\""), "PIA201", 4, "「公表び」は項目名"),
        (rule("  for each ファイル in 特定個人情報ファイル\n  require 基本情報 is present"), "PIA212", 4, "文書.基本情報"),
    ],
)
def test_check_errors(source: str, code: str, line: int, needle: str) -> None:
    found = check(source)
    assert any(c == code and ln == line and needle in text for c, ln, text in found), found


def test_a_clean_policy_has_no_diagnostics() -> None:
    assert check(rule("  for each r in 変更箇所\n  require r.提出時期 in [\"事前\", \"事後\"]")) == []


def _term_chain(links: int) -> str:
    """term t0 = not t1, t1 = not t2, … : an expression as deep as the chain once expanded."""
    terms = "".join(f"term t{i} = not t{i + 1}\n" for i in range(links))
    return terms + f'term t{links} = 評価実施機関名 == "x"\n' + rule('  for each 行 in 変更箇所\n  require t0 and 行.提出時期 == "事前"')


@pytest.mark.parametrize(("links", "needle", "line"), [
    (10, None, None),
    (100, "用語を展開した式の入れ子が深すぎます (上限 160 段)", 80),
    (300, "用語の中で用語を使う段数が多すぎます (上限 160 段)", 305),
    (3000, "用語の中で用語を使う段数が多すぎます (上限 160 段)", 3005),
])
def test_a_chain_of_terms_too_deep_is_a_located_error_not_a_crash(links: int, needle: str | None,
                                                                  line: int | None) -> None:
    """Terms are expanded where used: a chain of them can nest deeper than the parser lets one
    expression nest, and once crashed the checker (RecursionError)."""
    found = check(_term_chain(links))
    if needle is None:
        assert found == []
    else:
        assert [(code, at) for code, at, _ in found] == [("PIA104", line)]
        assert needle in found[0][2]
