"""The fuzz oracle: what must hold for any input, whatever it is.

- nothing escapes as an exception, and no document gets an internal error (PIA500);
- every diagnostic is one line with a location (`file:line:col: エラー[PIAnnn] …`);
- every report format renders and parses (JSON and SARIF as JSON, JUnit as XML) and the text,
  GitHub, JUnit and HTML outputs carry no terminal control or bidi characters;
- an imported table loses nothing: the YAML written loads, and gives back every cell;
- the CLI exits with 0, 1 or 2;
- each case finishes in bounded time (memory is bounded by the limits; `bench/fuzz.py` also
  runs under an address-space limit).

Each check returns a list of problems (empty: the case passed), so the test suite can assert
and the long run can count.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
import time
import traceback
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from piarules.api import PolicySet
from piarules.batch import Settings, check_document
from piarules.cli.cmd_eval import rule_infos
from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.files import read_lines
from piarules.findings import RunReport
from piarules.report import OutputFormat, render
from piarules.report.text import render_diagnostic
from tests.fuzz.cases import Case

SECONDS_PER_CASE = 20.0
_LOCATED = re.compile(r"^.+:\d+:\d+: (エラー|警告|情報)\[PIA\d{3}\] \S")
_UNSAFE_SHOWN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")
SETTINGS = Settings((), None, dt.date(2026, 1, 1))


@dataclass
class Outcome:
    """What one case did: its problems (empty when it passed) and how long it took."""

    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def crash(exc: BaseException) -> str:
    """A short signature of an exception: its type, message and the innermost piarules frame."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "piarules" in f.filename]
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"exception {type(exc).__name__}: {str(exc)[:200]}{where}"


def diagnostic_problems(diagnostics: list[Diagnostic]) -> list[str]:
    out = []
    for d in diagnostics:
        if d.code == "PIA500":
            out.append(f"internal error: {d.message[:300]}")
        line = render_diagnostic(d, {})[0]
        if d.span is None or d.span.line < 1 or d.span.col < 1 or not _LOCATED.match(line):
            out.append(f"diagnostic without a location: {line[:200]}")
        if "\n" in line or "\r" in line:
            out.append(f"diagnostic on several lines: {line[:200]!r}")
    return out


def _workbook_text(data: bytes) -> str:
    """Every cell of a workbook, as text (the workbook must open)."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)


def output_problems(report: RunReport, sources: dict[str, list[str]]) -> list[str]:
    out = []
    for fmt in OutputFormat:
        try:
            rendered = render(fmt, report, sources)
            text = _workbook_text(rendered) if isinstance(rendered, bytes) else rendered  # xlsx: read it back
            text.encode("utf-8")
            if fmt in (OutputFormat.JSON, OutputFormat.SARIF):
                json.loads(text)
            if fmt is OutputFormat.JSONL:
                for line in text.splitlines():
                    json.loads(line)
            if fmt is OutputFormat.JUNIT:
                ET.fromstring(text.encode("utf-8"))
        except Exception as exc:
            out.append(f"{fmt.value} output: {crash(exc)}")
            continue
        machine = (OutputFormat.JSON, OutputFormat.SARIF, OutputFormat.JSONL)  # strings, not a terminal
        if fmt not in machine and (m := _UNSAFE_SHOWN.search(text)):
            out.append(f"{fmt.value} output shows U+{ord(m[0]):04X} raw")
    return out


def check_document_case(case: Case, policies: PolicySet) -> Outcome:
    """A document through load → validate → evaluate → every report format."""
    start = time.perf_counter()
    outcome = Outcome()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"doc{case.suffix}"
        path.write_bytes(case.data)
        try:
            settings = Settings((), case.as_of, case.as_of or SETTINGS.today)
            result = check_document(path, settings, policies)
            outcome.problems += diagnostic_problems(result.errors)
            lines = read_lines(path)
            report = RunReport([result], rules=rule_infos(policies))
            outcome.problems += output_problems(report, {result.path: lines} if lines else {})
        except Exception as exc:  # check_document must never raise
            outcome.problems.append(crash(exc))
    return _timed(outcome, start)


def _timed(outcome: Outcome, start: float) -> Outcome:
    """The outcome with its time, and a problem when the case took longer than a case may."""
    outcome.seconds = time.perf_counter() - start
    if outcome.seconds > SECONDS_PER_CASE:
        outcome.problems.append(f"slow: {outcome.seconds:.1f} s")
    return outcome


def check_table_case(case: Case) -> Outcome:
    """A table through import: a located error, or YAML that loads and gives back every cell."""
    from piarules.document import load_document_text
    from piarules.document.loader import load_yaml
    from piarules.importer import dump_yaml, entry_cells, import_table

    start = time.perf_counter()
    outcome = Outcome()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"table{case.suffix}"
        path.write_bytes(case.data)
        try:
            data, result = import_table(path)
            outcome.problems += diagnostic_problems(result.warnings)
            text = dump_yaml(data, f"# piarules import {path.name}\n")
            doc, problems = load_document_text(text, "out.yaml")
            if doc is None:
                outcome.problems.append("imported YAML does not load: " + "; ".join(d.one_line()[:200] for d in problems))
            reloaded = load_yaml(text, "out.yaml").data["変更箇所"]
            if [entry_cells(e) for e in reloaded] != [r.cells for r in result.rows]:
                outcome.problems.append("cells changed on the way through YAML")
        except PiarulesError as exc:
            outcome.problems += diagnostic_problems(exc.diagnostics)
        except Exception as exc:
            outcome.problems.append(crash(exc))
    return _timed(outcome, start)


def check_cli_case(case: Case) -> Outcome:
    """The real command: `eval` (or `import`) with every --output format; exit code 0, 1 or 2."""
    from typer.testing import CliRunner

    from piarules.cli import app

    start = time.perf_counter()
    outcome = Outcome()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"input{case.suffix}"
        path.write_bytes(case.data)
        if case.suffix == ".yaml":
            args = ["eval", str(path), "--jobs", "1", *(["--as-of", case.as_of.isoformat()] if case.as_of else [])]
            for fmt in ("json", "sarif", "junit", "html", "github"):
                args += ["--output", f"{fmt}={directory}/out.{fmt}"]
        else:
            args = ["import", str(path), "-o", f"{directory}/out.yaml"]
        result = CliRunner().invoke(app, args)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            outcome.problems.append(crash(result.exception))
        if result.exit_code not in (0, 1, 2):
            outcome.problems.append(f"exit code {result.exit_code}")
        if "内部エラー" in result.stdout + result.stderr:
            outcome.problems.append("内部エラー in the output")
        for fmt in ("json", "sarif", "junit"):
            out = Path(directory) / f"out.{fmt}"
            if out.exists():
                try:
                    json.loads(out.read_text(encoding="utf-8")) if fmt != "junit" else ET.parse(out)
                except Exception as exc:
                    outcome.problems.append(f"--output {fmt}: {crash(exc)}")
    outcome.seconds = time.perf_counter() - start
    return outcome
