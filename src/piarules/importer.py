"""`piarules import`: a 変更箇所 table (TSV as pasted, CSV, Excel) → the document YAML.

Nothing is lost: rows in = rows out, cleaned cells keep their original under 原文, and
anomalies (blank 提出時期, unparseable date, rows out of order, cut-off cells) are warnings
with the source line, never silent fixes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piarules.diagnostics import Diagnostic, PiarulesError, Severity
from piarules.document.forms import DOCUMENT_MODELS
from piarules.document.loader import decode
from piarules.document.validate import field_keys
from piarules.jpvalues import parse_date, strip_html
from piarules.span import Span

COLUMNS = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明")
_PAGE_HEADER = re.compile(r"^[(（]\s*別添\s*(\d*)\s*[)）]\s*変更箇所\s*$")
_KIND_BY_ANNEX = {"": "基礎項目評価書", "2": "重点項目評価書", "3": "全項目評価書"}
_SECTIONS = ("基本情報", "特定個人情報ファイルの概要", "リスク対策", "評価実施手続", "開示請求", "しきい値判断")
_FILE_RE = re.compile(r"(\d+)\s*[.．]\s*([^\s()（）<>~〜]+?ファイル)(?![の名])")
_TASK_RE = re.compile(r"委託事項\s*(\d+)")
_NUMBERED_ITEM = re.compile(r"^-\s*(\d+)\s*(\S+)")


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


# ---------------------------------------------------------------- recognising 項目


def _known_items() -> list[str]:
    from piarules.document import forms

    names: set[str] = set()
    for model in (*DOCUMENT_MODELS.values(), *(getattr(forms, n) for n in dir(forms))):
        if isinstance(model, type) and issubclass(model, forms.Section):
            names.update(field_keys(model))
    return sorted(names, key=len, reverse=True)


_ITEMS = _known_items()


def analyse_item(text: str) -> dict[str, Any]:
    """Section, file number/name, 委託事項 number and item name found in a 項目 cell."""
    clean = " ".join(strip_html(text).split())
    out: dict[str, Any] = {}
    if section := next((s for s in _SECTIONS if clean.startswith(s)), None):
        out["節"] = section
    elif m := _NUMBERED_ITEM.match(clean):
        out["節"] = "基本情報"
    if out.get("節") in ("特定個人情報ファイルの概要", "リスク対策") and (m := _FILE_RE.search(clean)):
        out["ファイル番号"] = int(m[1])
        out["ファイル名"] = m[2]
    if m := _TASK_RE.search(clean):
        out["委託事項番号"] = int(m[1])
    squashed = clean.replace(" ", "")
    # The item name is the known name that ends last in the cell (the longest on a tie).
    best = max(((squashed.rfind(k) + len(k), len(k), i) for i in _ITEMS if (k := i.replace("・", "")) in squashed),
               default=None)
    if best:
        out["項目名"] = best[2]
    return out


# ---------------------------------------------------------------- rows → YAML data


def _clean(cell: str) -> str:
    return strip_html(cell).strip() if ("<" in cell or "&" in cell) else cell


def _looks_cut(cell: str) -> bool:
    opened = len(re.findall(r"<(p|ul|li|ol)\b", cell, re.IGNORECASE))
    closed = len(re.findall(r"</(p|ul|li|ol)>", cell, re.IGNORECASE))
    return opened > closed or bool(re.search(r"<[A-Za-z/][^<>]*$", cell))


def row_to_entry(row: ImportedRow, source: str, warnings: list[Diagnostic], previous: Any) -> tuple[dict[str, Any], Any]:
    """One table row → one 変更箇所 entry (and the row's parsed date, for order checks)."""
    date_text, item, before, after, timing, reason = row.cells
    entry: dict[str, Any] = {}
    raw: dict[str, str] = {}
    where = Span.point(source, row.line, 1)
    parsed = None
    try:
        parsed = parse_date(date_text)
        entry["変更日"] = date_text
    except ValueError as exc:
        warnings.append(Diagnostic("PIA402", f"変更日を解釈できません: {exc}", where, Severity.WARNING,
                                   help="原文は 原文.変更日 に残しました"))
        raw["変更日"] = date_text
    if parsed and previous and parsed < previous:
        warnings.append(Diagnostic("PIA402", f"変更日 {date_text} が前の行 ({previous.text}) より前です", where,
                                   Severity.WARNING))
    for key, cell in (("項目", item), ("変更前の記載", before), ("変更後の記載", after)):
        cleaned = _clean(cell)
        entry[key] = cleaned
        if key == "項目":
            entry["項目の解析"] = analyse_item(cell)
        if cleaned != cell:
            raw[key] = cell
        if _looks_cut(cell):
            warnings.append(Diagnostic("PIA402", f"{key}のセルが途中で切れているようです (HTML が閉じていません)",
                                       where, Severity.WARNING))
    if timing.strip() in ("事前", "事後"):
        entry["提出時期"] = timing.strip()
        if timing != timing.strip():
            raw["提出時期"] = timing
    else:
        entry["提出時期"] = None
        if timing:
            raw["提出時期"] = timing
        warnings.append(Diagnostic("PIA402", f"提出時期が「{timing}」です (事前 / 事後 のいずれか)", where,
                                   Severity.WARNING))
    entry["提出時期に係る説明"] = _clean(reason)
    if entry["提出時期に係る説明"] != reason:
        raw["提出時期に係る説明"] = reason
    entry["出典"] = {"ファイル": Path(source).name, "行": row.line}
    if raw:
        entry["原文"] = raw
    return entry, parsed or previous


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
