"""Checked rules → generated Python: a one-loop rule's loop, per-item date, `when` and
`require` as one function; any rule's conditions and quantifier bodies as one function each.

compile.py turns every expression node into a closure: `行.提出時期 == "事後" and not (説明
matches 否定)` costs a Python call per node per item (field read, comparison, regex test, `not`,
`and`), and those calls are most of the time a rule spends. Here the same expression becomes
statements of one function, each node's value in a local, the same three-valued (Kleene) logic
written out: the semantics are compile.py's and evaluate.py's runners', node by node. A change
to a closure there must be made here too; tests/test_codegen.py and the policy fuzzer (stage
"codegen") hold the two to the same findings.

Nodes without a generated form (lists, set references, arithmetic, quantifiers' own loops …)
are called as their compile.py closure from the generated code, so every expression can be
generated. Generating costs ≈ 1–3 ms a rule: evaluate.py builds a rule's generated code on its
second document (GENERATE_AFTER), so one document from the command line does not pay it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from piarules import ast
from piarules.builtins import REGISTRY
from piarules.code_store import RULES
from piarules.compile import (
    RAW_TEXT_BUILTINS,
    CompiledRule,
    Context,
    compile_expr,
    compile_quantifier,
    literal_strings,
    phrase_pattern,
    phrase_predicate,
    regex_predicate,
)
from piarules.jpvalues import compact_text, normalize_text, normalized_utf8
from piarules.regex import raw_matcher, required_literals
from piarules.runtime import Fn, TextFn, TextLeaf, follow, nz
from piarules.values import MISSING, Unreadable, is_empty, is_missing
from piarules.walk import walk

MAX_DEPTH = 40
"""Indentation levels the generated body may use (Python refuses 100); a deeper expression is
generated with its deepest parts as closures."""

_BASE: dict[str, Any] = {
    "MISSING": MISSING, "Unreadable": Unreadable, "nz": nz, "follow": follow, "compact_text": compact_text,
    "normalized_utf8": normalized_utf8, "normalize_text": normalize_text, "is_missing": is_missing,
    "is_empty": is_empty, "dict": dict, "isinstance": isinstance, "bool": bool, "str": str, "len": len,
    "TypeError": TypeError,
}

_ORDER = {ast.CmpOp.LT: "<", ast.CmpOp.LE: "<=", ast.CmpOp.GT: ">", ast.CmpOp.GE: ">="}


class _Writer:
    """Statements of one generated function: every node assigns its value to a fresh local."""

    def __init__(self, context: Context):
        self.context = context
        self.lines: list[str] = []
        self.names: dict[str, Any] = dict(_BASE)
        self.count = 0
        self.depth = 1
        self.bound: dict[int, str] = {}
        """Slots whose value is a local of the generated function (the loop's item)."""
        self.reads_env = False
        """Some node is a compile.py closure, which reads the loop's item from env.values."""
        self.available: dict[object, str] = {}
        """Values computed on every way to the current line (by node shape): reused, not recomputed."""
        self.conditional = 0
        """How many branches deep the current line is (what is computed there is not available after)."""
        self.recorders: list[tuple[int, int, dict[object, str]]] = []
        self.if_true: dict[str, dict[object, str]] = {}
        """For an `and`'s result: what every operand computed (all were, when it is true)."""

    def local(self) -> str:
        self.count += 1
        return f"v{self.count}"

    def constant(self, value: Any) -> str:
        self.count += 1
        name = f"k{self.count}"
        self.names[name] = value
        return name

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def emit_block(self, head: str, *body: str) -> None:
        """`head:` and its body, one level deeper."""
        self.emit(head)
        self.depth += 1
        for line in body:
            self.emit(line)
        self.depth -= 1

    # ------------------------------------------------------------ nodes

    def value(self, node: ast.Expr) -> str:
        """Emit the statements computing `node`; the name of the local that holds its value. A
        path or built-in call computed before, on every way to here, is not computed again."""
        if self.depth >= MAX_DEPTH:
            return self.called(node)
        key = _shape(node) if isinstance(node, ast.Call | ast.Member | ast.Ref) else None
        if key is not None and (known := self.available.get(key)) is not None:
            return known
        name = self.computed(node)
        if key is not None:
            self.remember(key, name)
        return name

    def remember(self, key: object, name: str) -> None:
        if self.conditional == 0:
            self.available[key] = name
        for low, high, bucket in self.recorders:
            if low <= self.conditional <= high:
                bucket[key] = name

    def computed(self, node: ast.Expr) -> str:
        match node:
            case ast.Ref():
                return self.ref(node)
            case ast.Literal(value=value):
                return self.constant(value)
            case ast.Not(operand=operand):
                x, out = self.value(operand), self.local()
                self.emit(f"{out} = {x} if {x}.__class__ is Unreadable else not {x}")
                return out
            case ast.BoolOp():
                return self.boolop(node)
            case ast.Compare():
                return self.compare(node)
            case ast.Membership(container=ast.ListExpr(items=items)) if all(isinstance(i, ast.Literal) for i in items):
                return self.in_literals(node)
            case ast.TextTest(subject=subject, op=op, needle=needle) if (needles := literal_strings(needle)) is not None:
                return self.contains(subject, op, needles)
            case ast.RegexTest(subject=subject, pattern=pattern):
                return self.regex(subject, pattern)
            case ast.MatcherTest(subject=subject, matcher=name, file=file):
                owner = self.context.others.get(file or "", self.context)
                match owner.defs.get(name):  # a regex or contains matcher, written out as its test
                    case ast.MatchRegex(pattern=pattern):
                        return self.regex(subject, pattern)
                    case ast.MatchText(op=op, needles=words):
                        return self.contains(subject, op, list(words))
                return self.tested(subject, owner.matchers[name])
            case ast.PhraseTest(op=op, subject=subject, spec=spec):
                pattern = phrase_pattern(spec, self.context.vocabulary, {})
                return self.tested(subject, phrase_predicate(op, pattern))
            case ast.Presence(subject=subject, op=op):
                return self.presence(subject, op)
            case ast.Call():
                return self.call(node)
            case ast.Member(base=base, fields=fields):
                return self.followed(self.value(base), fields)
        return self.called(node)

    def called(self, node: ast.Expr) -> str:
        """A node without a generated form: its compile.py closure, called."""
        closure = (compile_quantifier(node, self.context, part=generate) if isinstance(node, ast.Quantifier)
                   else compile_expr(node, self.context))  # a quantifier's body: generated too
        fn, out = self.constant(closure), self.local()
        self.reads_env = True
        self.emit(f"{out} = {fn}(env)")
        return out

    def ref(self, ref: ast.Ref) -> str:
        out, fields = self.local(), ref.fields
        if ref.base == "as_of":
            self.emit(f"{out} = env.as_of")
        elif ref.base == "root" and len(fields) == 1:
            self.emit(f"{out} = nz(env.root.get({self.constant(fields[0])}, MISSING))")
        elif ref.base == "root":
            return self.followed("env.root", fields)
        elif ref.base != "var":
            return self.called(ref)
        elif not fields:
            return self.bound.get(ref.slot) or self.assigned(out, f"env.values[{ref.slot}]")
        elif len(fields) == 1 and isinstance(fields[0], str):  # compile_ref's `field`, written out
            key = self.constant(fields[0])
            item = self.bound.get(ref.slot) or self.assigned(self.local(), f"env.values[{ref.slot}]")
            self.emit_block(f"if {item}.__class__ is dict:", f"{out} = {item}.get({key})",
                            f"if {out} is None: {out} = MISSING")
            self.emit(f"elif isinstance({item}, dict): {out} = nz({item}.get({key}, MISSING))")
            self.emit(f"else: {out} = {item} if {item}.__class__ is Unreadable else MISSING")
        else:
            return self.followed(self.bound.get(ref.slot) or f"env.values[{ref.slot}]", fields)
        return out

    def followed(self, base: str, fields: tuple[str | int, ...]) -> str:
        """runtime.follow(base, fields), written out field by field for names (an index: follow)."""
        out = self.local()
        if not all(isinstance(f, str) for f in fields):
            self.emit(f"{out} = follow({base}, {self.constant(fields)})")
            return out
        self.emit(f"{out} = {base}")
        for name in fields:
            self.emit_block(f"if isinstance({out}, dict):", f"{out} = {out}.get({self.constant(name)}, MISSING)",
                            f"if {out} is None: {out} = MISSING")
            self.emit(f"elif {out}.__class__ is not Unreadable: {out} = MISSING")
        return out

    def assigned(self, name: str, value: str) -> str:
        self.emit(f"{name} = {value}")
        return name

    def boolop(self, node: ast.BoolOp) -> str:
        """compile_boolop's Kleene and/or with short-circuit: the result stays None until an
        operand decides it; each next operand is evaluated only then (the first unknown is kept)."""
        if self.depth + len(node.operands) > MAX_DEPTH:
            return self.called(node)
        decisive = node.op == "or"
        out, unknown = self.local(), self.local()
        self.emit(f"{out} = {unknown} = None")
        test = "" if decisive else "not "
        bucket: dict[object, str] = {}
        if not decisive:  # an `and` is true only when every operand was computed
            self.recorders.append((self.conditional, self.conditional + 1, bucket))
        opened = 0
        for i, operand in enumerate(node.operands):
            if i:
                self.emit(f"if {out} is None:")
                self.depth += 1
                opened += 1
                self.conditional += i == 1
            x = self.value(operand)
            self.emit_block(f"if {x}.__class__ is Unreadable:", f"if {unknown} is None: {unknown} = {x}")
            self.emit(f"elif {test}{x}: {out} = {decisive}")
        self.emit(f"if {out} is None: {out} = {not decisive} if {unknown} is None else {unknown}")
        self.depth -= opened
        self.conditional -= opened > 0
        if not decisive:
            self.recorders.pop()
            self.if_true[out] = bucket
        return out

    def compare(self, node: ast.Compare) -> str:
        """compile_compare; a literal side (never unknown nor missing) is not tested, and a
        text literal's compact form is computed here, once."""
        a, b, out = self.value(node.left), self.value(node.right), self.local()
        literal = {side for side, n in (("a", node.left), ("b", node.right)) if isinstance(n, ast.Literal)}
        tests = [f"{x}.__class__ is Unreadable: {out} = {x}" for side, x in (("a", a), ("b", b)) if side not in literal]
        for i, test in enumerate(tests):
            self.emit(("if " if i == 0 else "elif ") + test)
        missing = " or ".join(f"{x} is MISSING" for side, x in (("a", a), ("b", b)) if side not in literal)
        head = "elif" if tests else "if"
        if missing:
            self.emit(f"{head} {missing}: {out} = False")
            head = "elif"
        if node.op in (ast.CmpOp.EQ, ast.CmpOp.NE):
            self.equality(node, a, b, out, head)
        else:
            self.emit_block("else:" if head == "elif" else "if True:", "try:",
                            f"    {out} = bool({a} {_ORDER[node.op]} {b})", f"except TypeError: {out} = False")
        return out

    def equality(self, node: ast.Compare, a: str, b: str, out: str, head: str) -> None:
        """compile._equal_text(a, b), negated for `!=`."""
        neg = "not " if node.op is ast.CmpOp.NE else ""
        literals = [n.value for n in (node.left, node.right) if isinstance(n, ast.Literal)]
        if literals and not isinstance(literals[0], str):  # a literal that is not text: plain equality
            self.emit(f"{'else' if head == 'elif' else 'if True'}: {out} = {neg}bool({a} == {b})")
            return
        if literals and isinstance(text := literals[0], str):  # one side is a text literal
            other, literal = (b, a) if isinstance(node.left, ast.Literal) else (a, b)
            folded = self.constant(compact_text(text))
            self.emit_block(f"{head} isinstance({other}, str):",
                            f"{out} = {neg}({other} == {literal} or compact_text({other}) == {folded})")
        else:
            self.emit_block(f"{head} isinstance({a}, str) and isinstance({b}, str):",
                            f"{out} = {neg}({a} == {b} or compact_text({a}) == compact_text({b}))")
        self.emit(f"else: {out} = {neg}bool({a} == {b})")

    def in_literals(self, node: ast.Membership) -> str:
        assert isinstance(node.container, ast.ListExpr)  # INVARIANT: matched by `value`
        values = [i.value for i in node.container.items if isinstance(i, ast.Literal)]
        texts = self.constant(frozenset(compact_text(v) for v in values if isinstance(v, str)))
        others = self.constant([v for v in values if not isinstance(v, str)])
        x, out = self.value(node.item), self.local()
        self.emit(f"if {x}.__class__ is Unreadable: {out} = {x}")
        self.emit(f"elif {x} is MISSING: {out} = False")
        self.emit(f"else: {out} = (compact_text({x}) in {texts} if isinstance({x}, str) "
                  f"else {x} in {others}) != {node.negated}")
        return out

    def on_text(self, subject: ast.Expr, verdict: Callable[[str], str]) -> str:
        """compile.on_text: the test on a text, false on anything else, unknown on unknown."""
        s, out = self.value(subject), self.local()
        self.emit(f"if isinstance({s}, str):")
        self.depth += 1
        self.conditional += 1
        self.emit(f"{out} = {verdict(s)}")  # `verdict` may emit statements first, in this block
        self.conditional -= 1
        self.depth -= 1
        self.emit(f"else: {out} = {s} if {s}.__class__ is Unreadable else False")
        return out

    def tested(self, subject: ast.Expr, test: TextFn) -> str:
        name = self.constant(test)
        return self.on_text(subject, lambda s: f"{name}({s})")

    def contains(self, subject: ast.Expr, op: ast.TextOp, needles: list[str]) -> str:
        """compile.text_predicate: needles folded once, the text's compact form read once."""
        folded = [self.constant(compact_text(n)) for n in needles]
        joined = " and " if op is ast.TextOp.CONTAINS_ALL else " or "
        text = self.local()

        def verdict(s: str) -> str:
            self.emit(f"{text} = compact_text({s})")
            return f"bool({joined.join(f'{n} in {text}' for n in folded)})" if folded else \
                str(op is ast.TextOp.CONTAINS_ALL)

        return self.on_text(subject, verdict)

    def regex(self, subject: ast.Expr, pattern: str) -> str:
        raw = raw_matcher(pattern)
        if raw is None:  # another google-re2 layout: compile.py's predicate
            return self.tested(subject, regex_predicate(pattern))
        match, anchor = self.constant(raw[0]), self.constant(raw[1])
        needed = [self.constant(n) for n in required_literals(pattern) or ()]
        data, text = self.local(), self.local()

        def verdict(s: str) -> str:  # compile.regex_predicate, written out
            if not needed:
                self.emit(f"{data} = normalized_utf8({s})")
                return f"{match}({anchor}, {data}, 0, len({data}))[0][0] >= 0"
            self.emit(f"{text} = normalize_text({s})")
            found = f"{match}({anchor}, ({data} := normalized_utf8({s})), 0, len({data}))[0][0] >= 0"
            return f"({' or '.join(f'{n} in {text}' for n in needed)}) and {found}"

        return self.on_text(subject, verdict)

    def presence(self, subject: ast.Expr, op: ast.PresenceOp) -> str:
        x, out = self.value(subject), self.local()
        test = {ast.PresenceOp.PRESENT: "not is_missing", ast.PresenceOp.ABSENT: "is_missing",
                ast.PresenceOp.EMPTY: "is_empty", ast.PresenceOp.NOT_EMPTY: "not is_empty"}[op]
        self.emit(f"{out} = {test}({x})")
        return out

    def call(self, node: ast.Call) -> str:
        """compile_call: an unknown argument makes the result unknown (the first one, after all
        are computed), except for the built-ins that read a value as written (its text)."""
        builtin = REGISTRY[node.func]
        impl: Any = builtin.impl
        if builtin.needs_vocabulary:
            impl = functools.partial(impl, self.context.vocabulary)
        fn = self.constant(impl)
        args = [self.value(a) for a in node.args]
        out = self.local()
        if node.func in RAW_TEXT_BUILTINS:
            texts = ", ".join(f"{a}.text if {a}.__class__ is Unreadable else {a}" for a in args)
            self.emit(f"{out} = {fn}({texts})")
            return out
        for i, a in enumerate(args):
            self.emit(f"{'el' if i else ''}if {a}.__class__ is Unreadable: {out} = {a}")
        self.emit(f"{'else: ' if args else ''}{out} = {fn}({', '.join(args)})")
        return out


def _shape(node: object) -> object:
    """A node without its places in the policy text: two occurrences of `previous(変更箇所, 行)`
    have the same shape."""
    if isinstance(node, tuple | list):
        return tuple(_shape(x) for x in node)
    fields = getattr(node, "__dataclass_fields__", None)
    if fields is None:
        return node if isinstance(node, str | int | float | bool | dt.date | None) else id(node)
    return (type(node).__name__, *(_shape(getattr(node, f)) for f in fields if f != "span"))


def generate(node: ast.Expr, context: Context, name: str = "generated") -> Fn:
    """One function computing `node` as compile_expr's closures would."""
    writer = _Writer(context)
    result = writer.value(node)
    source = "\n".join([f"def {name}(env):", *writer.lines, f"    return {result}"])
    namespace = dict(writer.names)
    exec(RULES.compiled(source, f"<piarules {name}>"), namespace)
    fn: Fn = namespace[name]
    return fn


# ---------------------------------------------------------------- rule loops


@dataclass(frozen=True)
class LoopHelpers:
    """evaluate.py's finding builders, which the generated loop calls (passed in: evaluate
    imports this module)."""

    truth: Callable[..., Any]
    report: Callable[..., Any]
    first_failing: Callable[..., Any]
    undecided: Callable[..., Any]
    judge_on_unknown_date: Callable[..., Any]
    check: Callable[[CompiledRule], Any]
    """The rule's check as a runner (an item whose date is unreadable is judged through it)."""


def loopable(rule: CompiledRule) -> bool:
    """A rule with one `for each`, a `require` and no `requires`: what a generated loop runs."""
    checked = rule.checked
    return (len(rule.scopes) == 1 and checked.require is not None and checked.requires is None
            and rule.context is not None)


def generate_loop(rule: CompiledRule, helpers: LoopHelpers) -> Callable[..., None] | None:
    """A rule with one `for each`, a `require` and no `requires` → one function: the loop, the
    per-item date, `when` and `require` written out in its body, as evaluate.py's runners
    (_loop, _dated, _check_runner) would run them. None for any other shape."""
    checked, context, require = rule.checked, rule.context, rule.checked.require
    if not loopable(rule) or require is None or context is None:
        return None
    when = checked.when if not rule.when_outside_loops else None
    writer = _Writer(context)
    writer.depth = 3
    writer.bound[0] = "item"  # values[0] is the item throughout the body (nested scopes use other slots)
    writer.names.update(rule=rule, collection=rule.scopes[0][0], locate=rule.scopes[0][1], TextLeaf=TextLeaf,
                        dt_date=dt.date, truth=helpers.truth, report=helpers.report,
                        first_failing=helpers.first_failing, undecided=helpers.undecided)
    if rule.dated and rule.as_of_depth == 1:
        _dated_item(writer, rule, helpers, when, require)
    else:
        _check_item(writer, when, require)
    body = writer.lines
    # The item goes to env (for closures, the message and the finding's place) before each
    # item only when a closure reads it; otherwise only before a finding (_PLACE_ITEM).
    text_item = ["            values[0] = item", "            paths[0] = item.doc_path"] if writer.reads_env else []
    list_item = ["            values[0] = item", "            indexes[0] = index"] if writer.reads_env else []
    source = "\n".join([
        "def loop(env, doc, as_of, out):",
        "    items = collection(env)",
        "    if not isinstance(items, list) or not items:",
        "        if items.__class__ is Unreadable:",
        "            out.append(undecided(rule, doc, items))",
        "        return",
        "    values, paths, indexes = env.values, env.paths, env.indexes",
        "    leaves = isinstance(items[0], TextLeaf)  # 本文: each item carries its own place",
        "    if leaves:",
        "        indexes[0] = -1",
        "        for item in items:",
        *text_item,
        *body,
        "    else:",
        "        paths[0] = locate(env)",
        "        for index, item in enumerate(items):",
        *list_item,
        *body,
        "    env.as_of = as_of" if rule.dated and rule.as_of_depth == 1 else "",
    ])
    namespace = dict(writer.names)
    exec(RULES.compiled(source, f"<piarules {checked.id}>"), namespace)
    loop: Callable[..., None] = namespace["loop"]
    return loop


def _dated_item(writer: _Writer, rule: CompiledRule, helpers: LoopHelpers, when: ast.Expr | None,
                require: ast.Expr) -> None:
    """evaluate._dated per item: the item's date, its period, then the check as of that date.
    When the check does not read the date, an item it passes is skipped before the date is
    computed: whatever the date, in or out of the period, known or not, it reports nothing."""
    checked = rule.checked
    assert checked.as_of is not None  # INVARIANT: as_of_depth 1 comes from an `as of`
    writer.names.update(judge=helpers.judge_on_unknown_date, check=helpers.check(rule))
    if not any(isinstance(n, ast.Ref) and n.base == "as_of" for part in (when, require) if part for n in walk(part)):
        _passes_first(writer, when, require)
    writer.emit("env.as_of = as_of")
    value = writer.value(checked.as_of)
    writer.emit(f"date = {value} if {value}.__class__ is dt_date or isinstance({value}, (dt_date, Unreadable)) "
                "else as_of")
    writer.emit_block("if isinstance(date, Unreadable):", *_PLACE_ITEM, "judge(rule, check, env, doc, as_of, date, out)",
                      "continue")
    start, end = checked.period
    bounds = [f"date < {writer.constant(start)}"] if start else []
    bounds += [f"date > {writer.constant(end)}"] if end else []
    if bounds:
        writer.emit(f"if {' or '.join(bounds)}: continue")
    writer.emit("env.as_of = date")
    _check_item(writer, when, require)
    writer.emit("env.as_of = as_of")


def _passes_first(writer: _Writer, when: ast.Expr | None, require: ast.Expr) -> None:
    """`continue` for an item that a false `when` or a true `require` passes (the checks are
    pure: an item that goes on is checked again, in full, as of its date)."""
    opened = 0
    if when is not None:
        applies = writer.value(when)
        writer.emit(f"if {applies} is False: continue")
        writer.emit(f"if {applies} is True:")
        writer.depth += 1
        writer.conditional += 1
        opened = 1
    holds = writer.value(require)
    writer.emit(f"if {holds} is True: continue")
    writer.depth -= opened
    writer.conditional -= opened


_PLACE_ITEM = ("values[0] = item", "if leaves: paths[0] = item.doc_path", "else: indexes[0] = index")
"""The item and its place, in env: what the evaluate.py helpers read."""


def _check_item(writer: _Writer, when: ast.Expr | None, require: ast.Expr) -> None:
    """evaluate._check_runner: an unknown `when` or `require` is reported (truth), a false
    `require` is a finding at the first failing conjunct."""
    opened = 0
    saved = dict(writer.available)
    if when is not None:
        applies = writer.value(when)
        writer.emit(f"if {applies} is True or ({applies} is not False and truth(rule, doc, {applies}, out)):")
        writer.depth += 1
        opened = 1
        writer.available.update(writer.if_true.get(applies, {}))  # a true `when` computed all its parts
    holds = writer.value(require)
    writer.emit_block(f"if {holds} is not True and ({holds} is False or truth(rule, doc, {holds}, out) is False):",
                      *_PLACE_ITEM, "report(rule, env, doc, out, [], first_failing(rule, env))")
    writer.depth -= opened
    writer.available = saved
