"""`piarules eval` on the bundled example from a cold process: median wall time of 7 runs."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time

from common import EXAMPLE, ROOT


def main() -> None:
    exe = shutil.which("piarules")
    command = [exe] if exe else [sys.executable, "-m", "piarules"]
    args = [*command, "eval", str(EXAMPLE / "assessment.yaml"), "--as-of", "2026-04-01"]
    times = []
    for _ in range(7):
        start = time.perf_counter()
        done = subprocess.run(args, cwd=ROOT, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        assert done.returncode == 1, done.stderr
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    python = time.perf_counter() - start
    print(f"piarules eval (example, 2,300 lines, bundled rules): median {statistics.median(times) * 1000:.0f} ms, "
          f"min {min(times) * 1000:.0f} ms  (target ≤ 250 ms; bare python start: {python * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
