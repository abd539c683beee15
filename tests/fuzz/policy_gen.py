"""Whole policy files for fuzzing, generated from the grammar's structure and the real form.

Names are paths that exist in `schema.document_type(kinds)` (list fields feed `for each` and the
quantifiers), choice literals come from the fields' choices, functions from `builtins.REGISTRY`;
expressions are built by the type they must have, so most cases get through the checker and
reach the compiler and evaluation. Families add faults on purpose: misspelled names (typo),
values outside the choices (choice), broken regexes (regex), wrong arity or argument types
(arity), statement-level mistakes (structure), token-level damage (token), deep nesting (deep).

Every random decision goes through a `Chooser`, so the same generator runs under Hypothesis
(shrinkable, see test_policy_fuzz.py) and under `random.Random` (bench/fuzz_policies.py).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from piarules.builtins import REGISTRY
from piarules.jpvalues import to_wareki
from piarules.schema import KINDS, document_type
from piarules.syntax.grammar import KEYWORDS
from piarules.type_system import (
    BOOL,
    DATE,
    DURATION,
    TEXT,
    BandType,
    BoolType,
    ConflictType,
    DateType,
    DurationType,
    ListType,
    NumberType,
    ObjectType,
    TextType,
    Type,
)

T = TypeVar("T")

# ---------------------------------------------------------------- choosers


class Chooser:
    """Every random decision of the generator. Subclasses give `integer`; 0 is the simplest
    answer (Hypothesis shrinks towards it), so options are listed simplest first."""

    def integer(self, lo: int, hi: int) -> int:
        raise NotImplementedError

    def chance(self, p: float) -> bool:
        """True with probability p (False when shrunk)."""
        return self.integer(0, 999) >= 1000 - round(p * 1000)

    def choice(self, items: Sequence[T]) -> T:
        return items[self.integer(0, len(items) - 1)]

    def weighted(self, options: Sequence[tuple[float, T]]) -> T:
        scaled = [(max(1, round(w * 100)), v) for w, v in options if w > 0]
        n = self.integer(0, sum(w for w, _ in scaled) - 1)
        for w, v in scaled:
            if n < w:
                return v
            n -= w
        return scaled[-1][1]


class RandomChooser(Chooser):
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


# ---------------------------------------------------------------- the form, as the generator sees it

PathParts = tuple[str | int, ...]


def category(t: Type) -> str:
    if isinstance(t, TextType):
        return "choice" if t.choices else "text"
    for kind, name in ((DateType, "date"), (NumberType, "number"), (BandType, "band"), (BoolType, "bool"),
                       (ListType, "list"), (ObjectType, "object"), (ConflictType, "conflict"),
                       (DurationType, "duration")):
        if isinstance(t, kind):
            return name
    return "unknown"


_FIELD_CACHE: dict[int, tuple[Type, list[tuple[PathParts, Type]]]] = {}


def field_paths(t: Type, depth: int = 4, indexed: bool = False) -> list[tuple[PathParts, Type]]:
    """Every field path below an object type (lists are not entered, except one `[0]` level
    when `indexed`), with its type."""
    key = id(t) * 2 + indexed
    if key in _FIELD_CACHE:
        return _FIELD_CACHE[key][1]
    out: list[tuple[PathParts, Type]] = []

    def visit(node: Type, prefix: PathParts, d: int, index_left: bool) -> None:
        if not isinstance(node, ObjectType) or d == 0:
            return
        for name, ft in node.fields.items():
            parts = (*prefix, name)
            out.append((parts, ft))
            if isinstance(ft, ObjectType):
                visit(ft, parts, d - 1, index_left)
            elif isinstance(ft, ListType) and isinstance(ft.item, ObjectType) and index_left:
                visit(ft.item, (*parts, 0), 1, False)

    visit(t, (), depth, indexed)
    _FIELD_CACHE[key] = (t, out)
    return out


def _all_field_names() -> frozenset[str]:
    names: set[str] = set()
    for kinds in [(), *((k,) for k in KINDS)]:
        stack: list[Type] = [document_type(kinds)]
        seen: set[int] = set()
        while stack:
            t = stack.pop()
            if id(t) in seen:
                continue
            seen.add(id(t))
            if isinstance(t, ObjectType):
                names.update(t.fields)
                stack.extend(t.fields.values())
            elif isinstance(t, ListType):
                stack.append(t.item)
    return frozenset(names)


FIELD_NAMES = _all_field_names()
RESERVED = frozenset({"基準日", "as_of", "文書", "document", "本文", "不足", *KEYWORDS})
VAR_NAMES = [n for n in ("行", "ファイル", "委託", "記載", "先", "x", "y", "it", "要素", "リスク", "記録", "r", "項", "q")
             if n not in FIELD_NAMES and n not in RESERVED]
NAMED_PREFIXES = ("条件", "期間", "一覧", "日付", "値", "T", "c_", "閾値")
MATCHER_NAMES = ("書面", "許諾", "クラウド", "国内保管", "ISO/IEC27017", "domestic storage", "重要", "否定", "m",
                 "再々委託", "法令 引用")
SIZES = {"変更箇所": 140, "本文": 600}
"""Rough lengths of the lists in the bundled example (for keeping nested loops affordable)."""
MAX_COST = 20_000

KIND_SETS: list[tuple[str, ...]] = [("重点項目評価書", "全項目評価書"), ("重点項目評価書",), ("全項目評価書",),
                                    ("基礎項目評価書",), ("基礎項目評価書", "重点項目評価書", "全項目評価書")]

# ---------------------------------------------------------------- literal pools

TEXTS = ["書面", "許諾", "再委託", "クラウド", "ISO/IEC27017", "国内", "当市", "当区", "重要な変更", "重大な変更",
         "番号法第19条第7号", "個人情報保護条例", "情報情報", "SMAP", "リスク対策", "委託", "事前", "該当なし", "",
         "ＩＳＯ／ＩＥＣ　２７０１７", 'a"b', "#1", "c:\\d", "{x}", "改行\nあり", "タブ\tあり", "「括弧」", "ﾊﾝｶｸ", "x"]
REGEXES = ["重要な変更", "(当|本)市(?!場|区町村|町村)", "番号法 ?第 ?19 ?条 ?第 ?7 ?号", r"^\d+件$", r"\\d{4}",
           "クラウド|IaaS", "(日本)?国内.{0,6}(データ)?(の)?保管", "区(長)?$", "(?<![A-Za-z])SMAP", ".", "",
           r"\s+", r"a\tb", r"\n", r"\\n", r"\"引用\"", "[0-9０-９]+", "(?i)ismap", "情報情報|事務事務"]
BROKEN_REGEXES = ["(国内", "[abc", "*x", "(?<=a+)b", "a{2,1}", "(?P<n>a)(?P<n>b)", "(?", "[z-a]", r"\\", "+", "(?<!a|bc)d"]
DURATIONS = ["1 year", "5 years", "6 months", "30 days", "1年", "6か月", "2ヶ月", "3カ月", "10日", "54 months",
             "0 days", "1 day", "1 month", "2 years", "10000 days", "5年"]
NUMBERS = ["0", "1", "2", "3", "10", "1000", "1,000", "10000", "100000", "100,000", "300000", "3.5", "999999999"]
TITLES = ["変更箇所の検査", "再委託の許諾", "引用符\"と\\", "#ではない", "「括弧」の中", "長い題名" * 8, "", "a b"]
PROSE = ["評価書の記載を確認してください", "次の項目", "値:", "「引用」", "\\ バックスラッシュ", "\"二重引用符\"",
         "# 記号", "{{波括弧}}", "改行\\nなし", "タブ\\tあり", "ASCII only", "。"]
SEVERITIES = ["error", "warning", "info", "エラー", "警告", "情報"]
REFERENCES = ["番号法第28条第1項", "特定個人情報保護評価に関する規則第11条", "指針 第6", "\"引用\"", ""]
ID_PREFIXES = ["R", "CH", "ENT", "ルール", "X_", "a-b"]


def _date_text(c: Chooser) -> str:
    """A date as written in policies: ISO or bare 和暦 (a name the parser reads as a date)."""
    day = dt.date(2014, 1, 1) + dt.timedelta(days=c.integer(0, 5000))
    if c.chance(0.5):
        return day.isoformat()
    return to_wareki(day, gannen=c.chance(0.3))


def escape(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


# ---------------------------------------------------------------- generator state

OR, AND, NOT, TEST, SUM, ATOM = 1, 2, 3, 4, 5, 6
Frag = tuple[str, int]
"""Policy text of an expression and its binding strength (as in piarules.pretty)."""


@dataclass
class Var:
    name: str
    item: Type
    origin: str
    size: int
    source: str | None = None
    """Qualified text of the list it iterates (for previous(L, var)), when a form list."""


@dataclass
class Named:
    """A const or term: where it may be used and what it denotes."""

    name: str
    type: Type
    deps: frozenset[tuple[str, str]]
    kinds: tuple[str, ...] | None
    is_path: bool = False
    """Its body is a path (may be a `requires` target or followed by `.field`)."""


@dataclass
class Ctx:
    kinds: tuple[str, ...]
    vars: list[Var] = field(default_factory=list)
    qualified: bool = False
    """Only var- or 文書-qualified paths (term bodies: they are expanded in other scopes)."""
    flat: bool = False
    """Inside a message placeholder: one line, 「…」 strings only, no regexes."""
    deps: set[tuple[str, str]] = field(default_factory=set)
    """Variables (name, origin) the expression reads, and ROOT_DEP."""
    cost: int = 1

    @property
    def root(self) -> ObjectType:
        return document_type(self.kinds)

    def child(self, var: Var) -> Ctx:
        return Ctx(self.kinds, [*self.vars, var], self.qualified, self.flat, self.deps,
                   self.cost * max(var.size, 1))


ROOT_DEP = ("<root>", "")
"""In a Ctx's deps: the expression reads the document root (so a term made of it depends on the kinds)."""


