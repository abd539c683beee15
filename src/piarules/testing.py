"""`piarules test`: run policy test cases and report failures, vacuity and coverage.

A test file is YAML: either a mapping with `cases:` (and optional `as_of:`), or a bare list of
cases. A case is either compact — one rule tested both ways:

    - rule: ENT-001
      at: 特定個人情報ファイル[0].委託.委託事項[0].再委託の有無   # or line: 12
      fires: |            # a document on which the rule must fire (at `at`)
        …
      quiet: |            # a document on which it must not fire
        …

or general:

    - name: 再委託の例
      document: |         # or document_file: fixtures/x.yaml (relative to the test file)
        …
      as_of: 2026-01-01
      expect: [{rule: ENT-001, path: …, line: 12}]   # findings that must appear
      quiet: [ENT-002]                               # rules that must not fire

A YAML document can also carry Semgrep-style annotations: `# 違反: ENT-001` (a finding of
ENT-001 must be on this line) and `# 適合: ENT-001` (none may be). A comment alone on its line
applies to the next line. A fixture file with annotations and no `cases:` is a test by itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piarules import ast
from piarules.api import PolicySet, resolve_as_of, run
from piarules.diagnostics import Diagnostic, PiarulesError, suggestion
from piarules.document import load_document_text
from piarules.document.loader import load_yaml
from piarules.files import display_path
from piarules.findings import Finding
from piarules.jpvalues import parse_date
from piarules.pattern_store import compiled
from piarules.span import Span

_ANNOTATION = compiled(r"#\s*(違反|適合|ruleid|ok)\s*[:：]\s*([A-Za-z0-9_\-,、 ]+)")


@dataclass
class Expectation:
    rule: str
    path: str | None = None
    line: int | None = None

    def describe(self) -> str:
        where = self.path or (f"{self.line}行目" if self.line else "")
        return f"{self.rule} @ {where}" if where else self.rule


@dataclass
class Case:
    name: str
    where: Span
    document: str
    document_path: str
    as_of: dt.date | None = None
    expect: list[Expectation] = field(default_factory=list)
    quiet: list[str] = field(default_factory=list)
    quiet_lines: list[Expectation] = field(default_factory=list)
    companions: list[str] = field(default_factory=list)
    """Other documents of the same 事務 checked together with this one (`set:` in the case)."""

    def named_rules(self) -> set[str]:
        return {e.rule for e in self.expect} | set(self.quiet) | {e.rule for e in self.quiet_lines}


@dataclass
class CaseResult:
    case: Case
    problems: list[str]
    reached: set[str] = field(default_factory=set)
    """Quiet rules of the case whose requirement was evaluated (the `when` held) and passed."""
    fired_quiet: set[str] = field(default_factory=set)
    """Quiet rules of the case that fired (the case fails: their requirement was reached)."""

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass
class SuiteReport:
    results: list[CaseResult] = field(default_factory=list)
    never_fired: list[str] = field(default_factory=list)
    never_quiet: list[str] = field(default_factory=list)
    never_reached: list[str] = field(default_factory=list)
    """Rules whose quiet cases all stop at the `when`: their requirement is never shown to pass."""
    unknown_rules: list[str] = field(default_factory=list)
    unread_fields: list[str] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    def ok(self, strict: bool) -> bool:
        vacuous = self.never_fired or self.never_quiet or self.never_reached or self.unknown_rules
        return self.failed == 0 and not (strict and vacuous)


# ---------------------------------------------------------------- reading test files


def read_annotations(text: str) -> tuple[list[Expectation], list[Expectation]]:
    """`# 違反: ID` / `# 適合: ID` comments → (must-fire, must-not-fire) line expectations."""
    fire: list[Expectation] = []
    quiet: list[Expectation] = []
    pending: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        found = [(m[1], m[2]) for m in _ANNOTATION.finditer(line)]
        code = line.split("#", 1)[0].strip()
        if not code:
            pending += found
            continue
        for kind, ids in [*pending, *found]:
            for rule in re.split(r"[,、\s]+", ids.strip()):
                if rule:
                    (fire if kind in ("違反", "ruleid") else quiet).append(Expectation(rule, line=number))
        pending = []
    return fire, quiet


def _as_of(value: Any, where: Span) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(str(value))
    except ValueError as exc:
        raise PiarulesError([Diagnostic("PIA501", f"as_of: {exc}", where)]) from None


_TOP_KEYS = ("as_of", "cases")
_COMPACT_KEYS = ("rule", "at", "line", "fires", "quiet", "as_of", "name", "set")
_GENERAL_KEYS = ("name", "document", "document_file", "as_of", "expect", "quiet", "set")
_EXPECT_KEYS = ("rule", "path", "line")


def _check_keys(item: dict[str, Any], allowed: tuple[str, ...], source_map: Any, at: tuple[str | int, ...]) -> None:
    """A misspelt key (`fire:` for `fires:`) would make a case test nothing: it is an error."""
    for key in item:
        if key not in allowed:
            raise PiarulesError([Diagnostic(
                "PIA502", f"テストケースに「{key}」という項目は書けません", source_map.span_of((*at, key)),
                help=suggestion(str(key), allowed) or f"書ける項目: {', '.join(allowed)}")])


def _cases_from(data: Any, path: Path, source_map: Any) -> list[Case]:
    default_as_of = None
    items = data
    if isinstance(data, dict):
        _check_keys(data, _TOP_KEYS, source_map, ())
        default_as_of = _as_of(data.get("as_of"), source_map.span_of(("as_of",)))
        items = data.get("cases")
    if not isinstance(items, list):
        raise PiarulesError([Diagnostic("PIA502", "テストファイルには cases: のリストが必要です",
                                        Span.point(str(path), 1, 1))])
    prefix = ("cases",) if isinstance(data, dict) else ()
    out: list[Case] = []
    for index, item in enumerate(items):
        where = source_map.span_of((*prefix, index))
        if not isinstance(item, dict):
            raise PiarulesError([Diagnostic("PIA502", "ケースは「キー: 値」の並びで書いてください", where)])
        _check_keys(item, _COMPACT_KEYS if "rule" in item else _GENERAL_KEYS, source_map, (*prefix, index))
        for number, expected in enumerate(item.get("expect") or [] if "rule" not in item else []):
            if isinstance(expected, dict):
                _check_keys(expected, _EXPECT_KEYS, source_map, (*prefix, index, "expect", number))
        as_of = _as_of(item.get("as_of"), where) or default_as_of
        out += _compact(item, path, where, as_of) if "rule" in item else [_general(item, path, where, as_of, index)]
    return out


def _compact(item: dict[str, Any], path: Path, where: Span, as_of: dt.date | None) -> list[Case]:
    rule = str(item["rule"])
    cases = []
    if "fires" in item:
        line = int(item["line"]) if item.get("line") else None
        expect = Expectation(rule, item.get("at"), line)
        cases.append(Case(f"{rule} が発火する", where, str(item["fires"]), f"{path.name}#{rule}-fires", as_of, [expect],
                          companions=_set(item)))
    if "quiet" in item:
        cases.append(Case(f"{rule} が発火しない", where, str(item["quiet"]), f"{path.name}#{rule}-quiet", as_of,
                          quiet=[rule], companions=_set(item)))
    if not cases:
        raise PiarulesError([Diagnostic("PIA502", f"ケース {rule} に fires も quiet もありません", where)])
    return cases


def _general(item: dict[str, Any], path: Path, where: Span, as_of: dt.date | None, index: int) -> Case:
    if "document_file" in item:
        doc_path = path.parent / str(item["document_file"])
        from piarules.api import read_source_text

        name = display_path(doc_path)
        text = read_source_text(doc_path, "document_file")
    else:
        text, name = str(item.get("document") or ""), f"{path.name}#case{index + 1}"
    expect = [Expectation(str(e["rule"]), e.get("path"), int(e["line"]) if e.get("line") else None)
              for e in item.get("expect") or [] if isinstance(e, dict) and "rule" in e]
    fire, quiet_lines = read_annotations(text)
    quiet = [str(q) for q in item.get("quiet") or []]
    return Case(str(item.get("name") or f"ケース {index + 1}"), where, text, name, as_of, expect + fire, quiet,
                quiet_lines, _set(item))


def _set(item: dict[str, Any]) -> list[str]:
    """`set: [document, …]`: the other documents of the case's 事務 (a 基礎 with its 重点, …)."""
    value = item.get("set") or []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def load_test_file(path: Path) -> list[Case]:
    """Cases from one test file (or one annotated fixture document)."""
    from piarules.api import read_source_text

    text = read_source_text(path, "テストファイル")
    loaded = load_yaml(text, display_path(path))
    data = loaded.data
    if isinstance(data, list) or (isinstance(data, dict) and "cases" in data):
        return _cases_from(data, path, loaded.source_map)
    fire, quiet = read_annotations(text)
    if not fire and not quiet:
        return []
    return [Case(path.name, Span.point(str(path), 1, 1), text, str(path), None, fire, [], quiet)]


