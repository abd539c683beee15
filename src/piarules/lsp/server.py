"""The language server: LSP messages in, engine calls out. Protocol only; every answer is computed
by the modules beside this one.

Threading: all analysis runs in one worker thread (the Lark parser and the engine's caches are
not thread-safe), the event loop only snapshots texts and sends results. Diagnostics are
debounced per document; a run that a newer change overtook is skipped before it starts and its
result dropped after it ends. A handler that fails logs the error and answers nothing: a bad
request or file never stops the server.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import tempfile
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from piarules import __version__
from piarules.lsp import actions, assessment, complete_policy, convert, describe, navigation
from piarules.lsp.config import Settings, settings_from
from piarules.lsp.engine import YAML_SUFFIXES, Engine, looks_like_assessment
from piarules.lsp.positions import Lines
from piarules.lsp.symbols import RULE, PolicyIndex
from piarules.policy_sources import POLICY_SUFFIX

log = logging.getLogger("piarules.lsp")
T = TypeVar("T")

POLICY_LANGUAGE = "pia"
YAML_DELAY_AFTER_POLICY = 0.3
"""Assessments are re-checked this long after a policy changed (less urgent than the policy)."""


class PiarulesServer(LanguageServer):
    """pygls server with the engine, its worker thread and the debounce state."""

    def __init__(self) -> None:
        super().__init__("piarules", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.engine = Engine()
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="piarules-analysis")
        self.generation: dict[str, int] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.published: dict[str, list[types.Diagnostic]] = {}

    # ------------------------------------------------------------ documents
    def kind(self, uri: str) -> str | None:
        """"policy", "yaml" or None (documents we do not serve)."""
        path = to_fs_path(uri)
        suffix = Path(path).suffix.lower() if path else ""
        document = self.workspace.text_documents.get(uri)
        language = document.language_id if document is not None else None
        if suffix == POLICY_SUFFIX or language == POLICY_LANGUAGE:
            return "policy"
        if suffix in YAML_SUFFIXES or language == "yaml":
            return "yaml"
        return None

    def snapshot(self, uri: str) -> tuple[Path, str, int | None] | None:
        """(path, text, version) of an open document, read on the event loop."""
        path = to_fs_path(uri)
        if not path or uri not in self.workspace.text_documents:
            return None
        document = self.workspace.get_text_document(uri)
        return Path(path), document.source, document.version

    def lines(self, text: str) -> Lines:
        encoding = self.workspace.position_encoding
        return Lines(text, str(getattr(encoding, "value", encoding) or "utf-16"))

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn` in the analysis thread."""
        return await asyncio.get_running_loop().run_in_executor(self.worker, fn, *args)

    # ------------------------------------------------------------ diagnostics
    def schedule(self, uri: str, delay: float | None = None) -> None:
        """(Re)start the debounced analysis of a document; an older pending run is cancelled."""
        generation = self.generation.get(uri, 0) + 1
        self.generation[uri] = generation
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        wait = self.engine.settings.debounce_ms / 1000 if delay is None else delay
        self.pending[uri] = asyncio.ensure_future(self._diagnose(uri, generation, wait))

    def current(self, uri: str, generation: int) -> bool:
        return self.generation.get(uri) == generation

    async def _diagnose(self, uri: str, generation: int, wait: float) -> None:
        try:
            await asyncio.sleep(wait)
            snap = self.snapshot(uri)
            kind = self.kind(uri)
            if snap is None or kind is None:
                return
            path, text, version = snap
            job = self._policy_job if kind == "policy" else self._yaml_job
            result = await self.run(job, uri, path, text, lambda: self.current(uri, generation))
            if result is None or not self.current(uri, generation):
                return
            for target, diagnostics in result.items():
                self.publish(target, diagnostics, version if target == uri else None, force=target == uri)
            if kind == "policy":
                for other in list(self.workspace.text_documents):
                    if other != uri and self.kind(other) == "yaml":
                        self.schedule(other, YAML_DELAY_AFTER_POLICY)
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("診断の計算に失敗しました: %s", uri)
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                self.pending.pop(uri, None)

    def publish(self, uri: str, diagnostics: list[types.Diagnostic], version: int | None, force: bool) -> None:
        if not force and self.published.get(uri) == diagnostics:
            return
        self.published[uri] = diagnostics
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))

    def _policy_job(self, uri: str, path: Path, text: str, current: Callable[[], bool]) -> dict[str, list[types.Diagnostic]] | None:
        """Check the policy with its set; diagnostics for it and every other open policy of the set."""
        if not current():
            return None
        engine = self.engine
        engine.set_open(path, text)
        analysis, _ = engine.policy_diagnostics(path)
        out: dict[str, list[types.Diagnostic]] = {}
        for display in analysis.order:
            file = engine.file_of(display).resolve()
            if file not in engine.open:
                continue
            lines = self.lines(engine.open[file])
            target = uri if file == path.resolve() else from_fs_path(str(file))
            if target:
                out[target] = [convert.diagnostic(d, lines) for d in analysis.diagnostics.get(display, [])]
        out.setdefault(uri, [])
        return out

    def _yaml_job(self, uri: str, path: Path, text: str, current: Callable[[], bool]) -> dict[str, list[types.Diagnostic]] | None:
        """Load/schema errors and the findings of the policy set on an assessment."""
        if not current():
            return None
        self.engine.set_open(path, text)
        if not looks_like_assessment(text):
            return {uri: []}
        result = self.engine.analyse_assessment(path, text)
        lines = self.lines(text)
        out = [convert.diagnostic(d, lines) for d in result.diagnostics]
        out += [convert.finding(f, lines) for f in result.findings]
        return {uri: out}


