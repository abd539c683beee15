"""`piarules lsp` end to end: the server runs as a subprocess and the tests speak LSP to it
(pytest-lsp). One server per module; each test uses its own documents."""

from __future__ import annotations

import ast
import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from piarules.api import bundled_policy_dir, parse_policy_texts, policy_files
from piarules.fmt import format_policy
from tests.conftest import EXAMPLE, dedent

pytestmark = pytest.mark.asyncio(loop_scope="module")

WORKSPACE = Path(__file__).parent / "lsp" / "workspace"
OWN_POLICY = WORKSPACE / "policies" / "own.pia"


@pytest_lsp.fixture(scope="module",
                    config=ClientServerConfig(server_command=[sys.executable, "-m", "piarules", "lsp"]))
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=WORKSPACE.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=WORKSPACE.as_uri(), name="workspace")],
        initialization_options={"policies": ["policies"], "debounceMs": 10},
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


# ---------------------------------------------------------------- helpers

_versions: dict[str, int] = {}
registrations: list[types.Registration] = []


def uri_of(name: str) -> str:
    return (WORKSPACE / name).as_uri()


async def published(client: LanguageClient, uri: str, timeout: float = 20) -> list[types.Diagnostic]:
    """Wait for the next diagnostics of `uri` (the caller popped the previous ones)."""
    async def wait() -> list[types.Diagnostic]:
        while uri not in client.diagnostics:
            await asyncio.sleep(0.02)
        return list(client.diagnostics[uri])

    return await asyncio.wait_for(wait(), timeout)


async def open_doc(client: LanguageClient, name: str, text: str, language: str = "pia") -> list[types.Diagnostic]:
    uri = uri_of(name)
    client.diagnostics.pop(uri, None)
    _versions[uri] = 1
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    return await published(client, uri)


async def change_doc(client: LanguageClient, name: str, text: str) -> list[types.Diagnostic]:
    uri = uri_of(name)
    client.diagnostics.pop(uri, None)
    _versions[uri] += 1
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=_versions[uri]),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    return await published(client, uri)


def position(text: str, needle: str, offset: int = 0) -> types.Position:
    """The position of `needle` in `text` (+offset characters); UTF-16 = characters here (BMP)."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    return types.Position(line=line, character=index - (text.rfind("\n", 0, index) + 1))


TYPO = dedent("""
    policy TYPO "項目名の誤り" {
      applies to 重点項目評価書
    }

    term 再委託する = 再委託の有無 == "再委託する"

    rule TYPO-001 "再委託の許諾方法がない" {
      severity error
      for each ファイル in 特定個人情報ファイル
      for each 委託 in ファイル.委託.委託事項
      when 再委託する
      require 委託.再委託の許諾 is not empty
    }
