"""The data the policy language reads besides the form: synonym sets, statutes, the law timeline, bodies.

Each is a bundled data file (src/piarules/data/) that policy authors extend by putting a file of
the same format and name — `synonyms.yaml`, `statutes.yaml`, `law_timeline.yaml`, `bodies.yaml` — in a policy
directory (or its subdirectories). Loading is lazy: a run whose rules never read citations never
loads the statute table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from piarules.diagnostics import Diagnostic

if TYPE_CHECKING:
    from piarules.document.body_table import BodyTable
    from piarules.legal.statutes import StatuteTable
    from piarules.legal.timeline import Timeline
    from piarules.prose.phrases import SynonymSet

DATA_FILES = ("synonyms.yaml", "statutes.yaml", "law_timeline.yaml", "bodies.yaml")
"""The names of extension files found in policy directories."""


@dataclass(eq=False)
class Vocabulary:
    """The synonym sets, statute table and law timeline one policy set is checked and run with."""

    synonym_files: tuple[Path, ...] = ()
    statute_files: tuple[Path, ...] = ()
    timeline_files: tuple[Path, ...] = ()
    body_files: tuple[Path, ...] = ()
    problems: list[Diagnostic] = field(default_factory=list)
    """Diagnostics of the extension files, added as each table is loaded."""

    @cached_property
    def synonyms(self) -> Mapping[str, SynonymSet]:
        from piarules.prose.synonyms import load_synonyms, standard_synonyms

        merged: dict[str, SynonymSet] = dict(standard_synonyms())
        for path in self.synonym_files:
            table, problems = load_synonyms(path)
            self.problems.extend(problems)
            merged.update(table)
        return merged

    @cached_property
    def statutes(self) -> StatuteTable:
        from piarules.legal.statutes import default_statute_table, load_statute_table

        if not self.statute_files:
            return default_statute_table()
        table, problems = load_statute_table(list(self.statute_files))
        self.problems.extend(problems)
        return table

    @cached_property
    def timeline(self) -> Timeline:
        from piarules.legal.timeline import default_timeline, load_timeline

        if not self.timeline_files and not self.statute_files:
            return default_timeline()
        timeline, problems = load_timeline(list(self.timeline_files), self.statutes)
        self.problems.extend(problems)
        return timeline

    @cached_property
    def bodies(self) -> BodyTable:
        from piarules.document.body_table import default_body_table, load_body_table

        if not self.body_files:
            return default_body_table()
        table, problems = load_body_table(list(self.body_files))
        self.problems.extend(problems)
        return table

    @property
    def files(self) -> list[Path]:
        """Every extension file read (the policy set's digest covers them)."""
        return [*self.synonym_files, *self.statute_files, *self.timeline_files, *self.body_files]

    def load_all(self) -> list[Diagnostic]:
        """Load every extended table now (so its problems can be reported before a run)."""
        if self.synonym_files:
            _ = self.synonyms
        if self.statute_files:
            _ = self.statutes
        if self.timeline_files:
            _ = self.timeline
        if self.body_files:
            _ = self.bodies
        return self.problems


_STANDARD: Vocabulary | None = None


def standard_vocabulary() -> Vocabulary:
    """The bundled data only (one shared instance: its tables load once per process)."""
    global _STANDARD
    if _STANDARD is None:
        _STANDARD = Vocabulary()
    return _STANDARD


def vocabulary_for(policy_paths: Iterable[str | Path]) -> Vocabulary:
    """The bundled data extended by the data files found in the given policy directories."""
    found: dict[str, list[Path]] = {name: [] for name in DATA_FILES}
    for path in map(Path, policy_paths):
        if path.is_dir():
            for name in DATA_FILES:
                found[name] += sorted(p for p in path.rglob(name) if "tests" not in p.relative_to(path).parts)
    if not any(found.values()):
        return standard_vocabulary()
    return Vocabulary(tuple(found["synonyms.yaml"]), tuple(found["statutes.yaml"]), tuple(found["law_timeline.yaml"]),
                      tuple(found["bodies.yaml"]))
