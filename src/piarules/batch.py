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
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piarules.api import PolicySet, load_policies, resolve_as_of, run
from piarules.baseline import Key, apply_baseline
from piarules.diagnostics import Diagnostic, PiarulesError, Severity
from piarules.document import Document, load_document_bytes
from piarules.document.sets import SetMode, plan_units
from piarules.files import display_path, read_input
from piarules.findings import DocumentResult, Waiver
from piarules.selection import Selection, apply_selection
from piarules.span import Span
from piarules.tables import is_table, load_table, with_origins
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
    sets: SetMode = SetMode.AUTO
    """How documents are grouped into sets checked together (document/sets.py)."""
    selection: Selection = field(default_factory=Selection)
    """Which rules run, at which severity (the project configuration)."""
    body: str | None = None
    """評価実施機関名 for tables imported in memory (the configuration's `body`)."""


def check_document(path: Path, settings: Settings, policies: PolicySet) -> DocumentResult:
    """Load, evaluate, waive and baseline one document alone; never raises."""
    return check_unit([path], settings, policies)[0]


def check_unit(paths: list[Path], settings: Settings, policies: PolicySet) -> list[DocumentResult]:
    """Check the documents of one set together: each is evaluated with the others of the set as
    its companions (rules reading 基礎項目評価書.… see them). Never raises: a bug is an
    internal-error diagnostic of the document it happened on."""
    loaded = [_guarded_load(path, settings) for path in paths]
    members = [(result.path, doc) for result, doc in loaded if doc is not None]
    for result, doc in loaded:
        if doc is None:
            continue
        others, names = _companions_of(result, doc, members)
        try:
            _finish(result, doc, settings, policies, others)
            result.companions = names
        except Exception as exc:  # a bug in piarules: reported on this document, the others go on
            result.findings, result.checked = [], False
            result.errors.append(internal_error(result.path, exc))
    return [result for result, _ in loaded]


def _companions_of(result: DocumentResult, doc: Document,
                   members: list[tuple[str, Document]]) -> tuple[dict[str, Any] | None, tuple[str, ...]]:
    """The other documents of the set by kind, and their names. Two of one kind cannot be told
    apart: that kind is left out, with a warning."""
    by_kind: dict[str, list[tuple[str, Document]]] = {}
    for name, other in members:
        if other is not doc and other.kind is not None and other.kind != doc.kind:
            by_kind.setdefault(other.kind, []).append((name, other))
    others, names = {}, []
    for kind, found in by_kind.items():
        if len(found) > 1:
            result.errors.append(Diagnostic(
                "PIA303", f"組に{kind}が {len(found)} つあります ({', '.join(n for n, _ in found)})。{kind}とは比べません",
                Span.point(result.path, 1, 1), Severity.WARNING, help="組 (piarules-sets.yaml) を見直してください"))
            continue
        names.append(found[0][0])
        others[kind] = found[0][1].tree
    return (others or None), tuple(names)


def _guarded_load(path: Path, settings: Settings) -> tuple[DocumentResult, Document | None]:
    name = display_path(path)
    try:
        return _load(path, settings)
    except Exception as exc:  # a bug in piarules: reported on this document, the others go on
        return DocumentResult(name, errors=[internal_error(name, exc)]), None


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


def _load(path: Path, settings: Settings) -> tuple[DocumentResult, Document | None]:
    """Read and validate one document; None when it cannot be checked (errors say why)."""
    name = display_path(path)
    try:
        if is_table(path):  # an Excel / CSV / TSV change log: imported in memory
            doc, diagnostics, raw = load_table(path, name, body=settings.body)
        else:
            raw = read_input(path)
            doc, diagnostics = load_document_bytes(raw, name)
    except PiarulesError as exc:
        return DocumentResult(name, errors=exc.diagnostics), None
    result = DocumentResult(name, errors=diagnostics, sha256=hashlib.sha256(raw).hexdigest(), imported=is_table(path))
    if doc is None:
        return result, None
    if not settings.allow_empty and not has_content(doc.tree):
        result.errors.append(Diagnostic("PIA312", "文書が空です (検査する内容がありません)", Span.point(name, 1, 1),
                                        help="空の文書を認めるには --allow-empty を指定してください"))
        return result, None
    result.absent_sections = doc.absent_sections
    result.kind = doc.kind
    result.checked = True
    result.unreadable_values = len(doc.unreadable)
    return result, doc


