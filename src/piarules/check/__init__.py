"""Static checks of policy files against the form schema, before any document is read.

`check_policies` runs the passes in order and returns checked rules (elaborated, typed
expressions ready for the compiler) with all diagnostics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from piarules import ast
from piarules.check import logic
from piarules.check.context import Diagnostics, Env, FileDecls
from piarules.check.elaborate import Elaborator, check_regex
from piarules.diagnostics import Diagnostic, Severity, suggestion
from piarules.type_system import DATE, ListType, ObjectType, TextType, Type, UnknownType
from piarules.vocabulary import Vocabulary, standard_vocabulary
from piarules.walk import statement_exprs, walk

MISSING_PLACEHOLDER = "不足"


@dataclass
class CheckedScope:
    var: str
    collection: ast.Expr


@dataclass
class CheckedRequires:
    condition: ast.Expr
    target: ast.Ref
    matchers: tuple[str, ...]


@dataclass
class CheckedRule:
    """A rule whose expressions are resolved and typed; the compiler's only input."""

    rule: ast.Rule
    file: str
    policy: ast.PolicyHeader | None
    scopes: list[CheckedScope]
    when: ast.Expr | None
    require: ast.Expr | None
    requires: CheckedRequires | None
    message: list[str | ast.Expr]
    blame: ast.Ref | None
    as_of: ast.Expr | None
    period: tuple[dt.date | None, dt.date | None]
    severity: Severity = Severity.ERROR
    kinds: tuple[str, ...] = ()
    confidence: ast.Confidence = ast.Confidence.HIGH
    """How sure the rule is (its `confidence` statement; high when not written)."""
    reads: frozenset[str] = frozenset()
    """Form fields the rule reads (schema paths such as 特定個人情報ファイル[].委託.委託の有無)."""

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def references(self) -> tuple[str, ...]:
        own = self.rule.references
        return own or (self.policy.references if self.policy else ())


@dataclass
class CheckResult:
    rules: list[CheckedRule] = field(default_factory=list)
    matchers: dict[str, dict[str, ast.MatcherDef]] = field(default_factory=dict)
    synonyms: dict[str, dict[str, ast.SynonymsDef]] = field(default_factory=dict)
    imports: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per file, the names it `use`s and the file declaring each."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    vocabulary: Vocabulary = field(default_factory=standard_vocabulary)

    @property
    def ok(self) -> bool:
        return not any(d.severity == Severity.ERROR for d in self.diagnostics)


# ---------------------------------------------------------------- pass: names


def check_names(files: list[ast.PolicyFile], diags: Diagnostics, standard: Collection[str] = ()) -> dict[str, FileDecls]:
    """Rule ids unique across the set; vocabulary names unique within a file."""
    seen_rules: dict[str, ast.Rule] = {}
    decls: dict[str, FileDecls] = {}
    for policy in files:
        d = FileDecls(policy.path, standard_synonyms=standard)
        for kind, items, table in (("定数", policy.consts, d.consts), ("用語", policy.terms, d.terms),
                                   ("マッチャー", policy.matchers, d.matchers),
                                   ("同義語", policy.synonyms, d.synonyms)):
            for item in items:
                if item.name in table:
                    first = table[item.name].span
                    diags.add(Diagnostic("PIA203", f"{kind}「{item.name}」が重複しています", item.span,
                                         help=f"最初の定義: {first}"))
                table[item.name] = item  # type: ignore[assignment]
        for rule in policy.rules:
            if rule.id in seen_rules:
                diags.add(Diagnostic("PIA203", f"ルールID「{rule.id}」が重複しています", rule.id_span,
                                     help=f"最初の定義: {seen_rules[rule.id].id_span}"))
            else:
                seen_rules[rule.id] = rule
        d.policy_id = policy.header.id if policy.header else None
        decls[policy.path] = d
    for policy in files:
        resolve_uses(policy, decls, diags)
    return decls


_KINDS_OF_NAMES = (("定数", "consts"), ("用語", "terms"), ("マッチャー", "matchers"), ("同義語", "synonyms"))


def _declared(d: FileDecls) -> dict[str, tuple[str, object]]:
    """What a file declares itself (not what it uses), by name: (table, definition)."""
    return {name: (table, item) for _, table in _KINDS_OF_NAMES for name, item in getattr(d, table).items()
            if name not in d.imported}


