"""End to end: the HTML report opened in headless Chromium shows the verdict and findings.

Needs Debian's chromium (installed by .ci/run). Skipped when it is absent, unless
PIARULES_REQUIRE_CHROMIUM=1 (as in CI), where its absence is a failure.
"""

from __future__ import annotations

import json
import os
import re
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


A4_CONTENT_PX = 703
"""A4 (210 mm) less the report's 12 mm side margins, in CSS pixels (96 per inch)."""

_MEASURE = """<script>
addEventListener("load", () => {
  const width = document.documentElement.clientWidth;
  let worst = 0, who = "";
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right - width > worst) { worst = box.right - width; who = el.tagName + "." + el.className; }
  }
  document.body.setAttribute("data-overflow", Math.round(worst) + " " + who);
  document.body.setAttribute("data-scroll", document.documentElement.scrollWidth - width);
});
</script>"""


def test_report_prints_on_a4_without_cut_lines(tmp_path: Path) -> None:
    """The report printed to PDF by Chromium: A4 pages; laid out with its print styles at the
    width of an A4 page, nothing (long YAML lines, hashes, table rows) is wider than the page."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "変更箇所"
    sheet.append(["変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明"])
    sheet.append(["R6.1.31", "Ⅱ 特定個人情報ファイルの概要 " * 8, "x" * 300, "再委託する", "", "説明"])
    log = tmp_path / "変更箇所.xlsx"
    book.save(log)
    report = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["eval", str(EXAMPLE), str(log), "--as-of", "2026-04-01", "--output", f"html={report}"])
    assert result.exit_code == 1
    html = report.read_text(encoding="utf-8")
    assert "確認欄" in html and "作成者" in html and "確認者" in html and "変更箇所!E2" in html
    pdf = tmp_path / "report.pdf"
    printed = chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri())
    assert printed.returncode == 0 and pdf.exists(), printed.stderr[-2000:]
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes)  # A4 portrait
    assert len(boxes) >= 3  # pages, not one long strip
    laid_out = tmp_path / "print.html"
    laid_out.write_text(html.replace("@media print{", "@media all{").replace("</body>", _MEASURE + "</body>"),
                        encoding="utf-8")
    dom = chromium(tmp_path, "--dump-dom", f"--window-size={A4_CONTENT_PX},1200", laid_out.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    overflow = re.search(r'data-overflow="(-?\d+) ([^"]*)"', dom.stdout)
    scroll = re.search(r'data-scroll="(-?\d+)"', dom.stdout)
    assert overflow and scroll, dom.stdout[-500:]
    assert int(overflow[1]) <= 1 and int(scroll[1]) <= 0, overflow[0]
