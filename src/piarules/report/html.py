"""A self-contained Japanese HTML report for the reviewer or the 個人情報保護管理者.

Verdict first (提出可 / 要修正), then the documents checked (with SHA-256), the policy set,
findings grouped by severity and rule with the offending YAML lines, the waived findings and
the waiver register. No scripts, fonts or other network resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape as _html_escape
from typing import Any, TextIO

from piarules.diagnostics import Severity
from piarules.findings import DocumentResult, Finding, RunInfo, RunTotals, count_by_severity
from piarules.report import Spill
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
pre{background:#f7f7f7;padding:.4rem;overflow-x:auto;font-size:.85rem}pre .hit{background:#fff3bf;display:inline-block;width:100%}
.hash{font-family:monospace;font-size:.8rem;word-break:break-all}.muted{color:#666}
"""
_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def escape(text: str) -> str:
    """HTML-escaped and `visible`: no control characters (invalid in HTML), no bidi overrides."""
    return _html_escape(visible(text, keep="\t\n"))


def _context(f: Finding, lines: Mapping[int, str]) -> str:
    if not lines or f.span.line < 1:
        return ""
    rows = []
    for n in range(max(f.span.line - 2, 1), f.span.line + 3):
        if n not in lines:
            continue
        text = escape(f"{n:>5} | {lines[n][:200]}")
        rows.append(f'<span class="hit">{text}</span>' if n == f.span.line else text)
    return "<pre>" + "\n".join(rows) + "</pre>" if rows else ""


def _finding(f: Finding, lines: Mapping[int, str]) -> str:
    where = f"{escape(str(f.span))} — {escape(f.path_text)}"
    missing = f"<p>「{escape(f.missing_key)}」がこの節にありません</p>" if f.missing_key else ""
    waived = ""
    if f.waived_by is not None:
        w = f.waived_by
        waived = (f'<p><span class="sev waived">例外</span> 理由: {escape(w.reason or "")} / 承認者: '
                  f"{escape(w.approver or '')} / 期限: {w.expires}</p>")
    return (f'<div class="finding"><p class="where">{where}</p><p class="msg">{escape(f.message)}</p>'
            f"{missing}{waived}{_context(f, lines)}</div>")


class _Groups:
    """Findings grouped by severity and rule across every document, as the report shows them:
    each finding's HTML is written, as its document comes, to a table in a temporary SQLite
    file; the groups are read back in order at the end. Only the first finding of each group
    (its title, references and hint) is held in memory."""

    def __init__(self) -> None:
        self.db: Any = None
        self.first: dict[tuple[bool, int, str], Finding] = {}
        self.seq = 0

    def add(self, f: Finding, html: str) -> None:
        if self.db is None:
            import sqlite3
            import tempfile

            self.directory = tempfile.TemporaryDirectory(prefix="piarules-html-")
            self.db = sqlite3.connect(f"{self.directory.name}/groups.sqlite")
            self.db.execute("PRAGMA journal_mode=OFF")
            self.db.execute("PRAGMA synchronous=OFF")
            self.db.execute("CREATE TABLE finding (waived INTEGER, severity INTEGER, rule TEXT, seq INTEGER, html TEXT)")
        key = (f.waived_by is not None, _ORDER.index(f.severity), f.rule_id)
        self.first.setdefault(key, f)
        self.seq += 1
        self.db.execute("INSERT INTO finding VALUES (?, ?, ?, ?, ?)", (*key, self.seq, html))

    def write(self, out: TextIO, waived: bool) -> bool:
        """Write the articles of the waived or the open findings; False when there are none."""
        keys = sorted(k for k in self.first if k[0] == waived)
        for key in keys:
            first = self.first[key]
            count = self.db.execute("SELECT COUNT(*) FROM finding WHERE waived=? AND severity=? AND rule=?", key).fetchone()[0]
            refs = f"<p>根拠: {escape('、'.join(first.references))}</p>" if first.references else ""
            hint = f"<p>対処: {escape(first.hint)}</p>" if first.hint else ""
            out.write(f'<article id="rule-{escape(first.rule_id)}"><h3><span class="sev {first.severity.value}">'
                      f"{first.severity.label_ja}</span> {escape(first.rule_id)} {escape(first.title)} ({count} 件)</h3>"
                      f"{refs}{hint}")
            rows = self.db.execute("SELECT html FROM finding WHERE waived=? AND severity=? AND rule=? ORDER BY seq", key)
            for (html,) in rows:
                out.write(html)
            out.write("</article>")
        return bool(keys)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.directory.cleanup()
            self.db = None


def _document_row(r: DocumentResult) -> str:
    counts = count_by_severity(r.open_findings)
    state = "読み込めません" if not r.loaded else (
        f"エラー {counts[Severity.ERROR]} / 警告 {counts[Severity.WARNING]} / 情報 {counts[Severity.INFO]}"
        + (f" / 例外 {len(r.waived_findings)}" if r.waived_findings else ""))
    absent = "、".join(r.absent_sections)
    together = f"<br><small>組: {escape('、'.join(r.companions))}</small>" if r.companions else ""
    return (f"<tr><td>{escape(r.path)}{together}</td><td>{escape(r.kind or '')}</td>"
            f'<td class="hash">{escape(r.sha256 or "")}</td><td>{state}</td><td>{escape(absent)}</td></tr>')


