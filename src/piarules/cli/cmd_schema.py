"""`piarules schema [--kind KIND]`: the JSON Schema of the document format, for editors."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer


def schema_command(
    kind: Annotated[str | None, typer.Option("--kind", help="基礎項目評価書 / 重点項目評価書 / 全項目評価書 (既定: すべて)")] = None,
) -> None:
    """評価書 YAML の JSON Schema を出力する (VS Code の YAML 拡張などで補完・検証に使える)。"""
    from piarules.document.schema_export import json_schema

    sys.stdout.write(json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n")