def resolve_uses(policy: ast.PolicyFile, decls: dict[str, FileDecls], diags: Diagnostics) -> None:
    """`use P` / `use a, b from P`: the names policy P declares join this file's tables, each
    remembering the file that declares it. A name declared here, or the same name with two
    different definitions, is an error: a file never silently loses or swaps a definition."""
    d = decls[policy.path]
    by_policy: dict[str, list[FileDecls]] = {}
    for other in decls.values():
        if other.policy_id is not None:
            by_policy.setdefault(other.policy_id, []).append(other)
    own = {name for _, table in _KINDS_OF_NAMES for name in getattr(d, table)}
    for use in policy.uses:
        if use.policy == d.policy_id:
            diags.add(Diagnostic("PIA202", f"ポリシー「{use.policy}」はこのファイル自身です", use.policy_span,
                                 help="use は他のポリシーの名前を使うときに書きます"))
            continue
        sources = by_policy.get(use.policy)
        if not sources:
            standard = use.policy in _standard_policy_ids()
            hint = (f"「{use.policy}」は標準ポリシーです。--no-standard (または設定の standard = false) では読み込まれません"
                    if standard else suggestion(use.policy, by_policy) or "use の後には policy の ID (例: ENT) を書きます")
            diags.add(Diagnostic("PIA202", f"ポリシー「{use.policy}」は読み込んだポリシーにありません", use.policy_span,
                                 help=hint))
            d.unresolved.update(use.names)
            continue
        offered: dict[str, tuple[str, object, FileDecls]] = {}
        for source in sources:
            for name, (table, item) in _declared(source).items():
                offered.setdefault(name, (table, item, source))
        for name in use.names:
            if name not in offered:
                diags.add(Diagnostic("PIA202", f"ポリシー「{use.policy}」に「{name}」はありません", use.span,
                                     help=suggestion(name, offered) or "定数・用語・マッチャー・同義語の名前を書きます"))
        for name, (table, item, source) in offered.items():
            if use.names and name not in use.names:
                continue
            if name in own:
                kind = next(k for k, t in _KINDS_OF_NAMES if name in getattr(d, t))
                diags.add(Diagnostic("PIA203", f"{kind}「{name}」はこのファイルでも定義されています ({use.policy} のものと重複)",
                                     use.span, help="このファイルの名前を変えるか、use … from で使う名前を選んでください"))
                continue
            present = getattr(d, table).get(name)
            if present is not None and name in d.imported:
                if present != item:
                    first = d.imported[name].policy_id
                    diags.add(Diagnostic("PIA203", f"「{name}」が {first} と {use.policy} で違う定義です", use.span,
                                         help=f"use 名前 from {first} のように、使う名前を選んでください"))
                continue
            getattr(d, table)[name] = item
            d.imported[name] = source.origin(name)


# ---------------------------------------------------------------- pass: matchers


def check_matchers(decls: FileDecls, diags: Diagnostics) -> None:
    """Matcher references resolve, regexes compile, no matcher refers to itself (matchers a file
    `use`s are checked in the file that declares them)."""
    owner = Elaborator(Env(decls, ObjectType()), diags)

    def walk(node: ast.Matcher, trail: tuple[str, ...]) -> None:
        match node:
            case ast.MatchRef(name=name):
                if name in trail:
                    diags.add(Diagnostic("PIA210", f"マッチャー「{name}」の定義が自分自身を参照しています", node.span))
                elif name not in decls.matchers:
                    owner.matcher_name(name, node)
                else:
                    walk(decls.matchers[name].body, (*trail, name))
            case ast.MatchRegex(pattern=pattern):
                check_regex(pattern, node, owner)
            case ast.MatchBool(operands=operands):
                for o in operands:
                    walk(o, trail)
            case ast.MatchPhrase(spec=spec):
                owner.phrase_spec(spec)
            case ast.MatchText():
                pass

    for definition in decls.matchers.values():
        if definition.name not in decls.imported:
            walk(definition.body, (definition.name,))


# ---------------------------------------------------------------- pass: rules


