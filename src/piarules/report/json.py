"""Stable JSON output (schema version 1), documented in the README."""

from __future__ import annotations

import json
from typing import Any, TextIO

from piarules.diagnostics import Diagnostic
from piarules.findings import DocumentResult, Finding, Origin, RunInfo, RunReport, RunTotals, Waiver
from piarules.report import Spill
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
            "location": _location(d.span), "cell": d.cell}


def document_dict(r: DocumentResult) -> dict[str, Any]:
    return {"path": r.path, "kind": r.kind, "sha256": r.sha256, "loaded": r.loaded, "set": list(r.companions),
            "as_of": r.as_of.isoformat() if r.as_of else None, "imported": r.imported,
            "absent_sections": list(r.absent_sections), "errors": [_diagnostic(d) for d in r.errors],
            "findings": [finding_dict(f) for f in r.findings], "baseline_suppressed": r.baseline_suppressed,
            "unreadable_values": r.unreadable_values, "undecided_rules": sorted({f.rule_id for f in r.undecided})}


def head_dict(info: RunInfo, verdict: str) -> dict[str, Any]:
    return {"version": SCHEMA_VERSION, "as_of": info.as_of.isoformat() if info.as_of else None, "verdict": verdict,
            "policy_errors": [_diagnostic(d) for d in info.policy_diagnostics]}


def tail_dict(info: RunInfo, totals: RunTotals) -> dict[str, Any]:
    return {
        "waivers": {"file": info.waiver_file, "register": [_waiver(w) for w in info.waivers],
                    "problems": [finding_dict(f) for f in totals.waiver_findings]},
        "baseline": {"file": info.baseline_file, "suppressed": totals.baseline_suppressed},
        "summary": {"documents": totals.documents, **{s.value: n for s, n in totals.counts.items()},
                    "waived": totals.waived_count, "unreadable_documents": totals.unreadable,
                    "unreadable_values": totals.unreadable_values, "undecided": totals.undecided},
    }


def dumps(value: Any, indent: int | None = 2) -> str:
    """Valid UTF-8 JSON always: file names are already `display_path`s; should a lone surrogate
    still be in a string, that value is written with \\u escapes instead."""
    text = json.dumps(value, ensure_ascii=False, indent=indent, separators=None if indent else (",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, ensure_ascii=True, indent=indent, separators=None if indent else (",", ":"))
    return text


def _members(d: dict[str, Any]) -> str:
    """The members of an object as `json.dumps(…, indent=2)` writes them at the top level, without braces."""
    return dumps(d)[2:-2]


class Reporter:
    """The documents are spilled as they come (indented as the whole object would be), then
    written between the head, which holds the verdict, and the tail with the summary."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.spill = Spill()
        self.info = RunInfo()

    def start(self, info: RunInfo) -> None:
        self.info = info

    def document(self, result: DocumentResult) -> None:
        text = "\n".join("    " + line for line in dumps(document_dict(result)).split("\n"))
        self.spill.write(text if not self.spill.count else ",\n" + text)

    def finish(self, totals: RunTotals) -> None:
        out = self.out
        out.write("{\n" + _members(head_dict(self.info, totals.verdict)) + ",\n")
        if self.spill.count:
            out.write('  "documents": [\n')
            self.spill.copy_to(out)
            out.write("\n  ],\n")
        else:
            out.write('  "documents": [],\n')
        out.write(_members(tail_dict(self.info, totals)) + "\n}")


def to_dict(report: RunReport) -> dict[str, Any]:
    """The whole JSON object of a run held in memory."""
    totals = report.totals()
    return {**head_dict(report.info(), totals.verdict), "documents": [document_dict(r) for r in report.results],
            **tail_dict(report.info(), totals)}
