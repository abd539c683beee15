"""Human output: per-document findings with a code frame, then a summary line (Japanese).

Every line passes through `visible`: a value, a source line or a file name cannot send terminal
control sequences or bidi overrides to the reader's terminal, nor break a line."""

from __future__ import annotations

import unicodedata

from piarules.diagnostics import Diagnostic, Severity
from piarules.findings import Finding, RunReport, count_by_severity
from piarules.span import Span
from piarules.visible import visible


def display_width(text: str) -> int:
    """Display width: East Asian wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def code_frame(span: Span, source_lines: list[str] | None) -> list[str]:
    """`  12 | text` plus a `^^^` underline under the span (first line only)."""
    if not source_lines or not 0 < span.line <= len(source_lines):
        return []
    line = source_lines[span.line - 1]
    gutter = str(span.line)
    start = max(span.col - 1, 0)
    end = span.end_col - 1 if span.end_line == span.line and span.end_col > span.col else start + 1
    end = min(max(end, start + 1), max(len(line), start + 1))
    pad = " " * display_width(visible(line[:start], keep="\t"))  # widths of what is shown
    marks = "^" * max(display_width(visible(line[start:end], keep="\t")), 1)
    shown = visible(line if len(line) <= 160 else line[:157] + "…", keep="\t")
    return [f"{' ' * len(gutter)} |", f"{gutter} | {shown}", f"{' ' * len(gutter)} | {pad}{marks}"]


_NO_FRAME = frozenset({"PIA308"})
"""Codes about a file that is not readable text: its lines are not worth showing."""


def render_diagnostic(d: Diagnostic, sources: dict[str, list[str]]) -> list[str]:
    lines = [visible(d.one_line(), keep="\t")]
    if d.span and d.code not in _NO_FRAME:
        lines += ["  " + x for x in code_frame(d.span, sources.get(d.span.path))]
    return lines


def render_finding(f: Finding, source_lines: list[str] | None) -> list[str]:
    label = f"{f.severity.label_ja}[{f.rule_id}]"
    if f.waived_by is not None:
        label = f"例外[{f.rule_id}]"
    lines = [f"{f.span}: {label} {f.message}"]
    lines += ["  " + x for x in code_frame(f.span, source_lines)]
    if f.origin is not None:
        lines.append(f"  = 元の表: {f.origin.describe()}")
        cell = original_cell(f)
        if cell is not None and not source_lines:  # checked from an Excel file: show its cell
            lines.append(f"  = セルの記載: {cell}")
    lines.append(f"  = 項目: {f.path_text}")
    lines.append(f"  = 確度: {f.confidence_ja}" + (f" ({CONFIDENCE_NOTE[f.confidence]})" if f.confidence in CONFIDENCE_NOTE else ""))
    if f.missing_key:
        lines.append(f"  = 「{f.missing_key}」がこの節にありません")
    if f.references:
        lines.append("  = 根拠: " + "、".join(f.references))
    if f.hint:
        lines.append(f"  = 対処: {f.hint}")
    if f.waived_by is not None:
        w = f.waived_by
        lines.append(f"  = 例外として承認済み: {w.reason} (承認者 {w.approver}、期限 {w.expires}) [{w.span}]")
    return [visible(line, keep="\t") for line in lines]


CONFIDENCE_NOTE = {"medium": "文の読み取りによる判定です。確かめてください", "low": "推測による判定です。必ず人が確かめてください"}
"""What a finding that is not certain must say (every report shows 確度)."""


def original_cell(f: Finding, limit: int = 120) -> str | None:
    """The text of the table cell a finding is on (shortened), or None."""
    o = f.origin
    if o is None or o.column is None or not 0 < o.column <= len(o.cells):
        return None
    text = " ".join(o.cells[o.column - 1].split()) or "(空欄)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def undecided_rules(group: list[Finding]) -> str:
    """`CH-008 (警告)、LAW-006 (警告)`: the rules one unreadable value left undecided."""
    return "、".join(f"{f.rule_id} ({f.undecided.label_ja})" for f in group if f.undecided is not None)


def render_undecided(group: list[Finding], source_lines: list[str] | None) -> list[str]:
    """The rules that could not check items because of one unreadable value, as one entry (a
    date read by fifteen rules is one thing for the official to fix, not fifteen)."""
    first = group[0]
    lines = [f"{first.span}: 未判定 「{first.path_text}」を読めないため、次のルールはこれを読む項目を"
             f"確かめていません: {undecided_rules(group)}"]
    lines += ["  " + x for x in code_frame(first.span, source_lines)]
    if first.hint:
        lines.append(f"  = 対処: {first.hint}")
    return [visible(line, keep="\t") for line in lines]


def _undecided_by_value(findings: list[Finding]) -> dict[str, list[Finding]]:
    """Undecided findings grouped by the unreadable value's place (as its load error names it)."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if f.undecided is not None and f.waived_by is None:
            groups.setdefault(f.path_text, []).append(f)
    return groups


