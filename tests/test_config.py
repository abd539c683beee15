"""The project configuration: found upward, checked (did-you-mean, located), applied by eval and
the other commands, overridden by the command line, shown by `piarules config`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piarules.config import KEYS, discover, find_config
from piarules.diagnostics import PiarulesError
from piarules.lsp.config import Settings, policy_paths
from tests.conftest import EXAMPLE, invoke, write

OWN_RULE = 'rule OWN-1 "公表日がない" {\n  severity error\n  confidence low\n  require 公表日 is present\n}\n'


@pytest.fixture(autouse=True)
def _no_outside_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIARULES_CONFIG", raising=False)


def run_json(*args: object) -> tuple[int, dict, str]:
    code, out, err = invoke("eval", EXAMPLE, "--format", "json", "--as-of", "2026-01-01", *args)
    return code, (json.loads(out) if out.strip().startswith("{") else {}), err


def rule_ids(data: dict) -> set[str]:
    return {f["rule_id"] for d in data["documents"] for f in d["findings"]}


def test_found_from_the_working_directory_upward(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')  # no [tool.piarules]: not a config
    write(tmp_path, "a/pyproject.toml", '[tool.piarules]\nfail-on = "warning"\n')
    (tmp_path / "a/b/c").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a/b/c")
    assert find_config() == Path("../../pyproject.toml")
    assert discover().get("fail-on") == "warning"
    write(tmp_path, "a/b/piarules.toml", 'fail-on = "info"\n')  # nearer wins
    assert discover().get("fail-on") == "info"
    monkeypatch.chdir(tmp_path)
    assert find_config() is None and discover().get("fail-on") == "error"
    monkeypatch.setenv("PIARULES_CONFIG", "none")
    monkeypatch.chdir(tmp_path / "a")
    assert discover().file is None


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ('policies = ["p"]\nfail_on = "warning"\n', 2, "設定「fail_on」はありません (もしかして「fail-on」)"),
        ('min-confidence = "hight"\n', 1, "もしかして「high」"),
        ('fail-on = 3\n', 1, "int の 3 は選べません"),
        ('\n\nstandard = "no"\n', 3, "true か false"),
        ('severity = { "CH-007" = "fatal" }\n', 1, "error / warning / info"),
        ('as-of = "令和7年2月30日"\n', 1, "存在しない日付"),
        ('output = ["pdf=a.pdf"]\n', 1, "形式=ファイル"),
        ('jobs = 0\n', 1, "1 以上の整数"),
        ('[tool.piarules]\nfail-on = "info"\n', 1, "[tool.piarules] を書かずに"),
        ('fail-on = "info\n', 1, "TOML として読めません"),
        ('fail-on = "info"\nfail-on = "error"\n', 2, "キー「fail-on」が2回書かれています"),
    ],
)
def test_wrong_settings_are_located_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, line: int,
                                           needle: str) -> None:
    write(tmp_path, "piarules.toml", text)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PiarulesError) as caught:
        discover()
    d = caught.value.diagnostics[0]
    assert d.code == "PIA503" and d.span is not None and d.span.line == line, d.one_line()
    assert needle in d.one_line()
    code, _, err = invoke("eval", EXAMPLE)  # every command: one located line, exit 2
    assert code == 2 and f"piarules.toml:{line}:" in err and "Traceback" not in err


def test_pyproject_keys_are_located_in_their_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\nfail-onn = 1\n\n[tool.piarules]\nfail-onn = "info"\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke("eval", EXAMPLE)
    assert code == 2 and "pyproject.toml:6:1: エラー[PIA503] 設定「fail-onn」はありません (もしかして「fail-on」)" in err


def test_select_ignore_severity_and_confidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _, everything, _ = run_json()
    assert "CH-001b" in rule_ids(everything)
    write(tmp_path, "piarules.toml", 'select = ["CH"]\nignore = ["CH-001b"]\nseverity = { "CH-0" = "info" }\n')
    _, data, _ = run_json()
    ids = rule_ids(data)
    assert ids and all(i.startswith("CH") for i in ids) and "CH-001b" not in ids
    assert {f["severity"] for d in data["documents"] for f in d["findings"]} == {"info"}
    write(tmp_path, "piarules.toml", 'min-confidence = "high"\n')
    _, data, _ = run_json()
    assert {f["confidence"] for d in data["documents"] for f in d["findings"]} == {"high"}
    _, data, _ = run_json("--min-confidence", "low")  # the command line overrides the file
    assert {f["confidence"] for d in data["documents"] for f in d["findings"]} >= {"high", "medium"}


def test_a_selector_that_matches_no_rule_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "piarules.toml", 'ignore = [\n  "CH-007",\n  "CHH-001",\n]\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke("eval", EXAMPLE)
    assert code == 2 and "piarules.toml:3:1: エラー[PIA503] 設定「ignore」の「CHH-001」に当たるルールがありません" in err
    assert "もしかして「CH-001」" in err
    for command in (("check",), ("config",)):  # the commands that do not evaluate say so too
        code, _, err = invoke(*command)
        assert code == 2 and "「CHH-001」に当たるルールがありません" in err, command


def test_policies_standard_fail_on_as_of_waivers_body_and_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "own/own.pia", OWN_RULE)
    write(tmp_path, "waivers.yaml", "waivers:\n  - rule: OWN-1\n    理由: 公表前\n    承認者: 管理者\n    期限: 2099-01-01\n")
    write(tmp_path, "piarules.toml", 'policies = ["own"]\nstandard = false\nfail-on = "never"\nas-of = "令和7年4月1日"\n'
                                     'waivers = "waivers.yaml"\noutput = ["html=out/report.html"]\n')
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke("eval", EXAMPLE, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["as_of"] == "2025-04-01" and rule_ids(data) == {"OWN-1"}
    assert data["summary"]["waived"] == 1 and (tmp_path / "out/report.html").is_file()
    code, _, _ = invoke("eval", EXAMPLE, "--fail-on", "error", "--waivers", write(tmp_path, "none.yaml", "waivers: []\n"))
    assert code == 1  # options override the file


def test_piarules_config_shows_values_and_where_they_came_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "pyproject.toml", '[tool.piarules]\n# 独自ルール\npolicies = ["policies"]\nbody = "墨田区長"\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    code, out, _ = invoke("config")
    assert code == 0 and "# 設定ファイル: ../pyproject.toml [tool.piarules]" in out
    assert re.search(r'^policies +=  ?\["\.\./policies"\]  # \.\./pyproject\.toml:3:', out, re.MULTILINE)
    assert re.search(r'^body +=  ?"墨田区長"  # \.\./pyproject\.toml:4:', out, re.MULTILINE)
    assert re.search(r'^fail-on += "error"  # 既定:', out, re.MULTILINE)


def test_the_language_server_uses_the_project_config(tmp_path: Path) -> None:
    write(tmp_path, "rules/own.pia", OWN_RULE)
    write(tmp_path, "piarules.toml", 'policies = ["rules"]\nstandard = false\n')
    assert policy_paths(Settings(), tmp_path) == [tmp_path / "rules"]
    assert policy_paths(Settings(policies=("x",)), tmp_path)[-1] == tmp_path / "x"  # the client's own choice wins


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from([*KEYS, "fail_on", "tool", "x"]),
                       st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.lists(st.text(max_size=5), max_size=3),
                                 st.dictionaries(st.text(min_size=1, max_size=5), st.text(max_size=6), max_size=2)),
                       max_size=5))
def test_any_table_is_read_or_refused_with_located_errors(tmp_path: Path, table: dict) -> None:
    """Whatever a piarules.toml holds: a config, or PIA503 errors with a line — never a crash."""
    import tomllib

    from piarules.config import load_config, toml_value

    text = "".join(f"{toml_value(k)} = {toml_value(v) if not isinstance(v, dict) else _inline(v)}\n" for k, v in table.items())
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    path = tmp_path / "piarules.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_config(path)
    except PiarulesError as exc:
        assert all(d.code == "PIA503" and d.span is not None and d.span.line >= 1 for d in exc.diagnostics)


def _inline(table: dict) -> str:
    from piarules.config import toml_value

    return "{ " + ", ".join(f"{toml_value(k)} = {toml_value(v)}" for k, v in table.items()) + " }"
