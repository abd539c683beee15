"""`piarules eval` on the bundled example from a new process, N times each:

- cold, no cache: PIARULES_NO_CACHE=1, so the policies are parsed and the LALR parser is built,
  the document is loaded and every rule runs (what a first run on a new machine or CI container
  pays);
- document changed: a private PIARULES_CACHE_DIR filled by one run first, its stored results
  removed before each run: the checked policy set and the loaded document come from the cache,
  the policies are compiled and every rule runs (what a run pays when its results are not
  stored but nothing needs parsing: a setting, waiver or baseline changed);
- document edited: the same cache, on a copy of the example with a comment line that changes in
  every run: the document cache misses too, so the document is parsed and validated again (what
  a pre-commit run after editing the document pays);
- unchanged: the same cache, results kept: the stored results are reported, nothing is loaded or
  evaluated (a pre-commit hook or CI run on an unchanged document);
- `python -c pass`: the interpreter alone, and `import typer`: the CLI framework, the floor of any
  typer command (typer is pinned below 0.29, whose options are converted through pydantic: ≈ 100 ms
  more on every run, `unchanged` included).

The OS file cache is warm in every case (the files were just read). Every command runs with its
modules' bytecode compiled, as `pip install` leaves them: writing bytecode is enabled for the
runs (into a private PYTHONPYCACHEPREFIX, filled by one warm-up run of each command) even where
the environment sets PYTHONDONTWRITEBYTECODE, which would make every run compile piarules'
modules from source again (20–70 ms more on this machine; `--source` measures that state). Prints the median, min,
max and N of each; target (issue 15): cold eval ≤ 150 ms.

    python bench/bench_cli.py [--runs 11] [--source]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from common import EXAMPLE, ROOT, with_bytecode


def timed(args: list[str], env: dict[str, str], expect: int) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    assert done.returncode == expect, (done.returncode, done.stderr.decode()[-500:])
    return elapsed


def show(label: str, times: list[float]) -> float:
    ms = sorted(t * 1000 for t in times)
    median = statistics.median(ms)
    print(f"  {label:<22} median {median:6.0f} ms   min {ms[0]:4.0f}   max {ms[-1]:4.0f}   (n={len(ms)})")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--source", action="store_true",
                        help="keep the environment's bytecode setting (PYTHONDONTWRITEBYTECODE: compiled from source)")
    args = parser.parse_args()
    exe = shutil.which("piarules")
    command = [exe] if exe else [sys.executable, "-m", "piarules"]
    evaluate = [*command, "eval", str(EXAMPLE / "assessment.yaml"), "--as-of", "2026-04-01"]
    base = {k: v for k, v in os.environ.items() if k not in ("PIARULES_NO_CACHE", "PIARULES_CACHE_DIR")}
    with tempfile.TemporaryDirectory(prefix="piarules-bench-cache-") as cache, \
            tempfile.TemporaryDirectory(prefix="piarules-bench-pyc-") as bytecode:
        if not args.source:
            base = with_bytecode(base, bytecode)
        cold = {**base, "PIARULES_NO_CACHE": "1"}
        warm = {**base, "PIARULES_CACHE_DIR": cache}
        timed(evaluate, warm, 1)  # fills the cache (and the bytecode)
        timed(evaluate, cold, 1)
        timed([sys.executable, "-c", "import typer"], base, 0)
        edited = os.path.join(cache, "edited", "assessment.yaml")
        os.makedirs(os.path.dirname(edited))
        original = (EXAMPLE / "assessment.yaml").read_bytes()
        edit = [edited if a == str(EXAMPLE / "assessment.yaml") else a for a in evaluate]
        runs: dict[str, list[float]] = {"cold": [], "changed": [], "edited": [], "unchanged": [], "python": [], "typer": []}
        for n in range(args.runs):  # interleaved, so a busy moment of the machine hits all alike
            runs["cold"].append(timed(evaluate, cold, 1))
            shutil.rmtree(os.path.join(cache, "results"), ignore_errors=True)
            runs["changed"].append(timed(evaluate, warm, 1))
            with open(edited, "wb") as f:  # new bytes: neither the document nor its results are cached
                f.write(original + f"# 編集 {n}\n".encode())
            runs["edited"].append(timed(edit, warm, 1))
            runs["unchanged"].append(timed(evaluate, warm, 1))
            runs["python"].append(timed([sys.executable, "-c", "pass"], base, 0))
            runs["typer"].append(timed([sys.executable, "-c", "import typer"], base, 0))
    state = "compiled from source each run (--source)" if args.source else "bytecode compiled, as pip install leaves it"
    print(f"piarules eval {EXAMPLE.relative_to(ROOT)}/assessment.yaml (bundled policies, exit 1 = findings; {state}):")
    cold_ms = show("cold, no cache", runs["cold"])
    changed_ms = show("document changed", runs["changed"])
    edited_ms = show("document edited", runs["edited"])
    unchanged_ms = show("unchanged (results)", runs["unchanged"])
    python_ms = show("python -c pass", runs["python"])
    show("import typer (floor)", runs["typer"])
    for label, ms in (("no cache", cold_ms), ("document changed", changed_ms), ("document edited", edited_ms),
                      ("unchanged", unchanged_ms)):
        over = ms - python_ms
        print(f"  target cold eval ≤ 150 ms over python (issue 15), {label}: {over:.0f} ms — "
              f"{'met' if over <= 150 else 'not met'}")


if __name__ == "__main__":
    main()
