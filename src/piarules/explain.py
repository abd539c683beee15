"""`piarules explain`: why a rule fired or did not, as an evaluation tree.

For each binding of the rule's `for each` scopes, every sub-expression of the condition and
the requirement is shown with its value, its place in the policy and (for document values)
its place in the YAML. Values are computed by the same compiled closures `eval` uses, so the
explanation cannot disagree with the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from piarules import ast, pretty
from piarules.compile import CompiledRule, compile_expr, compile_matchers, locate_ref
from piarules.document import Document
from piarules.document.source_map import DocPath, format_path
from piarules.evaluate import build_runner
from piarules.findings import Finding
from piarules.runtime import Matchers, RunEnv
from piarules.span import Span
from piarules.values import display
from piarules.walk import children


@dataclass
class Trace:
    """One sub-expression: its text, value, and where it comes from."""

    text: str
    value: Any
    policy: Span | None
    place: DocPath | None = None
    children: list[Trace] = field(default_factory=list)


@dataclass
class Binding:
    """One combination of scope items, with the traces of when / require and the outcome."""

    items: list[tuple[str, DocPath | None]]
    date: dt.date
    in_period: bool
    when: Trace | None
    require: Trace | None
    fired: bool


def trace(node: ast.Expr, env: RunEnv, matchers: Matchers) -> Trace:
    """Evaluate `node` and each sub-expression (literals are not repeated as children)."""
    value = compile_expr(node, matchers)(env)
    place = locate_ref(node)(env) if isinstance(node, ast.Ref) else None
    kids = [trace(c, env, matchers) for c in children(node)
            if not isinstance(c, ast.Literal | ast.Duration)
            and not (isinstance(c, ast.ListExpr) and all(isinstance(i, ast.Literal) for i in c.items))]
    span = node.span if node.span.line else None
    return Trace(pretty.expr(node), value, span, place, kids)


def explain_rule(rule: CompiledRule, matcher_defs: dict[str, ast.MatcherDef], doc: Document,
                 as_of: dt.date) -> list[Binding]:
    """Every binding of the rule's scopes over the document, traced."""
    checked = rule.checked
    matchers = compile_matchers(matcher_defs)
    out: list[Binding] = []
    env = RunEnv(doc.tree, as_of)

    def visit(depth: int) -> None:
        if depth == len(rule.scopes):
            out.append(_binding(rule, env, doc, as_of, matchers))
            return
        collection, locate = rule.scopes[depth]
        items = collection(env)
        if not isinstance(items, list):
            return
        base = locate(env)
        for index, item in enumerate(items):
            env.values[depth] = item
            own = getattr(item, "doc_path", None)
            env.paths[depth], env.indexes[depth] = (own, -1) if own is not None else (base, index)
            visit(depth + 1)

    if not checked.kinds or doc.kind in checked.kinds:
        visit(0)
    return out


def _binding(rule: CompiledRule, env: RunEnv, doc: Document, as_of: dt.date, matchers: Matchers) -> Binding:
    checked = rule.checked
    env.as_of = as_of
    date = as_of
    if rule.as_of is not None and isinstance(value := rule.as_of(env), dt.date):
        date = value
    start, end = checked.period
    in_period = not ((start and date < start) or (end and date > end))
    env.as_of = date
    items = [(s.var, env.place(i)) for i, s in enumerate(checked.scopes)]
    when = trace(checked.when, env, matchers) if checked.when is not None else None
    requirement = checked.require
    if checked.requires is not None:
        requirement = checked.requires.condition
    require = trace(requirement, env, matchers) if requirement is not None else None
    found: list[Finding] = []
    if in_period:
        saved = rule.runner
        build_runner(_single(rule))(env, doc, as_of, found)
        rule.runner = saved
    return Binding(items, date, in_period, when, require, bool(found))


def _single(rule: CompiledRule) -> CompiledRule:
    """The rule without its scopes: run the check on the current binding only."""
    from dataclasses import replace

    return replace(rule, scopes=[], runner=None, when_outside_loops=False)


# ---------------------------------------------------------------- rendering (Japanese)


def _value(value: Any) -> str:
    """Like messages (values.display), but texts quoted and lists counted, for the tree."""
    if isinstance(value, str):
        return f"「{display(value)}」"
    if isinstance(value, list):
        return f"{len(value)} 件のリスト"
    return display(value)


def _lines(t: Trace, doc: Document, depth: int) -> list[str]:
    where = []
    if t.place is not None:
        span = doc.span_of(t.place)
        where.append(f"文書 {span.line}:{span.col} {format_path(t.place)}")
    if t.policy is not None:
        where.append(f"ポリシー {t.policy.line}:{t.policy.col}")
    suffix = f"   [{'、'.join(where)}]" if where else ""
    text = t.text if len(t.text) <= 80 else t.text[:77] + "…"
    lines = [f"{'  ' * depth}{text} → {_value(t.value)}{suffix}"]
    for child in t.children:
        lines += _lines(child, doc, depth + 1)
    return lines


def render(rule: CompiledRule, bindings: list[Binding], doc: Document, show_all: bool, limit: int) -> str:
    checked = rule.checked
    out = [f"ルール {checked.id}「{checked.rule.title}」 ({checked.rule.id_span})", f"文書: {doc.path}"]
    if checked.kinds and doc.kind not in checked.kinds:
        out.append(f"この文書 ({doc.kind or '種類の指定なし'}) は対象外です (applies to {'、'.join(checked.kinds)})")
        return "\n".join(out) + "\n"
    fired = [b for b in bindings if b.fired]
    out.append(f"対象 {len(bindings)} 件のうち {len(fired)} 件で発火しました")
    shown = bindings if show_all else fired + [b for b in bindings if not b.fired][:limit]
    for b in shown:
        out += ["", _heading(b, doc)]
        if not b.in_period:
            out.append(f"  基準日 {b.date} は有効期間外のため検査しません")
            continue
        for label, t in (("条件 (when)", b.when), ("要件 (require)", b.require)):
            if t is not None:
                out.append(f"  {label}:")
                out += _lines(t, doc, 2)
        out.append("  ⇒ 発火しました (指摘あり)" if b.fired else "  ⇒ 発火しません")
    hidden = len(bindings) - len(shown)
    if hidden > 0:
        out += ["", f"(発火しなかった残り {hidden} 件は省略しました: --all ですべて表示)"]
    return "\n".join(out) + "\n"


def _heading(b: Binding, doc: Document) -> str:
    parts = []
    for name, place in b.items:
        if place is None:
            parts.append(name)
            continue
        span = doc.span_of(place)
        parts.append(f"{name} = {format_path(place)} ({span.line}行目)")
    head = "、".join(parts) if parts else "文書全体"
    return f"■ {'発火' if b.fired else '非発火'}: {head}  (基準日 {b.date})"
