"""`piarules eval DOC… [--policy P]… [--no-standard] [--format F] [--output F=PATH]… [--fail-on LEVEL]
[--fail-on-undecided LEVEL] [--min-confidence C] [--as-of DATE] [--waivers FILE] [--baseline FILE] [--jobs N]
[--body NAME] [--sets auto|manifest|off]`; options not given come from the project configuration (config.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from piarules.cli.common import (
    fail,
    load_policy_set,
    parse_as_of,
    parse_kind,
    policy_set_paths,
    print_diagnostics,
    project_config,
    selection_of,
)
from piarules.cli.exit_codes import ExitCode
from piarules.diagnostics import Confidence
from piarules.document.sets import SetMode
from piarules.report import OutputFormat

if TYPE_CHECKING:
    from piarules.api import PolicySet
    from piarules.batch import LazyPolicies
    from piarules.diagnostics import Diagnostic
    from piarules.findings import DocumentResult, RuleInfo, RunInfo, RunTotals
    from piarules.selection import Selection


class FailOn(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    NEVER = "never"


def document_files(paths: list[Path]) -> list[Path]:
    """Files as given (YAML documents or 変更箇所 tables); directories expand to their *.yaml /
    *.yml files, sorted (set manifests, piarules-sets.yaml, are not documents)."""
    from piarules.document.sets import MANIFEST

    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(x for x in p.rglob("*") if x.suffix in (".yaml", ".yml") and x.name != MANIFEST))
        else:
            out.append(p)
    return out


def parse_outputs(values: list[str]) -> list[tuple[OutputFormat, Path]]:
    """`sarif=out.sarif` → (OutputFormat.SARIF, Path("out.sarif"))."""
    out = []
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not path or name not in OutputFormat.__members__.values():
            fail(f"--output は 形式=ファイル の形で書いてください (形式: {', '.join(f.value for f in OutputFormat)}): {value}")
        out.append((OutputFormat(name), Path(path)))
    return out


def eval_command(
    context: typer.Context,
    documents: Annotated[list[Path], typer.Argument(help="評価書の YAML、または変更箇所の表 (.xlsx / .csv / .tsv)。ディレクトリ可 (中の YAML)")],
    policy: Annotated[list[Path] | None, typer.Option("--policy", "-p", help="独自のポリシー (*.pia) またはそのディレクトリ。標準ポリシーに加えて使う")] = None,
    no_standard: Annotated[bool, typer.Option("--no-standard", help="同梱の標準ポリシーを使わない (--policy のものだけ)")] = False,
    output_format: Annotated[OutputFormat | None, typer.Option("--format", "-f", help="標準出力の形式 (既定: text)")] = None,
    outputs: Annotated[list[str] | None, typer.Option("--output", "-o", help="形式=ファイル (例: html=report.html, xlsx=指摘一覧.xlsx)。複数可")] = None,
    fail_on: Annotated[FailOn | None, typer.Option("--fail-on", help="この重大度以上の未承認の指摘で終了コード 1 (既定: error)")] = None,
    min_confidence: Annotated[Confidence | None, typer.Option("--min-confidence", help="この確度より低いルールを使わない (high / medium / low、既定: low = すべて)")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="基準日 (例: 令和6年4月1日, 2024-04-01)。既定: 文書の公表日、なければ今日")] = None,
    waivers: Annotated[Path | None, typer.Option("--waivers", help="例外ファイル (YAML)")] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", help="以前の --format json の結果。そこにない指摘だけを報告する")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="並列に検査するプロセス数 (既定: コア数)")] = None,
    body: Annotated[str | None, typer.Option("--body", help="表を取り込むときの評価実施機関名 (例: 墨田区長)")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="表を取り込むときの評価書の種類 (基礎 / 重点 / 全項目。既定: 表の見出しから推定)")] = None,
    allow_empty: Annotated[bool, typer.Option("--allow-empty", help="内容のない (空の) 文書をエラーにしない")] = False,
    allow_no_rules: Annotated[bool, typer.Option("--allow-no-rules", help="ルールが1つもないポリシーをエラーにしない")] = False,
    fail_on_undecided: Annotated[FailOn | None, typer.Option(
        "--fail-on-undecided", help="読めない値のために判定できなかったルールのうち、この重大度以上のものがあれば終了コード 1 "
                                    "(既定 error: エラーのルールは判定できなければ不合格)")] = None,
    sets: Annotated[SetMode | None, typer.Option("--sets", help="基礎項目評価書と重点/全項目評価書を組にして比べる方法: auto (piarules-sets.yaml と、"
                                                 "同じディレクトリで事務の名称が同じ文書) / manifest (piarules-sets.yaml だけ) / off")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="キャッシュ (読み込んだ文書・ポリシー) を読み書きしない。"
                                           "既定の場所: ~/.cache/piarules (PIARULES_CACHE_DIR で変更)")] = False,
) -> None:
    """評価書をポリシーで検査し、指摘を表示する。設定は piarules.toml / pyproject.toml の [tool.piarules] (piarules config)。"""
    from piarules import __version__
    from piarules.baseline import load_baseline
    from piarules.batch import Settings, default_jobs, plan_batch, stream_batch
    from piarules.diagnostics import PiarulesError, Severity
    from piarules.files import display_path
    from piarules.findings import RunInfo
    from piarules.report import SHOWS_SOURCE
    from piarules.waivers import load_waivers

    if no_cache:
        _no_cache_for_this_command(context)
    config = project_config()
    date = parse_as_of(as_of) if as_of is not None else config.get("as-of")
    targets = parse_outputs(outputs if outputs else list(config.get("output")))
    output_format = output_format or OutputFormat(config.get("format"))
    if output_format is OutputFormat.XLSX:
        fail("xlsx は端末に出せません。--output xlsx=指摘一覧.xlsx のようにファイルを指定してください")
    gate = fail_on or FailOn(config.get("fail-on"))
    undecided_gate = fail_on_undecided or FailOn(config.get("fail-on-undecided"))
    waivers = waivers or config.get("waivers")
    baseline = baseline or config.get("baseline")
    selection = selection_of(config, min_confidence.value if min_confidence else None)
    policy_paths = policy_set_paths(policy, no_standard, config)
    view, policies = policies_of_run(policy_paths, lambda: load_policy_set(policy, no_standard, config, selection),
                                     selection, cache=not no_cache)
    if not view.has_rules and not allow_no_rules:
        fail("ポリシーにルールが1つもありません (何も検査しないまま合格になります)。"
             "意図したものなら --allow-no-rules を指定してください")
    files = document_files(documents)
    if not files:
        fail("検査する YAML ファイルがありません")
    try:
        waiver_list = load_waivers(waivers) if waivers else []
        keys = load_baseline(baseline) if baseline else set()
    except PiarulesError as exc:
        print_diagnostics(exc.diagnostics)
        raise typer.Exit(ExitCode.INVALID_INPUT) from None
    today = date or dt.date.today()  # waivers expire by the run's 基準日
    formats = {output_format, *(fmt for fmt, _ in targets)}
    settings = Settings(tuple(str(p) for p in policy_paths), date, today, tuple(waiver_list),
                        str(waivers.parent) if waivers else ".", frozenset(keys), allow_empty,
                        sets or SetMode(config.get("sets")), selection, body or config.get("body"),
                        parse_kind(kind) or config.get("kind"),
                        excerpts=bool(formats & SHOWS_SOURCE), cache=not no_cache)
    try:
        plan = plan_batch(files, settings)
    except PiarulesError as exc:  # a broken set manifest
        print_diagnostics(exc.diagnostics)
        raise typer.Exit(ExitCode.INVALID_INPUT) from None
    info = RunInfo(
        as_of=date, rules=view.rules, policy_files=view.files, policy_digest=view.digest,
        policy_diagnostics=view.diagnostics,
        waiver_file=display_path(waivers) if waivers else None, waivers=waiver_list,
        baseline_file=display_path(baseline) if baseline else None, tool_version=__version__,
        fail_on=None if gate is FailOn.NEVER else Severity(gate.value),
        fail_on_undecided=None if undecided_gate is FailOn.NEVER else Severity(undecided_gate.value),
    )
    results = stream_batch(files, plan, settings, policies, jobs or config.get("jobs") or default_jobs())
    totals = report_run(info, results, output_format, targets, waivers, today)
    if totals.unreadable:
        raise typer.Exit(ExitCode.INVALID_INPUT)
    raise typer.Exit(ExitCode.FINDINGS if totals.failed else ExitCode.OK)


def _no_cache_for_this_command(context: typer.Context) -> None:
    """PIARULES_NO_CACHE=1 for this process and the workers it starts, until the command ends
    (a library or test process that runs more commands gets its environment back). The stores
    of compiled code, written at exit, write nothing from this process."""
    import os

    from piarules import code_store

    previous = os.environ.get("PIARULES_NO_CACHE")
    os.environ["PIARULES_NO_CACHE"] = "1"
    code_store.turn_off()

    def restore() -> None:
        if previous is None:
            os.environ.pop("PIARULES_NO_CACHE", None)
        else:
            os.environ["PIARULES_NO_CACHE"] = previous

    context.call_on_close(restore)


def report_run(info: RunInfo, results: Iterable[DocumentResult], output_format: OutputFormat,
               targets: list[tuple[OutputFormat, Path]], waivers: Path | None, today: dt.date) -> RunTotals:
    """Stream every result to the terminal's reporter and the --output files' reporters; keep
    only the totals. Each --output file appears whole at the end (or not at all)."""
    from piarules.cli.common import StdoutStream
    from piarules.diagnostics import PiarulesError
    from piarules.files import AtomicOutput, read_lines
    from piarules.findings import RunTotals
    from piarules.report import open_reporter
    from piarules.span import excerpt
    from piarules.waivers import waiver_problems

    files: list[AtomicOutput] = []
    try:
        for _, path in targets:
            files.append(AtomicOutput(path))
    except PiarulesError as exc:
        for done in files:
            done.discard()
        print_diagnostics(exc.diagnostics)
        raise typer.Exit(ExitCode.INVALID_INPUT) from None
    stdout = StdoutStream()
    reporters = [open_reporter(output_format, stdout)]  # type: ignore[arg-type]
    reporters += [open_reporter(fmt, out.file) for (fmt, _), out in zip(targets, files, strict=True)]
    totals = RunTotals(info.fail_on, info.fail_on_undecided)
    try:
        for reporter in reporters:
            reporter.start(info)
        for result in results:
            totals.add(result)
            for reporter in reporters:
                reporter.document(result)
        totals.waiver_findings = waiver_problems(info.waivers, totals.matched_waivers, today)
        if waivers and totals.waiver_findings:
            totals.waiver_excerpt = excerpt(read_lines(waivers) or [], [f.span.line for f in totals.waiver_findings])
        for reporter in reporters:
            reporter.finish(totals)
    except BaseException:
        for out in files:
            out.discard()
        raise
    stdout.close()
    for out in files:
        try:
            out.commit()
        except PiarulesError as exc:
            print_diagnostics(exc.diagnostics)
            raise typer.Exit(ExitCode.INVALID_INPUT) from None
    return totals


@dataclass
class PolicyView:
    """What a run reports about its policy set (RunInfo), kept in the policy cache so that a run
    answered from the result cache never parses, checks or compiles a policy."""

    rules: list[RuleInfo]
    files: list[str]
    digest: str
    diagnostics: list[Diagnostic]
    has_rules: bool


def policies_of_run(paths: list[Path], load: Callable[[], PolicySet], selection: Selection,
                    cache: bool) -> tuple[PolicyView, PolicySet | LazyPolicies]:
    """The run's view of its policies and the policies themselves: both loaded now, or — when
    the same files were loaded with the same selection by this piarules before — the view from
    the cache and the policies built only if a document has to be evaluated."""
    from piarules import cache as disk
    from piarules.batch import LazyPolicies, settle_heap
    from piarules.policy_sources import sources_digest
    from piarules.result_cache import package_fingerprint

    digest = sources_digest(paths) if cache else None
    key = None if digest is None else "run-" + disk.key(package_fingerprint(), digest, repr(selection))
    def settled() -> PolicySet:
        policies = load()  # prints the policy set's errors and exits 2 if it has any
        settle_heap()  # the compiled rules live as long as the run: out of the collector's sight
        return policies

    view = disk.load(key) if key else None
    if isinstance(view, PolicyView):
        return view, LazyPolicies(digest, settled)
    policies = settled()
    view = PolicyView(rule_infos(policies), [f.path for f in policies.files], policy_digest(policies),
                      policies.diagnostics, bool(policies.rules))
    if key and policies.source_digest == digest:  # the files did not change while they were read
        disk.store(key, view)
    return view, policies


def rule_infos(policies: PolicySet) -> list[RuleInfo]:
    from piarules.findings import RuleInfo

    return [RuleInfo(r.id, r.rule.title, r.severity, r.references, r.rule.hint, r.rule.description,
                     f"{Path(r.rule.id_span.path).name}:{r.rule.id_span.line}") for r in policies.check.rules]


def policy_digest(policies: PolicySet) -> str:
    """SHA-256 over the policy files' names and contents: which policy set judged."""
    import hashlib

    from piarules.diagnostics import PiarulesError
    from piarules.files import read_input

    digest = hashlib.sha256()
    for f in sorted(policies.files, key=lambda f: Path(f.path).name):
        digest.update(Path(f.path).name.encode() + b"\0")
        try:
            digest.update(read_input(f.path))
        except PiarulesError:
            continue
    return digest.hexdigest()
