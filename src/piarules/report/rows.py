"""One row per finding, for the lists officials work through (xlsx, csv): where it is in their
own file, what is wrong, how sure, on what grounds, what to do, and empty columns for their
follow-up (対応状況 / 担当 / 確認)."""

from __future__ import annotations

from piarules.diagnostics import Diagnostic, Severity
from piarules.findings import AsOfDates, DocumentResult, Finding, RunInfo, RunTotals, count_by_severity
from piarules.visible import visible

HEADERS = ("番号", "文書", "元の場所", "シート", "行", "セル", "項目", "ルール", "重大度", "確度", "指摘", "元の記載",
           "根拠", "対処", "例外", "対応状況", "担当", "確認")
FOLLOW_UP = ("対応状況", "担当", "確認")
"""Columns left empty for the officer."""
STATUSES = ("未対応", "対応中", "対応済", "対応不要")
"""What 対応状況 offers (a drop-down in the xlsx)."""

Row = list[str | int]


def _row(number: int, document: str, f: Finding) -> Row:
    o = f.origin
    place = o.describe() if o else str(f.span)
    original = ""
    if o and o.column and 0 < o.column <= len(o.cells):
        original = o.cells[o.column - 1] if o.cells[o.column - 1].strip() else "(空欄)"
    item = f.path_text + (f" (「{f.missing_key}」がない)" if f.missing_key else "")
    waived = ""
    if f.waived_by is not None:
        w = f.waived_by
        waived = f"承認済み: {w.reason} (承認者 {w.approver}、期限 {w.expires})"
    return [number, document, place, (o.sheet or "") if o else "", o.row if o else f.span.line, (o.cell or "") if o else "",
            item, f.rule_id, f.severity.label_ja, f.confidence_ja, f.message, original, "、".join(f.references),
            f.hint or "", waived, "", "", ""]


def _diagnostic_row(number: int, document: str, d: Diagnostic) -> Row:
    """A problem reading the document (an unreadable date in the table, a broken file): it is
    on the list too, so nothing the officer must fix is only on the screen."""
    line = d.span.line if d.span else ""
    sheet = d.cell.split("!", 1)[0] if d.cell and "!" in d.cell else ""
    place = f"{d.span.path if d.span else document} {d.cell}" if d.cell else str(d.span) if d.span else document
    written = ("(空欄)" if not d.cell_text.strip() else d.cell_text) if d.cell_text is not None else ""
    return [number, document, place, sheet, line, d.cell or "", "", d.code, d.severity.label_ja, "高",
            d.message, written, "", d.help or "", "", "", "", ""]


_EXACT = 2**53
"""Integers beyond this lose digits as Excel numbers (and overflow past a float): written as text."""


def _visible(rows: list[Row]) -> list[Row]:
    """Text made `visible`: no control characters, which neither XML nor a terminal should carry;
    integers too large for a spreadsheet number kept whole as text."""
    return [[visible(v, keep="\t\n") if isinstance(v, str) else str(v) if abs(v) >= _EXACT else v for v in row]
            for row in rows]


def document_rows(result: DocumentResult, first: int) -> list[Row]:
    """Every problem reading one document and every finding (waived ones included, marked),
    numbered from `first`."""
    rows: list[Row] = []
    for d in result.errors:
        rows.append(_diagnostic_row(first + len(rows), result.path, d))
    for f in result.findings:
        rows.append(_row(first + len(rows), result.path, f))
    return _visible(rows)


def waiver_rows(findings: list[Finding], waiver_file: str | None, first: int) -> list[Row]:
    """The waiver file's problems, numbered from `first`."""
    return _visible([_row(first + n, waiver_file or "", f) for n, f in enumerate(findings)])


def summary_rows(info: RunInfo, totals: RunTotals, dates: AsOfDates) -> list[tuple[str, str]]:
    """The run on one sheet: verdict, dates, counts, policies, tool."""
    from piarules.report.text import summary_line

    return [
        ("判定", totals.verdict),
        ("基準日", info.as_of.isoformat() if info.as_of else dates.describe()),
        ("指摘", summary_line(totals)),
        ("ポリシー", f"{len(info.policy_files)} ファイル、{len(info.rules)} ルール (SHA-256 {info.policy_digest})"),
        ("piarules", info.tool_version),
    ]


DOCUMENT_HEADERS = ("文書", "種類", "基準日", "SHA-256", "エラー", "警告", "情報", "例外", "読めない値", "組")


def document_summary(result: DocumentResult) -> Row:
    """One document on the list of documents checked."""
    counts = count_by_severity(result.open_findings)
    state = [counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO]] if result.loaded else ["読み込めません", "", ""]
    return _visible([[result.path, result.kind or "", result.as_of.isoformat() if result.as_of else "", result.sha256 or "",
                      *state, len(result.waived_findings), result.unreadable_values, "、".join(result.companions)]])[0]