def _waiver_register(info: RunInfo, totals: RunTotals) -> str:
    if not info.waivers:
        return "<p>例外ファイルは指定されていません。</p>" if not info.waiver_file else "<p>例外はありません。</p>"
    problems = {f.path[1]: f for f in totals.waiver_findings if len(f.path) == 2}
    used = totals.matched_waivers
    rows = []
    for w in info.waivers:
        problem = problems.get(w.index)
        state = escape(problem.title) if problem else ("適用" if w.index in used else "未使用")
        rows.append(f"<tr><td>{escape(w.rule)}</td><td>{escape(w.target())}</td><td>{escape(w.reason or '(なし)')}</td>"
                    f"<td>{escape(w.approver or '(なし)')}</td><td>{w.expires or '(なし)'}</td><td>{state}</td></tr>")
    return ("<table><tr><th>ルール</th><th>対象</th><th>理由</th><th>承認者</th><th>期限</th><th>状態</th></tr>"
            + "".join(rows) + "</table>")


class Reporter:
    """Document rows and error lines are spilled, findings go to their groups (_Groups) as each
    document comes; the page is written at the end, verdict and counts first."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.info = RunInfo()
        self.rows = Spill()
        self.errors = Spill()
        self.value_errors = Spill()
        self.groups = _Groups()

    def start(self, info: RunInfo) -> None:
        self.info = info

    def document(self, result: DocumentResult) -> None:
        self.rows.write(_document_row(result))
        for d in result.errors:  # a checked document's errors are its values; else it is unreadable
            (self.value_errors if result.loaded else self.errors).write(f"<p>{escape(d.one_line())}</p>")
        for f in result.findings:
            self.groups.add(f, _finding(f, result.excerpt))

    def finish(self, totals: RunTotals) -> None:
        try:
            self._write(totals)
        finally:
            self.groups.close()

    def _write(self, totals: RunTotals) -> None:
        info, out = self.info, self.out
        counts = totals.counts
        ok = totals.verdict == "提出可"
        gate = f"{info.fail_on.label_ja}以上" if info.fail_on else "なし (--fail-on never)"
        problems = "".join(_finding(f, totals.waiver_excerpt) for f in totals.waiver_findings)
        as_of = info.as_of.isoformat() if info.as_of else "各文書の公表日 (なければ実行日)"
        out.write(f"""<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>特定個人情報保護評価書 検査報告 — {escape(totals.verdict)}</title><style>{_CSS}</style></head>
<body>
<header><h1>特定個人情報保護評価書 検査報告</h1>
<div id="verdict" class="verdict {'ok' if ok else 'ng'}">判定: {escape(totals.verdict)}</div>
<p class="muted">判定の基準: 例外として承認されていない「{escape(gate)}」の指摘、様式に合わない記載、読めない値のために判定できなかったエラーのルール、または読み込めない文書があれば要修正。</p></header>
<section id="summary"><h2>概要</h2><table>
<tr><th>基準日</th><td>{escape(as_of)}</td></tr>
<tr><th>指摘 (未承認)</th><td>エラー {counts[Severity.ERROR]} 件 / 警告 {counts[Severity.WARNING]} 件 / 情報 {counts[Severity.INFO]} 件</td></tr>
<tr><th>例外として承認</th><td>{totals.waived_count} 件</td></tr>
<tr><th>例外ファイルの問題</th><td>{len(totals.waiver_findings)} 件</td></tr>
<tr><th>ベースラインで除外</th><td>{totals.baseline_suppressed} 件</td></tr>
<tr><th>読み込めない文書</th><td>{totals.unreadable} 件</td></tr>
<tr><th>読めない値 (そのため未判定)</th><td>{totals.unreadable_values} 件 ({totals.undecided} 件)</td></tr>
<tr><th>ポリシー</th><td>{len(info.policy_files)} ファイル、{len(info.rules)} ルール
 <span class="hash">(SHA-256 {escape(info.policy_digest)})</span></td></tr>
<tr><th>piarules</th><td>{escape(info.tool_version)}</td></tr></table></section>
<section id="documents"><h2>検査した文書</h2>""")
        out.write("<table><tr><th>文書</th><th>種類</th><th>SHA-256</th><th>指摘</th><th>文書にない節 (未検査)</th></tr>")
        self.rows.copy_to(out)
        out.write('</table></section>\n<section id="findings"><h2>指摘</h2>')
        if not self.groups.write(out, waived=False):
            out.write("<p>指摘はありません。</p>")
        out.write('</section>\n<section id="waived"><h2>例外として承認された指摘</h2>')
        if not self.groups.write(out, waived=True):
            out.write("<p>ありません。</p>")
        out.write(f'</section>\n<section id="waivers"><h2>例外の登録簿</h2>{_waiver_register(info, totals)}{problems}</section>\n')
        if self.value_errors.count:
            out.write('<section id="values"><h2>様式に合わない記載 (その値を読むルールは未判定)</h2>')
            self.value_errors.copy_to(out)
            out.write("</section>")
        if self.errors.count:
            out.write('<section id="errors"><h2>読み込めない文書</h2>')
            self.errors.copy_to(out)
            out.write("</section>")
        out.write(f"""
<footer class="muted"><p>piarules {escape(info.tool_version)} により作成</p></footer>
</body></html>
""")