@dataclass
class Cand:
    """A name the checker resolves in this scope: `head.parts` (head None: a bare field name)."""

    head: str | None
    parts: PathParts
    type: Type
    deps: frozenset[tuple[str, str]] = frozenset()
    is_path: bool = True
    text: str = ""


@dataclass
class Case:
    family: str
    text: str
    detail: str = ""

    def __str__(self) -> str:
        return f"[{self.family}{':' + self.detail if self.detail else ''}]\n{self.text}"


FAMILIES: list[tuple[float, str]] = [(0.52, "valid"), (0.07, "typo"), (0.07, "choice"), (0.05, "regex"),
                                     (0.06, "arity"), (0.09, "structure"), (0.08, "token"), (0.06, "deep")]


def generate_case(c: Chooser, family: str | None = None) -> Case:
    """One whole policy file of the given family (default: one drawn by FAMILIES' weights)."""
    family = family or c.weighted(FAMILIES)
    gen = Gen(c, family)
    text = gen.policy_file()
    if family == "typo":
        text = typo_mutation(c, text)
    elif family == "token":
        for _ in range(c.integer(1, 3)):
            text, what = token_mutation(c, text)
            gen.detail.append(what)
    return Case(family, text, ",".join(gen.detail))


class Gen:
    """Builds one policy file; declarations (consts, terms, matchers) are made as rules need them."""

    def __init__(self, c: Chooser, family: str):
        self.c = c
        self.family = family
        self.blocks: list[str] = []
        self.named: list[Named] = []
        self.matchers: list[str] = []
        self.rule_ids: list[str] = []
        self.counter = 0
        self.faults = 0
        self.detail: list[str] = []
        self.indent = c.choice(["  ", "    ", "\t"])

    # ------------------------------------------------------------ helpers
    def fault(self, family: str, p: float) -> bool:
        """Inject a fault of `family` here (this case's family only; at most 2 per file)."""
        if self.family != family or self.faults >= 2 or not self.c.chance(p):
            return False
        self.faults += 1
        return True

    def fresh(self, prefixes: Sequence[str]) -> str:
        self.counter += 1
        return f"{self.c.choice(prefixes)}{self.counter}"

    def brk(self, ctx: Ctx) -> str:
        """The space after an operator that continues the line: sometimes a line break (and a comment)."""
        if ctx.flat or not self.c.chance(0.06):
            return " "
        comment = f"  # {self.c.choice(['続き', 'note', '条件'])}" if self.c.chance(0.3) else ""
        return f"{comment}\n{self.indent}      "

    def wrap(self, frag: Frag, minimum: int) -> str:
        text, strength = frag
        if strength < minimum or self.c.chance(0.03):
            return f"({text})"
        return text

    def string(self, ctx: Ctx, value: str) -> str:
        """A string literal: "…" with escapes, or 「…」 (no escapes) when the value allows it."""
        if ctx.flat:  # inside a message placeholder: only 「…」 strings without braces
            value = re.sub(r"[「」{}\n\"\\]", "", value)
            return f"「{value}」"
        if not re.search(r"[「」\n]", value) and self.c.chance(0.25):
            return f"「{value}」"
        return escape(value)

    def parts_text(self, parts: PathParts) -> str:
        out = ""
        for p in parts:
            out += f"[{self.c.integer(0, 2)}]" if isinstance(p, int) else (f".{p}" if out else p)
        return out

    # ------------------------------------------------------------ names in scope
    def usable(self, n: Named, ctx: Ctx) -> bool:
        if n.kinds is not None and n.kinds != ctx.kinds:
            return False
        have = {(v.name, v.origin) for v in ctx.vars}
        return n.deps - {ROOT_DEP} <= have and n.name not in {v.name for v in ctx.vars}

    def candidates(self, ctx: Ctx, want: Callable[[Type], bool]) -> list[Cand]:
        """Every name of the wanted type the checker resolves here, the way it resolves it:
        scope variables, their fields (bare when no inner scope shadows them), document fields
        (bare when no scope item has the same field), consts and terms, 基準日, 本文."""
        out: list[Cand] = []
        var_names = {v.name for v in ctx.vars}
        blocked = var_names | {n.name for n in self.named} | RESERVED
        for i in range(len(ctx.vars) - 1, -1, -1):
            v = ctx.vars[i]
            dep = frozenset({(v.name, v.origin)})
            if want(v.item):
                out.append(Cand(v.name, (), v.item, dep))
            if not isinstance(v.item, ObjectType):
                continue
            inner = [w.item for w in ctx.vars[i + 1:] if isinstance(w.item, ObjectType)]
            for parts, t in field_paths(v.item):
                if not want(t):
                    continue
                out.append(Cand(v.name, parts, t, dep))
                head = parts[0]
                if not ctx.qualified and head not in blocked and not any(head in o.fields for o in inner):
                    out.append(Cand(None, parts, t, dep))
        var_fields = {f for v in ctx.vars if isinstance(v.item, ObjectType) for f in v.item.fields}
        root = frozenset({ROOT_DEP})
        for parts, t in field_paths(ctx.root, indexed=True):
            if not want(t) or isinstance(t, ConflictType):
                continue
            out.append(Cand("文書", parts, t, root))
            head = parts[0]
            if not ctx.qualified and head not in blocked and head not in var_fields:
                out.append(Cand(None, parts, t, root))
        for n in self.named:
            if not self.usable(n, ctx):
                continue
            if want(n.type):
                out.append(Cand(n.name, (), n.type, n.deps, n.is_path))
            if isinstance(n.type, ObjectType) and n.is_path:
                out += [Cand(n.name, parts, t, n.deps) for parts, t in field_paths(n.type, depth=2) if want(t)]
        if want(DATE):
            out.append(Cand("基準日", (), DATE, is_path=False))
        if want(ListType(TEXT)) and "本文" not in var_names:
            out.append(Cand("本文", (), ListType(TEXT), is_path=False))
        return out

    def pick(self, ctx: Ctx, want: Callable[[Type], bool], paths_only: bool = False) -> Cand | None:
        """Choose one candidate; its dependencies join the context's; its text is rendered."""
        found = [x for x in self.candidates(ctx, want) if x.is_path or not paths_only]
        if not found:
            return None
        return self.take(ctx, self.c.choice(found))

    def take(self, ctx: Ctx, chosen: Cand) -> Cand:
        ctx.deps.update(chosen.deps)
        head = chosen.head
        if head == "文書":
            head = self.c.choice(["文書", "文書", "document"])
        elif head == "基準日":
            head = self.c.choice(["基準日", "基準日", "as_of"])
        rest = self.parts_text(chosen.parts)
        chosen.text = rest if head is None else (f"{head}.{rest}" if rest else head)
        return chosen

    # ------------------------------------------------------------ expressions by type
    def bool_expr(self, ctx: Ctx, d: int) -> Frag:
        options: list[tuple[float, Callable[[Ctx, int], Frag | None]]] = [
            (2, self.b_presence), (3, self.b_choice), (2, self.b_text_eq), (3, self.b_contains), (2, self.b_regex),
            (2, self.b_matcher), (2, self.b_date_cmp), (2, self.b_num_cmp), (1, self.b_band_cmp),
            (0.4, self.b_bool_field), (0.1, lambda ctx, d: ("true", ATOM))]
        if d > 0:
            options += [(1.5, self.b_quant), (1, self.b_not), (2, self.b_and), (1, self.b_or), (1.2, self.b_term)]
        for _ in range(8):
            made = self.c.weighted(options)(ctx, d)
            if made is not None:
                return made
        return ("基準日 is present", TEST)

    def b_presence(self, ctx: Ctx, d: int) -> Frag | None:
        subject = self.value_expr(ctx, d - 1)
        op = self.c.choice(["is present", "is absent", "is empty", "is not empty"])
        return (f"{self.wrap(subject, SUM)} {op}", TEST)

    def choice_literal(self, ctx: Ctx, choices: Sequence[str]) -> str:
        value = self.c.choice(list(choices))
        if self.fault("choice", 0.35):
            value = self.c.choice([value + "る", value[:-1], value.replace("事", "自"), "事前提出", "再委託あり",
                                   value + " "]) or "x"
            self.detail.append("wrong-choice")
        return self.string(ctx, value)

    def b_choice(self, ctx: Ctx, d: int) -> Frag | None:
        chosen = self.pick(ctx, lambda t: isinstance(t, TextType) and bool(t.choices))
        if chosen is None:
            return None
        assert isinstance(chosen.type, TextType)
        choices = chosen.type.choices
        form = self.c.integer(0, 4)
        if form <= 1:
            op = self.c.choice(["==", "!="])
            lit = self.choice_literal(ctx, choices)
            left, right = (chosen.text, lit) if form == 0 else (lit, chosen.text)
            return (f"{left} {op}{self.brk(ctx)}{right}", TEST)
        negated = self.c.choice(["in", "not in"])
        if form == 4 and not ctx.flat:
            const = self.list_const(ctx, [self.c.choice(choices) for _ in range(self.c.integer(1, 3))], chosen.type)
            return (f"{chosen.text} {negated} {const}", TEST)
        items = [self.choice_literal(ctx, choices) for _ in range(self.c.integer(0, 3))]
        return (f"{chosen.text} {negated} [{', '.join(items)}]", TEST)

    def b_text_eq(self, ctx: Ctx, d: int) -> Frag | None:
        subject, t = self.text_expr(ctx, d - 1)
        choices = t.choices if isinstance(t, TextType) else ()
        if self.c.chance(0.3):
            other, _ = self.text_expr(ctx, d - 1)
            if self.c.chance(0.4):
                return (f"same({subject[0]}, {other[0]})", ATOM)
            return (f"{self.wrap(subject, SUM)} {self.c.choice(['==', '!='])} {self.wrap(other, SUM)}", TEST)
        lit = self.choice_literal(ctx, choices) if choices else self.string(ctx, self.c.choice(TEXTS))
        return (f"{self.wrap(subject, SUM)} {self.c.choice(['==', '!='])}{self.brk(ctx)}{lit}", TEST)

    def text_list(self, ctx: Ctx) -> str:
        if not ctx.flat and self.c.chance(0.25):
            return self.list_const(ctx, [self.c.choice(TEXTS) for _ in range(self.c.integer(1, 4))], TEXT)
        items = [self.string(ctx, self.c.choice(TEXTS)) for _ in range(self.c.integer(0, 4))]
        sep = "," + self.brk(ctx)
        return "[" + sep.join(items) + ("," if items and self.c.chance(0.1) else "") + "]"

    def b_contains(self, ctx: Ctx, d: int) -> Frag | None:
        subject, _ = self.text_expr(ctx, d - 1)
        form = self.c.integer(0, 3)
        if form == 0:
            needle = self.string(ctx, self.c.choice(TEXTS))
            return (f"{self.wrap(subject, SUM)} contains {needle}", TEST)
        if form == 3:
            other, _ = self.text_expr(ctx, d - 1)
            return (f"{self.wrap(subject, SUM)} contains {self.wrap(other, SUM)}", TEST)
        quant = self.c.choice(["any", "all"])
        return (f"{self.wrap(subject, SUM)} contains {quant} {self.text_list(ctx)}", TEST)

    def regex(self) -> str:
        if self.fault("regex", 0.5):
            self.detail.append("broken-regex")
            return self.c.choice(BROKEN_REGEXES)
        return self.c.choice(REGEXES)

    def regex_literal(self) -> str:
        pattern = self.regex()
        if self.c.chance(0.15) and not re.search(r"[「」\n\\\"]", pattern):
            return f"「{pattern}」"
        return '"' + pattern + '"'  # as written in policies: backslashes are mostly not escapes

    def b_regex(self, ctx: Ctx, d: int) -> Frag | None:
        if ctx.flat:
            return None
        subject, _ = self.text_expr(ctx, d - 1)
        return (f"{self.wrap(subject, SUM)} matches {self.regex_literal()}", TEST)

    def b_matcher(self, ctx: Ctx, d: int) -> Frag | None:
        if ctx.flat and not self.matchers:
            return None
        subject, _ = self.text_expr(ctx, d - 1)
        name = self.matcher_ref(ctx)
        return (f"{self.wrap(subject, SUM)} matches {name}", TEST)

    def b_date_cmp(self, ctx: Ctx, d: int) -> Frag | None:
        op = self.c.choice(["==", "!=", "<", "<=", ">", ">="])
        left = self.date_expr(ctx, d - 1)
        if self.c.chance(0.2) and not ctx.flat:
            if self.fault("choice", 0.5):
                right_text = self.c.choice(['"2023-02-29"', '"令和6年2月30日"', '"平成31年5月1日"', '"いつか"'])
                self.detail.append("bad-date")
            else:
                right_text = escape(_date_text(self.c))
            right: Frag = (right_text, ATOM)
        else:
            right = self.date_expr(ctx, d - 1)
        return (f"{self.wrap(left, SUM)} {op}{self.brk(ctx)}{self.wrap(right, SUM)}", TEST)

    def b_num_cmp(self, ctx: Ctx, d: int) -> Frag | None:
        op = self.c.choice(["==", "!=", "<", "<=", ">", ">="])
        left, right = self.num_expr(ctx, d - 1), self.num_expr(ctx, d - 1)
        return (f"{self.wrap(left, SUM)} {op}{self.brk(ctx)}{self.wrap(right, SUM)}", TEST)

    def b_band_cmp(self, ctx: Ctx, d: int) -> Frag | None:
        band = self.band_expr(ctx, d - 1)
        if band is None:
            return None
        op = self.c.choice(["==", "!=", "<", "<=", ">", ">="])
        form = self.c.integer(0, 2)
        if form == 0:
            right: Frag = (self.c.choice(NUMBERS[:-2]), ATOM)
        elif form == 1:
            chosen = self.pick(ctx, lambda t: isinstance(t, BandType) and bool(t.choices))
            value = self.c.choice(chosen.type.choices) if chosen and isinstance(chosen.type, BandType) else "10万人以上"
            if self.fault("choice", 0.5):
                value = self.c.choice(["たくさん", "10万人", "1万人以上10万人", "100000"])
                self.detail.append("bad-band")
            right = (self.string(ctx, value), ATOM)
        else:
            right = self.band_expr(ctx, d - 1) or ("0", ATOM)
        return (f"{self.wrap(band, SUM)} {op} {self.wrap(right, SUM)}", TEST)

    def b_bool_field(self, ctx: Ctx, d: int) -> Frag | None:
        chosen = self.pick(ctx, lambda t: isinstance(t, BoolType))
        if chosen is None:
            return None
        form = self.c.integer(0, 2)
        if form == 0:
            return (chosen.text, ATOM)
        return (f"{chosen.text} {self.c.choice(['==', '!='])} {self.c.choice(['true', 'false'])}", TEST)

    def b_quant(self, ctx: Ctx, d: int) -> Frag | None:
        src = self.list_source(ctx)
        if src is None:
            return None
        text, var = src
        body = self.bool_expr(ctx.child(var), d - 1)
        ctx.deps.discard((var.name, var.origin))
        if self.c.chance(0.25):
            return (f"(count {var.name} in {text} where{self.brk(ctx)}{body[0]}) > {self.c.choice(NUMBERS[:5])}", TEST)
        quant = self.c.choice(["any", "all"])
        return (f"{quant} {var.name} in {text} satisfies{self.brk(ctx)}{body[0]}", OR)

    def b_not(self, ctx: Ctx, d: int) -> Frag | None:
        operand = self.bool_expr(ctx, d - 1)
        if operand[1] >= TEST and self.c.chance(0.3):
            return (f"not {operand[0]}", NOT)  # `not a == b` is `not (a == b)`
        return (f"not {self.wrap(operand, ATOM)}", NOT)

    def b_and(self, ctx: Ctx, d: int) -> Frag | None:
        ops = [self.wrap(self.bool_expr(ctx, d - 1), NOT) for _ in range(self.c.integer(2, 3))]
        return (f" and{self.brk(ctx)}".join(ops), AND)

    def b_or(self, ctx: Ctx, d: int) -> Frag | None:
        # and-groups inside or need no parentheses (and binds tighter)
        ops = [self.wrap(self.bool_expr(ctx, d - 1), AND) for _ in range(self.c.integer(2, 3))]
        return (f" or{self.brk(ctx)}".join(ops), OR)

    def b_term(self, ctx: Ctx, d: int) -> Frag | None:
        existing = [n for n in self.named if n.type == BOOL and self.usable(n, ctx)
                    and n.name not in {v.name for v in ctx.vars}]
        if existing and self.c.chance(0.6):
            n = self.c.choice(existing)
            ctx.deps.update(n.deps)
            return (n.name, ATOM)
        if ctx.flat:
            return None
        return (self.define_term(ctx, lambda inner: self.bool_expr(inner, d - 1), BOOL), ATOM)

    # ------------------------------------------------------------ declarations made on demand
    def define_term(self, ctx: Ctx, body: Callable[[Ctx], Frag], type_: Type, is_path: bool = False) -> str:
        inner = Ctx(ctx.kinds, ctx.vars, qualified=True, cost=ctx.cost)
        made = body(inner)
        name = self.fresh(NAMED_PREFIXES)
        kinds = ctx.kinds if ROOT_DEP in inner.deps else None
        self.named.append(Named(name, type_, frozenset(inner.deps), kinds, is_path))
        ctx.deps.update(inner.deps)
        keyword = "term" if inner.deps - {ROOT_DEP} or self.c.chance(0.5) else "const"
        self.blocks.append(f"{keyword} {name} ={self.brk(inner)}{made[0]}")
        return name

    def list_const(self, ctx: Ctx, values: list[str], item: Type) -> str:
        name = self.fresh(NAMED_PREFIXES)
        self.named.append(Named(name, ListType(item), frozenset(), None))
        inner = Ctx(ctx.kinds)
        items = ("," + self.brk(inner)).join(self.string(inner, v) for v in values)
        self.blocks.append(f"const {name} = [{items}]")
        return name

    def matcher_body(self, depth: int) -> str:
        form = self.c.weighted([(2, "contains"), (2, "any"), (1, "all"), (2, "regex"), (1, "ref"), (1, "not"),
                                (1, "and"), (1, "or")] if depth > 0 else [(2, "contains"), (2, "any"), (2, "regex")])
        ctx = Ctx(())
        if form == "contains":
            return f"contains {self.string(ctx, self.c.choice(TEXTS))}"
        if form in ("any", "all"):
            items = ", ".join(self.string(ctx, self.c.choice(TEXTS)) for _ in range(self.c.integer(1, 3)))
            return f"contains {form} [{items}]"
        if form == "regex":
            return f"matches {self.regex_literal()}"
        if form == "ref" and self.matchers:
            return self.c.choice(self.matchers)
        if form == "not":
            return f"not {self.matcher_body(depth - 1)}"
        if form in ("and", "or"):
            parts = [self.matcher_body(depth - 1) for _ in range(2)]
            joined = f" {form}{self.brk(ctx)}".join(parts)
            return f"({joined})" if self.c.chance(0.5) else joined
        return f"contains {self.string(ctx, 'x')}"

    def define_matcher(self) -> str:
        name = self.c.choice(MATCHER_NAMES)
        if name in self.matchers:
            name = f"m{self.fresh(['']).strip()}"
        body = self.matcher_body(2)
        desc = f" {self.string(Ctx(()), self.c.choice(TITLES))}" if self.c.chance(0.4) else ""
        self.blocks.append(f"matcher {name}{desc} ={self.brk(Ctx(()))}{body}")
        self.matchers.append(name)
        return name

    def matcher_ref(self, ctx: Ctx) -> str:
        if self.matchers and (ctx.flat or self.c.chance(0.6)):
            return self.c.choice(self.matchers)
        if ctx.flat:
            return self.c.choice(MATCHER_NAMES)  # undefined: a (rare) check error in placeholders
        return self.define_matcher()

    # ------------------------------------------------------------ typed values
    def call(self, name: str, args: list[str]) -> Frag:
        """A builtin call; the arity family sometimes drops, adds or misspells."""
        if self.fault("arity", 0.3):
            how = self.c.integer(0, 3)
            self.detail.append(f"arity:{name}")
            if how == 0:
                args = args[:-1]
            elif how == 1:
                args = [*args, args[0] if args else "1"]
            elif how == 2:
                name = name[:-1] + "x"
            else:
                args = ["「1件」"] * len(args)
        return (f"{name}(" + ", ".join(args) + ")", ATOM)

    def text_expr(self, ctx: Ctx, d: int) -> tuple[Frag, Type]:
        form = self.c.weighted([(6, "path"), (0.6, "text"), (1, "previous"), (0.5, "previous_same"), (0.8, "term")])
        if form == "text" and d > 0:
            return self.call("text", [self.value_expr(ctx, d - 1)[0]]), TEXT
        if form == "term" and not ctx.flat:
            holder: list[Type] = []

            def body(inner: Ctx) -> Frag:
                made, t = self.text_expr(inner, d - 1)
                holder.append(t)
                return made

            name = self.define_term(ctx, body, TEXT)
            self.named[-1].type = holder[0]
            self.named[-1].is_path = _is_path_text(self.blocks[-1].split("=", 1)[1])
            return (name, ATOM), holder[0]
        if form in ("previous", "previous_same"):
            made = self.previous_member(ctx, lambda t: isinstance(t, TextType), form)
            if made is not None:
                return made
        chosen = self.pick(ctx, lambda t: isinstance(t, TextType))
        if chosen is None:
            return (self.string(ctx, self.c.choice(TEXTS)), ATOM), TEXT
        return (chosen.text, ATOM), chosen.type

    def previous_member(self, ctx: Ctx, want: Callable[[Type], bool], form: str) -> tuple[Frag, Type] | None:
        rows = [v for v in ctx.vars if v.source and isinstance(v.item, ObjectType)]
        if not rows:
            return None
        var = self.c.choice(rows)
        assert isinstance(var.item, ObjectType) and var.source is not None
        fields = [(p, t) for p, t in field_paths(var.item, depth=2) if want(t) and not any(isinstance(x, int) for x in p)]
        if not fields:
            return None
        parts, t = self.c.choice(fields)
        ctx.deps.add((var.name, var.origin))
        if var.source.startswith("文書"):
            ctx.deps.add(ROOT_DEP)
        if form == "previous_same":
            key = self.string(ctx, self.c.choice(["項目", "変更日", "番号"]))
            call = self.call("previous_same", [var.source, var.name, key])
        else:
            call = self.call("previous", [var.source, var.name])
        return (call[0] + "." + ".".join(str(p) for p in parts), ATOM), t

    def date_expr(self, ctx: Ctx, d: int) -> Frag:
        form = self.c.weighted([(5, "path"), (2, "literal"), (2, "arith"), (0.5, "date"), (0.5, "first_date"),
                                (1, "written_on"), (1, "previous")])
        if form == "literal":
            return (_date_text(self.c), ATOM)
        if form == "arith" and d > 0:
            left = self.date_expr(ctx, d - 1)
            return (f"{self.wrap(left, SUM)} {self.c.choice(['+', '-'])}{self.brk(ctx)}{self.duration(ctx)}", SUM)
        if form in ("date", "first_date") and d > 0:
            return self.call(form, [self.text_expr(ctx, d - 1)[0][0]])
        if form == "written_on":
            texts = [v for v in ctx.vars if v.origin == "本文"]
            if texts:
                var = self.c.choice(texts)
                ctx.deps.add((var.name, var.origin))
                return self.call("written_on", [var.name])
        if form == "previous":
            made = self.previous_member(ctx, lambda t: isinstance(t, DateType), "previous")
            if made is not None:
                return made[0]
        chosen = self.pick(ctx, lambda t: isinstance(t, DateType))
        return (chosen.text, ATOM) if chosen else ("基準日", ATOM)

    def duration(self, ctx: Ctx) -> str:
        consts = [n for n in self.named if n.type == DURATION]
        if consts and self.c.chance(0.3):
            return self.c.choice(consts).name
        text = self.c.choice(DURATIONS)
        if not ctx.flat and self.c.chance(0.1):
            name = self.fresh(NAMED_PREFIXES)
            self.named.append(Named(name, DURATION, frozenset(), None))
            self.blocks.append(f"const {name} = {text}")
            return name
        return text

    def num_expr(self, ctx: Ctx, d: int) -> Frag:
        form = self.c.weighted([(3, "path"), (2, "count"), (1, "number"), (1, "year"), (1, "length"), (1, "band"),
                                (1, "quant"), (2, "literal"), (1, "arith")])
        if form == "literal":
            return (self.c.choice(NUMBERS), ATOM)
        if form == "count":
            src = self.list_source(ctx)
            if src is not None:
                return self.call("count", [src[0]])
        if form == "number" and d > 0:
            subject = self.c.choice([self.text_expr(ctx, d - 1)[0], self.num_expr(ctx, d - 1)])
            return self.call("number", [subject[0]])
        if form == "year" and d > 0:
            return self.call("year", [self.date_expr(ctx, d - 1)[0]])
        if form == "length" and d > 0:
            return self.call("length", [self.text_expr(ctx, d - 1)[0][0]])
        if form == "band" and d > 0:
            band = self.band_expr(ctx, d - 1)
            if band is not None:
                return self.call(self.c.choice(["lower", "upper"]), [band[0]])
        if form == "quant" and d > 0:
            src = self.list_source(ctx)
            if src is not None:
                text, var = src
                body = self.bool_expr(ctx.child(var), d - 1)
                ctx.deps.discard((var.name, var.origin))
                return (f"(count {var.name} in {text} where {body[0]})", ATOM)
        if form == "arith" and d > 0:
            left, right = self.num_expr(ctx, d - 1), self.num_expr(ctx, d - 1)
            return (f"{self.wrap(left, SUM)} {self.c.choice(['+', '-'])} {self.wrap(right, ATOM)}", SUM)
        chosen = self.pick(ctx, lambda t: isinstance(t, NumberType))
        return (chosen.text, ATOM) if chosen else (self.c.choice(NUMBERS), ATOM)

    def band_expr(self, ctx: Ctx, d: int) -> Frag | None:
        if self.c.chance(0.15):
            value = self.c.choice(["1万人以上10万人未満", "10万人以上", "1,000人未満（任意実施）", "10人以上50人未満"])
            return self.call("band", [self.string(ctx, value)])
        chosen = self.pick(ctx, lambda t: isinstance(t, BandType))
        return (chosen.text, ATOM) if chosen else None

    def value_expr(self, ctx: Ctx, d: int) -> Frag:
        """A value of any type (placeholders, presence tests)."""
        form = self.c.weighted([(5, "path"), (1, "text"), (1, "date"), (1, "number"), (0.5, "bool")])
        if form == "text":
            return self.text_expr(ctx, d)[0]
        if form == "date":
            return self.date_expr(ctx, d)
        if form == "number":
            return self.num_expr(ctx, d)
        if form == "bool" and d > 0:
            return self.bool_expr(ctx, d - 1)
        chosen = self.pick(ctx, lambda t: not isinstance(t, ConflictType))
        return (chosen.text, ATOM) if chosen else ("基準日", ATOM)

    def list_source(self, ctx: Ctx) -> tuple[str, Var] | None:
        """A list to iterate (form lists, 本文, string-list consts), kept affordable on the example,
        and the variable that would take its items."""
        def size(x: Cand) -> int:
            last = x.parts[-1] if x.parts else x.head
            return SIZES.get(str(last), 8)

        found = [x for x in self.candidates(ctx, lambda t: isinstance(t, ListType)) if ctx.cost * size(x) <= MAX_COST]
        if not found:
            return None
        chosen = self.take(ctx, self.c.choice(found))
        assert isinstance(chosen.type, ListType)
        used = {v.name for v in ctx.vars} | {n.name for n in self.named}
        free = [n for n in VAR_NAMES if n not in used]
        name = self.c.choice(free) if free else f"v{len(ctx.vars)}"
        at_root = ROOT_DEP in chosen.deps and chosen.head in (None, "文書")
        shape = ".".join(str(p) for p in chosen.parts)
        if chosen.head == "本文":
            origin = "本文"
        elif at_root:
            origin = f"root:{shape}"
        else:
            origin = f"{chosen.head}:{shape}:{sorted(chosen.deps)}"
        source = None
        if isinstance(chosen.type.item, ObjectType) and chosen.is_path:
            source = f"文書.{self.parts_text(chosen.parts)}" if at_root else (chosen.text if chosen.head else None)
        return chosen.text, Var(name, chosen.type.item, origin, size(chosen), source)

    # ------------------------------------------------------------ statements
    def message(self, ctx: Ctx, requires: bool) -> str:
        flat = Ctx(ctx.kinds, ctx.vars, flat=True, deps=ctx.deps, cost=ctx.cost)
        pieces: list[str] = []
        for _ in range(self.c.integer(0, 4)):
            kind = self.c.weighted([(3, "text"), (3, "value"), (1 if requires else 0, "missing"), (0.3, "braces")])
            if kind == "text":
                pieces.append(self.c.choice(PROSE).replace('"', '\\"') if self.c.chance(0.5) else self.c.choice(PROSE))
            elif kind == "value":
                pieces.append("{" + self.value_expr(flat, 1)[0] + "}")
            elif kind == "missing":
                pieces.append("{不足}")
            else:
                pieces.append("{{" + self.c.choice(["a", "不足", ""]) + "}}")
        if self.fault("structure", 0.15):
            pieces.append(self.c.choice(["{委託.}", "{ }", "{不足}", "{a b}", "{count(}"]))
            self.detail.append("bad-placeholder")
        body = "".join(pieces)
        # Quotes inside a "…" string must be escaped; a 「…」 string takes no escapes.
        body = re.sub(r'(?<!\\)"', '\\"', body)
        return f'message "{body}"'

    def scopes(self, ctx: Ctx) -> tuple[Ctx, list[str]]:
        out = []
        for _ in range(self.c.weighted([(2, 0), (4, 1), (2, 2), (1, 3)])):
            src = self.list_source(ctx)
            if src is None:
                break
            text, var = src
            if self.fault("structure", 0.15):
                text = self.c.choice(["基準日", "1", '"abc"', "文書.評価書名"])
                self.detail.append("for-each-non-list")
            ctx = ctx.child(var)
            out.append(f"for each {var.name} in {text}")
        return ctx, out

    def rule(self, header_kinds: tuple[str, ...]) -> str:
        c = self.c
        own_kinds = c.choice(KIND_SETS) if c.chance(0.25) else ()
        kinds = own_kinds or header_kinds
        ctx = Ctx(kinds)
        rid = f"{c.choice(ID_PREFIXES)}-{len(self.rule_ids) + 1:03d}"
        if self.rule_ids and self.fault("structure", 0.2):
            rid = c.choice(self.rule_ids)
            self.detail.append("duplicate-id")
        self.rule_ids.append(rid)
        stmts: list[str] = []
        severity = c.choice(SEVERITIES)
        if self.fault("structure", 0.12):
            severity = c.choice(["fatal", "warn", "エラ"])
            self.detail.append("bad-severity")
        if not self.fault("structure", 0.1):
            stmts.append(f"severity {severity}")
        else:
            self.detail.append("no-severity")
        if own_kinds:
            kinds_text = ", ".join(own_kinds)
            if self.fault("structure", 0.3):
                kinds_text = "重点評価書"
                self.detail.append("bad-kind")
            stmts.append(f"applies to {kinds_text}")
        ctx, scope_stmts = self.scopes(ctx)
        stmts += scope_stmts
        if c.chance(0.2):
            stmts.append(f"as of {self.as_of(ctx)}")
        if c.chance(0.12):
            stmts.append(self.effective())
        if c.chance(0.6):
            cond = self.bool_expr(ctx, c.integer(1, 3))[0]
            if self.fault("structure", 0.15):
                cond = c.choice(["false", "文書.評価書名", "count(変更箇所)"])
                self.detail.append("bad-when")
            stmts.append(f"when {cond}")
        requires = c.chance(0.3)
        if requires:
            stmts.append(self.requires(ctx))
        elif not self.fault("structure", 0.15):
            stmts.append(f"require {self.bool_expr(ctx, c.integer(1, 3))[0]}")
        else:
            self.detail.append("no-require")
        if c.chance(0.25):
            target = self.pick(ctx, lambda t: not isinstance(t, ConflictType), paths_only=c.chance(0.8))
            if target is not None:
                stmts.append(f"at {target.text}")
        if c.chance(0.85):
            stmts.append(self.message(ctx, requires))
        if c.chance(0.3):
            stmts.append(f"hint {self.string(Ctx(()), c.choice(PROSE + TITLES))}")
        for _ in range(c.integer(0, 2) if c.chance(0.3) else 0):
            refs = ", ".join(self.string(Ctx(()), c.choice(REFERENCES)) for _ in range(c.integer(1, 3)))
            stmts.append(f"reference {refs}")
        if c.chance(0.12):
            stmts.append(f"description {self.string(Ctx(()), c.choice(TITLES))}")
        if self.fault("structure", 0.3):
            stmts.append(c.choice([s for s in stmts if not s.startswith(("for each", "reference"))] or ["when true"]))
            self.detail.append("duplicate-statement")
        if c.chance(0.15):  # statements in any order: scopes still nest in the order written
            keep = [s for s in stmts if s.startswith("for each")]
            rest = [s for s in stmts if not s.startswith("for each")]
            rest = [rest[i] for i in _permutation(c, len(rest))]
            stmts = rest[: len(rest) // 2] + keep + rest[len(rest) // 2:]
        title = self.string(Ctx(()), c.choice(TITLES))
        return self.block(f"rule {rid} {title} {{", stmts)

    def as_of(self, ctx: Ctx) -> str:
        if self.fault("structure", 0.2):
            self.detail.append("as-of-not-date")
            return self.c.choice(['"abc"', "1", "count(変更箇所)"])
        rows = [v for v in ctx.vars if isinstance(v.item, ObjectType) and "変更日" in v.item.fields]
        if rows and self.c.chance(0.5):
            var = self.c.choice(rows)
            ctx.deps.add((var.name, var.origin))
            return f"{var.name}.変更日"
        return self.date_expr(ctx, 1)[0]

    def effective(self) -> str:
        a, b = sorted([_date_text(self.c), _date_text(self.c)], key=_date_key)
        if self.fault("structure", 0.25):
            a, b = b, a
            self.detail.append("period-reversed")
        start = f" from {a}" if self.c.chance(0.8) else ""
        end = f" until {b}" if self.c.chance(0.5) else ""
        consts = [n.name for n in self.named if n.type == DATE and not n.deps]
        if consts and start and self.c.chance(0.3):
            start = f" from {self.c.choice(consts)}"
        if self.fault("structure", 0.2):
            start = ' from "明日"'
            self.detail.append("period-not-date")
        return f"effective{start}{end}"

    def requires(self, ctx: Ctx) -> str:
        cond = self.bool_expr(ctx, self.c.integer(0, 2))
        # The target is a path, or a term naming one; a term naming a computed text is legal syntax too.
        target = self.pick(ctx, lambda t: isinstance(t, TextType), paths_only=not self.c.chance(0.1))
        target_text = target.text if target else "文書.評価書名"
        if self.fault("structure", 0.25):
            target_text = self.c.choice(["基準日", "count(変更箇所)", "文書.公表日", "本文"])
            self.detail.append("requires-target")
        names = [self.matcher_ref(ctx) for _ in range(self.c.integer(0, 2))]
        with_clause = (" with" + self.brk(ctx) + " and ".join(names)) if names else ""
        cond_text = self.wrap(cond, SUM) if self.c.chance(0.5) else cond[0]
        return f"{cond_text} requires {target_text}{with_clause}"

    def block(self, head: str, stmts: list[str]) -> str:
        lines = [head + (f"  # {self.c.choice(['見出し', 'head'])}" if self.c.chance(0.05) else "")]
        for s in stmts:
            if self.c.chance(0.06):
                lines.append(f"{self.indent}# {self.c.choice(['前のコメント', 'before', '#'])}")
            tail = f"  # {self.c.choice(['行末', 'eol'])}" if self.c.chance(0.06) else ""
            lines.append(self.indent + s + tail)
        if self.c.chance(0.04):
            lines.append(f"{self.indent}# 終わり")
        lines.append("}" + ("  # 閉じ" if self.c.chance(0.04) else ""))
        return "\n".join(lines)

    def header(self) -> tuple[str, tuple[str, ...]]:
        c = self.c
        kinds = c.choice(KIND_SETS) if c.chance(0.3) else ()
        stmts = []
        if c.chance(0.6):
            stmts.append("reference " + ", ".join(self.string(Ctx(()), c.choice(REFERENCES)) for _ in range(c.integer(1, 3))))
        if c.chance(0.2):
            stmts.append(self.effective())
        if c.chance(0.3):
            stmts.append(f"description {self.string(Ctx(()), c.choice(TITLES))}")
        if kinds:
            stmts.append("applies to " + ", ".join(kinds))
        pid = c.choice(["CH", "ENT", "P", "表記"])
        return self.block(f"policy {pid} {self.string(Ctx(()), c.choice(TITLES))} {{", stmts), kinds

    def upfront_consts(self) -> None:
        c = self.c
        for _ in range(c.integer(0, 2)):
            form = c.integer(0, 4)
            name = self.fresh(NAMED_PREFIXES)
            if form == 0:
                self.named.append(Named(name, DURATION, frozenset(), None))
                self.blocks.append(f"const {name} = {c.choice(DURATIONS)}")
            elif form == 1:
                self.named.append(Named(name, DATE, frozenset(), None))
                self.blocks.append(f"const {name} = {_date_text(c)}")
            elif form == 2:
                self.named.append(Named(name, NumberType(), frozenset(), None))
                self.blocks.append(f"const {name} = {c.choice(NUMBERS)}")
            else:  # an alias of a document section or item, followed by `.field` where used
                want = (lambda t: isinstance(t, ObjectType)) if form == 3 else (lambda t: category(t) in ("date", "text", "choice"))
                paths = [(p, t) for p, t in field_paths(document_type(())) if want(t) and not isinstance(t, ConflictType)]
                parts, t = c.choice(paths)
                self.named.append(Named(name, t, frozenset(), (), is_path=True))
                self.blocks.append(f"const {name} = 文書.{'.'.join(str(p) for p in parts)}")

    def policy_file(self) -> str:
        c = self.c
        kinds: tuple[str, ...] = ()
        if c.chance(0.6):
            head, kinds = self.header()
            self.blocks.append(head)
            if self.fault("structure", 0.1):
                self.blocks.append(self.header()[0])
                self.detail.append("second-header")
        self.upfront_consts()
        for _ in range(c.integer(0, 2)):
            self.define_matcher()
        for _ in range(c.weighted([(3, 1), (3, 2), (2, 3), (1, 4)])):
            self.blocks.append(self.rule(kinds))
        self.force_fault(kinds)
        if self.family == "deep":
            self.blocks.append(self.deep_rule())
        out = ""
        for block in self.blocks:
            if out:
                out += "\n\n" if c.chance(0.7) or block.startswith(("rule", "policy")) else "\n"
            if c.chance(0.05):
                out += f"# {c.choice(['コメント', 'comment', '#!'])}\n"
            out += block
        if c.chance(0.05):
            out += "\n\n# 最後のコメント"
        return out + ("\n" if c.chance(0.9) else "")

    # ------------------------------------------------------------ faults that did not happen by chance
    def force_fault(self, kinds: tuple[str, ...]) -> None:
        """Make sure a fault family's case holds at least one fault of its kind."""
        if self.faults or self.family not in ("choice", "regex", "arity", "structure"):
            return
        if self.family == "choice":
            body = f'文書.評価書の種類 == "{self.c.choice(["重点評価書", "基礎項目評価", "全項目"])}"'
            self.detail.append("forced")
        elif self.family == "regex":
            body = f'文書.評価書名 matches "{self.c.choice(BROKEN_REGEXES)}"'
            self.detail.append("forced")
        elif self.family == "arity":
            name = self.c.choice(sorted(REGISTRY))
            arity = len(REGISTRY[name].params)
            args = ", ".join(["文書.評価書名"] * self.c.choice([n for n in range(4) if n != arity]))
            body = f"{name}({args}) is present"
            self.detail.append(f"forced-arity:{name}")
        else:
            body = self.c.choice(["false", "count(変更箇所)"])
            self.detail.append("forced-when")
            self.blocks.append(self.block(f'rule F-{len(self.rule_ids) + 1} "fault" {{',
                                          ["severity error", f"when {body}", "require 基準日 is present"]))
            return
        self.blocks.append(self.block(f'rule F-{len(self.rule_ids) + 1} "fault" {{',
                                      ["severity error", f"require {body}"]))

    # ------------------------------------------------------------ deep nesting
    def deep_rule(self) -> str:
        c = self.c
        kind = c.choice(["parens", "not", "plus", "and", "quantifiers", "scopes", "terms", "lists", "calls",
                         "placeholders"])
        n = c.integer(1, {"parens": 70, "not": 200, "plus": 400, "and": 400, "quantifiers": 40, "scopes": 40,
                          "terms": 24, "lists": 60, "calls": 120, "placeholders": 200}[kind])
        self.detail.append(f"{kind}×{n}")
        stmts = ["severity warning"]
        one = self.fresh(NAMED_PREFIXES)
        self.blocks.append(f'const {one} = ["一つ"]')
        if kind == "parens":
            stmts.append("require " + "(" * n + "文書.評価書名 is present" + ")" * n)
        elif kind == "not":
            stmts.append("require " + "not " * n + "(文書.評価書名 is present)")
        elif kind == "plus":
            stmts.append("require count(変更箇所)" + " + 1" * n + " > 0")
        elif kind == "and":
            stmts.append("require " + " and\n      ".join(f'文書.評価書名 != "{i}"' for i in range(n)))
        elif kind == "quantifiers":
            head = " ".join(f"any q{i} in {one} satisfies" for i in range(n))
            stmts.append(f'require {head} q0 == "二つ"')
        elif kind == "scopes":
            stmts += [f"for each s{i} in {one}" for i in range(n)]
            stmts.append('require s0 == "二つ"')
        elif kind == "terms":
            first = self.fresh(NAMED_PREFIXES)
            self.blocks.append(f'term {first}0 = 文書.評価書名 contains "a"')
            for i in range(1, n):
                self.blocks.append(f"term {first}{i} = {first}{i - 1} and {first}{i - 1}")
            stmts.append(f"require {first}{n - 1}")
        elif kind == "lists":
            stmts.append('require 文書.評価書名 in ' + "[" * n + '"a"' + "]" * n)
        elif kind == "calls":
            stmts.append("require " + "text(" * n + "文書.評価書名" + ")" * n + ' == "a"')
        else:
            stmts.append("require 文書.評価書名 is present")
            stmts.append('message "' + "{文書.評価書名}・" * n + '"')
        return self.block(f'rule DEEP-{len(self.rule_ids) + 1} "深い入れ子" {{', stmts)


def _is_path_text(text: str) -> bool:
    """Whether a term's body is a bare path (a name, `.name`s and `[n]`s)."""
    return re.fullmatch(r"[^\s\d\"「」(){}\[\].,=<>!+#:\-][^\s\"「」(){}=<>!+#:,]*", text.strip()) is not None


def _date_key(text: str) -> dt.date:
    from piarules.jpvalues import parse_date

    return parse_date(text)


def _permutation(c: Chooser, n: int) -> list[int]:
    items = list(range(n))
    for i in range(n - 1, 0, -1):
        j = c.integer(0, i)
        items[i], items[j] = items[j], items[i]
    return items


# ---------------------------------------------------------------- text-level mutations

TOKEN_RE = re.compile(r'"(?:[^"\\\n]|\\.)*"|「[^「」\n]*」|#[^\n]*|\n|[ \t]+|\d{4}-\d{1,2}-\d{1,2}'
                      r"|==|!=|<=|>=|[(){}\[\].,<>=+\-]|[^\s\"「」(){}\[\].,=<>!+#:\-][^\s\"「」(){}\[\].,=<>!+#:]*|.")
SIMILAR = {"の": "ノ", "再": "在", "有": "在", "者": "社", "日": "目", "項": "頂", "ー": "-", "事": "自", "委": "季"}


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


def misspell(c: Chooser, word: str) -> str:
    if len(word) < 2:
        return word + "x"
    i = c.integer(0, len(word) - 1)
    how = c.integer(0, 4)
    if how == 0:
        return word[:i] + word[i + 1:] or "x"
    if how == 1 and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if how == 2:
        return word[:i] + SIMILAR.get(word[i], word[i] + word[i]) + word[i + 1:]
    if how == 3:
        return word + "等"
    return word[:i] + word[i] + word[i:]


def typo_mutation(c: Chooser, text: str) -> str:
    """Misspell one or two names (fields, variables, terms, matchers, functions) in the file."""
    toks = tokens(text)
    names = [i for i, t in enumerate(toks) if t[0] not in "\"「#\n \t" and t not in KEYWORDS
             and not re.fullmatch(r"[\d(){}\[\].,<>=+\-!]+|\d{4}-.*", t)
             and (i < 2 or toks[i - 2] not in ("rule", "policy"))]
    for _ in range(c.integer(1, 2)):
        if names:
            i = c.choice(names)
            toks[i] = misspell(c, toks[i])
    return "".join(toks)


MUTATIONS = ["drop-token", "duplicate-token", "swap-tokens", "insert-keyword", "delete-char", "truncate",
             "duplicate-line", "drop-line", "unbalance", "keyword-typo"]


def token_mutation(c: Chooser, text: str) -> tuple[str, str]:
    """One token-level damage: the parser must answer with located diagnostics, never a traceback."""
    toks = tokens(text)
    solid = [i for i, t in enumerate(toks) if not t.isspace()]
    what = c.choice(MUTATIONS)
    if not solid:
        return text + "}", what
    i = c.choice(solid)
    if what == "drop-token":
        del toks[i]
    elif what == "duplicate-token":
        toks.insert(i, toks[i] + " ")
    elif what == "swap-tokens":
        j = solid[min(solid.index(i) + 1, len(solid) - 1)]
        toks[i], toks[j] = toks[j], toks[i]
    elif what == "insert-keyword":
        toks.insert(i, c.choice([*KEYWORDS, "{", "}", "(", ")", "[", "]", "=", "==", ",", ".", '"', "「", "\n"]) + " ")
    elif what == "delete-char":
        t = toks[i]
        k = c.integer(0, len(t) - 1)
        toks[i] = t[:k] + t[k + 1:]
    elif what == "truncate":
        return "".join(toks[:i]), what
    elif what in ("duplicate-line", "drop-line"):
        lines = text.split("\n")
        k = c.integer(0, len(lines) - 1)
        if what == "duplicate-line":
            lines.insert(k, lines[k])
        else:
            del lines[k]
        return "\n".join(lines), what
    elif what == "unbalance":
        toks.insert(i, c.choice(["(", ")", "[", "]", "{", "}", '"', "「", "」"]))
    else:
        kw = [j for j in solid if toks[j] in KEYWORDS]
        if kw:
            j = c.choice(kw)
            toks[j] = misspell(c, toks[j])
    return "".join(toks), what