def _fold_date(expr: ast.Expr | None, el: Elaborator) -> dt.date | None:
    """Period bounds must be dates known before any document is read (literals or consts)."""
    if expr is None:
        return None
    diags = el.diags
    expr, _ = el.expr(expr)
    if isinstance(expr, ast.Literal) and isinstance(expr.value, dt.date):
        return expr.value
    diags.add(Diagnostic("PIA103", "有効期間には日付 (例: 令和3年9月1日, 2021-09-01) を書いてください", expr.span))
    return None


def _period(rule: ast.Rule, policy: ast.PolicyHeader | None, el: Elaborator) -> tuple[dt.date | None, dt.date | None]:
    period = rule.period or (policy.period if policy else None)
    if period is None:
        return (None, None)
    start, end = _fold_date(period.start, el), _fold_date(period.end, el)
    if start and end and start > end:
        el.diags.add(Diagnostic("PIA211", f"有効期間の開始 {start} が終了 {end} より後です", period.span))
    return (start, end)


def _template(rule: ast.Rule, el: Elaborator, allow_missing: bool) -> list[str | ast.Expr]:
    """Check the message's placeholders (errors at their own place in the message);
    {不足} names the unmet matchers of a `requires`. No message: the title."""
    parts: list[str | ast.Expr] = []
    for part in rule.message_parts or (rule.title,):
        if isinstance(part, str):
            parts.append(part)
        elif allow_missing and part == ast.Path((MISSING_PLACEHOLDER,)):
            parts.append(ast.Literal(MISSING_PLACEHOLDER))
        else:
            parts.append(el.expr(part)[0])
    return parts


def first_ref(node: ast.Expr | None) -> ast.Ref | None:
    """The first resolved path in an expression: the default place a finding points at."""
    if node is None:
        return None
    return next((n for n in walk(node, into_quantifier_bodies=False)
                 if isinstance(n, ast.Ref) and n.base in ("root", "var")), None)


def rule_kinds(rule: ast.Rule, policy: ast.PolicyHeader | None, diags: Diagnostics) -> tuple[str, ...]:
    """The form kinds a rule applies to (rule's own `applies to`, else the policy's, else all)."""
    from piarules.schema import KINDS  # the form models: checking only (a checked set read back needs none)

    kinds = rule.kinds or (policy.kinds if policy else ())
    for kind in kinds:
        if kind not in KINDS:
            diags.add(Diagnostic("PIA214", f"「{kind}」は評価書の種類ではありません", rule.id_span,
                                 help=suggestion(kind, KINDS)))
    return tuple(k for k in kinds if k in KINDS)


def check_rule(rule: ast.Rule, decls: FileDecls, policy: ast.PolicyHeader | None,
               diags: Diagnostics) -> CheckedRule:
    """Resolve and type every expression of one rule in its scope chain."""
    from piarules.schema import document_type

    kinds = rule_kinds(rule, policy, diags)
    el = Elaborator(Env(decls, document_type(kinds)), diags)
    scopes = []
    for scope in rule.scopes:
        el.resolved_path = None
        collection, ct = el.expr(scope.collection)
        if not isinstance(ct, ListType | UnknownType):
            diags.add(Diagnostic("PIA204", f"for each の対象はリストでなければなりませんが、{ct.name_ja()}です",
                                 scope.collection.span))
        items_at = f"{el.resolved_path}[]" if el.resolved_path and isinstance(collection, ast.Ref) else None
        el.push(scope.var, ct.item if isinstance(ct, ListType) else ct, items_at, scope.collection)
        scopes.append(CheckedScope(scope.var, collection))
    when = el.condition(rule.when) if rule.when else None
    require = el.condition(rule.require) if rule.require else None
    requires = None
    if rule.requires:
        condition = el.condition(rule.requires.condition)
        target, tt = el.expr(rule.requires.target)
        if not isinstance(tt, TextType | UnknownType):
            diags.add(Diagnostic("PIA204", f"requires … with の項目は文字列でなければなりませんが、{tt.name_ja()}です",
                                 rule.requires.target.span))
        for m in rule.requires.matchers:
            el.matcher_name(m.name, m)
        if isinstance(target, ast.Ref):
            requires = CheckedRequires(condition, target, tuple(m.name for m in rule.requires.matchers))
        else:  # a term naming a computed value: nothing in the document to point the finding at
            diags.add(Diagnostic("PIA204", "requires の後には項目名 (またはそれを指す用語) を書いてください",
                                 rule.requires.target.span, help="計算した値を調べるには require … matches … を使います"))
    if require is None and requires is None and rule.requires is None:  # (a broken requires has its error)
        diags.add(Diagnostic("PIA205", f"ルール {rule.id} に require (または requires) がないため、何も検査しません",
                             rule.id_span))
    _check_logic(rule, when, require, requires, kinds, el.types, diags)
    as_of = None
    if rule.as_of is not None:
        as_of, at = el.expr(rule.as_of)
        if at not in (DATE,) and not isinstance(at, UnknownType):
            diags.add(Diagnostic("PIA204", f"as of には日付が必要ですが、{at.name_ja()}です", rule.as_of.span))
    message = _template(rule, el, requires is not None)
    blame = None
    if rule.at is not None:
        ref, _ = el.expr(rule.at)
        blame = ref if isinstance(ref, ast.Ref) else None
    else:
        blame = requires.target if requires else first_ref(require) or first_ref(when)
    return CheckedRule(rule, decls.path, policy, scopes, when, require, requires, message, blame, as_of,
                       _period(rule, policy, el), severity=rule.severity or Severity.ERROR, kinds=kinds,
                       reads=frozenset(el.env.reads), confidence=rule.confidence or ast.Confidence.HIGH)


