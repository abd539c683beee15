"""`eval` on the tables officers keep (Excel, CSV, TSV): imported in memory, every finding on a row
carries its original cell in every output format; the findings list (xlsx, csv) officials work
through; 確度 shown everywhere."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from piarules.findings import Origin, column_letter
from tests.conftest import EXAMPLE, invoke, write

HEADER = ["変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明"]
ROWS = [
    ["R5.4.1", "対象人数", "1万人以上10万人未満", "10万人以上30万人未満", "事後", "対象者の増加"],  # 重要な変更なのに事後
    ["令6.1.31", "Ⅱ 特定個人情報ファイルの概要 (1) 住民基本台帳ファイル 5. 委託 ⑧再委託の有無", "再委託しない", "再委託する", "",
     "委託先の体制変更"],  # 提出時期が空欄
    ["H30.6.7", "評価実施機関名", "墨田区長", "墨田区長", "事後", "=SUM(A1)"],  # out of order, formula-like text
]


def xlsx_log(path: Path, rows: list[list[str]] = ROWS, first_row: int = 3) -> Path:
    """A 変更箇所 sheet as officers keep it: a title, the column names, the rows (from `first_row`)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "変更箇所"
    sheet["A1"] = "(別添2) 変更箇所"
    for column, name in enumerate(HEADER, start=1):
        sheet.cell(row=first_row - 1, column=column, value=name)
    for r, row in enumerate(rows, start=first_row):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.data_type = "s"
    book.create_sheet("メモ")
    book.save(path)
    return path


def test_eval_on_excel_finds_each_findings_cell_in_the_xlsx_output(tmp_path: Path) -> None:
    log = xlsx_log(tmp_path / "変更箇所.xlsx", first_row=5)
    out = tmp_path / "指摘一覧.xlsx"
    code, text, err = invoke("eval", log, "--body", "墨田区長", "--as-of", "2026-04-01", "--output", f"xlsx={out}")
    assert code == 1, err
    from openpyxl import load_workbook

    book = load_workbook(log)
    source = book["変更箇所"]
    listing = load_workbook(out)["指摘一覧"]
    header = [c.value for c in listing[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in listing.iter_rows(min_row=2)]
    on_cells = [r for r in rows if r["セル"]]
    assert {r["ルール"] for r in on_cells} >= {"CH-001b"}
    for r in on_cells:  # the cell the list names holds the text the list quotes
        sheet_name, ref = r["セル"].split("!")
        assert sheet_name == "変更箇所" and int(ref.lstrip("ABCDEF")) == r["行"] >= 5
        shown = r["元の記載"] or ""
        assert (source[ref].value or "") == ("" if shown == "(空欄)" else shown), r
    blank = next(r for r in on_cells if r["ルール"] == "CH-001b")
    assert blank["セル"] == "変更箇所!E6" and blank["項目"] == "変更箇所[1].提出時期" and blank["確度"] == "高"
    assert "変更箇所.xlsx 変更箇所!E6 (6行目 提出時期)" in text  # the terminal says the same
    assert "変更箇所.xlsx:6:1: エラー[CH-001b]" in text and "changelog.yaml" not in text


def test_findings_list_layout(tmp_path: Path) -> None:
    out = tmp_path / "list.xlsx"
    code, _, _ = invoke("eval", xlsx_log(tmp_path / "log.xlsx"), "--as-of", "2026-04-01", "--output", f"xlsx={out}")
    from openpyxl import load_workbook

    book = load_workbook(out)
    sheet = book["指摘一覧"]
    header = [c.value for c in sheet[1]]
    for name in ("行", "セル", "項目", "重大度", "確度", "指摘", "根拠", "対処", "対応状況", "担当", "確認"):
        assert name in header
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.print_title_rows == "$1:$1" and sheet.page_setup.orientation == "landscape"
    status = header.index("対応状況") + 1
    assert all(sheet.cell(row=r, column=status).value is None for r in range(2, sheet.max_row + 1))
    assert any("未対応" in (v.formula1 or "") for v in sheet.data_validations.dataValidation)
    assert book["概要"]["A1"].value == "判定" and book["概要"]["B1"].value == "要修正"
    assert code == 1


def test_text_that_looks_like_a_formula_stays_text() -> None:
    from openpyxl import load_workbook

    from piarules.diagnostics import Severity
    from piarules.findings import DocumentResult, Finding, RunReport
    from piarules.report import OutputFormat, render
    from piarules.span import Span

    evil = '=HYPERLINK("http://example.invalid","x")'
    finding = Finding("R-1", Severity.ERROR, evil, evil, (), "+1", Span.point("a.yaml", 1, 1), ("公表日",))
    report = RunReport([DocumentResult("a.yaml", findings=[finding])])
    data = render(OutputFormat.XLSX, report, {})
    assert isinstance(data, bytes)
    sheet = load_workbook(io.BytesIO(data))["指摘一覧"]
    assert evil in [c.value for c in sheet[2]] and all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    text = str(render(OutputFormat.CSV, report, {}))
    assert "'=HYPERLINK" in text and "'+1" in text


def test_findings_list_as_csv_opens_in_excel(tmp_path: Path) -> None:
    out = tmp_path / "list.csv"
    invoke("eval", xlsx_log(tmp_path / "log.xlsx"), "--as-of", "2026-04-01", "--output", f"csv={out}")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:6] == ["番号", "文書", "元の場所", "シート", "行", "セル"]
    assert any(r[5] == "変更箇所!E4" for r in rows[1:])
    assert all(not c.startswith(("=", "+", "@")) for r in rows for c in r)  # no formula when opened


