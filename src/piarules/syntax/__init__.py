"""Policy text → typed AST. The only public entry point into parsing; Lark stays inside."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from piarules import ast
from piarules.diagnostics import Diagnostic
from piarules.span import Span
from piarules.syntax.grammar import grammar_text

MAX_SYNTAX_ERRORS = 20
_BLOCK_START = re.compile(r"^(policy|rule|term|const|matcher)\b", re.M)


def _blocks(text: str) -> list[tuple[int, str]]:
    """Top-level blocks (start offset, text) for error recovery: one error per block."""
    starts = [m.start() for m in _BLOCK_START.finditer(text)] or [0]
    if starts[0] != 0:
        starts.insert(0, 0)
    return [(s, text[s:e]) for s, e in zip(starts, [*starts[1:], len(text)], strict=True)]


def _parse_blocks(text: str, path: str) -> list[Diagnostic]:
    """Re-parse block by block so that every broken block is reported, not just the first."""
    from lark import UnexpectedInput

    from piarules.syntax.errors import syntax_diagnostic
    from piarules.syntax.grammar import parser

    found: list[Diagnostic] = []
    for start, block in _blocks(text):
        padded = "\n" * text.count("\n", 0, start) + block
        if not padded.endswith("\n"):
            padded += "\n"
        try:
            parser().parse(padded, start="start")
        except UnexpectedInput as exc:
            found.append(syntax_diagnostic(exc, path, padded))
            if len(found) >= MAX_SYNTAX_ERRORS:
                break
    return found


def parse_policy(text: str, path: str) -> tuple[ast.PolicyFile | None, list[Diagnostic]]:
    """Parse one policy file. Returns the AST (None on syntax errors) and diagnostics.

    A clean parse is cached on disk by content (see piarules.cache): unchanged policies are
    not re-parsed in the next run.
    """
    from piarules import cache as disk

    name = f"ast-{disk.key(grammar_text(), _code_fingerprint(), path, text)}.pickle"
    cached = disk.load(name)
    if isinstance(cached, ast.PolicyFile):
        return cached, []
    policy, diagnostics = _parse(text, path)
    if policy is not None and not diagnostics:
        disk.store(name, policy)
    return policy, diagnostics


@cache
def _code_fingerprint() -> str:
    """The source of the modules that shape the AST: a change to them invalidates cached ASTs."""
    here = Path(__file__).parent
    return "".join((p).read_text(encoding="utf-8") for p in (here.parent / "ast.py", here / "to_ast.py"))


def _parse(text: str, path: str) -> tuple[ast.PolicyFile | None, list[Diagnostic]]:
    # Lark is imported only here: a run whose policies are all cached never loads it.
    from lark import UnexpectedInput

    from piarules.syntax.errors import syntax_diagnostic
    from piarules.syntax.grammar import parser
    from piarules.syntax.to_ast import tree_to_ast

    source = text if text.endswith("\n") else text + "\n"
    try:
        tree = parser().parse(source, start="start")
    except UnexpectedInput as exc:
        found = _parse_blocks(source, path) or [syntax_diagnostic(exc, path, source)]
        return None, found
    items, diagnostics = tree_to_ast(tree, path)
    headers = [i for i in items if isinstance(i, ast.PolicyHeader)]
    for extra in headers[1:]:
        diagnostics.append(Diagnostic("PIA203", "policy 見出しは1ファイルに1つだけ書けます", extra.span))
    policy = ast.PolicyFile(
        path=path,
        header=headers[0] if headers else None,
        consts=tuple(i for i in items if isinstance(i, ast.Const)),
        terms=tuple(i for i in items if isinstance(i, ast.Term)),
        matchers=tuple(i for i in items if isinstance(i, ast.MatcherDef)),
        rules=tuple(i for i in items if isinstance(i, ast.Rule)),
        span=Span(path, 1, 1, 1, 1),
    )
    return policy, diagnostics
