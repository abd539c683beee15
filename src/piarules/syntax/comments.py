"""Attach the comments the postlexer collected to the declarations and statements they stand by.

Rules (line-based; a comment always runs to the end of its line):
- a comment after code on a line belongs WITHIN what that line belongs to: a statement, a
  one-statement declaration, a block's header line (`rule … {`), or CLOSE of a block (after `}`);
- a comment alone on its line inside a multi-line statement belongs WITHIN that statement;
- otherwise it comes BEFORE the next statement of its block (or the next declaration), or at the
  END of the block (or of the file) when nothing follows.
So `fmt` can print every comment again without moving it across a statement.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from piarules import ast
from piarules.span import Span


@dataclass(frozen=True)
class _Unit:
    owner: tuple[int, ...]
    first: int
    last: int


@dataclass(frozen=True)
class _Block:
    index: int
    header: int
    close: int
    statements: tuple[_Unit, ...]


def _statements(item: ast.Declaration) -> tuple[ast.Statement, ...] | tuple[ast.HeaderStatement, ...] | None:
    if isinstance(item, ast.Rule | ast.PolicyHeader):
        return item.body
    return None


def attach_comments(path: str, items: tuple[ast.Declaration, ...], comments: list[tuple[int, int, str]],
                    closers: list[int], lines: list[str]) -> tuple[ast.Comment, ...]:
    """Comments (line, column, text) → ast.Comment with owner and place."""
    blocks: list[_Block] = []
    singles: list[_Unit] = []
    for index, item in enumerate(items):
        body = _statements(item)
        if body is None:
            singles.append(_Unit((index,), item.span.line, item.span.end_line))
            continue
        header = item.span.line
        close = closers[bisect.bisect_right(closers, header - 1)] if closers and closers[-1] >= header else header
        units = tuple(_Unit((index, j), s.span.line, s.span.end_line) for j, s in enumerate(body))
        blocks.append(_Block(index, header, close, units))
    firsts = [(u.first, u.owner) for u in singles] + [(b.header, (b.index,)) for b in blocks]
    firsts.sort()
    out = []
    for line, column, text in comments:
        after_code = bool(lines[line - 1][: column - 1].strip()) if 0 < line <= len(lines) else False
        owner, place = _place(line, after_code, blocks, singles, firsts)
        out.append(ast.Comment(text, owner, place, Span(path, line, column, line, column + len(text))))
    return tuple(out)


def _place(line: int, after_code: bool, blocks: list[_Block], singles: list[_Unit],
           firsts: list[tuple[int, tuple[int, ...]]]) -> tuple[tuple[int, ...], ast.CommentPlace]:
    for block in blocks:
        if block.header <= line <= block.close:
            return _place_in_block(block, line, after_code)
    for unit in singles:
        if unit.first <= line <= unit.last:
            return unit.owner, ast.CommentPlace.WITHIN
    following = next((owner for first, owner in firsts if first > line), None)
    if following is None:
        return (), ast.CommentPlace.END
    return following, ast.CommentPlace.BEFORE


def _place_in_block(block: _Block, line: int, after_code: bool) -> tuple[tuple[int, ...], ast.CommentPlace]:
    if line == block.header:
        return (block.index,), ast.CommentPlace.WITHIN
    if line == block.close and after_code:
        return (block.index,), ast.CommentPlace.CLOSE
    for unit in block.statements:
        if unit.first <= line <= unit.last and (after_code or unit.first < line):
            return unit.owner, ast.CommentPlace.WITHIN
    following = next((u.owner for u in block.statements if u.first > line), None)
    if following is None:
        return (block.index,), ast.CommentPlace.END
    return following, ast.CommentPlace.BEFORE
