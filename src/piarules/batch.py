"""Check many documents: one at a time, or in parallel worker processes (`--jobs`), with a
progress bar on a terminal.

One bad document never stops the others, whatever the cause: bad input is a diagnostic of that
document; an exception (a bug in piarules) is an internal-error diagnostic of that document; a
worker process that dies is replaced, and only the document it was checking is reported."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from piarules.api import PolicySet, load_policies, run
from piarules.baseline import Key, apply_baseline
from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.document import load_document_bytes
from piarules.files import display_path, read_input
from piarules.findings import DocumentResult, Waiver
from piarules.span import Span
from piarules.values import is_empty
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
    allow_empty: bool = False
    """Accept a document with no content (else it is an error: an empty file checks nothing)."""


def check_document(path: Path, settings: Settings, policies: PolicySet) -> DocumentResult:
    """Load, evaluate, waive and baseline one document; never raises."""
    name = display_path(path)
    try:
        return _check(path, name, settings, policies)
    except Exception as exc:  # a bug in piarules: reported on this document, the others go on
        return DocumentResult(name, errors=[internal_error(name, exc)])


def internal_error(name: str, exc: BaseException | str) -> Diagnostic:
    what = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    return Diagnostic("PIA500", f"piarules の内部エラー: {what}", Span.point(name, 1, 1),
                      help="この文書だけ検査できませんでした。この行を添えて報告してください")


def has_content(value: object) -> bool:
    """Whether anything is written: a value that is not empty (空欄, なし, blank) somewhere."""
    if isinstance(value, dict):
        return any(has_content(v) for v in value.values())
    if isinstance(value, list):
        return any(has_content(v) for v in value)
    return not is_empty(value)


def _check(path: Path, name: str, settings: Settings, policies: PolicySet) -> DocumentResult:
    try:
        raw = read_input(path)
    except PiarulesError as exc:
        return DocumentResult(name, errors=exc.diagnostics)
    doc, diagnostics = load_document_bytes(raw, name)
    result = DocumentResult(name, errors=diagnostics, sha256=hashlib.sha256(raw).hexdigest())
    if doc is None:
        return result
    if not settings.allow_empty and not has_content(doc.tree):
        result.errors.append(Diagnostic("PIA312", "文書が空です (検査する内容がありません)", Span.point(name, 1, 1),
                                        help="空の文書を認めるには --allow-empty を指定してください"))
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
    return list(_with_progress(_in_workers(files, settings, min(jobs, len(files))), len(files), show))


def _in_workers(files: list[Path], settings: Settings, workers: int) -> Iterator[DocumentResult]:
    """Results in the order of `files`. If a worker dies (killed, out of memory), the documents
    not yet done are checked again one at a time in a fresh worker: the one that kills it again
    is reported, the rest are checked."""
    done = 0
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(settings,)) as pool:
        chunk = max(1, len(files) // (workers * 8))
        try:
            for result in pool.map(_work, files, chunksize=chunk):
                yield result
                done += 1
            return
        except BrokenProcessPool:
            pass
    while done < len(files):
        with ProcessPoolExecutor(max_workers=1, initializer=_start_worker, initargs=(settings,)) as pool:
            futures: list[Future[DocumentResult]] = [pool.submit(_work, f) for f in files[done:]]
            for future in futures:
                try:
                    result = future.result()
                except BrokenProcessPool:
                    yield DocumentResult(display_path(files[done]), errors=[internal_error(
                        display_path(files[done]), "検査中に作業プロセスが異常終了しました (メモリ不足など)")])
                    done += 1
                    break
                yield result
                done += 1


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
