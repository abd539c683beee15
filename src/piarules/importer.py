"""`piarules import`: a 変更箇所 table (TSV as pasted, CSV, Excel) → the document YAML.

Nothing is lost: rows in = rows out, cleaned cells keep their original under 原文, and
anomalies (blank 提出時期, unparseable date, rows out of order, cut-off cells) are warnings
at the source row and cell, never silent fixes. A cell that cannot be read (a date such as
令和5年度, a 提出時期 with a note) is kept as written in its field: when the document loads it is
an error at its place and unknown to the rules, and the rest of its row is still checked. The 項目 cells are not analysed here: every document
gets its 項目の解析 when it loads (document/items.py), so the YAML holds only what the table said.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piarules.diagnostics import Diagnostic, PiarulesError, Severity
from piarules.files import decode, display_path, read_input
from piarules.jpvalues import is_empty_text, parse_date, selected_text, strip_html
from piarules.limits import CELL_CHARS, TABLE_CELLS, TABLE_ROWS, XLSX_BYTES, Limit
from piarules.pattern_store import compiled
from piarules.span import Span
from piarules.tables import COLUMNS, entry_cells  # noqa: F401 (entry_cells: part of the import API)

_PAGE_HEADER = compiled(r"^[(（]\s*別添\s*(\d*)\s*[)）]\s*変更箇所\s*$")
_KIND_BY_ANNEX = {"": "基礎項目評価書", "2": "重点項目評価書", "3": "全項目評価書"}


@dataclass
class ImportedRow:
    """One data row with the line it came from."""

    cells: tuple[str, ...]
    line: int


@dataclass
class ImportResult:
    rows: list[ImportedRow] = field(default_factory=list)
    kind: str | None = None
    warnings: list[Diagnostic] = field(default_factory=list)
    sheet: str | None = None
    """The Excel sheet the rows were read from."""


# ---------------------------------------------------------------- reading tables


def _error(path: str, line: int, message: str, help: str | None = None, code: str = "PIA401") -> PiarulesError:
    return PiarulesError([Diagnostic(code, message, Span.point(path, line, 1), help=help)])


def _limit_error(path: str, line: int, what: str, limit: Limit, maximum: int) -> PiarulesError:
    return _error(path, line, f"{what}が上限 ({maximum:,}) を超えています", code="PIA306",
                  help=f"環境変数 {limit.env} で上限を変えられます")


_ROW_BREAK = compiled("\r\n|\r|\n")
"""Rows end at CR LF, CR (old Mac) or LF. NEL and the Unicode line/paragraph separators are
text inside a cell, never a row end."""


def _records_text(text: str, path: str) -> Iterator[tuple[int, list[str]]]:
    if path.lower().endswith(".csv"):
        yield from _records_csv(text, path)
        return
    for number, line in enumerate(_ROW_BREAK.split(text), start=1):
        yield number, line.split("\t")


def _records_csv(text: str, path: str) -> Iterator[tuple[int, list[str]]]:
    """(the line a record starts on, its cells): a cell may hold line breaks."""
    maximum = CELL_CHARS.value()
    csv.field_size_limit(maximum)
    reader = csv.reader(io.StringIO(text, newline=""))  # newline="": the reader sees CR, LF and CR LF
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            if "field larger" in str(exc):
                raise _limit_error(path, reader.line_num, "セルの文字数", CELL_CHARS, maximum) from None
            raise _error(path, reader.line_num, f"CSV として読めません: {exc}") from None
        if cells is None:
            return
        yield start, cells


def _check_zip(raw: bytes, path: str) -> zipfile.ZipFile:
    """The zip directory, checked before anything is decompressed: the declared sizes (which
    decompression then enforces) must stay under the limit, so a zip bomb is never expanded."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        entries = archive.infolist()
    except Exception as exc:  # zipfile raises many kinds on damaged input (BadZipFile, NotImplementedError, …)
        raise _error(path, 1, f"Excel ファイル (.xlsx) として開けません: {type(exc).__name__}: {exc}") from None
    maximum = XLSX_BYTES.value()
    total = sum(e.file_size for e in entries)
    if total > maximum:
        raise _error(path, 1, f"Excel ファイルを展開すると {total:,} バイトになります (上限 {maximum:,} バイト)",
                     code="PIA306", help=f"環境変数 {XLSX_BYTES.env} で上限を変えられます")
    return archive


