"""Re-parse only the top-level blocks of a policy that changed since the last keystroke.

A policy file is a sequence of blocks (policy / rule / term / const / matcher) that the grammar
parses independently, so each block is parsed on its own, at its own lines, and cached by
(first line, text). When every block parses cleanly the result is the whole-file parse (same
declarations, spans and diagnostics: tests/test_lsp_units.py checks it on every bundled policy);
otherwise the caller parses the whole file, so syntax errors are reported exactly as
`piarules check` reports them. Comments are not attached (the checker does not read them; `fmt`
parses the file itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from piarules import ast
from piarules.diagnostics import Diagnostic, Severity
from piarules.span import Span
from piarules.syntax import parse_policy

BLOCK_START = re.compile(r"(?m)^(?=(?:policy|rule|term|const|matcher)\b)")
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


@dataclass
class BlockResult:
    policy: ast.PolicyFile | None
    diagnostics: list[Diagnostic]

    @property
    def clean(self) -> bool:
        return self.policy is not None and not any(d.severity == Severity.ERROR for d in self.diagnostics)


@dataclass
class BlockParser:
    """The block cache of one file (only the blocks of its latest text are kept)."""

    path: str
    cache: dict[tuple[int, str], BlockResult] = field(default_factory=dict)

    def parse_blocks(self, text: str) -> list[BlockResult]:
        fresh: dict[tuple[int, str], BlockResult] = {}
        results = []
        for key in blocks(text):
            result = self.cache.get(key) or fresh.get(key)
            if result is None:
                policy, diagnostics = parse_policy("\n" * key[0] + key[1], self.path, cache=False)
                result = BlockResult(policy, diagnostics)
            fresh[key] = result
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
