"""GitHub Actions workflow commands: `::error file=…,line=…::message` per unwaived finding.

Text is made `visible` first (no terminal control or bidi characters reach the log), then
escaped as workflow commands require (%, CR, LF; and : , in properties)."""

from __future__ import annotations

from piarules.findings import Finding, RunReport
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


def render(report: RunReport) -> str:
    lines = [annotation(f) for f in report.open_findings]
    for doc in report.results:
        for d in doc.errors:
            if d.span:
                lines.append(f"::error file={_property(d.span.path)},line={d.span.line},col={d.span.col},"
                             f"title={_property(d.code)}::{_data(d.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
