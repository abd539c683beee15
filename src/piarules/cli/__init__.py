"""The `piarules` command line: thin wrappers that parse options, call the library, report.

Heavy modules are imported inside each command, and only the invoked subcommand is registered
(building every command's options costs start-up time); `--help` and unknown names see all.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module

import typer

from piarules import code_store

code_store.install()  # before the CLI's modules create their dataclasses

from piarules.cli.common import quiet_stdout  # noqa: E402
from piarules.cli.exit_codes import ExitCode  # noqa: E402

COMMANDS: dict[str, tuple[str, str]] = {
    "eval": ("cmd_eval", "eval_command"),
    "explain": ("cmd_explain", "explain_command"),
    "import": ("cmd_import", "import_command"),
    "test": ("cmd_test", "test_command"),
    "check": ("cmd_check", "check_command"),
    "fmt": ("cmd_fmt", "fmt_command"),
    "rules": ("cmd_rules", "rules_command"),
    "schema": ("cmd_schema", "schema_command"),
    "lsp": ("cmd_lsp", "lsp_command"),
    "config": ("cmd_config", "config_command"),
    "init": ("cmd_init", "init_command"),
}


def build_app(only: str | None = None) -> typer.Typer:
    """The typer app with every command, or just `only` when it names one."""
    app = typer.Typer(
        name="piarules",
        help="特定個人情報保護評価書 (PIA) のルールチェッカー。\n\n"
        "終了コード: 0 = 基準以上の指摘なし、1 = 指摘あり、2 = 入力が不正 (YAML・ポリシー・オプション)。",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )

    @app.callback(invoke_without_command=True)
    def _group(
        version: bool = typer.Option(False, "--version", help="piarules のバージョンを表示する"),
    ) -> None:
        """Keeps `piarules NAME …` a group even when one command is registered."""
        if version:
            from piarules import __version__

            sys.stdout.write(f"piarules {__version__}\n")
            raise typer.Exit(0)

    names = [only] if only is not None and only in COMMANDS else list(COMMANDS)
    for name in names:
        module, function = COMMANDS[name]
        command: Callable[..., None] = getattr(import_module(f"piarules.cli.{module}"), function)
        app.command(name)(command)
    return app


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # the full app, for tests and `python -m piarules`
        return build_app()
    raise AttributeError(name)


def main() -> None:
    """Entry point: never lets a traceback reach the user."""
    from piarules.limits import check_environment

    for stream in (sys.stdout, sys.stderr):  # a name that is not UTF-8 must not crash a report
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    if problems := check_environment():
        sys.stderr.write("".join(d.one_line() + "\n" for d in problems))
        sys.exit(ExitCode.INVALID_INPUT)
    only = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] in COMMANDS else None
    try:
        build_app(only)(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("中断しました\n")
        sys.exit(130)
    except BrokenPipeError:  # the reader of stdout left before the end (`… | head`): output incomplete
        quiet_stdout()
        sys.exit(ExitCode.INVALID_INPUT)
    except Exception as exc:  # a bug in piarules: one clear line, not a traceback
        sys.stderr.write(f"piarules の内部エラー: {type(exc).__name__}: {exc} (この行を添えて報告してください)\n")
        sys.exit(ExitCode.INVALID_INPUT)
