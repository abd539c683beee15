"""Evaluation speed, like for like: the compiled rules of bench/policies against the same 18 rules
written by hand in Python (bench/hand_written.py), over seeded generated documents
(bench/documents.py, 137 change rows each).

1. Load time, reported apart: parse + check + compile the policy set (no cache), and loading the
   documents (YAML → data + source map → validation → item analysis).
2. Both sides must give the same findings (rule, severity, title, message, references, path,
   YAML location, missing key, order) on every document, and every rule must fire on some
   document and stay quiet on another; otherwise the script stops before timing anything.
3. Evaluation only (documents already loaded; the rules run as their generated code, built
   from a rule's second document on: evaluate.GENERATE_AFTER), the two sides alternating document by document:
   documents per second for each side, their ratio (target: compiled ≥ 0.5 of hand-written,
   issue 15), and the compiled time of each rule.

    python bench/bench_eval.py [--documents 200] [--repeat 15] [--library]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

os.environ["PIARULES_NO_CACHE"] = "1"  # policy load time below is without the on-disk cache

from documents import AS_OF, RULES, document_text
from hand_written import GROUPS, evaluate_by_hand

from piarules.api import bundled_policy_dir, load_policies
from piarules.compile import CompiledRule
from piarules.document import Document, load_document_text
from piarules.evaluate import build_runner, evaluate
from piarules.findings import Finding

HERE = Path(__file__).resolve().parent
POLICIES = HERE / "policies"


def rounds(fn: Callable[[], object], repeat: int) -> list[float]:
    """Seconds of each of `repeat` calls (after one warm-up call); a collection first, none during setup."""
    fn()
    out = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def paired(documents: list[Document], first: Callable[[Document], object], second: Callable[[Document], object],
           repeat: int) -> tuple[list[float], list[float]]:
    """Seconds per round of each side over all documents, the two sides alternating document by
    document, which goes first alternating too (a busy moment of a shared machine, or a warm CPU
    cache, favours neither); one warm-up round."""
    a, b = [], []
    clock = time.perf_counter
    for round_ in range(repeat + 1):
        gc.collect()
        ta = tb = 0.0
        for i, document in enumerate(documents):
            if i % 2:
                start = clock()
                second(document)
                middle = clock()
                first(document)
                ta += clock() - middle
                tb += middle - start
            else:
                start = clock()
                first(document)
                middle = clock()
                second(document)
                tb += clock() - middle
                ta += middle - start
        if round_:
            a.append(ta)
            b.append(tb)
    return a, b


def spread(values: list[float], scale: float = 1.0, unit: str = "") -> str:
    v = sorted(x * scale for x in values)
    return f"median {statistics.median(v):.1f}{unit} (min {v[0]:.1f}, max {v[-1]:.1f}, n={len(v)})"


def key(f: Finding) -> tuple[object, ...]:
    return (f.rule_id, f.severity, f.title, f.message, f.references, f.hint, f.span, f.path, f.missing_key)


def same_findings(documents: list[Document], rules: list[CompiledRule], as_of: dt.date) -> Counter[str]:
    """Stop unless both sides agree on every document; count the documents each rule fires on."""
    fired: Counter[str] = Counter()
    for document in documents:
        compiled = [key(f) for f in evaluate(rules, document, as_of)]
        by_hand = [key(f) for f in evaluate_by_hand(document, as_of)]
        if compiled != by_hand:
            first = next((i for i, (a, b) in enumerate(zip(compiled, by_hand, strict=False)) if a != b),
                         min(len(compiled), len(by_hand)))
            sys.exit(f"findings differ on {document.path} at #{first}:\n  compiled: "
                     f"{compiled[first] if first < len(compiled) else '-'}\n  by hand:  {by_hand[first] if first < len(by_hand) else '-'}")
        fired.update({str(f[0]) for f in compiled})
    return fired


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--library", action="store_true", help="also time the bundled library on the same documents")
    args = parser.parse_args()

    start = time.perf_counter()
    policies = load_policies([POLICIES])
    first = time.perf_counter() - start
    assert policies.ok, [d.one_line() for d in policies.diagnostics]
    again = rounds(lambda: load_policies([POLICIES]), 5)
    print(f"policy set bench/policies: {len(policies.files)} files, {len(policies.rules)} rules")
    print(f"  parse + check + compile, no cache: first in the process {first * 1000:.0f} ms (builds the LALR parser); "
          f"again {spread(again, 1000, ' ms')}")
    fresh = load_policies([POLICIES]).rules  # a copy: generating here leaves the timed set as eval has it
    start = time.perf_counter()
    for rule in fresh:
        build_runner(rule, generated=True)
    print(f"  generating the rules' code (once per process, on each rule's second document): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")

    texts = [document_text(seed) for seed in range(args.documents)]
    loaded: list[Document] = []
    load_times = []
    for seed, text in enumerate(texts):
        t = time.perf_counter()
        document, problems = load_document_text(text, f"bench-{seed}.yaml")
        load_times.append(time.perf_counter() - t)
        assert document is not None, [d.one_line() for d in problems]
        loaded.append(document)
    rows = statistics.median(len(d.tree.get("変更箇所", [])) for d in loaded)
    size = statistics.median(len(t.encode()) for t in texts) / 1024
    print(f"documents: {args.documents} generated (bench/documents.py, seeds 0…{args.documents - 1}), "
          f"median {size:.0f} KB, {rows:.0f} change rows")
    print(f"  load (YAML → data + source map → validation → item analysis): {spread(load_times[1:], 1000, ' ms')} "
          f"per document; the first {load_times[0] * 1000:.0f} ms (builds the form validators)")

    fired = same_findings(loaded, policies.rules, AS_OF)
    never = [r for r in RULES if fired[r] == 0]
    always = [r for r in RULES if fired[r] == len(loaded)]
    if never or always:
        sys.exit(f"every rule must fire somewhere and stay quiet somewhere: never fires {never}, always fires {always}")
    findings = sum(len(evaluate(policies.rules, d, AS_OF)) for d in loaded)
    print(f"same findings on every document ({findings} in all; each rule fires on "
          f"{min(fired.values())}–{max(fired.values())} of {len(loaded)} documents and is quiet on the others)")

    compiled, by_hand = paired(loaded, lambda d: evaluate(policies.rules, d, AS_OF),
                               lambda d: evaluate_by_hand(d, AS_OF), args.repeat)
    n = len(loaded)
    rate_c, rate_h = n / statistics.median(compiled), n / statistics.median(by_hand)
    print(f"\nevaluation only, {len(RULES)} rules × {n} documents, {args.repeat} rounds, the sides alternating per document (and which goes first):")
    print(f"  compiled piarules: {rate_c:7.0f} documents/s  ({spread([t / n for t in compiled], 1000, ' ms')} per document)")
    print(f"  hand-written:      {rate_h:7.0f} documents/s  ({spread([t / n for t in by_hand], 1000, ' ms')} per document)")
    ratios = sorted(h / c for c, h in zip(compiled, by_hand, strict=True))
    print(f"  ratio compiled / hand-written: {rate_c / rate_h:.2f} (of the medians; of the fastest rounds "
          f"{min(by_hand) / min(compiled):.2f}; per round {ratios[0]:.2f}–{ratios[-1]:.2f}) — target ≥ 0.5, issue 15")

    print("\nby policy file, alternating per document as above (ms per document, median of 5 rounds):")
    for group in GROUPS:
        rules = [r for r in policies.rules if Path(r.checked.file).name == group]

        def compiled_group(d: Document, rules: list[CompiledRule] = rules) -> object:
            return evaluate(rules, d, AS_OF)

        def hand_group(d: Document, group: str = group) -> object:
            return evaluate_by_hand(d, AS_OF, (group,))

        c, h = paired(loaded, compiled_group, hand_group, 5)
        mc, mh = statistics.median(c) / n * 1000, statistics.median(h) / n * 1000
        print(f"  {group:<16} {len(rules):2d} rules   compiled {mc:5.2f}   hand-written {mh:5.2f}   ratio {mh / mc:.2f}")

    print("\ncompiled, per rule (ms per document, median of 3):")
    per_rule = []
    for rule in policies.rules:
        def one(rule: CompiledRule = rule) -> object:
            return [evaluate([rule], d, AS_OF) for d in loaded]

        times = rounds(one, 3)
        per_rule.append((statistics.median(times) / n * 1000, rule.checked.id))
    for ms, rule_id in sorted(per_rule, reverse=True):
        print(f"  {rule_id:<11} {ms:6.2f}")

    if args.library:
        library = load_policies([bundled_policy_dir()])
        whole = rounds(lambda: [evaluate(library.rules, d, AS_OF) for d in loaded], 3)
        print(f"\nbundled library ({len(library.rules)} rules) × {n} documents: {n / statistics.median(whole):.0f} documents/s")


if __name__ == "__main__":
    main()
