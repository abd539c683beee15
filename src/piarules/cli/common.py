"""Helpers shared by commands: date options, printing diagnostics, policy loading."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
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
