"""`piarules test [PATH…] [--policy P]… [--no-standard] [--strict] [--coverage]`: run policy test cases.

The body's own policies (--policy, else the configuration's `policies`) are tested with the
standard library loaded too (they may `use` it); their tests/ directories are the default test
files, and --strict asks for cases of their rules. With no own policies: the standard library."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from piarules.cli.common import load_policy_set, own_policies, print_diagnostics, project_config
from piarules.cli.exit_codes import ExitCode
from piarules.visible import visible


def test_command(
    paths: Annotated[list[Path] | None, typer.Argument(help="テストファイル (YAML) またはディレクトリ。既定: 独自のポリシーの tests/、なければ同梱の policies/tests")] = None,
    policy: Annotated[list[Path] | None, typer.Option("--policy", "-p", help="独自のポリシー (標準ポリシーに加えて読む)。既定: 設定の policies")] = None,
    no_standard: Annotated[bool, typer.Option("--no-standard", help="同梱の標準ポリシーを読まない")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="発火するケース、および require まで届いて発火しないケースのないルールがあれば失敗にする")] = False,
    coverage: Annotated[bool, typer.Option("--coverage", help="どのルールも見ていない様式の項目を一覧する")] = False,
) -> None:
    """ポリシーのテストケースを実行する。最後の行は「N passed, M failed」。"""
    from piarules.diagnostics import PiarulesError
    from piarules.files import display_path
    from piarules.policy_sources import bundled_policy_dir, policy_files
    from piarules.testing import find_test_files, load_test_file, run_tests

    config = project_config()
    own = own_policies(policy, config)
    policies = load_policy_set(policy, no_standard, config)
    own_files = {display_path(f) for f in policy_files(own)}
    tested = [r.id for r in policies.check.rules if r.file in own_files] if own else None
    default_tests = [p / "tests" for p in own if p.is_dir() and (p / "tests").is_dir()] if own else [bundled_policy_dir() / "tests"]
    files = find_test_files(paths or default_tests)
    cases = []
    try:
        for file in files:
            cases += load_test_file(file)
    except PiarulesError as exc:
        print_diagnostics(exc.diagnostics)
        raise typer.Exit(ExitCode.INVALID_INPUT) from None
    if not cases:
        sys.stderr.write("エラー[PIA501] テストケースが見つかりません\n")
        raise typer.Exit(ExitCode.INVALID_INPUT)
    report = run_tests(policies, cases, tested)
    out = sys.stdout
    for result in report.results:
        mark = "PASS" if result.passed else "FAIL"
        out.write(visible(f"{mark}  {result.case.where}  {result.case.name}", keep="\t") + "\n")
        for problem in result.problems:
            out.write(visible(f"      {problem}", keep="\t") + "\n")
    _vacuity(report, strict)
    if coverage:
        _coverage(report, policies)
    out.write(f"{report.passed} passed, {report.failed} failed\n")
    raise typer.Exit(ExitCode.OK if report.ok(strict) else ExitCode.FINDINGS)


def _vacuity(report: object, strict: bool) -> None:
    from piarules.testing import SuiteReport

    assert isinstance(report, SuiteReport)
    out = sys.stdout
    for title, rules, todo in (
            ("発火させるケースのないルール", report.never_fired, "fires のケースを足してください"),
            ("発火しないことを確かめるケースのないルール", report.never_quiet, "quiet のケースを足してください"),
            ("発火しないケースが when で止まり、require まで届いていないルール", report.never_reached,
             "when を満たし require に合格する quiet のケースを足してください"),
            ("ポリシーにないルールID (テストの書き誤り?)", report.unknown_rules, "")):
        if rules:
            out.write(f"{title}: {', '.join(rules)}" + (f" ({todo})" if todo else "") + "\n")
    if strict and (report.never_fired or report.never_quiet or report.never_reached or report.unknown_rules):
        out.write("--strict: 上のルールがあるため失敗とします\n")


def _coverage(report: object, policies: object) -> None:
    from piarules.api import PolicySet
    from piarules.testing import SuiteReport

    assert isinstance(report, SuiteReport) and isinstance(policies, PolicySet)
    rules = [r.id for r in policies.check.rules]
    tested = len([r for r in rules if r not in report.never_fired or r not in report.never_quiet])
    sys.stdout.write(f"検査されたルール: {tested} / {len(rules)}\n")
    sys.stdout.write(f"どのルールも直接見ていない様式の項目: {len(report.unread_fields)} 件"
                     " (文字列の項目は 本文 を走査するルールが見ています)\n")
    for leaf in report.unread_fields:
        sys.stdout.write(f"  {leaf}\n")
