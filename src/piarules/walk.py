"""The one generic walker over AST expressions: children in evaluation order, pre-order walk.

Every pass that needs to look inside expressions (the checker's folding and vacuity passes, the
compiler's loop-invariance test, `explain`, the blame of a finding) uses these two functions, so
a new node kind is added in exactly one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import assert_never

from piarules import ast


def children(node: ast.Expr) -> tuple[ast.Expr, ...]:
    """The direct sub-expressions of `node`, left to right."""
    match node:
        case ast.Path() | ast.Ref() | ast.Literal() | ast.Duration():
            return ()
        case ast.ListExpr(items=items):
            return items
        case ast.Not(operand=operand):
            return (operand,)
        case ast.BoolOp(operands=operands):
            return operands
        case ast.Compare(left=left, right=right) | ast.Arith(left=left, right=right):
            return (left, right)
        case ast.Membership(item=item, container=container):
            return (item, container)
        case ast.TextTest(subject=subject, needle=needle):
            return (subject, needle)
        case (ast.RegexTest(subject=subject) | ast.MatcherTest(subject=subject) | ast.PhraseTest(subject=subject)
              | ast.Presence(subject=subject)):
            return (subject,)
        case ast.Call(args=args):
            return args
        case ast.Member(base=base):
            return (base,)
        case ast.Quantifier(collection=collection, body=body):
            return (collection, body)
        case _:
            assert_never(node)


def walk(node: ast.Expr, into_quantifier_bodies: bool = True) -> Iterator[ast.Expr]:
    """`node` and every expression below it, pre-order (iterative: deep nesting is fine).

    With `into_quantifier_bodies=False` a quantifier's body is not entered (its paths are
    relative to the quantifier's own variable).
    """
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if not into_quantifier_bodies and isinstance(current, ast.Quantifier):
            stack.append(current.collection)
        else:
            stack.extend(reversed(children(current)))


def statement_exprs(stmt: ast.Statement) -> tuple[ast.Expr, ...]:
    """The expressions a rule statement holds (for passes that look at a whole rule)."""
    match stmt:
        case ast.Scope(collection=collection):
            return (collection,)
        case ast.AsOfStmt(date=date):
            return (date,)
        case ast.Period(start=start, end=end):
            return tuple(e for e in (start, end) if e is not None)
        case ast.WhenStmt(condition=c) | ast.RequireStmt(condition=c):
            return (c,)
        case ast.Requires(condition=c, target=target):
            return (c, target)
        case ast.MessageStmt(parts=parts):
            return tuple(p for p in parts if not isinstance(p, str))
        case ast.AtStmt(target=target):
            return (target,)
        case ast.SeverityStmt() | ast.ConfidenceStmt() | ast.AppliesStmt() | ast.HintStmt() | ast.DescriptionStmt() | ast.ReferenceStmt():
            return ()
        case _:
            assert_never(stmt)
