"""The typed AST of policy files: a closed set of frozen dataclasses.

Spans never take part in equality (so `fmt` can compare ASTs and tests can build nodes
without positions). Passes live in their own modules; nodes carry no behaviour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from piarules.diagnostics import Confidence, Severity
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


class PhraseOp(StrEnum):
    """How a phrase must stand in a text (see piarules.prose.polarity)."""

    MENTIONS = "mentions"
    """Appears, whatever its polarity."""
    STATES = "states"
    """Appears affirmed (not inside a negation or a condition)."""
    DENIES = "denies"
    """Appears denied (〜ではない, 〜に当たらない, 〜しない …)."""


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
    file: str | None = field(default=None, compare=False, repr=False)
    """The policy file whose matchers hold the name (set by the checker: a term another file
    declares, used here through `use`, names that file's matchers)."""


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
    slot: int | None = None
    """The run-time slot of `var`, assigned by the checker (None in a parsed AST)."""


@dataclass(frozen=True, slots=True)
class Phrase:
    """A word, a list of synonyms, or the name of a synonym set (a `synonyms` declaration or the
    standard table). Exactly one of `terms` and `name` is set; `exclude` comes with a resolved set."""

    terms: tuple[str, ...] = ()
    name: str | None = None
    exclude: tuple[str, ...] = ()
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PhraseSpec:
    """One phrase, or several that must stand together in one sentence (or clause), any order."""

    parts: tuple[Phrase, ...]
    together: bool = False
    scope: str = "sentence"
    """"sentence" or "clause" (for `together`)."""
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PhraseTest:
    """`text mentions|states|denies PHRASE`: phrase semantics with Japanese negation scope."""

    op: PhraseOp
    subject: Expr
    spec: PhraseSpec
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
    | RegexTest | MatcherTest | PhraseTest | Presence | Arith | Call | Member | Quantifier
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
class MatchPhrase:
    """mentions / states / denies PHRASE (or `together` several) inside a matcher."""

    op: PhraseOp
    spec: PhraseSpec
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class MatchBool:
    op: str  # "and" | "or" | "not"
    operands: tuple[Matcher, ...]
    span: Span = _span()


Matcher = MatchText | MatchRegex | MatchRef | MatchPhrase | MatchBool

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
class SynonymsDef:
    """`synonyms 許諾 = ["許諾", "承認", "承諾"] except ["不承認"]`: a synonym set of this file
    (it takes precedence over a standard set of the same name)."""

    name: str
    terms: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    span: Span = _span()
    nodes: tuple[Literal, ...] = field(default=(), compare=False)
    """The string literals of both lists as written (their places anchor `fmt`'s comments)."""


# ---------------------------------------------------------------- statements of a block
# A rule or policy body is the list of statements exactly as written (order kept), so that
# nothing the user wrote can be dropped; the checker and compiler read them through the
# properties of Rule / PolicyHeader. Which statements may repeat: see syntax/to_ast.py.


@dataclass(frozen=True, slots=True)
class SeverityStmt:
    severity: Severity | None
    """None when the word is not a severity (reported by the parser)."""
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ConfidenceStmt:
    confidence: Confidence | None
    """None when the word is not a confidence level (reported by the parser)."""
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class AppliesStmt:
    kinds: tuple[str, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Scope:
    """`for each var in collection`; scopes nest in order."""

    var: str
    collection: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class AsOfStmt:
    date: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Period:
    """Effective period; either end may be open. Bounds are Exprs folded to dates by the checker."""

    start: Expr | None = None
    end: Expr | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class WhenStmt:
    condition: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RequireStmt:
    condition: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Requires:
    """`COND requires FIELD with M1 and M2`: FIELD present and satisfying every matcher."""

    condition: Expr
    target: Path
    matchers: tuple[MatchRef, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class MessageStmt:
    text: str
    parts: tuple[str | Expr, ...] = ()
    """The text split into literal pieces and parsed `{…}` placeholders."""
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class HintStmt:
    text: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DescriptionStmt:
    text: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ReferenceStmt:
    references: tuple[str, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class AtStmt:
    target: Path
    span: Span = _span()


Statement = (
    SeverityStmt | ConfidenceStmt | AppliesStmt | Scope | AsOfStmt | Period | WhenStmt | RequireStmt | Requires | MessageStmt
    | HintStmt | DescriptionStmt | ReferenceStmt | AtStmt
)
HeaderStatement = ReferenceStmt | Period | DescriptionStmt | AppliesStmt

S = TypeVar("S")


def _first(body: tuple[object, ...], kind: type[S]) -> S | None:
    return next((s for s in body if isinstance(s, kind)), None)


def _all(body: tuple[object, ...], kind: type[S]) -> Iterator[S]:
    return (s for s in body if isinstance(s, kind))


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule: its id, title and statements in source order."""

    id: str
    title: str
    body: tuple[Statement, ...]
    span: Span = _span()
    id_span: Span = _span()

    @property
    def severity(self) -> Severity | None:
        stmt = _first(self.body, SeverityStmt)
        return stmt.severity if stmt else None

    @property
    def confidence(self) -> Confidence | None:
        stmt = _first(self.body, ConfidenceStmt)
        return stmt.confidence if stmt else None

    @property
    def scopes(self) -> tuple[Scope, ...]:
        return tuple(_all(self.body, Scope))

    @property
    def when(self) -> Expr | None:
        stmt = _first(self.body, WhenStmt)
        return stmt.condition if stmt else None

    @property
    def require(self) -> Expr | None:
        stmt = _first(self.body, RequireStmt)
        return stmt.condition if stmt else None

    @property
    def requires(self) -> Requires | None:
        return _first(self.body, Requires)

    @property
    def message_stmt(self) -> MessageStmt | None:
        return _first(self.body, MessageStmt)

    @property
    def message(self) -> str | None:
        stmt = self.message_stmt
        return stmt.text if stmt else None

    @property
    def message_parts(self) -> tuple[str | Expr, ...]:
        """The message split into text and parsed placeholders (empty: no message)."""
        stmt = self.message_stmt
        return stmt.parts if stmt else ()

    @property
    def references(self) -> tuple[str, ...]:
        return tuple(r for s in _all(self.body, ReferenceStmt) for r in s.references)

    @property
    def hint(self) -> str | None:
        stmt = _first(self.body, HintStmt)
        return stmt.text if stmt else None

    @property
    def at(self) -> Path | None:
        stmt = _first(self.body, AtStmt)
        return stmt.target if stmt else None

    @property
    def as_of(self) -> Expr | None:
        stmt = _first(self.body, AsOfStmt)
        return stmt.date if stmt else None

    @property
    def period(self) -> Period | None:
        return _first(self.body, Period)

    @property
    def description(self) -> str | None:
        stmt = _first(self.body, DescriptionStmt)
        return stmt.text if stmt else None

    @property
    def kinds(self) -> tuple[str, ...]:
        stmt = _first(self.body, AppliesStmt)
        return stmt.kinds if stmt else ()


@dataclass(frozen=True, slots=True)
class Use:
    """`use ENT` or `use 再委託する, 許諾方法 from ENT`: the vocabulary (consts, terms, matchers,
    synonyms) another policy of the set declares, usable here. Names are never imported silently:
    a file sees only what it declares and what it `use`s."""

    policy: str
    names: tuple[str, ...] = ()
    """The names imported; empty: every name the policy declares."""
    span: Span = _span()
    policy_span: Span = _span()


@dataclass(frozen=True, slots=True)
class PolicyHeader:
    id: str
    title: str
    body: tuple[HeaderStatement, ...]
    span: Span = _span()

    @property
    def references(self) -> tuple[str, ...]:
        return tuple(r for s in _all(self.body, ReferenceStmt) for r in s.references)

    @property
    def period(self) -> Period | None:
        return _first(self.body, Period)

    @property
    def description(self) -> str | None:
        stmt = _first(self.body, DescriptionStmt)
        return stmt.text if stmt else None

    @property
    def kinds(self) -> tuple[str, ...]:
        stmt = _first(self.body, AppliesStmt)
        return stmt.kinds if stmt else ()


Declaration = PolicyHeader | Use | Const | Term | MatcherDef | SynonymsDef | Rule


class CommentPlace(StrEnum):
    """Where a comment stands relative to its owner (see syntax/comments.py)."""

    BEFORE = "before"
    """On its own line(s) before the owner."""
    WITHIN = "within"
    """On a line of the owner (after code, or between the lines of a multi-line statement)."""
    END = "end"
    """On its own line after the last statement of a block (owner: the block) or the last declaration."""
    CLOSE = "close"
    """After the closing `}` of a block, on the same line."""


@dataclass(frozen=True, slots=True)
class Comment:
    """A `#` comment, attached to what it stands next to, so `fmt` can neither drop it nor move it
    across a statement.

    owner: () the file; (i,) the i-th declaration; (i, j) statement j of declaration i.
    """

    text: str
    owner: tuple[int, ...]
    place: CommentPlace
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PolicyFile:
    """A parsed policy file: declarations in source order and every comment."""

    path: str
    items: tuple[Declaration, ...]
    comments: tuple[Comment, ...] = ()
    span: Span = _span()

    @property
    def header(self) -> PolicyHeader | None:
        return _first(self.items, PolicyHeader)

    @property
    def uses(self) -> tuple[Use, ...]:
        return tuple(_all(self.items, Use))

    @property
    def consts(self) -> tuple[Const, ...]:
        return tuple(_all(self.items, Const))

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(_all(self.items, Term))

    @property
    def matchers(self) -> tuple[MatcherDef, ...]:
        return tuple(_all(self.items, MatcherDef))

    @property
    def synonyms(self) -> tuple[SynonymsDef, ...]:
        return tuple(_all(self.items, SynonymsDef))

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(_all(self.items, Rule))
