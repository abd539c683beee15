"""Stable JSON output (schema version 1), documented in the README."""

from __future__ import annotations

import json
from typing import Any

from piarules.diagnostics import Diagnostic
from piarules.findings import Finding, Origin, RunReport, Waiver, count_by_severity
from piarules.span import Span

SCHEMA_VERSION = 1


def _location(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"file": span.path, "line": span.line, "column": span.col,
            "end_line": span.end_line, "end_column": span.end_col}


def _waiver(w: Waiver | None) -> dict[str, Any] | None:
    if w is None:
        return None
    return {"rule": w.rule, "target": w.target(), "reason": w.reason, "approver": w.approver,
            "expires": w.expires.isoformat() if w.expires else None, "location": _location(w.span)}


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule_id, "severity": f.severity.value, "title": f.title, "message": f.message,
        "references": list(f.references), "hint": f.hint, "path": f.path_text,
        "path_parts": list(f.path), "missing_key": f.missing_key, "location": _location(f.span),
        "waived": _waiver(f.waived_by),
        "undecided": f.undecided.value if f.undecided is not None else None,
        "confidence": f.confidence, "origin": origin_dict(f.origin),
    }


def origin_dict(o: Origin | None) -> dict[str, Any] | None:
    """The table cell a finding is on (documents imported from Excel / CSV / TSV)."""
    if o is None:
        return None
    return {"file": o.file, "sheet": o.sheet, "row": o.row, "column": o.column, "header": o.header, "cell": o.cell,
            "text": o.cells[o.column - 1] if o.column and 0 < o.column <= len(o.cells) else None}


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {"code": d.code, "severity": d.severity.value, "message": d.message, "help": d.help,
            "location": _location(d.span)}


def to_dict(report: RunReport) -> dict[str, Any]:
    counts = count_by_severity(report.open_findings)
    return {
        "version": SCHEMA_VERSION,
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "verdict": report.verdict,
        "policy_errors": [_diagnostic(d) for d in report.policy_diagnostics],
        "documents": [
            {"path": r.path, "kind": r.kind, "sha256": r.sha256, "loaded": r.loaded, "set": list(r.companions),
             "as_of": r.as_of.isoformat() if r.as_of else None, "imported": r.imported,
             "absent_sections": list(r.absent_sections), "errors": [_diagnostic(d) for d in r.errors],
             "findings": [finding_dict(f) for f in r.findings], "baseline_suppressed": r.baseline_suppressed,
             "unreadable_values": r.unreadable_values, "undecided_rules": sorted({f.rule_id for f in r.undecided})}
            for r in report.results
        ],
        "waivers": {"file": report.waiver_file, "register": [_waiver(w) for w in report.waivers],
                    "problems": [finding_dict(f) for f in report.waiver_findings]},
        "baseline": {"file": report.baseline_file, "suppressed": report.baseline_suppressed},
        "summary": {"documents": len(report.results), **{s.value: n for s, n in counts.items()},
                    "waived": report.waived_count, "unreadable_documents": report.unreadable,
                    "unreadable_values": report.unreadable_values, "undecided": report.undecided_count},
    }


def render(report: RunReport) -> str:
    """Valid UTF-8 JSON always: file names are already `display_path`s; should a lone surrogate
    still be in a string, the whole text is written with \\u escapes instead."""
    text = json.dumps(to_dict(report), ensure_ascii=False, indent=2)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(to_dict(report), ensure_ascii=True, indent=2)
    return text
