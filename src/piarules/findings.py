"""Findings: what a rule found in a document, with where; waivers; the report of a whole run.

Data only: the reporters format what a run found and compute nothing. A run streams: RunInfo
first, then each DocumentResult as its document is done, then RunTotals (counters only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from piarules.diagnostics import Diagnostic, Severity
from piarules.document.source_map import DocPath, format_path
from piarules.span import Span


@dataclass(frozen=True)
class Waiver:
    """An accepted deviation (例外) from a waiver file: which finding, why, who, until when."""

    index: int
    rule: str
    span: Span
    document: str | None = None
    path: str | None = None
    row_date: dt.date | None = None
    row_item: str | None = None
    reason: str | None = None
    approver: str | None = None
    expires: dt.date | None = None

    def target(self) -> str:
        if self.row_date is not None:
            return f"変更箇所 {self.row_date}" + (f" 「{self.row_item}」" if self.row_item else "")
        return self.path or "(文書全体)"


@dataclass(frozen=True)
class Origin:
    """Where a finding's value stood in the table (Excel, CSV, tab-separated text) the document
    was imported from: what the officer looks up in her own file."""

    file: str
    row: int
    """The row: Excel's row number, or the line of a text table."""
    sheet: str | None = None
    column: int | None = None
    """1-based column of the value (None: the row as a whole)."""
    header: str | None = None
    """The column's name (提出時期)."""
    cells: tuple[str, ...] = ()
    """The row's original cells, in the table's column order."""

    @property
    def cell(self) -> str | None:
        """The cell reference as Excel writes it: `変更箇所!E12` (`E12` without a sheet)."""
        if self.column is None:
            return None
        ref = f"{column_letter(self.column)}{self.row}"
        return f"{self.sheet}!{ref}" if self.sheet else ref

    def describe(self) -> str:
        """`変更箇所.xlsx 変更箇所!E12 (12行目 提出時期)`, or for a text table
        `changelog.csv 12行目 提出時期 (E12)` — for every report."""
        column = f" {self.header}" if self.header else ""
        if self.sheet:
            return f"{self.file} {self.cell or self.sheet} ({self.row}行目{column})"
        return f"{self.file} {self.row}行目{column}" + (f" ({self.cell})" if self.cell else "")


def column_letter(column: int) -> str:
    """1 → A, 27 → AA (Excel's column names)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Finding:
    """One rule violation at one place in one document."""

    rule_id: str
    severity: Severity
    title: str
    message: str
    references: tuple[str, ...]
    hint: str | None
    span: Span
    path: DocPath
    missing_key: str | None = None
    policy_span: Span | None = None
    confidence: str = "high"
    """The rule's confidence (high / medium / low): how sure it is that this is a real defect."""
    waived_by: Waiver | None = None
    """Set when an accepted waiver covers this finding: shown and counted, but not a failure."""
    same_place: int = 0
    """Other findings of this rule at the same place merged into this one (evaluate.merge_same_place)."""
    undecided: Severity | None = None
    """Set (to the rule's severity) when this finding says the rule could not check an item
    because a value it reads is unreadable; the finding itself is info."""
    origin: Origin | None = None
    """The table cell the value came from, for documents imported from a table (its 出典)."""

    @property
    def confidence_ja(self) -> str:
        """確度 as reports show it: 高 / 中 / 低."""
        return {"high": "高", "medium": "中", "low": "低"}.get(self.confidence, self.confidence)

    @property
    def path_text(self) -> str:
        return format_path(self.path)

    def sort_key(self) -> tuple[str, int, int, str]:
        """By place, then rule; findings of one rule at one place keep the order they were found in
        (the order of the citations or sentences in the text) — the sort is stable."""
        return (self.span.path, self.span.line, self.span.col, self.rule_id)


