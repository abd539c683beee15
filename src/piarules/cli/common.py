"""Helpers shared by commands: date options, printing diagnostics, policy loading."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import typer

from piarules.cli.exit_codes import ExitCode
from piarules.diagnostics import Diagnostic


def parse_as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    from piarules.jpvalues import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        fail(f"--as-of: {exc}")
    return None


def fail(message: str) -> None:
    """A usage error: one line on stderr, exit 2."""
    sys.stderr.write(f"エラー[PIA501] {message}\n")
    raise typer.Exit(ExitCode.INVALID_INPUT)


def source_lines(paths: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in set(paths):
        try:
            out[path] = Path(path).read_text(encoding="utf-8-sig", errors="replace").splitlines()
        except OSError:
            continue
    return out


def print_diagnostics(diagnostics: list[Diagnostic], stream: TextIO | None = None) -> None:
    from piarules.report.text import render_diagnostic

    sources = source_lines(d.span.path for d in diagnostics if d.span)
    out = stream or sys.stderr
    for d in diagnostics:
        out.write("\n".join(render_diagnostic(d, sources)) + "\n")
