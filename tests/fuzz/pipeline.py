"""One fuzz case through every stage, with the oracles, and what the runs add up to.

Stages: parse → check → compile → evaluate (on the bundled example and small generated
documents) → codegen → explain, and `fmt` on every case that parses cleanly. Oracles:

- no exception escapes any stage; every diagnostic has a place (file:line:col) in the policy;
- a case that does not parse has at least one diagnostic;
- evaluation never raises and every finding has a place in the YAML;
- `fmt` of every cleanly parsed case is sound (`fmt.check_sound`);
- generated code agrees with the closures: every rule run both ways (codegen.py at once, and
  closures only) gives the same findings on every document, small documents with unreadable
  values included (stage "codegen");
- `explain` agrees with `eval`: for each rule and small document, the bindings explain marks as
  fired are exactly as many as the rule's findings;
- no stage takes longer than `limit` seconds (a hang is reported like a crash).

A failure is a `Crash` with a signature (stage, exception, innermost piarules frame), so runs
can count distinct failures and tell the ones already reported (KNOWN_BUGS) from new ones.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import signal
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from piarules.check import check_policies
from piarules.compile import compile_rules
from piarules.diagnostics import Diagnostic, Severity
from piarules.document import Document, load_document, load_document_text
from piarules.document.forms import DOCUMENT_MODELS
from piarules.evaluate import evaluate
from piarules.explain import explain_rule, render
from piarules.fmt import check_sound, format_policy
from piarules.jpvalues import to_wareki
from piarules.schema import KINDS, object_type
from piarules.syntax import parse_policy
from piarules.type_system import BandType, DateType, ListType, NumberType, ObjectType, TextType, Type

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sumida-kokuho" / "assessment.yaml"
POLICY_PATH = "fuzz.pia"
AS_OF = dt.date(2026, 1, 1)
STAGES = ("parsed", "syntax clean", "check clean", "compiled", "ran", "fired")
"""What a case reached: an AST; no error while parsing; no error at all after checking;
compiled; evaluated on every document; at least one finding somewhere."""


class CaseTimeout(BaseException):
    """A stage ran out of time (BaseException: piarules' `except Exception` must not swallow it)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise CaseTimeout in the main thread after `seconds` (SIGALRM; no-op when 0).

    The alarm repeats every 0.1 s until the block is left: a CaseTimeout raised where Python
    cannot propagate it (a gc callback, a __del__) is lost, and the next one is not.
    """
    if seconds <= 0:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise CaseTimeout(f"more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Crash:
    stage: str
    kind: str
    """Exception class name, or the oracle that failed (unlocated, unsound-fmt, explain-mismatch …)."""
    where: str
    """Innermost piarules frame (module:function), or the diagnostic code."""
    message: str
    trace: str = field(default="", compare=False)

    @property
    def signature(self) -> tuple[str, str, str]:
        return (self.stage, self.kind, self.where)

    def __str__(self) -> str:
        return f"{self.stage}: {self.kind} at {self.where}: {self.message}"


@dataclass
class Outcome:
    stages: set[str] = field(default_factory=set)
    crashes: list[Crash] = field(default_factory=list)
    """A failed oracle stops the case, except an unsound `fmt` (the later stages do not use it)."""
    diagnostics: list[str] = field(default_factory=list)
    """Codes of the diagnostics, for the statistics."""

    @property
    def crash(self) -> Crash | None:
        return self.crashes[0] if self.crashes else None


@contextmanager
def _proposed_fmt_fixes(regex: bool, nots: bool) -> Iterator[None]:
    """pretty.py with the one-line fixes proposed to the lead (see test_regressions.py), for as long
    as the block runs: a crash that disappears with them is an instance of the reported bug."""
    from piarules import ast, pretty

    saved_regex, saved_expr = pretty._regex, pretty.Printer._expr

    def escaped_regex(pattern: str) -> str:
        escaped = re.sub(r'\\(?=[nt"\\]|$)', r"\\\\", pattern)
        return '"' + escaped.replace('"', '\\"').replace("\n", "\\n") + '"'

    def flat_not(self: pretty.Printer, node: ast.Expr, b: str, inside: bool) -> str:
        if isinstance(node, ast.Not) and isinstance(node.operand, ast.Not):
            return "not " + self.expr(node.operand, b, inside)
        return saved_expr(self, node, b, inside)

    if regex:
        pretty._regex = escaped_regex
    if nots:
        pretty.Printer._expr = flat_not
    try:
        yield
    finally:
        pretty._regex, pretty.Printer._expr = saved_regex, saved_expr


def _fmt_sound_with(text: str, regex: bool = False, nots: bool = False) -> bool:
    with _proposed_fmt_fixes(regex, nots):
        formatted, _ = format_policy(text, POLICY_PATH)
        return formatted is not None and check_sound(text, formatted, POLICY_PATH) is None


KNOWN_BUGS: dict[str, Callable[[Crash, str], bool]] = {
    # Reported bugs not fixed yet, each with a regression test in tests/fuzz/test_regressions.py
    # (xfail, strict): remove the entry when its fix lands and the test passes. The five bugs
    # found first (regex escapes and nested `not` in fmt, more than 32 scopes, exponential term
    # expansion, a computed requires target) are fixed.
}


def known_bug(crash: Crash, text: str) -> str | None:
    """The name of the reported bug this crash is an instance of, or None (a new one)."""
    return next((name for name, matches in KNOWN_BUGS.items() if matches(crash, text)), None)


def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/piarules/" in f.filename.replace("\\", "/")]
    if not frames:
        return "?"
    f = frames[-1]
    module = f.filename.replace("\\", "/").rsplit("/piarules/", 1)[-1].removesuffix(".py")
    return f"{module}:{f.name}"


def _crash(stage: str, exc: BaseException) -> Crash:
    return Crash(stage, type(exc).__name__, _where(exc), str(exc)[:300],
                 "".join(traceback.format_exception(exc))[-4000:])


def _unlocated(diagnostics: list[Diagnostic], text: str) -> Diagnostic | None:
    lines = text.count("\n") + 2
    for d in diagnostics:
        span = d.span
        if not d.code.startswith("PIA") or not d.message:
            return d
        if span is None or span.path != POLICY_PATH or not (1 <= span.line <= lines) or span.col < 1:
            return d
    return None


def run_case(text: str, documents: list[Document], small: list[Document], limit: float = 5.0) -> Outcome:
    """Run one policy text through every stage (see the module docstring for the oracles)."""
    out = Outcome()
    stage = "parse"
    try:
        with deadline(limit):
            policy, diagnostics = parse_policy(text, POLICY_PATH)
            out.diagnostics += [d.code for d in diagnostics]
            if (bad := _unlocated(diagnostics, text)) is not None:
                out.crashes.append(Crash(stage, "unlocated-diagnostic", bad.code, bad.one_line()))
                return out
            if policy is None:
                if not diagnostics:
                    out.crashes.append(Crash(stage, "no-ast-no-diagnostic", "-", "parse gave neither an AST nor a diagnostic"))
                return out
            out.stages.add("parsed")
            clean = not any(d.severity == Severity.ERROR for d in diagnostics)
            if clean:
                out.stages.add("syntax clean")
                stage = "fmt"
                formatted, _ = format_policy(text, POLICY_PATH)
                why = "format_policy refused a clean parse" if formatted is None else check_sound(text, formatted, POLICY_PATH)
                if why is not None:
                    out.crashes.append(Crash(stage, "unsound-fmt", why, why, f"--- formatted ---\n{formatted}"))
        stage = "check"
        with deadline(limit):
            result = check_policies([policy])
        out.diagnostics += [d.code for d in result.diagnostics]
        if (bad := _unlocated(result.diagnostics, text)) is not None:
            out.crashes.append(Crash(stage, "unlocated-diagnostic", bad.code, bad.one_line()))
            return out
        if not clean or not result.ok:
            return out
        out.stages.add("check clean")
        stage = "compile"
        with deadline(limit):
            rules = compile_rules(result)
        out.stages.add("compiled")
        stage = "evaluate"
        fired = False
        with deadline(limit):
            for document in [*documents, *small]:
                findings = evaluate(rules, document, AS_OF)
                for f in findings:
                    if f.span.line < 1 or not isinstance(f.message, str) or f.span.path != document.path:
                        out.crashes.append(Crash(stage, "unlocated-finding", f.rule_id, f"{f.rule_id} {f.span} {f.message!r}"))
                        return out
                fired |= bool(findings)
        out.stages.add("ran")
        if fired:
            out.stages.add("fired")
        stage = "codegen"
        with deadline(limit):
            mismatch = _generated_disagrees(result, [*documents, *small, *small_documents(0, 4, 0.3)])
        if mismatch:
            out.crashes.append(Crash(stage, "codegen-mismatch", mismatch.split(":")[0], mismatch))
        stage = "explain"
        with deadline(limit):
            mismatch = _explain_disagrees(rules, result.matchers, small)
        if mismatch:
            out.crashes.append(Crash(stage, "explain-mismatch", mismatch.split(":")[0], mismatch))
    except CaseTimeout as exc:
        out.crashes.append(Crash(stage, "CaseTimeout", "-", str(exc)))
    except Exception as exc:
        out.crashes.append(_crash(stage, exc))
    return out


def _generated_disagrees(result: Any, documents: list[Document]) -> str | None:
    """The first document where the generated code (codegen.py) and the closures alone give
    different findings (every field compared, in order); also on documents with unreadable values."""
    generated, plain = compile_rules(result), compile_rules(result)
    for document in documents:
        with closures_only():
            expected = evaluate(plain, document, AS_OF)
        with generated_after(0):
            got = evaluate(generated, document, AS_OF)
        if got != expected:
            first = next((i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b),
                         min(len(got), len(expected)))
            return (f"{(got or expected)[min(first, len(got or expected) - 1)].rule_id}: generated code and "
                    f"closures differ on {document.path} at finding #{first}: {got[first:first + 1]} vs "
                    f"{expected[first:first + 1]}")
    return None


@contextmanager
def closures_only() -> Iterator[None]:
    """Run rules with closures only (no generated code)."""
    with generated_after(None):
        yield


@contextmanager
def generated_after(documents: int | None) -> Iterator[None]:
    """Rules build their generated code after this many documents (0: at once; None: never)."""
    from piarules import evaluate as evaluate_module

    saved = evaluate_module.GENERATE_AFTER
    evaluate_module.GENERATE_AFTER = documents
    try:
        yield
    finally:
        evaluate_module.GENERATE_AFTER = saved


def _explain_disagrees(rules: list[Any], matchers: dict[str, Any], documents: list[Document]) -> str | None:
    """The first (rule, document) where explain's fired bindings differ from eval's findings."""
    for document in documents:
        findings: Counter[str] = Counter()
        for f in evaluate(rules, document, AS_OF):
            if f.undecided is None:
                findings[f.rule_id] += 1 + f.same_place  # findings at one place are merged
        for rule in rules:
            bindings = explain_rule(rule, document, AS_OF)
            render(rule, bindings, document, show_all=False, limit=2)
            fired = sum(1 for b in bindings if b.fired)
            if fired != findings[rule.checked.id]:
                return (f"{rule.checked.id}: explain marks {fired} binding(s) fired, eval has "
                        f"{findings[rule.checked.id]} finding(s) on {document.path}")
    return None


# ---------------------------------------------------------------- documents


@cache
def example_document() -> Document:
    document, diagnostics = load_document(EXAMPLE)
    assert document is not None, [d.one_line() for d in diagnostics]
    return document


PHRASES = ["委託先から書面による再委託申請を受け、許諾する", "クラウド事業者 ISO/IEC27017 の認証", "日本国内でのデータ保管",
           "当市の評価書", "当区", "番号法第19条第7号", "番号法第19条第8号", "重要な変更に当たらない", "重要な変更",
           "重大な変更", "特定個人情報情報ファイル", "SMAP", "令和5年4月1日", "(空欄)", "該当なし", "個人情報保護条例",
           "リスクを明らかに軽減する変更", "誤字の修正", "5件", "再委託事項", "更に再委託", "ＩＳＯ／ＩＥＣ　２７０１７"]
ITEM_LABELS = ["委託の有無", "Ⅱ 特定個人情報ファイルの概要 5. 給付管理ファイル ⑩再委託の有無 ※", "リスク対策 委託",
               "Ⅰ 基本情報 4 個人番号の利用 法令上の根拠", "評価実施手続 基礎項目評価 実施日", "対象人数", "保管場所"]
BODIES = ["墨田区長", "横浜市長", "○○町長", "△△村教育委員会", "後期高齢者医療広域連合長", "厚生労働大臣"]
SKIP = frozenset({"項目の解析", "出典", "原文"})


def _date(rng: random.Random) -> str:
    day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 4200))
    return day.isoformat() if rng.random() < 0.5 else to_wareki(day)


ODD_VALUES = ["不明", "令和元年度中", "約3万人", "三件以上", "未定", "1万人前後"]
"""Values no form model can read (dates, bands, counts, choices): unreadable, unknown to the rules."""


def _value(rng: random.Random, name: str, t: Type, depth: int, odd: float = 0.0) -> Any:
    if odd and rng.random() < odd and (isinstance(t, DateType | BandType | NumberType) or
                                       (isinstance(t, TextType) and t.choices)):
        return rng.choice(ODD_VALUES)
    if isinstance(t, TextType):
        if t.choices:
            return rng.choice(t.choices) if rng.random() < 0.92 else "(空欄)"
        return "・".join(rng.sample(PHRASES, rng.randint(1, 2)))
    if isinstance(t, DateType):
        return _date(rng)
    if isinstance(t, BandType):
        return rng.choice(t.choices) if t.choices else "1万人以上10万人未満"
    if isinstance(t, NumberType):
        return f"{rng.randint(0, 3)}件" if name == "委託の有無" else rng.randint(1, 5)
    if isinstance(t, ListType) and isinstance(t.item, ObjectType):
        n = rng.randint(2, 6) if name == "変更箇所" else rng.randint(0, 3)
        return [_object(rng, t.item, depth + 1, name, odd) for _ in range(n)]
    if isinstance(t, ObjectType):
        return _object(rng, t, depth + 1, name, odd)
    return None


def _object(rng: random.Random, t: ObjectType, depth: int, owner: str, odd: float = 0.0) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, ft in t.fields.items():
        if name in SKIP or rng.random() > (0.85 if depth <= 1 else 0.55):
            continue
        if owner == "変更箇所" and name == "項目":
            out[name] = rng.choice(ITEM_LABELS)
            continue
        if name == "実施の有無" and owner == "監査":  # check boxes: the form's labels only
            out[name] = " ".join(rng.sample(["自己点検", "内部監査", "外部監査"], rng.randint(1, 2)))
            continue
        value = _value(rng, name, ft, depth, odd)
        if value is not None and value != {}:
            out[name] = value
    return out


def small_document_text(seed: int, odd: float = 0.0) -> str:
    """A small document of one kind with random items (values from the generator's vocabulary);
    `odd`: the share of dates, bands, counts and choices given a value the forms cannot read."""
    from piarules.importer import dump_yaml

    rng = random.Random(seed)
    kind = KINDS[seed % len(KINDS)]
    data = {"評価書の種類": kind, "評価実施機関名": rng.choice(BODIES), "公表日": _date(rng)}
    for name, ft in object_type(DOCUMENT_MODELS[kind]).fields.items():
        if name in data or rng.random() < 0.25:
            continue
        value = _value(rng, name, ft, 0, odd)
        if value not in (None, {}, []):
            data[name] = value
    return dump_yaml(data, f"# generated by tests/fuzz/pipeline.py (seed {seed})\n")


@cache
def small_documents(first_seed: int = 0, count: int = 4, odd: float = 0.0) -> tuple[Document, ...]:
    out = []
    for seed in range(first_seed, first_seed + count):
        text = small_document_text(seed, odd)
        document, diagnostics = load_document_text(text, f"small-{seed}.yaml")
        assert document is not None, [d.one_line() for d in diagnostics]
        out.append(document)
    return tuple(out)


# ---------------------------------------------------------------- statistics


@dataclass
class Stats:
    """Cases per family, how far each got, and the distinct crashes (with the smallest text seen)."""

    cases: Counter[str] = field(default_factory=Counter)
    reached: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    codes: Counter[str] = field(default_factory=Counter)
    crashes: dict[tuple[str, str, str, str], tuple[Crash, str, int]] = field(default_factory=dict)
    """(stage, kind, where, known bug or "NEW") → (crash, smallest case text, how many cases hit it)."""

    def record(self, family: str, text: str, outcome: Outcome) -> None:
        self.cases[family] += 1
        self.cases["all"] += 1
        for stage in outcome.stages:
            self.reached[family][stage] += 1
            self.reached["all"][stage] += 1
        self.codes.update(outcome.diagnostics)
        for crash in outcome.crashes:
            key = (*crash.signature, known_bug(crash, text) or "NEW")
            old = self.crashes.get(key)
            if old is None:
                self.crashes[key] = (crash, text, 1)
            else:
                smaller = (crash, text) if len(text) < len(old[1]) else old[:2]
                self.crashes[key] = (*smaller, old[2] + 1)

    def share(self, stage: str, family: str = "all") -> float:
        return self.reached[family][stage] / max(self.cases[family], 1)

    def table(self) -> str:
        families = ["all", *sorted(f for f in self.cases if f != "all")]
        head = f"{'family':<10} {'cases':>6} " + " ".join(f"{s:>12}" for s in STAGES)
        rows = [head]
        for f in families:
            rows.append(f"{f:<10} {self.cases[f]:>6} " + " ".join(f"{self.share(s, f):>11.0%} " for s in STAGES))
        return "\n".join(rows)


# ---------------------------------------------------------------- minimisation


def minimise(text: str, still_fails: Callable[[str], bool], budget: int = 400) -> str:
    """Delta debugging (ddmin) over lines, then over whitespace-separated words: the smallest
    text found for which `still_fails` holds, within `budget` trials."""
    trials = 0

    def ddmin(chunks: list[str], joiner: str) -> list[str]:
        nonlocal trials
        n = 2
        while len(chunks) >= 2 and trials < budget:
            size = max(len(chunks) // n, 1)
            reduced = False
            for start in range(0, len(chunks), size):
                candidate = chunks[:start] + chunks[start + size:]
                trials += 1
                if candidate and still_fails(joiner.join(candidate)):
                    chunks, n, reduced = candidate, max(n - 1, 2), True
                    break
                if trials >= budget:
                    break
            if not reduced:
                if n >= len(chunks):
                    break
                n = min(n * 2, len(chunks))
        return chunks

    lines = ddmin(text.split("\n"), "\n")
    words = ddmin("\n".join(lines).split(" "), " ")
    return " ".join(words)
