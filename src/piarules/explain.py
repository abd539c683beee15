"""`piarules explain`: why a rule fired or did not, as an evaluation tree.

For each binding of the rule's `for each` scopes, every sub-expression of the condition and
the requirement is shown with its value, its place in the policy and (for document values)
its place in the YAML. Values are computed by the same compiled closures `eval` uses, so the
explanation cannot disagree with the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piarules import ast, pretty
from piarules.compile import CompiledRule, Context, compile_expr, locate_ref, phrase_pattern
from piarules.document import Document
from piarules.document.source_map import DocPath, format_path
from piarules.evaluate import build_runner
from piarules.findings import Finding
from piarules.runtime import RunEnv
from piarules.span import Span
from piarules.values import MISSING, Unreadable, display, is_empty
from piarules.walk import children


@dataclass
class Trace:
    """One sub-expression: its text, value, and where it comes from."""

    text: str
    value: Any
    policy: Span | None
    place: DocPath | None = None
    children: list[Trace] = field(default_factory=list)
    note: str | None = None
    """Why, when the value needs it: the polarity decided for each mention of a phrase."""


@dataclass
class Binding:
    """One combination of scope items, with the traces of when / require and the outcome."""

    items: list[tuple[str, DocPath | None]]
    date: dt.date | Unreadable
    in_period: bool
    when: Trace | None
    require: Trace | None
    fired: bool
    undecided: bool = False
    """The rule could not check this binding: its verdict reads an unreadable value."""
    premise: Trace | None = None
    """`COND requires FIELD with …`: the COND (the requirement is then `require`)."""


def trace(node: ast.Expr, env: RunEnv, matchers: Context) -> Trace:
    """Evaluate `node` and each sub-expression (literals are not repeated as children)."""
    value = compile_expr(node, matchers)(env)
    place = locate_ref(node)(env) if isinstance(node, ast.Ref) else None
    kids = [trace(c, env, matchers) for c in children(node)
            if not isinstance(c, ast.Literal | ast.Duration)
            and not (isinstance(c, ast.ListExpr) and all(isinstance(i, ast.Literal) for i in c.items))]
    span = node.span if node.span.line else None
    return Trace(pretty.expr(node), value, span, place, kids, _note(node, env, matchers))


def _note(node: ast.Expr, env: RunEnv, context: Context) -> str | None:
    """For a phrase test, how the prose engine read the text (each mention and its polarity)."""
    if not isinstance(node, ast.PhraseTest):
        return None
    from piarules.prose import explain as explain_phrase

    text = compile_expr(node.subject, context)(env)
    if not isinstance(text, str):
        return None
    return explain_phrase(text, phrase_pattern(node.spec, context.vocabulary, {}))


def explain_rule(rule: CompiledRule, doc: Document, as_of: dt.date | Unreadable,
                 companions: dict[str, dict[str, Any]] | None = None) -> list[Binding]:
    """Every binding of the rule's scopes over the document, traced (dated as eval dates it)."""
    checked = rule.checked
    context = rule.context
    assert context is not None  # INVARIANT: compile_rule sets it
    out: list[Binding] = []
    env = RunEnv(doc.tree, as_of, companions)

    def visit(depth: int, date: dt.date | Unreadable, in_period: bool) -> None:
        dating = rule.dated and depth == rule.as_of_depth
        if dating:
            date, in_period = _date_of(rule, env, as_of)
            env.as_of = date
        if depth == len(rule.scopes):
            out.append(_binding(rule, env, doc, date, in_period, context))
        else:
            _visit_items(depth, date, in_period)
        if dating:
            env.as_of = as_of

    def _visit_items(depth: int, date: dt.date | Unreadable, in_period: bool) -> None:
        collection, locate = rule.scopes[depth]
        items = collection(env)
        if not isinstance(items, list):
            return
        base = locate(env)
        for index, item in enumerate(items):
            env.values[depth] = item
            own = getattr(item, "doc_path", None)
            env.paths[depth], env.indexes[depth] = (own, -1) if own is not None else (base, index)
            visit(depth + 1, date, in_period)

    if not checked.kinds or doc.kind in checked.kinds:
        visit(0, as_of, True)
    return out


