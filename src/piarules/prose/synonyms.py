"""The synonym table: a YAML data file → named SynonymSets, with bad entries as diagnostics at file:line.

The standard table ships as `piarules/data/synonyms.yaml`; a body may load its own file with the
same format (docs/prose.md). Loading never raises for bad content: a bad entry is skipped and
reported as PIA601 at the line of the offending value, the good entries are kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from piarules.diagnostics import Diagnostic, PiarulesError, Severity, suggestion
from piarules.document.source_map import DocPath, SourceMap
from piarules.prose.normalize import normalize
from piarules.prose.phrases import SynonymSet
from piarules.span import Span

ENTRY_KEYS = ("terms", "exclude", "source", "note")
CODE = "PIA601"


@dataclass(frozen=True)
class SynonymTable(Mapping[str, SynonymSet]):
    """Named synonym sets, in file order."""

    sets: dict[str, SynonymSet] = field(default_factory=dict)
    path: str = ""

    def __getitem__(self, name: str) -> SynonymSet:
        return self.sets[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.sets)

    def __len__(self) -> int:
        return len(self.sets)

    def __hash__(self) -> int:
        return hash((self.path, tuple(self.sets.values())))


class _Reader:
    """Validates the plain data of one file, collecting diagnostics with spans."""

    def __init__(self, path: str, source_map: SourceMap) -> None:
        self.path = path
        self.source_map = source_map
        self.diagnostics: list[Diagnostic] = []

    def span(self, doc_path: DocPath, key: bool = False) -> Span:
        found = self.source_map.get(doc_path)
        if found is None:
            return self.source_map.span_of(doc_path)
        return (found.key or found.value) if key else found.value

    def problem(self, doc_path: DocPath, message: str, help: str | None = None, key: bool = False,
                severity: Severity = Severity.ERROR) -> None:
        self.diagnostics.append(Diagnostic(CODE, message, self.span(doc_path, key), severity, help))

    def strings(self, doc_path: DocPath, value: Any, what: str) -> list[str] | None:
        if not isinstance(value, list) or not value:
            self.problem(doc_path, f"{what}は1つ以上の文字列のリストで書いてください", "例: [許諾, 承認, 承諾]")
            return None
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not normalize(item).text:
                self.problem((*doc_path, i), f"{what}の{i + 1}番目が空か文字列ではありません")
                return None
            out.append(item)
        return out

    def entry(self, name: str, value: Any) -> SynonymSet | None:
        where: DocPath = (name,)
        if not isinstance(value, dict):
            self.problem(where, f"同義語「{name}」は terms と source を持つマッピングで書いてください")
            return None
        for key in value:
            if key not in ENTRY_KEYS:
                self.problem((*where, key), f"同義語「{name}」に未知の項目「{key}」があります",
                             suggestion(key, ENTRY_KEYS), key=True)
        terms = self.strings((*where, "terms"), value.get("terms"), "terms")
        exclude = self.strings((*where, "exclude"), value["exclude"], "exclude") if "exclude" in value else []
        source = value.get("source")
        if not isinstance(source, str) or not source.strip():
            self.problem(where, f"同義語「{name}」に source (どの文書の言い回しか) がありません", key=True)
            return None
        if terms is None or exclude is None:
            return None
        self.check_duplicates(where, terms)
        self.check_excludes(where, terms, exclude)
        return SynonymSet(name, tuple(terms), tuple(exclude), source)

    def check_duplicates(self, where: DocPath, terms: list[str]) -> None:
        seen: dict[str, int] = {}
        for i, term in enumerate(terms):
            folded = normalize(term).text
            if folded in seen:
                self.problem((*where, "terms", i), f"「{term}」は{seen[folded] + 1}番目の語と同じです (正規化後)",
                             severity=Severity.WARNING)
            seen.setdefault(folded, i)

    def check_excludes(self, where: DocPath, terms: list[str], exclude: list[str]) -> None:
        folded_terms = [normalize(t).text for t in terms]
        for i, word in enumerate(exclude):
            if not any(t in normalize(word).text for t in folded_terms):
                self.problem((*where, "exclude", i), f"除外語「{word}」はどの語も含まないため効果がありません",
                             severity=Severity.WARNING)


def read_synonyms(text: str, path: str) -> tuple[SynonymTable, list[Diagnostic]]:
    """Synonym-table YAML text → the valid sets and a diagnostic per bad entry."""
    from piarules.document.loader import load_yaml  # the YAML parser only when a table is read

    try:
        data = load_yaml(text, path)
    except PiarulesError as exc:
        return SynonymTable(path=path), exc.diagnostics
    return _table(data.data, data.source_map, path)


def _table(data: Any, source_map: SourceMap, path: str) -> tuple[SynonymTable, list[Diagnostic]]:
    reader = _Reader(path, source_map)
    if data is None:
        return SynonymTable(path=path), []
    if not isinstance(data, dict):
        reader.problem((), "同義語表は「名前: {terms: […], source: …}」のマッピングで書いてください")
        return SynonymTable(path=path), reader.diagnostics
    sets = {}
    for name, value in data.items():
        if not normalize(name).text:
            reader.problem((name,), "同義語の名前が空です", key=True)
            continue
        entry = reader.entry(name, value)
        if entry is not None:
            sets[name] = entry
    return SynonymTable(sets, path), reader.diagnostics


def load_synonyms(path: str | Path) -> tuple[SynonymTable, list[Diagnostic]]:
    """Read a synonym-table file; an unreadable file is one diagnostic, not an exception."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return SynonymTable(path=name), [Diagnostic(CODE, f"同義語表を読めません: {exc}", Span.point(name, 1, 1))]
    return read_synonyms(text, name)


STANDARD_PATH = "piarules/data/synonyms.yaml"


@lru_cache(maxsize=1)
def standard_synonyms() -> SynonymTable:
    """The bundled table (its YAML parsed once per machine: legal.datafile.cached_yaml). Its own
    diagnostics are a packaging bug, caught by the test suite."""
    from piarules.legal.datafile import cached_yaml

    raw = resources.files("piarules").joinpath("data", "synonyms.yaml").read_bytes()
    table, _ = _table(*cached_yaml(raw, STANDARD_PATH), STANDARD_PATH)
    return table


def standard_diagnostics() -> list[Diagnostic]:
    """Diagnostics of the bundled table (expected: none)."""
    text = resources.files("piarules").joinpath("data", "synonyms.yaml").read_text(encoding="utf-8")
    return read_synonyms(text, STANDARD_PATH)[1]