@dataclass
class DocumentResult:
    """Everything `eval` learned about one document."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    absent_sections: tuple[str, ...] = ()
    kind: str | None = None
    sha256: str | None = None
    matched_waivers: frozenset[int] = frozenset()
    baseline_suppressed: int = 0
    companions: tuple[str, ...] = ()
    """The other documents of its set it was checked together with (document/sets.py)."""
    excerpt: dict[int, str] = field(default_factory=dict)
    """The document's lines that its findings and errors point at, with two lines around each
    (code frames), taken while the document is loaded: reporters never read the file again."""
    checked: bool = False
    """The rules ran on it. A document with unreadable values is checked (errors name the
    values); one that is not a form at all (not YAML, not a mapping) is not."""
    unreadable_values: int = 0
    """Values the form model could not read (each an error in `errors`, unknown to the rules)."""
    as_of: dt.date | None = None
    """The date the document was judged as of (the run's 基準日, else its 公表日, else today)."""
    imported: bool = False
    """Read from a table (Excel, CSV, TSV) in memory: places are the table's cells."""

    @property
    def loaded(self) -> bool:
        return self.checked

    @property
    def value_errors(self) -> list[Diagnostic]:
        """Errors of a checked document (unreadable values, unknown keys): they fail the gate as
        error findings do."""
        return [e for e in self.errors if e.severity == Severity.ERROR] if self.checked else []

    @property
    def undecided(self) -> list[Finding]:
        """Findings saying a rule could not check an item (it reads an unreadable value)."""
        return [f for f in self.findings if f.undecided is not None]

    @property
    def open_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.waived_by is None]

    @property
    def waived_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.waived_by is not None]


@dataclass(frozen=True)
class RuleInfo:
    """What reports say about a rule (SARIF rules[], the HTML report)."""

    id: str
    title: str
    severity: Severity
    references: tuple[str, ...]
    hint: str | None
    description: str | None
    where: str


@dataclass
class RunInfo:
    """What every reporter knows before the first document: the run's settings and policy set."""

    as_of: dt.date | None = None
    rules: list[RuleInfo] = field(default_factory=list)
    policy_files: list[str] = field(default_factory=list)
    policy_digest: str = ""
    policy_diagnostics: list[Diagnostic] = field(default_factory=list)
    waiver_file: str | None = None
    waivers: list[Waiver] = field(default_factory=list)
    baseline_file: str | None = None
    tool_version: str = ""
    fail_on: Severity | None = Severity.ERROR
    """The gate: unwaived findings at or above this severity fail the run (None: never)."""
    fail_on_undecided: Severity | None = Severity.ERROR
    """Fail closed: a rule at or above this severity that could not check an item (an unreadable
    value) fails the run, as if it had fired (None: never)."""


class AsOfDates:
    """The dates a run's documents were judged as of (each its 公表日, else today), as reports
    state them at the end: one date, or how many and their range. Keeps the distinct dates
    only, not one entry per document."""

    def __init__(self) -> None:
        self.dates: set[dt.date] = set()

    def add(self, result: DocumentResult) -> None:
        if result.as_of is not None:
            self.dates.add(result.as_of)

    def describe(self) -> str:
        if not self.dates:
            return "各文書の公表日 (なければ実行日)"
        if len(self.dates) == 1:
            return f"{min(self.dates).isoformat()} (文書の公表日、なければ実行日)"
        return (f"文書ごとの公表日 (なければ実行日): {len(self.dates)} 通り、"
                f"{min(self.dates).isoformat()} 〜 {max(self.dates).isoformat()} (各文書の見出しに表示)")


