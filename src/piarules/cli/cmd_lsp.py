"""`piarules lsp`: start the language server (editors run it; it speaks LSP on stdin/stdout)."""

from __future__ import annotations

from typing import Annotated

import typer


def lsp_command(
    stdio: Annotated[bool, typer.Option("--stdio", help="標準入出力で通信する (既定。クライアントとの互換のため)")] = True,
) -> None:
    """エディタ用の言語サーバーを起動する (補完・診断・ホバー・定義・整形)。"""
    from piarules.lsp import main

    raise typer.Exit(main())
