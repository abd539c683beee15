"""`piarules rules [POLICY…] [--format table|markdown]`: the catalog of loaded rules."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from piarules.cli.common import print_diagnostics
from piarules.cli.exit_codes import ExitCode


class CatalogFormat(StrEnum):
    TABLE = "table"
    MARKDOWN = "markdown"


def rules_command(
    policies: Annotated[list[Path] | None, typer.Argument(help="ポリシー (*.pia) またはディレクトリ。既定: 同梱の policies/")] = None,
    output_format: Annotated[CatalogFormat, typer.Option("--format", "-f", help="table または markdown")] = CatalogFormat.TABLE,
) -> None:
    """読み込んだルールの一覧 (ID・重大度・タイトル・根拠・有効期間・定義場所) を表示する。"""
    from piarules.api import bundled_policy_dir, load_policies
    from piarules.catalog import rules_markdown, rules_table

    paths = policies or [bundled_policy_dir()]
    result = load_policies(paths)
    if not result.ok:
        print_diagnostics(result.diagnostics)
        raise typer.Exit(ExitCode.INVALID_INPUT)
    root = paths[0].resolve().parent if paths[0].is_dir() else None
    render = rules_markdown if output_format is CatalogFormat.MARKDOWN else rules_table
    sys.stdout.write(render(result, root))
