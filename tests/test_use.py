"""Standard + own policies: `use` brings another policy's vocabulary in, own policies add to the
standard library (--policy), --no-standard replaces it, duplicate rule ids are errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from piarules.api import bundled_policy_dir, load_policies, parse_policy_texts
from piarules.fmt import format_policy
from piarules.syntax import parse_policy
from tests.conftest import EXAMPLE, dedent, findings, invoke, write

BASE = """
policy BASE "共通の言葉" {
}

const 期限 = 1 year
term 再委託する = 再委託の有無 == "再委託する"
term 許諾方法 = 再委託の許諾方法
synonyms 書面 = ["書面", "文書"]
matcher 書面で "書面による申請" = mentions 書面
matcher 書面で許諾 = 書面で and contains "許諾"
term 書面がない = not (許諾方法 matches 書面で)
"""

DOC = """
評価書の種類: 重点項目評価書
特定個人情報ファイル:
  - 番号: 1
    ファイル名: 住基
    委託:
      委託事項:
        - {番号: 1, 再委託の有無: 再委託する, 再委託の許諾方法: 口頭で許諾する}
        - {番号: 2, 再委託の有無: 再委託する, 再委託の許諾方法: 文書による申請を受け許諾する}
"""


def own(body: str, uses: str) -> str:
    return dedent(f"""
    policy OWN "独自" {{
      applies to 重点項目評価書
    }}

    {uses}

    rule OWN-001 "t" {{
      severity warning
      for each ファイル in 特定個人情報ファイル
      for each 委託 in ファイル.委託.委託事項
    {body}
    }}
    """)


def policies(own_text: str):
    return parse_policy_texts([("base.pia", dedent(BASE)), ("own.pia", own_text)])


@pytest.mark.parametrize(
    ("uses", "body"),
    [
        ("use BASE", "  when 再委託する\n  require 許諾方法 matches 書面で"),
        ("use 再委託する, 許諾方法, 書面で from BASE", "  when 再委託する\n  require 許諾方法 matches 書面で"),
        # a matcher whose body names a matcher and synonyms of its own file that were not used here
        ("use 再委託する, 許諾方法, 書面で許諾 from BASE", "  再委託する requires 許諾方法 with 書面で許諾"),
        # a term whose body names a term, a matcher and synonyms of its own file that were not used here
        ("use 再委託する, 書面がない from BASE", "  when 再委託する\n  require not 書面がない"),
    ],
)
def test_used_vocabulary_resolves_in_its_own_file(uses: str, body: str) -> None:
    result = policies(own(body, uses))
    assert result.ok, [d.one_line() for d in result.diagnostics]
    fired = [f.path_text for f in findings(result, DOC) if f.rule_id == "OWN-001"]
    assert fired and all("委託事項[0]" in p for p in fired)  # 口頭: fires; 文書 (a synonym of BASE): quiet


@pytest.mark.parametrize(
    ("uses", "code", "needle"),
    [
        ("use BASS", "PIA202", "もしかして「BASE」"),
        ("use 再委託する, 許諾法 from BASE", "PIA202", "もしかして「許諾方法」"),
        ("use OWN", "PIA202", "このファイル自身"),
    ],
)
def test_use_errors(uses: str, code: str, needle: str) -> None:
    result = policies(own("  require 委託.番号 is present", uses))
    found = [(d.code, d.message + " " + (d.help or "")) for d in result.diagnostics]
    assert any(c == code and needle in text for c, text in found), found


def test_a_used_name_also_declared_here_is_an_error() -> None:
    text = own("  require 委託.番号 is present", "use BASE\nterm 許諾方法 = 委託.再委託事項")
    result = policies(text)
    assert any(d.code == "PIA203" and "許諾方法" in d.message and d.span and d.span.path == "own.pia"
               for d in result.diagnostics)


def test_two_policies_with_different_definitions_of_a_name_must_be_chosen_from() -> None:
    other = 'policy OTHER "別" {\n}\n\nterm 許諾方法 = 再委託事項\n'
    text = own("  require 委託.番号 is present", "use BASE\nuse OTHER")
    result = parse_policy_texts([("base.pia", dedent(BASE)), ("other.pia", other), ("own.pia", text)])
    assert any(d.code == "PIA203" and "BASE と OTHER で違う定義" in d.message for d in result.diagnostics)
    chosen = own("  require 委託.番号 is present", "use 再委託する from BASE\nuse 許諾方法 from OTHER")
    assert parse_policy_texts([("base.pia", dedent(BASE)), ("other.pia", other), ("own.pia", chosen)]).ok


def test_without_use_the_other_files_names_are_unknown() -> None:
    result = policies(own("  when 再委託する\n  require 委託.番号 is present", ""))
    assert any(d.code == "PIA201" and "再委託する" in d.message for d in result.diagnostics)


@pytest.mark.parametrize("source", ["use ENT\n", "use 再委託する, domestic storage, ISO/IEC27017 from ENT\n"])
def test_use_is_formatted_and_round_trips(source: str) -> None:
    parsed, problems = parse_policy(source, "u.pia")
    assert parsed is not None and not problems
    formatted, _ = format_policy(source, "u.pia")
    assert formatted == source


def test_own_policy_uses_the_standard_vocabulary(tmp_path: Path) -> None:
    write(tmp_path, "own.pia", own("  再委託する requires 許諾方法 with domestic storage", "use ENT"))
    result = load_policies([tmp_path], standard=True)
    assert result.ok, [d.one_line() for d in result.diagnostics]
    assert "OWN-001" in {r.id for r in result.check.rules} and "ENT-001" in {r.id for r in result.check.rules}


def test_a_rule_id_of_the_standard_library_is_a_duplicate(tmp_path: Path) -> None:
    write(tmp_path, "own.pia", 'rule ENT-001 "上書き?" {\n  severity info\n  require 公表日 is present\n}\n')
    result = load_policies([tmp_path], standard=True)
    assert any(d.code == "PIA203" and "ENT-001" in d.message for d in result.diagnostics)


def test_a_copy_of_the_standard_library_is_read_once(tmp_path: Path) -> None:
    for pia in bundled_policy_dir().glob("*.pia"):
        write(tmp_path, pia.name, pia.read_bytes())
    result = load_policies([tmp_path], standard=True)
    assert result.ok and {Path(f.path).parent for f in result.files} == {tmp_path}


def test_policy_adds_to_the_standard_and_no_standard_replaces_it(tmp_path: Path) -> None:
    policy = write(tmp_path, "p.pia", 'rule OWN-9 "公表日がない" {\n  severity error\n  require 公表日 is present\n}\n')
    standard = len(load_policies([bundled_policy_dir()]).rules)
    code, out, _ = invoke("eval", EXAMPLE, "--policy", policy, "--format", "json", "--as-of", "2026-01-01")
    ids = {f["rule_id"] for f in json.loads(out)["documents"][0]["findings"]}
    assert "OWN-9" in ids and len(ids - {"OWN-9"}) > 5
    code, out, _ = invoke("rules", policy)
    assert out.count("\n") > standard  # every standard rule and the own one
    code, out, _ = invoke("eval", EXAMPLE, "--policy", policy, "--no-standard", "--format", "json")
    assert code == 1 and {f["rule_id"] for f in json.loads(out)["documents"][0]["findings"]} == {"OWN-9"}


def test_own_tests_are_strict_about_own_rules_only(tmp_path: Path) -> None:
    pol = tmp_path / "policies"
    write(pol, "own.pia", own("  when 再委託する\n  require 許諾方法 is not empty", "use ENT"))
    write(pol, "tests/own.yaml", dedent("""
        cases:
        - rule: OWN-001
          at: 特定個人情報ファイル[0].委託.委託事項[0].再委託の許諾方法
          fires: |
            評価書の種類: 重点項目評価書
            特定個人情報ファイル:
              - 番号: 1
                委託:
                  委託事項:
                    - {番号: 1, 再委託の有無: 再委託する, 再委託の許諾方法: なし}
          quiet: |
            評価書の種類: 重点項目評価書
            特定個人情報ファイル:
              - 番号: 1
                委託:
                  委託事項:
                    - {番号: 1, 再委託の有無: 再委託する, 再委託の許諾方法: 書面で許諾する}
        """))
    code, out, _ = invoke("test", "--policy", pol, "--strict")
    assert code == 0 and out.endswith("2 passed, 0 failed\n"), out
    code, out, _ = invoke("check", pol)
    assert code == 0 and "ルール: 問題ありません" in out


def test_a_use_of_the_standard_under_no_standard_is_one_error_not_one_per_use(tmp_path: Path) -> None:
    own = write(tmp_path, "my.pia", dedent("""
        policy MY "x" {
        }
        use 再委託する, 許諾方法, クラウド from ENT
        rule MY-1 "x" {
          severity info
          for each ファイル in 特定個人情報ファイル
          for each 委託 in ファイル.委託.委託事項
          when 再委託する and 許諾方法 matches クラウド
          require 許諾方法 is present
          at 委託.再委託の有無
        }
    """))
    code, _, err = invoke("check", own, "--no-standard")
    assert code == 2 and err.count("エラー[") == 1
    assert "「ENT」は標準ポリシーです" in err
    code, out, _ = invoke("check", own)  # with the standard library the same file is fine
    assert code == 0, out
