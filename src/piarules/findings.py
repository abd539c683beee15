"""Findings: what a rule found in a document, with where, and run summaries."""

from __future__ import annotations

from dataclasses import dataclass, field

from piarules.diagnostics import Diagnostic, Severity
from piarules.document.source_map import DocPath, format_path
from piarules.span import Span


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

    @property
    def path_text(self) -> str:
        return format_path(self.path)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.path, self.span.line, self.span.col, self.rule_id, self.message)


@dataclass
class DocumentResult:
    """Everything `eval` learned about one document."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    absent_sections: tuple[str, ...] = ()
    kind: str | None = None

    @property
    def loaded(self) -> bool:
        return not any(e.severity == Severity.ERROR for e in self.errors)


def count_by_severity(findings: list[Finding]) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts
