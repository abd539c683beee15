"""The analysis engine: the policy set and open documents, parsed, checked and compiled with
caching. Pure Python (no LSP types): the server calls it from one worker thread, so it needs no
locks (the Lark parser is not thread-safe either).

Cached: the text and parse of every policy file (by content), the check of the whole set (by the
texts of all its files), the compiled rules (same key), and the last parse of each policy that
succeeded (completion and hover keep working while the text is broken).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from piarules import ast
from piarules.check import CheckResult, check_policies
from piarules.compile import CompiledRule, compile_rules
from piarules.diagnostics import Diagnostic, PiarulesError, Severity
from piarules.document import Document, load_document_text
from piarules.files import decode
from piarules.findings import Finding
from piarules.lsp.config import Settings, policy_paths
from piarules.lsp.form import all_top_keys
from piarules.lsp.incremental import BlockParser
from piarules.pattern_store import compiled
from piarules.policy_sources import POLICY_SUFFIX, policy_files
from piarules.span import Span
from piarules.syntax import parse_policy

log = logging.getLogger("piarules.lsp")

YAML_SUFFIXES = (".yaml", ".yml")
_TOP_KEY = compiled(r"^[\"']?([^\s#:\"'\-][^:\"']*?)[\"']?\s*:(?:\s|$)", re.M)


@dataclass
class Parsed:
    """One policy text and its parse."""

    text: str
    policy: ast.PolicyFile | None
    diagnostics: list[Diagnostic]


@dataclass
class PolicyAnalysis:
    """One check of the whole policy set (what `piarules check` reports, by file)."""

    order: list[str]
    """Display paths of the set's files, in checking order."""
    parsed: dict[str, Parsed]
    check: CheckResult
    diagnostics: dict[str, list[Diagnostic]]
    _rules: list[CompiledRule] | None = None
    _compiled_from: CheckResult | None = None

    @property
    def ok(self) -> bool:
        return not any(d.severity == Severity.ERROR for ds in self.diagnostics.values() for d in ds)

    def policy(self, path: str) -> ast.PolicyFile | None:
        parsed = self.parsed.get(path)
        return parsed.policy if parsed else None

    def rules(self) -> list[CompiledRule]:
        """Compiled rules for evaluating documents (compiled once per set).

        When some policy has errors, the files that have none are still used: an assessment
        keeps its findings while a policy is being edited.
        """
        if self._rules is None:
            check = self.check
            if not self.ok:
                good = [p.policy for path in self.order if (p := self.parsed[path]).policy is not None
                        and not any(d.severity == Severity.ERROR for d in self.diagnostics.get(path, []))]
                check = check_policies(good)
            self._rules = compile_rules(check) if check.ok else []
            self._compiled_from = check
            if check is not self.check:
                log.warning("ポリシーに誤りがあるため、誤りのないファイルのルール (%d 件) だけで検査します", len(self._rules))
        return self._rules


@dataclass
class AssessmentResult:
    """An assessment YAML: its load diagnostics and the findings of the policy set."""

    document: Document | None
    diagnostics: list[Diagnostic]
    findings: list[Finding] = field(default_factory=list)


def looks_like_assessment(text: str) -> bool:
    """Whether a YAML text is an assessment: a top-level key is a form key (評価書の種類,
    変更箇所, 基本情報 …). Waiver and test files (waivers:, cases:) are not."""
    keys = all_top_keys()
    return any(m[1].strip() in keys for m in _TOP_KEY.finditer(text[:200_000]))


