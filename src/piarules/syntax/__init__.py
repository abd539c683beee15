"""Policy text → typed AST. The only public entry point into parsing; Lark stays inside."""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from pathlib import Path
from typing import Any

from piarules import ast
from piarules.diagnostics import Diagnostic
from piarules.pattern_store import compiled
from piarules.span import Span
from piarules.syntax.grammar import grammar_text

MAX_SYNTAX_ERRORS = 20
_BLOCK_START = compiled(r"^(policy|rule|term|const|matcher)\b", re.M)


def _blocks(text: str) -> list[str]:
    """The text of each top-level block, in order, for error recovery: one error per block."""
    starts = [m.start() for m in _BLOCK_START.finditer(text)] or [0]
    if starts[0] != 0:
        starts.insert(0, 0)
    return [text[s:e] for s, e in zip(starts, [*starts[1:], len(text)], strict=True)]


def _shift(diagnostic: Diagnostic, lines: int) -> Diagnostic:
    span = diagnostic.span
    if span is None or not lines:
        return diagnostic
    return dataclasses.replace(diagnostic, span=dataclasses.replace(span, line=span.line + lines,
                                                                    end_line=span.end_line + lines))


def _parse_blocks(text: str, path: str, first_error_line: int = 1) -> list[Diagnostic]:
    """Re-parse block by block so that every broken block is reported, not just the first.

    Each block is parsed on its own and its diagnostics shifted to the block's place, so the
    cost is linear in the file's size. Counting stops being precise after MAX_SYNTAX_ERRORS:
    the rest are summed up in one line.
    """
    from lark import UnexpectedInput

    from piarules.syntax.errors import syntax_diagnostic
    from piarules.syntax.grammar import NestingError, parser

    found: list[Diagnostic] = []
    more = 0
    line = 0
    for block in _blocks(text):
        offset = line
        line += block.count("\n")
        if line < first_error_line:  # before the first error, the whole-file parse went through
            continue
        if not block.endswith("\n"):
            block += "\n"
        try:
            parser().parse(block, start="start")
        except NestingError as exc:
            diagnostic = _nesting_diagnostic(exc, path)
        except UnexpectedInput as exc:
            diagnostic = syntax_diagnostic(exc, path, block)
        else:
            continue
        if len(found) < MAX_SYNTAX_ERRORS:
            found.append(_shift(diagnostic, offset))
        else:
            more += 1
    if more:
        found.append(Diagnostic("PIA101", f"ほかに構文エラーが {more} 件あります", found[-1].span,
                                help=f"最初の {MAX_SYNTAX_ERRORS} 件を直してから、もう一度実行してください"))
    return found


def _nesting_diagnostic(exc: Exception, path: str) -> Diagnostic:
    from piarules.syntax.grammar import MAX_NESTING

    line, column = getattr(exc, "line", 1), getattr(exc, "column", 1)
    return Diagnostic("PIA104", f"括弧の入れ子が深すぎます (上限 {MAX_NESTING})", Span.point(path, line, column),
                      help="式を term に分けて書いてください")


def parse_policy(text: str, path: str, *, cache: bool = True) -> tuple[ast.PolicyFile | None, list[Diagnostic]]:
    """Parse one policy file. Returns the AST (None on syntax errors) and diagnostics.

    A clean parse is cached on disk by content (see piarules.cache): unchanged policies are
    not re-parsed in the next run. `cache=False` for texts being edited (the language server),
    which would otherwise leave one cache file per keystroke.
    """
    from piarules import cache as disk

    if not cache:
        return _parse(text, path)
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
    sources = (here.parent / "ast.py", here / "to_ast.py", here / "comments.py", here / "grammar.py")
    return "".join(p.read_text(encoding="utf-8") for p in sources)


def parse_expression(text: str, path: str = "<expr>") -> ast.Expr | None:
    """One expression on its own (editors: the path or condition typed so far); None when it
    does not parse. Spans are relative to `text`."""
    from lark.exceptions import LarkError

    from piarules.syntax.grammar import NestingError, parser
    from piarules.syntax.to_ast import expression_to_ast

    try:
        tree = parser().parse(text, start="expr")
    except (LarkError, NestingError):
        return None
    if _too_deep(tree) is not None:
        return None
    return expression_to_ast(tree, path)


MAX_TREE_DEPTH = 160
"""Deepest parse tree accepted (a chain of 400 `+` is a diagnostic, not a recursion error)."""


def _too_deep(tree: Any) -> Any:
    """The first node nested deeper than MAX_TREE_DEPTH (iteratively), or None."""
    from lark import Tree

    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            return node
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tree))
    return None


def _parse(text: str, path: str) -> tuple[ast.PolicyFile | None, list[Diagnostic]]:
    # Lark is imported only here: a run whose policies are all cached never loads it.
    from lark import UnexpectedInput

    from piarules.syntax.comments import attach_comments
    from piarules.syntax.errors import syntax_diagnostic
    from piarules.syntax.grammar import NestingError, parser, token_facts
    from piarules.syntax.to_ast import tree_to_ast

    source = text if text.endswith("\n") else text + "\n"
    try:
        tree = parser().parse(source, start="start")
    except NestingError as exc:
        return None, [_nesting_diagnostic(exc, path)]
    except UnexpectedInput as exc:
        found = _parse_blocks(source, path, exc.line) or [syntax_diagnostic(exc, path, source)]
        return None, found
    facts = token_facts()
    deep = _too_deep(tree)
    if deep is not None:
        meta = deep.meta
        return None, [Diagnostic("PIA104", f"式の入れ子が深すぎます (上限 {MAX_TREE_DEPTH} 段)",
                                 Span.point(path, getattr(meta, "line", 1), getattr(meta, "column", 1)),
                                 help="長い式は term に分けて書いてください")]
    items, diagnostics = tree_to_ast(tree, path)
    headers = [i for i in items if isinstance(i, ast.PolicyHeader)]
    for extra in headers[1:]:
        diagnostics.append(Diagnostic("PIA203", "policy 見出しは1ファイルに1つだけ書けます", extra.span))
    declarations = tuple(items)
    comments = attach_comments(path, declarations, facts.comments, facts.closers, source.splitlines())
    return ast.PolicyFile(path, declarations, comments, Span(path, 1, 1, 1, 1)), diagnostics
