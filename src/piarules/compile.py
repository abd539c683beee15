"""Checked rules → Python closures, built once per policy set.

Evaluation over many documents never re-walks the AST: each expression becomes a
`Callable[[RunEnv], Any]`, each path a getter with its fields bound.

Three-valued logic: a value the document has but the form model cannot read is an `Unreadable`
(values.py). Every closure passes it on as "unknown" (a comparison with it is unknown; `and`,
`or`, `not` and the quantifiers follow Kleene logic); evaluate.py turns an unknown verdict into
a "could not check" finding. The test is `x.__class__ is Unreadable`: one pointer compare on
the hot path.

codegen.py writes the same semantics out as generated Python (used from a rule's second
document on): a change to a closure here is made there too.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, assert_never

from piarules import ast
from piarules.builtins import REGISTRY
from piarules.check import MISSING_PLACEHOLDER, CheckedRule, CheckResult, first_ref
from piarules.document.source_map import DocPath
from piarules.jpvalues import compact_text, normalize_text, normalized_utf8
from piarules.regex import bytes_searcher, prefiltered, searcher
from piarules.runtime import Fn, RunEnv, TextFn, follow, nz
from piarules.values import MISSING, Unreadable, display, is_empty, is_missing, shift_date
from piarules.vocabulary import Vocabulary, standard_vocabulary
from piarules.walk import walk


@dataclass
class Context:
    """What the closures of one policy file refer to: its compiled matchers and the vocabulary
    (synonym sets, statutes, law timeline)."""

    matchers: dict[str, TextFn]
    vocabulary: Vocabulary
    others: dict[str, Context] = field(default_factory=dict)
    """Every file's context, by path (a matcher test names the file whose matchers hold it)."""
    defs: dict[str, ast.Matcher] = field(default_factory=dict)
    """The file's own matchers as written (codegen writes a regex or contains matcher inline)."""


@dataclass
class CompiledRule:
    checked: CheckedRule
    scopes: list[tuple[Fn, Callable[[RunEnv], DocPath | None]]]
    when: Fn | None
    require: Fn | None
    requires: tuple[Fn, Fn, list[tuple[str, str, TextFn]]] | None
    message: Callable[[RunEnv, list[str]], str]
    blame: Callable[[RunEnv], DocPath | None]
    as_of: Fn | None
    require_parts: list[tuple[Fn, Callable[[RunEnv], DocPath | None]]] | None = None
    """For `require A and B …` without `at`: each conjunct with its place, to blame the first that fails."""
    runner: Any = None
    """The rule's loop closure, built by evaluate.build_runner on first use."""
    when_outside_loops: bool = False
    """The `when` reads no `for each` variable (nor a per-item date): test it once, before the loops."""
    context: Context | None = None
    """The file's matchers and vocabulary (explain compiles sub-expressions with it)."""
    as_of_depth: int = 0
    """How many `for each` scopes must be bound before the judging date can be computed (the
    date is set there, so the collections of deeper scopes already see it)."""
    runs: int = 0
    """Documents the rule has run on (evaluate builds its generated code after GENERATE_AFTER)."""
    dateless_after_date: bool = False
    """The collection of the scope just inside the judging date does not read 基準日: an empty
    one can be seen before the date is computed (evaluate.py skips the item then)."""
    may_match: tuple[int, Fn] | None = None
    """(depth, test) for `for each 文 in sentences(T)` at `depth` with a `when` conjunct `文
    mentions|states|denies P`: test(env) false means no sentence of T can hold P, so the item
    of the scope above is skipped before T is cut (evaluate._unless_false)."""
    guard: Fn | None = None
    """The leading conjuncts of `when A and B(item) …` that read no `for each` variable (nor a
    per-item date): false for the document, the rule does not apply to it and its loops are not
    run (健康保険の事務 in a 住民基本台帳 document: no text is cut into sentences)."""

    @property
    def dated(self) -> bool:
        """Judged by its own date (`as of`) or limited to a period: the date is computed per item."""
        start, end = self.checked.period
        return self.as_of is not None or start is not None or end is not None


def compile_ref(ref: ast.Ref) -> Fn:
    fields = ref.fields
    if ref.base == "as_of":
        return lambda env: env.as_of
    if ref.base == "texts":
        return lambda env: env.texts()
    if ref.base == "set":  # another document of the set: fields[0] is its kind
        kind, rest = fields[0], fields[1:]
        return lambda env: follow(env.companions.get(kind, MISSING), rest)  # type: ignore[arg-type]
    if ref.base == "root":
        if len(fields) == 1:
            key = fields[0]
            return lambda env: nz(env.root.get(key, MISSING))  # type: ignore[arg-type]
        return lambda env: follow(env.root, fields)
    slot = ref.slot
    if not fields:
        return lambda env: env.values[slot]
    if len(fields) == 1 and isinstance(fields[0], str):
        key = fields[0]
        def field(env: RunEnv) -> Any:  # the hottest closure: one field of a loop item
            v = env.values[slot]
            if v.__class__ is dict:
                x = v.get(key)
                return MISSING if x is None else x
            if isinstance(v, dict):
                return nz(v.get(key, MISSING))
            return v if v.__class__ is Unreadable else MISSING

        return field
    return lambda env: follow(env.values[slot], fields)


