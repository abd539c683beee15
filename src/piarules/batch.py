"""Check many documents: one at a time, or in parallel worker processes (`--jobs`), with a
progress bar on a terminal.

One bad document never stops the others, whatever the cause: bad input is a diagnostic of that
document; an exception (a bug in piarules) is an internal-error diagnostic of that document; a
worker process that dies is replaced, and only the document it was checking is reported."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from piarules import code_store, pattern_store, result_cache
from piarules.diagnostics import Diagnostic, PiarulesError, Severity
from piarules.document.sets import SetMode, plan_units
from piarules.files import display_path, read_input, split_lines
from piarules.findings import DocumentResult, Waiver
from piarules.selection import Selection
from piarules.span import Span, excerpt
from piarules.tables import is_spreadsheet, is_table, load_table, with_origins

if TYPE_CHECKING:  # loading and evaluating are imported where a document is checked (none on a cached result)
    from concurrent.futures import Future

    from piarules.api import PolicySet
    from piarules.baseline import Key
    from piarules.document import Document


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
    kind: str | None = None
    """評価書の種類 for tables imported in memory (else read from the table's title, if any)."""
    excerpts: bool = False
    """Keep the lines each document's findings point at (for reporters that show code frames)."""
    cache: bool = False
    """Read and write loaded documents in the document cache (document/cache.py)."""


class LazyPolicies:
    """The policy set of a run, parsed, checked and compiled on first use: a run whose every
    result comes from the result cache never builds it. `source_digest` (what the set is built
    from, PolicySet.source_digest) is known without building it."""

    def __init__(self, source_digest: str | None, build: Callable[[], PolicySet]):
        self.source_digest = source_digest
        self._build: Callable[[], PolicySet] | None = build
        self._built: PolicySet | None = None

    def get(self) -> PolicySet:
        if self._built is None:
            assert self._build is not None  # INVARIANT: dropped only once built
            self._built, self._build = self._build(), None
        return self._built


def _built(policies: PolicySet | LazyPolicies) -> PolicySet:
    return policies.get() if isinstance(policies, LazyPolicies) else policies


def check_document(path: Path, settings: Settings, policies: PolicySet | LazyPolicies) -> DocumentResult:
    """Load, evaluate, waive and baseline one document alone; never raises."""
    return check_unit([path], settings, policies)[0]


def check_unit(paths: list[Path], settings: Settings, policies: PolicySet | LazyPolicies) -> list[DocumentResult]:
    """Check the documents of one set together: each is evaluated with the others of the set as
    its companions (rules reading 基礎項目評価書.… see them). Never raises: a bug is an
    internal-error diagnostic of the document it happened on. Results of a unit checked before
    with the same bytes, policies, settings and code come from the result cache."""
    key, raws = _result_key(paths, settings, policies)
    if key is not None and (hit := result_cache.load(key)) is not None and len(hit) == len(paths):
        return hit
    built = _built(policies)
    results = _check_unit(paths, settings, built, raws)
    if key is not None and built.source_digest == policies.source_digest:  # not changed since the key was made
        result_cache.store(key, results)
    return results


def _result_key(paths: list[Path], settings: Settings,
                policies: PolicySet | LazyPolicies) -> tuple[str | None, dict[Path, bytes]]:
    """The unit's key in the result cache (None: not cached) and the bytes read to make it."""
    if not settings.cache or policies.source_digest is None:
        return None, {}
    raws: dict[Path, bytes] = {}
    for path in paths:
        try:
            raws[path] = read_input(path)
        except PiarulesError:  # reported when the unit is checked
            return None, {}
    named = [(display_path(path), raws[path]) for path in paths]
    return result_cache.unit_key(named, settings, policies.source_digest), raws


def _check_unit(paths: list[Path], settings: Settings, policies: PolicySet,
                raws: dict[Path, bytes]) -> list[DocumentResult]:
    loaded = [_guarded_load(path, settings, raws.get(path)) for path in paths]
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
        if settings.excerpts:
            result.excerpt = _excerpt(result, _shown_lines(result, doc))
    return [result for result, _ in loaded]


def _shown_lines(result: DocumentResult, doc: Document) -> list[str]:
    """The lines findings point at: the YAML's, or a text table's (an Excel table has none: its
    findings name their cells)."""
    if result.imported:
        return doc.table_lines or []
    return split_lines(doc.text)


def _excerpt(result: DocumentResult, lines: list[str]) -> dict[int, str]:
    """The lines the result's findings and errors point at, and those around them."""
    at = [f.span.line for f in result.findings if f.span.path == result.path]
    at += [d.span.line for d in result.errors if d.span is not None and d.span.path == result.path]
    return excerpt(lines, at) if at else {}


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


def _guarded_load(path: Path, settings: Settings, raw: bytes | None = None) -> tuple[DocumentResult, Document | None]:
    name = display_path(path)
    try:
        return _load(path, settings, raw)
    except Exception as exc:  # a bug in piarules: reported on this document, the others go on
        return DocumentResult(name, errors=[internal_error(name, exc)]), None


def internal_error(name: str, exc: BaseException | str) -> Diagnostic:
    what = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    return Diagnostic("PIA500", f"piarules の内部エラー: {what}", Span.point(name, 1, 1),
                      help="この文書だけ検査できませんでした。この行を添えて報告してください")


def has_content(value: object) -> bool:
    """Whether anything is written: a value that is not empty (空欄, なし, blank) somewhere."""
    from piarules.values import is_empty

    def written(v: object) -> bool:
        if isinstance(v, dict):
            return any(written(x) for x in v.values())
        if isinstance(v, list):
            return any(written(x) for x in v)
        return not is_empty(v)

    return written(value)


def _load(path: Path, settings: Settings, raw: bytes | None = None) -> tuple[DocumentResult, Document | None]:
    """Read (unless its bytes are given) and validate one document; None when it cannot be
    checked (errors say why)."""
    from piarules.files import decode

    name = display_path(path)
    imported = is_table(path)
    try:
        if imported:  # an Excel / CSV / TSV change log: imported in memory
            doc, diagnostics, raw = load_table(path, name, kind=settings.kind, body=settings.body)
        elif raw is None:
            raw = read_input(path)
    except PiarulesError as exc:
        return DocumentResult(name, errors=exc.diagnostics), None
    sha256 = hashlib.sha256(raw).hexdigest()
    if not imported:
        doc, diagnostics = _load_cached(raw, sha256, name) if settings.cache else _loaded(raw, name)
    result = DocumentResult(name, errors=list(diagnostics), sha256=sha256, imported=imported)
    if doc is not None and not settings.allow_empty and not has_content(doc.tree):
        result.errors.append(Diagnostic("PIA312", "文書が空です (検査する内容がありません)", Span.point(name, 1, 1),
                                        help="空の文書を認めるには --allow-empty を指定してください"))
        doc = None
    if doc is None:
        if settings.excerpts and not is_spreadsheet(path):
            with contextlib.suppress(PiarulesError):  # not text: no code frame rather than garbage
                result.excerpt = _excerpt(result, split_lines(decode(raw, name)))
        return result, None
    if imported and settings.excerpts and not is_spreadsheet(path):
        with contextlib.suppress(PiarulesError):  # findings point at the text table's lines
            doc.table_lines = split_lines(decode(raw, name))
    result.absent_sections = doc.absent_sections
    result.kind = doc.kind
    result.checked = True
    result.unreadable_values = len(doc.unreadable)
    return result, doc


def _loaded(raw: bytes, name: str) -> tuple[Document | None, list[Diagnostic]]:
    """The loading pipeline (YAML parser, form models), imported only when a document is parsed."""
    from piarules.document import load_document_bytes

    return load_document_bytes(raw, name)


def _load_cached(raw: bytes, sha256: str, name: str) -> tuple[Document | None, list[Diagnostic]]:
    """load_document_bytes through the document cache (document/cache.py): documents that load
    are cached, with their warnings; those that do not are cheap to refuse again."""
    from piarules.document import Document, cache

    hit = cache.load(sha256, name, raw)
    if hit is not None and isinstance(hit[0], Document):
        return hit
    doc, diagnostics = _loaded(raw, name)
    if doc is not None:
        cache.store(sha256, name, doc, diagnostics)
    return doc, diagnostics


def _finish(result: DocumentResult, doc: Document, settings: Settings, policies: PolicySet,
            others: dict[str, Any] | None) -> None:
    from piarules.api import resolve_as_of, run
    from piarules.baseline import apply_baseline
    from piarules.waivers import apply_waivers

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
    from piarules.policy_sources import sources_digest

    def build() -> PolicySet:
        from piarules.api import load_policies
        from piarules.selection import apply_selection

        built = apply_selection(load_policies(settings.policy_paths), settings.selection)
        settle_heap()
        return built

    _WORKER["policies"] = LazyPolicies(sources_digest(settings.policy_paths) if settings.cache else None, build)
    _WORKER["settings"] = settings


def settle_heap() -> None:
    """Once the policies are loaded: move what lives for the whole run out of the collector's
    sight and collect young objects less often. Each document allocates many small objects
    that die with it; without this, every collection walks the compiled policies again.

    Only the young generations are collected first: a full collection walks every module's
    objects (≈ 13–18 ms, a one-document run pays it) and finds none when the policies came
    from the cache, ≈ 4,000 objects (the policy parser's) when they were parsed: those stay
    frozen, well under a megabyte for the whole run."""
    gc.collect(1)
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def _work(units: list[list[Path]]) -> list[list[DocumentResult]]:
    policies, settings = _WORKER["policies"], _WORKER["settings"]
    assert isinstance(policies, LazyPolicies) and isinstance(settings, Settings)  # INVARIANT: set by _start_worker
    results = [check_unit(unit, settings, policies) for unit in units]
    pattern_store.save()  # a worker ends without running exit handlers
    code_store.save()  # the same
    return results


def plan_batch(files: list[Path], settings: Settings) -> list[list[int]]:
    """The units of a batch (indexes of `files`): a set's documents together, the others alone.

    Raises:
        PiarulesError: a set manifest (piarules-sets.yaml) is broken.
    """
    return plan_units(files, settings.sets)


def stream_batch(files: list[Path], plan: list[list[int]], settings: Settings, policies: PolicySet | LazyPolicies,
                 jobs: int, progress: bool | None = None) -> Iterator[DocumentResult]:
    """Check every unit of `plan` and yield each document's result as soon as its unit is done,
    in plan order (the order of each unit's first file). `jobs` > 1 uses that many worker
    processes, with only a few units in flight: memory does not grow with the batch."""
    units = [[files[i] for i in unit] for unit in plan]
    show = sys.stderr.isatty() and len(files) > 1 if progress is None else progress
    if jobs <= 1 or len(units) < 4:
        checked: Iterable[list[DocumentResult]] = (check_unit(u, settings, policies) for u in units)
    else:
        checked = _stored_first(units, settings, policies, jobs)
    for results in _with_progress(checked, len(files), show):
        yield from results


def run_batch(files: list[Path], settings: Settings, policies: PolicySet | LazyPolicies, jobs: int,
              progress: bool | None = None) -> list[DocumentResult]:
    """Check every file, the documents of a set together; all results, in the order of `files`
    (a library convenience: `eval` streams with stream_batch).

    Raises:
        PiarulesError: a set manifest (piarules-sets.yaml) is broken.
    """
    plan = plan_batch(files, settings)
    order = [i for unit in plan for i in unit]
    by_index = dict(zip(order, stream_batch(files, plan, settings, policies, jobs, progress), strict=True))
    return [by_index[i] for i in range(len(files))]


def _stored_first(units: list[list[Path]], settings: Settings, policies: PolicySet | LazyPolicies,
                  jobs: int) -> Iterator[list[DocumentResult]]:
    """Results in the order of `units`: those in the result cache read here, in the parent (a
    worker would only pass them on, pickled once more); the others checked by the workers — none
    started when every unit is stored. Finding the stored ones reads and hashes every file once
    before the first result (≈ 0.5 ms per document)."""
    keys = [_result_key(unit, settings, policies)[0] for unit in units]
    stored = [key is not None and result_cache.STORE.has(key) for key in keys]
    missing = [unit for unit, hit in zip(units, stored, strict=True) if not hit]
    fresh: Iterator[list[DocumentResult]] = (
        _in_workers(missing, settings, min(jobs, len(missing))) if len(missing) >= 4
        else (check_unit(unit, settings, policies) for unit in missing))
    for unit, key, hit in zip(units, keys, stored, strict=True):
        if not hit:
            yield next(fresh)
            continue
        assert key is not None  # INVARIANT: only a unit with a key can be stored
        results = result_cache.load(key)
        yield results if results is not None and len(results) == len(unit) else check_unit(unit, settings, policies)


def _chunks(units: list[list[Path]], workers: int) -> list[list[list[Path]]]:
    """Units in chunks sent to a worker at once: big enough to keep the messages few, small
    enough to keep both workers busy to the end."""
    size = max(1, min(16, len(units) // (workers * 8)))
    return [units[i:i + size] for i in range(0, len(units), size)]


def _in_workers(units: list[list[Path]], settings: Settings, workers: int) -> Iterator[list[DocumentResult]]:
    """Results in the order of `units`, at most 2 chunks per worker in flight. If a worker dies
    (killed, out of memory), the units of the chunks in flight are checked again one at a time
    in a fresh worker: the one that kills it again is reported, the rest are checked; then the
    batch goes on in parallel."""
    from concurrent.futures import ProcessPoolExecutor  # a parallel batch only: ≈ 8 ms to import
    from concurrent.futures.process import BrokenProcessPool

    chunks = _chunks(units, workers)
    done = 0  # chunks yielded
    while done < len(chunks):
        pending: deque[Future[list[list[DocumentResult]]]] = deque()
        with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(settings,)) as pool:
            submitted = done
            try:
                while done < len(chunks):
                    while submitted < len(chunks) and len(pending) < 2 * workers:
                        pending.append(pool.submit(_work, chunks[submitted]))
                        submitted += 1
                    yield from pending[0].result()
                    pending.popleft()
                    done += 1
            except BrokenProcessPool:
                for future in pending:
                    future.cancel()
        if done < len(chunks):  # the chunk at `done` was in flight when a worker died
            yield from _one_by_one(chunks[done], settings)
            done += 1


def _one_by_one(units: list[list[Path]], settings: Settings) -> Iterator[list[DocumentResult]]:
    """Each unit in a worker of its own until one dies: that unit is reported, the next go on."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    index = 0
    while index < len(units):
        with ProcessPoolExecutor(max_workers=1, initializer=_start_worker, initargs=(settings,)) as pool:
            futures = [pool.submit(_work, [u]) for u in units[index:]]
            for future in futures:
                try:
                    (results,) = future.result()
                except BrokenProcessPool:
                    yield [_died(path) for path in units[index]]
                    index += 1
                    break
                yield results
                index += 1


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
