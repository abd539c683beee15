"""The long fuzz run: `python bench/fuzz.py --minutes N [--seed S] [--save DIR]`.

Runs the generators and the oracle of tests/fuzz/ (the CI runs them briefly through hypothesis)
with a seeded Random for N minutes, round-robin over the document families (mutations of
examples/sumida-kokuho/assessment.yaml) and the table families (TSV, CSV, xlsx); every
`--cli-every`th case also goes through the real command. Each case runs under an alarm
(`--case-seconds`) and the whole run under an address-space limit (`--max-memory-mb`), so a hang
or a memory blow-up is counted, not suffered. Prints cases and problems by family, then each
distinct problem with a seed that reproduces it (`--replay FAMILY:SEED`). Exit code 1 if any.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import signal
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzz.cases import DOCUMENT_FAMILIES, TABLE_FAMILIES, Case, document_case, table_case  # noqa: E402
from tests.fuzz.oracle import Outcome, check_cli_case, check_document_case, check_table_case  # noqa: E402


class CaseTimeout(BaseException):
    """Raised by the alarm: a BaseException, so no `except Exception` in piarules swallows it."""


def _alarm(signum: int, frame: object) -> None:
    raise CaseTimeout


def make_case(family: str, seed: int) -> Case:
    rng = random.Random(seed)
    return document_case(family, rng) if family in DOCUMENT_FAMILIES else table_case(family, rng)


def run_case(case: Case, policies: object, cli: bool, seconds: int) -> Outcome:
    signal.alarm(seconds)
    try:
        if cli:
            return check_cli_case(case)
        if case.family in DOCUMENT_FAMILIES:
            return check_document_case(case, policies)  # type: ignore[arg-type]
        return check_table_case(case)
    except CaseTimeout:
        return Outcome([f"hang: no result after {seconds} s"], float(seconds))
    except MemoryError:
        return Outcome(["memory: MemoryError outside piarules' own handling"])
    finally:
        signal.alarm(0)


def signature(problem: str) -> str:
    """Problems that differ only in numbers, paths or quoted values are the same problem."""
    text = re.sub(r"/tmp/\S+", "<tmp>", problem)
    text = re.sub(r"「[^」]*」", "「…」", text)
    return re.sub(r"\d+", "N", text)[:240]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--families", default=",".join(DOCUMENT_FAMILIES + TABLE_FAMILIES))
    parser.add_argument("--cli-every", type=int, default=25, help="every Nth case also through the CLI (0: never)")
    parser.add_argument("--case-seconds", type=int, default=60)
    parser.add_argument("--max-memory-mb", type=int, default=3072)
    parser.add_argument("--save", type=Path, help="write each failing input here")
    parser.add_argument("--replay", help="FAMILY:SEED: run one case and print its problems")
    args = parser.parse_args()

    from piarules.api import bundled_policy_dir, load_policies

    limit = args.max_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, _alarm)
    policies = load_policies([bundled_policy_dir()])
    if args.replay:
        family, seed = args.replay.split(":")
        case = make_case(family, int(seed))
        outcome = run_case(case, policies, False, args.case_seconds)
        print(case, f"{outcome.seconds:.2f} s", *outcome.problems, sep="\n  ")
        return 1 if outcome.problems else 0

    families = args.families.split(",")
    cases: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    cli_cases = 0
    slowest: dict[str, float] = defaultdict(float)
    total_seconds: dict[str, float] = defaultdict(float)
    problems: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    deadline = time.monotonic() + args.minutes * 60
    n = 0
    print(f"fuzz: seed {args.seed}, {args.minutes} min, families {', '.join(families)}", flush=True)
    while time.monotonic() < deadline:
        family = families[n % len(families)]
        seed = args.seed * 1_000_003 + n
        n += 1
        try:
            case = make_case(family, seed)
        except Exception as exc:  # a generator bug is ours, not piarules': report it apart
            problems[f"generator: {type(exc).__name__}: {exc}"].append((family, seed, ""))
            continue
        cli = bool(args.cli_every) and n % args.cli_every == 0
        outcome = run_case(case, policies, cli, args.case_seconds)
        cases[family] += 1
        cli_cases += cli
        total_seconds[family] += outcome.seconds
        slowest[family] = max(slowest[family], outcome.seconds)
        if outcome.problems:
            failed[family] += 1
            for problem in outcome.problems:
                problems[signature(problem)].append((family, seed, case.description))
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"{family}-{seed}{case.suffix}").write_bytes(case.data)
        if n % 200 == 0:
            print(f"  {n} cases, {sum(failed.values())} with problems", flush=True)

    print(f"\n{'family':<12}{'cases':>8}{'problems':>10}{'mean ms':>10}{'max s':>8}")
    for family in families:
        if cases[family]:
            mean = 1000 * total_seconds[family] / cases[family]
            print(f"{family:<12}{cases[family]:>8}{failed[family]:>10}{mean:>10.0f}{slowest[family]:>8.2f}")
    print(f"{'total':<12}{sum(cases.values()):>8}{sum(failed.values()):>10}   ({cli_cases} through the CLI)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the run: {peak_mb:.0f} MB (limit {args.max_memory_mb} MB); seed {args.seed}")
    for text, where in sorted(problems.items(), key=lambda kv: -len(kv[1])):
        family, seed, description = where[0]
        print(f"\n[{len(where)}×] {text}\n  e.g. --replay {family}:{seed}  ({description[:150]})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