def locate_ref(ref: ast.Ref | None) -> Callable[[RunEnv], DocPath | None]:
    """A closure giving the document path a Ref points at (for finding locations)."""
    if ref is None or ref.base in ("as_of", "set", "texts"):  # no place in this document
        return lambda env: None
    fields = ref.fields
    if ref.base == "root":
        return lambda env: fields
    slot = ref.slot
    return lambda env: None if (base := env.place(slot)) is None else base + fields


# ---------------------------------------------------------------- expressions

_CMP = {
    ast.CmpOp.EQ: operator.eq, ast.CmpOp.NE: operator.ne, ast.CmpOp.LT: operator.lt,
    ast.CmpOp.LE: operator.le, ast.CmpOp.GT: operator.gt, ast.CmpOp.GE: operator.ge,
}


def _equal_text(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a == b or compact_text(a) == compact_text(b)
    return bool(a == b)


def compile_compare(node: ast.Compare, m: Context) -> Fn:
    left, right = compile_expr(node.left, m), compile_expr(node.right, m)
    if node.op in (ast.CmpOp.EQ, ast.CmpOp.NE):
        negate = node.op is ast.CmpOp.NE

        def equality(env: RunEnv) -> Any:
            a, b = left(env), right(env)
            if a.__class__ is Unreadable:
                return a
            if b.__class__ is Unreadable:
                return b
            if a is MISSING or b is MISSING:
                return False
            return _equal_text(a, b) != negate

        return equality
    op = _CMP[node.op]

    def ordering(env: RunEnv) -> Any:
        a, b = left(env), right(env)
        if a.__class__ is Unreadable:
            return a
        if b.__class__ is Unreadable:
            return b
        if a is MISSING or b is MISSING:
            return False
        try:
            return bool(op(a, b))
        except TypeError:
            return False

    return ordering


def compile_membership(node: ast.Membership, m: Context) -> Fn:
    item = compile_expr(node.item, m)
    negated = node.negated
    if isinstance(node.container, ast.ListExpr) and all(isinstance(i, ast.Literal) for i in node.container.items):
        values = [i.value for i in node.container.items]  # type: ignore[union-attr]
        texts = frozenset(compact_text(v) for v in values if isinstance(v, str))
        others = [v for v in values if not isinstance(v, str)]

        def in_literals(env: RunEnv) -> Any:
            v = item(env)
            if v.__class__ is Unreadable:
                return v
            if v is MISSING:
                return False
            found = compact_text(v) in texts if isinstance(v, str) else v in others
            return found != negated

        return in_literals
    container = compile_expr(node.container, m)

    def in_list(env: RunEnv) -> Any:
        v, pool = item(env), container(env)
        if v.__class__ is Unreadable:
            return v
        if pool.__class__ is Unreadable:
            return pool
        if v is MISSING or not isinstance(pool, list):
            return False
        if any(p.__class__ is not Unreadable and _equal_text(v, p) for p in pool):
            return not negated
        return next((p for p in pool if p.__class__ is Unreadable), negated)  # not found among the known

    return in_list


def text_predicate(op: ast.TextOp, needles: list[str]) -> TextFn:
    """contains / contains any / contains all over whitespace-insensitive normalised text."""
    folded = [compact_text(n) for n in needles]
    if op is ast.TextOp.CONTAINS_ALL:
        return lambda text: all(n in compact_text(text) for n in folded)
    return lambda text: any(n in compact_text(text) for n in folded)


def regex_predicate(pattern: str) -> TextFn:
    """`matches` over the normalised text (RE2: linear time; the checker already rejected what it
    cannot run), on its UTF-8 form cached per text: a text tested by many patterns is encoded once."""
    found = bytes_searcher(pattern)
    if found is None:
        fallback = searcher(pattern)
        return lambda text: fallback(normalize_text(text))
    return prefiltered(pattern, lambda text: found(normalized_utf8(text)), normalize_text)


def phrase_pattern(spec: ast.PhraseSpec, vocabulary: Vocabulary, local: dict[str, ast.SynonymsDef]) -> Any:
    """A checked phrase spec → the prose engine's pattern (a synonym set or a co-occurrence)."""
    from piarules.prose import CoOccurrence, Scope

    sets = tuple(_synonym_set(p, vocabulary, local) for p in spec.parts)
    if not spec.together:
        return sets[0]
    return CoOccurrence(sets, Scope.CLAUSE if spec.scope == "clause" else Scope.SENTENCE)


def _synonym_set(phrase: ast.Phrase, vocabulary: Vocabulary, local: dict[str, ast.SynonymsDef]) -> Any:
    from piarules.prose import SynonymSet

    if phrase.terms:
        return SynonymSet.of(*phrase.terms, name=phrase.name, exclude=phrase.exclude)
    assert phrase.name is not None  # INVARIANT: a phrase has terms or a name (syntax/to_ast.py)
    if phrase.name in local:
        d = local[phrase.name]
        return SynonymSet.of(*d.terms, name=d.name, exclude=d.exclude)
    return vocabulary.synonyms[phrase.name]


def phrase_predicate(op: ast.PhraseOp, pattern: Any) -> TextFn:
    """mentions / states / denies over one text (cached per text by the prose engine)."""
    from piarules.prose import denies, matches, states

    if op is ast.PhraseOp.STATES:
        return lambda text: states(text, pattern)
    if op is ast.PhraseOp.DENIES:
        return lambda text: denies(text, pattern)
    return lambda text: matches(text, pattern)


def on_text(subject: Fn, test: TextFn) -> Fn:
    """A test of a text value: false for a value that is not text, unknown for an unreadable one."""

    def tested(env: RunEnv) -> Any:
        s = subject(env)
        if isinstance(s, str):
            return test(s)
        return s if s.__class__ is Unreadable else False

    return tested


def compile_text_test(node: ast.TextTest, m: Context) -> Fn:
    subject = compile_expr(node.subject, m)
    if (needles := literal_strings(node.needle)) is not None:
        return on_text(subject, text_predicate(node.op, needles))
    needle = compile_expr(node.needle, m)

    def dynamic(env: RunEnv) -> Any:
        s, n = subject(env), needle(env)
        if s.__class__ is Unreadable:
            return s
        if n.__class__ is Unreadable:
            return n
        if not isinstance(s, str) or n is MISSING:
            return False
        return text_predicate(node.op, [str(x) for x in (n if isinstance(n, list) else [n])])(s)

    return dynamic


def literal_strings(node: ast.Expr) -> list[str] | None:
    """The strings of a text literal or a list of text literals; None for anything else."""
    if isinstance(node, ast.Literal) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.ListExpr) and all(isinstance(i, ast.Literal) and isinstance(i.value, str) for i in node.items):
        return [i.value for i in node.items]  # type: ignore[union-attr,misc]
    return None


