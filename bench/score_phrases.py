"""Prose engine: precision/recall of states, denies and co-occurrence on the corpora; speed on the example.

Scores (gold from tests/prose/*.yaml; known_wrong cases count as what the engine answers):
- states / denies per polarity case: gold = the case expects some affirmed / denied mention;
- co-occurrence (and phrase/set) match per match case: gold = the case expects a match; also the
  share of matched cases whose spans are exactly the expected ones.
Each line also shows a baseline: what today's policy matchers do (substring `contains`, and the
changelog 否定 regex `term[にとはへ]{0,3}(当たらない|該当しない|あたらない)`).

Speed: every text value of examples/sumida-kokuho/assessment.yaml × every standard synonym set and
a few phrases / co-occurrences, cold (caches cleared) and cached.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from common import EXAMPLE, ROOT

sys.path.insert(0, str(ROOT))

from piarules.document import load_document
from piarules.jpvalues import compact_text, normalize_text
from piarules.prose import (
    CoOccurrence,
    Phrase,
    Scope,
    SynonymSet,
    clear_caches,
    co_occurrences,
    denies,
    find,
    mentions,
    standard_synonyms,
    states,
)
from tests.prose.corpus import Case, load_cases


def _sets(pattern: Any) -> tuple[SynonymSet, ...]:
    if isinstance(pattern, SynonymSet):
        return (pattern,)
    return pattern.parts if isinstance(pattern, Phrase) else pattern.sets


def baseline_states(text: str, pattern: Any) -> bool:
    return all(any(compact_text(t) in compact_text(text) for t in s.terms) for s in _sets(pattern))


def baseline_denies(text: str, pattern: Any) -> bool:
    terms = "|".join(re.escape(normalize_text(t)) for s in _sets(pattern) for t in s.terms)
    return re.search(f"(?:{terms})[にとはへ]{{0,3}}(当たらない|該当しない|あたらない)", normalize_text(text)) is not None


def score(pairs: Iterable[tuple[bool, bool]]) -> str:
    tp = fp = fn = 0
    for gold, pred in pairs:
        tp += gold and pred
        fp += pred and not gold
        fn += gold and not pred
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return f"precision {precision:6.1%}  recall {recall:6.1%}  (tp {tp}, fp {fp}, fn {fn})"


def polarity_scores(name: str, cases: list[Case]) -> None:
    print(f"{name} ({len(cases)} cases)")
    checks: list[tuple[str, str, Callable[[str, Any], bool], Callable[[str, Any], bool]]] = [
        ("states", "affirmed", states, baseline_states), ("denies", "denied", denies, baseline_denies)]
    for label, polarity, engine, baseline in checks:
        gold = [polarity in c.data["expect"] for c in cases]
        ours = [engine(c.data["text"], c.pattern) for c in cases]
        base = [baseline(c.data["text"], c.pattern) for c in cases]
        print(f"  {label:8} engine   {score(zip(gold, ours, strict=True))}")
        print(f"  {label:8} baseline {score(zip(gold, base, strict=True))}")
    exact = sum([m.polarity.value for m in mentions(c.data["text"], c.pattern)] == c.data["expect"] for c in cases)
    print(f"  every mention's polarity right: {exact}/{len(cases)} = {exact / len(cases):.1%}")


def match_scores(cases: list[Case]) -> None:
    print(f"match.yaml ({len(cases)} cases)")
    for label, kinds in (("co-occurrence", (CoOccurrence,)), ("phrase + set", (Phrase, SynonymSet))):
        chosen = [c for c in cases if isinstance(c.pattern, kinds)]
        found = [co_occurrences(c.data["text"], c.pattern) if isinstance(c.pattern, CoOccurrence)
                 else find(c.data["text"], c.pattern) for c in chosen]
        gold = [bool(c.data["expect"]) for c in chosen]
        print(f"  {label:14} engine   {score(zip(gold, [bool(f) for f in found], strict=True))}  [{len(chosen)} cases]")
        base = [baseline_states(c.data["text"], c.pattern) for c in chosen]
        print(f"  {label:14} baseline {score(zip(gold, base, strict=True))}")
        same = sum([m.text for m in f] == c.data["expect"] for c, f in zip(chosen, found, strict=True))
        print(f"  {label:14} matched text and span as expected: {same}/{len(chosen)}")


def texts(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from texts(v)


READ_BY_RULES = ("提出時期に係る説明", "変更後の記載", "再委託の許諾方法", "再委託事項", "保管場所")


def texts_under(value: Any, keys: tuple[str, ...], inside: bool = False) -> Iterable[str]:
    """Text values under the given keys: what today's text rules actually read."""
    if isinstance(value, str) and inside:
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from texts_under(v, keys, inside or k in keys)
    elif isinstance(value, list):
        for v in value:
            yield from texts_under(v, keys, inside)


def speed() -> None:
    doc, problems = load_document(EXAMPLE / "assessment.yaml")
    assert doc is not None, problems
    values = list(texts(doc.tree))
    table = standard_synonyms()
    patterns: list[Any] = [*list(table.values()), Phrase((table["日本国内"], table["保管"]), 6), Phrase((table["再委託"], table["許諾"]), 4), CoOccurrence((table["日本国内"], table["保管"]), Scope.CLAUSE), CoOccurrence((table["書面"], table["許諾"]), Scope.SENTENCE), CoOccurrence((table["クラウド"], table["クラウド認証"], table["日本国内"]), Scope.TEXT)]
    measure("all text values", values, patterns)
    measure(f"values under {'/'.join(READ_BY_RULES)}", list(texts_under(doc.tree, READ_BY_RULES)), patterns)


def measure(label: str, values: list[str], patterns: list[Any]) -> None:
    chars = sum(len(v) for v in values)
    print(f"speed, {label}: {len(values)} values ({chars:,} characters, {len(set(values))} distinct) "
          f"× {len(patterns)} patterns")

    def run() -> float:
        start = time.perf_counter()
        for v in values:
            for p in patterns:
                mentions(v, p)
        return time.perf_counter() - start

    clear_caches()
    cold = run()
    cached = min(run() for _ in range(5))
    print(f"  cold (caches cleared): {cold * 1000:.1f} ms   cached: {cached * 1000:.2f} ms")


def main() -> None:
    polarity_scores("polarity.yaml", load_cases("polarity.yaml"))
    polarity_scores("heldout.yaml (not used for tuning)", load_cases("heldout.yaml"))
    match_scores(load_cases("match.yaml"))
    speed()


if __name__ == "__main__":
    main()