def guarded(default: Any = None) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
    """A handler that fails logs why and answers `default`: one bad request never stops the server."""

    def wrap(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(fn)
        async def handler(server: PiarulesServer, params: Any) -> Any:
            try:
                return await fn(server, params)
            except Exception as exc:
                log.exception("%s に失敗しました", fn.__name__)
                server.window_log_message(types.LogMessageParams(
                    type=types.MessageType.Error, message=f"piarules: {fn.__name__} に失敗しました: {type(exc).__name__}: {exc}"))
                return default

        return handler

    return wrap


# ---------------------------------------------------------------- the server and its features

server = PiarulesServer()


def _root(params: types.InitializeParams) -> Path | None:
    for uri in [f.uri for f in params.workspace_folders or []] + [params.root_uri or ""]:
        path = to_fs_path(uri) if uri else None
        if path:
            return Path(path)
    return Path(params.root_path) if params.root_path else None


@server.feature(types.INITIALIZE)
def initialize(ls: PiarulesServer, params: types.InitializeParams) -> None:
    ls.engine = Engine(_root(params), settings_from(params.initialization_options))
    log.info("piarules %s: ルート %s、ポリシー %s", __version__, ls.engine.root, ls.engine.settings)


@server.feature(types.INITIALIZED)
@guarded()
async def initialized(ls: PiarulesServer, params: types.InitializedParams) -> None:
    capabilities = ls.client_capabilities.workspace
    if capabilities is None:
        return
    watch = capabilities.did_change_watched_files
    if watch is not None and watch.dynamic_registration:
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
                id="piarules-policies", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern="**/*.pia")]))]))
        except Exception as exc:  # a client that claims the capability but refuses: policies are read on each check anyway
            log.info("ポリシーの変更の監視を登録できません: %s", exc)
    if not capabilities.configuration:
        return
    answer = await ls.workspace_configuration_async(types.ConfigurationParams(
        items=[types.ConfigurationItem(section="piarules")]))
    if answer and isinstance(answer[0], dict) and answer[0]:
        await _apply_settings(ls, settings_from(answer[0]))


async def _apply_settings(ls: PiarulesServer, settings: Settings) -> None:
    if settings == ls.engine.settings:
        return

    await ls.run(ls.engine.configure, settings)
    for uri in list(ls.workspace.text_documents):
        if ls.kind(uri):
            ls.schedule(uri)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