def _formula_text(value: Any) -> str | None:
    """The text of a formula cell as read without cached values (`=A1&B1`), else None."""
    if isinstance(value, str) and value.startswith("="):
        return value
    text = getattr(value, "text", None)  # ArrayFormula
    return text if isinstance(text, str) else None


def _records_xlsx(raw: bytes, path: str, warnings: list[Diagnostic], result: ImportResult) -> Iterator[tuple[int, list[str]]]:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise _error(path, 1, "Excel を読むには openpyxl が必要です") from exc
    _check_zip(raw, path)
    try:  # cached values, and formulas for cells saved without one (never calculated)
        books = [openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=only) for only in (True, False)]
        title = "変更箇所" if "変更箇所" in books[0].sheetnames else books[0].worksheets[0].title
        sheets = [book[title] for book in books]
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise _error(path, 1, f"Excel ファイルを開けません: {type(exc).__name__}: {exc}") from None
    result.sheet = title
    rows, columns = sheets[0].max_row, sheets[0].max_column  # the dimension record, if any
    if rows and columns:
        _check_size(path, 1, rows, rows * columns)
    for sheet in sheets:  # a dimension record may be absent or wrong: read every row there is
        sheet.reset_dimensions()
    pairs = zip(*(sheet.iter_rows(values_only=True) for sheet in sheets), strict=False)
    number = 0
    while True:
        try:
            pair = next(pairs, None)
        except Exception as exc:
            raise _error(path, number + 1, f"Excel のシート「{title}」が壊れています ({type(exc).__name__}: {exc})",
                         help="Excel で開いて保存し直すか、タブ区切りテキストにしてください") from None
        if pair is None:
            return
        number += 1
        values, formulas = pair
        yield number, _xlsx_cells(values, formulas, path, number, warnings, title)


def _xlsx_cells(values: tuple[Any, ...], formulas: tuple[Any, ...], path: str, number: int,
                warnings: list[Diagnostic], sheet: str) -> list[str]:
    from piarules.findings import column_letter

    cells = []
    for i, value in enumerate(values):
        formula = _formula_text(formulas[i]) if value is None and i < len(formulas) else None
        if formula is not None:
            warnings.append(Diagnostic("PIA402", f"セル {sheet}!{column_letter(i + 1)}{number} は計算結果が保存されていない式です。"
                                       f"式「{formula}」のまま取り込みました", Span.point(path, number, i + 1),
                                       Severity.WARNING, help="Excel で開いて保存し直すと計算結果が入ります",
                                       cell=f"{sheet}!{column_letter(i + 1)}{number}"))
        cells.append(formula if formula is not None else "" if value is None else _cell_text(value))
    # A sheet stores no empty cells: a row whose last cells are blank is shorter, not wrong.
    return cells + [""] * (len(COLUMNS) - len(cells))


def _check_size(path: str, line: int, rows: int, cells: int) -> None:
    if rows > (maximum := TABLE_ROWS.value()):
        raise _limit_error(path, line, "表の行数", TABLE_ROWS, maximum)
    if cells > (maximum := TABLE_CELLS.value()):
        raise _limit_error(path, line, "表のセルの数", TABLE_CELLS, maximum)


def _cell_text(value: Any) -> str:
    import datetime as dt

    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _squashed(cell: str) -> str:
    return "".join(cell.split())


def _is_page_header(cells: list[str]) -> re.Match[str] | None:
    """「(別添2) 変更箇所」 alone on its line; a data row that merely contains it is data."""
    filled = [c for c in cells if c.strip()]
    return _PAGE_HEADER.match(filled[0].strip()) if len(filled) == 1 else None


def _is_column_header(cells: list[str]) -> bool:
    """The column names in their places (blank cells allowed); one data cell makes it data."""
    if len(cells) > len(COLUMNS) or len(cells) < 2:
        return False
    names = [_squashed(c) for c in cells]
    return names[:2] == list(COLUMNS[:2]) and all(n in ("", column) for n, column in zip(names, COLUMNS, strict=False))


