"""The findings list as CSV (UTF-8 with BOM, so Excel opens it with the right characters).

A cell that Excel would read as a formula (starting with = + - @) gets a leading 「'」, as Excel
itself writes text that looks like a formula: opening the list must never run anything."""

from __future__ import annotations

import csv
import io

from piarules.findings import RunReport
from piarules.report.rows import HEADERS, finding_rows

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str | int) -> str | int:
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def render(report: RunReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in finding_rows(report):
        writer.writerow([_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()
