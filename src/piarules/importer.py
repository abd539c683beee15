"""`piarules import`: a 変更箇所 table (TSV as pasted, CSV, Excel) → the document YAML.

Nothing is lost: rows in = rows out, cleaned cells keep their original under 原文, and
anomalies (blank 提出時期, unparseable date, rows out of order, cut-off cells) are warnings
with the source line, never silent fixes. The 項目 cells are not analysed here: every document
gets its 項目の解析 when it loads (document/items.py), so the YAML holds only what the table said.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piarules.diagnostics import Diagnostic, PiarulesError, Severity
from piarules.document.loader import decode
from piarules.jpvalues import is_empty_text, parse_date, selected_text, strip_html
from piarules.span import Span

COLUMNS = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明")
_PAGE_HEADER = re.compile(r"^[(（]\s*別添\s*(\d*)\s*[)）]\s*変更箇所\s*$")
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


# ---------------------------------------------------------------- reading tables


def _error(path: str, line: int, message: str, help: str | None = None) -> PiarulesError:
    return PiarulesError([Diagnostic("PIA401", message, Span.point(path, line, 1), help=help)])


def _records_text(text: str, path: str) -> Iterator[tuple[int, list[str]]]:
    if path.lower().endswith(".csv"):
        reader = csv.reader(io.StringIO(text))
        for cells in reader:
            yield reader.line_num, cells
        return
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, line.rstrip("\r").split("\t")


def _records_xlsx(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise _error(str(path), 1, "Excel を読むには openpyxl が必要です") from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise _error(str(path), 1, f"Excel ファイルを開けません: {exc}") from None
    sheet = book["変更箇所"] if "変更箇所" in book.sheetnames else book.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, ["" if v is None else _cell_text(v) for v in row]


def _cell_text(value: Any) -> str:
    import datetime as dt

    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def read_table(path: Path) -> ImportResult:
    """Read the rows of a 変更箇所 table; skip page and column headers, check column counts."""
    name = str(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        records = _records_xlsx(path)
    else:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise _error(name, 1, f"ファイルを読めません: {exc.strerror}") from None
        records = _records_text(decode(raw, name), name)
    result = ImportResult()
    for line, cells in records:
        while cells and cells[-1] == "" and len(cells) > len(COLUMNS):
            cells.pop()
        joined = "".join(cells).strip()
        if not joined:
            continue
        if (m := _PAGE_HEADER.match(joined)) is not None:
            result.kind = result.kind or _KIND_BY_ANNEX.get(m[1])
            continue
        if cells[0].strip() == COLUMNS[0] and len(cells) > 1 and cells[1].strip() == COLUMNS[1]:
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


def row_to_entry(row: ImportedRow, source: str, warnings: list[Diagnostic], previous: Any) -> tuple[dict[str, Any], Any]:
    """One table row → one 変更箇所 entry (and the row's parsed date, for order checks).

    Warnings quote the cell as decoded (HTML removed, entities unescaped), not its markup.
    """
    date_text, item, before, after, timing, reason = row.cells
    entry: dict[str, Any] = {}
    raw: dict[str, str] = {}
    where = Span.point(source, row.line, 1)
    parsed = None
    date_clean = _clean(date_text)
    try:
        parsed = parse_date(date_clean)
        entry["変更日"] = date_clean
        if date_clean != date_text:
            raw["変更日"] = date_text
    except ValueError as exc:
        warnings.append(Diagnostic("PIA402", f"変更日を解釈できません: {exc}", where, Severity.WARNING,
                                   help="原文は 原文.変更日 に残しました"))
        raw["変更日"] = date_text
    if parsed and previous and parsed < previous:
        warnings.append(Diagnostic("PIA402", f"変更日 {date_clean} が前の行 ({previous.text}) より前です", where,
                                   Severity.WARNING))
    for key, cell in (("項目", item), ("変更前の記載", before), ("変更後の記載", after)):
        cleaned = _clean(cell)
        entry[key] = cleaned
        if cleaned != cell:
            raw[key] = cell
        if _looks_cut(cell):
            warnings.append(Diagnostic("PIA402", f"{key}のセルが途中で切れているようです (HTML が閉じていません)",
                                       where, Severity.WARNING))
    entry["提出時期"] = _timing(timing, where, warnings)
    if timing != (entry["提出時期"] or ""):
        raw["提出時期"] = timing
    entry["提出時期に係る説明"] = _clean(reason)
    if entry["提出時期に係る説明"] != reason:
        raw["提出時期に係る説明"] = reason
    entry["出典"] = {"ファイル": Path(source).name, "行": row.line}
    if raw:
        entry["原文"] = raw
    return entry, parsed or previous


_TIMINGS = ("事前", "事後")


def _timing(cell: str, where: Span, warnings: list[Diagnostic]) -> str | None:
    """事前 / 事後 as written or as printed (「【事後】」「[ 事前 ]」); else None and a warning."""
    text = _clean(cell).strip()
    chosen = unicodedata.normalize("NFKC", selected_text(text)).strip()
    if chosen in _TIMINGS:
        return chosen
    if is_empty_text(text):
        shown = f" (「{text}」)" if text else ""
        message = f"提出時期が空欄です{shown}。事前 / 事後 のいずれかを書いてください"
    else:
        message = f"提出時期が「{text}」です (事前 / 事後 のいずれか)"
    warnings.append(Diagnostic("PIA402", message, where, Severity.WARNING))
    return None


def import_table(path: Path, kind: str | None = None, body: str | None = None) -> tuple[dict[str, Any], ImportResult]:
    """Read a table and build the document data (a partial document: the change log)."""
    result = read_table(path)
    data: dict[str, Any] = {}
    if kind or result.kind:
        data["評価書の種類"] = kind or result.kind
    if body:
        data["評価実施機関名"] = body
    entries = []
    previous = None
    for row in result.rows:
        entry, previous = row_to_entry(row, str(path), result.warnings, previous)
        entries.append(entry)
    data["変更箇所"] = entries
    return data, result


def entry_cells(entry: dict[str, Any]) -> tuple[str, ...]:
    """The original six cells of an imported entry (for the round-trip guarantee)."""
    raw = entry.get("原文") or {}
    return tuple(
        raw.get(column, "" if entry.get(column) is None else str(entry.get(column)))
        for column in COLUMNS
    )


def dump_yaml(data: dict[str, Any], header: str) -> str:
    """Write the data as YAML: block style, multi-line text as literal blocks, order kept."""
    from ruamel.yaml import YAML
    from ruamel.yaml.scalarstring import LiteralScalarString

    def literal(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: literal(v) for k, v in value.items()}
        if isinstance(value, list):
            return [literal(v) for v in value]
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
