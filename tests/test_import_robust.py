"""`piarules import` on hostile or unusual tables: line endings, separators inside cells, limits,
zip bombs, formulas without cached values, sheets without a dimension record, corrupt sheets."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from piarules.diagnostics import PiarulesError
from piarules.document.items import analyse_item
from piarules.document.loader import load_yaml
from piarules.importer import COLUMNS, dump_yaml, entry_cells, import_table, read_table
from tests.conftest import invoke, write

HEADER = "\t".join(COLUMNS)
ROW = ["令和6年1月31日", "委託の有無", "4件", "5件", "事前", ""]


def round_trip(path: Path) -> None:
    """Every cell comes back from the written YAML exactly as it was read."""
    data, result = import_table(path)
    reloaded = load_yaml(dump_yaml(data, "# t\n"), "t.yaml").data["変更箇所"]
    assert [entry_cells(e) for e in reloaded] == [r.cells for r in result.rows]


def test_cr_only_line_endings(tmp_path: Path) -> None:
    for name, sep in (("t.csv", ","), ("t.tsv", "\t")):
        path = write(tmp_path, name, "\r".join(sep.join(r) for r in (COLUMNS, ROW, ROW)) + "\r")
        rows = read_table(path).rows
        assert [r.cells for r in rows] == [tuple(ROW)] * 2 and [r.line for r in rows] == [2, 3], name


@pytest.mark.parametrize("inside", ["a\x85b", "c\u2028d", "e\u2029f", "\ufeffg", "h\x0bi\x0cj", "k\rl", "m\x1bn",
                                    "  lead", "trail  ", "x\n  y\n"])
def test_separators_and_controls_inside_cells_are_kept(tmp_path: Path, inside: str) -> None:
    cells = [*ROW[:2], inside, *ROW[3:]]
    csv_text = ",".join(COLUMNS) + "\n" + ",".join('"' + c + '"' for c in cells) + "\n"
    path = write(tmp_path, "t.csv", csv_text)
    (row,) = read_table(path).rows
    assert row.cells[2] == inside
    round_trip(path)


def test_nel_ls_ps_do_not_split_tsv_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "t.tsv", HEADER + "\n" + "\t".join([*ROW[:2], "a\x85b", "c\u2028d", "事前", "e\u2029f"]) + "\n")
    (row,) = read_table(path).rows
    assert row.cells[2:4] == ("a\x85b", "c\u2028d") and row.cells[5] == "e\u2029f"
    round_trip(path)


@pytest.mark.parametrize(
    "cells",
    [
        ["(別添2) 変更箇所", "基本情報", "a", "b", "事前", ""],   # a data row that mentions the page header
        ["変更日", "項目", "a", "b", "事前", ""],                  # data cells under header-like ones
        ["令和6年1月31日", "(別添2) 変更箇所", "", "", "", ""],
    ],
)
def test_a_data_row_that_resembles_a_header_is_kept(tmp_path: Path, cells: list[str]) -> None:
    path = write(tmp_path, "t.tsv", "(別添2) 変更箇所\n" + HEADER + "\n" + "\t".join(cells) + "\n")
    result = read_table(path)
    assert [r.cells for r in result.rows] == [tuple(cells)] and result.kind == "重点項目評価書"


def test_repeated_headers_are_still_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "t.tsv", "\n".join(["(別添2) 変更箇所", HEADER, "\t".join(ROW), "(別添2)変更箇所",
                                                "変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t", "\t".join(ROW)]))
    assert len(read_table(path).rows) == 2


def test_a_huge_number_stays_text(tmp_path: Path) -> None:
    digits = "9" * 5000
    path = write(tmp_path, "t.tsv", HEADER + "\n" + "\t".join([ROW[0], f"委託事項{digits} {digits}.ファイル", digits, *ROW[3:]]))
    data, _ = import_table(path)
    (entry,) = data["変更箇所"]
    assert entry["変更前の記載"] == digits and entry["項目"] == f"委託事項{digits} {digits}.ファイル"
    assert "委託事項番号" not in analyse_item(entry["項目"], "重点項目評価書")  # the analysis at load: text only
    round_trip(path)


def test_a_big_csv_field_within_the_limit_is_read(tmp_path: Path) -> None:
    big = "x" * 200_000
    path = write(tmp_path, "t.csv", ",".join(COLUMNS) + "\n" + ",".join([*ROW[:2], f'"{big}"', *ROW[3:]]) + "\n")
    assert read_table(path).rows[0].cells[2] == big


@pytest.mark.parametrize("name", ["t.csv", "t.tsv"])
def test_a_cell_over_the_limit_is_a_located_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("PIARULES_MAX_CELL_CHARS", "1000")
    sep = "," if name.endswith("csv") else "\t"
    path = write(tmp_path, name, sep.join(COLUMNS) + "\n" + sep.join(ROW) + "\n" + sep.join([*ROW[:2], "y" * 1001, *ROW[3:]]))
    with pytest.raises(PiarulesError) as info:
        read_table(path)
    (d,) = info.value.diagnostics
    assert d.code == "PIA306" and d.span is not None and d.span.line == 3 and "PIARULES_MAX_CELL_CHARS" in (d.help or "")


def test_too_many_rows_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIARULES_MAX_TABLE_ROWS", "5")
    path = write(tmp_path, "t.tsv", HEADER + "\n" + "\n".join("\t".join(ROW) for _ in range(10)))
    with pytest.raises(PiarulesError, match="行数"):
        read_table(path)


# ---------------------------------------------------------------- Excel


def _xlsx(rows: list[list[object]], write_only: bool = False) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("変更箇所") if write_only else book.active
    if not write_only:
        sheet.title = "変更箇所"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _with_dimension(raw: bytes, ref: str) -> bytes:
    sheet = zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet1.xml")
    changed = re.sub(rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{ref}"/>'.encode(), sheet)
    assert changed != sheet
    return _replace_member(raw, "xl/worksheets/sheet1.xml", changed)


def _replace_member(raw: bytes, member: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == member else source.read(info.filename))
    return out.getvalue()


def test_a_formula_without_a_cached_value_is_kept_as_its_formula(tmp_path: Path) -> None:
    path = write(tmp_path, "f.xlsx", _xlsx([list(COLUMNS), [*ROW[:2], '="4"&"件"', "=C2", "事前", "=1/0"]]))
    data, result = import_table(path)
    (entry,) = data["変更箇所"]
    assert entry["変更前の記載"] == '="4"&"件"' and entry["変更後の記載"] == "=C2" and entry["提出時期に係る説明"] == "=1/0"
    formula_warnings = [w for w in result.warnings if "式" in w.message]
    assert len(formula_warnings) == 3 and all(w.span and w.span.line == 2 for w in formula_warnings)


def test_a_sheet_without_a_dimension_record_and_short_rows_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "w.xlsx", _xlsx([list(COLUMNS), ROW[:5]], write_only=True))
    assert b"<dimension" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert [r.cells for r in read_table(path).rows] == [(*ROW[:5], "")]


def test_rows_beyond_a_wrong_dimension_record_are_not_dropped(tmp_path: Path) -> None:
    path = write(tmp_path, "d.xlsx", _with_dimension(_xlsx([list(COLUMNS), ROW, ROW, ROW]), "A1:B2"))
    assert len(read_table(path).rows) == 3


def test_a_corrupt_sheet_is_a_clear_error(tmp_path: Path) -> None:
    raw = _xlsx([list(COLUMNS), ROW])
    sheet = zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet1.xml")
    path = write(tmp_path, "c.xlsx", _replace_member(raw, "xl/worksheets/sheet1.xml", sheet[: len(sheet) // 2]))
    with pytest.raises(PiarulesError, match="壊れています"):
        read_table(path)


def _future_zip_version() -> bytes:
    """A central directory entry that asks for zip version 23.5 (found by bench/fuzz.py)."""
    raw = bytearray(_xlsx([list(COLUMNS), ROW]))
    at = raw.index(b"PK\x01\x02")
    raw[at + 6] = 235
    return bytes(raw)


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x03\x04garbage", b"", _future_zip_version()])
def test_a_file_that_is_not_excel_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(PiarulesError) as info:
        read_table(write(tmp_path, "x.xlsx", content))
    assert info.value.diagnostics[0].code in ("PIA401", "PIA306")


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [list(COLUMNS)] + [ROW] * 2000
    path = write(tmp_path, "z.xlsx", _xlsx(rows))
    monkeypatch.setenv("PIARULES_MAX_XLSX_BYTES", str(path.stat().st_size))  # the expanded size is larger
    with pytest.raises(PiarulesError) as info:
        read_table(path)
    assert info.value.diagnostics[0].code == "PIA306" and "展開" in info.value.diagnostics[0].message


def test_a_declared_dimension_over_the_cell_limit_is_refused_before_reading(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "big.xlsx", _with_dimension(_xlsx([list(COLUMNS), ROW]), "A1:XFD200"))
    with pytest.raises(PiarulesError, match="セルの数"):
        read_table(path)


# ---------------------------------------------------------------- the command


def test_import_onto_a_directory_or_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    table = write(tmp_path, "t.tsv", HEADER + "\n" + "\t".join(ROW) + "\n")
    code, _, err = invoke("import", table, "-o", tmp_path)
    assert code == 2 and "ディレクトリ" in err
    code, _, err = invoke("import", table, "-o", tmp_path / "missing" / "x.yaml")
    assert code == 2 and "書き込めません" in err and "Traceback" not in err