@guarded()
async def did_change_configuration(ls: PiarulesServer, params: types.DidChangeConfigurationParams) -> None:
    if isinstance(params.settings, dict) and params.settings:
        await _apply_settings(ls, settings_from(params.settings))


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@guarded()
async def did_change_watched_files(ls: PiarulesServer, params: types.DidChangeWatchedFilesParams) -> None:
    """A policy changed on disk (checkout, another editor): check the open documents again."""
    for uri in list(ls.workspace.text_documents):
        if ls.kind(uri):
            ls.schedule(uri, YAML_DELAY_AFTER_POLICY)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
@guarded()
async def did_open(ls: PiarulesServer, params: types.DidOpenTextDocumentParams) -> None:
    if ls.kind(params.text_document.uri):
        ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
@guarded()
async def did_change(ls: PiarulesServer, params: types.DidChangeTextDocumentParams) -> None:
    if ls.kind(params.text_document.uri):
        ls.schedule(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
@guarded()
async def did_save(ls: PiarulesServer, params: types.DidSaveTextDocumentParams) -> None:
    if ls.kind(params.text_document.uri):
        ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
@guarded()
async def did_close(ls: PiarulesServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.generation[uri] = ls.generation.get(uri, 0) + 1
    task = ls.pending.pop(uri, None)
    if task is not None:
        task.cancel()
    path = to_fs_path(uri)
    if path:
        await ls.run(ls.engine.set_open, Path(path), None)
    ls.published.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


# ---------------------------------------------------------------- requests

def _policy_index(ls: PiarulesServer, path: Path, text: str) -> PolicyIndex | None:
    ls.engine.set_open(path, text)
    policy = ls.engine.current_ast(path)
    return PolicyIndex(policy, text) if policy is not None else None


async def _request(ls: PiarulesServer, uri: str, job: Callable[[Path, str, Lines, str], T]) -> T | None:
    """Run `job(path, text, lines, kind)` for an open document we serve, in the analysis thread."""
    snap = ls.snapshot(uri)
    kind = ls.kind(uri)
    if snap is None or kind is None:
        return None
    path, text, _ = snap
    return await ls.run(job, path, text, ls.lines(text), kind)


@server.feature(types.TEXT_DOCUMENT_COMPLETION,
                types.CompletionOptions(trigger_characters=[".", '"', "「", "{", "=", "[", ":", ","]))
@guarded()
async def completion(ls: PiarulesServer, params: types.CompletionParams) -> types.CompletionList | None:
    def job(path: Path, text: str, lines: Lines, kind: str) -> list[types.CompletionItem]:
        line, index = lines.from_client(params.position)
        if kind == "policy":
            ls.engine.set_open(path, text)
            return complete_policy.complete(lines, line, index, ls.engine.last_good(path), ls.engine.set_asts(path))
        if not looks_like_assessment(text):
            return []
        return assessment.complete(lines, line, index)

    items = await _request(ls, params.text_document.uri, job)
    return types.CompletionList(is_incomplete=False, items=items) if items is not None else None


@server.feature(types.TEXT_DOCUMENT_HOVER)
@guarded()
async def hover(ls: PiarulesServer, params: types.HoverParams) -> types.Hover | None:
    def job(path: Path, text: str, lines: Lines, kind: str) -> types.Hover | None:
        line, index = lines.from_client(params.position)
        engine = ls.engine
        engine.set_open(path, text)
        analysis = engine.analyse_policies(path if kind == "policy" else None)
        rules = {r.id: r for r in analysis.check.rules}
        if kind == "policy":
            index_ = _policy_index(ls, path, text)
            o = index_.at(line + 1, index + 1) if index_ is not None else None
            if o is None or index_ is None:
                return None
            value = describe.occurrence_markdown(index_.policy, o, rules)
            return _hover(value, lines.range(o.span)) if value else None
        word = navigation.word_at(lines.line(line), index)
        if word is not None and word[0] in rules:
            rng = types.Range(start=lines.position(line + 1, word[1] + 1), end=lines.position(line + 1, word[2] + 1))
            return _hover(describe.rule_markdown(rules[word[0]]), rng)
        if not looks_like_assessment(text):
            return None
        value = assessment.field_hover(text, lines, line, index, analysis.check.rules)
        return _hover(value, None) if value else None

    return await _request(ls, params.text_document.uri, job)


def _hover(markdown: str, rng: types.Range | None) -> types.Hover:
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown), range=rng)