def compile_presence(node: ast.Presence, m: Context) -> Fn:
    subject = compile_expr(node.subject, m)
    match node.op:
        case ast.PresenceOp.PRESENT:
            return lambda env: not is_missing(subject(env))
        case ast.PresenceOp.ABSENT:
            return lambda env: is_missing(subject(env))
        case ast.PresenceOp.EMPTY:
            return lambda env: is_empty(subject(env))
        case ast.PresenceOp.NOT_EMPTY:
            return lambda env: not is_empty(subject(env))
        case _:
            assert_never(node.op)


def compile_arith(node: ast.Arith, m: Context) -> Fn:
    left = compile_expr(node.left, m)
    sign = 1 if node.op == "+" else -1
    if isinstance(node.right, ast.Duration):
        amount, unit = node.right.amount * sign, node.right.unit
        return lambda env: (shift_date(d, amount, unit) if isinstance(d := left(env), dt.date)
                            else d if d.__class__ is Unreadable else MISSING)
    right = compile_expr(node.right, m)

    def numbers(env: RunEnv) -> Any:
        a, b = left(env), right(env)
        if a.__class__ is Unreadable:
            return a
        if b.__class__ is Unreadable:
            return b
        if not isinstance(a, int | float) or not isinstance(b, int | float):
            return MISSING
        return a + sign * b

    return numbers


Part = Callable[[ast.Expr, "Context"], Fn]


