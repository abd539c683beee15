"""`piarules config`: the effective project configuration and where each value came from."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from piarules.config import Config


def config_command() -> None:
    """有効な設定 (piarules.toml / pyproject.toml の [tool.piarules]) と、各値の出どころを表示する。"""
    from piarules.cli.common import project_config
    from piarules.config import KEYS, toml_value
    from piarules.files import display_path
    from piarules.policy_sources import bundled_policy_dir

    config = project_config()
    out = []
    if config.file is None:
        out.append("# 設定ファイルはありません (piarules.toml、または pyproject.toml の [tool.piarules] を"
                   "作業ディレクトリから上へ探しました)。すべて既定値です")
    else:
        out.append(f"# 設定ファイル: {display_path(config.file)}" + (f" {config.table}" if config.table else ""))
    out.append(f"# 標準ポリシー: {display_path(bundled_policy_dir())}")
    width = max(len(k) for k in KEYS)
    for key, spec in KEYS.items():
        value = config.get(key)
        line = f"{key:<{width}} = {toml_value(value, key)}" if value is not None else f"# {key:<{width - 2}} (なし)"
        out.append(f"{line}  # {config.where(key)}: {spec.help}")
    sys.stdout.write("\n".join(out) + "\n")
    _check_selectors(config)


def _check_selectors(config: Config) -> None:
    """select / ignore / severity that name no rule of the policy set are errors here too."""
    import typer

    from piarules.api import load_policies
    from piarules.cli.common import policy_set_paths, print_diagnostics
    from piarules.cli.exit_codes import ExitCode
    from piarules.config import selector_problems

    if not any(config.given(key) for key in ("select", "ignore", "severity")):
        return
    policies = load_policies(policy_set_paths(None, False, config))
    problems = list(policies.diagnostics) if not policies.ok else selector_problems(config, [r.id for r in policies.check.rules])
    if problems:
        print_diagnostics(problems)
        raise typer.Exit(ExitCode.INVALID_INPUT)
