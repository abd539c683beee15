"""Completion in policy files. The context is read from the text around the cursor (the line is
usually incomplete while typing); names come from the registries and the last good parse:
keywords (grammar.KEYWORDS), built-ins (builtins.REGISTRY), the form model (schema), the file's
terms, consts and matchers, and the `for each` / quantifier variables in force."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lsprotocol import types

from piarules import ast
from piarules.builtins import REGISTRY
from piarules.check.context import BUILTIN_VARIABLES, ROOT_VARIABLES, TEXTS_VARIABLE, FileDecls
from piarules.check.elaborate import Elaborator
from piarules.diagnostics import Severity
from piarules.lsp.form import FieldDoc, choices, fields_named, type_label
from piarules.lsp.positions import Lines
from piarules.lsp.resolve import resolve_path, scope_elaborator
from piarules.lsp.symbols import Binding
from piarules.pattern_store import compiled
from piarules.schema import KINDS
from piarules.span import NO_SPAN
from piarules.syntax import parse_expression
from piarules.syntax.grammar import KEYWORDS
from piarules.type_system import ObjectType

_FIRST = r'[^\s\d"「」(){}\[\].,=<>!+#:\-]'
_REST = r'[^\s"「」(){}\[\].,=<>!+#:]'
NAME = f"{_FIRST}{_REST}*"
PATH = rf"{NAME}(?:\.{NAME}|\[\d+\])*"
PARTIAL = compiled(f"{_REST}*$")

_RULE = compiled(r"^\s*rule\s+(\S+)")
_OUTSIDE = compiled(r"^\s*(}|policy\b|term\b|const\b|matcher\b)")
_SCOPE = compiled(rf"^\s*for\s+each\s+({NAME})\s+in\s+(.+?)\s*$")
_APPLIES = compiled(r"^\s*applies\s+to\s+(.+?)\s*$")
_QUANT = compiled(rf"\b(?:any|all|count)\s+({NAME})\s+in\s+({PATH})\s+(?:satisfies|where)\b")
_COMPARE = compiled(rf"({PATH})\s*(?:==|!=)\s*$")
_IN_LIST = compiled(rf"({PATH})\s+(?:not\s+)?in\s*\[[^\]]*?(?:,\s*)?$")
_MEMBER = compiled(rf"({PATH})\.({_REST}*)$")
_NEW_NAME = compiled(rf"^\s*(rule|policy|term|const|matcher|for\s+each)\s+{_REST}*$")

KIND = types.CompletionItemKind
SPECIAL = {**dict.fromkeys(ROOT_VARIABLES, "文書の最上位 (文書.基本情報)"),
           **dict.fromkeys(BUILTIN_VARIABLES, "基準日 (ルールが判断する日付)"),
           TEXTS_VARIABLE: "本文: 変更箇所の外のすべての文と、各行の変更後の記載"}


def _strip_comment(line: str) -> str:
    state = _string_state(line)
    return line[: state.comment] if state.comment is not None else line


@dataclass
class _StringState:
    open_at: int | None = None
    quote: str = ""
    comment: int | None = None


def _string_state(prefix: str) -> _StringState:
    """Whether `prefix` ends inside a string (and where it opened) or a comment."""
    state = _StringState()
    escaped = False
    for i, ch in enumerate(prefix):
        if state.quote == '"':
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                state.quote, state.open_at = "", None
        elif state.quote == "「":
            if ch == "」":
                state.quote, state.open_at = "", None
        elif ch == "#":
            state.comment = i
            return state
        elif ch in '"「':
            state.quote, state.open_at = ch, i
    return state


@dataclass
class Context:
    """The rule around the cursor, read from the text."""

    bound: tuple[Binding, ...] = ()
    kinds: tuple[str, ...] = ()
    in_rule: bool = False


def text_context(lines: list[str], line: int, prefix: str) -> Context:
    """The `for each` variables above the cursor in its rule, quantifier variables before it on
    its line, and the kinds from `applies to` (rule's, else the policy's)."""
    scopes: list[tuple[str, str]] = []
    rule_line = None
    for n in range(line - 1, -1, -1):
        text = _strip_comment(lines[n])
        if _RULE.match(text):
            rule_line = n
            break
        if _OUTSIDE.match(text):
            break
        m = _SCOPE.match(text)
        if m:
            scopes.insert(0, (m[1], m[2]))
    scopes += [(m[1], m[2]) for m in _QUANT.finditer(prefix)]
    bound = tuple(Binding(var, expr, NO_SPAN) for var, source in scopes
                  if (expr := parse_expression(source)) is not None)
    kinds: tuple[str, ...] = ()
    if rule_line is not None:
        kinds = _applies(lines, rule_line) or _policy_kinds(lines)
    return Context(bound, kinds, rule_line is not None)


def _applies(lines: list[str], start: int) -> tuple[str, ...]:
    for text in lines[start + 1:]:
        text = _strip_comment(text)
        if re.match(r"^\s*}", text) or _OUTSIDE.match(text) or _RULE.match(text):
            return ()
        m = _APPLIES.match(text)
        if m:
            return tuple(k for k in (p.strip() for p in m[1].split(",")) if k in KINDS)
    return ()


def _policy_kinds(lines: list[str]) -> tuple[str, ...]:
    for n, text in enumerate(lines):
        if re.match(r"^\s*policy\b", text):
            return _applies(lines, n)
    return ()


# ---------------------------------------------------------------- items


def _markdown(text: str) -> types.MarkupContent:
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)


@dataclass
class Completer:
    """Builds completion items replacing [start, end) on 0-based line `line` (character indexes)."""

    doc: Lines
    line: int
    start: int
    end: int

    def edit(self, text: str) -> types.TextEdit:
        rng = types.Range(start=self.doc.position(self.line + 1, self.start + 1),
                          end=self.doc.position(self.line + 1, self.end + 1))
        return types.TextEdit(range=rng, new_text=text)

    def item(self, label: str, kind: types.CompletionItemKind, detail: str | None = None, doc: str | None = None,
             insert: str | None = None, rank: int = 5) -> types.CompletionItem:
        text = insert if insert is not None else label
        return types.CompletionItem(
            label=label, kind=kind, detail=detail, documentation=_markdown(doc) if doc else None,
            sort_text=f"{rank}{label}", filter_text=text if text != label else None, text_edit=self.edit(text))
        # filter_text: clients filter by the text the edit replaces, which includes an opening quote


def keyword_items(c: Completer) -> list[types.CompletionItem]:
    return [c.item(k, KIND.Keyword, "キーワード", rank=8) for k in KEYWORDS]


def builtin_items(c: Completer) -> list[types.CompletionItem]:
    out = []
    for name, fn in REGISTRY.items():
        signature = f"{name}({', '.join(p.name_ja() for p in fn.params)}) → {fn.returns.name_ja()}"
        out.append(c.item(name, KIND.Function, signature, f"`{signature}`\n\n{fn.doc}", rank=6))
    return out


def field_items(c: Completer, owner: ObjectType, schema_prefix: str | None) -> list[types.CompletionItem]:
    out = []
    for name, type_ in owner.fields.items():
        schema = f"{schema_prefix}.{name}" if schema_prefix else (name if schema_prefix == "" else None)
        doc = FieldDoc(name, type_, owner, schema)
        out.append(c.item(name, KIND.Field, doc.detail(), doc.markdown(), rank=2))
    return out


def choice_items(c: Completer, values: tuple[str, ...], quote: str) -> list[types.CompletionItem]:
    close = {"「": "」", '"': '"'}.get(quote, '"')
    opening = quote or '"'
    return [c.item(v, KIND.EnumMember, "選択肢", insert=f"{opening}{v}{close}", rank=1) for v in values]


def matcher_items(c: Completer, decls: FileDecls) -> list[types.CompletionItem]:
    return [c.item(m.name, KIND.Function, m.description or "マッチャー", rank=1) for m in decls.matchers.values()]


def name_items(c: Completer, el: Elaborator, policy: ast.PolicyFile | None) -> list[types.CompletionItem]:
    """Everything a bare name can be, in the checker's lookup order."""
    from piarules import pretty

    out: list[types.CompletionItem] = []
    seen: set[str] = set()
    for var in reversed(el.env.variables):
        if var.name not in seen:
            seen.add(var.name)
            out.append(c.item(var.name, KIND.Variable, f"変数: {type_label(var.type)}",
                              f"`{var.name}`: {var.schema_path or type_label(var.type)} の要素", rank=0))
    decls = el.env.decls  # what the file declares and what it `use`s
    for const in decls.consts.values():
        out.append(c.item(const.name, KIND.Constant, "定数", f"```\nconst {const.name} = {pretty.expr(const.value)}\n```", rank=3))
    for term in decls.terms.values():
        out.append(c.item(term.name, KIND.Value, "用語", f"```\nterm {term.name} = {pretty.expr(term.body)}\n```", rank=3))
    for var in reversed(el.env.variables):
        owner = var.type
        if isinstance(owner, ObjectType):
            for item in field_items(c, owner, var.schema_path):
                if item.label not in seen:
                    seen.add(item.label)
                    out.append(item)
    for item in field_items(c, el.env.root, ""):
        if item.label not in seen:
            seen.add(item.label)
            out.append(item)
    out += [c.item(name, KIND.Variable, doc, rank=4) for name, doc in SPECIAL.items()]
    return out + builtin_items(c) + keyword_items(c)