def compile_quantifier(node: ast.Quantifier, m: Context, part: Part | None = None) -> Fn:
    """any / all / count over a list, in Kleene logic: `any` is true if some item is true, else
    unknown if some item is unknown; `all` dually; a count with an unknown item is unknown.
    `part` compiles the body and the look-back's filters (codegen passes its generator)."""
    part = part or compile_expr
    collection = compile_expr(node.collection, m)
    body = part(node.body, m)
    slot = node.slot
    assert slot is not None  # INVARIANT: the checker assigns every quantifier a slot
    decisive = node.kind == "any"  # the verdict that ends the loop (any: a true item, all: a false one)
    counting = node.kind == "count"

    items: Fn = collection
    if node.kind != "all" and INDEXED_LOOKBACKS and (pruned := _candidates(node, collection, m, part)) is not None:
        items = pruned  # the same items but those that cannot satisfy the body

    def quantified(env: RunEnv) -> Any:
        values = items(env)
        if values.__class__ is Unreadable:
            return values
        unknown, total = None, 0
        for item in values if isinstance(values, list) else ():
            env.values[slot] = item
            verdict = body(env)
            if verdict.__class__ is Unreadable:
                if unknown is None:
                    unknown = verdict
            elif counting:
                total += 1 if verdict else 0
            elif bool(verdict) is decisive:
                return decisive
        if unknown is not None:
            return unknown
        return total if counting else not decisive

    return quantified


# ---------------------------------------------------------------- indexed look-backs
#
# `for each 行 in 変更箇所 … any 記録 in 変更箇所 satisfies …` looks at every row for every row:
# quadratic in the change log. When the quantified collection is the same list for the whole
# document, the conjuncts of the body that do not read the outer items are evaluated once per
# document (a filter), and an equality between the item and an outer value becomes a hash
# lookup. The body is still evaluated, whole, on each remaining candidate, in list order: only
# items that cannot satisfy it are skipped, so `any` and `count` give what they gave before.
# An item whose filter or key is unknown (an unreadable value) is always a candidate: its verdict
# is the body's, unknown or not.


def _reads_outside(node: ast.Expr, own: set[int]) -> bool:
    """Whether an expression reads the judging date or a variable other than `own` (and the
    quantifiers' own variables inside it)."""
    inner = own | {n.slot for n in walk(node) if isinstance(n, ast.Quantifier) and n.slot is not None}
    return any(isinstance(n, ast.Ref) and (n.base == "as_of" or (n.base == "var" and n.slot not in inner))
               for n in walk(node))


def _reads_slot(node: ast.Expr, slot: int) -> bool:
    return any(isinstance(n, ast.Ref) and n.base == "var" and n.slot == slot for n in walk(node))


_UNHASHABLE = object()
INDEXED_LOOKBACKS = True
"""Prune and index document-fixed quantifiers (off only in the test that compares both ways)."""


def _index_key(value: Any) -> Any:
    """A hashable key under which values equal by `==` of the language (compile_compare) meet."""
    if value is MISSING:
        return MISSING
    if isinstance(value, str):
        return ("s", compact_text(value))
    try:
        hash(value)
    except TypeError:
        return _UNHASHABLE
    return ("v", value)


def _family(value: Any) -> type | None:
    """Values an ordering index can sort and bisect: dates, or numbers (not booleans)."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return dt.date
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float
    return None


_FLIP = {ast.CmpOp.LT: ast.CmpOp.GT, ast.CmpOp.LE: ast.CmpOp.GE, ast.CmpOp.GT: ast.CmpOp.LT, ast.CmpOp.GE: ast.CmpOp.LE,
         ast.CmpOp.EQ: ast.CmpOp.EQ}


def _keyed(conjuncts: tuple[ast.Expr, ...], slot: int) -> tuple[ast.CmpOp, ast.Expr, ast.Expr] | None:
    """The first `item-side OP outer-side` comparison (==, <, <=, >, >=) among the conjuncts, as
    (op with the item on the left, item side, outer side)."""
    for c in conjuncts:
        if not isinstance(c, ast.Compare) or c.op not in _FLIP:
            continue
        for op, item, outer in ((c.op, c.left, c.right), (_FLIP[c.op], c.right, c.left)):
            if not _reads_outside(item, {slot}) and _reads_slot(item, slot) and not _reads_slot(outer, slot):
                return op, item, outer
    return None


@dataclass
class _Prepared:
    """A quantified list's candidates for one document: those passing the item-only conjuncts,
    hashed by the keyed equality, or sorted by the keyed ordering's item side."""

    items: list[Any]
    kept: list[Any]
    filtered: list[Any]
    """The items passing the item-only conjuncts, in list order (kept may be re-sorted)."""
    unknown: list[Any] = field(default_factory=list)
    """Items whose key is unreadable: candidates whatever the outer value."""
    hashed: dict[Any, list[Any]] | None = None
    keys: list[Any] | None = None
    family: type | None = None


