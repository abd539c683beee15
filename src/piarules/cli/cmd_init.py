"""`piarules init [DIR] [--body NAME] [--id ID] [--source URL] [--rev REV] [--force]`: scaffold a
body's policy repository (the templates are data files in piarules/data/scaffold/)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from piarules.cli.common import fail


def init_command(
    directory: Annotated[Path, typer.Argument(help="作成するディレクトリ (既定: 現在のディレクトリ)")] = Path("."),
    body: Annotated[str, typer.Option("--body", help="評価実施機関名 (例: 墨田区長)")] = "○○市長",
    policy_id: Annotated[str, typer.Option("--id", help="独自ポリシーの ID (ルール ID の接頭辞。例: SUMIDA)")] = "OWN",
    source: Annotated[str | None, typer.Option("--source", help="piarules のリポジトリ (git の URL またはパス)。既定: インストール元")] = None,
    rev: Annotated[str | None, typer.Option("--rev", help="piarules のタグまたはコミット。既定: インストール元のもの")] = None,
    force: Annotated[bool, typer.Option("--force", help="既にあるファイルを上書きする")] = False,
) -> None:
    """団体のポリシー用リポジトリのひな形 (設定・独自ルールとそのテスト・評価書の例・pre-commit・GitHub Actions) を作る。"""
    import sys

    from piarules.scaffold import installed_from, plan, write_plan

    if not policy_id.isascii() or not policy_id.replace("_", "").isalnum() or not policy_id[0].isalpha():
        fail(f"--id は英字で始まる英数字にしてください (例: SUMIDA): {policy_id}")
    found_source, found_rev = installed_from()
    files = plan(body=body, policy_id=policy_id.upper(), source=source or found_source, rev=rev or found_rev)
    existing = [p for p in files if (directory / p).exists()]
    if existing and not force:
        fail("既にあるファイルは上書きしません (--force で上書き): " + "、".join(str(p) for p in existing))
    write_plan(directory, files)
    for path in files:
        sys.stdout.write(f"作成: {directory / path}\n")
    if source is None and found_source is None:
        sys.stderr.write("注意: piarules のインストール元が分からないため、.pre-commit-config.yaml と "
                         ".github/workflows/piarules.yml の URL は仮のものです。--source で指定してください\n")
    chosen = source or found_source or ""
    if chosen.startswith("file://") or (chosen and not chosen.startswith(("http", "git@", "ssh://", "git+"))):
        sys.stderr.write(f"注意: piarules の取得元 {chosen} はこの計算機の中の場所です。pre-commit はここで動きますが、"
                         "GitHub Actions のランナーからは読めません。共有の git リポジトリの URL を --source で指定してください\n")
    sys.stdout.write("次に: piarules check --gate (独自ルールの検査とテスト)、piarules eval 評価書/\n")
