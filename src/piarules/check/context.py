"""What the checker knows while it walks a rule: declarations, scope variables, diagnostics."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from piarules import ast
from piarules.diagnostics import Diagnostic
from piarules.type_system import ObjectType, Type

BUILTIN_VARIABLES = ("基準日", "as_of")
TEXTS_VARIABLE = "本文"
ROOT_VARIABLES = ("文書", "document")
COMPANION_VARIABLES = ("基礎項目評価書", "重点項目評価書", "全項目評価書")
"""The other documents of the same 事務 in a document set, by kind (absent when not checked together)."""
"""Names that anchor a path at the document root (outside any scope)."""
"""Every text value of the document outside 変更箇所, each with its location."""


@dataclass
class FileDecls:
    """The vocabulary one policy file declares (terms and matchers are file-local)."""

    path: str
    consts: dict[str, ast.Const] = field(default_factory=dict)
    terms: dict[str, ast.Term] = field(default_factory=dict)
    matchers: dict[str, ast.MatcherDef] = field(default_factory=dict)
    synonyms: dict[str, ast.SynonymsDef] = field(default_factory=dict)
    standard_synonyms: Collection[str] = ()
    """Names of the synonym sets of the vocabulary (bundled table and extension files)."""
    imported: dict[str, FileDecls] = field(default_factory=dict)
    """Names brought in by `use`, with the declarations of the file that declares each (a term
    or matcher is resolved among its own file's names, wherever it is used)."""
    policy_id: str | None = None
    """The id of the file's `policy` header (what `use` names)."""
    unresolved: set[str] = field(default_factory=set)
    """Names a `use … from P` promised but P was not loaded: already reported there (PIA202),
    not again at every place they are used."""

    def origin(self, name: str) -> FileDecls:
        """The declarations a name's definition is resolved in: its own file's."""
        return self.imported.get(name, self)


@dataclass
class Variable:
    name: str
    type: Type
    slot: int
    schema_path: str | None = None
    """Where the variable's items live in the form, e.g. 特定個人情報ファイル[].委託.委託事項[]."""


@dataclass
class Env:
    """Scope chain of one rule while it is checked (innermost variable last)."""

    decls: FileDecls
    root: ObjectType
    variables: list[Variable] = field(default_factory=list)
    expanding: tuple[str, ...] = ()
    reads: set[str] = field(default_factory=set)
    """Form fields the rule reads, as schema paths (for `piarules test --coverage`)."""

    def lookup(self, name: str) -> Variable | None:
        for var in reversed(self.variables):
            if var.name == name:
                return var
        return None

    def push(self, name: str, type_: Type, schema_path: str | None = None) -> Variable:
        var = Variable(name, type_, len(self.variables), schema_path)
        self.variables.append(var)
        return var

    def pop(self) -> None:
        self.variables.pop()


@dataclass
class Diagnostics:
    """Collector with a cap, so one broken file cannot flood the output."""

    items: list[Diagnostic] = field(default_factory=list)
    cap: int = 200

    dropped: int = 0
    """Diagnostics over the cap, counted so the report can say how many more there were."""

    def add(self, diagnostic: Diagnostic) -> None:
        if diagnostic in self.items[-8:]:  # the same place reached again through a term
            return
        if len(self.items) < self.cap:
            self.items.append(diagnostic)
        else:
            self.dropped += 1

    def finish(self) -> list[Diagnostic]:
        """The diagnostics, with one line saying how many more were dropped over the cap."""
        if not self.dropped:
            return self.items
        last = self.items[-1]
        return [*self.items, Diagnostic(last.code, f"ほかに {self.dropped} 件の問題があります (最初の {self.cap} 件だけを表示しました)",
                                        last.span, last.severity)]

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)