def _candidates(node: ast.Quantifier, collection: Fn, m: Context, part: Part) -> Fn | None:
    """`items` for an `any` / `count` whose collection is fixed for the document, pruned by the
    body's item-only conjuncts and narrowed by an `item.x OP outer` conjunct (a hash lookup for
    ==, a bisection of the sorted items for <, <=, >, >=); None when neither applies. The order
    of the candidates may differ from the list's: `any` and `count` of a pure body do not
    depend on it."""
    slot = node.slot
    assert slot is not None  # INVARIANT: the checker assigns every quantifier a slot
    if _reads_outside(node.collection, set()) or any(isinstance(n, ast.Ref) and n.base == "var" for n in walk(node.collection)):
        return None
    conjuncts = _conjuncts(node.body)
    fixed = [c for c in conjuncts if not _reads_outside(c, {slot})]
    keyed = _keyed(conjuncts, slot)
    if not fixed and keyed is None:
        return None
    keep = part(_conjunction(fixed), m) if fixed else None
    op = keyed[0] if keyed else None
    item_key, outer_key = (part(keyed[1], m), part(keyed[2], m)) if keyed else (None, None)
    memo_key = object()

    def prepare(env: RunEnv, items: list[Any]) -> _Prepared:
        values = env.values
        saved = values[slot]
        kept = []
        for item in items:
            values[slot] = item
            if keep is None or (verdict := keep(env)).__class__ is Unreadable or verdict:
                kept.append(item)
        out = _Prepared(items, kept, kept)
        if item_key is not None:
            keyed_items = []
            for item in kept:
                values[slot] = item
                key = item_key(env)
                if key.__class__ is Unreadable:
                    out.unknown.append(item)
                else:
                    keyed_items.append((key, item))
            if op is ast.CmpOp.EQ:
                out.hashed = _hash_index(keyed_items)
            else:
                _sort_index(out, keyed_items)
        values[slot] = saved
        return out

    def candidates(env: RunEnv) -> Any:
        items = collection(env)
        if not isinstance(items, list):
            return items if items.__class__ is Unreadable else []
        prepared = env.memo.get(memo_key)
        if prepared is None or prepared.items is not items:
            prepared = env.memo[memo_key] = prepare(env, items)
        if prepared.hashed is None and prepared.keys is None:
            return prepared.kept
        assert outer_key is not None  # INVARIANT: an index is built only with its key
        outer = outer_key(env)
        if outer.__class__ is Unreadable:
            return prepared.filtered  # every item's verdict is the body's (unknown or false)
        if outer is MISSING:
            return []
        if prepared.hashed is not None:
            k = _index_key(outer)
            if k is _UNHASHABLE:
                return prepared.filtered
            found = prepared.hashed.get(k, [])
        else:
            found = _bisect(prepared, op, outer)
        return found + prepared.unknown if prepared.unknown else found

    return candidates


def _hash_index(keyed_items: list[tuple[Any, Any]]) -> dict[Any, list[Any]] | None:
    index: dict[Any, list[Any]] = {}
    for value, item in keyed_items:
        k = _index_key(value)
        if k is _UNHASHABLE:
            return None
        if k is not MISSING:
            index.setdefault(k, []).append(item)
    return index


def _sort_index(out: _Prepared, keyed_items: list[tuple[Any, Any]]) -> None:
    """Sort the kept items by their key when every key is of one family (else no index): an
    item whose key is missing can never satisfy the comparison and is left out."""
    present = [(v, item) for v, item in keyed_items if v is not MISSING]
    families = {_family(v) for v, _ in present}
    if len(families) != 1 or None in families:
        return
    present.sort(key=lambda pair: pair[0])
    out.family = families.pop()
    out.keys = [v for v, _ in present]
    out.kept = [item for _, item in present]


def _bisect(prepared: _Prepared, op: ast.CmpOp | None, outer: Any) -> list[Any]:
    assert prepared.keys is not None  # INVARIANT: called with a sorted index only
    if _family(outer) is not prepared.family:
        return prepared.kept  # not comparable as the index is: let the body decide, item by item
    keys, kept = prepared.keys, prepared.kept
    if op is ast.CmpOp.GT:
        return kept[bisect.bisect_right(keys, outer):]
    if op is ast.CmpOp.GE:
        return kept[bisect.bisect_left(keys, outer):]
    if op is ast.CmpOp.LT:
        return kept[:bisect.bisect_left(keys, outer)]
    return kept[:bisect.bisect_right(keys, outer)]


RAW_TEXT_BUILTINS = frozenset({"text", "length"})
"""Built-ins that read a value as written: for an unreadable value, its text (known)."""