""")


# ---------------------------------------------------------------- policies: diagnostics


async def test_typo_diagnostic_is_the_checkers(client: LanguageClient) -> None:
    diagnostics = await open_doc(client, "policies/typo.pia", TYPO)
    assert [d.code for d in diagnostics] == ["PIA201"]
    (d,) = diagnostics
    assert "もしかして「再委託の許諾方法」" in d.message
    assert d.source == "piarules"
    assert d.severity == types.DiagnosticSeverity.Error
    # exactly what `piarules check` says of the same file in the same set
    files = [*policy_files([bundled_policy_dir()]), *policy_files([WORKSPACE / "policies"])]
    sources = [(str(f), f.read_text(encoding="utf-8")) for f in files] + [("policies/typo.pia", TYPO)]
    expected = [x for x in parse_policy_texts(sources).diagnostics if x.span and x.span.path == "policies/typo.pia"]
    assert [(x.code, x.message + "\n" + (x.help or "")) for x in expected] == [(d.code, d.message)]
    span = expected[0].span
    assert span is not None
    assert (d.range.start.line, d.range.start.character) == (span.line - 1, span.col - 1)
    assert (d.range.end.line, d.range.end.character) == (span.end_line - 1, span.end_col - 1)


async def test_a_change_updates_diagnostics(client: LanguageClient) -> None:
    name = "policies/editing.pia"
    assert [d.code for d in await open_doc(client, name, TYPO.replace("TYPO", "EDIT"))] == ["PIA201"]
    fixed = TYPO.replace("TYPO", "EDIT").replace("再委託の許諾 is", "再委託の許諾方法 is")
    assert await change_doc(client, name, fixed) == []
    broken = fixed.replace('== "再委託する"', '== "再委託すろ"')
    assert [d.code for d in await change_doc(client, name, broken)] == ["PIA206"]


async def test_rapid_changes_end_with_the_last_texts_diagnostics(client: LanguageClient) -> None:
    name = "policies/rapid.pia"
    uri = uri_of(name)
    base = TYPO.replace("TYPO", "RAPID").replace("再委託の許諾 is", "再委託の許諾方法 is")
    assert await open_doc(client, name, base) == []
    client.diagnostics.pop(uri, None)
    texts = [base.replace("severity error", "severity error" + "\n" * n) for n in range(1, 6)]
    texts[-1] = texts[-1].replace('== "再委託する"', '== "再委託すろ"')
    for text in texts:  # faster than the debounce: the earlier runs are dropped
        _versions[uri] += 1
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=_versions[uri]),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    assert [d.code for d in await published(client, uri)] == ["PIA206"]
    await asyncio.sleep(0.3)
    assert [d.code for d in client.diagnostics[uri]] == ["PIA206"]  # no stale run published after it


async def test_duplicate_rule_id_across_the_workspace(client: LanguageClient) -> None:
    text = TYPO.replace("TYPO-001", "OWN-001").replace("policy TYPO", "policy DUP").replace("再委託の許諾 is", "再委託の許諾方法 is")
    diagnostics = await open_doc(client, "policies/dup.pia", text)
    assert [d.code for d in diagnostics] == ["PIA203"]
    assert "OWN-001" in diagnostics[0].message


async def test_quick_fix_from_did_you_mean(client: LanguageClient) -> None:
    uri = uri_of("policies/typo.pia")
    diagnostics = await open_doc(client, "policies/typo.pia", TYPO)
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostics[0].range,
        context=types.CodeActionContext(diagnostics=diagnostics)))
    assert result is not None
    (fix,) = [a for a in result if isinstance(a, types.CodeAction) and a.edit]
    assert fix.edit is not None and fix.edit.changes is not None
    (edit,) = fix.edit.changes[uri]
    assert edit.new_text == "再委託の許諾方法"
    line = TYPO.split("\n")[edit.range.start.line]
    assert line[edit.range.start.character:edit.range.end.character] == "再委託の許諾"


# ---------------------------------------------------------------- policies: completion, hover, navigation


async def completion_labels(client: LanguageClient, name: str, text: str, at: types.Position) -> list[str]:
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of(name)), position=at))
    assert isinstance(result, types.CompletionList)
    return [i.label for i in result.items]


async def test_completion_of_a_field_path(client: LanguageClient) -> None:
    text = TYPO.replace("require 委託.再委託の許諾 is not empty", "require ファイル.委託.")
    await open_doc(client, "policies/complete.pia", text)
    labels = await completion_labels(client, "policies/complete.pia", text, position(text, "ファイル.委託.", len("ファイル.委託.")))
    assert labels == ["委託の有無", "委託事項"]


async def test_completion_of_choices_after_equals(client: LanguageClient) -> None:
    text = TYPO.replace("require 委託.再委託の許諾 is not empty", 'require 委託.再委託の有無 == ')
    await open_doc(client, "policies/choices.pia", text)
    labels = await completion_labels(client, "policies/choices.pia", text,
                                     position(text, "委託.再委託の有無 == ", len("委託.再委託の有無 == ")))
    assert labels == ["再委託する", "再委託しない"]
    in_term = await completion_labels(client, "policies/choices.pia", text,
                                      position(text, '再委託の有無 == "', len("再委託の有無 == ")))
    assert in_term == ["再委託する", "再委託しない"]  # a term: the field's choices wherever the form has it


async def test_completion_of_names_keywords_and_builtins(client: LanguageClient) -> None:
    text = TYPO.replace("require 委託.再委託の許諾 is not empty", "require ")
    await open_doc(client, "policies/names.pia", text)
    labels = await completion_labels(client, "policies/names.pia", text, position(text, "require ", len("require ")))
    for expected in ("委託", "ファイル", "再委託する", "再委託の許諾方法", "公表日", "count", "previous", "is", "matches"):
        assert expected in labels


async def test_hover_on_a_rule_id(client: LanguageClient) -> None:
    text = TYPO.replace("再委託の許諾 is", "再委託の許諾方法 is").replace("TYPO", "HOVER")
    await open_doc(client, "policies/hover.pia", text)
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of("policies/hover.pia")), position=position(text, "HOVER-001", 2)))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert "**HOVER-001** 再委託の許諾方法がない" in result.contents.value
    assert "重大度: エラー" in result.contents.value


async def test_hover_on_a_field_shows_type_choices_and_description(client: LanguageClient) -> None:
    text = TYPO.replace("TYPO", "HOVERF")
    await open_doc(client, "policies/hoverf.pia", text)
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of("policies/hoverf.pia")),
        position=position(text, "委託.委託事項", 4)))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert "`特定個人情報ファイル[].委託.委託事項`" in result.contents.value


async def test_definition_and_references_of_a_term(client: LanguageClient) -> None:
    text = TYPO.replace("TYPO", "DEF")
    uri = uri_of("policies/def.pia")
    await open_doc(client, "policies/def.pia", text)
    use = position(text, "when 再委託する", len("when ") + 1)
    result = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=use))
    assert isinstance(result, types.Location)
    assert result.uri == uri
    assert result.range.start == position(text, "再委託する =")
    refs = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=use,
        context=types.ReferenceContext(include_declaration=True)))
    assert refs is not None
    assert sorted(r.range.start.line for r in refs) == [position(text, "再委託する =").line, use.line]


async def test_rule_id_definition_from_a_waiver_file_and_references(client: LanguageClient) -> None:
    waivers = (WORKSPACE / "waivers.yaml").read_text(encoding="utf-8")
    await open_doc(client, "waivers.yaml", waivers, "yaml")
    result = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of("waivers.yaml")), position=position(waivers, "OWN-001", 1)))
    assert isinstance(result, types.Location)
    assert result.uri == OWN_POLICY.as_uri()
    refs = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of("waivers.yaml")), position=position(waivers, "OWN-001", 1),
        context=types.ReferenceContext(include_declaration=True)))
    assert refs is not None
    assert {r.uri for r in refs} == {OWN_POLICY.as_uri(), uri_of("waivers.yaml")}


async def test_document_symbols(client: LanguageClient) -> None:
    text = TYPO.replace("TYPO", "SYM")
    await open_doc(client, "policies/sym.pia", text)
    result = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of("policies/sym.pia"))))
    assert result is not None
    assert [(s.name, s.kind) for s in result if isinstance(s, types.DocumentSymbol)] == [
        ("SYM", types.SymbolKind.Module), ("再委託する", types.SymbolKind.Variable), ("SYM-001", types.SymbolKind.Event)]


# ---------------------------------------------------------------- formatting


MESSY = 'rule   FMT-001 "x" {\n severity   error\n    require   公表日 is present   # 残すコメント\n}\n'


async def test_formatting_is_fmt(client: LanguageClient) -> None:
    await open_doc(client, "policies/fmt.pia", MESSY)
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of("policies/fmt.pia")),
        options=types.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert edits is not None and len(edits) == 1
    assert edits[0].new_text == format_policy(MESSY, "fmt.pia")[0]
    assert edits[0].range.start == types.Position(line=0, character=0)


async def test_formatting_refuses_broken_text_and_says_why(client: LanguageClient) -> None:
    await open_doc(client, "policies/broken.pia", 'rule BROKEN-001 "x" {\n  severity error\n  require 公表日 ==\n}\n')
    client.messages.clear()
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of("policies/broken.pia")),
        options=types.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert not edits
    await asyncio.sleep(0.2)
    assert any("整形できません" in m.message for m in client.messages)


# ---------------------------------------------------------------- assessment YAML


async def test_yaml_bad_choice_and_findings(client: LanguageClient) -> None:
    text = dedent("""
        評価書の種類: 重点項目評価書
        変更箇所:
          - {変更日: 令和6年1月31日, 項目: 委託の有無, 変更前の記載: 4件, 変更後の記載: 5件, 提出時期: 事中}
    """)
    diagnostics = await open_doc(client, "bad-choice.yaml", text, "yaml")
    bad = [d for d in diagnostics if d.code == "PIA303"]
    assert len(bad) == 1
    assert bad[0].range.start == position(text, "提出時期: 事中")  # the item's key, as `piarules eval` points
    assert "事前" in bad[0].message
    good = text.replace("事中", "事前")
    diagnostics = await change_doc(client, "bad-choice.yaml", good)
    assert not [d for d in diagnostics if d.code and str(d.code).startswith("PIA3")]
    assert any(d.code == "OWN-001" for d in diagnostics)  # the workspace's own policy
    assert any(isinstance(d.code, str) and not d.code.startswith(("PIA", "OWN")) for d in diagnostics)  # bundled


async def test_yaml_completion_and_hover(client: LanguageClient) -> None:
    text = dedent("""
        評価書の種類: 重点項目評価書
        特定個人情報ファイル:
          - 番号: 1
            委託:
              委託事項:
                - 番号: 1
                  再委託の有無:‸
    """).replace("‸", " ")
    await open_doc(client, "complete.yaml", text, "yaml")
    uri = uri_of("complete.yaml")
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position(text, "再委託の有無: ", len("再委託の有無: "))))
    assert isinstance(result, types.CompletionList)
    assert [i.label for i in result.items] == ["再委託する", "再委託しない"]
    keys = text.replace("      再委託の有無: \n", "      再\n")
    await change_doc(client, "complete.yaml", keys)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position(keys, "      再\n", 7)))
    assert isinstance(result, types.CompletionList)
    labels = [i.label for i in result.items]
    assert "再委託の許諾方法" in labels and "番号" not in labels
    await change_doc(client, "complete.yaml", text.replace("再委託の有無: ", "再委託の有無: 再委託する"))
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position(text, "再委託の有無", 2)))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "特定個人情報ファイル[].委託.委託事項[].再委託の有無" in hover.contents.value
    assert "ENT-001" in hover.contents.value  # a bundled rule that reads it


async def test_explain_command_and_code_action(client: LanguageClient) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    diagnostics = await open_doc(client, "example.yaml", text, "yaml")
    finding = next(d for d in diagnostics if d.code == "CH-007")
    uri = uri_of("example.yaml")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=finding.range,
        context=types.CodeActionContext(diagnostics=[finding])))
    assert actions is not None and len(actions) == 1
    (action,) = actions
    if isinstance(action, types.Command):
        # lsprotocol's client-side converter reads a CodeAction that has a `command` as a Command whose
        # command is the dict's text; the JSON the server sent is a CodeAction (see test_explain_action_json).
        assert action.title == "CH-007 がなぜ発火したかを表示 (explain)"
        sent = ast.literal_eval(action.command)
    else:
        assert action.command is not None
        sent = {"command": action.command.command, "arguments": action.command.arguments}
    assert sent["command"] == "piarules.explain"
    assert sent["arguments"] == ["CH-007", uri, True]
    text_result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="piarules.explain", arguments=["CH-007", uri]))
    assert isinstance(text_result, str)
    assert text_result.startswith("ルール CH-007")
    assert "発火しました" in text_result


async def test_explain_action_json() -> None:
    """The explain code action as JSON: a CodeAction (quick fix) carrying the command."""
    from pygls.protocol import default_converter

    from piarules.lsp.actions import explain_action

    finding = types.Diagnostic(range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=1)),
                               message="m", code="CH-007", source="piarules", data={"rule": "CH-007"})
    action = explain_action("file:///x.yaml", finding)
    assert action is not None
    sent = default_converter().unstructure(action)
    assert sent["kind"] == "quickfix"
    assert sent["command"] == {"title": action.title, "command": "piarules.explain", "arguments": ["CH-007", "file:///x.yaml", True]}


async def test_settings_change_the_policy_set(client: LanguageClient) -> None:
    text = "評価書の種類: 重点項目評価書\n変更箇所:\n  - {変更日: 令和6年1月31日, 項目: 委託の有無, 変更後の記載: 5件, 提出時期: 事前}\n"
    with_bundled = {d.code for d in await open_doc(client, "settings.yaml", text, "yaml")}
    assert "OWN-001" in with_bundled and len(with_bundled) > 1
    uri = uri_of("settings.yaml")
    try:
        client.diagnostics.pop(uri, None)
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"piarules": {"policies": ["policies"], "bundled": False, "debounceMs": 10}}))
        assert {d.code for d in await published(client, uri)} == {"OWN-001"}
    finally:
        client.diagnostics.pop(uri, None)
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"piarules": {"policies": ["policies"], "bundled": True, "debounceMs": 10}}))
        assert {d.code for d in await published(client, uri)} == with_bundled


async def test_a_policy_changed_on_disk_is_read_again(client: LanguageClient) -> None:
    extra = WORKSPACE / "policies" / "watched.pia"
    text = "評価書の種類: 重点項目評価書\n"
    uri = uri_of("watched.yaml")
    assert [r.method for r in registrations] == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    try:
        before = {d.code for d in await open_doc(client, "watched.yaml", text, "yaml")}
        assert "WATCH-001" not in before
        extra.write_text('rule WATCH-001 "x" {\n  severity info\n  require 評価実施機関名 is present\n}\n', encoding="utf-8")
        client.diagnostics.pop(uri, None)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=extra.as_uri(), type=types.FileChangeType.Created)]))
        assert "WATCH-001" in {d.code for d in await published(client, uri)}
    finally:
        extra.unlink(missing_ok=True)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=extra.as_uri(), type=types.FileChangeType.Deleted)]))


# ---------------------------------------------------------------- robustness


async def alive(client: LanguageClient) -> None:
    text = TYPO.replace("TYPO", "ALIVE")
    diagnostics = await open_doc(client, "policies/alive.pia", text)
    assert [d.code for d in diagnostics] == ["PIA201"]


@pytest.mark.parametrize("name, text, language", [
    ("garbage.pia", "\x00\x01\ufffd rule {{{ ]]] \"\n" * 50, "pia"),
    ("deep.pia", 'rule DEEP-001 "x" {\n severity error\n require ' + "(" * 3000 + "\n}\n", "pia"),
    ("empty.pia", "", "pia"),
    ("bomb.yaml", "評価書の種類: 重点項目評価書\na: &a [x, x, x, x, x, x, x, x, x]\n"
     + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(5)),
     "yaml"),
    ("tabs.yaml", "評価書の種類: 重点項目評価書\n\t変更箇所: [\n", "yaml"),
    ("list.yaml", "- 評価書の種類\n- 変更箇所\n", "yaml"),
])
async def test_malformed_files_are_diagnosed_not_fatal(client: LanguageClient, name: str, text: str, language: str) -> None:
    await open_doc(client, name, text, language)
    uri = uri_of(name)
    for request in (
        client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=3))),
        client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=2))),
        client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))),
        client.text_document_formatting_async(types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri), options=types.FormattingOptions(tab_size=2, insert_spaces=True))),
    ):
        await asyncio.wait_for(request, 20)
    await alive(client)


async def test_malformed_requests_get_answers_and_the_server_lives(client: LanguageClient) -> None:
    nowhere = (WORKSPACE / "does-not-exist.pia").as_uri()
    assert await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=nowhere), position=types.Position(line=0, character=0))) is None
    assert await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri="untitled:Untitled-1"), position=types.Position(line=0, character=0))) is None
    await open_doc(client, "policies/far.pia", "rule X {\n")
    assert await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of("policies/far.pia")),
        position=types.Position(line=999, character=999))) is not None
    assert await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="piarules.explain", arguments=[42])) is None
    assert await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="piarules.explain", arguments=["NO-SUCH-RULE", uri_of("example.yaml")])) is not None
    with pytest.raises(Exception):  # noqa: B017 - any JSON-RPC error will do: the point is that there is an answer
        await asyncio.wait_for(client.protocol.send_request_async("piarules/nonsense", {"x": 1}), 20)
    # raw messages the client library would not send: params of the wrong shape, a message that is
    # not an object, bytes that are not JSON
    writer = client.protocol.writer
    assert writer is not None
    for body in (b'{"jsonrpc": "2.0", "id": 999001, "method": "textDocument/hover", "params": {"textDocument": {"uri": 5}, "position": "here"}}',
                 b'{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": null}}',
                 b'[1, 2, 3]', b"{not json"):
        writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    await alive(client)
