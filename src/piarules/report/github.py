"""GitHub Actions workflow commands: `::error file=…,line=…::message` per unwaived finding.

Text is made `visible` first (no terminal control or bidi characters reach the log), then
escaped as workflow commands require (%, CR, LF; and : , in properties)."""

from __future__ import annotations

from typing import TextIO

from piarules.diagnostics import Diagnostic
from piarules.findings import DocumentResult, Finding, RunInfo, RunTotals
from piarules.report import Spill
from piarules.visible import visible

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return visible(text, keep="\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(visible(text)).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    s = f.span
    props = (f"file={_property(s.path)},line={s.line},col={s.col},endLine={s.end_line},endColumn={s.end_col},"
             f"title={_property(f'{f.rule_id} {f.title}')}")
    where = f" [{f.origin.describe()}]" if f.origin else ""
    return f"::{_COMMAND[f.severity.value]} {props}::{_data(f'{f.message} (確度 {f.confidence_ja}){where}')}"


def _error(d: Diagnostic) -> str:
    assert d.span is not None  # INVARIANT: only located diagnostics become annotations
    return (f"::error file={_property(d.span.path)},line={d.span.line},col={d.span.col},"
            f"title={_property(d.code)}::{_data(d.message)}")


class Reporter:
    """Findings as each document comes; the documents' errors, which the format lists after
    every finding, are spilled until the end."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.errors = Spill()

    def start(self, info: RunInfo) -> None:
        pass

    def document(self, result: DocumentResult) -> None:
        for f in result.open_findings:
            self.out.write(annotation(f) + "\n")
        for d in result.errors:
            if d.span:
                self.errors.write(_error(d) + "\n")

    def finish(self, totals: RunTotals) -> None:
        for f in totals.waiver_findings:
            self.out.write(annotation(f) + "\n")
        self.errors.copy_to(self.out)