def _location(ls: PiarulesServer, display_path: str, span: Any) -> types.Location | None:
    """A Location for a span in any file of the workspace or the policy set."""
    file = ls.engine.file_of(display_path)
    text = ls.engine.text_of(file)
    uri = from_fs_path(str(file.resolve()))
    if text is None or uri is None:
        return None
    return types.Location(uri=uri, range=ls.lines(text).range(span))


def _rule_target(ls: PiarulesServer, path: Path, text: str, lines: Lines, kind: str,
                 line: int, index: int) -> str | None:
    """The rule id under the cursor (policy: a rule's id; YAML: any known id in the text)."""
    if kind == "policy":
        idx = _policy_index(ls, path, text)
        o = idx.at(line + 1, index + 1) if idx is not None else None
        return o.name if o is not None and o.kind == RULE else None
    word = navigation.word_at(lines.line(line), index)
    if word is None:
        return None
    rules = {r.id for r in ls.engine.analyse_policies().check.rules}
    return word[0] if word[0] in rules else None


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
@guarded()
async def definition(ls: PiarulesServer, params: types.DefinitionParams) -> types.Location | None:
    def job(path: Path, text: str, lines: Lines, kind: str) -> types.Location | None:
        line, index = lines.from_client(params.position)
        if kind == "policy":
            idx = _policy_index(ls, path, text)
            o = idx.at(line + 1, index + 1) if idx is not None else None
            if idx is None or o is None:
                return None
            if o.kind != RULE:
                target = navigation.local_definition(idx, o)
                return types.Location(uri=params.text_document.uri, range=lines.range(target.span)) if target else None
        rule_id = _rule_target(ls, path, text, lines, kind, line, index)
        if rule_id is None:
            return None
        rule = next((r for r in ls.engine.analyse_policies(path if kind == "policy" else None).check.rules
                     if r.id == rule_id), None)
        return _location(ls, rule.rule.id_span.path, rule.rule.id_span) if rule else None

    return await _request(ls, params.text_document.uri, job)


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
@guarded()
async def references(ls: PiarulesServer, params: types.ReferenceParams) -> list[types.Location] | None:
    def job(path: Path, text: str, lines: Lines, kind: str) -> list[types.Location] | None:
        line, index = lines.from_client(params.position)
        declaration = params.context.include_declaration
        if kind == "policy":
            idx = _policy_index(ls, path, text)
            o = idx.at(line + 1, index + 1) if idx is not None else None
            if idx is None or o is None:
                return None
            if o.kind != RULE:
                found = idx.references(o.kind, o.name, o)
                return [types.Location(uri=params.text_document.uri, range=lines.range(r.span))
                        for r in found if declaration or not r.definition]
        rule_id = _rule_target(ls, path, text, lines, kind, line, index)
        return _rule_references(ls, rule_id, path if kind == "policy" else None, declaration) if rule_id else None

    return await _request(ls, params.text_document.uri, job)