class Engine:
    """Everything the server knows about the workspace."""

    def __init__(self, root: Path | None = None, settings: Settings | None = None) -> None:
        self.root = root
        self.settings = settings or Settings()
        self.open: dict[Path, str] = {}
        """Open documents (absolute path → text as in the editor)."""
        self._parsed: dict[str, Parsed] = {}
        self._last_good: dict[str, ast.PolicyFile] = {}
        self._disk: dict[Path, tuple[int, int, str]] = {}
        self._analysis: tuple[tuple[tuple[str, str], ...], PolicyAnalysis] | None = None
        self._blocks: dict[str, BlockParser] = {}

    def configure(self, settings: Settings) -> None:
        """New settings: the policy set is worked out again on the next check."""
        self.settings = settings
        self._analysis = None

    # ------------------------------------------------------------ paths
    def display(self, file: Path) -> str:
        """The path shown in diagnostics: relative to the workspace root when inside it (as
        `piarules check` run from the root prints it)."""
        if self.root is not None:
            try:
                return file.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return str(file)

    def file_of(self, display: str) -> Path:
        path = Path(display)
        return path if path.is_absolute() or self.root is None else self.root / path

    def set_open(self, file: Path, text: str | None) -> None:
        """Record an open document's text (None: closed, read from disk again)."""
        key = file.resolve()
        if text is None:
            self.open.pop(key, None)
        else:
            self.open[key] = text

    def text_of(self, file: Path) -> str | None:
        """The editor's text of a file, else the disk's (cached by mtime); None if unreadable."""
        key = file.resolve()
        if key in self.open:
            return self.open[key]
        try:
            stat = key.stat()
            cached = self._disk.get(key)
            if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
                return cached[2]
            text = decode(key.read_bytes(), str(file))
        except (OSError, PiarulesError) as exc:
            log.warning("読めません: %s (%s)", file, exc)
            return None
        self._disk[key] = (stat.st_mtime_ns, stat.st_size, text)
        return text

    # ------------------------------------------------------------ policies
    def policy_set_files(self, extra: Path | None = None) -> list[Path]:
        """The set's policy files; `extra` (an open policy outside the set) is checked with it."""
        files = policy_files(p for p in policy_paths(self.settings, self.root) if p.exists())
        seen = {f.resolve() for f in files}
        opened = [extra] if extra is not None else []
        for f in opened:
            if f.resolve() not in seen and f.suffix == POLICY_SUFFIX:
                files.append(f)
                seen.add(f.resolve())
        return files

    def parse(self, display: str, text: str, edited: bool) -> Parsed:
        """Parse a policy text (cached by text). A text being edited is parsed block by block,
        re-parsing only the blocks that changed (incremental.py); files on disk use the disk cache."""
        cached = self._parsed.get(display)
        if cached is not None and cached.text == text:
            return cached
        result = None
        if edited:
            result = self._blocks.setdefault(display, BlockParser(display)).parse(text)
        policy, diagnostics = result if result is not None else parse_policy(text, display, cache=not edited)
        parsed = Parsed(text, policy, diagnostics)
        self._parsed[display] = parsed
        if policy is not None:
            self._last_good[display] = policy
        return parsed

    def analyse_policies(self, extra: Path | None = None) -> PolicyAnalysis:
        """Parse (cached) and check the whole set, as `piarules check` on it would."""
        order: list[str] = []
        texts: list[tuple[str, str]] = []
        unreadable: dict[str, list[Diagnostic]] = {}
        for file in self.policy_set_files(extra):
            display = self.display(file)
            text = self.text_of(file)
            order.append(display)
            if text is None:
                unreadable[display] = [Diagnostic("PIA501", "ポリシーを読めません", Span.point(display, 1, 1))]
                continue
            texts.append((display, text))
        key = tuple(texts)
        if self._analysis is not None and self._analysis[0] == key and not unreadable:
            return self._analysis[1]
        parsed = {d: self.parse(d, t, edited=self.file_of(d).resolve() in self.open) for d, t in texts}
        check = check_policies([p.policy for p in parsed.values() if p.policy is not None])
        diagnostics: dict[str, list[Diagnostic]] = {d: list(ds) for d, ds in unreadable.items()}
        for display, p in parsed.items():
            diagnostics.setdefault(display, []).extend(p.diagnostics)
        for d in check.diagnostics:
            if d.span is not None:
                diagnostics.setdefault(d.span.path, []).append(d)
        analysis = PolicyAnalysis([d for d in order if d in parsed], parsed, check, diagnostics)
        self._analysis = (key, analysis)
        return analysis

    def set_asts(self, file: Path) -> list[ast.PolicyFile]:
        """The parsed files of the policy set `file` is checked with (what its `use` can name).
        Only parsed when the file uses another policy."""
        policy = self.last_good(file)
        if policy is None or not policy.uses:
            return []
        analysis = self.analyse_policies(file)
        return [p.policy for p in analysis.parsed.values() if p.policy is not None]

    def policy_diagnostics(self, file: Path) -> tuple[PolicyAnalysis, list[Diagnostic]]:
        """The diagnostics of one policy file, checked with its set."""
        analysis = self.analyse_policies(file)
        return analysis, analysis.diagnostics.get(self.display(file), [])

    def current_ast(self, file: Path) -> ast.PolicyFile | None:
        """The AST of the current text: its parse, else its blocks that parse on their own
        (positions are those of the current text either way)."""
        display = self.display(file)
        text = self.text_of(file)
        if text is None:
            return None
        parsed = self.parse(display, text, edited=file.resolve() in self.open)
        if parsed.policy is not None:
            return parsed.policy
        partial = self.partial(display, text)
        return partial if partial.items else None

    def last_good(self, file: Path) -> ast.PolicyFile | None:
        """The best AST for completion: the current one, else the latest parse that succeeded."""
        return self.current_ast(file) or self._last_good.get(self.display(file))

    def partial(self, display: str, text: str) -> ast.PolicyFile:
        """The declarations of a broken policy that parse block by block (each at its own lines)."""
        return self._blocks.setdefault(display, BlockParser(display)).partial(text)

    # ------------------------------------------------------------ assessments
    def analyse_assessment(self, file: Path, text: str) -> AssessmentResult:
        """Load a YAML assessment and evaluate the policy set on it (as `piarules eval`)."""
        from piarules.evaluate import evaluate

        document, diagnostics = load_document_text(text, self.display(file))
        if document is None:
            return AssessmentResult(None, diagnostics)
        from piarules.api import resolve_as_of

        findings = evaluate(self.analyse_policies().rules(), document, resolve_as_of(None, document))
        return AssessmentResult(document, diagnostics, sorted(findings, key=Finding.sort_key))

    def explain(self, rule_id: str, file: Path, text: str) -> str:
        """`piarules explain RULE DOC` on an open document (Japanese text, or why it cannot)."""
        from piarules.diagnostics import suggestion
        from piarules.explain import explain_rule, render

        analysis = self.analyse_policies()
        rules = analysis.rules()
        rule = next((r for r in rules if r.checked.id == rule_id), None)
        if rule is None:
            hint = suggestion(rule_id, [r.checked.id for r in rules])
            return f"ルール「{rule_id}」はありません" + (f" ({hint})" if hint else "")
        document, diagnostics = load_document_text(text, self.display(file))
        if document is None:
            return "文書を読み込めません:\n" + "\n".join(d.one_line() for d in diagnostics)
        from piarules.api import resolve_as_of

        as_of = resolve_as_of(None, document)
        bindings = explain_rule(rule, document, as_of)
        return render(rule, bindings, document, show_all=False, limit=5)
