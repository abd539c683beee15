"""Check many documents: one at a time, or in parallel worker processes (`--jobs`), with a
progress bar on a terminal. One bad document never stops the others."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from piarules.api import PolicySet, load_policies, run
from piarules.baseline import Key, apply_baseline
from piarules.document import load_document
from piarules.findings import DocumentResult, Waiver
from piarules.waivers import apply_waivers


@dataclass(frozen=True)
class Settings:
    """What every document of a run is checked with (picklable, sent to workers)."""

    policy_paths: tuple[str, ...]
    as_of: dt.date | None
    today: dt.date
    waivers: tuple[Waiver, ...] = ()
    waiver_dir: str = "."
    baseline: frozenset[Key] = frozenset()


def check_document(path: Path, settings: Settings, policies: PolicySet) -> DocumentResult:
    """Load, evaluate, waive and baseline one document."""
    doc, diagnostics = load_document(path)
    result = DocumentResult(str(path), errors=diagnostics)
    with contextlib.suppress(OSError):
        result.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    if doc is None:
        return result
    result.findings = run(policies, doc, settings.as_of)
    result.absent_sections = doc.absent_sections
    result.kind = doc.kind
    if settings.waivers:
        apply_waivers(result, doc.tree, list(settings.waivers), Path(settings.waiver_dir), settings.today)
    if settings.baseline:
        apply_baseline(result, set(settings.baseline))
    return result


_WORKER: dict[str, object] = {}


def _start_worker(settings: Settings) -> None:
    _WORKER["policies"] = load_policies(settings.policy_paths)
    _WORKER["settings"] = settings


def _work(path: Path) -> DocumentResult:
    policies, settings = _WORKER["policies"], _WORKER["settings"]
    assert isinstance(policies, PolicySet) and isinstance(settings, Settings)  # INVARIANT: set by _start_worker
    return check_document(path, settings, policies)


def run_batch(files: list[Path], settings: Settings, policies: PolicySet, jobs: int,
              progress: bool | None = None) -> list[DocumentResult]:
    """Check every file, in order of `files`; `jobs` > 1 uses that many worker processes."""
    show = sys.stderr.isatty() and len(files) > 1 if progress is None else progress
    if jobs <= 1 or len(files) < 4:
        return list(_with_progress((check_document(f, settings, policies) for f in files), len(files), show))
    workers = min(jobs, len(files))
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(settings,)) as pool:
        chunk = max(1, len(files) // (workers * 8))
        return list(_with_progress(pool.map(_work, files, chunksize=chunk), len(files), show))


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _with_progress(results: Iterable[DocumentResult], total: int, show: bool) -> Iterable[DocumentResult]:
    if not show:
        yield from results
        return
    advance: Callable[[], None]
    try:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    except ImportError:  # pragma: no cover - rich comes with typer
        yield from results
        return
    columns = (TextColumn("検査中"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("eval", total=total)

        def advance() -> None:
            bar.advance(task)

        for result in results:
            advance()
            yield result
