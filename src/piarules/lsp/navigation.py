"""Go to definition, find references and document symbols: terms, consts, matchers and variables
within their file (they are file-local); rule ids across the policy set and the workspace's YAML
(waiver files and policy test cases name rules by id)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from piarules import ast
from piarules.lsp.symbols import CONST, MATCHER, RULE, TERM, VAR, Occurrence, PolicyIndex
from piarules.pattern_store import compiled
from piarules.span import Span

RULE_ID = compiled(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)+")
"""What a rule id looks like in YAML and prose (ENT-001, CH-001b)."""
SKIP_DIRS = frozenset({"node_modules", "__pycache__", "build", "dist", "site-packages"})
MAX_FILES = 3000
MAX_DIRS = 20_000
MAX_BYTES = 2_000_000


def word_at(text: str, index: int, pattern: re.Pattern[str] = RULE_ID) -> tuple[str, int, int] | None:
    """The match of `pattern` on a line that holds character `index` (word, start, end)."""
    for m in pattern.finditer(text):
        if m.start() <= index <= m.end():
            return m[0], m.start(), m.end()
    return None


def id_pattern(rule_id: str) -> re.Pattern[str]:
    return compiled(rf"(?<![\w\-]){re.escape(rule_id)}(?![\w\-])")


def workspace_yaml(root: Path | None) -> Iterator[Path]:
    """YAML files of the workspace (hidden and vendored folders skipped, bounded)."""
    if root is None or not root.is_dir():
        return
    count = 0
    for visited, (folder, dirs, files) in enumerate(os.walk(root)):
        if visited > MAX_DIRS:  # a workspace opened at the home directory: stop, do not freeze
            return
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                count += 1
                if count > MAX_FILES:
                    return
                yield Path(folder) / name


@dataclass(frozen=True)
class TextHit:
    path: Path
    line: int
    col: int
    end_col: int


def text_hits(path: Path, text: str, rule_id: str) -> list[TextHit]:
    pattern = id_pattern(rule_id)
    out = []
    for n, line in enumerate(text.split("\n"), start=1):
        if rule_id in line:
            out += [TextHit(path, n, m.start() + 1, m.end() + 1) for m in pattern.finditer(line)]
    return out


def local_definition(index: PolicyIndex, o: Occurrence) -> Occurrence | None:
    """The definition in this file of a term, const, matcher, variable or rule id (None: a field)."""
    if o.kind in (TERM, CONST, MATCHER, VAR, RULE):
        return index.definition(o.kind, o.name, o)
    return None


# ---------------------------------------------------------------- document symbols


def _symbol(name: str, detail: str | None, kind: types.SymbolKind, whole: types.Range, name_range: types.Range,
            children: list[types.DocumentSymbol] | None = None) -> types.DocumentSymbol:
    if (whole.start.line, whole.start.character) > (name_range.start.line, name_range.start.character) or \
            (whole.end.line, whole.end.character) < (name_range.end.line, name_range.end.character):
        whole = types.Range(start=name_range.start, end=max(whole.end, name_range.end, key=lambda p: (p.line, p.character)))
    return types.DocumentSymbol(name=name, detail=detail, kind=kind, range=whole, selection_range=name_range,
                                children=children or None)


def document_symbols(index: PolicyIndex, to_range: Callable[[Span], types.Range]) -> list[types.DocumentSymbol]:
    """Policy header, rules, terms, consts and matchers, in file order (rules under the policy)."""
    names = {(o.kind, o.name): o.span for o in index.occurrences if o.definition and o.kind != VAR}
    out: list[types.DocumentSymbol] = []
    for item in index.policy.items:
        match item:
            case ast.PolicyHeader():
                span = names.get(("policy", item.id), item.span)
                out.append(_symbol(item.id, item.title, types.SymbolKind.Module, to_range(item.span), to_range(span)))
            case ast.Rule():
                out.append(_symbol(item.id, item.title, types.SymbolKind.Event, to_range(item.span), to_range(item.id_span)))
            case ast.Term():
                out.append(_symbol(item.name, "用語", types.SymbolKind.Variable, to_range(item.span),
                                   to_range(names.get(("term", item.name), item.span))))
            case ast.Const():
                out.append(_symbol(item.name, "定数", types.SymbolKind.Constant, to_range(item.span),
                                   to_range(names.get(("const", item.name), item.span))))
            case ast.MatcherDef():
                out.append(_symbol(item.name, item.description or "マッチャー", types.SymbolKind.Function,
                                   to_range(item.span), to_range(names.get(("matcher", item.name), item.span))))
    return out
