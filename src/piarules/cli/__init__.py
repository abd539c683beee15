"""The `piarules` command line: thin wrappers that parse options, call the library, report.

Heavy modules are imported inside each command, so `piarules --help` stays fast.
"""

from __future__ import annotations

import sys

import typer

from piarules.cli.exit_codes import ExitCode

app = typer.Typer(
    name="piarules",
    help="特定個人情報保護評価書 (PIA) のルールチェッカー。\n\n"
    "終了コード: 0 = 基準以上の指摘なし、1 = 指摘あり、2 = 入力が不正 (YAML・ポリシー・オプション)。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _register() -> None:
    from piarules.cli import cmd_check, cmd_eval, cmd_explain, cmd_fmt, cmd_import, cmd_rules, cmd_schema, cmd_test

    app.command("eval")(cmd_eval.eval_command)
    app.command("import")(cmd_import.import_command)
    app.command("schema")(cmd_schema.schema_command)
    app.command("check")(cmd_check.check_command)
    app.command("test")(cmd_test.test_command)
    app.command("rules")(cmd_rules.rules_command)
    app.command("explain")(cmd_explain.explain_command)
    app.command("fmt")(cmd_fmt.fmt_command)


_register()


def main() -> None:
    """Entry point: never lets a traceback reach the user."""
    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("中断しました\n")
        sys.exit(130)
    except Exception as exc:  # a bug in piarules: one clear line, not a traceback
        sys.stderr.write(f"piarules の内部エラー: {type(exc).__name__}: {exc} (この行を添えて報告してください)\n")
        sys.exit(ExitCode.INVALID_INPUT)
