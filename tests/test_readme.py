"""The README is tested: its Python API example runs, its set-up commands are the ones CI runs,
its CI and pre-commit examples install piarules from the repository, the bundled example
validates against the schema the README tells editors to use, and nothing it or the bundled
policies show users points at a file outside the repository."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT, bundled, invoke

README = (ROOT / "README.md").read_text(encoding="utf-8")
SETUP_EXAMPLE = ('python3 -m venv .venv && . .venv/bin/activate && pip install . && '
                 'piarules eval examples/sumida-kokuho/assessment.yaml')
SETUP_TESTS = 'python3 -m venv .venv && . .venv/bin/activate && pip install ".[test]" && python -m pytest -q'


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.DOTALL)


def test_python_api_example_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (code,) = [b for b in blocks("python") if "load_policies" in b]
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})  # the README's own example
    assert re.match(r"\S+ (エラー|警告|情報) [高中低] examples/", capsys.readouterr().out)


def test_the_two_setup_commands_are_there_and_ci_runs_the_test_command() -> None:
    assert SETUP_EXAMPLE in blocks("sh")[0] and SETUP_TESTS in blocks("sh")[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install --quiet ".[test,dev]"' in ci and "python -m pytest -q" in ci


def test_ci_and_pre_commit_examples_install_from_the_repository() -> None:
    workflow = next(b for b in blocks("yaml") if "runs-on" in b)
    assert "pip install piarules" not in README
    assert re.search(r'pip install "git\+\S+@\S+"', workflow) and "piarules check --gate" in workflow
    pre_commit = next(b for b in blocks("yaml") if "hooks:" in b)
    assert re.search(r"repo: https://\S+\.git", pre_commit) and "<" not in pre_commit
    template = (ROOT / "src/piarules/data/scaffold/workflow.yml").read_text(encoding="utf-8")
    steps = lambda text: [s.split("#")[0].strip() for s in re.findall(r"- run: (.+)", text)]  # noqa: E731
    assert steps(workflow)[1:] == [s.replace("検査報告.html", "piarules.html") for s in steps(template)[1:]]


def test_the_example_validates_against_the_schema_editors_use(tmp_path: Path) -> None:
    import jsonschema
    from ruamel.yaml import YAML

    assert "# yaml-language-server: $schema=./pia.schema.json" in README
    assert "piarules schema --kind 重点項目評価書 > pia.schema.json" in README
    code, out, _ = invoke("schema", "--kind", "重点項目評価書")
    assert code == 0
    schema = json.loads(out)
    for name in ("assessment.yaml", "changelog.yaml"):
        document = YAML(typ="safe").load((EXAMPLE.parent / name).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema).validate(document)


def test_version() -> None:
    from piarules import __version__

    code, out, _ = invoke("--version")
    assert code == 0 and out == f"piarules {__version__}\n"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{__version__}"' in pyproject


OUTSIDE = re.compile(r"domain(-2026)?\.md|/work/|shared/seeds")


def test_nothing_users_see_points_outside_the_repository() -> None:
    shown = [README, *(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))]
    for rule in bundled().check.rules:
        r = rule.rule
        shown += [r.title, r.hint or "", r.description or "", *rule.references,
                  *(p for p in r.message_parts if isinstance(p, str))]
    leaks = sorted({m[0] for text in shown for m in OUTSIDE.finditer(text)})
    assert not leaks
