"""Re-parse only the top-level blocks of a policy that changed since the last keystroke.

A policy file is a sequence of blocks (policy / rule / term / const / matcher) that the grammar
parses independently, so each block is parsed on its own, at its own lines, and cached by its
text; a block that only moved (lines added above it) gets its spans shifted instead of being parsed
again (unless it had diagnostics, whose texts may name lines). When every block parses cleanly the result is the whole-file parse (same
declarations, spans and diagnostics: tests/test_lsp_units.py checks it on every bundled policy);
otherwise the caller parses the whole file, so syntax errors are reported exactly as
`piarules check` reports them. Comments are not attached (the checker does not read them; `fmt`
parses the file itself).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from piarules import ast
from piarules.diagnostics import Diagnostic, Severity
from piarules.pattern_store import compiled
from piarules.span import Span
from piarules.syntax import parse_policy

BLOCK_START = compiled(r"(?m)^(?=(?:policy|rule|term|const|matcher)\b)")
"""Where a top-level block starts (the same split the parser's error recovery uses)."""


def blocks(text: str) -> list[tuple[int, str]]:
    """(number of lines before it, text) of each block, in order."""
    out = []
    line = 0
    for block in BLOCK_START.split(text):
        if block:
            out.append((line, block))
            line += block.count("\n")
    return out


def shifted(node: Any, lines: int) -> Any:
    """`node` with every span moved down by `lines` (AST nodes are frozen dataclasses)."""
    if isinstance(node, Span):
        return dataclasses.replace(node, line=node.line + lines, end_line=node.end_line + lines) if node.line else node
    if isinstance(node, tuple):
        return tuple(shifted(item, lines) for item in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {f.name: shifted(getattr(node, f.name), lines) for f in dataclasses.fields(node)}
        return dataclasses.replace(node, **changes)
    return node


@dataclass
class BlockResult:
    policy: ast.PolicyFile | None
    diagnostics: list[Diagnostic]
    first_line: int = 0
    """Lines before the block when it was parsed (its spans are relative to that)."""

    @property
    def clean(self) -> bool:
        return self.policy is not None and not any(d.severity == Severity.ERROR for d in self.diagnostics)

    def moved_to(self, first_line: int) -> BlockResult | None:
        """The same block parsed at another place, when that needs no parse (no diagnostics)."""
        if first_line == self.first_line:
            return self
        if self.policy is None or self.diagnostics:
            return None
        return BlockResult(shifted(self.policy, first_line - self.first_line), [], first_line)


@dataclass
class BlockParser:
    """The block cache of one file (only the blocks of its latest text are kept)."""

    path: str
    cache: dict[str, BlockResult] = field(default_factory=dict)

    def parse_blocks(self, text: str) -> list[BlockResult]:
        fresh: dict[str, BlockResult] = {}
        results = []
        for first_line, block in blocks(text):
            known = fresh.get(block) or self.cache.get(block)
            result = known.moved_to(first_line) if known is not None else None
            if result is None:
                policy, diagnostics = parse_policy("\n" * first_line + block, self.path, cache=False)
                result = BlockResult(policy, diagnostics, first_line)
            fresh.setdefault(block, result)
            results.append(result)
        self.cache = fresh
        return results

    def parse(self, text: str) -> tuple[ast.PolicyFile | None, list[Diagnostic]] | None:
        """The file's parse from its blocks, or None when a block has a syntax error."""
        results = self.parse_blocks(text)
        if not all(r.clean for r in results):
            return None
        items = tuple(item for r in results if r.policy is not None for item in r.policy.items)
        diagnostics = [d for r in results for d in r.diagnostics]
        headers = [i for i in items if isinstance(i, ast.PolicyHeader)]
        for extra in headers[1:]:  # as syntax._parse: one header per file
            diagnostics.append(Diagnostic("PIA203", "policy 見出しは1ファイルに1つだけ書けます", extra.span))
        return ast.PolicyFile(self.path, items, (), Span(self.path, 1, 1, 1, 1)), diagnostics

    def partial(self, text: str) -> ast.PolicyFile:
        """The declarations of the blocks that parse (for completion in a broken file)."""
        items = tuple(item for r in self.parse_blocks(text) if r.policy is not None for item in r.policy.items)
        return ast.PolicyFile(self.path, items, (), Span(self.path, 1, 1, 1, 1))
