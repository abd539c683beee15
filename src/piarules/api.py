"""The library API, read as the pipeline: policies → checked & compiled rules; YAML → document;
evaluate → findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from piarules import ast
from piarules.check import CheckResult, check_policies
from piarules.compile import CompiledRule, compile_rules
from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.evaluate import evaluate
from piarules.files import decode, display_path, read_input
from piarules.findings import Finding
from piarules.policy_sources import SourceDigest, bundled_policy_dir, distinct, policy_files, with_standard
from piarules.span import Span
from piarules.syntax import parse_policy
from piarules.values import Unreadable
from piarules.vocabulary import Vocabulary, vocabulary_for

if TYPE_CHECKING:
    from piarules.document import Document, load_document

__all__ = ["PolicySet", "bundled_policy_dir", "check_policies", "evaluate", "load_document", "load_policies", "run",
           "with_standard"]


def __getattr__(name: str) -> Any:
    """The document loader on first use: a run that reads its document from the document cache
    needs neither the YAML parser nor the form models (pydantic)."""
    if name == "load_document":
        from piarules.document import load_document

        return load_document
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    return decode_source(read_input(path, what), display_path(path), what)


def decode_source(raw: bytes, name: str, what: str = "ファイル") -> str:
    """The text of a policy or test file's bytes (see read_source_text).

    Raises:
        PiarulesError: the bytes are not UTF-8 (or CP932) text.
    """
    for bom, encoding in _WIDE_BOMS.items():
        if raw.startswith(bom):
            raise PiarulesError([Diagnostic("PIA308", f"{what}が {encoding} で保存されています", Span.point(name, 1, 1),
                                            help="UTF-8 で保存し直してください")])
    return decode(raw, name)


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
    digest = SourceDigest()
    files = distinct(policy_files(paths))
    for file in files:
        name = display_path(file)
        try:
            raw = read_input(file, "ポリシー")
            sources.append((name, decode_source(raw, name, "ポリシー")))
        except PiarulesError as exc:
            errors.extend(exc.diagnostics)
            continue
        digest.add(name, raw)  # the bytes parsed: the digest never names other content
    vocabulary = vocabulary_for(paths)
    source_digest = digest.hexdigest() if not errors and digest.add_vocabulary(vocabulary.files) else None
    result = _stored_set(source_digest, vocabulary)
    if result is None:
        result = parse_policy_texts(sources, vocabulary)
        result.source_digest = source_digest
        _store_set(result)
    result.diagnostics[:0] = errors
    if not files:
        result.diagnostics.append(Diagnostic("PIA501", "ポリシーファイル (*.pia) が見つかりません", None))
    return result


def _set_entry(source_digest: str) -> str:
    """The cache entry of a checked policy set: its sources (PolicySet.source_digest: each file's
    name and text, each vocabulary file's bytes) and piarules' code (every module and data file:
    the grammar, the checker, the built-ins' signatures, the bundled statutes)."""
    from piarules import cache as disk
    from piarules.result_cache import package_fingerprint

    return f"set-{disk.key('checked policy set', source_digest, package_fingerprint())}.pickle"


def _stored_set(source_digest: str | None, vocabulary: Vocabulary) -> PolicySet | None:
    """The set checked in an earlier run, read in one file; only compiling is left (closures
    cannot be stored). None when there is none (or caching is off)."""
    from piarules import cache as disk

    if source_digest is None:
        return None
    stored = disk.load(_set_entry(source_digest))
    if not (isinstance(stored, tuple) and len(stored) == 3 and isinstance(stored[1], CheckResult)):
        return None
    files, check, diagnostics = stored
    check.vocabulary = vocabulary  # the tables are not stored: built from the same files on first use
    return PolicySet(files, check, compile_rules(check), diagnostics, source_digest)


def _store_set(result: PolicySet) -> None:
    """Keep a clean set (warnings included) for the next run; the vocabulary's tables are not
    stored (they are the files' content, read again; the standard ones are the package's)."""
    from dataclasses import replace

    from piarules import cache as disk

    if result.source_digest is None or not result.ok:
        return
    check = replace(result.check, vocabulary=None)  # type: ignore[arg-type]  # set again when read (_stored_set)
    disk.store(_set_entry(result.source_digest), (result.files, check, result.diagnostics))


def resolve_as_of(as_of: dt.date | None, document: Document) -> dt.date | Unreadable:
    """The date a document is judged as of: the one given, else its 公表日, else today; unknown
    when the 公表日 is written but cannot be read (rules reading the date then cannot decide).

    The one resolver used by eval, explain and test, so they can never judge differently.
    """
    if as_of is not None:
        return as_of
    if document.published is None and ("公表日",) in document.unreadable:
        return document.unreadable[("公表日",)]
    return document.published or dt.date.today()


def run(policies: PolicySet, document: Document, as_of: dt.date | None = None,
        companions: dict[str, dict[str, Any]] | None = None) -> list[Finding]:
    """Evaluate a loaded policy set over one document (as of `resolve_as_of`), with the other
    documents of its set (see piarules.document.sets) when it is checked together with them."""
    return evaluate(policies.rules, document, resolve_as_of(as_of, document), companions)
