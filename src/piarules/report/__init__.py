"""Reporters: one module per output format, each a streaming Reporter.

A run is reported in three calls: `start(info)` before the first document, `document(result)`
as each document is done (in the batch's plan order), `finish(totals)` at the end. A reporter
writes as it goes and keeps no result: what a format must print before the documents but can
only know after them (the verdict at the top of JSON and HTML, the counts on JUnit's root
element) comes from RunTotals, and the documents' part waits in a spill file (`Spill`) until
then. Memory stays flat in the number of documents.
"""

from __future__ import annotations

import shutil
import tempfile
from enum import StrEnum
from importlib import import_module
from io import BytesIO, StringIO, TextIOWrapper
from typing import Protocol, TextIO

from piarules.findings import DocumentResult, RunInfo, RunReport, RunTotals
from piarules.span import excerpt


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"
    SARIF = "sarif"
    JUNIT = "junit"
    GITHUB = "github"
    HTML = "html"
    XLSX = "xlsx"
    CSV = "csv"


SHOWS_SOURCE = frozenset({OutputFormat.TEXT, OutputFormat.HTML})
"""Formats with code frames: a run writing one of them keeps an excerpt of each document."""


class Reporter(Protocol):
    """One output format, written incrementally to the stream it was opened on."""

    def start(self, info: RunInfo) -> None: ...

    def document(self, result: DocumentResult) -> None: ...

    def finish(self, totals: RunTotals) -> None: ...


def open_reporter(fmt: OutputFormat, out: TextIO) -> Reporter:
    """The reporter of `fmt` writing to `out`. Only the chosen module is imported (the SARIF
    models cost time to build)."""
    module = import_module(f"piarules.report.{fmt.value}")
    reporter: Reporter = module.Reporter(out)
    return reporter


class Spill:
    """Text that must wait until the end of the run, kept in a temporary file (not in memory)."""

    def __init__(self) -> None:
        self._file: TextIO | None = None
        self.count = 0
        """Pieces written."""

    def write(self, text: str) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115 - closed in copy_to
        self._file.write(text)
        self.count += 1

    def copy_to(self, out: TextIO) -> None:
        """Write everything spilled to `out`, then drop the file."""
        if self._file is None:
            return
        self._file.seek(0)
        shutil.copyfileobj(self._file, out, 1 << 20)
        self._file.close()
        self._file = None


BINARY = frozenset({OutputFormat.XLSX})
"""Formats written as bytes (their reporter writes to the stream's `buffer`)."""


def render(fmt: OutputFormat, report: RunReport, sources: dict[str, list[str]]) -> str | bytes:
    """The whole report of a run held in memory, as one string (bytes for xlsx). `sources`
    holds the lines of each file, for code frames (documents without an excerpt get one from
    there)."""
    if fmt in BINARY:
        binary = TextIOWrapper(BytesIO(), encoding="utf-8")
        _report_to(binary, fmt, report, sources)
        binary.flush()
        data = binary.buffer.getvalue()
        return bytes(data)
    out = StringIO()
    _report_to(out, fmt, report, sources)
    return out.getvalue()


def _report_to(out: TextIO, fmt: OutputFormat, report: RunReport, sources: dict[str, list[str]]) -> None:
    reporter = open_reporter(fmt, out)
    reporter.start(report.info())
    for result in report.results:
        if not result.excerpt and result.path in sources:
            result = _with_excerpt(result, sources[result.path])
        reporter.document(result)
    waiver_lines = sources.get(report.waiver_file or "", [])
    lines = [f.span.line for f in report.waiver_findings]
    reporter.finish(report.totals(excerpt(waiver_lines, lines)))


def _with_excerpt(result: DocumentResult, lines: list[str]) -> DocumentResult:
    from dataclasses import replace

    spans = [f.span.line for f in result.findings] + [d.span.line for d in result.errors if d.span]
    return replace(result, excerpt=excerpt(lines, spans))