def compile_call(node: ast.Call, m: Context) -> Fn:
    """A built-in call; an unreadable argument makes the result unknown (the built-ins never see
    one), except for the built-ins that read the text as written."""
    builtin = REGISTRY[node.func]
    impl = builtin.impl
    if builtin.needs_vocabulary:
        impl = functools.partial(impl, m.vocabulary)
    args = [compile_expr(a, m) for a in node.args]
    if node.func in RAW_TEXT_BUILTINS:
        return lambda env: impl(*[x.text if (x := f(env)).__class__ is Unreadable else x for f in args])
    match args:  # fixed arities avoid building a list per call
        case [a]:
            return lambda env: x if (x := a(env)).__class__ is Unreadable else impl(x)
        case [a, b]:
            def call2(env: RunEnv) -> Any:
                x, y = a(env), b(env)
                if x.__class__ is Unreadable:
                    return x
                return y if y.__class__ is Unreadable else impl(x, y)

            return call2

    def call(env: RunEnv) -> Any:
        values = [f(env) for f in args]
        unknown = next((v for v in values if v.__class__ is Unreadable), None)
        return unknown if unknown is not None else impl(*values)

    return call


def compile_boolop(op: str, fns: list[Fn]) -> Fn:
    """Short-circuit and/or in Kleene logic: `and` is false if any operand is false, else unknown
    if any is unknown, else true (`or` dually). Two operands get a closure without a loop."""
    decisive = op == "or"  # the value that decides at once: or → true, and → false
    if len(fns) == 2:
        a, b = fns

        def pair(env: RunEnv) -> Any:
            x = a(env)
            if x.__class__ is Unreadable:
                y = b(env)
                return decisive if y.__class__ is not Unreadable and bool(y) is decisive else x
            if bool(x) is decisive:
                return decisive
            y = b(env)
            return y if y.__class__ is Unreadable else bool(y)

        return pair

    def many(env: RunEnv) -> Any:
        unknown = None
        for f in fns:
            x = f(env)
            if x.__class__ is Unreadable:
                if unknown is None:
                    unknown = x
            elif bool(x) is decisive:
                return decisive
        return (not decisive) if unknown is None else unknown

    return many


def compile_expr(node: ast.Expr, m: Context) -> Fn:
    """One match over node kinds, building closures."""
    match node:
        case ast.Ref():
            return compile_ref(node)
        case ast.Literal(value=value):
            return lambda env: value
        case ast.Duration():
            return lambda env: node
        case ast.ListExpr(items=items):
            fns = [compile_expr(i, m) for i in items]
            return lambda env: [f(env) for f in fns]
        case ast.Not(operand=ast.RegexTest(subject=ast.Ref(base="var", fields=(), slot=slot), pattern=pattern)):
            test = regex_predicate(pattern)  # fused with the loop variable's read: one closure
            return lambda env: (not test(s) if isinstance(s := env.values[slot], str)
                                else s if s.__class__ is Unreadable else True)
        case ast.Not(operand=ast.RegexTest(subject=subject, pattern=pattern)):
            fn, test = compile_expr(subject, m), regex_predicate(pattern)  # fused: one closure
            return lambda env: (not test(s) if isinstance(s := fn(env), str)
                                else s if s.__class__ is Unreadable else True)
        case ast.Not(operand=operand):
            fn = compile_expr(operand, m)
            return lambda env: x if (x := fn(env)).__class__ is Unreadable else not x
        case ast.BoolOp(op=op, operands=operands):
            return compile_boolop(op, [compile_expr(o, m) for o in operands])
        case ast.Compare():
            return compile_compare(node, m)
        case ast.Membership():
            return compile_membership(node, m)
        case ast.TextTest():
            return compile_text_test(node, m)
        case ast.RegexTest(subject=subject, pattern=pattern):
            return on_text(compile_expr(subject, m), regex_predicate(pattern))
        case ast.PhraseTest(op=op, subject=subject, spec=spec):
            return on_text(compile_expr(subject, m), phrase_predicate(op, phrase_pattern(spec, m.vocabulary, {})))
        case ast.MatcherTest(subject=subject, matcher=name, file=file):
            return on_text(compile_expr(subject, m), m.others.get(file or "", m).matchers[name])
        case ast.Presence():
            return compile_presence(node, m)
        case ast.Arith():
            return compile_arith(node, m)
        case ast.Call():
            return compile_call(node, m)
        case ast.Quantifier():
            return compile_quantifier(node, m)
        case ast.Member(base=base, fields=fields):
            fn = compile_expr(base, m)
            return lambda env: follow(fn(env), fields)
        case ast.Path():
            raise AssertionError("unresolved Path reached the compiler; the checker must resolve it")
        case _:
            assert_never(node)


# ---------------------------------------------------------------- matchers


