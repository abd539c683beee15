"""`piarules rules [POLICY…] [--format table|markdown]`: the catalog of loaded rules."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class CatalogFormat(StrEnum):
    TABLE = "table"
    MARKDOWN = "markdown"


def rules_command(
    policies: Annotated[list[Path] | None, typer.Argument(help="独自のポリシー (*.pia) またはディレクトリ (標準ポリシーに加えて)。既定: 設定の policies")] = None,
    no_standard: Annotated[bool, typer.Option("--no-standard", help="同梱の標準ポリシーを含めない")] = False,
    output_format: Annotated[CatalogFormat, typer.Option("--format", "-f", help="table または markdown")] = CatalogFormat.TABLE,
) -> None:
    """読み込んだルールの一覧 (ID・重大度・タイトル・根拠・有効期間・定義場所) を表示する。"""
    from piarules.catalog import rules_markdown, rules_table
    from piarules.cli.common import load_policy_set, policy_set_paths, project_config

    config = project_config()
    paths = policy_set_paths(policies, no_standard, config)
    result = load_policy_set(policies, no_standard, config)
    root = paths[0].resolve().parent if paths and paths[0].is_dir() else None
    render = rules_markdown if output_format is CatalogFormat.MARKDOWN else rules_table
    sys.stdout.write(render(result, root))
