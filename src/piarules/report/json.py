"""Stable JSON output (schema version 1), documented in README §JSON."""

from __future__ import annotations

import json
from typing import Any

from piarules.diagnostics import Diagnostic
from piarules.findings import DocumentResult, Finding, count_by_severity
from piarules.span import Span

SCHEMA_VERSION = 1


def _location(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"file": span.path, "line": span.line, "column": span.col,
            "end_line": span.end_line, "end_column": span.end_col}


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule_id, "severity": f.severity.value, "title": f.title, "message": f.message,
        "references": list(f.references), "hint": f.hint, "path": f.path_text,
        "path_parts": list(f.path), "missing_key": f.missing_key, "location": _location(f.span),
    }


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {"code": d.code, "severity": d.severity.value, "message": d.message, "help": d.help,
            "location": _location(d.span)}


def to_dict(results: list[DocumentResult], policy_diagnostics: list[Diagnostic]) -> dict[str, Any]:
    all_findings = [f for r in results for f in r.findings]
    counts = count_by_severity(all_findings)
    return {
        "version": SCHEMA_VERSION,
        "policy_errors": [_diagnostic(d) for d in policy_diagnostics],
        "documents": [
            {"path": r.path, "kind": r.kind, "loaded": r.loaded, "absent_sections": list(r.absent_sections),
             "errors": [_diagnostic(d) for d in r.errors], "findings": [_finding(f) for f in r.findings]}
            for r in results
        ],
        "summary": {"documents": len(results), **{s.value: n for s, n in counts.items()},
                    "unreadable_documents": sum(1 for r in results if not r.loaded)},
    }


def render(results: list[DocumentResult], policy_diagnostics: list[Diagnostic]) -> str:
    return json.dumps(to_dict(results, policy_diagnostics), ensure_ascii=False, indent=2)