def _date_of(rule: CompiledRule, env: RunEnv, as_of: dt.date | Unreadable) -> tuple[dt.date | Unreadable, bool]:
    """The binding's judging date as eval computes it, and whether it is in the rule's period
    (an unknown date is judged, and its findings shown as undecided, as eval does)."""
    env.as_of = as_of
    date = as_of
    if rule.as_of is not None and isinstance(value := rule.as_of(env), dt.date | Unreadable):
        date = value
    if isinstance(date, Unreadable):
        return date, True
    start, end = rule.checked.period
    return date, not ((start and date < start) or (end and date > end))


def _binding(rule: CompiledRule, env: RunEnv, doc: Document, date: dt.date | Unreadable, in_period: bool,
             context: Context) -> Binding:
    checked = rule.checked
    env.as_of = date
    items = [(s.var, env.place(i)) for i, s in enumerate(checked.scopes)]
    when = trace(checked.when, env, context) if checked.when is not None else None
    premise = None
    require = trace(checked.require, env, context) if checked.require is not None else None
    if checked.requires is not None:
        premise = trace(checked.requires.condition, env, context)
        require = _requires_trace(rule, env)
    found: list[Finding] = []
    if in_period:
        saved = rule.runner
        build_runner(_single(rule))(env, doc, date, found)
        rule.runner = saved
    fired = any(f.undecided is None for f in found)
    undecided = any(f.undecided is not None for f in found) and not fired
    if fired and isinstance(date, Unreadable) and checked.period != (None, None):
        fired, undecided = False, True  # whether the rule applies on an unknown date is unknown
    return Binding(items, date, in_period, when, require, fired, undecided, premise)


def _requires_trace(rule: CompiledRule, env: RunEnv) -> Trace:
    """`requires FIELD with M1 and M2` as eval judges it: the field written, then each matcher."""
    assert rule.requires is not None and rule.checked.requires is not None  # INVARIANT: compiled together
    _, target, matchers = rule.requires
    node = rule.checked.requires
    value = target(env)
    field_trace = Trace(pretty.expr(node.target), value, node.target.span, locate_ref(node.target)(env))
    if isinstance(value, Unreadable):
        return Trace("requires", value, node.target.span, children=[field_trace])
    written = not is_empty(value)
    kids = [Trace(f"{node.target.label} が書かれている", written, node.target.span, children=[field_trace])]
    for name, desc, test in matchers:
        kids.append(Trace(f"with {name} ({desc})", written and isinstance(value, str) and test(value), node.target.span))
    holds = all(k.value is True for k in kids)
    return Trace(f"{node.target.label} requires … with {' and '.join(n for n, _, _ in matchers)}" if matchers
                 else f"{node.target.label} requires", holds, node.target.span, children=kids)


def _single(rule: CompiledRule) -> CompiledRule:
    """The rule without its scopes and its dating (done by the caller): the check on the current
    binding only."""
    from dataclasses import replace

    return replace(rule, scopes=[], runner=None, when_outside_loops=False, guard=None, may_match=None, as_of=None, as_of_depth=0,
                   checked=replace(rule.checked, period=(None, None)))


# ---------------------------------------------------------------- rendering (Japanese)


def _value(value: Any) -> str:
    """Like messages (values.display), but texts quoted, lists counted (citations named), and the
    fields of a computed record (a citation's judgement) shown, for the tree."""
    if isinstance(value, str):
        return f"「{display(value)}」"
    if isinstance(value, list):
        named = [display(v) for v in value if hasattr(v, "display_text")]
        return f"{len(value)} 件のリスト" + (f" ({'、'.join(named[:8])})" if named else "")
    if isinstance(value, dict) and not hasattr(value, "display_text") and all(isinstance(k, str) for k in value):
        shown = [f"{k}={display(v)}" for k, v in value.items() if v is not MISSING and not isinstance(v, dict | list)]
        return "{" + "、".join(shown[:6]) + "}" if shown else display(value)
    return display(value)


