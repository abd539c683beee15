"""Compiled rules × one document → findings.

Rules on a change row judge it as of the date their `as of` gives (e.g. the row's 変更日);
the others as of the run's as-of date. A rule's effective period is checked against that date.
Each rule gets a runner (nested scope loops as closures) built once, on first use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from piarules.compile import CompiledRule
from piarules.document import Document
from piarules.document.source_map import DocPath
from piarules.findings import Finding
from piarules.runtime import RunEnv, TextLeaf
from piarules.values import is_empty

Out = list[Finding]
Runner = Callable[[RunEnv, Document, dt.date, Out], None]


def evaluate(rules: list[CompiledRule], document: Document, as_of: dt.date,
             companions: dict[str, dict[str, Any]] | None = None) -> list[Finding]:
    """Run every rule over the document (with the other documents of its set, by kind); findings
    come out in a stable order."""
    env = RunEnv(document.tree, as_of, companions)
    found: Out = []
    kind = document.kind
    for rule in rules:
        if rule.checked.kinds and kind not in rule.checked.kinds:
            continue
        runner = rule.runner
        if runner is None:
            runner = rule.runner = build_runner(rule)
        env.as_of = as_of  # a dated rule moves it per item; every rule starts from the run's date
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

    return replace(f, message=f"{f.message} (同じ記載にほか {extra} 件)")


def build_runner(rule: CompiledRule) -> Runner:
    """The rule's check wrapped in one loop closure per `for each` scope, innermost first; a dated
    rule computes its judging date as soon as the scopes its `as of` reads are bound."""
    runner = _check_runner(rule)
    for depth in range(len(rule.scopes) - 1, -1, -1):
        if rule.dated and depth + 1 == rule.as_of_depth:
            runner = _dated(rule, runner)
        runner = _loop(rule, depth, runner)
    if rule.dated and rule.as_of_depth == 0:
        runner = _dated(rule, runner)
    if rule.when_outside_loops:
        return _guarded(rule, runner)
    return runner


def _dated(rule: CompiledRule, inner: Runner) -> Runner:
    """Set the judging date (the rule's `as of`, else the run's) and skip what is out of its period."""
    start, end = rule.checked.period

    def dated(env: RunEnv, doc: Document, as_of: dt.date, out: Out) -> None:
        date = _judging_date(rule, env, as_of)
        if (start and date < start) or (end and date > end):
            return
        env.as_of = date
        inner(env, doc, as_of, out)
        env.as_of = as_of  # outer scopes' collections are evaluated as of the run's date

    return dated


def _guarded(rule: CompiledRule, loops: Runner) -> Runner:
    """Test a loop-invariant `when` once per document instead of once per item."""
    when = rule.when
    assert when is not None  # INVARIANT: when_outside_loops implies a when

    def guarded(env: RunEnv, doc: Document, as_of: dt.date, out: Out) -> None:
        if when(env):
            loops(env, doc, as_of, out)

    return guarded


def _loop(rule: CompiledRule, depth: int, inner: Runner) -> Runner:
    collection, locate = rule.scopes[depth]

    def loop(env: RunEnv, doc: Document, as_of: dt.date, out: Out) -> None:
        items = collection(env)
        if not isinstance(items, list) or not items:
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
        def check_plain(env: RunEnv, doc: Document, as_of: dt.date, out: Out) -> None:
            if not require(env):
                out.append(_finding(rule, env, doc, [], _first_failing(rule, env)))

        return check_plain

    def check(env: RunEnv, doc: Document, as_of: dt.date, out: Out) -> None:
        if when is not None and not when(env):
            return
        if require is not None and not require(env):
            out.append(_finding(rule, env, doc, [], _first_failing(rule, env)))
        if requires is not None:
            _check_requires(rule, env, doc, out)

    return check


def _judging_date(rule: CompiledRule, env: RunEnv, as_of: dt.date) -> dt.date:
    if rule.as_of is None:
        return as_of
    env.as_of = as_of
    value = rule.as_of(env)
    return value if isinstance(value, dt.date) else as_of


def _check_requires(rule: CompiledRule, env: RunEnv, doc: Document, out: Out) -> None:
    assert rule.requires is not None and rule.checked.requires is not None  # INVARIANT: compiled together
    condition, target, matchers = rule.requires
    if not condition(env):
        return
    value: Any = target(env)
    if is_empty(value):
        out.append(_finding(rule, env, doc, [rule.checked.requires.target.label]))
        return
    unmet = [desc for _, desc, test in matchers if not (isinstance(value, str) and test(value))]
    if unmet:
        out.append(_finding(rule, env, doc, unmet))


def _first_failing(rule: CompiledRule, env: RunEnv) -> DocPath | None:
    """The place of the first conjunct of `require A and B …` that fails."""
    for test, locate in rule.require_parts or ():
        if not test(env):
            return locate(env)
    return None


def _finding(rule: CompiledRule, env: RunEnv, doc: Document, missing: list[str],
             place: DocPath | None = None) -> Finding:
    checked = rule.checked
    path: DocPath = place or rule.blame(env) or _innermost_place(env, len(rule.scopes))
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


def _innermost_place(env: RunEnv, depth: int) -> DocPath:
    for slot in range(depth - 1, -1, -1):
        if (place := env.place(slot)) is not None:
            return place
    return ()