def compile_matchers(defs: dict[str, ast.MatcherDef], vocabulary: Vocabulary | None = None,
                     synonyms: dict[str, ast.SynonymsDef] | None = None, imports: dict[str, str] | None = None,
                     others: dict[str, Context] | None = None) -> Context:
    """Build every matcher of one file; references resolve lazily through the table. A matcher
    the file `use`s (`imports`: name → declaring file) runs as built in its own file."""
    table: dict[str, TextFn] = {}
    context = Context(table, vocabulary or standard_vocabulary(), others if others is not None else {})

    def build(node: ast.Matcher) -> TextFn:
        match node:
            case ast.MatchText(op=op, needles=needles):
                return text_predicate(op, list(needles))
            case ast.MatchRegex(pattern=pattern):
                return regex_predicate(pattern)
            case ast.MatchRef(name=name):
                return lambda text: table[name](text)
            case ast.MatchPhrase(op=op, spec=spec):
                return phrase_predicate(op, phrase_pattern(spec, context.vocabulary, synonyms or {}))
            case ast.MatchBool(op="and", operands=ops):
                fns = [build(o) for o in ops]
                return lambda text: all(f(text) for f in fns)
            case ast.MatchBool(op="or", operands=ops):
                fns = [build(o) for o in ops]
                return lambda text: any(f(text) for f in fns)
            case ast.MatchBool(operands=ops):
                fn = build(ops[0])
                return lambda text: not fn(text)
            case _:
                assert_never(node)

    def used(name: str, origin: str) -> TextFn:
        return lambda text: context.others[origin].matchers[name](text)

    for name, definition in defs.items():
        origin = (imports or {}).get(name)
        table[name] = used(name, origin) if origin else build(definition.body)
        if not origin:
            context.defs[name] = definition.body
    return context


# ---------------------------------------------------------------- rules


Piece = Callable[[RunEnv, list[str]], str]


def _text_piece(text: str) -> Piece:
    return lambda env, missing: text


def _value_piece(fn: Fn) -> Piece:
    return lambda env, missing: display(fn(env))


def _missing_piece(env: RunEnv, missing: list[str]) -> str:
    return "、".join(missing)


def compile_message(parts: list[str | ast.Expr], m: Context) -> Piece:
    """Message template → closure; {不足} lists the unmet matchers of a `requires`."""
    pieces: list[Piece] = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(_text_piece(part))
        elif isinstance(part, ast.Literal) and part.value == MISSING_PLACEHOLDER:
            pieces.append(_missing_piece)
        else:
            pieces.append(_value_piece(compile_expr(part, m)))
    return lambda env, missing: "".join(p(env, missing) for p in pieces)


def _collection_path(node: ast.Expr) -> Callable[[RunEnv], DocPath | None]:
    return locate_ref(node) if isinstance(node, ast.Ref) else (lambda env: None)


def compile_rule(rule: CheckedRule, matcher_defs: dict[str, ast.MatcherDef],
                 contexts: dict[str, Context], vocabulary: Vocabulary | None = None,
                 local_synonyms: dict[str, ast.SynonymsDef] | None = None) -> CompiledRule:
    """One checked rule → closures."""
    if rule.file not in contexts:
        contexts[rule.file] = compile_matchers(matcher_defs, vocabulary, local_synonyms)
    m = contexts[rule.file]
    requires = None
    if rule.requires is not None:
        descs = {n: (d.description or n) for n, d in matcher_defs.items()}
        requires = (
            compile_expr(rule.requires.condition, m),
            compile_ref(rule.requires.target),
            [(name, descs.get(name, name), m.matchers[name]) for name in rule.requires.matchers],
        )
    return CompiledRule(
        checked=rule,
        scopes=[(compile_expr(s.collection, m), _collection_path(s.collection)) for s in rule.scopes],
        when=compile_expr(rule.when, m) if rule.when else None,
        require=compile_expr(rule.require, m) if rule.require else None,
        requires=requires,
        message=compile_message(rule.message, m),
        blame=locate_ref(rule.blame),
        as_of=compile_expr(rule.as_of, m) if rule.as_of else None,
        require_parts=_require_parts(rule, m),
        when_outside_loops=bool(rule.scopes) and rule.when is not None and
        not _reads_scope(rule.when, len(rule.scopes), rule.as_of is not None),
        context=m,
        as_of_depth=_as_of_depth(rule),
        dateless_after_date=_dateless_after_date(rule),
        guard=_compiled_guard(rule, m),
        may_match=_sentence_prefilter(rule, m),
    )


