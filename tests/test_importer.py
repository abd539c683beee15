"""`piarules import` on the real seed and on CSV / Excel / Shift_JIS variants."""

from __future__ import annotations

import collections
import csv
import datetime as dt
from pathlib import Path

import pytest

from piarules.diagnostics import PiarulesError
from piarules.document import load_document_text
from piarules.importer import COLUMNS, dump_yaml, entry_cells, import_table, read_table
from tests.conftest import ROOT

SEED = ROOT / "examples" / "sumida-kokuho" / "seed-changelog.txt"


@pytest.fixture(scope="module")
def seed() -> tuple[dict, object]:
    return import_table(SEED)


def test_seed_rows_and_timing_counts(seed: tuple[dict, object]) -> None:
    data, _ = seed
    rows = data["変更箇所"]
    assert len(rows) == 137 and data["評価書の種類"] == "重点項目評価書"  # (別添2) → 重点
    counts = collections.Counter(r["提出時期"] for r in rows)
    assert counts == {"事後": 100, "事前": 36, None: 1}


def test_seed_dates_parse_as_written(seed: tuple[dict, object]) -> None:
    data, _ = seed
    doc, problems = load_document_text(dump_yaml(data, ""), "seed.yaml")
    assert doc is not None, problems
    dates = [r["変更日"] for r in doc.tree["変更箇所"]]
    assert dates[0] == dt.date(2018, 6, 7) and dates[0].text == "平成30年6月7日"
    assert dates[1] == dt.date(2019, 6, 18) and dates[1].text == "令和1年6月18日"
    assert dates[-1] == dt.date(2024, 1, 31)
    assert {d.year for d in dates} == {2018, 2019, 2020, 2021, 2022, 2023, 2024}


def test_seed_html_is_stripped_but_kept(seed: tuple[dict, object]) -> None:
    data, _ = seed
    row = next(r for r in data["変更箇所"] if r["出典"]["行"] == 55)
    assert "<p>" not in row["変更後の記載"] and "<p>" not in row["項目"]
    assert row["原文"]["変更後の記載"].startswith("<p>")


def test_seed_round_trip_loses_nothing(seed: tuple[dict, object]) -> None:
    data, _ = seed
    original = read_table(SEED).rows
    assert [entry_cells(e) for e in data["変更箇所"]] == [r.cells for r in original]
    # ... and through the YAML text as well
    from piarules.document.loader import load_yaml

    reloaded = load_yaml(dump_yaml(data, "# x\n"), "x.yaml").data["変更箇所"]
    assert [entry_cells(e) for e in reloaded] == [r.cells for r in original]


def test_seed_anomalies_are_warnings_with_lines(seed: tuple[dict, object]) -> None:
    _, result = seed
    by_line = collections.defaultdict(list)
    for w in result.warnings:
        by_line[w.span.line].append(w.message)
    assert any("提出時期" in m for m in by_line[6])
    assert any("前の行" in m for m in by_line[147])


def test_item_analysis_is_computed_at_load_not_written(seed: tuple[dict, object]) -> None:
    data, _ = seed
    assert not any("項目の解析" in r for r in data["変更箇所"])  # the YAML holds only what the table said
    doc, _ = load_document_text(dump_yaml(data, ""), "seed.yaml")
    assert doc is not None
    row = next(r for r in doc.tree["変更箇所"] if r["出典"]["行"] == 86)
    assert row["項目の解析"] == {"節": "特定個人情報ファイルの概要", "ファイル番号": 5, "ファイル名": "給付管理ファイル",
                              "委託事項番号": 3, "項目名": "再委託の有無",
                              "様式パス": "特定個人情報ファイル[].委託.委託事項[].再委託の有無", "重要な変更の対象": True}


ROWS = [
    ["変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明"],
    ["令和1年6月18日", "基本情報 対象人数", "10万人以上30万人未満", "1万人以上10万人未満", "事後", ""],
    ["令和2年6月12日", "委託事項3 再委託の有無", "(空欄)", "再委託する", "事前", "重要な変更"],
]


def write_tsv(path: Path, encoding: str = "utf-8", newline: str = "\n") -> Path:
    text = "(別添2) 変更箇所\n\n" + "\n".join("\t".join(r) for r in ROWS) + "\n"
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


@pytest.mark.parametrize(("encoding", "newline"), [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("cp932", "\r\n")])
def test_tsv_encodings(tmp_path: Path, encoding: str, newline: str) -> None:
    data, _ = import_table(write_tsv(tmp_path / "t.txt", encoding, newline))
    assert [e["変更後の記載"] for e in data["変更箇所"]] == ["1万人以上10万人未満", "再委託する"]