def read_table(path: Path, raw: bytes | None = None, name: str | None = None) -> ImportResult:
    """Read the rows of a 変更箇所 table; skip page and column headers, check column counts.
    (`raw`: its bytes, when already read; `name`: the name it is shown by.)

    Raises:
        PiarulesError: an unreadable or malformed table, or one over the limits (PIA401, PIA306).
    """
    name = name or display_path(path)
    raw = read_input(path, "表") if raw is None else raw
    result = ImportResult()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        records = _records_xlsx(raw, name, result.warnings, result)
    else:
        records = _records_text(decode(raw, name), name)
    max_chars = CELL_CHARS.value()
    rows = cells_seen = 0
    for line, cells in records:
        rows, cells_seen = rows + 1, cells_seen + len(cells)
        _check_size(name, line, rows, cells_seen)
        if any(len(c) > max_chars for c in cells):
            raise _limit_error(name, line, "セルの文字数", CELL_CHARS, max_chars)
        while cells and cells[-1] == "" and len(cells) > len(COLUMNS):
            cells.pop()
        if not "".join(cells).strip():
            continue
        if (m := _is_page_header(cells)) is not None:
            result.kind = result.kind or _KIND_BY_ANNEX.get(m[1])
            continue
        if _is_column_header(cells):
            continue
        if len(cells) != len(COLUMNS):
            raise _error(name, line, f"列の数が {len(cells)} です (変更箇所の表は {len(COLUMNS)} 列)",
                         help="列: " + " | ".join(COLUMNS))
        result.rows.append(ImportedRow(tuple(cells), line))
    if not result.rows:
        raise _error(name, 1, "変更箇所の行が見つかりません", help="列: " + " | ".join(COLUMNS))
    return result


# ---------------------------------------------------------------- rows → YAML data


def _clean(cell: str) -> str:
    return strip_html(cell).strip() if ("<" in cell or "&" in cell) else cell


def _looks_cut(cell: str) -> bool:
    opened = len(re.findall(r"<(p|ul|li|ol)\b", cell, re.IGNORECASE))
    closed = len(re.findall(r"</(p|ul|li|ol)>", cell, re.IGNORECASE))
    return opened > closed or bool(re.search(r"<[A-Za-z/][^<>]*$", cell))


def row_to_entry(row: ImportedRow, source: str, warnings: list[Diagnostic], previous: Any,
                 sheet: str | None = None) -> tuple[dict[str, Any], Any]:
    """One table row → one 変更箇所 entry (and the row's parsed date, for order checks).

    Warnings quote the cell as decoded (HTML removed, entities unescaped), not its markup.
    """
    date_text, item, before, after, timing, reason = row.cells
    entry: dict[str, Any] = {}
    raw: dict[str, str] = {}
    where = Span.point(source, row.line, 1)
    parsed = None
    date_clean = _clean(date_text)
    entry["変更日"] = date_clean
    if date_clean != date_text:
        raw["変更日"] = date_text
    try:
        parsed = parse_date(date_clean)
    except ValueError as exc:
        warnings.append(Diagnostic("PIA402", f"変更日 (1列目) を解釈できません: {exc}", cell_place(source, row, 0),
                                   Severity.WARNING, help=_KEPT, cell=cell_ref(sheet, row.line, 0), cell_text=date_text))
    if parsed and previous and parsed < previous:
        warnings.append(Diagnostic("PIA402", f"変更日 {date_clean} が前の行 ({previous.text}) より前です", where,
                                   Severity.WARNING))
    for index, key, cell in ((1, "項目", item), (2, "変更前の記載", before), (3, "変更後の記載", after)):
        cleaned = _clean(cell)
        entry[key] = cleaned
        if cleaned != cell:
            raw[key] = cell
        if _looks_cut(cell):
            warnings.append(Diagnostic("PIA402", f"{key}のセルが途中で切れているようです (HTML が閉じていません)",
                                       cell_place(source, row, index), Severity.WARNING,
                                       cell=cell_ref(sheet, row.line, index), cell_text=cell))
    entry["提出時期"] = _timing(timing, cell_place(source, row, 4), warnings, cell_ref(sheet, row.line, 4))
    if timing != (entry["提出時期"] or ""):
        raw["提出時期"] = timing
    entry["提出時期に係る説明"] = _clean(reason)
    if entry["提出時期に係る説明"] != reason:
        raw["提出時期に係る説明"] = reason
    entry["出典"] = {"ファイル": Path(source).name, **({"シート": sheet} if sheet else {}), "行": row.line}
    if raw:
        entry["原文"] = raw
    return entry, parsed or previous


