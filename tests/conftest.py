"""Shared helpers: run policy text over YAML text through the public pipeline."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import textwrap
from functools import cache
from pathlib import Path

import pytest

from piarules.api import PolicySet, bundled_policy_dir, load_policies, parse_policy_texts, run
from piarules.document import Document, load_document_text
from piarules.findings import Finding

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "sumida-kokuho" / "assessment.yaml"

# Tests (fuzzing included) must not fill the user's cache: use a private one per session.
os.environ["PIARULES_CACHE_DIR"] = tempfile.mkdtemp(prefix="piarules-test-cache-")


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def compile_policy(source: str, path: str = "test.pia") -> PolicySet:
    policies = parse_policy_texts([(path, dedent(source))])
    assert policies.ok, [d.one_line() for d in policies.diagnostics]
    return policies


def load_doc(yaml_text: str, path: str = "doc.yaml") -> Document:
    doc, diagnostics = load_document_text(dedent(yaml_text), path)
    assert doc is not None, [d.one_line() for d in diagnostics]
    return doc


def findings(policy: str | PolicySet, yaml_text: str, as_of: dt.date | None = None) -> list[Finding]:
    policies = compile_policy(policy) if isinstance(policy, str) else policy
    return run(policies, load_doc(yaml_text), as_of or dt.date(2026, 1, 1))


def invoke(*args: object) -> tuple[int, str, str]:
    """Run the CLI in-process: (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from piarules.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def python_with_cache(script: str, cache: Path, *args: str, cwd: Path | None = None, **env: str) -> str:
    """stdout of `python -c script args…` in a new process whose cache is `cache` (caching on,
    whatever this process set), with `env` added; fails the test on a non-zero exit."""
    import subprocess
    import sys

    environ = {k: v for k, v in os.environ.items() if k != "PIARULES_NO_CACHE"}
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=cwd,
                          env={**environ, "PIARULES_CACHE_DIR": str(cache), **env}, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def write(directory: Path, name: str, content: str | bytes) -> Path:
    """Write a test file (parents created); text as UTF-8."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@cache
def bundled() -> PolicySet:
    policies = load_policies([bundled_policy_dir()])
    assert policies.ok, [d.one_line() for d in policies.diagnostics]
    return policies


@pytest.fixture
def standard_policies() -> PolicySet:
    return bundled()
