"""`piarules eval DOC… [--policy P]… [--format text|json] [--fail-on LEVEL] [--as-of DATE]`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from piarules.cli.common import fail, parse_as_of, print_diagnostics, source_lines
from piarules.cli.exit_codes import ExitCode
from piarules.report import OutputFormat

if TYPE_CHECKING:
    import datetime as dt

    from piarules.diagnostics import Diagnostic
    from piarules.findings import DocumentResult


class FailOn(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    NEVER = "never"


def document_files(paths: list[Path]) -> list[Path]:
    """Files as given; directories expand to their *.yaml / *.yml files, sorted."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(x for x in p.rglob("*") if x.suffix in (".yaml", ".yml")))
        else:
            out.append(p)
    return out


def eval_command(
    documents: Annotated[list[Path], typer.Argument(help="評価書の YAML ファイル (ディレクトリ可)")],
    policy: Annotated[list[Path] | None, typer.Option("--policy", "-p", help="ポリシー (*.pia) またはそのディレクトリ。既定: 同梱の policies/")] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="出力形式")] = OutputFormat.TEXT,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="この重大度以上の指摘で終了コード 1")] = FailOn.ERROR,
    as_of: Annotated[str | None, typer.Option("--as-of", help="基準日 (例: 令和6年4月1日, 2024-04-01)。既定: 文書の公表日、なければ今日")] = None,
) -> None:
    """評価書をポリシーで検査し、指摘を表示する。"""
    from piarules.api import bundled_policy_dir, load_policies, run
    from piarules.document import load_document
    from piarules.findings import DocumentResult

    date = parse_as_of(as_of)
    policies = load_policies(policy or [bundled_policy_dir()])
    if not policies.ok:
        print_diagnostics(policies.diagnostics)
        sys.stderr.write("ポリシーにエラーがあるため検査を中止しました\n")
        raise typer.Exit(ExitCode.INVALID_INPUT)
    files = document_files(documents)
    if not files:
        fail("検査する YAML ファイルがありません")
    results: list[DocumentResult] = []
    for file in files:
        doc, diagnostics = load_document(file)
        result = DocumentResult(str(file), errors=diagnostics)
        if doc is not None:
            result.findings = run(policies, doc, date)
            result.absent_sections = doc.absent_sections
            result.kind = doc.kind
        results.append(result)
    _report(results, policies.diagnostics, output_format, date)
    raise typer.Exit(_exit_code(results, fail_on))


def _report(results: list[DocumentResult], diagnostics: list[Diagnostic], output_format: OutputFormat,
            date: dt.date | None) -> None:
    if output_format is OutputFormat.JSON:
        from piarules.report import json as json_report

        sys.stdout.write(json_report.render(results, diagnostics) + "\n")
        return
    from piarules.report import text

    sys.stdout.write(text.render(results, source_lines(r.path for r in results), date) + "\n")


def _exit_code(results: list[DocumentResult], fail_on: FailOn) -> ExitCode:
    if any(not r.loaded for r in results):
        return ExitCode.INVALID_INPUT
    if fail_on is FailOn.NEVER:
        return ExitCode.OK
    from piarules.diagnostics import Severity

    threshold = Severity(fail_on.value).rank
    hit = any(f.severity.rank >= threshold for r in results for f in r.findings)
    return ExitCode.FINDINGS if hit else ExitCode.OK