@dataclass
class RunTotals:
    """What a streaming run keeps of its documents: counters, added to as each document is
    reported (the results themselves are not kept), and at the end the waiver file's own
    findings. Enough for every summary, the verdict and the exit code."""

    fail_on: Severity | None = Severity.ERROR
    fail_on_undecided: Severity | None = Severity.ERROR
    documents: int = 0
    document_counts: dict[Severity, int] = field(default_factory=lambda: dict.fromkeys(Severity, 0))
    """Unwaived findings of the documents by severity (the waiver file's are apart)."""
    waived_count: int = 0
    baseline_suppressed: int = 0
    unreadable: int = 0
    matched_waivers: set[int] = field(default_factory=set)
    waiver_findings: list[Finding] = field(default_factory=list)
    """Problems of the waiver file itself, known when every document is done (WAIVER-UNUSED …)."""
    waiver_excerpt: dict[int, str] = field(default_factory=dict)
    """Lines of the waiver file the waiver findings point at (for code frames)."""
    value_errors: int = 0
    """Errors in checked documents (unreadable values, unknown keys)."""
    unreadable_values: int = 0
    undecided: int = 0
    """Open findings saying a rule could not check an item."""
    undecided_severities: set[Severity] = field(default_factory=set)
    """The severities of the rules that could not check an item (for the fail-closed gate)."""

    def add(self, result: DocumentResult) -> None:
        self.documents += 1
        for f in result.findings:
            if f.waived_by is not None:
                self.waived_count += 1
                continue
            self.document_counts[f.severity] += 1
            if f.undecided is not None:
                self.undecided += 1
                self.undecided_severities.add(f.undecided)
        self.baseline_suppressed += result.baseline_suppressed
        self.unreadable += not result.loaded
        self.matched_waivers |= result.matched_waivers
        self.value_errors += len(result.value_errors)
        self.unreadable_values += result.unreadable_values

    @property
    def counts(self) -> dict[Severity, int]:
        """Unwaived findings by severity, the waiver file's included (what summaries show)."""
        counts = dict(self.document_counts)
        for f in self.waiver_findings:
            counts[f.severity] += 1
        return counts

    @property
    def failed(self) -> bool:
        """Whether the run fails the gate: any unwaived finding at or above `fail_on`, an error in
        a checked document (an unreadable value), or a rule at or above `fail_on_undecided` that
        could not check an item."""
        gate = self.fail_on
        if gate is not None:
            if any(n and s.rank >= gate.rank for s, n in self.counts.items()):
                return True
            if self.value_errors and gate.rank <= Severity.ERROR.rank:
                return True
        limit = self.fail_on_undecided
        return limit is not None and any(s.rank >= limit.rank for s in self.undecided_severities)

    @property
    def verdict(self) -> str:
        """提出可 when nothing fails the gate and every document was read; else 要修正."""
        return "要修正" if self.failed or self.unreadable else "提出可"


@dataclass
class RunReport:
    """A whole run held in memory (the library API and tests; `eval` streams instead)."""

    results: list[DocumentResult]
    as_of: dt.date | None = None
    rules: list[RuleInfo] = field(default_factory=list)
    policy_files: list[str] = field(default_factory=list)
    policy_digest: str = ""
    policy_diagnostics: list[Diagnostic] = field(default_factory=list)
    waiver_file: str | None = None
    waivers: list[Waiver] = field(default_factory=list)
    waiver_findings: list[Finding] = field(default_factory=list)
    baseline_file: str | None = None
    tool_version: str = ""
    fail_on: Severity | None = Severity.ERROR
    fail_on_undecided: Severity | None = Severity.ERROR

    def info(self) -> RunInfo:
        """The run's settings as the streaming reporters take them (RunInfo's fields, by name)."""
        return RunInfo(**{f.name: getattr(self, f.name) for f in fields(RunInfo)})

    def totals(self, waiver_excerpt: dict[int, str] | None = None) -> RunTotals:
        totals = RunTotals(self.fail_on, self.fail_on_undecided)
        for result in self.results:
            totals.add(result)
        totals.waiver_findings = list(self.waiver_findings)
        totals.waiver_excerpt = waiver_excerpt or {}
        return totals

    @property
    def open_findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.open_findings] + self.waiver_findings

    @property
    def waived_count(self) -> int:
        return sum(len(r.waived_findings) for r in self.results)

    @property
    def baseline_suppressed(self) -> int:
        return sum(r.baseline_suppressed for r in self.results)

    @property
    def unreadable(self) -> int:
        return sum(1 for r in self.results if not r.loaded)

    @property
    def unreadable_values(self) -> int:
        return sum(r.unreadable_values for r in self.results)

    @property
    def undecided_count(self) -> int:
        return sum(len(r.undecided) for r in self.results)

    @property
    def failed(self) -> bool:
        return self.totals().failed

    @property
    def verdict(self) -> str:
        return self.totals().verdict


def count_by_severity(findings: list[Finding]) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts
