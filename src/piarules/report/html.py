"""A self-contained Japanese HTML report for the reviewer or the 個人情報保護管理者.

Verdict first (提出可 / 要修正), then the documents checked (with SHA-256 and the date each was
judged as of), the policy set, findings grouped by severity and rule with the offending YAML
lines or the original table row, each with its 確度, the waived findings, the waiver register,
and a 確認欄 to sign. No scripts, fonts or other network resources. It prints on A4: nothing
is wider than the page (long lines wrap), and a finding is not split across pages.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape as _html_escape

from piarules.diagnostics import Severity
from piarules.findings import Finding, RunReport, count_by_severity
from piarules.report.text import as_of_per_document
from piarules.tables import COLUMNS
from piarules.visible import visible

_CSS = """
body{font-family:"Hiragino Sans","Noto Sans CJK JP","Yu Gothic",sans-serif;margin:2rem auto;max-width:1100px;
color:#1b1b1b;line-height:1.6;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.5rem}h2{border-bottom:2px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
.verdict{font-size:2rem;font-weight:bold;padding:.6rem 1.2rem;border-radius:.4rem;display:inline-block}
.verdict.ok{background:#e3f4e6;color:#0b5d1e;border:2px solid #0b5d1e}
.verdict.ng{background:#fde8e8;color:#9b1c1c;border:2px solid #9b1c1c}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}
.sev{display:inline-block;padding:0 .4rem;border-radius:.2rem;font-size:.9rem;color:#fff}
.sev.error{background:#b42318}.sev.warning{background:#b54708}.sev.info{background:#175cd3}.sev.waived{background:#667085}
article{border:1px solid #ddd;border-radius:.4rem;padding:.5rem 1rem;margin:1rem 0}
.finding{border-top:1px dashed #ddd;padding:.4rem 0}.where{font-family:monospace;color:#444}
pre{background:#f7f7f7;padding:.4rem;font-size:.85rem;white-space:pre-wrap;overflow-wrap:anywhere}
pre .hit{background:#fff3bf}
.hash{font-family:monospace;font-size:.8rem;word-break:break-all}.muted{color:#666}
td,th,p,h3{overflow-wrap:anywhere}table.row{table-layout:fixed;font-size:.85rem}table.row td.hit{background:#fff3bf}
.conf{display:inline-block;padding:0 .4rem;border-radius:.2rem;font-size:.85rem;border:1px solid #999}
.conf.medium{border-color:#b54708;color:#b54708}.conf.low{border-color:#9b1c1c;color:#9b1c1c;font-weight:bold}
#signoff table{table-layout:fixed}#signoff td{height:3.2rem}
@page{size:A4;margin:14mm 12mm}
@media print{body{margin:0;max-width:none;padding:0;font-size:10pt}.finding,#signoff,tr{break-inside:avoid}
h2{break-after:avoid}h3{break-after:avoid}.verdict{font-size:1.4rem}pre{font-size:8pt}}
"""
_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def escape(text: str) -> str:
    """HTML-escaped and `visible`: no control characters (invalid in HTML), no bidi overrides."""
    return _html_escape(visible(text, keep="\t\n"))


def _context(f: Finding, sources: dict[str, list[str]]) -> str:
    lines = sources.get(f.span.path)
    if not lines or f.span.line < 1:
        return ""
    start, end = max(f.span.line - 2, 1), min(f.span.line + 2, len(lines))
    rows = []
    for n in range(start, end + 1):
        text = escape(f"{n:>5} | {lines[n - 1][:200]}")
        rows.append(f'<span class="hit">{text}</span>' if n == f.span.line else text)
    return "<pre>" + "\n".join(rows) + "</pre>"


_CONFIDENCE_TEXT = {"high": "確度 高", "medium": "確度 中 (文の読み取りによる判定。確かめてください)",
                    "low": "確度 低 (推測による判定。必ず人が確かめてください)"}


def _confidence(f: Finding) -> str:
    return f'<span class="conf {escape(f.confidence)}">{escape(_CONFIDENCE_TEXT.get(f.confidence, f.confidence))}</span>'


def _original_row(f: Finding) -> str:
    """The table row the finding is on, as the officer wrote it, the cell highlighted."""
    o = f.origin
    if o is None:
        return ""
    head = f'<p class="where">元の表: {escape(o.describe())}</p>'
    if not o.cells:
        return head
    names = "".join(f"<th>{escape(n)}</th>" for n in COLUMNS)
    hit = ' class="hit"'
    cells = "".join(f"<td{hit if i + 1 == o.column else ''}>{escape(c[:400])}</td>" for i, c in enumerate(o.cells))
    return f'{head}<table class="row"><tr>{names}</tr><tr>{cells}</tr></table>'


def _finding(f: Finding, sources: dict[str, list[str]]) -> str:
    where = f"{escape(str(f.span))} — {escape(f.path_text)}"
    missing = f"<p>「{escape(f.missing_key)}」がこの節にありません</p>" if f.missing_key else ""
    waived = ""
    if f.waived_by is not None:
        w = f.waived_by
        waived = (f'<p><span class="sev waived">例外</span> 理由: {escape(w.reason or "")} / 承認者: '
                  f"{escape(w.approver or '')} / 期限: {w.expires}</p>")
    return (f'<div class="finding"><p class="where">{where}</p><p class="msg">{escape(f.message)} {_confidence(f)}</p>'
            f"{missing}{waived}{_context(f, sources)}{_original_row(f)}</div>")


def _rule_groups(findings: list[Finding], sources: dict[str, list[str]]) -> str:
    parts = []
    for severity in _ORDER:
        by_rule: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            if f.severity == severity:
                by_rule[f.rule_id].append(f)
        for rule_id in sorted(by_rule):
            group = by_rule[rule_id]
            first = group[0]
            refs = f"<p>根拠: {escape('、'.join(first.references))}</p>" if first.references else ""
            hint = f"<p>対処: {escape(first.hint)}</p>" if first.hint else ""
            body = "".join(_finding(f, sources) for f in group)
            parts.append(f'<article id="rule-{escape(rule_id)}"><h3><span class="sev {severity.value}">'
                         f"{severity.label_ja}</span> {escape(rule_id)} {escape(first.title)} ({len(group)} 件)</h3>"
                         f"{refs}{hint}{body}</article>")
    return "".join(parts) or "<p>指摘はありません。</p>"


def _documents(report: RunReport) -> str:
    rows = []
    for r in report.results:
        counts = count_by_severity(r.open_findings)
        state = "読み込めません" if not r.loaded else (
            f"エラー {counts[Severity.ERROR]} / 警告 {counts[Severity.WARNING]} / 情報 {counts[Severity.INFO]}"
            + (f" / 例外 {len(r.waived_findings)}" if r.waived_findings else ""))
        absent = "、".join(r.absent_sections)
        together = f"<br><small>組: {escape('、'.join(r.companions))}</small>" if r.companions else ""
        as_of = r.as_of.isoformat() if r.as_of else ""
        imported = "<br><small>表から取り込み</small>" if r.imported else ""
        rows.append(f"<tr><td>{escape(r.path)}{imported}{together}</td><td>{escape(r.kind or '')}</td><td>{as_of}</td>"
                    f'<td class="hash">{escape(r.sha256 or "")}</td><td>{state}</td><td>{escape(absent)}</td></tr>')
    return ("<table><tr><th>文書</th><th>種類</th><th>基準日</th><th>SHA-256</th><th>指摘</th><th>文書にない節 (未検査)</th></tr>"
            + "".join(rows) + "</table>")


def _waiver_register(report: RunReport) -> str:
    if not report.waivers:
        return "<p>例外ファイルは指定されていません。</p>" if not report.waiver_file else "<p>例外はありません。</p>"
    problems = {f.path[1]: f for f in report.waiver_findings if len(f.path) == 2}
    used = {i for r in report.results for i in r.matched_waivers}
    rows = []
    for w in report.waivers:
        problem = problems.get(w.index)
        state = escape(problem.title) if problem else ("適用" if w.index in used else "未使用")
        rows.append(f"<tr><td>{escape(w.rule)}</td><td>{escape(w.target())}</td><td>{escape(w.reason or '(なし)')}</td>"
                    f"<td>{escape(w.approver or '(なし)')}</td><td>{w.expires or '(なし)'}</td><td>{state}</td></tr>")
    return ("<table><tr><th>ルール</th><th>対象</th><th>理由</th><th>承認者</th><th>期限</th><th>状態</th></tr>"
            + "".join(rows) + "</table>")


def render(report: RunReport, sources: dict[str, list[str]]) -> str:
    counts = count_by_severity(report.open_findings)
    ok = report.verdict == "提出可"
    gate = f"{report.fail_on.label_ja}以上" if report.fail_on else "なし (--fail-on never)"
    open_findings = [f for r in report.results for f in r.open_findings]
    waived = [f for r in report.results for f in r.waived_findings]
    unreadable = "".join(f"<p>{escape(d.one_line())}</p>" for r in report.results if not r.loaded for d in r.errors)
    value_errors = "".join(f"<p>{escape(d.one_line())}</p>" for r in report.results if r.loaded for d in r.errors)
    problems = "".join(_finding(f, sources) for f in report.waiver_findings)
    as_of = report.as_of.isoformat() if report.as_of else as_of_per_document(report)
    return f"""<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>特定個人情報保護評価書 検査報告 — {escape(report.verdict)}</title><style>{_CSS}</style></head>
<body>
<header><h1>特定個人情報保護評価書 検査報告</h1>
<div id="verdict" class="verdict {'ok' if ok else 'ng'}">判定: {escape(report.verdict)}</div>
<p class="muted">判定の基準: 例外として承認されていない「{escape(gate)}」の指摘、様式に合わない記載、読めない値のために判定できなかったエラーのルール、または読み込めない文書があれば要修正。</p></header>
<section id="summary"><h2>概要</h2><table>
<tr><th>基準日</th><td>{escape(as_of)}</td></tr>
<tr><th>指摘 (未承認)</th><td>エラー {counts[Severity.ERROR]} 件 / 警告 {counts[Severity.WARNING]} 件 / 情報 {counts[Severity.INFO]} 件</td></tr>
<tr><th>例外として承認</th><td>{report.waived_count} 件</td></tr>
<tr><th>例外ファイルの問題</th><td>{len(report.waiver_findings)} 件</td></tr>
<tr><th>ベースラインで除外</th><td>{report.baseline_suppressed} 件</td></tr>
<tr><th>読み込めない文書</th><td>{report.unreadable} 件</td></tr>
<tr><th>読めない値 (そのため未判定)</th><td>{report.unreadable_values} 件 ({report.undecided_count} 件)</td></tr>
<tr><th>ポリシー</th><td>{len(report.policy_files)} ファイル、{len(report.rules)} ルール
 <span class="hash">(SHA-256 {escape(report.policy_digest)})</span></td></tr>
<tr><th>piarules</th><td>{escape(report.tool_version)}</td></tr></table></section>
<section id="documents"><h2>検査した文書</h2>{_documents(report)}</section>
<section id="findings"><h2>指摘</h2>{_rule_groups(open_findings, sources)}</section>
<section id="waived"><h2>例外として承認された指摘</h2>{_rule_groups(waived, sources) if waived else '<p>ありません。</p>'}</section>
<section id="waivers"><h2>例外の登録簿</h2>{_waiver_register(report)}{problems}</section>
{f'<section id="values"><h2>様式に合わない記載 (その値を読むルールは未判定)</h2>{value_errors}</section>' if value_errors else ''}
{f'<section id="errors"><h2>読み込めない文書</h2>{unreadable}</section>' if unreadable else ''}
<section id="signoff"><h2>確認欄</h2><table>
<tr><th>作成者 (所属・氏名)</th><th>確認者 (所属・氏名)</th><th>確認日</th></tr>
<tr><td></td><td></td><td></td></tr></table>
<p class="muted">指摘ごとの対応は、--output xlsx=指摘一覧.xlsx の一覧 (対応状況・担当・確認の欄つき) に記入できます。</p></section>
<footer class="muted"><p>piarules {escape(report.tool_version)} により作成</p></footer>
</body></html>
"""
