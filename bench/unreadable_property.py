"""Exhaustive run of the unreadable-value property over every scalar of the bundled examples.

For each non-empty one-line scalar, replace it with garbage and check: the document still loads;
when the value is typed (it becomes unreadable), the decided findings are the clean ones minus
those of rules that report they could not decide, and nothing new is decided. Prints counts and
every violation. (tests/test_unreadable.py samples the same property on each test run.)

    python bench/unreadable_property.py [FILE.yaml …]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from piarules.api import (  # noqa: E402
    bundled_policy_dir,
    load_policies,
    run,
)
from piarules.document import load_document_text  # noqa: E402
from tests.test_unreadable import AS_OF, decided, scalar_paths, with_garbage  # noqa: E402


def check(file: Path) -> tuple[int, int, list[str]]:
    policies = load_policies([bundled_policy_dir()])
    text = file.read_text(encoding="utf-8")
    doc, _ = load_document_text(text, file.name)
    assert doc is not None
    clean = decided(run(policies, doc, AS_OF))
    tried = typed = 0
    problems = []
    for path in scalar_paths(doc.tree):
        changed = with_garbage(text, doc, path)
        if changed is None:
            continue
        tried += 1
        broken, diagnostics = load_document_text(changed, file.name)
        if broken is None:
            problems.append(f"{path}: the document became unreadable: {diagnostics[0].one_line()}")
            continue
        if path not in broken.unreadable:
            continue
        typed += 1
        found = run(policies, broken, AS_OF)
        undecided = {f.rule_id for f in found if f.undecided is not None}
        new = decided(found) - clean
        lost = {rule for rule, _ in clean - decided(found)} - undecided
        if new or lost:
            problems.append(f"{path}: new {sorted(new)[:3]} lost without 'undecided' {sorted(lost)}")
    return tried, typed, problems


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or sorted((ROOT / "examples").rglob("*.yaml"))
    failed = 0
    for file in files:
        start = time.perf_counter()
        tried, typed, problems = check(file)
        print(f"{file.relative_to(ROOT) if file.is_relative_to(ROOT) else file}: {tried} scalars replaced, "
              f"{typed} typed (unreadable), {len(problems)} violations, {time.perf_counter() - start:.0f} s")
        for problem in problems:
            print("  " + problem)
        failed += len(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
