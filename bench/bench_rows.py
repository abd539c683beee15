"""Rules linear in the change log: the bundled policies over one document whose 変更箇所 is the
example's own 137 rows cycled to 2,500 / 5,000 / 10,000 / 20,000 rows (bench/generate.py).

Prints the whole library's evaluation time per size (and its growth: linear rules double when
the rows double), the slowest rules at 20,000 rows, and the load time apart. Evaluation is
timed on a loaded document (load not included), the second evaluation of the same document
(per-text memo tables warm: the rows repeat their texts, so what is timed is the rules'
own work over the rows; from the second evaluation on, each rule runs as its generated code,
evaluate.GENERATE_AFTER). The collector is set as `piarules eval` sets it once its policies are
loaded (batch.settle_heap: what lives for the run frozen, young collections less often); the
last size is timed again with Python's default collector settings, for comparison.

    python bench/bench_rows.py [--rows 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import time

from common import EXAMPLE
from generate import with_rows

from piarules.api import bundled_policy_dir, load_policies
from piarules.batch import settle_heap
from piarules.document import load_document_text
from piarules.evaluate import evaluate

AS_OF = dt.date(2026, 4, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="evaluations timed per size (the median is compared)")
    args = parser.parse_args()
    policies = load_policies([bundled_policy_dir()])
    settle_heap()  # as `piarules eval` does after loading its policies
    base = (EXAMPLE / "assessment.yaml").read_text(encoding="utf-8")
    sizes = sorted({max(args.rows // 8, 1), max(args.rows // 4, 1), max(args.rows // 2, 1), args.rows})
    previous = None
    for rows in sizes:
        text = with_rows(base, rows)
        start = time.perf_counter()
        doc, problems = load_document_text(text, f"rows{rows}.yaml")
        load = time.perf_counter() - start
        assert doc is not None, problems
        evaluate(policies.rules, doc, AS_OF)  # warm the per-text tables
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            found = evaluate(policies.rules, doc, AS_OF)
            times.append(time.perf_counter() - start)
        seconds = statistics.median(times)
        growth = f"  ×{seconds / previous:.1f} for ×{rows / sizes[sizes.index(rows) - 1]:.0f} rows" if previous else ""
        print(f"{rows:>6} rows: evaluate median {seconds:6.2f} s (min {min(times):.2f}, max {max(times):.2f}, "
              f"n={len(times)}; {len(found)} findings){growth}; load {load:.2f} s")
        previous = seconds
    defaults = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    start = time.perf_counter()
    evaluate(policies.rules, doc, AS_OF)
    print(f"{args.rows:>6} rows with Python's default collector settings: evaluate {time.perf_counter() - start:6.2f} s")
    gc.set_threshold(*defaults)
    per_rule = []
    for rule in policies.rules:
        start = time.perf_counter()
        evaluate([rule], doc, AS_OF)
        per_rule.append((time.perf_counter() - start, rule.checked.id))
    per_rule.sort(reverse=True)
    print(f"slowest rules at {args.rows:,} rows: " + ", ".join(f"{rid} {t:.2f} s" for t, rid in per_rule[:6]))
    print(f"target: {args.rows:,} rows < 2 s → {'met' if previous is not None and previous < 2 else 'missed'}")


if __name__ == "__main__":
    main()
