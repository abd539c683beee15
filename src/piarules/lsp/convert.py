"""piarules diagnostics and findings → LSP diagnostics (ranges in the client's code units)."""

from __future__ import annotations

from lsprotocol import types

from piarules.diagnostics import Diagnostic, Severity
from piarules.findings import Finding
from piarules.lsp.positions import Lines

SOURCE = "piarules"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def diagnostic(d: Diagnostic, lines: Lines) -> types.Diagnostic:
    """A checker or loader diagnostic: code, message and range as `piarules check` prints them;
    the help (「もしかして…」) follows the message on its own line and is kept in `data`."""
    message = d.message + (f"\n{d.help}" if d.help else "")
    return types.Diagnostic(range=lines.range(d.span), message=message, severity=_SEVERITY.get(d.severity),
                            code=d.code, source=SOURCE, data={"help": d.help} if d.help else None)


def finding(f: Finding, lines: Lines) -> types.Diagnostic:
    """A rule's finding on an assessment: the rule id is the code (a code action explains it)."""
    parts = [f.message]
    if f.hint:
        parts.append(f"ヒント: {f.hint}")
    if f.references:
        parts.append("根拠: " + "、".join(f.references))
    if f.missing_key:
        parts.append(f"(「{f.missing_key}」がありません: {f.path_text})")
    return types.Diagnostic(range=lines.range(f.span), message="\n".join(parts), severity=_SEVERITY.get(f.severity),
                            code=f.rule_id, source=SOURCE, data={"rule": f.rule_id, "path": f.path_text})
