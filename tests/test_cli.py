"""The command line end to end: exit codes, text and JSON output, bad input as one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT, invoke, write

GOOD = """\
評価書の種類: 重点項目評価書
評価実施機関名: 墨田区長
公表日: 令和6年1月31日
変更箇所:
  - 変更日: 令和6年1月31日
    項目: 委託の有無
    変更前の記載: 4件
    変更後の記載: 5件
    提出時期: 事前
"""






def test_eval_example_fails_with_findings() -> None:
    code, out, _ = invoke("eval", str(EXAMPLE))
    assert code == 1
    assert "エラー[CH-001b]" in out and out.rstrip().splitlines()[-1].startswith("1 文書: エラー")


def test_eval_clean_document_passes(tmp_path: Path) -> None:
    code, out, _ = invoke("eval", write(tmp_path, "good.yaml", GOOD), "--as-of", "2024-02-01")
    assert code == 0, out
    assert "指摘はありません" in out


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 1), ("never", 0), ("info", 1)])
def test_fail_on(fail_on: str, expected: int) -> None:
    assert invoke("eval", str(EXAMPLE), "--fail-on", fail_on)[0] == expected


def test_json_output_is_stable_and_parseable() -> None:
    code, out, _ = invoke("eval", str(EXAMPLE), "--format", "json", "--as-of", "2026-01-01")
    data = json.loads(out)
    assert code == 1 and data["version"] == 1
    (doc,) = data["documents"]
    first = doc["findings"][0]
    assert set(first) == {"rule_id", "severity", "title", "message", "references", "hint", "path",
                          "path_parts", "missing_key", "location", "waived", "undecided", "confidence", "origin"}
    assert first["location"]["line"] >= 1 and doc["absent_sections"] == ["公表日"]


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("bad.yaml", "a: [1\n", "PIA301"),
        ("dup.yaml", "評価書名: a\n評価書名: b\n", "PIA305"),
        ("bin.yaml", b"\x00\x01\x02", "PIA308"),
        ("sjis.yaml", "評価書名: 国保\n".encode("cp932"), None),
    ],
)
def test_bad_documents_exit_2_with_located_errors(tmp_path: Path, name: str, content: str | bytes,
                                                  needle: str | None) -> None:
    code, out, _ = invoke("eval", write(tmp_path, name, content))
    if needle is None:  # Shift_JIS is decoded, not an error
        assert code in (0, 1)
        return
    assert code == 2 and needle in out and f"{name}:" in out and "Traceback" not in out


def test_an_unreadable_value_fails_the_gate_but_the_document_is_checked(tmp_path: Path) -> None:
    code, out, _ = invoke("eval", write(tmp_path, "enum.yaml", "評価書の種類: 重点\n"))
    assert code == 1 and "enum.yaml:1:1: エラー[PIA303]" in out and "読み込めない文書" not in out


def test_one_bad_document_does_not_stop_the_others(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", "a: [1\n")
    good = write(tmp_path, "good.yaml", GOOD)
    code, out, _ = invoke("eval", bad, good, "--as-of", "2024-02-01")
    assert code == 2 and "PIA301" in out and "指摘はありません" in out


def test_broken_policy_exits_2(tmp_path: Path) -> None:
    policy = write(tmp_path, "p.pia", 'rule A "x" {\n  severity error\n  require 公表び is present\n}\n')
    code, _, err = invoke("eval", str(EXAMPLE), "--policy", policy, "--no-standard")
    assert code == 2 and "もしかして「公表日」" in err and "p.pia:3:" in err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke("eval", str(EXAMPLE), "--bogus")[0] == 2
    assert invoke("eval", str(EXAMPLE), "--as-of", "令和2年2月30日")[0] == 2
    assert invoke("eval", str(tmp_path / "missing.yaml"))[0] == 2


def test_directories_are_expanded(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yml", GOOD)
    code, out, _ = invoke("eval", str(tmp_path), "--as-of", "2024-02-01")
    assert code == 0 and "2 文書" in out


def test_check_command() -> None:
    code, out, _ = invoke("check")
    assert code == 0 and "問題ありません" in out


def test_schema_command() -> None:
    code, out, _ = invoke("schema")
    assert code == 0 and "再委託の有無" in json.loads(out).__repr__()


def test_import_command(tmp_path: Path) -> None:
    out_file = tmp_path / "changelog.yaml"
    code, _, err = invoke("import", str(ROOT / "examples" / "sumida-kokuho" / "seed-changelog.txt"),
                          "-o", str(out_file))
    assert code == 0 and "137 行" in err and out_file.read_text(encoding="utf-8").count("- 変更日:") == 137


def test_import_bad_table_exits_2(tmp_path: Path) -> None:
    code, _, err = invoke("import", write(tmp_path, "t.txt", "変更日\t項目\nx\ty\n"))
    assert code == 2 and "PIA401" in err


def test_grammar_and_policies_are_found_without_the_source_tree() -> None:
    from piarules.api import bundled_policy_dir
    from piarules.syntax.grammar import grammar_path

    assert grammar_path().is_file()
    assert len(list(bundled_policy_dir().glob("*.pia"))) >= 7
