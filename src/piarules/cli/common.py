"""Helpers shared by commands: date options, printing diagnostics, policy loading."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import typer

from piarules.cli.exit_codes import ExitCode
from piarules.diagnostics import Diagnostic

if TYPE_CHECKING:
    from piarules.api import PolicySet
    from piarules.config import Config
    from piarules.selection import Selection


def parse_as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    from piarules.jpvalues import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        fail(f"--as-of: {exc}")
    return None


FORM_KINDS = ("基礎項目評価書", "重点項目評価書", "全項目評価書")


def parse_kind(value: str | None, option: str = "--kind") -> str | None:
    """評価書の種類 for a table: the full name, or its start (基礎 / 重点 / 全項目)."""
    if value is None:
        return None
    text = value.strip()
    found = [k for k in FORM_KINDS if text and k.startswith(text)]
    if len(found) != 1:
        fail(f"{option}: 評価書の種類「{value}」はありません (選べるもの: {' / '.join(FORM_KINDS)})")
    return found[0]


def write_stdout(text: str) -> None:
    """Write a report to stdout; a reader that left early (`… | head`) is not an error: the
    command still writes its --output files and exits with its verdict."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()


class StdoutStream:
    """stdout for a report written in pieces: ends with exactly one line break whatever the
    reporter wrote last (as `write_stdout(text.rstrip("\\n") + "\\n")`), and a reader that left
    early (`… | head`) is not an error: the rest is dropped."""

    def __init__(self) -> None:
        self.pending = ""
        self.closed = False

    def write(self, text: str) -> int:
        if not text or self.closed:
            return len(text)
        body = text.rstrip("\n")
        if body:
            self._emit(self.pending + body)
            self.pending = ""
        self.pending += "\n" * (len(text) - len(body))
        return len(text)

    def _emit(self, text: str) -> None:
        try:
            sys.stdout.write(text)
        except BrokenPipeError:
            self.closed = True
            quiet_stdout()

    def close(self) -> None:
        if not self.closed:
            self._emit("\n")
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                quiet_stdout()
        self.closed = True


def quiet_stdout() -> None:
    """Point stdout at /dev/null, so the flush at exit does not fail again on the closed pipe."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def fail(message: str) -> None:
    """A usage error: one line on stderr, exit 2."""
    from piarules.visible import visible

    sys.stderr.write(f"エラー[PIA501] {visible(message, keep=chr(9))}\n")
    raise typer.Exit(ExitCode.INVALID_INPUT)


def source_lines(paths: Iterable[str | Path]) -> dict[str, list[str]]:
    """The lines of each readable file, keyed by its name as reports show it (`display_path`)."""
    from piarules.files import display_path, read_lines

    out: dict[str, list[str]] = {}
    for path in set(paths):
        lines = read_lines(path)
        if lines is not None:
            out[display_path(path)] = lines
    return out


def print_diagnostics(diagnostics: list[Diagnostic], stream: TextIO | None = None) -> None:
    from piarules.report.text import render_diagnostic

    sources = source_lines(d.span.path for d in diagnostics if d.span)
    out = stream or sys.stderr
    for d in diagnostics:
        out.write("\n".join(render_diagnostic(d, sources)) + "\n")


# ---------------------------------------------------------------- configuration and policy sets


def project_config() -> Config:
    """The project configuration (piarules.toml / [tool.piarules], found upward), or exit 2 with
    its located errors."""
    from piarules.config import discover
    from piarules.diagnostics import PiarulesError

    try:
        return discover()
    except PiarulesError as exc:
        print_diagnostics(exc.diagnostics)
        raise typer.Exit(ExitCode.INVALID_INPUT) from None


def own_policies(given: list[Path] | None, config: Config) -> list[Path]:
    """The body's own policies: those given on the command line, else the configuration's."""
    return list(given) if given else list(config.get("policies"))


def policy_set_paths(given: list[Path] | None, no_standard: bool, config: Config) -> list[Path]:
    """The policies a command runs: the standard library (unless --no-standard or `standard =
    false`) and the body's own policies."""
    from piarules.policy_sources import with_standard

    return with_standard(own_policies(given, config), standard=not no_standard and bool(config.get("standard")))


def load_policy_set(given: list[Path] | None, no_standard: bool, config: Config,
                    selection: Selection | None = None) -> PolicySet:
    """Load, check and select the policies of a command; on errors print them and exit 2."""
    from piarules.api import load_policies
    from piarules.config import selector_problems
    from piarules.selection import apply_selection

    policies = load_policies(policy_set_paths(given, no_standard, config))
    problems = selector_problems(config, [r.id for r in policies.check.rules]) if policies.ok else []
    if not policies.ok or problems:
        print_diagnostics([*policies.diagnostics, *problems])
        sys.stderr.write("ポリシーまたは設定にエラーがあるため中止しました\n")
        raise typer.Exit(ExitCode.INVALID_INPUT)
    return apply_selection(policies, selection) if selection is not None else policies


def selection_of(config: Config, min_confidence: str | None = None) -> Selection:
    """The rule selection of the configuration (min-confidence overridden by the option)."""
    from piarules.diagnostics import Confidence
    from piarules.selection import Selection

    confidence = min_confidence or config.get("min-confidence")
    return Selection(tuple(config.get("select")), tuple(config.get("ignore")), tuple(config.get("severity")),
                     None if confidence == "low" else Confidence(confidence))
