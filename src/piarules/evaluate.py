"""Compiled rules × one document → findings.

Rules on a change row judge it as of the date their `as of` gives (e.g. the row's 変更日);
the others as of the run's as-of date. A rule's effective period is checked against that date.
Each rule gets a runner (nested scope loops as closures) built once, on first use.

A verdict that depends on an unreadable value (unknown, see compile.py) is neither a finding nor
a pass: the rule reports, once per item, that it could not check it, at the unreadable value's
place (an info finding marked `undecided` with the rule's severity, which the gate can count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from piarules.compile import CompiledRule
from piarules.diagnostics import Severity
from piarules.document import Document
from piarules.document.source_map import DocPath, format_path
from piarules.findings import Finding
from piarules.runtime import Fn, RunEnv, TextLeaf
from piarules.values import Unreadable, display, is_empty

Out = list[Finding]
AsOf = dt.date | Unreadable
"""A judging date; unknown when the date it is read from is unreadable."""
Runner = Callable[[RunEnv, Document, AsOf, Out], None]


def evaluate(rules: list[CompiledRule], document: Document, as_of: AsOf,
             companions: dict[str, dict[str, Any]] | None = None) -> list[Finding]:
    """Run every rule over the document (with the other documents of its set, by kind); findings
    come out in a stable order."""
    env = RunEnv(document.tree, as_of, companions)
    found: Out = []
    kind = document.kind
    unknown_kind = document.unreadable.get(("評価書の種類",))
    for rule in rules:
        limited = rule.checked.kinds and kind not in rule.checked.kinds
        if limited and unknown_kind is None:
            continue
        runner = rule.runner
        if runner is None or rule.runs == GENERATE_AFTER:
            runner = rule.runner = build_runner(rule, generated=rule.runs == GENERATE_AFTER)
        rule.runs += 1
        env.as_of = as_of  # a dated rule moves it per item; every rule starts from the run's date
        if limited:  # the kind is unknown: what the rule would report, it cannot know applies
            would: Out = []
            runner(env, document, as_of, would)
            if would:
                assert unknown_kind is not None  # INVARIANT: `limited` rules run only when the kind is unknown
                found.append(_undecided(rule, document, unknown_kind))
            continue
        runner(env, document, as_of, found)
    found.sort(key=Finding.sort_key)
    return merge_same_place(found)


def merge_same_place(found: list[Finding]) -> list[Finding]:
    """One finding per rule and document place: a rule that reads sub-items of one value (each
    citation, sentence or name in a text) reports the cell once, the first sub-item named and the
    others counted — the official fixes one cell, not 37 rows of one enumeration."""
    out: list[Finding] = []
    extra = 0
    for f in found:
        if out and out[-1].rule_id == f.rule_id and out[-1].path == f.path:
            extra += 1
            continue
        if extra:
            out[-1] = _with_count(out[-1], extra)
        out.append(f)
        extra = 0
    if extra:
        out[-1] = _with_count(out[-1], extra)
    return out


def _with_count(f: Finding, extra: int) -> Finding:
    from dataclasses import replace

    return replace(f, message=f"{f.message} (同じ記載にほか {extra} 件)", same_place=extra)


GENERATE_AFTER: int | None = 1
"""Documents a rule runs on as closures before its generated code (codegen.py) is built and
used: generating costs ≈ 1–3 ms a rule (the bundled library: ≈ 60–80 ms), which one document run
from the command line would pay and not win back; a batch pays it once, from its second
document. 0: generated at once; None: never (tests compare the two)."""


def build_runner(rule: CompiledRule, generated: bool = False) -> Runner:
    """The rule's check wrapped in one loop closure per `for each` scope, innermost first; a dated
    rule computes its judging date as soon as the scopes its `as of` reads are bound. Generated:
    a one-loop rule runs as one generated function, any other with generated conditions."""
    runner = None
    if generated:
        from piarules.codegen import generate_loop

        _generate_conditions(rule)
        runner = generate_loop(rule, _helpers())
    runner = runner or _loops(rule, _check_runner(rule))
    if rule.dated and rule.as_of_depth == 0:
        runner = _dated(rule, runner)
    if rule.when_outside_loops:
        return _guarded(rule, runner)
    if rule.guard is not None:
        return _unless_false(rule.guard, runner)
    return runner


def _loops(rule: CompiledRule, check: Runner) -> Runner:
    """The check inside one loop closure per scope, innermost first, with the per-item date
    where the rule's `as of` can first be computed."""
    runner = check
    for depth in range(len(rule.scopes) - 1, -1, -1):
        if rule.dated and depth + 1 == rule.as_of_depth:
            runner = _dated(rule, runner)
            if rule.dateless_after_date:
                runner = _unless_empty(rule.scopes[depth + 1][0], runner)
        if rule.may_match is not None and rule.may_match[0] == depth + 1:
            runner = _unless_false(rule.may_match[1], runner)
        runner = _loop(rule, depth, runner)
    return runner


