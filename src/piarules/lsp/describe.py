"""Hover texts (Markdown, Japanese): rules, terms, consts, matchers, variables, fields and
built-ins of a policy, each read from the AST, the checker and the registries."""

from __future__ import annotations

from piarules import ast, pretty
from piarules.builtins import REGISTRY
from piarules.check import CheckedRule
from piarules.lsp.form import FieldDoc, fields_named, type_label
from piarules.lsp.resolve import kinds_of, resolve_path, scope_elaborator
from piarules.lsp.symbols import CALL, CONST, FIELD, MATCHER, POLICY, RULE, TERM, VAR, Occurrence


def _code(text: str) -> str:
    return f"```pia\n{text}\n```"


def _field_anywhere(name: str) -> str:
    """A name in a term or const body resolves where the term is used: list where the form has it."""
    places = fields_named(name)
    if len(places) == 1:
        schema, owner, type_ = places[0]
        return FieldDoc(name, type_, owner, schema).markdown() + "\n\n(用語の中の名前は、使う場所で解決されます)"
    if places:
        return f"**{name}** — 使う場所で解決されます。様式上の候補:\n" + "\n".join(f"- `{p}` ({type_label(t)})" for p, _, t in places)
    return f"**{name}** — 様式にない名前です (使う場所の変数・用語として解決されます)"


def rule_markdown(rule: CheckedRule) -> str:
    """A rule's id, title, severity, confidence, references, period, kinds and place."""
    head = f"**{rule.id}** {rule.rule.title}"
    facts = [f"重大度: {rule.severity.label_ja}"]
    confidence = getattr(rule, "confidence", None) or getattr(rule.rule, "confidence", None)
    if confidence is not None:
        facts.append(f"確度: {getattr(confidence, 'label_ja', None) or getattr(confidence, 'value', confidence)}")
    facts.append("対象: " + ("、".join(rule.kinds) or "すべての評価書"))
    start, end = rule.period
    if start or end:
        facts.append(f"有効期間: {start or ''}〜{end or ''}")
    parts = [head, " · ".join(facts)]
    if rule.rule.description:
        parts.append(rule.rule.description)
    if rule.references:
        parts.append("根拠: " + "、".join(rule.references))
    if rule.rule.hint:
        parts.append("ヒント: " + rule.rule.hint)
    span = rule.rule.id_span
    parts.append(f"定義: `{span.path}:{span.line}`")
    return "\n\n".join(parts)


def declaration_markdown(policy: ast.PolicyFile, kind: str, name: str) -> str | None:
    """The definition of a term, const or matcher, printed as policy text."""
    if kind == TERM:
        term = next((t for t in policy.terms if t.name == name), None)
        return _code(f"term {name} = {pretty.expr(term.body)}") + "\n\n用語 (使う場所で展開されます)" if term else None
    if kind == CONST:
        const = next((c for c in policy.consts if c.name == name), None)
        return _code(f"const {name} = {pretty.expr(const.value)}") + "\n\n定数" if const else None
    if kind == MATCHER:
        m = next((m for m in policy.matchers if m.name == name), None)
        if m is None:
            return None
        desc = f" {pretty.string(m.description)}" if m.description else ""
        return _code(f"matcher {name}{desc} = {pretty.matcher(m.body)}") + "\n\nマッチャー"
    return None


def occurrence_markdown(policy: ast.PolicyFile, o: Occurrence, rules: dict[str, CheckedRule]) -> str | None:
    """Hover text for the name at the cursor."""
    if o.kind == RULE:
        rule = rules.get(o.name)
        return rule_markdown(rule) if rule else f"**{o.name}** (ルール)"
    if o.kind == POLICY and policy.header is not None:
        header = policy.header
        parts = [f"**policy {header.id}** {header.title}"]
        if header.references:
            parts.append("根拠: " + "、".join(header.references))
        if header.kinds:
            parts.append("対象: " + "、".join(header.kinds))
        return "\n\n".join(parts)
    if o.kind == CALL:
        fn = REGISTRY.get(o.name)
        if fn is None:
            return None
        signature = f"{o.name}({', '.join(p.name_ja() for p in fn.params)}) → {fn.returns.name_ja()}"
        return f"`{signature}`\n\n{fn.doc}\n\n組み込み関数"
    text = declaration_markdown(policy, o.kind, o.name) if o.kind in (TERM, CONST, MATCHER) else None
    if o.kind in (FIELD, VAR, TERM, CONST) and o.path is not None:
        el = scope_elaborator(policy, kinds_of(policy, o.rule), o.bound)
        resolved = resolve_path(el, ast.Path(o.path.parts[: o.segment + 1], o.path.span))
        if o.kind == VAR:
            var = el.env.lookup(o.name)
            where = var.schema_path if var and var.schema_path else None
            return f"**{o.name}** — 変数 ({type_label(resolved.type)})" + (f"\n\n`{where}` の要素" if where else "")
        if resolved.owner is not None and resolved.field is not None and o.kind == FIELD:
            return FieldDoc(resolved.field, resolved.type, resolved.owner, resolved.schema_path).markdown()
        if o.kind == FIELD and o.rule is None:
            return _field_anywhere(o.name)
        if text is not None:
            return text + f"\n\nここでの値: {type_label(resolved.type)}" + (
                f" (`{resolved.schema_path}`)" if resolved.schema_path else "")
        return f"**{o.name}** — {type_label(resolved.type)}"
    if o.kind == VAR and o.binding is not None:
        el = scope_elaborator(policy, kinds_of(policy, o.rule), (*o.bound, o.binding))
        var = el.env.lookup(o.name)
        where = f"\n\n`{var.schema_path}` の要素" if var and var.schema_path else ""
        return f"**{o.name}** — 変数 ({type_label(var.type) if var else '不明'}){where}"
    return text
