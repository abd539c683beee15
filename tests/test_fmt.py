"""`piarules fmt`: golden pairs, comments kept, AST unchanged, fixed point, --check/--diff."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from piarules.api import bundled_policy_dir
from piarules.cli import app
from piarules.fmt import check_sound, format_policy, scan_comments
from piarules.syntax import parse_policy

HERE = Path(__file__).parent / "fmt"
PAIRS = sorted(HERE.glob("*.pia"))
BUNDLED = sorted(bundled_policy_dir().glob("*.pia"))


@pytest.mark.parametrize("source", PAIRS, ids=[p.name for p in PAIRS])
def test_golden_pair(source: Path) -> None:
    formatted, diagnostics = format_policy(source.read_text(encoding="utf-8"), str(source))
    assert not diagnostics
    assert formatted == Path(f"{source}.formatted").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", [*PAIRS, *BUNDLED], ids=[p.name for p in [*PAIRS, *BUNDLED]])
def test_sound_and_fixed_point(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    formatted, _ = format_policy(text, str(path))
    assert formatted is not None
    assert check_sound(text, formatted, str(path)) is None
    assert parse_policy(text, str(path))[0] == parse_policy(formatted, str(path))[0]


@pytest.mark.parametrize("path", [*PAIRS, *BUNDLED], ids=[p.name for p in [*PAIRS, *BUNDLED]])
def test_every_comment_is_kept(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    formatted, _ = format_policy(text, str(path))
    assert formatted is not None
    before = scan_comments(text)
    after = scan_comments(formatted)
    assert sorted([*before.own_line.values(), *before.trailing.values()]) == sorted(
        [*after.own_line.values(), *after.trailing.values()])


def test_bundled_policies_are_fmt_clean() -> None:
    for path in BUNDLED:
        text = path.read_text(encoding="utf-8")
        assert format_policy(text, str(path))[0] == text, f"run: piarules fmt {path}"


def test_hash_inside_strings_is_not_a_comment() -> None:
    comments = scan_comments('message "第#1号 「#2」"  # 本物\n')
    assert comments.trailing == {1: "# 本物"} and comments.own_line == {}


def test_cli_check_diff_and_write(tmp_path: Path) -> None:
    path = tmp_path / "p.pia"
    path.write_text((HERE / "messy.pia").read_text(encoding="utf-8"), encoding="utf-8")
    runner = CliRunner()
    check = runner.invoke(app, ["fmt", "--check", str(path)])
    assert check.exit_code == 1 and "整形が必要" in check.stderr
    diff = runner.invoke(app, ["fmt", "--diff", str(path)])
    assert diff.exit_code == 1 and "+const 窓 = 1 year" in diff.stdout
    write = runner.invoke(app, ["fmt", str(path)])
    assert write.exit_code == 0
    assert path.read_text(encoding="utf-8") == (HERE / "messy.pia.formatted").read_text(encoding="utf-8")
    assert runner.invoke(app, ["fmt", "--check", str(path)]).exit_code == 0


def test_broken_policy_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "bad.pia"
    path.write_text('rule A "x" {\n  severty error\n}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["fmt", str(path)])
    assert result.exit_code == 2 and "severity" in result.stderr
    assert path.read_text(encoding="utf-8") == 'rule A "x" {\n  severty error\n}\n'