def _entries(findings: list[Finding], shown: set[str]) -> list[Finding | list[Finding]]:
    """Findings in order, the undecided ones grouped by the unreadable value they read (except
    the groups already shown under the value's load error)."""
    out: list[Finding | list[Finding]] = []
    groups = _undecided_by_value(findings)
    for f in findings:
        if f.undecided is None or f.waived_by is not None:
            out.append(f)
        elif f.path_text not in shown:
            shown.add(f.path_text)
            out.append(groups[f.path_text])
    return out


def summary_line(report: RunReport) -> str:
    counts = count_by_severity(report.open_findings)
    text = (f"{len(report.results)} 文書: エラー {counts[Severity.ERROR]} 件、警告 {counts[Severity.WARNING]} 件、"
            f"情報 {counts[Severity.INFO]} 件")
    if report.waived_count:
        text += f"、例外 {report.waived_count} 件"
    if report.baseline_suppressed:
        text += f"、ベースラインで除外 {report.baseline_suppressed} 件"
    value_errors = sum(len(r.value_errors) for r in report.results)
    if value_errors:
        text += (f"、様式に合わない記載 {value_errors} 件 (うち読めない値 {report.unreadable_values} 件、"
                 f"そのため未判定 {report.undecided_count} 件)")
    return text + (f"、読み込めない文書 {report.unreadable} 件" if report.unreadable else "")


def as_of_per_document(report: RunReport) -> str:
    """The dates the documents were judged as of (each its 公表日, else today), named."""
    dates = sorted({r.as_of for r in report.results if r.as_of is not None})
    if len(dates) == 1:
        return f"{dates[0].isoformat()} (文書の公表日、なければ実行日)"
    return "、".join(f"{r.path} {r.as_of.isoformat()}" for r in report.results if r.as_of is not None) or "なし"


def render(report: RunReport, sources: dict[str, list[str]]) -> str:
    out: list[str] = []
    for result in report.results:
        out.append(f"== {result.path}" + (f" ({result.kind})" if result.kind else ""))
        if result.companions:
            out.append("  組として一緒に検査: " + "、".join(result.companions))
        groups, shown = _undecided_by_value(result.findings), set()
        for d in result.errors:
            out += render_diagnostic(d, sources)
            place = d.message.split(": ", 1)[0]
            if place in groups:
                out.append(visible(f"  = 値を読めないため判定していないルール: {undecided_rules(groups[place])}", keep="\t"))
                shown.add(place)
        if result.loaded and not result.findings and not result.errors:
            out.append("  指摘はありません")
        for entry in _entries(result.findings, shown):
            if isinstance(entry, list):
                out += render_undecided(entry, sources.get(result.path))
            else:
                out += render_finding(entry, sources.get(result.path))
        if result.absent_sections:
            out.append("  注意: 次の節が文書にないため、その節を見るルールは何も検査していません: "
                       + "、".join(result.absent_sections))
        out.append("")
    if report.waiver_findings:
        out.append(f"== 例外ファイル {report.waiver_file}")
        for f in report.waiver_findings:
            out += render_finding(f, sources.get(f.span.path))
        out.append("")
    out.append(f"基準日: {report.as_of.isoformat()}" if report.as_of else "基準日: " + as_of_per_document(report))
    out.append(summary_line(report))
    return "\n".join(visible(line, keep="\t") for line in out)
