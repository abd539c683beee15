"""Long policy-fuzzing run: `python bench/fuzz_policies.py --minutes N`.

Generates whole policy files (tests/fuzz/policy_gen.py, plain `random`, one seed per case) and runs
each through parse → check → compile → evaluate → explain and fmt (tests/fuzz/pipeline.py, the
same oracles as the test suite). Prints the cases per family, the share of cases reaching each
stage, the diagnostic codes seen, and every distinct crash with a minimised example, marked
KNOWN (already reported: pipeline.KNOWN_BUGS) or NEW. Exit status 1 when a NEW crash was found.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["PIARULES_NO_CACHE"] = "1"  # every case goes through the parser; nothing is written to the cache

from piarules.document import Document  # noqa: E402
from tests.fuzz.pipeline import (  # noqa: E402
    STAGES,
    Crash,
    Stats,
    example_document,
    known_bug,
    minimise,
    run_case,
    small_documents,
)
from tests.fuzz.policy_gen import RandomChooser, generate_case  # noqa: E402


def reproduces(crash: Crash, bug: str | None, documents: list[Document], small: list[Document],
               limit: float) -> Callable[[str], bool]:
    """Whether a (smaller) text still fails the same way: same stage, kind, place and known bug."""

    def still_fails(text: str) -> bool:
        return any(c.signature == crash.signature and known_bug(c, text) == bug
                   for c in run_case(text, documents, small, limit).crashes)

    return still_fails


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0, help="first case seed (case i uses seed + i)")
    parser.add_argument("--limit", type=float, default=5.0, help="seconds a stage may take before it counts as a hang")
    parser.add_argument("--documents", type=int, default=8, help="small generated documents (3 per case, rotating)")
    parser.add_argument("--minimise", type=int, default=300, help="trials spent minimising each crash (0: none)")
    args = parser.parse_args()

    documents = [example_document()]
    pool = list(small_documents(0, args.documents))
    stats = Stats()
    start = time.perf_counter()
    end = start + args.minutes * 60
    report = start + 60
    seed = args.seed
    while time.perf_counter() < end:
        case = generate_case(RandomChooser(seed))
        small = [pool[(seed + k) % len(pool)] for k in range(min(3, len(pool)))]
        stats.record(case.family, case.text, run_case(case.text, documents, small, args.limit))
        seed += 1
        if time.perf_counter() > report:
            report += 60
            elapsed = time.perf_counter() - start
            print(f"[{elapsed / 60:5.1f} min] {stats.cases['all']} cases ({stats.cases['all'] / elapsed:.1f}/s), "
                  f"check clean {stats.share('check clean'):.0%}, crashes {len(stats.crashes)}", flush=True)
    elapsed = time.perf_counter() - start
    print(f"\n{stats.cases['all']} cases in {elapsed / 60:.1f} min ({stats.cases['all'] / elapsed:.1f} cases/s), "
          f"seeds {args.seed}…{seed - 1}, stage limit {args.limit} s, documents: the example + {len(pool)} small")
    print("\nshare of cases reaching each stage (" + ", ".join(STAGES) + "):")
    print(stats.table())
    print("\ndiagnostic codes: " + ", ".join(f"{code} {n}" for code, n in stats.codes.most_common()))
    new = 0
    print(f"\ncrashes: {len(stats.crashes)} distinct")
    for (*_, name), (crash, text, count) in sorted(stats.crashes.items(), key=lambda t: -t[1][2]):
        bug = None if name == "NEW" else name
        new += bug is None
        print(f"\n=== {'KNOWN: ' + bug if bug else 'NEW'}\n    {count} case(s); {crash}")
        shown = text
        if args.minimise and crash.kind != "CaseTimeout":  # a hang would cost `limit` per trial
            shown = minimise(text, reproduces(crash, bug, documents, pool[:3], args.limit), args.minimise)
        print("    minimised example:" if shown != text else "    smallest example:")
        print("\n".join("      " + line for line in shown.splitlines()[:40]))
        if bug is None and crash.trace:
            print("    traceback (end):\n" + "\n".join("      " + line for line in crash.trace.splitlines()[-12:]))
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