def _unless_false(test: Fn, inner: Runner) -> Runner:
    """Run `inner` unless `test` is false. The tests passed here are false only when every
    `when` below would be false (a false conjunct makes an `and` false, unknown parts included),
    so nothing could be reported:
    - CompiledRule.guard, the loop-invariant head of `when`: false, the rule does not apply to
      the document (as with a wholly invariant `when`, a collection it cannot read is then not
      reported); true or unknown, every item is judged;
    - CompiledRule.may_match: no sentence of the item's text can hold the phrase its `when`
      requires; tested before the text is cut and the item's date computed."""

    def unless_false(env: RunEnv, doc: Document, as_of: AsOf, out: Out) -> None:
        if test(env) is not False:
            inner(env, doc, as_of, out)

    return unless_false


def _generate_conditions(rule: CompiledRule) -> None:
    """Replace the rule's condition closures by generated functions, those its runner calls (a
    generated loop writes its item's `when`, `require` and date itself)."""
    from piarules.codegen import generate, loopable

    context, checked = rule.context, rule.checked
    assert context is not None  # INVARIANT: compile_rule sets it
    looped = loopable(rule)
    if checked.when is not None and (rule.when_outside_loops or not looped):
        rule.when = generate(checked.when, context, "when")
    if checked.as_of is not None and (rule.as_of_depth != 1 or not looped):
        rule.as_of = generate(checked.as_of, context, "as_of")
    if checked.require is not None and not looped:
        rule.require = generate(checked.require, context, "require")
    if rule.requires is not None and checked.requires is not None:
        _, target, matchers = rule.requires
        rule.requires = (generate(checked.requires.condition, context, "condition"), target, matchers)


def _helpers() -> Any:
    from piarules.codegen import LoopHelpers

    return LoopHelpers(truth=_truth, report=_report, first_failing=_first_failing, undecided=_undecided,
                       judge_on_unknown_date=_judge_on_unknown_date, check=_check_runner)


def _dated(rule: CompiledRule, inner: Runner) -> Runner:
    """Set the judging date (the rule's `as of`, else the run's) and skip what is out of its period."""
    start, end = rule.checked.period
    as_of_of = rule.as_of

    def dated(env: RunEnv, doc: Document, as_of: AsOf, out: Out) -> None:
        if as_of_of is None:
            date: dt.date | Unreadable = as_of
        else:
            env.as_of = as_of
            value = as_of_of(env)
            date = value if value.__class__ is dt.date or isinstance(value, (dt.date, Unreadable)) else as_of
        if isinstance(date, Unreadable):
            _judge_on_unknown_date(rule, inner, env, doc, as_of, date, out)
            return
        if (start and date < start) or (end and date > end):
            return
        env.as_of = date
        inner(env, doc, as_of, out)
        env.as_of = as_of  # outer scopes' collections are evaluated as of the run's date

    return dated


def _unless_empty(collection: Any, dated: Runner) -> Runner:
    """Skip an item whose next collection holds nothing, before its date is computed: the loop
    over it would report nothing whatever the date (most texts cite no law). An unreadable
    collection goes on: what the rule reports about it depends on the date."""

    def unless_empty(env: RunEnv, doc: Document, as_of: AsOf, out: Out) -> None:
        items = collection(env)
        if items.__class__ is Unreadable or (isinstance(items, list) and items):
            dated(env, doc, as_of, out)

    return unless_empty


def _judge_on_unknown_date(rule: CompiledRule, inner: Runner, env: RunEnv, doc: Document, as_of: AsOf,
                           date: Unreadable, out: Out) -> None:
    """Judge an item whose date is unreadable with the date unknown: what reads the date is
    unknown, what does not still decides (a text without citations needs no date). A rule
    limited to a period cannot know whether it applies: its findings become undecided."""
    found: Out = []
    env.as_of = date  # unknown: every closure passes it on
    inner(env, doc, as_of, found)
    env.as_of = as_of
    start, end = rule.checked.period
    if start is None and end is None:
        out.extend(found)
    elif found:
        out.append(_undecided(rule, doc, date))


def _guarded(rule: CompiledRule, loops: Runner) -> Runner:
    """Test a loop-invariant `when` once per document instead of once per item."""
    when = rule.when
    assert when is not None  # INVARIANT: when_outside_loops implies a when

    def guarded(env: RunEnv, doc: Document, as_of: AsOf, out: Out) -> None:
        if _truth(rule, doc, when(env), out):
            loops(env, doc, as_of, out)

    return guarded


def _loop(rule: CompiledRule, depth: int, inner: Runner) -> Runner:
    collection, locate = rule.scopes[depth]

    def loop(env: RunEnv, doc: Document, as_of: AsOf, out: Out) -> None:
        items = collection(env)
        if not isinstance(items, list) or not items:
            if items.__class__ is Unreadable:
                out.append(_undecided(rule, doc, items))
            return
        values, paths, indexes = env.values, env.paths, env.indexes
        if isinstance(items[0], TextLeaf):  # 本文: each item carries its own place
            indexes[depth] = -1
            for item in items:
                values[depth] = item
                paths[depth] = item.doc_path
                inner(env, doc, as_of, out)
            return
        paths[depth] = locate(env)
        for index, item in enumerate(items):
            values[depth] = item
            indexes[depth] = index
            inner(env, doc, as_of, out)

    return loop


