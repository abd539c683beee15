"""National scale, end to end, in one run: `piarules eval DIR --format jsonl --jobs J` over 100 /
1,000 / 10,000 generated seed-sized documents (bench/generate.py: the example, ≈ 245 KB, 1,660
lines, 137 change rows, with a per-document body name and sentence tokens), each as a fresh
process; docs/s, wall time and the peak RSS of the whole process tree (the command and its
workers, sampled from /proc). Then the cold start of one document against `python -c pass`,
measured in the same run.

Each size is run three times: with the caches empty (every document parsed and evaluated; the
document and result caches are written), with the document cache filled and the result cache
emptied (no document parsed, every document evaluated), and with both filled (no document
parsed or evaluated: the stored results are reported — a national batch run again on unchanged
documents). The policy cache (the checked policy set, parsed policy files, LALR tables) is warm in all
three: it is filled by a first run on the example. Per-text memo tables live in each worker
process and start empty in every run. Modules run from compiled bytecode, as `pip install`
leaves them (common.with_bytecode), as in bench_cli.py.

    python bench/bench_scale.py [--sizes 100,1000,10000] [--jobs 2] [--repeat 1] [--keep DIR]

The machine is shared: the load average is printed with each figure; compare ratios measured
in the same run rather than figures of different runs.
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
from pathlib import Path

import proctree
from common import EXAMPLE, ROOT, with_bytecode
from generate import write_documents


def piarules() -> list[str]:
    exe = shutil.which("piarules")
    return [exe] if exe else [sys.executable, "-m", "piarules"]


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def end_to_end(directory: Path, n: int, jobs: int, env: dict[str, str], repeat: int, filled: bool) -> None:
    documents = Path(env["PIARULES_CACHE_DIR"]) / "documents"
    results = Path(env["PIARULES_CACHE_DIR"]) / "results"
    for label in ("caches empty", "document cache filled", "result cache filled")[:3 if filled else 1]:
        runs = []
        for _ in range(repeat):
            if label == "caches empty":
                shutil.rmtree(documents, ignore_errors=True)
            if label != "result cache filled":
                shutil.rmtree(results, ignore_errors=True)
            runs.append(proctree.run([*piarules(), "eval", str(directory), "--format", "jsonl", "--jobs", str(jobs),
                                      "--as-of", "2026-04-01"], env=env, cwd=ROOT))
        seconds = statistics.median(r.seconds for r in runs)
        peak = max(r.peak_rss_mb for r in runs)
        print(f"{n:>6} documents, {jobs} jobs, {label}: {n / seconds:6.1f} docs/s ({seconds:6.1f} s), "
              f"peak RSS {peak:5.0f} MB  [{load()}]", flush=True)


def cold_start(env: dict[str, str], repeat: int) -> None:
    example = str(EXAMPLE / "assessment.yaml")
    eval_runs, pass_runs = [], []
    for _ in range(repeat):  # alternate, so both see the same load
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        pass_runs.append(time.perf_counter() - start)
        start = time.perf_counter()
        done = subprocess.run([*piarules(), "eval", example, "--as-of", "2026-04-01"], env=env, capture_output=True,
                              check=False, cwd=ROOT)
        eval_runs.append(time.perf_counter() - start)
        assert done.returncode == 1, done.stderr
    e, p = statistics.median(eval_runs) * 1000, statistics.median(pass_runs) * 1000
    print(f"cold eval of the example (all caches warm: the stored results are reported): median {e:.0f} ms; "
          f"python -c pass {p:.0f} ms; "
          f"difference {e - p:.0f} ms (target ≤ 150 ms)  [{load()}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="generate the documents here (and keep them)")
    parser.add_argument("--filled-upto", type=int, default=10_000,
                        help="run the filled-cache passes only for sizes up to this (the cache of 10,000 documents is 6 GB)")
    parser.add_argument("--no-cold", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="piarules-scale-"))
    env = with_bytecode({**os.environ, "PIARULES_CACHE_DIR": str(work / "cache")}, str(work / "bytecode"))
    env.pop("PIARULES_NO_CACHE", None)
    subprocess.run([*piarules(), "eval", str(EXAMPLE / "assessment.yaml"), "--as-of", "2026-04-01"], env=env,
                   capture_output=True, check=False)  # fills the caches and the bytecode, as the timed runs read them
    try:
        if not args.no_cold:
            cold_start(env, max(args.repeat, 7))
        for n in (int(x) for x in args.sizes.split(",")):
            directory = (args.keep or work) / f"docs{n}"
            if not directory.exists():
                write_documents(directory, n)
            end_to_end(directory, n, args.jobs, env, args.repeat, n <= args.filled_upto)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
