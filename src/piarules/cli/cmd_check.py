"""`piarules check [POLICY…] [--no-standard] [--gate]`: parse and statically check policies only
(a body's own policies are checked with the standard library they may `use`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from piarules.cli.common import print_diagnostics
from piarules.cli.exit_codes import ExitCode


def check_command(
    policies: Annotated[list[Path] | None, typer.Argument(help="独自のポリシー (*.pia) またはディレクトリ。既定: 設定の policies、なければ同梱の policies/")] = None,
    no_standard: Annotated[bool, typer.Option("--no-standard", help="同梱の標準ポリシーを読まない")] = False,
    explain: Annotated[str | None, typer.Option("--explain", help="診断コード (例: PIA206) の意味・理由・例を表示する")] = None,
    gate: Annotated[bool, typer.Option("--gate", help="検査に続けて fmt --check と test --strict (各ディレクトリの tests/) も行う (pre-commit・CI 用)")] = False,
) -> None:
    """ポリシーの構文と項目名・型を検査する (文書は読まない)。"""
    from piarules.api import bundled_policy_dir, load_policies
    from piarules.cli.common import own_policies, policy_set_paths, project_config

    if explain is not None:
        from piarules.diagnostics import CODES, suggestion
        from piarules.diagnostics import explain as explain_code

        text = explain_code(explain)
        if text is None:
            hint = suggestion(explain.upper(), CODES)
            sys.stderr.write(f"エラー[PIA501] 診断コード「{explain}」はありません" + (f" ({hint})" if hint else "") + "\n")
            raise typer.Exit(ExitCode.INVALID_INPUT)
        sys.stdout.write(text + "\n")
        return

    config = project_config()
    own = own_policies(policies, config)
    result = load_policies(policy_set_paths(own, no_standard, config))
    problems = [*result.diagnostics]
    if result.ok:  # the configuration's select / ignore / severity name rules of this set
        from piarules.config import selector_problems

        problems += selector_problems(config, [r.id for r in result.check.rules])
    print_diagnostics(problems)
    rules = len(result.check.rules)
    if not result.ok or len(problems) > len(result.diagnostics):
        sys.stderr.write(f"{len(problems)} 件の問題があります\n")
        raise typer.Exit(ExitCode.INVALID_INPUT)
    sys.stdout.write(f"{len(result.files)} ファイル、{rules} ルール: 問題ありません\n")
    if gate:
        _gate(own or [bundled_policy_dir()], no_standard)


def _gate(paths: list[Path], no_standard: bool = False) -> None:
    """fmt --check and test --strict after a clean check: the three checks a policy change must pass."""
    from piarules.cli.cmd_fmt import fmt_command
    from piarules.cli.cmd_test import test_command

    worst = ExitCode.OK
    for step in (lambda: fmt_command(paths, check=True, diff=False),
                 lambda: test_command([p / "tests" for p in paths if (p / "tests").is_dir()] or None, paths,
                                      no_standard=no_standard, strict=True, coverage=False)):
        try:
            step()
        except typer.Exit as exc:
            worst = max(worst, ExitCode(exc.exit_code))
    raise typer.Exit(worst)
