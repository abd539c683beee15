"""Which rules of a policy set run, and how loud: select / ignore by id or prefix, a severity per
rule, a minimum confidence (the project configuration, piarules.config, feeds it).

A selector is a rule id (`CH-007`) or a prefix of ids (`CH`, `LAW-01`); for severities the longest
matching selector wins. A selector that matches no rule is reported, never ignored: a typo must
not leave a rule running that the body meant to turn off.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from piarules.diagnostics import Confidence, Severity

if TYPE_CHECKING:
    from piarules.api import PolicySet


@dataclass(frozen=True)
class Selection:
    """The rule choices of a run (picklable: sent to worker processes)."""

    select: tuple[str, ...] = ()
    """Only rules matching one of these (empty: every rule)."""
    ignore: tuple[str, ...] = ()
    """Rules matching one of these do not run."""
    severity: tuple[tuple[str, Severity], ...] = ()
    """(selector, severity): the severity findings of matching rules get."""
    min_confidence: Confidence | None = None
    """Rules less sure than this do not run (None: every confidence)."""

    @property
    def empty(self) -> bool:
        return not (self.select or self.ignore or self.severity or self.min_confidence)


def matches(selector: str, rule_id: str) -> bool:
    return rule_id == selector or rule_id.startswith(selector)


def unmatched(selectors: Iterable[str], rule_ids: Iterable[str]) -> list[str]:
    """The selectors that match no rule id (typos)."""
    ids = list(rule_ids)
    return [s for s in selectors if not any(matches(s, r) for r in ids)]


def chosen(rule_id: str, confidence: Confidence, selection: Selection) -> bool:
    if selection.select and not any(matches(s, rule_id) for s in selection.select):
        return False
    if any(matches(s, rule_id) for s in selection.ignore):
        return False
    return selection.min_confidence is None or confidence.rank >= selection.min_confidence.rank


def severity_of(rule_id: str, default: Severity, selection: Selection) -> Severity:
    hits = [(len(s), severity) for s, severity in selection.severity if matches(s, rule_id)]
    return max(hits)[1] if hits else default


def apply_selection(policies: PolicySet, selection: Selection) -> PolicySet:
    """A policy set with only the chosen rules, at their configured severities (the given set
    is not changed: it may be shared)."""
    if selection.empty:
        return policies
    checked = []
    for rule in policies.check.rules:
        if chosen(rule.id, rule.confidence, selection):
            severity = severity_of(rule.id, rule.severity, selection)
            checked.append(rule if severity is rule.severity else dataclasses.replace(rule, severity=severity))
    by_id = {rule.id: rule for rule in checked}
    compiled = [r if by_id[r.checked.id] is r.checked else dataclasses.replace(r, checked=by_id[r.checked.id], runner=None)
                for r in policies.rules if r.checked.id in by_id]
    return dataclasses.replace(policies, check=dataclasses.replace(policies.check, rules=checked), rules=compiled)