def _check_runner(rule: CompiledRule) -> Runner:
    when = None if rule.when_outside_loops else rule.when
    require, requires = rule.require, rule.requires

    if when is None and requires is None and require is not None:
        def check_plain(env: RunEnv, doc: Document, as_of: AsOf, out: Out) -> None:
            holds = require(env)
            if holds is not True and _truth(rule, doc, holds, out) is False:
                _report(rule, env, doc, out, [], _first_failing(rule, env))

        return check_plain

    def check(env: RunEnv, doc: Document, as_of: AsOf, out: Out) -> None:
        if when is not None:
            applies = when(env)  # True / False without a call in the common case
            if applies is not True and (applies is False or not _truth(rule, doc, applies, out)):
                return
        if require is not None:
            holds = require(env)
            if holds is not True and (holds is False or _truth(rule, doc, holds, out) is False):
                _report(rule, env, doc, out, [], _first_failing(rule, env))
        if requires is not None:
            _check_requires(rule, env, doc, out)

    return check


def _truth(rule: CompiledRule, doc: Document, verdict: Any, out: Out) -> bool | None:
    """A verdict as true or false; None for an unknown one, after reporting that the rule could
    not check the item (so neither `if not …` nor `is False` acts on it)."""
    if verdict.__class__ is Unreadable:
        out.append(_undecided(rule, doc, verdict))
        return None
    return bool(verdict)


def _check_requires(rule: CompiledRule, env: RunEnv, doc: Document, out: Out) -> None:
    assert rule.requires is not None and rule.checked.requires is not None  # INVARIANT: compiled together
    condition, target, matchers = rule.requires
    if not _truth(rule, doc, condition(env), out):
        return
    value: Any = target(env)
    if value.__class__ is Unreadable:
        out.append(_undecided(rule, doc, value))
        return
    if is_empty(value):
        _report(rule, env, doc, out, [rule.checked.requires.target.label])
        return
    unmet = [desc for _, desc, test in matchers if not (isinstance(value, str) and test(value))]
    if unmet:
        _report(rule, env, doc, out, unmet)


def _first_failing(rule: CompiledRule, env: RunEnv) -> DocPath | None:
    """The place of the first conjunct of `require A and B …` that fails."""
    for test, locate in rule.require_parts or ():
        holds = test(env)
        if holds.__class__ is not Unreadable and not holds:
            return locate(env)
    return None


def _report(rule: CompiledRule, env: RunEnv, doc: Document, out: Out, missing: list[str],
            place: DocPath | None = None) -> None:
    """Append the rule's finding about the current item to `out`.

    A rule reports one finding per place (merge_same_place keeps the first it found there and
    counts the others: 37 stale citations in one cell are one finding). So a later one at a
    place the rule already reported into this same `out` appends that first finding again, to
    be counted, without locating it or formatting its message (most of a finding's cost).
    """
    path: DocPath = place or rule.blame(env) or _innermost_place(env, len(rule.scopes))
    key = (rule.checked.id, path)
    seen = env.reported.get(key)
    if seen is not None and seen[0] is out:
        out.append(seen[1])
        return
    finding = _finding(rule, env, doc, missing, path)
    env.reported[key] = (out, finding)  # holding `out` keeps its id from being reused by another list
    out.append(finding)


def _finding(rule: CompiledRule, env: RunEnv, doc: Document, missing: list[str], path: DocPath) -> Finding:
    checked = rule.checked
    found_path, located = doc.source_map.nearest(path)
    missing_key = None if found_path == path else str(path[len(found_path)])
    message = rule.message(env, missing)
    if missing and checked.rule.message is None:
        message = f"{message}: 次の記載がありません: " + "、".join(f"「{m}」" for m in missing)
    return Finding(
        rule_id=checked.id, severity=checked.severity, title=checked.rule.title, message=message,
        references=checked.references, hint=checked.rule.hint, span=located.key or located.value, path=path,
        missing_key=missing_key, policy_span=checked.rule.id_span, confidence=checked.confidence.value,
    )


def _undecided(rule: CompiledRule, doc: Document, unknown: Unreadable) -> Finding:
    """The rule could not check an item: it reads `unknown`. Reported at that value's place."""
    checked = rule.checked
    located = doc.source_map.nearest(unknown.path)[1]
    message = (f"{checked.rule.title}: 「{format_path(unknown.path)}」の値「{display(unknown)}」を読めないため、"
               "このルールはこの項目を確かめられませんでした")
    return Finding(
        rule_id=checked.id, severity=Severity.INFO, title=checked.rule.title, message=message,
        references=checked.references, hint=f"値を様式どおりに書き直してください ({unknown.reason})",
        span=located.value, path=unknown.path, policy_span=checked.rule.id_span,
        confidence=checked.confidence.value, undecided=checked.severity,
    )


def _innermost_place(env: RunEnv, depth: int) -> DocPath:
    for slot in range(depth - 1, -1, -1):
        if (place := env.place(slot)) is not None:
            return place
    return ()
