"""A self-contained Japanese HTML report for the reviewer or the 個人情報保護管理者.

Verdict first (提出可 / 要修正), then the documents checked (with SHA-256 and the date each was
judged as of), the policy set, findings grouped by severity and rule with the offending YAML
lines or the original table row, each with its 確度, the waived findings, the waiver register,
and a 確認欄 to sign. No scripts, fonts or other network resources. It prints on A4: nothing
is wider than the page (long lines wrap), and a finding is not split across pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape as _html_escape
from typing import Any, TextIO

from piarules.diagnostics import Severity
from piarules.findings import AsOfDates, DocumentResult, Finding, RunInfo, RunTotals, count_by_severity
from piarules.report import Spill
from piarules.tables import COLUMNS
from piarules.visible import visible

_CSS = """
body{font-family:"Hiragino Sans","Noto Sans CJK JP","Noto Sans JP","Yu Gothic","Meiryo","IPAexGothic","IPAGothic",
"TakaoGothic","VL Gothic",sans-serif;margin:2rem auto;max-width:1100px;
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
td,th,p,h3{overflow-wrap:anywhere}table.row{table-layout:fixed;font-size:.85rem}table.row th{width:9rem}
table.row tr.hit td,table.row tr.hit th{background:#fff3bf}
.conf{display:inline-block;padding:0 .4rem;border-radius:.2rem;font-size:.85rem;border:1px solid #999}
.conf.medium{border-color:#b54708;color:#b54708}.conf.low{border-color:#9b1c1c;color:#9b1c1c;font-weight:bold}
#signoff table{table-layout:fixed}#signoff td{height:3.2rem}
@page{size:A4;margin:14mm 12mm}
@media print{body{margin:0;max-width:none;padding:0;font-size:10pt}.finding .where,.finding .msg,#signoff,tr{break-inside:avoid}
h2{break-after:avoid}h3{break-after:avoid}.verdict{font-size:1.4rem}pre{font-size:8pt}}
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


_CONFIDENCE_TEXT = {"high": "確度 高", "medium": "確度 中 (文の読み取りによる判定。確かめてください)",
                    "low": "確度 低 (推測による判定。必ず人が確かめてください)"}


def _confidence(f: Finding) -> str:
    return f'<span class="conf {escape(f.confidence)}">{escape(_CONFIDENCE_TEXT.get(f.confidence, f.confidence))}</span>'


def _original_row(f: Finding) -> str:
    """The table row the finding is on, as the officer wrote it, one column per line (a long cell
    wraps across the page, not in a sixth of it), the cell highlighted."""
    o = f.origin
    if o is None:
        return ""
    head = f'<p class="where">元の表: {escape(o.describe())}</p>'
    if not o.cells:
        return head
    hit = ' class="hit"'
    rows = "".join(f"<tr{hit if i + 1 == o.column else ''}><th>{escape(name)}</th><td>{escape(cell[:400])}</td></tr>"
                   for i, (name, cell) in enumerate(zip(COLUMNS, o.cells, strict=False)))
    return f'{head}<table class="row">{rows}</table>'


def _finding(f: Finding, lines: Mapping[int, str]) -> str:
    where = f"{escape(str(f.span))} — {escape(f.path_text)}"
    missing = f"<p>「{escape(f.missing_key)}」がこの節にありません</p>" if f.missing_key else ""
    waived = ""
    if f.waived_by is not None:
        w = f.waived_by
        waived = (f'<p><span class="sev waived">例外</span> 理由: {escape(w.reason or "")} / 承認者: '
                  f"{escape(w.approver or '')} / 期限: {w.expires}</p>")
    return (f'<div class="finding"><p class="where">{where}</p><p class="msg">{escape(f.message)} {_confidence(f)}</p>'
            f"{missing}{waived}{_context(f, lines)}{_original_row(f)}</div>")


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
    as_of = r.as_of.isoformat() if r.as_of else ""
    imported = "<br><small>表から取り込み</small>" if r.imported else ""
    return (f"<tr><td>{escape(r.path)}{imported}{together}</td><td>{escape(r.kind or '')}</td><td>{as_of}</td>"
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
        self.dates = AsOfDates()

    def start(self, info: RunInfo) -> None:
        self.info = info

    def document(self, result: DocumentResult) -> None:
        self.dates.add(result)
        self.rows.write(_document_row(result))
        for d in result.errors:  # a checked document's errors are its values; else it is unreadable
            cell = f" [{escape(d.cell)}]" if d.cell else ""
            (self.value_errors if result.loaded else self.errors).write(f"<p>{escape(d.one_line())}{cell}</p>")
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
        as_of = info.as_of.isoformat() if info.as_of else self.dates.describe()
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
        out.write("<table><tr><th>文書</th><th>種類</th><th>基準日</th><th>SHA-256</th><th>指摘</th><th>文書にない節 (未検査)</th></tr>")
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
        out.write(f"""<section id="signoff"><h2>確認欄</h2><table>
<tr><th>作成者 (所属・氏名)</th><th>確認者 (所属・氏名)</th><th>確認日</th></tr>
<tr><td></td><td></td><td></td></tr></table>
<p class="muted">指摘ごとの対応は、--output xlsx=指摘一覧.xlsx の一覧 (対応状況・担当・確認の欄つき) に記入できます。</p></section>
<footer class="muted"><p>piarules {escape(info.tool_version)} により作成</p></footer>
</body></html>
""")