def _finish(result: DocumentResult, doc: Document, settings: Settings, policies: PolicySet,
            others: dict[str, Any] | None) -> None:
    judged = resolve_as_of(settings.as_of, doc)
    result.as_of = judged if isinstance(judged, dt.date) else None  # an unreadable 公表日: no date to show
    result.findings = with_origins(run(policies, doc, settings.as_of, others), doc.tree,
                                   result.path if result.imported else None)
    if settings.waivers:
        apply_waivers(result, doc.tree, list(settings.waivers), Path(settings.waiver_dir), settings.today)
    if settings.baseline:
        apply_baseline(result, set(settings.baseline))


_WORKER: dict[str, object] = {}


def _start_worker(settings: Settings) -> None:
    _WORKER["policies"] = apply_selection(load_policies(settings.policy_paths), settings.selection)
    _WORKER["settings"] = settings


def _work(unit: list[Path]) -> list[DocumentResult]:
    policies, settings = _WORKER["policies"], _WORKER["settings"]
    assert isinstance(policies, PolicySet) and isinstance(settings, Settings)  # INVARIANT: set by _start_worker
    return check_unit(unit, settings, policies)


def run_batch(files: list[Path], settings: Settings, policies: PolicySet, jobs: int,
              progress: bool | None = None) -> list[DocumentResult]:
    """Check every file, the documents of a set together; results in the order of `files`.
    `jobs` > 1 uses that many worker processes.

    Raises:
        PiarulesError: a set manifest (piarules-sets.yaml) is broken.
    """
    plan = plan_units(files, settings.sets)
    units = [[files[i] for i in unit] for unit in plan]
    show = sys.stderr.isatty() and len(files) > 1 if progress is None else progress
    if jobs <= 1 or len(units) < 4:
        checked: Iterable[list[DocumentResult]] = (check_unit(u, settings, policies) for u in units)
    else:
        checked = _in_workers(units, settings, min(jobs, len(units)))
    by_index: dict[int, DocumentResult] = {}
    for unit, results in zip(plan, _with_progress(checked, len(files), show), strict=True):
        by_index.update(zip(unit, results, strict=True))
    return [by_index[i] for i in range(len(files))]


def _in_workers(units: list[list[Path]], settings: Settings, workers: int) -> Iterator[list[DocumentResult]]:
    """Results in the order of `units`. If a worker dies (killed, out of memory), the units not
    yet done are checked again one at a time in a fresh worker: the one that kills it again is
    reported, the rest are checked."""
    done = 0
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(settings,)) as pool:
        chunk = max(1, len(units) // (workers * 8))
        try:
            for results in pool.map(_work, units, chunksize=chunk):
                yield results
                done += 1
            return
        except BrokenProcessPool:
            pass
    while done < len(units):
        with ProcessPoolExecutor(max_workers=1, initializer=_start_worker, initargs=(settings,)) as pool:
            futures: list[Future[list[DocumentResult]]] = [pool.submit(_work, u) for u in units[done:]]
            for future in futures:
                try:
                    results = future.result()
                except BrokenProcessPool:
                    yield [_died(path) for path in units[done]]
                    done += 1
                    break
                yield results
                done += 1


def _died(path: Path) -> DocumentResult:
    name = display_path(path)
    return DocumentResult(name, errors=[internal_error(name, "検査中に作業プロセスが異常終了しました (メモリ不足など)")])


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _with_progress(results: Iterable[list[DocumentResult]], total: int, show: bool) -> Iterable[list[DocumentResult]]:
    """Pass the results of each unit on, advancing a bar by its documents on a terminal."""
    if not show:
        yield from results
        return
    try:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    except ImportError:  # pragma: no cover - rich comes with typer
        yield from results
        return
    columns = (TextColumn("検査中"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("eval", total=total)
        for unit in results:
            bar.advance(task, len(unit))
            yield unit
