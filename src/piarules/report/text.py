"""Human output: per-document findings with a code frame, then a summary line (Japanese)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable

from piarules.diagnostics import Diagnostic, Severity
from piarules.findings import DocumentResult, Finding, count_by_severity
from piarules.span import Span


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
    pad = " " * display_width(line[:start])
    marks = "^" * max(display_width(line[start:end]), 1)
    shown = line if len(line) <= 160 else line[:157] + "…"
    return [f"{' ' * len(gutter)} |", f"{gutter} | {shown}", f"{' ' * len(gutter)} | {pad}{marks}"]


def render_diagnostic(d: Diagnostic, sources: dict[str, list[str]]) -> list[str]:
    lines = [d.one_line()]
    if d.span:
        lines += ["  " + x for x in code_frame(d.span, sources.get(d.span.path))]
    return lines


def render_finding(f: Finding, source_lines: list[str] | None) -> list[str]:
    lines = [f"{f.span}: {f.severity.label_ja}[{f.rule_id}] {f.message}"]
    lines += ["  " + x for x in code_frame(f.span, source_lines)]
    lines.append(f"  = 項目: {f.path_text}")
    if f.missing_key:
        lines.append(f"  = 「{f.missing_key}」がこの節にありません")
    if f.references:
        lines.append("  = 根拠: " + "、".join(f.references))
    if f.hint:
        lines.append(f"  = 対処: {f.hint}")
    return lines


def summary_line(results: Iterable[DocumentResult]) -> str:
    results = list(results)
    counts = count_by_severity([f for r in results for f in r.findings])
    broken = sum(1 for r in results if not r.loaded)
    text = (f"{len(results)} 文書: エラー {counts[Severity.ERROR]} 件、警告 {counts[Severity.WARNING]} 件、"
            f"情報 {counts[Severity.INFO]} 件")
    return text + (f"、読み込めない文書 {broken} 件" if broken else "")


def render(results: list[DocumentResult], sources: dict[str, list[str]], as_of: dt.date | None) -> str:
    out: list[str] = []
    for result in results:
        header = f"== {result.path}" + (f" ({result.kind})" if result.kind else "")
        out.append(header)
        for d in result.errors:
            out += render_diagnostic(d, sources)
        if result.loaded and not result.findings:
            out.append("  指摘はありません")
        for f in result.findings:
            out += render_finding(f, sources.get(result.path))
        if result.absent_sections:
            out.append("  注意: 次の節が文書にないため、その節を見るルールは何も検査していません: "
                       + "、".join(result.absent_sections))
        out.append("")
    out.append(f"基準日: {as_of.isoformat()}" if as_of else "基準日: 各文書の公表日 (なければ今日)")
    out.append(summary_line(results))
    return "\n".join(out)
