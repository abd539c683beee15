"""Type-check an expression and elaborate it into the checked form the compiler needs.

Paths become Refs (resolved against scope variables, then the innermost scope's fields
outward, then the document); terms are expanded where used; string literals compared with
dates or count bands become JpDate/Band literals; regexes are compiled once here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, assert_never

from piarules import ast
from piarules.builtins import REGISTRY, ItemOfFirstArg
from piarules.check.context import (
    BUILTIN_VARIABLES,
    COMPANION_VARIABLES,
    ROOT_VARIABLES,
    TEXTS_VARIABLE,
    Diagnostics,
    Env,
    Variable,
)
from piarules.diagnostics import Diagnostic, Severity, did_you_mean, suggestion
from piarules.document.source_map import format_path
from piarules.jpvalues import parse_band, parse_date
from piarules.regex import RegexError, compile_pattern
from piarules.runtime import MAX_SLOTS
from piarules.syntax import MAX_TREE_DEPTH
from piarules.type_system import (
    BOOL,
    DATE,
    DURATION,
    NUMBER,
    TEXT,
    UNKNOWN,
    BandType,
    ConflictType,
    DateType,
    DurationType,
    ListType,
    NumberType,
    ObjectType,
    TextType,
    Type,
    UnknownType,
    comparable,
)
from piarules.walk import walk

Checked = tuple[ast.Expr, Type]


EXPANSION_LIMIT = 20_000
"""Expression nodes that the terms and consts used by one rule may expand to."""


class Elaborator:
    """Walks expressions of one rule; reports into `diags`."""

    def __init__(self, env: Env, diags: Diagnostics):
        self.env = env
        self.diags = diags
        self.resolved_path: str | None = None
        """Schema path of the last path followed (None when not a form field)."""
        self.types: dict[tuple[str, int, tuple[str | int, ...]], Type] = {}
        """The type of every document path followed, by (base, slot, fields): for the logic passes."""
        self.expanded = 0
        """Nodes added by expanding terms and consts in this rule (bounded: EXPANSION_LIMIT)."""
        self.depth = 0
        """How deep the expression being checked is, terms expanded (bounded: MAX_TREE_DEPTH)."""
        self.too_deep = False
        self._sizes: dict[str, int] = {}

    def error(self, code: str, message: str, node: Any, help: str | None = None) -> None:
        self.diags.add(Diagnostic(code, message, getattr(node, "span", None), help=help))

    # ------------------------------------------------------------ paths
    def path(self, node: ast.Path) -> Checked:
        head = node.parts[0]
        assert isinstance(head, str)  # INVARIANT: the grammar starts a path with a NAME
        label = format_path(node.parts)
        if (var := self.env.lookup(head)) is not None:
            return self.follow(node, "var", var.slot, var.type, node.parts[1:], label, owner=head)
        if head in BUILTIN_VARIABLES and len(node.parts) == 1:
            return ast.Ref("as_of", 0, (), label, node.span), DATE
        if head in ROOT_VARIABLES and self.env.lookup(head) is None:
            return self.follow(node, "root", 0, self.env.root, node.parts[1:], label)
        if head in COMPANION_VARIABLES and self.env.lookup(head) is None:
            from piarules.schema import document_type  # the form models: imported when checking

            return self.follow(node, "set", 0, document_type((head,)), node.parts[1:], label, prefix=(head,),
                               owner=head)
        if head == TEXTS_VARIABLE and len(node.parts) == 1:
            return ast.Ref("texts", 0, (), label, node.span), ListType(TEXT)
        if head in self.env.decls.consts or head in self.env.decls.terms:
            body, type_ = self.named(head, node)
            if len(node.parts) == 1:
                return body, type_
            if not isinstance(body, ast.Ref) and all(isinstance(p, str) for p in node.parts[1:]):
                # a computed value (term 機関 = body(文書.評価実施機関名)): 機関.形式 reads its field
                fields = tuple(str(p) for p in node.parts[1:])
                _, type_ = self.follow(node, "member", 0, type_, fields, label, owner=head)
                return ast.Member(body, fields, node.span), type_
            if not isinstance(body, ast.Ref):
                if any(isinstance(p, int) for p in node.parts[1:]):
                    self.error("PIA204", f"「{head}」は項目を指していないため「.{node.parts[1]}」を続けられません", node)
                    return body, UNKNOWN
                fields = tuple(str(p) for p in node.parts[1:])  # a computed value: read its fields
                _, field_type = self.follow(node, "member", 0, type_, fields, label, owner=head)
                return ast.Member(body, fields, node.span), field_type
            return self.follow(node, body.base, body.slot, type_, node.parts[1:], label, prefix=body.fields,
                               owner=str(body.fields[-1]) if body.fields else head)
        for var in reversed(self.env.variables):
            if isinstance(var.type, ObjectType) and head in var.type.fields:
                if head in self.env.root.fields:
                    self.diags.add(Diagnostic(
                        "PIA212", f"「{head}」は {var.name}.{head} と 文書.{head} のどちらにもあります ({var.name} の方を使います)",
                        node.span, Severity.WARNING, help=f"意図をはっきりさせるため「{var.name}.{head}」か「文書.{head}」と書いてください"))
                return self.follow(node, "var", var.slot, var.type, node.parts, label, owner=var.name)
        if head in self.env.root.fields:
            return self.follow(node, "root", 0, self.env.root, node.parts, label)
        self.unknown_name(head, node)
        return ast.Ref("root", 0, node.parts, label, node.span), UNKNOWN

    def named(self, name: str, node: ast.Path) -> Checked:
        """Expand a const or term where it is used (its paths resolve in this scope). Expansion
        is bounded: a chain of terms that each use the previous one twice doubles per link."""
        if name in self.env.expanding:
            self.error("PIA210", f"用語「{name}」の定義が自分自身を参照しています", node)
            return ast.Literal(False, node.span), UNKNOWN
        if not self.env.expanding:  # the outermost use pays for everything it expands
            before = self.expanded
            self.expanded += self.expansion_size(name)
            if self.expanded > EXPANSION_LIMIT and self.too_deep:  # expansion_size met a chain too long
                self.error("PIA104", f"用語の中で用語を使う段数が多すぎます (上限 {MAX_TREE_DEPTH} 段)", node,
                           help="用語の中で用語を使う段数を減らしてください")
                return ast.Literal(False, node.span), UNKNOWN
            if self.expanded > EXPANSION_LIMIT:
                if before <= EXPANSION_LIMIT:
                    self.error("PIA104", f"用語「{name}」を展開した式が大きすぎます (約 {self.expanded:,} 要素、上限 "
                                         f"{EXPANSION_LIMIT:,})", node,
                               help="用語の定義の中で同じ用語を何度も使っていないか確かめてください")
                return ast.Literal(False, node.span), UNKNOWN
        decls = self.env.decls
        body_expr = decls.consts[name].value if name in decls.consts else decls.terms[name].body
        self.env.expanding = (*self.env.expanding, name)
        self.env.decls = decls.origin(name)  # a used term's names are those of the file declaring it
        try:
            body, type_ = self.expr(body_expr)
        finally:
            self.env.expanding = self.env.expanding[:-1]
            self.env.decls = decls
        return body, type_

    def push(self, name: str, type_: Type, schema_path: str | None, node: Any) -> Variable:
        """A new scope variable (for each, any/all/count); evaluation has MAX_SLOTS of them."""
        if len(self.env.variables) == MAX_SLOTS:
            self.error("PIA104", f"変数 (for each と any/all/count) の入れ子が深すぎます (上限 {MAX_SLOTS})", node,
                       help="ルールを分けるか、用語で条件をまとめてください")
        return self.env.push(name, type_, schema_path)

    def expansion_size(self, name: str, seen: tuple[str, ...] = ()) -> int:
        """How many nodes the full expansion of a term or const has (linear: sizes are shared)."""
        if name in self._sizes:
            return self._sizes[name]
        if len(seen) > MAX_TREE_DEPTH:  # a chain of terms deeper than any expression may be
            self.too_deep = True
            return EXPANSION_LIMIT + 1
        decls = self.env.decls
        body = decls.consts[name].value if name in decls.consts else decls.terms[name].body
        total = 0
        for n in walk(body):
            total += 1
            head = n.parts[0] if isinstance(n, ast.Path) else None
            if isinstance(head, str) and head not in (*seen, name) and (head in decls.terms or head in decls.consts):
                total += self.expansion_size(head, (*seen, name))
        self._sizes[name] = total
        return total

    def follow(self, node: ast.Path | ast.Member, base: str, slot: int, type_: Type,
               fields: tuple[str | int, ...], label: str, prefix: tuple[str | int, ...] = (),
               owner: str = "評価書") -> Checked:
        """Walk `fields` through the types; the Ref gets prefix + fields. `owner` names the
        mapping being searched, for messages."""
        ref = ast.Ref(base, slot, prefix + tuple(fields), label, node.span)
        schema = self._base_schema_path(base, slot, prefix)
        for part in fields:
            if isinstance(type_, UnknownType):
                break
            if isinstance(part, int):
                if not isinstance(type_, ListType):
                    self.error("PIA204", f"「{label}」: [{part}] はリストにしか使えません", node)
                    return ref, UNKNOWN
                type_ = type_.item
            elif isinstance(type_, ConflictType):
                self.error("PIA213", f"「{label}」は評価書の種類 ({'・'.join(type_.kinds)}) によって形が違います", node,
                           help="ルールまたは policy に「applies to 重点項目評価書」のように種類を書いてください")
                return ref, UNKNOWN
            elif isinstance(type_, ObjectType):
                if part not in type_.fields:
                    self.error("PIA201", f"「{owner}」に項目「{part}」はありません", node,
                               help=suggestion(part, type_.fields))
                    return ref, UNKNOWN
                type_ = type_.fields[part]
            else:
                hint = "リストの各要素は for each または any/all で取り出してください" if isinstance(type_, ListType) else None
                self.error("PIA204", f"「{label}」: 「{owner}」は{type_.name_ja()}で、項目「{part}」はありません", node, help=hint)
                return ref, UNKNOWN
            owner = str(part)
            if schema is not None:
                schema += "[]" if isinstance(part, int) else (f".{part}" if schema else str(part))
        if isinstance(type_, ConflictType):
            self.error("PIA213", f"「{label}」は評価書の種類 ({'・'.join(type_.kinds)}) によって形が違います", node,
                       help="ルールまたは policy に「applies to 重点項目評価書」のように種類を書いてください")
            type_ = UNKNOWN
        self.resolved_path = schema
        if schema:
            self.env.reads.add(schema)
        if base in ("root", "var"):
            self.types[(base, slot, ref.fields)] = type_
        return ref, type_

    def _base_schema_path(self, base: str, slot: int, prefix: tuple[str | int, ...]) -> str | None:
        if base == "root":
            start: str | None = ""
        elif base == "var":
            start = next((v.schema_path for v in self.env.variables if v.slot == slot), None)
        else:
            return None
        for part in prefix:
            if start is not None:
                start += "[]" if isinstance(part, int) else (f".{part}" if start else str(part))
        return start

    def unknown_name(self, name: str, node: ast.Path) -> None:
        if name in self.env.decls.unresolved:
            return  # its `use` failed, and said so
        pool: list[str] = [v.name for v in self.env.variables]
        pool += list(self.env.decls.terms) + list(self.env.decls.consts) + list(self.env.root.fields)
        for var in self.env.variables:
            if isinstance(var.type, ObjectType):
                pool += list(var.type.fields)
        self.error("PIA201", f"「{name}」は項目名・用語・変数のいずれでもありません", node, help=suggestion(name, pool))

    # ------------------------------------------------------------ expressions
    def expr(self, node: ast.Expr) -> Checked:
        """Check one expression node (terms expanded where used): its checked form and type. An
        expression nested deeper than the parser allows, through its terms, is refused here."""
        if self.depth >= MAX_TREE_DEPTH:
            if not self.too_deep:
                self.too_deep = True
                self.error("PIA104", f"用語を展開した式の入れ子が深すぎます (上限 {MAX_TREE_DEPTH} 段)", node,
                           help="用語の中で用語を使う段数を減らしてください")
            return ast.Literal(False, node.span), UNKNOWN
        self.depth += 1
        try:
            return self._expr(node)
        finally:
            self.depth -= 1

    def _expr(self, node: ast.Expr) -> Checked:
        match node:
            case ast.Path():
                return self.path(node)
            case ast.Ref():
                return node, UNKNOWN
            case ast.Literal(value=bool()):
                return node, BOOL
            case ast.Literal(value=dt.date()):
                return node, DATE
            case ast.Literal(value=int() | float()):
                return node, NUMBER
            case ast.Literal():
                return node, TEXT
            case ast.Duration():
                return node, DURATION
            case ast.ListExpr():
                items = [self.expr(i) for i in node.items]
                item_type = items[0][1] if items else UNKNOWN
                return dataclasses.replace(node, items=tuple(i for i, _ in items)), ListType(item_type)
            case ast.Not():
                operand = self.condition(node.operand)
                return dataclasses.replace(node, operand=operand), BOOL
            case ast.BoolOp():
                operands = tuple(self.condition(o) for o in node.operands)
                return dataclasses.replace(node, operands=operands), BOOL
            case ast.Compare():
                return self.compare(node)
            case ast.Membership():
                return self.membership(node)
            case ast.TextTest():
                return self.text_test(node)
            case ast.RegexTest():
                return self.regex_test(node)
            case ast.MatcherTest():
                subject, _ = self.expr(node.subject)
                self.matcher_name(node.matcher, node)
                return dataclasses.replace(node, subject=subject, file=self.env.decls.path), BOOL
            case ast.PhraseTest():
                subject = self.text_subject(node.subject)
                return dataclasses.replace(node, subject=subject, spec=self.phrase_spec(node.spec)), BOOL
            case ast.Presence():
                subject, _ = self.expr(node.subject)
                return dataclasses.replace(node, subject=subject), BOOL
            case ast.Arith():
                return self.arith(node)
            case ast.Call():
                return self.call(node)
            case ast.Quantifier():
                return self.quantifier(node)
            case ast.Member():
                base, bt = self.expr(node.base)
                checked, type_ = self.follow(node, "member", 0, bt, node.fields, ".".join(node.fields), owner="値")
                assert isinstance(checked, ast.Ref)  # INVARIANT: follow returns a Ref
                return dataclasses.replace(node, base=base), type_
            case _:
                assert_never(node)

    def condition(self, node: ast.Expr) -> ast.Expr:
        """An expression used as a condition must be boolean."""
        checked, type_ = self.expr(node)
        if not isinstance(type_, UnknownType) and type_ != BOOL:
            self.error("PIA204", f"条件には真偽値が必要ですが、{type_.name_ja()}です", node,
                       help="「is present」「is not empty」や比較 (==) を付けてください")
        return checked

    def coerce(self, node: ast.Expr, type_: Type, target: Type) -> Checked:
        """A string literal next to a date or band becomes that kind of literal."""
        if not (isinstance(node, ast.Literal) and isinstance(node.value, str)):
            return node, type_
        try:
            if isinstance(target, DateType):
                return dataclasses.replace(node, value=parse_date(node.value)), DATE
            if isinstance(target, BandType):
                return dataclasses.replace(node, value=parse_band(node.value)), target
        except ValueError as exc:
            self.error("PIA103", str(exc), node)
            return node, UNKNOWN
        return node, type_

    def check_choice(self, literal: ast.Expr, type_: Type) -> None:
        """Comparing a fixed-choice field with a value it can never hold never matches."""
        if not (isinstance(type_, TextType) and type_.choices and isinstance(literal, ast.Literal)):
            return
        value = literal.value
        if isinstance(value, str) and value not in type_.choices:
            close = did_you_mean(value, type_.choices)
            listed = "、".join(f"「{c}」" for c in type_.choices)
            self.error("PIA206", f"「{value}」は選択肢にないため、この比較は決して成り立ちません", literal,
                       help=(f"もしかして「{close}」。" if close else "") + f"選択肢: {listed}")

    def compare(self, node: ast.Compare) -> Checked:
        left, lt = self.expr(node.left)
        right, rt = self.expr(node.right)
        left, lt = self.coerce(left, lt, rt)
        right, rt = self.coerce(right, rt, lt)
        if not comparable(lt, rt):
            self.error("PIA204", f"{lt.name_ja()}と{rt.name_ja()}は比較できません", node,
                       help="日付は日付と、人数帯は人数帯または数値と、文字列は文字列と比べます")
        if node.op in (ast.CmpOp.EQ, ast.CmpOp.NE):
            self.check_choice(right, lt)
            self.check_choice(left, rt)
        elif isinstance(lt, TextType) and isinstance(rt, TextType):
            self.error("PIA204", "文字列の大小は比較できません", node, help="== / != / contains を使ってください")
        return dataclasses.replace(node, left=left, right=right), BOOL

    def membership(self, node: ast.Membership) -> Checked:
        item, it = self.expr(node.item)
        container, ct = self.expr(node.container)
        if isinstance(container, ast.ListExpr):
            coerced = [self.coerce(i, TEXT, it)[0] for i in container.items]
            for literal in coerced:
                self.check_choice(literal, it)
            container = dataclasses.replace(container, items=tuple(coerced))
        elif not isinstance(ct, ListType | UnknownType):
            self.error("PIA204", f"in の右側はリストでなければなりませんが、{ct.name_ja()}です", node.container)
        return dataclasses.replace(node, item=item, container=container), BOOL

    def text_subject(self, node: ast.Expr) -> ast.Expr:
        subject, st = self.expr(node)
        if not isinstance(st, TextType | UnknownType):
            self.error("PIA204", f"文字列の検査には文字列が必要ですが、{st.name_ja()}です", node)
        return subject

    def text_test(self, node: ast.TextTest) -> Checked:
        subject = self.text_subject(node.subject)
        needle, nt = self.expr(node.needle)
        wants_list = node.op is not ast.TextOp.CONTAINS
        if wants_list and not isinstance(nt, ListType | UnknownType):
            self.error("PIA204", f"{node.op.value} の右側はリストでなければなりません", node.needle)
        if not wants_list and not isinstance(nt, TextType | UnknownType):
            self.error("PIA204", f"contains の右側は文字列でなければなりません ({nt.name_ja()})", node.needle)
        return dataclasses.replace(node, subject=subject, needle=needle), BOOL

    def regex_test(self, node: ast.RegexTest) -> Checked:
        subject = self.text_subject(node.subject)
        check_regex(node.pattern, node, self)
        return dataclasses.replace(node, subject=subject), BOOL

    def phrase_spec(self, spec: ast.PhraseSpec) -> ast.PhraseSpec:
        """Named phrases resolved: a `synonyms` of this file is written in (with its name), a set
        of the vocabulary stays a name (the compiler takes it from the vocabulary)."""
        return dataclasses.replace(spec, parts=tuple(self.phrase(p) for p in spec.parts))

    def phrase(self, phrase: ast.Phrase) -> ast.Phrase:
        name = phrase.name
        if name is None:
            return phrase
        local = self.env.decls.synonyms.get(name)
        if local is not None:
            return dataclasses.replace(phrase, terms=local.terms, exclude=local.exclude)
        if name not in self.env.decls.standard_synonyms:
            pool = [*self.env.decls.synonyms, *self.env.decls.standard_synonyms]
            self.error("PIA202", f"同義語「{name}」は定義されていません", phrase,
                       help=suggestion(name, pool) or f"synonyms {name} = [\"…\", \"…\"] で定義するか、\"{name}\" と文字列で書いてください")
        return phrase

    def matcher_name(self, name: str, node: Any) -> None:
        if name not in self.env.decls.matchers and name not in self.env.decls.unresolved:
            self.error("PIA202", f"マッチャー「{name}」は定義されていません", node,
                       help=suggestion(name, self.env.decls.matchers) or "matcher 名前 = contains … で定義してください")

    def arith(self, node: ast.Arith) -> Checked:
        left, lt = self.expr(node.left)
        right, rt = self.expr(node.right)
        result: Type = UNKNOWN
        if isinstance(lt, DateType) and isinstance(rt, DurationType):
            result = DATE
        elif isinstance(lt, NumberType) and isinstance(rt, NumberType):
            result = NUMBER
        elif not isinstance(lt, UnknownType) and not isinstance(rt, UnknownType):
            self.error("PIA204", f"{lt.name_ja()} {node.op} {rt.name_ja()} は計算できません", node,
                       help="日付 ± 期間 (例: 公表日 - 5 years) または 数値 ± 数値 です")
        return dataclasses.replace(node, left=left, right=right), result

    def call(self, node: ast.Call) -> Checked:
        fn = REGISTRY.get(node.func)
        args = [self.expr(a) for a in node.args]
        if fn is None:
            self.error("PIA202", f"関数「{node.func}」はありません", node, help=suggestion(node.func, REGISTRY))
            return dataclasses.replace(node, args=tuple(a for a, _ in args)), UNKNOWN
        if len(args) != len(fn.params):
            self.error("PIA204", f"{node.func} の引数は {len(fn.params)} 個です ({len(args)} 個あります)", node)
        for (arg, at), param in zip(args, fn.params, strict=False):
            if not _accepts(param, at):
                self.error("PIA204", f"{node.func} の引数には{param.name_ja()}が必要ですが、{at.name_ja()}です", arg)
        returns = fn.returns
        if isinstance(returns, ItemOfFirstArg):
            first = args[0][1] if args else UNKNOWN
            returns = first.item if isinstance(first, ListType) else UNKNOWN
        return dataclasses.replace(node, args=tuple(a for a, _ in args)), returns

    def quantifier(self, node: ast.Quantifier) -> Checked:
        collection, ct = self.expr(node.collection)
        item: Type = UNKNOWN
        if isinstance(ct, ListType):
            item = ct.item
        elif not isinstance(ct, UnknownType):
            self.error("PIA204", f"{node.kind} の対象はリストでなければなりませんが、{ct.name_ja()}です", node.collection)
        var = self.push(node.var, item, f"{self.resolved_path}[]" if self.resolved_path else None, node)
        try:
            body = self.condition(node.body)
        finally:
            self.env.pop()
        result = NUMBER if node.kind == "count" else BOOL
        return dataclasses.replace(node, collection=collection, body=body, slot=var.slot), result


def _accepts(param: Type, arg: Type) -> bool:
    if isinstance(param, UnknownType) or isinstance(arg, UnknownType):
        return True
    if isinstance(param, ListType):
        return isinstance(arg, ListType)
    return type(param) is type(arg) or (isinstance(param, TextType) and isinstance(arg, TextType))


def check_regex(pattern: str, node: Any, owner: Elaborator) -> None:
    """A pattern must compile under RE2's rules (linear-time matching; see piarules.regex)."""
    try:
        compile_pattern(pattern)
    except RegexError as exc:
        shown = pattern if len(pattern) <= 60 else pattern[:57] + "…"
        owner.error("PIA207", f"正規表現「{shown}」は使えません: {exc}", node, help=exc.hint)
