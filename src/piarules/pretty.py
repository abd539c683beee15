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
from piarules.pattern_store import compiled

# Binding strength: a child weaker than its parent's slot needs parentheses.
OR, AND, NOT, TEST, SUM, ATOM = 1, 2, 3, 4, 5, 6
_UNITS = {ast.Unit.YEAR: "year", ast.Unit.MONTH: "month", ast.Unit.DAY: "day"}
_ISO = compiled(r"\d{4}-\d{1,2}-\d{1,2}")


def string(text: str) -> str:
    """A "…" literal (backslashes and quotes escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def _regex(pattern: str) -> str:
    """A regex literal that reads back as `pattern`. Regex backslashes stay as written (\\d, \\s),
    except where the language would read an escape (\\n \\t \\" \\\\, or a backslash at the
    end): those are doubled; a line break is written \\n, a quote \\"."""
    escaped = re.sub(r'\\(?=[nt"\\]|$)', r"\\\\", pattern)
    return '"' + escaped.replace('"', '\\"').replace("\n", "\\n") + '"'


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


def phrase(node: ast.Phrase) -> str:
    if node.name is not None:
        return node.name
    if len(node.terms) == 1:
        return string(node.terms[0])
    return "[" + ", ".join(string(t) for t in node.terms) + "]"


def phrase_spec(spec: ast.PhraseSpec) -> str:
    if not spec.together:
        return phrase(spec.parts[0])
    scope = " within clause" if spec.scope == "clause" else ""
    return "together " + ", ".join(phrase(p) for p in spec.parts) + scope


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
SOFT = "\x0e"
"""A place where a line may legally break (after a comparison or + / -) that `fmt` uses only to
keep a comment where it stood, never for width."""
NOTE = "\x0b"
NOTE_END = "\x0c"
"""A note (a comment to keep after a node) is NOTE + index + NOTE_END."""
MARKS = "".join(chr(n) for n in range(1, _MAX_LEVEL + 1)) + SOFT


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
        case (ast.Compare() | ast.Membership() | ast.TextTest() | ast.RegexTest() | ast.MatcherTest()
              | ast.PhraseTest() | ast.Presence()):
            return TEST
        case ast.Arith():
            return SUM
    return ATOM


class Printer:
    """Prints expressions and matchers; with `notes` (id(node) → comment indexes) it leaves a
    marker after each annotated node, so `fmt` can put the comment back where it stood."""

    def __init__(self, notes: dict[int, list[int]] | None = None):
        self.notes = notes or {}

    def _note(self, node: object, text: str, inside: bool) -> str:
        found = self.notes.get(id(node))
        if not found:
            return text
        return text + "".join(f"{NOTE}{i}{NOTE_END}" for i in found)

    def wrap(self, node: ast.Expr, minimum: int, b: str = "", inside: bool = False) -> str:
        if strength(node) < minimum:
            return f"({self.expr(node, deeper(b), True)})"
        return self.expr(node, b, inside)

    def expr(self, node: ast.Expr, b: str = "", inside: bool = False) -> str:
        """Policy text of an expression; `b` (BREAK) marks where a line may be broken."""
        return self._note(node, self._expr(node, b, inside), inside)

    def _expr(self, node: ast.Expr, b: str, inside: bool) -> str:
        soft = SOFT if b else ""
        w = self.wrap
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
                return "[" + f",{inner} ".join(self.expr(i, inner, True) for i in items) + "]"
            case ast.Not(operand=ast.Not() as operand):  # `not not x`: no parenthesis per `not`
                return "not " + self.expr(operand, b, inside)
            case ast.Not(operand=operand):
                # Parentheses for clarity: `not (a matches b)`, never `not a matches b`.
                return "not " + w(operand, ATOM, b, inside)
            case ast.BoolOp(op=op, operands=operands):
                # and-groups inside or (and or-groups inside and) keep their parentheses, for readers.
                return f" {op}{b} ".join(w(o, NOT, b, inside) for o in operands)
            case ast.Compare(op=op, left=left, right=right):
                return f"{w(left, SUM, b, inside)} {op.value}{soft} {w(right, SUM, b, inside)}"
            case ast.Membership(item=item, container=container, negated=negated):
                return f"{w(item, SUM, b, inside)} {'not in' if negated else 'in'} {w(container, SUM, b, inside)}"
            case ast.TextTest(op=op, subject=subject, needle=needle):
                return f"{w(subject, SUM, b, inside)} {op.value} {w(needle, SUM, b, inside)}"
            case ast.RegexTest(subject=subject, pattern=pattern):
                return f"{w(subject, SUM, b, inside)} matches {_regex(pattern)}"
            case ast.MatcherTest(subject=subject, matcher=name):
                return f"{w(subject, SUM, b, inside)} matches {name}"
            case ast.PhraseTest(op=op, subject=subject, spec=spec):
                return f"{w(subject, SUM, b, inside)} {op.value} {phrase_spec(spec)}"
            case ast.Presence(op=op, subject=subject):
                return f"{w(subject, SUM, b, inside)} {op.value}"
            case ast.Arith(op=op, left=left, right=right):
                return f"{w(left, SUM, b, inside)} {op}{soft} {w(right, ATOM, b, inside)}"
            case ast.Call(func=func, args=args):
                inner = deeper(b)
                return f"{func}(" + f",{inner} ".join(self.expr(a, inner, True) for a in args) + ")"
            case ast.Member(base=base, fields=fields):
                return self.expr(base, b, inside) + "".join(f".{f}" for f in fields)
            case ast.Quantifier(kind=kind, var=name, collection=collection, body=body):
                word = "where" if kind == "count" else "satisfies"
                head = "count" if kind == "count" else kind
                return f"{head} {name} in {w(collection, SUM, b, inside)} {word}{b} {self.expr(body, b, inside)}"
            case _:
                assert_never(node)

    def matcher(self, node: ast.Matcher, minimum: int = OR, b: str = BREAK, inside: bool = False) -> str:
        return self._note(node, self._matcher(node, minimum, b, inside), inside)

    def _matcher(self, node: ast.Matcher, minimum: int, b: str, inside: bool) -> str:
        match node:
            case ast.MatchText(op=op, needles=needles):
                if op is ast.TextOp.CONTAINS and len(needles) == 1:
                    return f"contains {string(needles[0])}"
                return f"{op.value} [" + f",{deeper(b)} ".join(string(n) for n in needles) + "]"
            case ast.MatchRegex(pattern=pattern):
                return f"matches {_regex(pattern)}"
            case ast.MatchRef(name=name):
                return name
            case ast.MatchPhrase(op=op, spec=spec):
                return f"{op.value} {phrase_spec(spec)}"
            case ast.MatchBool(op="not", operands=(operand,)):
                return "not " + self.matcher(operand, NOT, b, inside)
            case ast.MatchBool(op=op, operands=operands):
                level = OR if op == "or" else AND
                if level < minimum:
                    inner = deeper(b)
                    return "(" + f" {op}{inner} ".join(self.matcher(o, level + 1, inner, True) for o in operands) + ")"
                return f" {op}{b} ".join(self.matcher(o, level + 1, b, inside) for o in operands)
            case _:
                raise TypeError(f"not a matcher: {node!r}")


def wrap(node: ast.Expr, minimum: int, b: str = "") -> str:
    return Printer().wrap(node, minimum, b)


def expr(node: ast.Expr, b: str = "") -> str:
    """Policy text of an expression; `b` (BREAK) marks where a line may be broken."""
    return Printer().expr(node, b)


def matcher(node: ast.Matcher, minimum: int = OR) -> str:
    return Printer().matcher(node, minimum)
