"""The prose corpora (polarity.yaml, match.yaml) as data: shared by the tests and bench/score_phrases.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piarules.document.loader import load_yaml
from piarules.prose import CoOccurrence, Phrase, Scope, SynonymSet, standard_synonyms
from piarules.prose.phrases import Pattern

HERE = Path(__file__).parent


def to_set(spec: Any) -> SynonymSet:
    """A set name of the standard table, a literal term, or {terms: [...], exclude: [...]}."""
    if isinstance(spec, dict):
        terms = tuple(spec["terms"])
        return SynonymSet(spec.get("name", terms[0]), terms, tuple(spec.get("exclude", ())))
    table = standard_synonyms()
    return table[spec] if spec in table else SynonymSet.of(str(spec))


def to_pattern(spec: Any) -> Pattern | CoOccurrence:
    """The phrase spec of a corpus case (see the header of polarity.yaml)."""
    if isinstance(spec, dict) and "parts" in spec:
        return Phrase(tuple(to_set(p) for p in spec["parts"]), int(spec.get("gap", 0)))
    if isinstance(spec, dict) and "all" in spec:
        return CoOccurrence(tuple(to_set(p) for p in spec["all"]), Scope(spec.get("scope", "sentence")))
    return to_set(spec)


@dataclass(frozen=True)
class Case:
    """One corpus case, with its line in the YAML file for test ids."""

    line: int
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return f"L{self.line}:{self.data['text'][:20]}"

    @property
    def pattern(self) -> Pattern | CoOccurrence:
        return to_pattern(self.data.get("phrase", self.data.get("find")))

    @property
    def known_wrong(self) -> str | None:
        return self.data.get("known_wrong")


def load_cases(name: str) -> list[Case]:
    path = HERE / name
    loaded = load_yaml(path.read_text(encoding="utf-8"), str(path))
    return [Case(loaded.source_map.entries[(i,)].value.line, d) for i, d in enumerate(loaded.data)]