_TIMINGS = ("事前", "事後")
_KEPT = "セルの値はそのまま残しました。検査ではこの値がエラーになり、これを読むルールは判定しません"


def cell_place(source: str, row: ImportedRow, index: int) -> Span:
    """Where a cell stands: its row, and in a tab-separated text its column (CSV and Excel
    cells are named by their column in the message)."""
    if source.lower().endswith((".csv", ".xlsx", ".xlsm")):
        return Span.point(source, row.line, 1)
    return Span.point(source, row.line, 1 + sum(len(c) + 1 for c in row.cells[:index]))


def cell_ref(sheet: str | None, line: int, index: int) -> str:
    """The cell of column `index` (0-based) on table row `line`: `変更箇所!E12`, or `E12` in a text table."""
    from piarules.findings import column_letter

    ref = f"{column_letter(index + 1)}{line}"
    return f"{sheet}!{ref}" if sheet else ref


def _timing(cell: str, where: Span, warnings: list[Diagnostic], ref: str | None = None) -> str | None:
    """事前 / 事後 as written or as printed (「【事後】」「[ 事前 ]」); a blank is None; anything
    else is kept as written (the loader reports it) with a warning."""
    text = _clean(cell).strip()
    chosen = unicodedata.normalize("NFKC", selected_text(text)).strip()
    if chosen in _TIMINGS:
        return chosen
    if is_empty_text(text):
        shown = f" (「{text}」)" if text else ""
        warnings.append(Diagnostic("PIA402", f"提出時期 (5列目) が空欄です{shown}。事前 / 事後 のいずれかを書いてください",
                                   where, Severity.WARNING, cell=ref, cell_text=cell))
        return None
    warnings.append(Diagnostic("PIA402", f"提出時期 (5列目) が「{text}」です (事前 / 事後 のいずれか)", where,
                               Severity.WARNING, help=_KEPT, cell=ref, cell_text=cell))
    return text


def import_table(path: Path, kind: str | None = None, body: str | None = None, raw: bytes | None = None,
                 name: str | None = None) -> tuple[dict[str, Any], ImportResult]:
    """Read a table and build the document data (a partial document: the change log)."""
    result = read_table(path, raw, name)
    data: dict[str, Any] = {}
    if kind or result.kind:
        data["評価書の種類"] = kind or result.kind
    if body:
        data["評価実施機関名"] = body
    entries = []
    previous = None
    for row in result.rows:
        entry, previous = row_to_entry(row, name or str(path), result.warnings, previous, result.sheet)
        entries.append(entry)
    data["変更箇所"] = entries
    return data, result


_NEEDS_QUOTES = compiled("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
"""Characters a plain or literal scalar would not keep as they are: C0/C1 controls (CR, NEL are
line breaks YAML folds or normalises), LS/PS, BOM, non-characters."""


def dump_yaml(data: dict[str, Any], header: str) -> str:
    """Write the data as YAML: block style, multi-line text as literal blocks, order kept.

    Text a literal block would change (CR, NEL and other breaks YAML normalises or folds,
    characters YAML cannot hold raw) is written double-quoted with escapes instead.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    def literal(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: literal(v) for k, v in value.items()}
        if isinstance(value, list):
            return [literal(v) for v in value]
        if isinstance(value, str) and _NEEDS_QUOTES.search(value):
            return DoubleQuotedScalarString(value)
        if isinstance(value, str) and "\n" in value:
            return LiteralScalarString(value)
        return value

    yaml = YAML()
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    buffer.write(header)
    yaml.dump(literal(data), buffer)
    return buffer.getvalue()