def _rule_references(ls: PiarulesServer, rule_id: str, extra: Path | None, declaration: bool) -> list[types.Location]:
    """The rule's definition and every mention of its id in the workspace's YAML (waivers, tests)."""
    engine = ls.engine
    out: list[types.Location] = []
    if declaration:
        rule = next((r for r in engine.analyse_policies(extra).check.rules if r.id == rule_id), None)
        if rule is not None and (where := _location(ls, rule.rule.id_span.path, rule.rule.id_span)):
            out.append(where)
    for file in navigation.workspace_yaml(engine.root):
        try:
            if file.stat().st_size > navigation.MAX_BYTES:
                continue
        except OSError:
            continue
        text = engine.text_of(file)
        if text is None or rule_id not in text:
            continue
        uri = from_fs_path(str(file.resolve()))
        lines = ls.lines(text)
        for hit in navigation.text_hits(file, text, rule_id):
            rng = types.Range(start=lines.position(hit.line, hit.col), end=lines.position(hit.line, hit.end_col))
            if uri:
                out.append(types.Location(uri=uri, range=rng))
    return out


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@guarded()
async def document_symbol(ls: PiarulesServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol] | None:
    def job(path: Path, text: str, lines: Lines, kind: str) -> list[types.DocumentSymbol] | None:
        if kind != "policy":
            return assessment.outline(text, lines) if looks_like_assessment(text) else None
        idx = _policy_index(ls, path, text)
        return navigation.document_symbols(idx, lines.range) if idx is not None else None

    return await _request(ls, params.text_document.uri, job)


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
@guarded()
async def formatting(ls: PiarulesServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
    def job(path: Path, text: str, lines: Lines, kind: str) -> actions.Formatted | None:
        return actions.format_text(text, ls.engine.display(path), lines) if kind == "policy" else None

    result = await _request(ls, params.text_document.uri, job)
    if result is None:
        return None
    if result.refusal:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=result.refusal))
    return result.edits


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
@guarded()
async def code_action(ls: PiarulesServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    snap = ls.snapshot(params.text_document.uri)
    if snap is None:
        return None
    return actions.code_actions(params.text_document.uri, list(params.context.diagnostics), ls.lines(snap[1]))


@server.command(actions.EXPLAIN_COMMAND)
async def explain(ls: PiarulesServer, *args: Any) -> str | None:
    """`piarules.explain RULE URI [show]`: the explanation text; with show, also open it in the
    editor. Bad arguments are logged and answered with null."""
    try:
        return await _explain(ls, list(args))
    except Exception as exc:
        log.exception("piarules.explain に失敗しました")
        ls.window_log_message(types.LogMessageParams(
            type=types.MessageType.Error, message=f"piarules.explain: {type(exc).__name__}: {exc}"))
        return None


async def _explain(ls: PiarulesServer, args: list[Any]) -> str:
    if len(args) == 1 and isinstance(args[0], dict):
        args = [args[0].get("rule"), args[0].get("uri"), args[0].get("show", False)]
    if len(args) < 2 or not all(isinstance(a, str) for a in args[:2]):
        raise ValueError("引数は [ルールID, 文書のURI, (表示するか)] です")
    rule_id, uri = args[0], args[1]
    show = len(args) > 2 and bool(args[2])
    snap = ls.snapshot(uri)
    if snap is not None:
        path, text = snap[0], snap[1]
    else:
        fs = to_fs_path(uri)
        if not fs:
            raise ValueError(f"文書を開けません: {uri}")
        path = Path(fs)
        read: str | None = await ls.run(ls.engine.text_of, path)
        if read is None:
            raise ValueError(f"文書を読めません: {uri}")
        text = read
    result = await ls.run(ls.engine.explain, rule_id, path, text)
    if show:
        await _show_text(ls, f"{rule_id}-{path.stem}", result)
    return result


async def _show_text(ls: PiarulesServer, name: str, text: str) -> None:
    """Open a text in the editor (window/showDocument on a temporary file), else log it."""
    window = ls.client_capabilities.window
    if window is not None and window.show_document is not None and window.show_document.support:
        folder = Path(tempfile.gettempdir()) / "piarules-explain"
        folder.mkdir(exist_ok=True)
        file = folder / f"{''.join(c if c.isalnum() or c in '-_' else '_' for c in name)}.txt"
        file.write_text(text, encoding="utf-8")
        uri = from_fs_path(str(file))
        if uri:
            await ls.window_show_document_async(types.ShowDocumentParams(uri=uri, take_focus=True))
            return
    ls.window_log_message(types.LogMessageParams(type=types.MessageType.Info, message=text))
    ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info,
                                                   message="explain の結果を出力 (ログ) に表示しました"))


def start() -> None:
    """Serve LSP over stdin/stdout until the client exits."""
    logging.basicConfig(level=logging.WARNING, format="piarules-lsp %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    server.start_io()
