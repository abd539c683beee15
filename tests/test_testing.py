"""`piarules test`: case formats, annotations, failure reports, vacuity, exit codes."""

from __future__ import annotations

from pathlib import Path

from piarules import testing
from tests.conftest import compile_policy, dedent, invoke
from tests.conftest import write as write_file

POLICY = """
rule R-1 "提出時期が空欄" {
  severity error
  for each 行 in 変更箇所
  require 行.提出時期 is not empty
  at 行.提出時期
}
rule R-2 "説明に重大な変更" {
  severity warning
  for each 行 in 変更箇所
  require not (行.提出時期に係る説明 contains "重大な変更")
  at 行.提出時期に係る説明
}
"""

def write(directory: Path, name: str, text: str) -> Path:
    return write_file(directory, name, dedent(text))


ANNOTATED = """\
変更箇所:
  - 変更日: 令和5年1月1日
    項目: a
    変更後の記載: b
    提出時期:   # 違反: R-1
    # 適合: R-2
    提出時期に係る説明: 重要な変更には当たらない
"""




def test_annotations_apply_to_their_line_or_the_next() -> None:
    fire, quiet = testing.read_annotations(ANNOTATED)
    assert [(e.rule, e.line) for e in fire] == [("R-1", 5)]
    assert [(e.rule, e.line) for e in quiet] == [("R-2", 7)]


def test_annotated_fixture_is_a_test(tmp_path: Path) -> None:
    (case,) = testing.load_test_file(write(tmp_path, "fixture.yaml", ANNOTATED))
    assert testing.run_case(compile_policy(POLICY), case).passed


def test_missing_and_unexpected_findings_fail(tmp_path: Path) -> None:
    path = write(tmp_path, "t.yaml", """
        cases:
          - name: 期待と違う
            as_of: 2026-01-01
            document: |
              変更箇所:
                - {変更日: 令和5年1月1日, 項目: a, 変更後の記載: b, 提出時期: 事後, 提出時期に係る説明: 「重大な変更」に当たらない}
            expect: [{rule: R-1, path: "変更箇所[0].提出時期"}]
            quiet: [R-2]
    """)
    (case,) = testing.load_test_file(path)
    result = testing.run_case(compile_policy(POLICY), case)
    assert not result.passed
    assert any("期待した指摘がありません: R-1" in p for p in result.problems)
    assert any("発火してはいけない指摘があります: R-2" in p for p in result.problems)


def r1_case(quiet_submission: str) -> str:
    """A test file with one R-1 case: fires on a blank 提出時期, quiet on `quiet_submission`."""
    return f"""
        - rule: R-1
          at: 変更箇所[0].提出時期
          fires: |
            変更箇所:
              - {{変更日: 令和5年1月1日, 項目: a, 変更後の記載: b, 提出時期: ""}}
          quiet: |
            変更箇所:
              - {{変更日: 令和5年1月1日, 項目: a, 変更後の記載: b, 提出時期: {quiet_submission}}}
    """


def test_vacuity_and_strict(tmp_path: Path) -> None:
    policy = write(tmp_path, "p.pia", POLICY)
    tests = write(tmp_path, "t.yaml", r1_case(quiet_submission="事後"))
    code, out, _ = invoke("test", tests, "--policy", policy, "--no-standard")
    assert code == 0 and out.rstrip().endswith("2 passed, 0 failed")
    assert "発火させるケースのないルール: R-2" in out
    code, out, _ = invoke("test", tests, "--policy", policy, "--no-standard", "--strict")
    assert code == 1 and "--strict" in out


def test_failure_exits_1_with_summary_line(tmp_path: Path) -> None:
    policy = write(tmp_path, "p.pia", POLICY)
    tests = write(tmp_path, "t.yaml", """
        - rule: R-1
          at: 変更箇所[0].提出時期
          fires: |
            変更箇所:
              - {変更日: 令和5年1月1日, 項目: a, 変更後の記載: b, 提出時期: 事後}
    """)
    code, out, _ = invoke("test", tests, "--policy", policy, "--no-standard")
    assert code == 1 and out.rstrip().endswith("0 passed, 1 failed")
    assert "FAIL" in out


def test_bundled_library_passes_strict_with_coverage() -> None:
    code, out, _ = invoke("test", "--strict", "--coverage")
    assert code == 0, out[-2000:]
    assert "どのルールも直接見ていない様式の項目" in out


def test_bad_test_file_is_a_clear_error(tmp_path: Path) -> None:
    tests = write(tmp_path, "t.yaml", "cases: 3\n")
    code, _, err = invoke("test", tests)
    assert code == 2 and "cases:" in err


def test_a_quiet_case_that_fires_is_a_failure_not_an_unreached_requirement(tmp_path: Path) -> None:
    policy = write(tmp_path, "p.pia", POLICY)
    tests = write(tmp_path, "t.yaml", r1_case(quiet_submission='""'))
    code, out, _ = invoke("test", tests, "--policy", policy, "--no-standard")
    assert code == 1 and "発火してはいけない指摘があります: R-1" in out
    assert "require まで届いていないルール: R-1" not in out