def complete(doc: Lines, line: int, index: int, policy: ast.PolicyFile | None,
             others: Sequence[ast.PolicyFile] = ()) -> list[types.CompletionItem]:
    """Completion items at 0-based (line, character index) of a policy text (`others`: the other
    files of its set, whose names a `use` brings in)."""
    lines = doc.lines
    text = doc.line(line)
    prefix = text[:index]
    state = _string_state(prefix)
    if state.comment is not None:
        return []
    context = text_context(lines, line, prefix)
    el = scope_elaborator(policy, context.kinds, context.bound, others)

    def left_choices(path_text: str) -> tuple[str, ...]:
        path = parse_expression(path_text)
        if not isinstance(path, ast.Path):
            return ()
        found = choices(resolve_path(el, path).type)
        if not found and len(path.parts) == 1:  # a term's body: the field resolves where the term is used
            everywhere = {choices(t) for _, _, t in fields_named(str(path.parts[0]))}
            found = everywhere.pop() if len(everywhere) == 1 else ()
        return found

    if state.open_at is not None:
        inside = prefix[state.open_at + 1:]
        placeholder = re.search(r"(?<!\{)\{([^{}]*)$", inside)
        if placeholder and re.match(r"^\s*(message|hint)\b", text):
            return _expression_items(doc, placeholder[1], line, index, el, policy)
        before = prefix[: state.open_at]
        m = _COMPARE.search(before) or _IN_LIST.search(before)
        if m:
            close = {"「": "」", '"': '"'}[state.quote]
            end = index + 1 if text[index:index + 1] == close else index
            return choice_items(Completer(doc, line, state.open_at, end), left_choices(m[1]), state.quote)
        return []
    partial = PARTIAL.search(prefix)
    start = index - len(partial[0]) if partial else index
    c = Completer(doc, line, start, index)
    head = prefix[:start]
    if re.match(r"^\s*severity\s+$", head):
        return [c.item(s.value, KIND.EnumMember, s.label_ja, rank=1) for s in Severity]
    if re.match(r"^\s*applies\s+to\s+([^,]+,\s*)*$", head):
        return [c.item(k, KIND.EnumMember, "評価書の種類", rank=1) for k in KINDS]
    if _NEW_NAME.match(prefix):
        return []
    if re.search(r"\bmatches\s+$", head) or re.search(r"\brequires\s+.+\bwith\s+(.+\s+and\s+)?$", head):
        return matcher_items(c, el.env.decls)
    if re.match(r"^\s*matcher\b.*=", head):
        return matcher_items(c, el.env.decls) + [c.item(k, KIND.Keyword, rank=8) for k in ("contains", "matches", "not", "and", "or", "any", "all")]
    m = _COMPARE.search(head) or _IN_LIST.search(head)
    if m:
        values = left_choices(m[1])
        if values:
            return choice_items(c, values, "")
    return _expression_items(doc, prefix, line, index, el, policy)


def _expression_items(doc: Lines, prefix: str, line: int, index: int, el: Elaborator,
                      policy: ast.PolicyFile | None) -> list[types.CompletionItem]:
    member = _MEMBER.search(prefix)
    if member:
        c = Completer(doc, line, index - len(member[2]), index)
        path = parse_expression(member[1])
        if not isinstance(path, ast.Path):
            return []
        resolved = resolve_path(el, path)
        if isinstance(resolved.type, ObjectType):
            return field_items(c, resolved.type, resolved.schema_path)
        return []  # a list's items are reached with for each / any / all; other values have no fields
    partial = PARTIAL.search(prefix)
    start = index - len(partial[0]) if partial else index
    return name_items(Completer(doc, line, start, index), el, policy)