class Places:
    """How the explanation names a place of the document: its YAML line:col, or for a table
    checked in memory (whose YAML exists nowhere) the table's cell or row."""

    def __init__(self, doc: Document, table: bool = False) -> None:
        self.doc, self.table = doc, table

    def at(self, path: DocPath) -> str:
        if self.table:
            from piarules.tables import origin_of

            origin = origin_of(self.doc.tree, path)
            if origin is None:
                return f"表の外 {format_path(path)}"
            return f"表 {origin.cell or f'{origin.row}行目'} {format_path(path)}"
        span = self.doc.span_of(path)
        return f"文書 {span.line}:{span.col} {format_path(path)}"

    def row(self, path: DocPath) -> str:
        if self.table:
            from piarules.tables import origin_of

            origin = origin_of(self.doc.tree, path)
            return f"表の {origin.row}行目" if origin is not None else "表の外"
        return f"{self.doc.span_of(path).line}行目"


def _unknown(value: Unreadable, places: Places) -> str:
    return f"不明 (読めない値「{display(value.text)}」、{places.at(value.path)})"


def _lines(t: Trace, places: Places, depth: int, rule_file: str = "") -> list[str]:
    where = []
    if t.place is not None:
        where.append(places.at(t.place))
    if t.policy is not None:  # a term or matcher of another file (a `use`d one) names its file
        other = f"{Path(t.policy.path).name}:" if t.policy.path != rule_file else ""
        where.append(f"ポリシー {other}{t.policy.line}:{t.policy.col}")
    suffix = f"   [{'、'.join(where)}]" if where else ""
    text = t.text if len(t.text) <= 80 else t.text[:77] + "…"
    shown = _unknown(t.value, places) if isinstance(t.value, Unreadable) else _value(t.value)
    lines = [f"{'  ' * depth}{text} → {shown}{suffix}"]
    for note in (t.note or "").splitlines():
        lines.append(f"{'  ' * depth}  ↳ {note}")
    for child in t.children:
        lines += _lines(child, places, depth + 1, rule_file)
    return lines


def render(rule: CompiledRule, bindings: list[Binding], doc: Document, show_all: bool, limit: int,
           table: bool = False) -> str:
    """The explanation; `table`: the document was imported in memory from a table (places are
    its cells)."""
    checked = rule.checked
    places = Places(doc, table)
    out = [f"ルール {checked.id}「{checked.rule.title}」 ({checked.rule.id_span})", f"文書: {doc.path}"]
    if checked.kinds and doc.kind not in checked.kinds:
        out.append(f"この文書 ({doc.kind or '種類の指定なし'}) は対象外です (applies to {'、'.join(checked.kinds)})")
        return "\n".join(out) + "\n"
    fired = [b for b in bindings if b.fired]
    undecided = sum(1 for b in bindings if b.undecided)
    out.append(f"対象 {len(bindings)} 件のうち {len(fired)} 件で発火しました"
               + (f" ({undecided} 件は読めない値のため判定できません)" if undecided else ""))
    shown = bindings if show_all else fired + [b for b in bindings if not b.fired][:limit]
    for b in shown:
        out += ["", _heading(b, places)]
        if not b.in_period:
            out.append(f"  基準日 {b.date} は有効期間外のため検査しません")
            continue
        for label, t in (("条件 (when)", b.when), ("前提 (requires の前の条件)", b.premise), ("要件 (require)", b.require)):
            if t is not None:
                out.append(f"  {label}:")
                out += _lines(t, places, 2, checked.file)
        if b.undecided:
            out.append("  ⇒ 判定できません (読めない値を読むため、発火も合格もしません)")
        else:
            out.append("  ⇒ 発火しました (指摘あり)" if b.fired else "  ⇒ 発火しません")
    hidden = len(bindings) - len(shown)
    if hidden > 0:
        out += ["", f"(発火しなかった残り {hidden} 件は省略しました: --all ですべて表示)"]
    return "\n".join(out) + "\n"


def _heading(b: Binding, places: Places) -> str:
    parts = []
    for name, place in b.items:
        if place is None:
            parts.append(name)
            continue
        parts.append(f"{name} = {format_path(place)} ({places.row(place)})")
    head = "、".join(parts) if parts else "文書全体"
    state = "発火" if b.fired else "判定不能" if b.undecided else "非発火"
    date = f"不明 (「{display(b.date.text)}」を読めない)" if isinstance(b.date, Unreadable) else b.date
    return f"■ {state}: {head}  (基準日 {date})"
