"""AST → policy text, with the fewest parentheses the grammar needs.

Used by `piarules fmt` (whole files) and `piarules explain` (sub-expressions). Printing a
parsed expression and parsing it again gives an equal AST (tests check this).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import assert_never

from piarules import ast
from piarules.jpvalues import Band

# Binding strength: a child weaker than its parent's slot needs parentheses.
OR, AND, NOT, TEST, SUM, ATOM = 1, 2, 3, 4, 5, 6
_UNITS = {ast.Unit.YEAR: "year", ast.Unit.MONTH: "month", ast.Unit.DAY: "day"}
_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def string(text: str) -> str:
    """A "…" literal (backslashes and quotes escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def _regex(pattern: str) -> str:
    # Regex backslashes stay as written (only \" \\ \n \t are escapes in the language).
    return '"' + pattern.replace('"', '\\"') + '"'


def literal(value: object) -> str:
    match value:
        case bool():
            return "true" if value else "false"
        case dt.date():
            text = getattr(value, "text", value.isoformat())
            return text if _ISO.fullmatch(text) or "年" in text else value.isoformat()
        case Band():
            return string(value.text)
        case int() | float():
            return str(value)
        case str():
            return string(value)
    raise TypeError(f"not a literal: {value!r}")


def path(parts: tuple[str | int, ...]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


BREAK = "\x01"
"""Marks a place where `fmt` may break a long line (after and / or / satisfies / where / ,).
Inside each further pair of ( ) or [ ] the mark is the next character (\x02, \x03 …), so
`fmt` can break the outermost level first."""
_MAX_LEVEL = 8


def deeper(b: str) -> str:
    """The break mark one bracket level further in ('' stays '': no marks wanted)."""
    return chr(min(ord(b) + 1, _MAX_LEVEL)) if b else ""


def strength(node: ast.Expr) -> int:
    match node:
        case ast.BoolOp(op="or"):
            return OR
        case ast.BoolOp():
            return AND
        case ast.Not():
            return NOT
        case ast.Quantifier():
            return OR  # its body runs to the end of the expression
        case ast.Compare() | ast.Membership() | ast.TextTest() | ast.RegexTest() | ast.MatcherTest() | ast.Presence():
            return TEST
        case ast.Arith():
            return SUM
    return ATOM


def wrap(node: ast.Expr, minimum: int, b: str = "") -> str:
    if strength(node) < minimum:
        return f"({expr(node, deeper(b))})"
    return expr(node, b)


def expr(node: ast.Expr, b: str = "") -> str:
    """Policy text of an expression; `b` (BREAK) marks where a line may be broken."""
    match node:
        case ast.Path(parts=parts):
            return path(parts)
        case ast.Ref(label=label):
            return label
        case ast.Literal(value=value):
            return literal(value)
        case ast.Duration(amount=amount, unit=unit):
            return f"{amount} {_UNITS[unit]}{'' if amount == 1 else 's'}"
        case ast.ListExpr(items=items):
            inner = deeper(b)
            return "[" + f",{inner} ".join(expr(i, inner) for i in items) + "]"
        case ast.Not(operand=operand):
            # Parentheses for clarity: `not (a matches b)`, never `not a matches b`.
            return "not " + wrap(operand, ATOM, b)
        case ast.BoolOp(op=op, operands=operands):
            # and-groups inside or (and or-groups inside and) keep their parentheses, for readers.
            return f" {op}{b} ".join(wrap(o, NOT, b) for o in operands)
        case ast.Compare(op=op, left=left, right=right):
            return f"{wrap(left, SUM, b)} {op.value} {wrap(right, SUM, b)}"
        case ast.Membership(item=item, container=container, negated=negated):
            return f"{wrap(item, SUM, b)} {'not in' if negated else 'in'} {wrap(container, SUM, b)}"
        case ast.TextTest(op=op, subject=subject, needle=needle):
            return f"{wrap(subject, SUM, b)} {op.value} {wrap(needle, SUM, b)}"
        case ast.RegexTest(subject=subject, pattern=pattern):
            return f"{wrap(subject, SUM, b)} matches {_regex(pattern)}"
        case ast.MatcherTest(subject=subject, matcher=name):
            return f"{wrap(subject, SUM, b)} matches {name}"
        case ast.Presence(op=op, subject=subject):
            return f"{wrap(subject, SUM, b)} {op.value}"
        case ast.Arith(op=op, left=left, right=right):
            return f"{wrap(left, SUM, b)} {op} {wrap(right, ATOM, b)}"
        case ast.Call(func=func, args=args):
            inner = deeper(b)
            return f"{func}(" + f",{inner} ".join(expr(a, inner) for a in args) + ")"
        case ast.Member(base=base, fields=fields):
            return expr(base, b) + "".join(f".{f}" for f in fields)
        case ast.Quantifier(kind=kind, var=var, collection=collection, body=body):
            name = var.split("#", 1)[0]
            if kind == "count":
                return f"count {name} in {wrap(collection, SUM, b)} where{b} {expr(body, b)}"
            return f"{kind} {name} in {wrap(collection, SUM, b)} satisfies{b} {expr(body, b)}"
        case _:
            assert_never(node)


def matcher(node: ast.Matcher, minimum: int = OR) -> str:
    match node:
        case ast.MatchText(op=op, needles=needles):
            if op is ast.TextOp.CONTAINS and len(needles) == 1:
                return f"contains {string(needles[0])}"
            return f"{op.value} [" + f",{deeper(BREAK)} ".join(string(n) for n in needles) + "]"
        case ast.MatchRegex(pattern=pattern):
            return f"matches {_regex(pattern)}"
        case ast.MatchRef(name=name):
            return name
        case ast.MatchBool(op="not", operands=(operand,)):
            return "not " + matcher(operand, NOT)
        case ast.MatchBool(op=op, operands=operands):
            level = OR if op == "or" else AND
            text = f" {op}{BREAK} ".join(matcher(o, level + 1) for o in operands)
            return f"({text})" if level < minimum else text
        case _:
            raise TypeError(f"not a matcher: {node!r}")