@pytest.mark.parametrize(("suffix", "delimiter"), [(".csv", ","), (".tsv", "\t")])
def test_text_tables_point_at_their_lines(tmp_path: Path, suffix: str, delimiter: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER)
    if suffix == ".csv":
        writer.writerow(["R5.4.1", "対象人数", "複数\n行の記載", "10万人以上30万人未満", "事前", "説明"])  # two lines
    writer.writerow(ROWS[1])
    log = write(tmp_path, f"変更箇所{suffix}", buffer.getvalue().encode("cp932"))  # Shift_JIS, as Excel saves
    code, out, _ = invoke("eval", log, "--as-of", "2026-04-01", "--format", "json")
    assert code == 1
    data = json.loads(out)
    (finding,) = [f for f in data["documents"][0]["findings"] if f["rule_id"] == "CH-001b"]
    line = 4 if suffix == ".csv" else 2  # the row starts after the two-line record
    assert finding["location"]["file"].endswith(f"変更箇所{suffix}") and finding["location"]["line"] == line
    assert finding["origin"] == {"file": f"変更箇所{suffix}", "sheet": None, "row": line, "column": 5,
                                 "header": "提出時期", "cell": f"E{line}", "text": ""}


def test_every_format_carries_the_cell_and_the_confidence(tmp_path: Path) -> None:
    log = xlsx_log(tmp_path / "log.xlsx")
    outputs = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "sarif", "junit", "github", "html", "text", "csv")}
    invoke("eval", log, "--as-of", "2026-04-01", *(x for fmt, p in outputs.items() for x in ("--output", f"{fmt}={p}")))
    text = {fmt: p.read_text(encoding="utf-8-sig") for fmt, p in outputs.items()}
    cell = "変更箇所!E4"
    for fmt, content in text.items():
        assert cell in content, fmt
    assert "確度: 高" in text["text"] and "確度 高" in text["junit"] and "確度 高" in text["github"]
    assert "確度 高" in text["html"] and ",高," in text["csv"]
    sarif = json.loads(text["sarif"])
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "CH-001b")
    assert result["properties"]["confidence"] == "high" and result["properties"]["確度"] == "高"
    assert result["properties"]["origin"]["cell"] == cell
    ET.fromstring(text["junit"])  # still valid XML
    finding = json.loads(text["json"])["documents"][0]["findings"]
    assert {f["confidence"] for f in finding} <= {"high", "medium", "low"}