def _phrase_nodes(policy: ast.PolicyFile) -> Iterable[object]:
    """Phrase tests and phrase matchers of a file (to load the synonym table only when used)."""
    for matcher in policy.matchers:
        stack: list[ast.Matcher] = [matcher.body]
        while stack:
            node = stack.pop()
            yield node
            if isinstance(node, ast.MatchBool):
                stack.extend(node.operands)
    for rule in policy.rules:
        for stmt in rule.body:
            for expr in statement_exprs(stmt):
                yield from walk(expr)
    for term in policy.terms:
        yield from walk(term.body)
    for const in policy.consts:
        yield from walk(const.value)


def _check_logic(rule: ast.Rule, when: ast.Expr | None, require: ast.Expr | None, requires: CheckedRequires | None,
                 kinds: tuple[str, ...], types: dict[logic.Key, Type], diags: Diagnostics) -> None:
    """The logic passes (check/logic.py), on the elaborated conditions; they need resolved paths."""
    if diags.has_errors:
        return  # after an error, the elaborated conditions may hold placeholders
    requirement = requires.condition if requires else None
    logic.check_constant_conditions(rule.id, rule.id_span, when, require, diags, scoped=bool(rule.scopes))
    logic.check_contradictions(rule.id, rule.id_span, when, require, requirement, kinds, types, diags)
    logic.check_absent_values(when, require, diags)


# ---------------------------------------------------------------- the passes, in order


def check_policies(files: Iterable[ast.PolicyFile], vocabulary: Vocabulary | None = None) -> CheckResult:
    """Run every pass over a policy set; rules are usable only when `result.ok`."""
    files = list(files)
    diags = Diagnostics()
    vocabulary = vocabulary or standard_vocabulary()
    uses_standard = any(isinstance(n, ast.MatchPhrase | ast.PhraseTest) for p in files for n in _phrase_nodes(p))
    standard = tuple(vocabulary.synonyms) if uses_standard else ()
    decls = check_names(files, diags, standard)  # pass 1: names (everything below resolves through it)
    result = CheckResult(vocabulary=vocabulary)
    for policy in files:
        check_matchers(decls[policy.path], diags)  # pass 2: matcher definitions
        result.matchers[policy.path] = decls[policy.path].matchers
        result.imports[policy.path] = {name: origin.path for name, origin in decls[policy.path].imported.items()}
        result.synonyms[policy.path] = decls[policy.path].synonyms
        for rule in policy.rules:  # pass 3: rules (resolve, type, elaborate)
            result.rules.append(check_rule(rule, decls[policy.path], policy.header, diags))
    result.diagnostics = diags.finish()
    return result


def _standard_policy_ids() -> frozenset[str]:
    """The ids of the bundled policies (`policy ENT "…"` heads), for the hint of a `use` that
    names one while the standard library is switched off."""
    import re

    from piarules.api import bundled_policy_dir

    ids = set()
    for path in bundled_policy_dir().glob("*.pia"):
        m = re.search(r"^policy\s+(\S+)", path.read_text(encoding="utf-8"), re.MULTILINE)
        if m:
            ids.add(m[1])
    return frozenset(ids)
