"""The tables users keep (Excel, CSV, tab-separated text) as documents, and findings back on
their cells.

`eval 変更箇所.xlsx` imports the table in memory (importer.py: the same rows, warnings and 出典
as `piarules import`) and checks the result; every finding on a row then carries the row's
original place — file, sheet, row, column, cell (`変更箇所!E12`) — taken from the row's 出典, which
is also how a YAML made by `piarules import` leads back to its table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.document.source_map import DocPath
from piarules.findings import Finding, Origin
from piarules.span import Span

COLUMNS = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明")
"""The columns of a 変更箇所 table, in order."""

TABLE_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt")
"""Files `eval` reads as 変更箇所 tables rather than YAML (.txt: a table pasted from the PDF, as `import` reads it)."""

ROWS = "変更箇所"


def is_table(path: Path) -> bool:
    return path.suffix.lower() in TABLE_SUFFIXES


def is_spreadsheet(path: Path) -> bool:
    """An Excel file: no lines of text to show."""
    return path.suffix.lower() in (".xlsx", ".xlsm")


def origin_of(tree: Mapping[str, Any], path: DocPath, missing_key: str | None = None) -> Origin | None:
    """The table cell of a finding's item, when it is in a 変更箇所 row that has a 出典."""
    if len(path) < 2 or path[0] != ROWS or not isinstance(path[1], int):
        return None
    rows = tree.get(ROWS)
    if not isinstance(rows, list) or not 0 <= path[1] < len(rows) or not isinstance(rows[path[1]], dict):
        return None
    row = rows[path[1]]
    source = row.get("出典")
    if not isinstance(source, dict):
        return None
    number = _number(source.get("行"))
    if number is None:
        return None
    column = _column(path[2:], missing_key)
    return Origin(file=_text(source.get("ファイル")) or "", row=number, sheet=_text(source.get("シート")),
                  column=COLUMNS.index(column) + 1 if column else None, header=column, cells=entry_cells(row))


def entry_cells(entry: Mapping[str, Any]) -> tuple[str, ...]:
    """The original six cells of an imported entry (its 原文 where cleaning changed a cell): the
    round-trip guarantee of the import, and what reports show as the original row."""
    raw = entry.get("原文")
    raw = raw if isinstance(raw, Mapping) else {}
    return tuple(_written(raw[column]) if column in raw else _written(entry.get(column)) for column in COLUMNS)


def _written(value: Any) -> str:
    """A cell as written: text as is, an unreadable value as its text, nothing as blank."""
    from piarules.values import is_unreadable

    if value is None:
        return ""
    return str(value.text) if is_unreadable(value) else str(value)


def _column(rest: DocPath, missing_key: str | None) -> str | None:
    """The table column an item below a row stands for: its own field, the field of 原文, or
    the 項目 cell for 項目の解析."""
    names = [p for p in rest if isinstance(p, str)]
    if names and names[0] in ("原文",) and len(names) > 1:
        names = names[1:]
    if names and names[0] == "項目の解析":
        return "項目"
    if names and names[0] in COLUMNS:
        return names[0]
    return missing_key if not names and missing_key in COLUMNS else None


def _number(value: Any) -> int | None:
    text = value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) and not isinstance(value, bool) else ""
    return int(text) if text.isascii() and text.isdigit() else None


def _text(value: Any) -> str | None:
    """A text of 出典 (ファイル, シート); None for anything else, an unreadable value included."""
    return (value.strip() or None) if isinstance(value, str) else None


def with_origins(findings: list[Finding], tree: Mapping[str, Any], table: str | None = None) -> list[Finding]:
    """Findings with their table cell. For a table checked in memory (`table` is its name) the
    place is the table's row, since the YAML it was turned into exists nowhere."""
    out = []
    for f in findings:
        origin = origin_of(tree, f.path, f.missing_key)
        if origin is None and table is None:
            out.append(f)
            continue
        if table is not None:
            origin = dataclasses.replace(origin, file=Path(table).name) if origin else None
            span = Span.point(table, origin.row, 1) if origin else Span.point(table, 1, 1)
            out.append(dataclasses.replace(f, origin=origin, span=span))
        else:
            out.append(dataclasses.replace(f, origin=origin))
    return out


def load_table(path: Path, name: str, kind: str | None = None, body: str | None = None) -> tuple[Any, list[Diagnostic], bytes]:
    """Import a table in memory: (Document or None, diagnostics at the table's rows, raw bytes).

    The import's warnings (blank 提出時期, unreadable dates …) are the document's warnings. A
    problem of the YAML made from it is reported at the table row it came from.
    """
    from piarules.document import load_document_text
    from piarules.files import read_input
    from piarules.importer import dump_yaml, import_table

    raw = read_input(path, "表")
    try:
        data, result = import_table(path, kind, body, raw=raw, name=name)
    except PiarulesError as exc:
        return None, exc.diagnostics, raw
    text = dump_yaml(data, "")
    doc, diagnostics = load_document_text(text, name)
    lines = text.splitlines()
    starts = [n for n, line in enumerate(lines, start=1) if line.startswith("  - ")]
    rows = [entry["出典"]["行"] for entry in data.get(ROWS, [])]
    cells = [entry_cells(entry) for entry in data.get(ROWS, [])]
    moved = [_at_row(d, name, starts, rows, lines, result.sheet, cells) for d in diagnostics]
    return doc, [*result.warnings, *moved], raw


def _at_row(d: Diagnostic, name: str, starts: list[int], rows: list[int], lines: list[str],
            sheet: str | None, cells: list[tuple[str, ...]]) -> Diagnostic:
    """A diagnostic of the generated YAML, moved to the table row whose entry holds its line
    (and to the cell, when the line is one of the row's columns)."""
    import bisect

    from piarules.importer import cell_ref

    if d.span is None or d.span.path != name:
        return d
    index = bisect.bisect_right(starts, d.span.line) - 1
    if not (0 <= index < len(rows) and len(starts) == len(rows)):
        return dataclasses.replace(d, span=Span.point(name, 1, 1))
    row = rows[index]
    line = lines[d.span.line - 1] if 0 < d.span.line <= len(lines) else ""
    key = line.strip().removeprefix("- ").split(":", 1)[0].strip()
    if key not in COLUMNS:
        return dataclasses.replace(d, span=Span.point(name, row, 1))
    column = COLUMNS.index(key)
    text = cells[index][column] if index < len(cells) else None
    return dataclasses.replace(d, span=Span.point(name, row, 1), cell=cell_ref(sheet, row, column), cell_text=text)
