"""The VS Code extension's static parts: the TextMate grammar (valid JSON, every regex compiles, it
knows every keyword and built-in of the language, and a small tokenizer gives the expected scopes),
the manifest (files it names exist, settings the server reads). The real VS Code tokenizer runs in
editors/vscode/test/grammar.test.js (npm test)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from piarules.builtins import REGISTRY
from piarules.syntax.grammar import KEYWORDS
from tests.conftest import ROOT

VSCODE = ROOT / "editors" / "vscode"
GRAMMAR = json.loads((VSCODE / "syntaxes" / "pia.tmLanguage.json").read_text(encoding="utf-8"))
MANIFEST = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))


def rules(node: Any) -> list[dict[str, Any]]:
    """Every rule (match or begin/end) of the grammar."""
    out = []
    if isinstance(node, dict):
        if "match" in node or "begin" in node:
            out.append(node)
        for value in node.values():
            out += rules(value)
    elif isinstance(node, list):
        for value in node:
            out += rules(value)
    return out


def test_every_regex_compiles() -> None:
    for rule in rules(GRAMMAR):
        for key in ("match", "begin", "end"):
            if key in rule:
                re.compile(rule[key])


def test_includes_resolve() -> None:
    names = set(GRAMMAR["repository"])
    includes = re.findall(r'"include": "#([^"]+)"', json.dumps(GRAMMAR))
    assert includes and set(includes) <= names


def _words() -> set[str]:
    words: set[str] = set()
    for rule in rules(GRAMMAR):
        words |= set(re.findall(r"[A-Za-z_]+", rule.get("match", "")))
    return words


def test_grammar_knows_every_keyword_and_builtin() -> None:
    """When the language gains a keyword or a built-in, this says the grammar must learn it too."""
    words = _words()
    assert set(KEYWORDS) - words == set()
    assert set(REGISTRY) - words == set()


# ---------------------------------------------------------------- a small tokenizer (one line)


def _compile(rule: dict[str, Any], key: str) -> re.Pattern[str]:
    return re.compile(rule[key])


def _expand(patterns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for p in patterns:
        if "include" in p:
            out += _expand([GRAMMAR["repository"][p["include"][1:]]])
        elif "patterns" in p and "match" not in p and "begin" not in p:
            out += _expand(p["patterns"])
        else:
            out.append(p)
    return out


def tokenize(line: str) -> list[tuple[str, str]]:
    """(text, scope) of the tokens of one line: the earliest match wins, then the first rule (TextMate's rule)."""
    top = _expand(GRAMMAR["patterns"])
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(line):
        best = None
        for rule in top:
            m = _compile(rule, "match" if "match" in rule else "begin").search(line, pos)
            if m and (best is None or m.start() < best[1].start()):
                best = (rule, m)
        if best is None:
            break
        rule, m = best
        if "begin" in rule:
            end = _compile(rule, "end").search(line, m.end())
            stop = end.end() if end else len(line)
            inner = line[m.end(): end.start() if end else len(line)]
            tokens.append((inner, rule["name"]))
            for sub in _expand(rule.get("patterns", [])):
                for s in _compile(sub, "match").finditer(inner):
                    scope = sub.get("captures", {}).get("2", {}).get("name") if sub.get("captures") else sub.get("name")
                    tokens.append((s[2] if sub.get("captures") else s[0], scope or ""))
            pos = max(stop, pos + 1)
            continue
        if rule.get("captures"):
            for group, capture in rule["captures"].items():
                if m.group(int(group)):
                    tokens.append((m.group(int(group)), capture["name"]))
        else:
            tokens.append((m[0], rule["name"]))
        pos = max(m.end(), pos + 1)
    return tokens


@pytest.mark.parametrize("line, text, scope", [
    ('rule CLOUD-001 "クラウド" {', "CLOUD-001", "entity.name.function.rule-id.pia"),
    ('policy ENT "委託" {', "ENT", "entity.name.namespace.policy.pia"),
    ("term 再委託する = 再委託の有無 == \"再委託する\"", "再委託する", "variable.other.definition.term.pia"),
    ("const 見直しの目安 = 1 year", "1 year", "constant.numeric.duration.pia"),
    ("  effective from 令和3年9月1日 until 2099-12-31", "令和3年9月1日", "constant.other.date.pia"),
    ("  effective from 令和3年9月1日 until 2099-12-31", "2099-12-31", "constant.other.date.pia"),
    ("  require 公表日 - 6か月 <= 基準日", "6か月", "constant.numeric.duration.pia"),
    ("  require 公表日 - 6か月 <= 基準日", "<=", "keyword.operator.comparison.pia"),
    ("  require count(x) >= 1,000", "count", "support.function.builtin.pia"),
    ("  require count(x) >= 1,000", "1,000", "constant.numeric.pia"),
    ("  severity warning", "warning", "constant.language.severity.pia"),
    ("  for each ファイル in 特定個人情報ファイル", "each", "keyword.control.pia"),
    ('  message "{ファイル.ファイル名} です"', "ファイル.ファイル名", "variable.other.placeholder.pia"),
    ("  message 「{行.変更日}」", "行.変更日", "variable.other.placeholder.pia"),
    ("  when a and not b  # 注 ENT-001", "# 注 ENT-001", "comment.line.number-sign.pia"),
    ("  when a and not b", "not", "keyword.operator.logical.pia"),
    ("  # 例外: CH-007 を参照", "# 例外: CH-007 を参照", "comment.line.number-sign.pia"),
    ("  require 基準日 is present", "基準日", "variable.language.pia"),
])
def test_tokens(line: str, text: str, scope: str) -> None:
    assert (text, scope) in tokenize(line), tokenize(line)


def test_japanese_names_are_not_keywords() -> None:
    """Keywords are whole words: 「in」 inside an ASCII identifier or 「as」 in as_of is not one."""
    scopes = dict(tokenize("  require as_of is present and linkin == 1"))
    assert scopes.get("as_of") == "variable.language.pia"
    assert "linkin" not in scopes


# ---------------------------------------------------------------- the manifest


def test_manifest_names_existing_files_and_the_server_settings() -> None:
    contributes = MANIFEST["contributes"]
    (language,) = contributes["languages"]
    assert language["id"] == "pia" and language["extensions"] == [".pia"]
    assert (VSCODE / language["configuration"]).is_file()
    assert (VSCODE / contributes["grammars"][0]["path"]).is_file()
    assert (VSCODE / MANIFEST["main"]).is_file()
    properties = contributes["configuration"]["properties"]
    from piarules.lsp.config import settings_from

    assert settings_from({"piarules": {"policies": ["x"], "bundled": False, "debounceMs": 5}}).debounce_ms == 5
    for key in ("piarules.policies", "piarules.bundled", "piarules.debounceMs", "piarules.server.path"):
        assert key in properties
    extension = (VSCODE / "extension.js").read_text(encoding="utf-8")
    for command in contributes["commands"]:
        assert command["command"] in extension


def test_language_configuration() -> None:
    config = json.loads((VSCODE / "language-configuration.json").read_text(encoding="utf-8"))
    assert config["comments"]["lineComment"] == "#"
    pairs = {(p["open"], p["close"]) for p in config["autoClosingPairs"]}
    assert {("「", "」"), ('"', '"'), ("{", "}")} <= pairs
    re.compile(config["wordPattern"])


def test_node_modules_and_vsix_are_not_committed() -> None:
    ignored = (VSCODE / ".gitignore").read_text(encoding="utf-8").split()
    assert "node_modules/" in ignored and "*.vsix" in ignored


def test_readme_documents_schema_association() -> None:
    readme = (VSCODE / "README.md").read_text(encoding="utf-8")
    assert "yaml.schemas" in readme and "# yaml-language-server: $schema=" in readme
    assert "npx @vscode/vsce package" in readme
    assert Path(VSCODE / "test" / "grammar.test.js").is_file()