def test_a_guess_says_so_in_every_format(tmp_path: Path) -> None:
    policy = write(tmp_path, "guess.pia", 'rule G-1 "推測" {\n  severity error\n  confidence low\n  require 公表日 is present\n}\n')
    outputs = {fmt: tmp_path / f"g.{fmt}" for fmt in ("json", "sarif", "junit", "github", "html", "text", "csv")}
    invoke("eval", EXAMPLE, "--policy", policy, "--no-standard", "--output", f"xlsx={tmp_path / 'g.xlsx'}",
           *(x for fmt, p in outputs.items() for x in ("--output", f"{fmt}={p}")))
    text = {fmt: p.read_text(encoding="utf-8-sig") for fmt, p in outputs.items()}
    assert "推測による判定です" in text["text"] and "推測による判定" in text["html"]
    assert "確度 低" in text["junit"] and "確度 低" in text["github"] and ",低," in text["csv"]
    assert '"confidence": "low"' in text["json"] and '"確度": "低"' in text["sarif"]
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "g.xlsx")["指摘一覧"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("確度") + 1).value == "低"


def test_imported_yaml_leads_back_to_its_table(tmp_path: Path) -> None:
    """A YAML made by `piarules import` keeps 出典 (with the sheet): its findings name the cell."""
    log = xlsx_log(tmp_path / "log.xlsx")
    yaml_path = tmp_path / "changelog.yaml"
    assert invoke("import", log, "-o", yaml_path)[0] == 0
    assert "シート: 変更箇所" in yaml_path.read_text(encoding="utf-8")
    code, out, _ = invoke("eval", yaml_path, "--as-of", "2026-04-01", "--format", "json")
    assert code == 1
    (finding,) = [f for f in json.loads(out)["documents"][0]["findings"] if f["rule_id"] == "CH-001b"]
    assert finding["location"]["file"].endswith("changelog.yaml")  # the YAML is where it is fixed …
    assert finding["origin"]["cell"] == "変更箇所!E4"  # … and the table is where it came from


def test_xlsx_to_the_terminal_is_refused(tmp_path: Path) -> None:
    code, _, err = invoke("eval", EXAMPLE, "--format", "xlsx")
    assert code == 2 and "--output xlsx=" in err


