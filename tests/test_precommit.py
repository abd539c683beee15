"""pre-commit runs the piarules hook for real against a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")

GOOD = """評価書の種類: 重点項目評価書
評価実施機関名: 墨田区長
公表日: 令和6年1月31日
変更箇所:
  - {変更日: 令和6年1月31日, 項目: 委託の有無, 変更前の記載: 4件, 変更後の記載: 5件, 提出時期: 事前}
"""
BAD = GOOD.replace("提出時期: 事前}", "提出時期: }")
OWN_RULE = """rule OWN-001 "公表日がない" {
  severity warning
  when 評価書名 is present
  require 公表日 is present
}
"""
OWN_CASES = """cases:
- rule: OWN-001
  fires: |
    評価書名: 国保
  quiet: |
    評価書名: 国保
    公表日: 令和6年1月31日
"""

_MISSING = not Path(PRE_COMMIT).exists() or shutil.which("git") is None or not (ROOT / ".git").exists()
if _MISSING and os.environ.get("PIARULES_REQUIRE_PRECOMMIT"):  # CI sets it: a skip there would hide a failure
    raise RuntimeError("PIARULES_REQUIRE_PRECOMMIT is set but pre-commit, git or the git checkout is missing")
pytestmark = pytest.mark.skipif(_MISSING, reason="needs pre-commit, git, and this checkout to be a git repository")


def sh(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)


def test_hook_passes_a_good_document_and_stops_a_bad_one(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "評価書").mkdir(parents=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x", "PIARULES_NO_CACHE": "1"}
    sh("git", "init", "-q", cwd=repo, env=env)
    (repo / "評価書" / "kokuho.yaml").write_text(GOOD, encoding="utf-8")
    (repo / "ci.yaml").write_text("not: an assessment\n", encoding="utf-8")  # not matched by the hook
    sh("git", "add", ".", cwd=repo, env=env)
    # try-repo installs this checkout (uncommitted changes included) as the hook's repository.
    good = sh(PRE_COMMIT, "try-repo", str(ROOT), "piarules", "--all-files", cwd=repo, env=env)
    assert good.returncode == 0, good.stdout[-3000:] + good.stderr[-3000:]
    (repo / "評価書" / "kokuho.yaml").write_text(BAD, encoding="utf-8")
    sh("git", "add", ".", cwd=repo, env=env)
    bad = sh(PRE_COMMIT, "try-repo", str(ROOT), "piarules", "--all-files", cwd=repo, env=env)
    assert bad.returncode == 1
    assert "CH-001b" in bad.stdout and "kokuho.yaml" in bad.stdout
    # The policies hook (same installed environment): check, fmt --check and test --strict.
    (repo / "policies" / "tests").mkdir(parents=True)
    (repo / "policies" / "own.pia").write_text(OWN_RULE, encoding="utf-8")
    (repo / "policies" / "tests" / "own.yaml").write_text(OWN_CASES, encoding="utf-8")
    sh("git", "add", ".", cwd=repo, env=env)
    policies = sh(PRE_COMMIT, "try-repo", str(ROOT), "piarules-policies", "--all-files", cwd=repo, env=env)
    assert policies.returncode == 0, policies.stdout[-3000:]
    (repo / "policies" / "own.pia").write_text(OWN_RULE.replace("severity warning", "severity  warning"), encoding="utf-8")
    sh("git", "add", ".", cwd=repo, env=env)
    unformatted = sh(PRE_COMMIT, "try-repo", str(ROOT), "piarules-policies", "--all-files", cwd=repo, env=env)
    assert unformatted.returncode != 0 and "整形が必要" in unformatted.stdout
