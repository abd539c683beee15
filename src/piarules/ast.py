"""The typed AST of policy files: a closed set of frozen dataclasses.

Spans never take part in equality (so `fmt` can compare ASTs and tests can build nodes
without positions). Passes live in their own modules; nodes carry no behaviour.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from piarules.diagnostics import Severity
from piarules.jpvalues import Band
from piarules.span import NO_SPAN, Span


def _span() -> Span:
    return field(default=NO_SPAN, compare=False, repr=False)


class CmpOp(StrEnum):
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


class TextOp(StrEnum):
    CONTAINS = "contains"
    CONTAINS_ANY = "contains any"
    CONTAINS_ALL = "contains all"


class PresenceOp(StrEnum):
    PRESENT = "is present"
    ABSENT = "is absent"
    EMPTY = "is empty"
    NOT_EMPTY = "is not empty"


class Unit(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


# ---------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Path:
    """A dotted reference: first segment is a scope variable, term, const or field."""

    parts: tuple[str | int, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Literal:
    """A string, number, bool, date or list literal; `value` is the Python value."""

    value: str | float | int | bool | dt.date | Band
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Duration:
    amount: int
    unit: Unit
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ListExpr:
    items: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class BoolOp:
    """`and` / `or` over two or more operands (short-circuit, left to right)."""

    op: str  # "and" | "or"
    operands: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Compare:
    op: CmpOp
    left: Expr
    right: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Membership:
    """`x in [..]` / `x not in [..]`."""

    item: Expr
    container: Expr
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class TextTest:
    """`text contains "a"`, `contains any [..]`, `contains all [..]`."""

    op: TextOp
    subject: Expr
    needle: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RegexTest:
    subject: Expr
    pattern: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class MatcherTest:
    """`text matches <matcher name>`."""

    subject: Expr
    matcher: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Presence:
    op: PresenceOp
    subject: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Arith:
    """`date + duration`, `date - duration`, `number ± number`."""

    op: str  # "+" | "-"
    left: Expr
    right: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Call:
    func: str
    args: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Member:
    """Field access on a computed value: `previous(変更箇所, 行).変更日`."""

    base: Expr
    fields: tuple[str, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Quantifier:
    """`any x in L satisfies E`, `all x in L satisfies E`, `count x in L where E`."""

    kind: str  # "any" | "all" | "count"
    var: str
    collection: Expr
    body: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Ref:
    """A resolved Path (made by the checker): where the value comes from at run time.

    base: "root" (the document), "var" (scope/quantifier variable in env slot `slot`),
    or "as_of" (the date the rule judges by). `fields` are followed from there.
    """

    base: str
    slot: int
    fields: tuple[str | int, ...]
    label: str
    span: Span = _span()


Expr = (
    Ref | Path | Literal | Duration | ListExpr | Not | BoolOp | Compare | Membership | TextTest
    | RegexTest | MatcherTest | Presence | Arith | Call | Member | Quantifier
)

# ---------------------------------------------------------------- matchers


@dataclass(frozen=True, slots=True)
class MatchText:
    """contains "x" / contains any [..] / contains all [..] (strings only)."""

    op: TextOp
    needles: tuple[str, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class MatchRegex:
    pattern: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class MatchRef:
    name: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class MatchBool:
    op: str  # "and" | "or" | "not"
    operands: tuple[Matcher, ...]
    span: Span = _span()


Matcher = MatchText | MatchRegex | MatchRef | MatchBool

# ---------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True)
class Const:
    name: str
    value: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Term:
    """A named condition or value, expanded where it is used (in that scope)."""

    name: str
    body: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class MatcherDef:
    name: str
    description: str | None
    body: Matcher
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Period:
    """Effective period; either end may be open. Bounds are Exprs folded to dates by the checker."""

    start: Expr | None = None
    end: Expr | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Scope:
    """`for each var in collection`; scopes nest in order."""

    var: str
    collection: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Requires:
    """`COND requires FIELD with M1 and M2`: FIELD present and satisfying every matcher."""

    condition: Expr
    target: Path
    matchers: tuple[MatchRef, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    severity: Severity | None
    scopes: tuple[Scope, ...]
    when: Expr | None
    require: Expr | None
    requires: Requires | None
    message: str | None
    references: tuple[str, ...]
    hint: str | None
    at: Path | None
    as_of: Expr | None
    period: Period | None
    description: str | None
    kinds: tuple[str, ...] = ()
    message_parts: tuple[str | Expr, ...] = ()
    """The message split into text and parsed `{…}` placeholders (empty: use the title)."""
    span: Span = _span()
    id_span: Span = _span()


@dataclass(frozen=True, slots=True)
class PolicyHeader:
    id: str
    title: str
    references: tuple[str, ...]
    period: Period | None
    description: str | None
    kinds: tuple[str, ...] = ()
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PolicyFile:
    path: str
    header: PolicyHeader | None
    consts: tuple[Const, ...]
    terms: tuple[Term, ...]
    matchers: tuple[MatcherDef, ...]
    rules: tuple[Rule, ...]
    span: Span = _span()