def find_test_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        out.extend(sorted(x for x in p.rglob("*") if x.suffix in (".yaml", ".yml")) if p.is_dir() else [p])
    return out


# ---------------------------------------------------------------- running


def _matches(f: Finding, e: Expectation) -> bool:
    return f.rule_id == e.rule and (e.path is None or f.path_text == e.path) and (e.line is None or f.span.line == e.line)


def run_case(policies: PolicySet, case: Case) -> CaseResult:
    doc, diagnostics = load_document_text(case.document, case.document_path)
    if doc is None:
        return CaseResult(case, ["文書を読めません: " + d.one_line() for d in diagnostics])
    others: dict[str, Any] = {}
    for number, text in enumerate(case.companions, start=1):
        other, unreadable = load_document_text(text, f"{case.document_path}#set{number}")
        if other is None:
            return CaseResult(case, ["組の文書を読めません: " + d.one_line() for d in unreadable])
        if other.kind is not None:
            others[other.kind] = other.tree
    as_of = resolve_as_of(case.as_of, doc)
    findings = run(policies, doc, case.as_of, others)
    problems = [f"期待した指摘がありません: {e.describe()}" for e in case.expect
                if not any(_matches(f, e) for f in findings)]
    named = case.named_rules()
    for f in findings:
        expected = any(_matches(f, e) for e in case.expect)
        if f.rule_id in case.quiet or any(_matches(f, e) for e in case.quiet_lines):
            problems.append(f"発火してはいけない指摘があります: {f.rule_id} @ {f.path_text} ({f.span.line}行目)")
        elif f.rule_id in named and not expected:
            problems.append(f"予期しない指摘: {f.rule_id} @ {f.path_text} ({f.span.line}行目)")
    if problems:
        found = ", ".join(f"{f.rule_id} @ {f.path_text}" for f in findings if f.rule_id in named)
        problems.append(f"実際の指摘 (このケースのルール): {found or 'なし'}")
    fired = {f.rule_id for f in findings}
    reached = {r for r in case.quiet if r not in fired and _reaches_requirement(policies, r, doc, as_of, others)}
    return CaseResult(case, problems, reached, {r for r in case.quiet if r in fired})


