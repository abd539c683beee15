"""Human output: per-document findings with a code frame, then a summary line (Japanese).

Every line passes through `visible`: a value, a source line or a file name cannot send terminal
control sequences or bidi overrides to the reader's terminal, nor break a line."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from typing import TextIO

from piarules.diagnostics import Diagnostic, Severity
from piarules.findings import AsOfDates, DocumentResult, Finding, RunInfo, RunTotals
from piarules.span import Span
from piarules.visible import visible


def display_width(text: str) -> int:
    """Display width: East Asian wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def code_frame(span: Span, lines: Mapping[int, str] | None) -> list[str]:
    """`  12 | text` plus a `^^^` underline under the span (first line only). `lines` maps line
    numbers to their text (a whole file's, or a document's excerpt)."""
    if not lines or span.line not in lines:
        return []
    line = lines[span.line]
    gutter = str(span.line)
    start = max(span.col - 1, 0)
    end = span.end_col - 1 if span.end_line == span.line and span.end_col > span.col else start + 1
    end = min(max(end, start + 1), max(len(line), start + 1))
    pad = " " * display_width(visible(line[:start], keep="\t"))  # widths of what is shown
    marks = "^" * max(display_width(visible(line[start:end], keep="\t")), 1)
    shown = visible(line if len(line) <= 160 else line[:157] + "…", keep="\t")
    return [f"{' ' * len(gutter)} |", f"{gutter} | {shown}", f"{' ' * len(gutter)} | {pad}{marks}"]


def numbered(lines: list[str] | None) -> dict[int, str] | None:
    """A file's lines keyed by their 1-based numbers (what code_frame reads)."""
    return None if lines is None else dict(enumerate(lines, 1))


_NO_FRAME = frozenset({"PIA308"})
"""Codes about a file that is not readable text: its lines are not worth showing."""


def render_diagnostic(d: Diagnostic, sources: dict[str, list[str]] | None = None,
                      lines: Mapping[int, str] | None = None) -> list[str]:
    """A diagnostic and its code frame: from `lines` (the excerpt of the file it is in), else
    from `sources` (whole files by name)."""
    out = [visible(d.one_line(), keep="\t")]
    if d.cell:
        out.append(visible(f"  = セル: {d.cell}", keep="\t"))
    if d.span and d.code not in _NO_FRAME:
        if lines is None and sources is not None:
            lines = numbered(sources.get(d.span.path))
        out += ["  " + x for x in code_frame(d.span, lines)]
    return out


def render_finding(f: Finding, lines: Mapping[int, str] | None) -> list[str]:
    label = f"{f.severity.label_ja}[{f.rule_id}]"
    if f.waived_by is not None:
        label = f"例外[{f.rule_id}]"
    out = [f"{f.span}: {label} {f.message}"]
    out += ["  " + x for x in code_frame(f.span, lines)]
    if f.origin is not None:
        out.append(f"  = 元の表: {f.origin.describe()}")
        cell = original_cell(f)
        if cell is not None and not lines:  # checked from an Excel file: show its cell
            out.append(f"  = セルの記載: {cell}")
    out.append(f"  = 項目: {f.path_text}")
    out.append(f"  = 確度: {f.confidence_ja}" + (f" ({CONFIDENCE_NOTE[f.confidence]})" if f.confidence in CONFIDENCE_NOTE else ""))
    if f.missing_key:
        out.append(f"  = 「{f.missing_key}」がこの節にありません")
    if f.references:
        out.append("  = 根拠: " + "、".join(f.references))
    if f.hint:
        out.append(f"  = 対処: {f.hint}")
    if f.waived_by is not None:
        w = f.waived_by
        out.append(f"  = 例外として承認済み: {w.reason} (承認者 {w.approver}、期限 {w.expires}) [{w.span}]")
    return [visible(line, keep="\t") for line in out]


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


