"""One row per finding, for the lists officials work through (xlsx, csv): where it is in their
own file, what is wrong, how sure, on what grounds, what to do, and empty columns for their
follow-up (対応状況 / 担当 / 確認)."""

from __future__ import annotations

from piarules.diagnostics import Diagnostic
from piarules.findings import Finding, RunReport
from piarules.visible import visible

HEADERS = ("番号", "文書", "元の場所", "シート", "行", "セル", "項目", "ルール", "重大度", "確度", "指摘", "元の記載",
           "根拠", "対処", "例外", "対応状況", "担当", "確認")
FOLLOW_UP = ("対応状況", "担当", "確認")
"""Columns left empty for the officer."""
STATUSES = ("未対応", "対応中", "対応済", "対応不要")
"""What 対応状況 offers (a drop-down in the xlsx)."""


def _row(number: int, document: str, f: Finding) -> list[str | int]:
    o = f.origin
    place = o.describe() if o else str(f.span)
    original = ""
    if o and o.column and 0 < o.column <= len(o.cells):
        original = o.cells[o.column - 1]
    item = f.path_text + (f" (「{f.missing_key}」がない)" if f.missing_key else "")
    waived = ""
    if f.waived_by is not None:
        w = f.waived_by
        waived = f"承認済み: {w.reason} (承認者 {w.approver}、期限 {w.expires})"
    return [number, document, place, (o.sheet or "") if o else "", o.row if o else f.span.line, (o.cell or "") if o else "",
            item, f.rule_id, f.severity.label_ja, f.confidence_ja, f.message, original, "、".join(f.references),
            f.hint or "", waived, "", "", ""]


def _diagnostic_row(number: int, document: str, d: Diagnostic) -> list[str | int]:
    """A problem reading the document (an unreadable date in the table, a broken file): it is
    on the list too, so nothing the officer must fix is only on the screen."""
    line = d.span.line if d.span else ""
    return [number, document, str(d.span) if d.span else document, "", line, "", "", d.code, d.severity.label_ja, "高",
            d.message, "", "", d.help or "", "", "", "", ""]


def finding_rows(report: RunReport) -> list[list[str | int]]:
    """Every problem reading a document and every finding (waived ones included, marked), then
    the waiver file's problems; text made `visible` (no control characters, which neither XML
    nor a terminal should carry)."""
    rows: list[list[str | int]] = []
    for result in report.results:
        for d in result.errors:
            rows.append(_diagnostic_row(len(rows) + 1, result.path, d))
        for f in result.findings:
            rows.append(_row(len(rows) + 1, result.path, f))
    for f in report.waiver_findings:
        rows.append(_row(len(rows) + 1, report.waiver_file or "", f))
    return [[visible(v, keep="\t\n") if isinstance(v, str) else v for v in row] for row in rows]


def summary_rows(report: RunReport) -> list[tuple[str, str]]:
    """The run on one sheet: verdict, dates, counts, policies, tool."""
    from piarules.report.text import as_of_per_document, summary_line

    return [
        ("判定", report.verdict),
        ("基準日", report.as_of.isoformat() if report.as_of else as_of_per_document(report)),
        ("指摘", summary_line(report)),
        ("検査した文書", "、".join(r.path for r in report.results)),
        ("ポリシー", f"{len(report.policy_files)} ファイル、{len(report.rules)} ルール (SHA-256 {report.policy_digest})"),
        ("piarules", report.tool_version),
    ]
