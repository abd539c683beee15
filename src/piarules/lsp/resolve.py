"""Resolve names in a policy the way the checker does, for completion and hover: the same
Elaborator, the same scope chain (`for each` and quantifier variables), the same form model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from piarules import ast
from piarules.check import rule_kinds
from piarules.check.context import Diagnostics, Env, FileDecls
from piarules.check.elaborate import Elaborator
from piarules.lsp.symbols import Binding
from piarules.schema import document_type
from piarules.type_system import ListType, ObjectType, Type, UnknownType


def file_decls(policy: ast.PolicyFile | None, others: Sequence[ast.PolicyFile] = ()) -> FileDecls:
    """The terms, consts and matchers a file declares (first definition wins, as in the checker),
    and those it `use`s from the other files of its set."""
    decls = FileDecls(policy.path if policy else "")
    if policy is None:
        return decls
    if policy.uses and others:
        from piarules.check import check_names

        files = [o for o in others if o.path != policy.path] + [policy]
        return check_names(files, Diagnostics())[policy.path]
    for c in policy.consts:
        decls.consts.setdefault(c.name, c)
    for t in policy.terms:
        decls.terms.setdefault(t.name, t)
    for m in policy.matchers:
        decls.matchers.setdefault(m.name, m)
    return decls


def scope_elaborator(policy: ast.PolicyFile | None, kinds: tuple[str, ...], bound: tuple[Binding, ...],
                     others: Sequence[ast.PolicyFile] = ()) -> Elaborator:
    """An Elaborator with the variables of `bound` pushed, as check_rule pushes its scopes."""
    el = Elaborator(Env(file_decls(policy, others), document_type(kinds)), Diagnostics())
    for binding in bound:
        el.resolved_path = None
        collection, type_ = el.expr(binding.collection)
        items_at = f"{el.resolved_path}[]" if el.resolved_path and isinstance(collection, ast.Ref) else None
        el.env.push(binding.var, type_.item if isinstance(type_, ListType) else type_, items_at)
    return el


def kinds_of(policy: ast.PolicyFile | None, rule: ast.Rule | None) -> tuple[str, ...]:
    if rule is None:
        return ()
    return rule_kinds(rule, policy.header if policy else None, Diagnostics())


@dataclass(frozen=True)
class Resolved:
    """What a path denotes: its type, its place in the form, and the mapping that holds it."""

    type: Type
    schema_path: str | None = None
    owner: ObjectType | None = None
    field: str | None = None


def resolve_path(el: Elaborator, path: ast.Path) -> Resolved:
    """Type and form place of `path` in the elaborator's scope (errors are ignored)."""
    el.resolved_path = None
    expr, type_ = el.expr(path)
    owner: ObjectType | None = None
    field: str | None = None
    if isinstance(expr, ast.Ref) and expr.base in ("root", "var") and expr.fields and isinstance(expr.fields[-1], str):
        current: Type = el.env.root
        if expr.base == "var":
            current = next((v.type for v in el.env.variables if v.slot == expr.slot), UnknownType())
        for part in expr.fields[:-1]:
            if isinstance(part, int):
                current = current.item if isinstance(current, ListType) else UnknownType()
            else:
                current = current.fields.get(part, UnknownType()) if isinstance(current, ObjectType) else UnknownType()
        if isinstance(current, ObjectType) and expr.fields[-1] in current.fields:
            owner, field = current, expr.fields[-1]
    return Resolved(type_, el.resolved_path, owner, field)
