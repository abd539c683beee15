"""End to end: the HTML report opened in headless Chromium shows the verdict and findings.

Needs Debian's chromium (installed by .ci/run). Skipped when it is absent, unless
PIARULES_REQUIRE_CHROMIUM=1 (as in CI), where its absence is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from piarules.cli import app
from tests.conftest import EXAMPLE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("PIARULES_REQUIRE_CHROMIUM"),
    reason="chromium is not installed (.ci/run installs it)",
)


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None, "chromium is required here (PIARULES_REQUIRE_CHROMIUM=1)"
    profile = tmp_path / "profile"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_report_as_a_person_sees_it(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["eval", str(EXAMPLE), "--as-of", "2026-04-01", "--output", f"html={report}"])
    assert result.exit_code == 1
    dom = chromium(tmp_path, "--dump-dom", report.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    page = dom.stdout
    assert "判定: 要修正" in page
    counts = json.loads(CliRunner().invoke(app, ["eval", str(EXAMPLE), "--as-of", "2026-04-01", "--format", "json"]).stdout)
    summary = counts["summary"]
    assert f"エラー {summary['error']} 件 / 警告 {summary['warning']} 件 / 情報 {summary['info']} 件" in page
    assert 'id="rule-CH-001b"' in page and "提出時期が空欄" in page
    shot = tmp_path / "report.png"
    taken = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1600", report.as_uri())
    assert taken.returncode == 0 and shot.stat().st_size > 20_000  # a rendered page, not a blank one
    if os.environ.get("PIARULES_KEEP_SCREENSHOT"):
        shutil.copy(shot, os.environ["PIARULES_KEEP_SCREENSHOT"])
