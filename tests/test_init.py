"""`piarules init`: the scaffold passes its own checks; its CI workflow and pre-commit config
install piarules from this repository (a git URL) and run for real."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, invoke

PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")


def test_scaffold_passes_its_own_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIARULES_CONFIG", raising=False)
    code, out, _ = invoke("init", tmp_path, "--body", "墨田区長", "--id", "sumida", "--source", "https://example.org/p.git",
                          "--rev", "v1")
    assert code == 0 and "作成:" in out
    names = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    assert names == {"piarules.toml", "policies/sumida.pia", "policies/tests/sumida.yaml", "評価書/例.yaml",
                     "評価書/pia.schema.json", ".pre-commit-config.yaml", ".github/workflows/piarules.yml", "README.md"}
    assert "use 再委託する from ENT" in (tmp_path / "policies/sumida.pia").read_text(encoding="utf-8")
    assert '"git+https://example.org/p.git@v1"' in (tmp_path / ".github/workflows/piarules.yml").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert invoke("config")[1].count("piarules.toml:") >= 3
    code, out, _ = invoke("check")
    assert code == 0 and "問題ありません" in out
    code, out, _ = invoke("test", "--strict")
    assert code == 0 and out.endswith("2 passed, 0 failed\n"), out
    code, out, _ = invoke("eval", "評価書/")
    assert code == 0 and "指摘はありません" in out
    import jsonschema
    from ruamel.yaml import YAML

    schema = json.loads((tmp_path / "評価書/pia.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(YAML(typ="safe").load((tmp_path / "評価書/例.yaml").read_text(encoding="utf-8")), schema)
    code, _, err = invoke("init", tmp_path)  # never overwrites silently
    assert code == 2 and "上書きしません" in err


def test_bad_id_is_refused(tmp_path: Path) -> None:
    code, _, err = invoke("init", tmp_path, "--id", "独自")
    assert code == 2 and "--id" in err and not list(tmp_path.iterdir())


def shadow_repository(tmp_path: Path) -> tuple[Path, str]:
    """This working tree (uncommitted changes included) as a git repository: what a body's CI
    would install from."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    shadow = tmp_path / "piarules-repo"
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (shadow / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, shadow / name)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@x"}
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "snapshot"]):
        subprocess.run(command, cwd=shadow, env=env, check=True, capture_output=True)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=shadow, capture_output=True, text=True, check=True).stdout.strip()
    return shadow, sha


_MISSING = not Path(PRE_COMMIT).exists() or shutil.which("git") is None or not (ROOT / ".git").exists()
if _MISSING and os.environ.get("PIARULES_REQUIRE_PRECOMMIT"):
    raise RuntimeError("PIARULES_REQUIRE_PRECOMMIT is set but pre-commit, git or the git checkout is missing")


@pytest.mark.skipif(_MISSING, reason="needs pre-commit, git, and this checkout to be a git repository")
def test_scaffold_ci_and_pre_commit_install_from_the_repository(tmp_path: Path) -> None:
    """The generated GitHub Actions steps run in a fresh virtual environment (pip installs
    piarules from the git URL), and the generated pre-commit config runs both hooks."""
    shadow, sha = shadow_repository(tmp_path)
    body_repo = tmp_path / "body"
    code, _, err = invoke("init", body_repo, "--body", "墨田区長", "--id", "SUMIDA", "--source", shadow.as_uri(), "--rev", sha)
    assert code == 0, err
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x", "PIARULES_NO_CACHE": "1"}
    env.pop("PIARULES_CONFIG", None)
    # GitHub Actions: every `run:` step, in order, with the runner's python replaced by a fresh venv.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env_ci = {**env, "PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}", "VIRTUAL_ENV": str(venv)}
    workflow = (body_repo / ".github/workflows/piarules.yml").read_text(encoding="utf-8")
    steps = re.findall(r"^\s*- run: (.+)$", workflow, re.MULTILINE)
    assert steps[0].startswith('pip install "git+file://') and len(steps) == 4
    for step in steps:
        done = subprocess.run(step, shell=True, cwd=body_repo, env=env_ci, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"{step}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert (body_repo / "検査報告.html").is_file() and (body_repo / "指摘一覧.xlsx").is_file()
    version = subprocess.run(["piarules", "--version"], env=env_ci, capture_output=True, text=True, check=True)
    assert version.stdout.startswith("piarules ")
    # pre-commit: both hooks from the repository URL the scaffold names.
    subprocess.run(["git", "init", "-q"], cwd=body_repo, env=env, check=True)
    subprocess.run(["git", "add", "-A"], cwd=body_repo, env=env, check=True)
    hooks = subprocess.run([PRE_COMMIT, "run", "--all-files"], cwd=body_repo, env=env, capture_output=True, text=True,
                           timeout=900)
    assert hooks.returncode == 0, hooks.stdout[-3000:] + hooks.stderr[-3000:]
    assert hooks.stdout.count("Passed") == 2
