"""Compiled rules × one document → findings.

Rules on a change row judge it as of the date their `as of` gives (e.g. the row's 変更日);
the others as of the run's as-of date. A rule's effective period is checked against that date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from piarules.compile import CompiledRule, RunEnv
from piarules.document import Document
from piarules.document.source_map import DocPath
from piarules.findings import Finding
from piarules.values import is_empty


def evaluate(rules: list[CompiledRule], document: Document, as_of: dt.date) -> list[Finding]:
    """Run every rule over the document; findings come out in a stable order."""
    env = RunEnv(document.tree, as_of)
    found: list[Finding] = []
    for rule in rules:
        if rule.checked.kinds and document.kind not in rule.checked.kinds:
            continue
        _scope(rule, env, 0, document, as_of, found)
    found.sort(key=Finding.sort_key)
    return found


def _scope(rule: CompiledRule, env: RunEnv, depth: int, doc: Document, as_of: dt.date,
           out: list[Finding]) -> None:
    if depth == len(rule.scopes):
        _check(rule, env, doc, as_of, out)
        return
    collection, locate = rule.scopes[depth]
    items = collection(env)
    if not isinstance(items, list):
        return
    base = locate(env)
    for index, item in enumerate(items):
        env.values[depth] = item
        own = getattr(item, "doc_path", None)  # 本文 items carry their own location
        env.paths[depth] = own if own is not None else (None if base is None else (*base, index))
        _scope(rule, env, depth + 1, doc, as_of, out)


def _judging_date(rule: CompiledRule, env: RunEnv, as_of: dt.date) -> dt.date:
    if rule.as_of is None:
        return as_of
    env.as_of = as_of
    value = rule.as_of(env)
    return value if isinstance(value, dt.date) else as_of


def _in_period(rule: CompiledRule, date: dt.date) -> bool:
    start, end = rule.checked.period
    return not ((start and date < start) or (end and date > end))


def _check(rule: CompiledRule, env: RunEnv, doc: Document, as_of: dt.date, out: list[Finding]) -> None:
    date = _judging_date(rule, env, as_of)
    if not _in_period(rule, date):
        return
    env.as_of = date
    if rule.when is not None and not rule.when(env):
        return
    if rule.require is not None and not rule.require(env):
        out.append(_finding(rule, env, doc, [], _first_failing(rule, env)))
    if rule.requires is not None:
        condition, target, matchers = rule.requires
        if not condition(env):
            return
        value: Any = target(env)
        if is_empty(value):
            label = rule.checked.requires.target.label if rule.checked.requires else "項目"
            out.append(_finding(rule, env, doc, [label]))
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
    path: DocPath = place or rule.blame(env) or _innermost_path(env, len(rule.scopes))
    found_path, located = doc.source_map.nearest(path)
    missing_key = None if found_path == path else str(path[len(found_path)])
    span = located.key or located.value
    message = rule.message(env, missing)
    if missing and checked.rule.message is None:
        message = f"{message}: 次の記載がありません: " + "、".join(f"「{m}」" for m in missing)
    return Finding(
        rule_id=checked.id, severity=checked.severity, title=checked.rule.title, message=message,
        references=checked.references, hint=checked.rule.hint, span=span, path=path,
        missing_key=missing_key, policy_span=checked.rule.id_span,
    )


def _innermost_path(env: RunEnv, depth: int) -> DocPath:
    for slot in range(depth - 1, -1, -1):
        if env.paths[slot] is not None:
            return env.paths[slot]  # type: ignore[return-value]
    return ()


