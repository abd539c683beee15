"""The library API, read as the pipeline: policies → checked & compiled rules; YAML → document;
evaluate → findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from piarules import ast
from piarules.check import CheckResult, check_policies
from piarules.compile import CompiledRule, compile_rules
from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.document import Document, load_document
from piarules.document.loader import decode
from piarules.evaluate import evaluate
from piarules.files import display_path, read_input
from piarules.findings import Finding
from piarules.syntax import parse_policy

POLICY_SUFFIX = ".pia"

__all__ = ["PolicySet", "bundled_policy_dir", "check_policies", "evaluate", "load_document", "load_policies"]


@dataclass
class PolicySet:
    """Parsed, checked and compiled policies (compiled is empty when there are errors)."""

    files: list[ast.PolicyFile] = field(default_factory=list)
    check: CheckResult = field(default_factory=CheckResult)
    rules: list[CompiledRule] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


def bundled_policy_dir() -> Path:
    """The standard library shipped with piarules (policies/ at the repository top)."""
    from importlib import resources

    packaged = resources.files("piarules").joinpath("_data/policies")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "policies"


def policy_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand directories into their *.pia files (sorted, for a stable order)."""
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.rglob(f"*{POLICY_SUFFIX}")) if p.is_dir() else [p])
    return out


def parse_policy_texts(sources: Iterable[tuple[str, str]]) -> PolicySet:
    """(path, text) pairs → a PolicySet: parse all, then check and compile the whole set."""
    result = PolicySet()
    for path, text in sources:
        policy, diagnostics = parse_policy(text, path)
        result.diagnostics.extend(diagnostics)
        if policy is not None:
            result.files.append(policy)
    result.check = check_policies(result.files)
    result.diagnostics.extend(result.check.diagnostics)
    if result.ok:
        result.rules = compile_rules(result.check)
    return result


def load_policies(paths: Iterable[str | Path]) -> PolicySet:
    """Read policy files or directories; unreadable files become diagnostics."""
    sources: list[tuple[str, str]] = []
    errors: list[Diagnostic] = []
    files = policy_files(paths)
    for file in files:
        name = display_path(file)
        try:
            sources.append((name, decode(read_input(file, "ポリシー"), name)))
        except PiarulesError as exc:
            errors.extend(exc.diagnostics)
    result = parse_policy_texts(sources)
    result.diagnostics[:0] = errors
    if not files:
        result.diagnostics.append(Diagnostic("PIA501", "ポリシーファイル (*.pia) が見つかりません", None))
    return result


def run(policies: PolicySet, document: Document, as_of: dt.date | None = None) -> list[Finding]:
    """Evaluate a loaded policy set over one document (as-of: given, else 公表日, else today)."""
    date = as_of or document.model.公表日 or dt.date.today()
    return evaluate(policies.rules, document, date)
