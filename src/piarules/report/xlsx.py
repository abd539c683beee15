"""The findings list as an Excel workbook for the officer: one row per finding with its place in
her own file, frozen header, filters, a drop-down for 対応状況, empty 担当 / 確認 columns, printed
landscape on A4 with the header on every page; a second sheet sums up the run, a third lists
the documents.

A workbook is one zip written at the end: the rows wait in memory until then (a list for one
body's documents, not for a national batch — use csv or jsonl there). The bytes go to the
stream's binary buffer. openpyxl is imported here only (it takes time to load)."""

from __future__ import annotations

import io
from typing import Any, TextIO

from piarules.findings import AsOfDates, DocumentResult, RunInfo, RunTotals
from piarules.report.rows import (
    DOCUMENT_HEADERS,
    FOLLOW_UP,
    HEADERS,
    STATUSES,
    Row,
    document_rows,
    document_summary,
    summary_rows,
    waiver_rows,
)

_WIDTHS = {"番号": 6, "文書": 22, "元の場所": 30, "シート": 10, "行": 6, "セル": 12, "項目": 30, "ルール": 10,
           "重大度": 8, "確度": 6, "指摘": 60, "元の記載": 40, "根拠": 30, "対処": 50, "例外": 24,
           "対応状況": 10, "担当": 12, "確認": 10}


class Reporter:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.info = RunInfo()
        self.rows: list[Row] = []
        self.documents: list[Row] = []
        self.dates = AsOfDates()

    def start(self, info: RunInfo) -> None:
        self.info = info

    def document(self, result: DocumentResult) -> None:
        self.dates.add(result)
        self.rows += document_rows(result, len(self.rows) + 1)
        self.documents.append(document_summary(result))

    def finish(self, totals: RunTotals) -> None:
        self.rows += waiver_rows(totals.waiver_findings, self.info.waiver_file, len(self.rows) + 1)
        data = workbook(self.rows, summary_rows(self.info, totals, self.dates), self.documents)
        self.out.flush()
        self.out.buffer.write(data)


def _text_stays_text(sheet: Any) -> None:
    """Every text cell below the header typed as text: one starting with "=" is never a formula."""
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def workbook(rows: list[Row], summary: list[tuple[str, str]], documents: list[Row]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "指摘一覧"
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    _text_stays_text(sheet)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, name in enumerate(HEADERS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(name, 12)
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        header.fill = PatternFill("solid", fgColor="FFF2CC" if name in FOLLOW_UP else "D9E1F2")
        header.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(HEADERS))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    status = get_column_letter(HEADERS.index("対応状況") + 1)
    choices = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True)
    choices.add(f"{status}2:{status}{max(len(rows) + 1, 2) + 500}")
    sheet.add_data_validation(choices)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"

    overview = book.create_sheet("概要")
    for key, value in summary:
        overview.append([key, value])
    overview.column_dimensions["A"].width = 14
    overview.column_dimensions["B"].width = 100
    for cells in overview.iter_rows():
        cells[0].font = Font(bold=True)
        cells[1].data_type = "s"
        cells[1].alignment = Alignment(wrap_text=True, vertical="top")

    listing = book.create_sheet("文書")
    listing.append(list(DOCUMENT_HEADERS))
    for row in documents:
        listing.append(row)
    _text_stays_text(listing)
    for index in range(1, len(DOCUMENT_HEADERS) + 1):
        listing.cell(row=1, column=index).font = Font(bold=True)
    listing.column_dimensions["A"].width = 40
    listing.column_dimensions["D"].width = 30
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