def test_a_table_that_is_not_a_change_log_is_one_located_error(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.csv", "a,b\n1,2\n")
    code, out, err = invoke("eval", bad)
    assert code == 2 and "bad.csv:" in out + err and "PIA401" in out + err and "Traceback" not in out + err


@pytest.mark.parametrize(("column", "letters"), [(1, "A"), (5, "E"), (26, "Z"), (27, "AA"), (703, "AAA")])
def test_column_letters(column: int, letters: str) -> None:
    assert column_letter(column) == letters


@pytest.mark.parametrize(
    ("origin", "shown"),
    [
        (Origin("変更箇所.xlsx", 12, "変更箇所", 5, "提出時期"), "変更箇所.xlsx 変更箇所!E12 (12行目 提出時期)"),
        (Origin("log.csv", 7, None, 1, "変更日"), "log.csv 7行目 変更日 (A7)"),
        (Origin("log.txt", 7), "log.txt 7行目"),
    ],
)
def test_origin_description(origin: Origin, shown: str) -> None:
    assert origin.describe() == shown


def test_origin_of_a_row_with_unreadable_values() -> None:
    """Values the form could not read stay in the tree as Unreadable: the origin still shows
    the cells as written, never raises."""
    from piarules.tables import origin_of
    from piarules.values import Unreadable

    row = {"変更日": Unreadable("令和5年度", "読めない", ("変更箇所", 0, "変更日")), "項目": "対象人数",
           "原文": Unreadable("[a]", "読めない", ("変更箇所", 0, "原文")),
           "出典": {"ファイル": "t.xlsx", "シート": Unreadable("x", "r", ()), "行": "7"}}
    origin = origin_of({"変更箇所": [row]}, ("変更箇所", 0, "変更日"))
    assert origin is not None and origin.cell == "A7" and origin.cells[:2] == ("令和5年度", "対象人数")


def _plain_log(path: Path) -> Path:
    """A sheet as in the README: the column names on row 1, no title (so no 評価書の種類)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "変更箇所"
    sheet.append(HEADER)
    sheet.append(["令和6年1月31日", "Ⅱ 特定個人情報ファイルの概要 (1) 5. 委託 ⑧再委託の有無", "再委託しない", "再委託する", None, "x"])
    sheet.append(["R7.2.30", "委託の有無", "4件", "5件", "事後（軽微）", "x"])
    sheet.append(["令6.1.31", "Ⅱ 特定個人情報ファイルの概要 (1) 住民基本台帳ファイル 5. 委託 ⑧再委託の有無", "再委託しない",
                  "再委託する", "事後", "委託先の体制変更"])
    book.save(path)
    return path


def test_reading_problems_of_an_excel_table_name_their_cells(tmp_path: Path) -> None:
    log = _plain_log(tmp_path / "mini.xlsx")
    out = tmp_path / "list.xlsx"
    code, text, err = invoke("eval", log, "--as-of", "2026-04-01", "--output", f"xlsx={out}", "--format", "text")
    assert code == 1, err
    for cell in ("変更箇所!E2", "変更箇所!A3", "変更箇所!E3"):
        assert f"= セル: {cell}" in text
    from openpyxl import load_workbook

    listing = load_workbook(out)["指摘一覧"]
    header = [c.value for c in listing[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in listing.iter_rows(min_row=2)]
    reading = {(r["ルール"], r["セル"]) for r in rows if str(r["ルール"]).startswith("PIA")}
    assert reading >= {("PIA402", "変更箇所!E2"), ("PIA402", "変更箇所!A3"), ("PIA304", "変更箇所!A3"),
                       ("PIA303", "変更箇所!E3")}
    written = {(r["ルール"], r["セル"]): r["元の記載"] for r in rows if str(r["ルール"]).startswith("PIA")}
    assert written[("PIA304", "変更箇所!A3")] == "R7.2.30" and written[("PIA303", "変更箇所!E3")] == "事後（軽微）"
    assert written[("PIA402", "変更箇所!E2")] == "(空欄)"
    assert all(r["シート"] == "変更箇所" for r in rows if str(r["ルール"]).startswith("PIA"))


def test_kind_of_a_table_without_a_title(tmp_path: Path) -> None:
    log = _plain_log(tmp_path / "mini.xlsx")
    _, unknown, _ = invoke("eval", log, "--as-of", "2026-04-01")
    assert "評価書の種類が分からない" in unknown and "CH-003]" not in unknown
    _, known, _ = invoke("eval", log, "--as-of", "2026-04-01", "--kind", "重点")
    assert "(重点項目評価書)" in known and "評価書の種類が分からない" not in known
    assert "情報[CH-003]" in known  # a rule limited to 重点/全項目 judges the row once the kind is known
    code, _, err = invoke("eval", log, "--kind", "基本")
    assert code == 2 and "評価書の種類「基本」はありません" in err


def test_the_change_log_as_pasted_from_the_pdf_is_checked_as_a_table() -> None:
    """The seed as the user gave it (tab-separated .txt with page headers): eval reads it as
    import does, with the same findings as the YAML imported from it."""
    seed = EXAMPLE.parent / "seed-changelog.txt"
    code, text, err = invoke("eval", seed, "--body", "墨田区長", "--as-of", "2026-04-01", "--format", "json")
    assert code == 1, err
    data = json.loads(text)
    [document] = data["documents"]
    assert document["imported"] and document["kind"] == "重点項目評価書"
    _, imported, _ = invoke("eval", EXAMPLE.parent / "changelog.yaml", "--as-of", "2026-04-01", "--format", "json")
    assert data["summary"]["error"] == json.loads(imported)["summary"]["error"]
    assert all(f["location"]["file"].endswith("seed-changelog.txt") for f in document["findings"])
