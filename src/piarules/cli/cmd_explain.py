"""`piarules explain RULE DOC [--policy P]… [--as-of DATE] [--body NAME] [--kind KIND] [--all]`: why a
rule fires or not."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from piarules.cli.common import fail, parse_as_of, parse_kind, print_diagnostics, write_stdout
from piarules.cli.exit_codes import ExitCode


def explain_command(
    rule_id: Annotated[str, typer.Argument(help="ルールID (例: ENT-001)")],
    document: Annotated[Path, typer.Argument(help="評価書の YAML、または変更箇所の表 (.xlsx / .csv / .tsv)")],
    policy: Annotated[list[Path] | None, typer.Option("--policy", "-p", help="独自のポリシー (標準ポリシーに加えて)。既定: 設定の policies")] = None,
    no_standard: Annotated[bool, typer.Option("--no-standard", help="同梱の標準ポリシーを読まない")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="基準日。既定: 文書の公表日、なければ今日")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="発火しなかった対象もすべて表示する")] = False,
    limit: Annotated[int, typer.Option("--limit", help="表示する非発火の対象の数")] = 5,
    body: Annotated[str | None, typer.Option("--body", help="表を取り込むときの評価実施機関名 (eval と同じ)")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="表を取り込むときの評価書の種類 (eval と同じ)")] = None,
) -> None:
    """ルールが文書のどこで、なぜ発火した (しなかった) かを、式の値とともに示す。"""
    from piarules.api import resolve_as_of
    from piarules.cli.common import load_policy_set, project_config
    from piarules.diagnostics import suggestion
    from piarules.document import load_document
    from piarules.explain import explain_rule, render
    from piarules.files import display_path
    from piarules.tables import is_table, load_table
    from piarules.visible import visible

    date = parse_as_of(as_of)
    config = project_config()
    policies = load_policy_set(policy, no_standard, config)
    rule = next((r for r in policies.rules if r.checked.id == rule_id), None)
    if rule is None:
        hint = suggestion(rule_id, [r.checked.id for r in policies.rules])
        fail(f"ルール「{rule_id}」はありません" + (f" ({hint})" if hint else ""))
        return
    if is_table(document):  # an Excel / CSV / TSV change log, imported in memory as eval does
        doc, diagnostics, _ = load_table(document, display_path(document), kind=parse_kind(kind) or config.get("kind"),
                                         body=body or config.get("body"))
    else:
        doc, diagnostics = load_document(document)
    if doc is None:
        print_diagnostics(diagnostics)
        raise typer.Exit(ExitCode.INVALID_INPUT)
    judged = resolve_as_of(date, doc)
    bindings = explain_rule(rule, doc, judged)
    write_stdout(visible(render(rule, bindings, doc, show_all, limit, table=is_table(document)), keep="\t\n"))  # values may hold ESC …
