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
    from piarules.cli.common import fail
    from piarules.document.forms import DOCUMENT_MODELS
    from piarules.document.schema_export import json_schema

    kinds = [k for k in DOCUMENT_MODELS if k is not None]
    if kind is not None and kind not in kinds:
        fail(f"--kind: 評価書の種類「{kind}」はありません (選べるもの: {' / '.join(kinds)})")
    sys.stdout.write(json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n")
