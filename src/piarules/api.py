"""The library API, read as the pipeline: policies → checked & compiled rules; YAML → document;
evaluate → findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piarules import ast
from piarules.check import CheckResult, check_policies
from piarules.compile import CompiledRule, compile_rules
from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.document import Document, load_document
from piarules.document.loader import decode
from piarules.evaluate import evaluate
from piarules.files import display_path, read_input
from piarules.findings import Finding
from piarules.span import Span
from piarules.syntax import parse_policy
from piarules.values import Unreadable
from piarules.vocabulary import Vocabulary, vocabulary_for

POLICY_SUFFIX = ".pia"

__all__ = ["PolicySet", "bundled_policy_dir", "check_policies", "evaluate", "load_document", "load_policies", "run",
           "with_standard"]


@dataclass
class PolicySet:
    """Parsed, checked and compiled policies (compiled is empty when there are errors)."""

    files: list[ast.PolicyFile] = field(default_factory=list)
    check: CheckResult = field(default_factory=CheckResult)
    rules: list[CompiledRule] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source_digest: str | None = None
    """SHA-256 over what the set was built from (each policy file's name and text, each vocabulary
    file's bytes): results judged by it can be reused while it is unchanged (result_cache.py).
    None for a set built from texts in memory."""

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


def parse_policy_texts(sources: Iterable[tuple[str, str]], vocabulary: Vocabulary | None = None) -> PolicySet:
    """(path, text) pairs → a PolicySet: parse all, then check and compile the whole set."""
    result = PolicySet()
    for path, text in sources:
        policy, diagnostics = parse_policy(text, path)
        result.diagnostics.extend(diagnostics)
        if policy is not None:
            result.files.append(policy)
    result.check = check_policies(result.files, vocabulary)
    result.diagnostics.extend(result.check.vocabulary.load_all())
    result.diagnostics.extend(result.check.diagnostics)
    if result.ok:
        result.rules = compile_rules(result.check)
    return result


_WIDE_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16",
               b"\xfe\xff": "UTF-16"}


def read_source_text(path: Path, what: str = "ファイル") -> str:
    """The text of a policy or test file written by the user, or a located one-line error.

    Missing files, directories and UTF-16/32 files (saved so by some Windows editors) are user
    mistakes with a clear message, never an internal error; nothing is converted silently.

    Raises:
        PiarulesError: the file cannot be read as UTF-8 (or CP932) text.
    """
    name = display_path(path)
    raw = read_input(path, what)
    for bom, encoding in _WIDE_BOMS.items():
        if raw.startswith(bom):
            raise PiarulesError([Diagnostic("PIA308", f"{what}が {encoding} で保存されています", Span.point(name, 1, 1),
                                            help="UTF-8 で保存し直してください")])
    return decode(raw, name)


def with_standard(paths: Iterable[str | Path], standard: bool = True) -> list[Path]:
    """The policy set of a run: the standard library first (unless `standard` is false), then
    the body's own policies, each path once."""
    out = [bundled_policy_dir()] if standard else []
    seen = {p.resolve() for p in out}
    for path in map(Path, paths):
        if path.resolve() not in seen:
            seen.add(path.resolve())
            out.append(path)
    return out


def load_policies(paths: Iterable[str | Path], standard: bool = False) -> PolicySet:
    """Read policy files or directories (and the vocabulary files in them: synonyms.yaml,
    statutes.yaml, law_timeline.yaml); unreadable files become diagnostics.

    `standard=True` adds the standard library (piarules' bundled policies) before them. A file
    given that is a byte-for-byte copy of a standard one (the library checking itself, or a body
    that copied a file) is read once, from where it was given.
    """
    paths = with_standard(paths, standard)
    sources: list[tuple[str, str]] = []
    errors: list[Diagnostic] = []
    files = _distinct(policy_files(paths))
    for file in files:
        name = display_path(file)
        try:
            sources.append((name, read_source_text(file, "ポリシー")))
        except PiarulesError as exc:
            errors.extend(exc.diagnostics)
    vocabulary = vocabulary_for(paths)
    result = parse_policy_texts(sources, vocabulary)
    result.diagnostics[:0] = errors
    result.source_digest = None if errors else _source_digest(sources, vocabulary)
    if not files:
        result.diagnostics.append(Diagnostic("PIA501", "ポリシーファイル (*.pia) が見つかりません", None))
    return result


def _source_digest(sources: list[tuple[str, str]], vocabulary: Vocabulary) -> str | None:
    """What a policy set is built from, as one digest; None if a vocabulary file cannot be read."""
    import hashlib

    digest = hashlib.sha256()
    for name, text in sources:
        digest.update(f"{name}\0{text}\0".encode("utf-8", "surrogatepass"))
    for path in (*vocabulary.synonym_files, *vocabulary.statute_files, *vocabulary.timeline_files,
                 *vocabulary.body_files):
        try:
            digest.update(f"{path}\0".encode("utf-8", "surrogatepass") + path.read_bytes() + b"\0")
        except OSError:
            return None
    return digest.hexdigest()


def _distinct(files: list[Path]) -> list[Path]:
    """Files in order, a later file with the same name and bytes as an earlier one replacing it."""
    names: dict[str, list[int]] = {}
    for index, file in enumerate(files):
        names.setdefault(file.name, []).append(index)
    dropped: set[int] = set()
    for indices in names.values():
        if len(indices) < 2:
            continue
        seen: dict[bytes, int] = {}
        for index in indices:
            try:
                content = read_input(files[index], "ポリシー")
            except PiarulesError:
                continue  # reported when the file is read
            if content in seen:
                dropped.add(seen[content])
            seen[content] = index
    return [f for i, f in enumerate(files) if i not in dropped]


def resolve_as_of(as_of: dt.date | None, document: Document) -> dt.date | Unreadable:
    """The date a document is judged as of: the one given, else its 公表日, else today; unknown
    when the 公表日 is written but cannot be read (rules reading the date then cannot decide).

    The one resolver used by eval, explain and test, so they can never judge differently.
    """
    if as_of is not None:
        return as_of
    if document.model.公表日 is None and ("公表日",) in document.unreadable:
        return document.unreadable[("公表日",)]
    return document.model.公表日 or dt.date.today()


def run(policies: PolicySet, document: Document, as_of: dt.date | None = None,
        companions: dict[str, dict[str, Any]] | None = None) -> list[Finding]:
    """Evaluate a loaded policy set over one document (as of `resolve_as_of`), with the other
    documents of its set (see piarules.document.sets) when it is checked together with them."""
    return evaluate(policies.rules, document, resolve_as_of(as_of, document), companions)