def test_csv_with_multiline_cells(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    rows = [*ROWS, ["令和3年6月10日", "項目", "a", "一行目\n二行目", "事後", ""]]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    data, _ = import_table(path)
    assert data["変更箇所"][-1]["変更後の記載"] == "一行目\n二行目"


def test_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "変更箇所"
    for r in ROWS:
        sheet.append(r)
    sheet.append([dt.datetime(2024, 1, 31), "項目", "4件", "5件", "事前", None])
    path = tmp_path / "t.xlsx"
    book.save(path)
    data, _ = import_table(path)
    assert [e["変更日"] for e in data["変更箇所"]] == ["令和1年6月18日", "令和2年6月12日", "2024-01-31"]


def test_wrong_column_count_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("\t".join(COLUMNS) + "\n令和1年6月18日\t項目\t前\n", encoding="utf-8")
    with pytest.raises(PiarulesError) as info:
        import_table(path)
    (d,) = info.value.diagnostics
    assert d.code == "PIA401" and d.span.line == 2 and "列の数が 3" in d.message


def test_binary_input_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(b"\x00\x01binary")
    with pytest.raises(PiarulesError, match="バイナリ"):
        import_table(path)


def test_bad_date_is_kept_and_warned(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("\t".join(COLUMNS) + "\n令和2年2月30日\t項目\t前\t後\t事後\t\n", encoding="utf-8")
    data, result = import_table(path)
    entry = data["変更箇所"][0]
    assert entry["変更日"] == "令和2年2月30日" and "原文" not in entry  # kept in its field, as written
    assert any("存在しない" in w.message for w in result.warnings)


# ---------------------------------------------------------------- 略記 dates, decoded quotes, blank cells


@pytest.mark.parametrize(("written", "date"), [
    ("R7.1.6", dt.date(2025, 1, 6)), ("令7.1.6", dt.date(2025, 1, 6)), ("H30.6.7", dt.date(2018, 6, 7)),
    ("R元.5.1", dt.date(2019, 5, 1)), ("2024.1.31", dt.date(2024, 1, 31)), ("2025/1/6", dt.date(2025, 1, 6)),
    ("令和７年１月６日", dt.date(2025, 1, 6)), ("Ｒ７．１．６", dt.date(2025, 1, 6)),
])
def test_abbreviated_dates_import_as_dates(tmp_path: Path, written: str, date: dt.date) -> None:
    table = tmp_path / "t.tsv"
    table.write_text(f"{written}\t対象人数\t1\t2\t事後\t説明\n", encoding="utf-8")
    data, result = import_table(table)
    assert not result.warnings and data["変更箇所"][0]["変更日"] == written  # kept as written …
    doc, _ = load_document_text(dump_yaml(data, ""), "t.yaml")
    assert doc is not None and doc.tree["変更箇所"][0]["変更日"] == date  # … and read as the date


def _xlsx(path: Path, row: list[object]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "変更箇所"
    book.active.append(list(COLUMNS))
    book.active.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize(("row", "message"), [
    (["<p>令和7年2月30日</p>", "対象人数", "1", "2", "事後", "x"], "を解釈できません: 「令和7年2月30日」は存在しない日付です"),
    (["R7.1.6", "対象人数", "1", "2", "<p>事後した</p>", "x"], "提出時期 (5列目) が「事後した」です"),
    (["R7.1.6", "対象人数", "1", "2", None, "x"], "提出時期 (5列目) が空欄です。事前 / 事後 のいずれかを書いてください"),
    (["R7.1.6", "対象人数", "1", "2", "　", "x"], "提出時期 (5列目) が空欄です。事前 / 事後 のいずれかを書いてください"),
    (["R7.1.6", "対象人数", "1", "2", "（空欄）", "x"], "提出時期 (5列目) が空欄です (「（空欄）」)"),
])
def test_excel_warnings_quote_the_decoded_cell(tmp_path: Path, row: list[object], message: str) -> None:
    _, result = import_table(_xlsx(tmp_path / "t.xlsx", row))
    texts = [w.message for w in result.warnings]
    assert any(message in t for t in texts), texts
    assert all("<p>" not in t and "\\x" not in t and "「」" not in t for t in texts)


def test_shift_jis_warnings_quote_the_decoded_cell(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_bytes("変更日,項目,変更前の記載,変更後の記載,提出時期,提出時期に係る説明\nR7.1.6,対象人数,1,2,事後した,説明\n".encode("cp932"))
    _, result = import_table(table)
    assert [w.message for w in result.warnings] == ["提出時期 (5列目) が「事後した」です (事前 / 事後 のいずれか)"]


def test_rows_record_their_sheet_and_row(tmp_path: Path) -> None:
    data, result = import_table(_xlsx(tmp_path / "t.xlsx", ["R7.1.6", "対象人数", "1", "2", "事後", "x"]))
    assert result.sheet == "変更箇所" and data["変更箇所"][0]["出典"] == {"ファイル": "t.xlsx", "シート": "変更箇所", "行": 2}