def _reports_each(rule: Any) -> bool:
    """`require false`: the rule reports every item its scopes and `when` select, so a quiet case
    can only show the selection (it can never show the requirement passing)."""
    require = rule.require
    return isinstance(require, ast.Literal) and require.value is False and rule.requires is None


def _reaches_requirement(policies: PolicySet, rule_id: str, doc: Any, as_of: Any,
                         companions: dict[str, Any] | None = None) -> bool:
    """Whether, for some binding of the rule's scopes, the rule was in its period, its `when`
    held and its requirement was evaluated — so a quiet case shows the requirement *passing*,
    not just the `when` filtering everything out (the explain trace knows)."""
    from piarules.explain import explain_rule

    rule = next((r for r in policies.rules if r.checked.id == rule_id), None)
    if rule is None:
        return False
    for binding in explain_rule(rule, doc, as_of, companions):
        when_holds = binding.when is None or binding.when.value is True
        condition_holds = rule.checked.requires is None or (binding.require is not None and binding.require.value is True)
        if binding.in_period and when_holds and condition_holds:
            return True
    return False


def schema_leaves() -> list[str]:
    """Every leaf field of every form kind, as a schema path."""
    from piarules.schema import KINDS, document_type
    from piarules.type_system import ListType, ObjectType, Type

    leaves: set[str] = set()

    def walk(type_: Type, path: str) -> None:
        if isinstance(type_, ListType):
            walk(type_.item, path + "[]")
        elif isinstance(type_, ObjectType):
            for name, child in type_.fields.items():
                walk(child, f"{path}.{name}" if path else name)
        else:
            leaves.add(path)

    for kind in KINDS:
        walk(document_type((kind,)), "")
    return sorted(leaves)


def run_tests(policies: PolicySet, cases: list[Case], tested: Collection[str] | None = None) -> SuiteReport:
    """Run all cases; work out vacuity (rules never shown to fire / stay quiet) and coverage.

    `tested`: the rules whose cases are looked for (a body's own rules, run beside the standard
    library); None: every rule of the set."""
    report = SuiteReport(results=[run_case(policies, c) for c in cases])
    every = [r.id for r in policies.check.rules]
    rule_ids = [r for r in every if tested is None or r in tested]
    fired = {e.rule for c in cases for e in c.expect}
    quiet = {q for c in cases for q in c.quiet} | {e.rule for c in cases for e in c.quiet_lines}
    report.never_fired = [r for r in rule_ids if r not in fired]
    report.never_quiet = [r for r in rule_ids if r not in quiet]
    reached = set().union(*(r.reached | r.fired_quiet for r in report.results)) if report.results else set()
    reports_each = {r.id for r in policies.check.rules if _reports_each(r)}
    report.never_reached = [r for r in rule_ids if r in quiet and r not in reached and r not in reports_each]
    report.unknown_rules = sorted((fired | quiet) - set(every))
    reads = set().union(*(r.reads for r in policies.check.rules)) if policies.check.rules else set()
    report.unread_fields = [leaf for leaf in schema_leaves() if leaf not in reads]
    return report