def _sentence_prefilter(rule: CheckedRule, m: Context) -> tuple[int, Fn] | None:
    """CompiledRule.may_match: the first scope over sentences(T) whose variable a top-level
    `when` conjunct tests for a phrase made of kanji and kana (prose.phrases.may_hit), T not
    reading 基準日 (it is tested before the item's date is computed)."""
    from piarules.prose.phrases import can_rule_out, may_hit

    conjuncts = _conjuncts(rule.when) if rule.when is not None else ()
    for depth, scope in enumerate(rule.scopes):
        collection = scope.collection
        if not (depth and isinstance(collection, ast.Call) and collection.func == "sentences" and len(collection.args) == 1):
            continue
        if _reads_date(collection.args[0]):
            continue
        sets = [s for c in conjuncts if isinstance(c, ast.PhraseTest) and _is_variable(c.subject, depth)
                for s in _required_sets(phrase_pattern(c.spec, m.vocabulary, {})) if can_rule_out(s)]
        if sets:
            text = compile_expr(collection.args[0], m)

            def test(env: RunEnv, text: Fn = text, sets: tuple[Any, ...] = tuple(sets)) -> bool:
                value = text(env)
                return not isinstance(value, str) or all(may_hit(str(value), s) for s in sets)

            return depth, test
    return None


def _is_variable(node: ast.Expr, slot: int) -> bool:
    return isinstance(node, ast.Ref) and node.base == "var" and node.slot == slot and not node.fields


def _required_sets(pattern: Any) -> tuple[Any, ...]:
    """The synonym sets a match of the pattern needs a hit of: the set, or each of a co-occurrence."""
    from piarules.prose import CoOccurrence

    return tuple(pattern.sets) if isinstance(pattern, CoOccurrence) else (pattern,)


def _compiled_guard(rule: CheckedRule, m: Context) -> Fn | None:
    """CompiledRule.guard: the leading loop-invariant conjuncts of a `when` that also reads the
    loops (a wholly invariant one is when_outside_loops), or None."""
    conjuncts = _conjuncts(rule.when) if rule.scopes and rule.when is not None else ()
    lead: list[ast.Expr] = []
    for part in conjuncts:
        if _reads_scope(part, len(rule.scopes), rule.as_of is not None):
            break
        lead.append(part)
    if not lead or len(lead) == len(conjuncts):  # none, or all of it (when_outside_loops)
        return None
    return compile_expr(_conjunction(lead), m)


def _conjuncts(node: ast.Expr) -> tuple[ast.Expr, ...]:
    """The operands of a top-level `and`; the node alone otherwise."""
    return node.operands if isinstance(node, ast.BoolOp) and node.op == "and" else (node,)


def _conjunction(parts: list[ast.Expr]) -> ast.Expr:
    """`and` of one or more conjuncts (the conjunct itself when there is one)."""
    return parts[0] if len(parts) == 1 else ast.BoolOp("and", tuple(parts))


def _reads_date(node: ast.Expr) -> bool:
    """Whether an expression reads the judging date (基準日)."""
    return any(isinstance(n, ast.Ref) and n.base == "as_of" for n in walk(node))


def _as_of_depth(rule: CheckedRule) -> int:
    """1 + the deepest `for each` slot the rule's `as of` reads (0: it reads none)."""
    if rule.as_of is None:
        return 0
    slots = [n.slot for n in walk(rule.as_of) if isinstance(n, ast.Ref) and n.base == "var" and n.slot < len(rule.scopes)]
    return max(slots) + 1 if slots else 0


def _dateless_after_date(rule: CheckedRule) -> bool:
    depth = _as_of_depth(rule)
    return 0 < depth < len(rule.scopes) and not _reads_date(rule.scopes[depth].collection)


def _reads_scope(node: ast.Expr, scopes: int, dated: bool) -> bool:
    """Whether an expression reads a `for each` variable (slot < scopes) or, for a dated
    rule, the judging date (which then changes per item)."""
    return any(isinstance(n, ast.Ref) and ((n.base == "var" and n.slot < scopes) or (dated and n.base == "as_of"))
               for n in walk(node))


def _require_parts(rule: CheckedRule, m: Context) -> list[tuple[Fn, Callable[[RunEnv], DocPath | None]]] | None:
    require = rule.require
    if rule.rule.at is not None or not (isinstance(require, ast.BoolOp) and require.op == "and"):
        return None
    parts = [(compile_expr(op, m), locate_ref(first_ref(op))) for op in require.operands]
    return parts if all(first_ref(op) is not None for op in require.operands) else None


def compile_rules(result: CheckResult) -> list[CompiledRule]:
    """Compile every checked rule of a policy set (call only when `result.ok`)."""
    contexts: dict[str, Context] = {}
    for file, defs in result.matchers.items():  # every file's first: matchers and terms cross files by `use`
        contexts[file] = compile_matchers(defs, result.vocabulary, result.synonyms.get(file), result.imports.get(file),
                                          contexts)
    return [compile_rule(r, result.matchers.get(r.file, {}), contexts, result.vocabulary, result.synonyms.get(r.file))
            for r in result.rules]