def render_undecided(group: list[Finding], lines: Mapping[int, str] | None) -> list[str]:
    """The rules that could not check items because of one unreadable value, as one entry (a
    date read by fifteen rules is one thing for the official to fix, not fifteen)."""
    first = group[0]
    out = [f"{first.span}: 未判定 「{first.path_text}」を読めないため、次のルールはこれを読む項目を"
           f"確かめていません: {undecided_rules(group)}"]
    out += ["  " + x for x in code_frame(first.span, lines)]
    if first.hint:
        out.append(f"  = 対処: {first.hint}")
    return [visible(line, keep="\t") for line in out]


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


def summary_line(totals: RunTotals) -> str:
    counts = totals.counts
    text = (f"{totals.documents} 文書: エラー {counts[Severity.ERROR]} 件、警告 {counts[Severity.WARNING]} 件、"
            f"情報 {counts[Severity.INFO]} 件")
    if totals.waived_count:
        text += f"、例外 {totals.waived_count} 件"
    if totals.baseline_suppressed:
        text += f"、ベースラインで除外 {totals.baseline_suppressed} 件"
    if totals.value_errors:
        text += (f"、様式に合わない記載 {totals.value_errors} 件 (うち読めない値 {totals.unreadable_values} 件、"
                 f"そのため未判定 {totals.undecided} 件)")
    return text + (f"、読み込めない文書 {totals.unreadable} 件" if totals.unreadable else "")


def render_document(result: DocumentResult, show_as_of: bool = False) -> list[str]:
    """The lines of one document: its errors (each unreadable value with the rules it left
    undecided) and findings with code frames, what it lacks. `show_as_of`: the run has no one
    基準日, so the document's own is on its heading."""
    out = [f"== {result.path}" + (f" ({result.kind})" if result.kind else "")
           + (f" 基準日 {result.as_of.isoformat()}" if show_as_of and result.as_of else "")]
    if result.companions:
        out.append("  組として一緒に検査: " + "、".join(result.companions))
    groups, shown = _undecided_by_value(result.findings), set()
    for d in result.errors:
        out += render_diagnostic(d, lines=result.excerpt if d.span and d.span.path == result.path else {})
        place = d.message.split(": ", 1)[0]
        if place in groups:
            out.append(visible(f"  = 値を読めないため判定していないルール: {undecided_rules(groups[place])}", keep="\t"))
            shown.add(place)
    if result.loaded and not result.findings and not result.errors:
        out.append("  指摘はありません")
    for entry in _entries(result.findings, shown):
        if isinstance(entry, list):
            out += render_undecided(entry, result.excerpt)
        else:
            out += render_finding(entry, result.excerpt)
    if result.imported and result.loaded and not result.kind:
        out.append("  注意: 表から評価書の種類が分からないため、種類を限るルール (提出時期の判断など) は検査していません。"
                   "--kind 重点 (または 基礎 / 全項目) を指定するか、設定に kind を書いてください")
    if result.absent_sections:
        out.append("  注意: 次の節が文書にないため、その節を見るルールは何も検査していません: "
                   + "、".join(result.absent_sections))
    out.append("")
    return out


class Reporter:
    """Writes each document as it comes; the waiver file's problems and the summary at the end."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.as_of: dt.date | None = None
        self.waiver_file: str | None = None
        self.first = True
        self.dates = AsOfDates()

    def _lines(self, lines: list[str]) -> None:
        text = "\n".join(visible(line, keep="\t") for line in lines)
        self.out.write(text if self.first else "\n" + text)
        self.first = False

    def start(self, info: RunInfo) -> None:
        self.as_of, self.waiver_file = info.as_of, info.waiver_file

    def document(self, result: DocumentResult) -> None:
        self.dates.add(result)
        self._lines(render_document(result, show_as_of=self.as_of is None))

    def finish(self, totals: RunTotals) -> None:
        out: list[str] = []
        if totals.waiver_findings:
            out.append(f"== 例外ファイル {self.waiver_file}")
            for f in totals.waiver_findings:
                out += render_finding(f, totals.waiver_excerpt)
            out.append("")
        out.append(f"基準日: {self.as_of.isoformat()}" if self.as_of else f"基準日: {self.dates.describe()}")
        out.append(summary_line(totals))
        self._lines(out)
