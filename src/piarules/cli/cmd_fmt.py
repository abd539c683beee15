"""`piarules fmt [--check|--diff] PATH…`: format policy files in place (or check / show)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Annotated

import typer

from piarules.cli.common import print_diagnostics
from piarules.cli.exit_codes import ExitCode


def fmt_command(
    paths: Annotated[list[Path], typer.Argument(help="ポリシー (*.pia) またはディレクトリ")],
    check: Annotated[bool, typer.Option("--check", help="書き換えず、整形が必要なファイルがあれば終了コード 1")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="書き換えず、差分を表示する")] = False,
) -> None:
    """ポリシーを正準の形に整形する (コメントは残す。意味が変わる整形は書き込まない)。"""
    from piarules.api import read_source_text
    from piarules.diagnostics import PiarulesError
    from piarules.files import write_atomic
    from piarules.fmt import check_sound, format_policy
    from piarules.policy_sources import policy_files

    changed, broken = [], False
    files = policy_files(paths)
    if not files:
        sys.stderr.write("エラー[PIA501] 整形するポリシーファイル (*.pia) がありません\n")
        raise typer.Exit(ExitCode.INVALID_INPUT)
    for file in files:
        try:
            text = read_source_text(file, "ポリシー")
        except PiarulesError as exc:
            print_diagnostics(exc.diagnostics)
            broken = True
            continue
        formatted, diagnostics = format_policy(text, str(file))
        if formatted is None:
            print_diagnostics(diagnostics)
            broken = True
            continue
        if formatted == text:
            continue
        problem = check_sound(text, formatted, str(file))
        if problem:
            sys.stderr.write(f"{file}: {problem}。書き込みません (piarules の不具合として報告してください)\n")
            broken = True
            continue
        changed.append(file)
        if diff:
            sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), formatted.splitlines(True),
                                                       str(file), f"{file} (整形後)"))
        elif not check:
            try:
                write_atomic(file, formatted)
            except PiarulesError as exc:
                print_diagnostics(exc.diagnostics)
                broken = True
    verb = "整形が必要" if (check or diff) else "整形しました"
    for file in changed:
        sys.stderr.write(f"{verb}: {file}\n")
    if broken:
        raise typer.Exit(ExitCode.INVALID_INPUT)
    raise typer.Exit(ExitCode.FINDINGS if changed and (check or diff) else ExitCode.OK)
