"""`piarules import TABLE [-o OUT] [--kind KIND] [--body NAME]`: 変更箇所 table → YAML."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from piarules.cli.common import fail, print_diagnostics, write_stdout
from piarules.cli.exit_codes import ExitCode


def import_command(
    table: Annotated[Path, typer.Argument(help="変更箇所の表 (タブ区切り .txt/.tsv、.csv、.xlsx)")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="出力する YAML (既定: 標準出力)")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="評価書の種類 (既定: (別添2)→重点 のように見出しから推定)")] = None,
    body: Annotated[str | None, typer.Option("--body", help="評価実施機関名 (例: 墨田区長)。既定: 設定の body")] = None,
) -> None:
    """変更箇所の表を piarules の YAML に変換する。警告は標準エラーに行番号つきで出す。"""
    from piarules.diagnostics import PiarulesError
    from piarules.document import load_document_text
    from piarules.files import display_path, write_atomic
    from piarules.importer import dump_yaml, import_table

    if output is not None and output.is_dir():  # before the work, not after
        fail(f"{display_path(output)} はディレクトリです。出力する YAML ファイルの名前を指定してください")
    from piarules.cli.common import parse_kind, project_config

    config = project_config()
    body = body or config.get("body")
    kind = parse_kind(kind) or config.get("kind")
    try:
        data, result = import_table(table, kind, body)
    except PiarulesError as exc:
        print_diagnostics(exc.diagnostics)
        raise typer.Exit(ExitCode.INVALID_INPUT) from None
    header = f"# piarules import {display_path(table.name)}: {len(result.rows)} 行\n"
    text = dump_yaml(data, header)
    doc, problems = load_document_text(text, display_path(output) if output else "<stdout>")
    if doc is None:  # the output must load: if not, that is our bug, not the user's
        print_diagnostics(problems)
        raise typer.Exit(ExitCode.INVALID_INPUT)
    print_diagnostics(result.warnings)
    if output:
        try:
            write_atomic(output, text)
        except PiarulesError as exc:
            print_diagnostics(exc.diagnostics)
            raise typer.Exit(ExitCode.INVALID_INPUT) from None
        sys.stderr.write(f"{display_path(output)}: {len(result.rows)} 行を書き出しました (警告 {len(result.warnings)} 件)\n")
    else:
        write_stdout(text)
