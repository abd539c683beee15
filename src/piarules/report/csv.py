"""The findings list as CSV (UTF-8 with BOM, so Excel opens it with the right characters),
written row by row as documents come.

A cell that Excel would read as a formula (starting with = + - @) gets a leading 「'」, as Excel
itself writes text that looks like a formula: opening the list must never run anything."""

from __future__ import annotations

import csv
from typing import TextIO

from piarules.findings import DocumentResult, RunInfo, RunTotals
from piarules.report.rows import HEADERS, Row, document_rows, waiver_rows

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str | int) -> str | int:
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


class Reporter:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.writer = csv.writer(out, lineterminator="\r\n")
        self.count = 0
        self.waiver_file: str | None = None

    def _write(self, rows: list[Row]) -> None:
        for row in rows:
            self.writer.writerow([_cell(v) for v in row])
        self.count += len(rows)

    def start(self, info: RunInfo) -> None:
        self.waiver_file = info.waiver_file
        self.out.write("\ufeff")
        self.writer.writerow(HEADERS)

    def document(self, result: DocumentResult) -> None:
        self._write(document_rows(result, self.count + 1))

    def finish(self, totals: RunTotals) -> None:
        self._write(waiver_rows(totals.waiver_findings, self.waiver_file, self.count + 1))
