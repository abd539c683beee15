"""Passes that reason about a rule's conditions as logic, after elaboration.

- constant conditions: `true` / `false` where they decide nothing or decide everything
  (`require true` can never fire; `when false and x` neither);
- contradictions: a rule fires when `when` holds and its requirement does not; if that can never
  be (a field compared with two different choices, `applies to` against a `when` on
  評価書の種類, `x > 5 and x < 3`, `x is absent and x == "a"` …) the rule never fires;
- absent values: a comparison in a `require` is false when its field is absent, so the rule
  fires for a *missing* value as if it were a wrong one (the false 「事後」 error of a blank
  提出時期); unless the rule guards it (`is present`, `is absent or …`), that is a warning.

Field values are modelled as "absent" or "present with a value"; a conjunction is satisfiable
when every field has a candidate value (absent, a constant the rule mentions, a neighbour of
one, a choice of the form, or a fresh value) that makes all its atoms true. Anything the model
does not understand counts as satisfiable, so these passes only speak when they are sure.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

from piarules import ast
from piarules.check.context import Diagnostics
from piarules.diagnostics import Diagnostic, Severity
from piarules.jpvalues import Band, compact_text, parse_band
from piarules.type_system import BandType, TextType, Type
from piarules.walk import children

MAX_DISJUNCTS = 64
Key = tuple[str, int, tuple[str | int, ...]]
Atom = tuple[bool, ast.Expr]
"""(positive, predicate): the predicate as written, true when positive."""


# ---------------------------------------------------------------- constant folding


def fold(node: ast.Expr) -> ast.Expr:
    """`not`, `and`, `or` over literal booleans folded away (other nodes unchanged)."""
    match node:
        case ast.Not(operand=operand):
            inner = fold(operand)
            if isinstance(inner, ast.Literal) and isinstance(inner.value, bool):
                return ast.Literal(not inner.value, node.span)
            return dataclasses.replace(node, operand=inner)
        case ast.BoolOp(op=op, operands=operands):
            absorbing = op == "or"  # true absorbs `or`, false absorbs `and`
            kept = []
            for operand in (fold(o) for o in operands):
                if isinstance(operand, ast.Literal) and isinstance(operand.value, bool):
                    if operand.value is absorbing:
                        return ast.Literal(absorbing, node.span)
                    continue
                kept.append(operand)
            if not kept:
                return ast.Literal(not absorbing, node.span)
            return kept[0] if len(kept) == 1 else dataclasses.replace(node, operands=tuple(kept))
    return node


def _literal_bools(node: ast.Expr) -> Iterator[ast.Literal]:
    """Boolean literals standing as operands of and / or / not (where they decide nothing)."""
    if isinstance(node, ast.BoolOp | ast.Not):
        for child in children(node):
            if isinstance(child, ast.Literal) and isinstance(child.value, bool):
                yield child
            else:
                yield from _literal_bools(child)
    else:
        for child in children(node):
            yield from _literal_bools(child)


def check_constant_conditions(rule_id: str, id_span: Any, when: ast.Expr | None, require: ast.Expr | None,
                              diags: Diagnostics, scoped: bool = False) -> None:
    """`scoped`: the rule has `for each` scopes (then `require false` reports each item: fine)."""
    for expr in (e for e in (when, require) if e is not None):
        for literal in _literal_bools(expr):
            diags.add(Diagnostic("PIA216", f"条件の中の {'true' if literal.value else 'false'} は条件を定数にするか、何も変えません",
                                 literal.span, Severity.WARNING, help="消すか、意図した条件を書いてください"))
    folded_when = fold(when) if when is not None else None
    folded_require = fold(require) if require is not None else None
    if isinstance(folded_when, ast.Literal) and folded_when.value is False:
        diags.add(Diagnostic("PIA205", f"ルール {rule_id} の when は常に偽のため、決して発火しません",
                             when.span if when is not None else id_span))
    if isinstance(folded_require, ast.Literal) and folded_require.value is True:
        diags.add(Diagnostic("PIA205", f"ルール {rule_id} の require は常に真のため、決して発火しません",
                             require.span if require is not None else id_span))
    if (not scoped and isinstance(folded_require, ast.Literal) and folded_require.value is False and
            (folded_when is None or (isinstance(folded_when, ast.Literal) and folded_when.value is True))):
        diags.add(Diagnostic("PIA205", f"ルール {rule_id} は when がなく require が常に偽のため、いつも発火します",
                             require.span if require is not None else id_span, Severity.WARNING,
                             help="発火させたい条件を when に書いてください"))


# ---------------------------------------------------------------- normal forms


def _dnf(node: ast.Expr, positive: bool) -> list[list[Atom]] | None:
    """Disjunctive normal form of `node` (negated when not positive); None when too large."""
    match node:
        case ast.Not(operand=operand):
            return _dnf(operand, not positive)
        case ast.BoolOp(op=op, operands=operands):
            parts = [_dnf(o, positive) for o in operands]
            if any(p is None for p in parts):
                return None
            if (op == "or") == positive:  # a disjunction: concatenate
                out = [c for p in parts for c in p]  # type: ignore[union-attr]
                return out if len(out) <= MAX_DISJUNCTS else None
            product: list[list[Atom]] = [[]]
            for p in parts:
                product = [a + b for a in product for b in p]  # type: ignore[union-attr]
                if len(product) > MAX_DISJUNCTS:
                    return None
            return product
        case ast.Literal(value=bool() as value):
            return [[]] if value == positive else []
    return [[(positive, node)]]


def _and(a: list[list[Atom]] | None, b: list[list[Atom]] | None) -> list[list[Atom]] | None:
    if a is None or b is None:
        return None
    out = [x + y for x in a for y in b]
    return out if len(out) <= MAX_DISJUNCTS else None


# ---------------------------------------------------------------- one field, many atoms


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


class _Fresh:
    """A present value equal to no constant the rule mentions."""

    def __repr__(self) -> str:
        return "FRESH"


ABSENT, FRESH = _Absent(), _Fresh()


def _key(node: ast.Expr) -> Key | None:
    if isinstance(node, ast.Ref) and node.base in ("root", "var") and node.fields:
        return (node.base, node.slot, node.fields)
    return None


def _field_atom(expr: ast.Expr) -> tuple[Key, ast.Expr] | None:
    """The field an atom constrains, when the atom is `field OP literal(s)` or a presence test."""
    match expr:
        case ast.Compare(left=left, right=right):
            if _key(left) and isinstance(right, ast.Literal):
                return _key(left), expr  # type: ignore[return-value]
            if _key(right) and isinstance(left, ast.Literal):
                flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(expr.op.value, expr.op.value)
                return _key(right), ast.Compare(ast.CmpOp(flipped), right, left)  # type: ignore[return-value]
        case ast.Membership(item=item, container=ast.ListExpr(items=items)):
            if _key(item) and all(isinstance(i, ast.Literal) for i in items):
                return _key(item), expr  # type: ignore[return-value]
        case ast.Presence(subject=subject):
            if _key(subject):
                return _key(subject), expr  # type: ignore[return-value]
    return None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return compact_text(a) == compact_text(b)
    return bool(a == b)


def _holds(expr: ast.Expr, value: Any) -> bool | None:
    """The atom's truth for one candidate value of its field (None: cannot tell)."""
    try:
        match expr:
            case ast.Presence(op=op):
                empty = value is ABSENT or (isinstance(value, str) and not compact_text(value))
                return {ast.PresenceOp.PRESENT: value is not ABSENT, ast.PresenceOp.ABSENT: value is ABSENT,
                        ast.PresenceOp.EMPTY: empty, ast.PresenceOp.NOT_EMPTY: not empty}[op]
            case ast.Compare(op=op, right=ast.Literal(value=constant)):
                if value is ABSENT:
                    return False
                if value is FRESH:
                    return op is ast.CmpOp.NE if op in (ast.CmpOp.EQ, ast.CmpOp.NE) else None
                if op is ast.CmpOp.EQ:
                    return _same(value, constant)
                if op is ast.CmpOp.NE:
                    return not _same(value, constant)
                return bool({"<": value < constant, "<=": value <= constant, ">": value > constant,
                             ">=": value >= constant}[op.value])
            case ast.Membership(container=ast.ListExpr(items=items), negated=negated):
                if value is ABSENT:
                    return False
                if value is FRESH:
                    return negated
                found = any(_same(value, i.value) for i in items if isinstance(i, ast.Literal))
                return found != negated
    except TypeError:
        return None
    return None


def _constants(atoms: list[ast.Expr]) -> list[Any]:
    out: list[Any] = []
    for expr in atoms:
        if isinstance(expr, ast.Compare) and isinstance(expr.right, ast.Literal):
            out.append(expr.right.value)
        elif isinstance(expr, ast.Membership) and isinstance(expr.container, ast.ListExpr):
            out += [i.value for i in expr.container.items if isinstance(i, ast.Literal)]
    return out


def _neighbours(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return []
    if isinstance(value, dt.date):
        try:
            return [value - dt.timedelta(days=1), value + dt.timedelta(days=1)]
        except OverflowError:
            return []
    if isinstance(value, int | float):
        return [value - 0.5, value + 0.5]
    return []


def _candidates(type_: Type | None, atoms: list[ast.Expr]) -> list[Any]:
    constants = _constants(atoms)
    out: list[Any] = [ABSENT]
    if isinstance(type_, BandType) and type_.choices:
        bands = []
        for choice in type_.choices:
            try:
                bands.append(parse_band(choice))
            except ValueError:
                return out + constants + [FRESH]
        return out + bands
    if isinstance(type_, TextType) and type_.choices:
        return out + list(type_.choices) + [c for c in constants if isinstance(c, str)] + [FRESH]
    out += constants
    for c in constants:
        out += _neighbours(c)
    if not any(isinstance(c, dt.date | int | float | Band) for c in constants):
        out.append(FRESH)
    return out


def _field_satisfiable(type_: Type | None, atoms: list[Atom]) -> bool:
    exprs = [e for _, e in atoms]
    for value in _candidates(type_, exprs):
        results = [_holds(e, value) for _, e in atoms]
        if all(r is None or r == positive for r, (positive, _) in zip(results, atoms, strict=True)):
            return True
    return False


def satisfiable(conjunction: list[Atom], types: dict[Key, Type]) -> bool:
    """Whether some document could make every atom of the conjunction hold (unknown: True)."""
    seen: dict[ast.Expr, bool] = {}
    for positive, expr in conjunction:
        if seen.get(expr, positive) != positive:
            return False  # A and not A
        seen[expr] = positive
    by_field: dict[Key, list[Atom]] = {}
    for positive, expr in conjunction:
        found = _field_atom(expr)
        if found is not None:
            by_field.setdefault(found[0], []).append((positive, found[1]))
    return all(_field_satisfiable(types.get(key), atoms) for key, atoms in by_field.items())


def _kinds_atom(kinds: tuple[str, ...]) -> ast.Expr:
    ref = ast.Ref("root", 0, ("評価書の種類",), "評価書の種類")
    return ast.Membership(ref, ast.ListExpr(tuple(ast.Literal(k) for k in kinds)))


def can_fire(when: ast.Expr | None, requirement: ast.Expr | None, kinds: tuple[str, ...],
             types: dict[Key, Type]) -> bool:
    """Whether `when ∧ ¬requirement` (within the rule's kinds) is satisfiable (unknown: True).

    `requirement` None: only the `when` is considered (a `requires` rule's target is opaque).
    """
    form = _dnf(fold(when), True) if when is not None else [[]]
    if requirement is not None:
        form = _and(form, _dnf(fold(requirement), False))
    if kinds:
        form = _and(form, [[(True, _kinds_atom(kinds))]])
    if form is None:
        return True
    return any(satisfiable(c, types) for c in form)


def check_contradictions(rule_id: str, id_span: Any, when: ast.Expr | None, require: ast.Expr | None,
                         requires_condition: ast.Expr | None, kinds: tuple[str, ...], types: dict[Key, Type],
                         diags: Diagnostics) -> None:
    condition = when
    if requires_condition is not None:
        condition = requires_condition if when is None else ast.BoolOp("and", (when, requires_condition))
    if not can_fire(condition, require, kinds, types):
        what = "when と require" if (when is not None and require is not None) else "条件"
        diags.add(Diagnostic(
            "PIA205", f"ルール {rule_id} は決して発火しません: {what} の比較が両立しません", id_span,
            help="同じ項目に両立しない値を求めていないか、applies to と 評価書の種類 の条件が食い違っていないか確かめてください"))


# ---------------------------------------------------------------- absent values in require


def _mentions(node: ast.Expr, key: Key, presence_only: bool) -> bool:
    """Whether `node` says something about the field being absent: a presence test on it, or
    (in a `when`, with presence_only False) any positive comparison, which implies presence."""
    for positive, atom in (c for form in (_dnf(node, True) or []) for c in form):
        found = _field_atom(atom)
        if found is None or found[0] != key:
            continue
        if isinstance(found[1], ast.Presence) or (positive and not presence_only):
            return True
    return False


def _risky_comparisons(node: ast.Expr, positive: bool, siblings: list[ast.Expr]) -> Iterator[tuple[ast.Expr, Key]]:
    """`!=`, `not in` and ordering comparisons that make the requirement false when their field is
    absent (the rule then reports a wrong value that is only a missing one), with no guard among
    their `and` / `or` siblings. (`==` and `in` are claims that a missing value rightly fails.)"""
    match node:
        case ast.Not(operand=operand):
            yield from _risky_comparisons(operand, not positive, siblings)
        case ast.BoolOp(operands=operands):
            for index, operand in enumerate(operands):
                others = [o for i, o in enumerate(operands) if i != index]
                yield from _risky_comparisons(operand, positive, siblings + others)
        case ast.Compare(op=op) if op is not ast.CmpOp.EQ:
            yield from _unguarded(node, positive, siblings)
        case ast.Membership(negated=True):
            yield from _unguarded(node, positive, siblings)


def _unguarded(node: ast.Expr, positive: bool, siblings: list[ast.Expr]) -> Iterator[tuple[ast.Expr, Key]]:
    if not positive:
        return
    found = _field_atom(node)
    keys = [found[0]] if found else [k for k in (_key(c) for c in children(node)) if k]
    for key in keys:
        if not any(_mentions(s, key, presence_only=True) for s in siblings):
            yield node, key


def check_absent_values(when: ast.Expr | None, require: ast.Expr | None, diags: Diagnostics) -> None:
    if require is None:
        return
    for node, key in _risky_comparisons(require, True, []):
        if when is not None and _mentions(when, key, presence_only=False):
            continue
        name = ".".join(str(p) for p in key[2])
        diags.add(Diagnostic(
            "PIA217", f"「{name}」が空欄でもこの比較は偽になり、ルールが発火します", node.span, Severity.WARNING,
            help=f"when に「{name} is present」を足すか「not (… == …)」と書いてください (空欄は別のルールで指摘します)"))
