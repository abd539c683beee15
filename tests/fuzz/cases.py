"""Fuzz cases: mutated assessment documents and generated 変更箇所 tables, grouped in families.

Every generator takes a `random.Random`, so the same code serves two drivers: hypothesis (the
strategies below draw the Random, so failures replay and shrink) in the test suite, and a plain
seeded Random in `bench/fuzz.py` for long runs. A case is bytes plus a file suffix.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
SEED_DOCUMENT = ROOT / "examples" / "sumida-kokuho" / "assessment.yaml"


@dataclass(frozen=True)
class Case:
    """One input: its family (for the figures), what was done, the bytes and the file suffix."""

    family: str
    description: str
    data: bytes
    suffix: str
    as_of: dt.date | None = None
    """The run's 基準日 (None: the document's 公表日), sometimes at the ends of the calendar."""

    def __repr__(self) -> str:  # hypothesis prints this on failure; the bytes may be large
        return f"Case({self.family}: {self.description}, {len(self.data):,} bytes{self.suffix})"


# ---------------------------------------------------------------- building blocks

CONTROL_CHARACTERS = [chr(c) for c in range(32) if c not in (9, 10, 13)] + [
    "\x7f", "\x85", "\x9b", "\x80", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\u202e", "\u202a",
    "\u2066", "\u2069", "\u200f", "\x1b[31m", "\x1b]0;title\x07", "\r", "\t", "\ud800", "\udcff",
]
ODD_DATES = [  # at and past the ends of the calendar, impossible dates, era edges
    "0001-01-01", "0001-01-31", "9999-12-31", "9999-01-01", "0000-01-01", "10000-01-01", "令和0年1月1日",
    "平成31年5月1日", "令和99年12月31日", "2024-02-30", "2024-02-29", "明治1年1月1日", "令和元年5月1日", "2024/1/31.",
    "令和6年1月31日" * 50,
]
ODD_NUMBERS = [  # bands and counts with huge or odd numbers
    "9" * 400 + "人以上", "1万人以上10万人未満", "0人未満", "10万人以上1万人未満", "1.5万人以上", "9" * 5000 + "件",
    "委託する (" + "9" * 500 + "件)", "-1件", "１万人以上１０万人未満", "9" * 19 + "人未満", "1" + "0" * 18 + "人以上",
]
ODD_SCALARS = [
    *ODD_DATES,
    *ODD_NUMBERS,
    # empty forms and YAML specials
    "なし", "(空欄)", "（空欄）", "-", "—", "''", '""', "~", "null", "Null", "yes", "no", "0x1F", "1e400", ".nan",
    "*undefined", "&a x", "!!python/object:os.system", "!!binary aGVsbG8=", "{", "[", "]", "}", "|", ">", "? x",
    "- x", "%YAML 1.1", "---", "...", "# comment", "a: b", "a, b", "`x`", "@x", "'unterminated", '"unterminated',
    '"\\x01\\e[31mred\\u202e"', '"\\uD800"', '"\\x85\\L\\P"', '"\\0"', "'it''s'",
    # text that reports must show safely
    "<script>alert(1)</script>", "&amp;&lt;&#0;", "]]>", "\\x1b[31m", "%0A::error::x", "a\u3000b", "ＩＳＯ／ＩＥＣ２７０１７",
    "再委託する", "再委託すろ", "事前", "事後", "事中", "委託しない", "特に力を入れている",
]


def odd_text(rng: random.Random) -> str:
    """A scalar likely to find a problem: a listed odd value, random Unicode, or something long."""
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(ODD_SCALARS)
    if roll < 0.85:
        ranges = [(0x20, 0x7E), (0x3000, 0x30FF), (0x4E00, 0x4FFF), (0xFF00, 0xFFEF), (0x80, 0x24F), (0x1F300, 0x1F64F)]
        out = []
        for _ in range(rng.randint(1, 30)):
            lo, hi = rng.choice(ranges)
            out.append(chr(rng.randint(lo, hi)))
        if rng.random() < 0.3:
            out.insert(rng.randint(0, len(out)), rng.choice(CONTROL_CHARACTERS))
        return "".join(out)
    return rng.choice(["あ", "x", "委託", "<p>", "9"]) * rng.choice([1000, 20_000, 200_000])


def _encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogatepass")


@cache
def _seed_lines() -> tuple[str, ...]:
    return tuple(SEED_DOCUMENT.read_text(encoding="utf-8").split("\n"))


_VALUE_LINE = re.compile(r"^(\s*(?:- )?[^\s:#'\"][^:#]*?:)( +)(\S.*)$")


def _value_lines(lines: list[str]) -> list[int]:
    """Lines holding `key: value` (never empty: a document without one gets one)."""
    found = [i for i, line in enumerate(lines) if _VALUE_LINE.match(line)]
    if not found:
        lines.append("評価書名: 国民健康保険に関する事務")
        found = [len(lines) - 1]
    return found


# ---------------------------------------------------------------- document mutations (text → text)


def mutate_scalar(rng: random.Random, lines: list[str]) -> str:
    candidates = _value_lines(lines)
    i = rng.choice(candidates)
    m = _VALUE_LINE.match(lines[i])
    assert m is not None
    key, space, value = m.groups()
    action = rng.choice(["replace", "replace", "insert", "delete", "quote"])
    if action == "replace":
        value = _same_kind(rng, value) if rng.random() < 0.5 else odd_text(rng)
    elif action == "insert":
        at = rng.randint(0, len(value))
        value = value[:at] + odd_text(rng) + value[at:]
    elif action == "delete":
        at = rng.randint(0, len(value))
        value = value[:at] + value[rng.randint(at, len(value)):] if rng.random() < 0.7 else ""
    else:
        value = '"' + odd_text(rng).replace("\\", "\\\\").replace('"', '\\"') + '"'
    lines[i] = f"{key}{space}{value}" if value else key
    return f"scalar {action} at line {i + 1}"


_DATE_LIKE = re.compile(r"^(明治|大正|昭和|平成|令和|\d{4}[-/])")
_NUMBER_LIKE = re.compile(r"\d.*(人|件|項目)")


def _same_kind(rng: random.Random, value: str) -> str:
    """An odd value of the kind already there (a date for a date), so validation lets it through
    to the rules more often."""
    if _DATE_LIKE.match(value):
        return rng.choice(ODD_DATES)
    if _NUMBER_LIKE.search(value):
        return rng.choice(ODD_NUMBERS)
    return rng.choice(["なし", "(空欄)", "-", "''", value + "\u202e", "\x1b[31m" + value, value * 3])


def mutate_control(rng: random.Random, lines: list[str]) -> str:
    if not lines:
        lines.append("")
    where = []
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        at = rng.randint(0, len(lines[i]))
        ch = rng.choice(CONTROL_CHARACTERS)
        lines[i] = lines[i][:at] + ch + lines[i][at:]
        where.append(f"U+{ord(ch[0]):04X}@{i + 1}")
    return "control " + " ".join(where)


def mutate_structure(rng: random.Random, lines: list[str]) -> str:
    if not lines:
        lines.append("")
    action = rng.choice(["delete", "duplicate", "move", "indent", "join", "truncate", "split"])
    i = rng.randrange(len(lines))
    if action == "delete":
        del lines[i : i + rng.randint(1, 20)]
    elif action == "duplicate":
        lines.insert(i, lines[i])
    elif action == "move":
        lines.insert(rng.randrange(len(lines)), lines.pop(i))
    elif action == "indent":
        delta = rng.choice([-4, -2, -1, 1, 2, 4])
        lines[i] = " " * delta + lines[i] if delta > 0 else lines[i][-delta:]
    elif action == "join" and i + 1 < len(lines):
        lines[i : i + 2] = [lines[i] + rng.choice([" ", "", ": ", ", "]) + lines[i + 1].lstrip()]
    elif action == "truncate":
        line = lines[i]
        lines[i:] = [line[: rng.randint(0, len(line))]]
    else:
        at = rng.randint(0, len(lines[i]))
        lines[i : i + 1] = [lines[i][:at], lines[i][at:]]
    return f"structure {action} at line {i + 1}"


def mutate_nesting(rng: random.Random, lines: list[str]) -> str:
    depth = rng.choice([rng.randint(1, 80), rng.randint(60, 70), rng.randint(100, 3000)])
    i = rng.choice(_value_lines(lines))
    m = _VALUE_LINE.match(lines[i])
    assert m is not None
    key = m.group(1)
    style = rng.choice(["flow-seq", "flow-map", "block"])
    if style == "flow-seq":
        lines[i] = f"{key} " + "[" * depth + "x" + "]" * depth
    elif style == "flow-map":
        lines[i] = f"{key} " + "{a: " * depth + "x" + "}" * depth
    else:
        indent = len(key) - len(key.lstrip())
        block = [key] + [" " * (indent + 2 * (d + 1)) + "a:" for d in range(min(depth, 400))]
        block[-1] += " x"
        lines[i : i + 1] = block
    return f"nesting {style} depth {depth} at line {i + 1}"


def mutate_anchor(rng: random.Random, lines: list[str]) -> str:
    action = rng.choice(["reuse", "bomb", "nested", "undefined", "key", "merge", "self"])
    if action in ("reuse", "key", "merge", "self"):
        candidates = _value_lines(lines)
        i, j = rng.choice(candidates), rng.choice(candidates)
        m, n = _VALUE_LINE.match(lines[i]), _VALUE_LINE.match(lines[j])
        assert m is not None and n is not None
        lines[i] = f"{m.group(1)}{m.group(2)}&a{i} {m.group(3)}"
        if action == "reuse":
            lines[j] = f"{n.group(1)}{n.group(2)}*a{i}"
        elif action == "key":
            indent = n.group(1)[: len(n.group(1)) - len(n.group(1).lstrip())]
            lines.insert(j, f"{indent}*a{i} : x")
        elif action == "merge":
            indent = n.group(1)[: len(n.group(1)) - len(n.group(1).lstrip())]
            lines.insert(j, f"{indent}<<: *a{i}")
        else:
            lines[i] = f"{m.group(1)} &s [*s]"
        return f"anchor {action} line {i + 1} → {j + 1}"
    if action == "bomb":
        levels, width = rng.randint(2, 14), rng.randint(2, 10)
        lines.append("b0: &b0 [" + ", ".join(["x"] * width) + "]")
        lines += [f"b{k}: &b{k} [" + ", ".join([f"*b{k - 1}"] * width) + "]" for k in range(1, levels)]
        return f"anchor bomb {width}^{levels}"
    if action == "nested":
        levels, width = rng.randint(2, 70), rng.choice([10, 1000, 50_000])
        lines.append("n: " + "".join(f"&n{k} [" for k in range(levels)) + "[" + ",".join(["x"] * width) + "]"
                     + "]" * levels)
        lines.append("m: [" + ", ".join(f"*n{k}" for k in range(levels)) + "]")
        return f"anchor nested {levels} levels around {width}"
    lines.append("u: *nowhere")
    return "anchor undefined"


def _encoding(rng: random.Random, text: str) -> tuple[bytes, str]:
    action = rng.choice(["cp932", "utf-16", "utf-16-le", "utf-8-sig", "latin-1", "crlf", "cr", "truncate", "flip",
                         "garbage", "nul"])
    if action in ("cp932", "utf-16", "utf-16-le", "utf-8-sig"):
        return text.encode(action, errors="replace"), action
    raw = _encode(text)
    if action == "latin-1":
        return raw.decode("latin-1").encode("utf-8"), "UTF-8 read as Latin-1, saved again"
    if action == "crlf":
        return raw.replace(b"\n", b"\r\n"), action
    if action == "cr":
        return raw.replace(b"\n", b"\r"), "CR-only line ends"
    if action == "truncate":
        return raw[: rng.randint(0, len(raw))], action
    if action == "flip":
        data = bytearray(raw)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data), "random bytes changed"
    if action == "garbage":
        return rng.randbytes(rng.randint(0, 4096)) + raw, "binary prefix"
    at = rng.randint(0, len(raw))
    return raw[:at] + b"\x00" + raw[at:], "NUL inserted"


DocumentMutation = Callable[[random.Random, list[str]], str]
DOCUMENT_MUTATIONS: dict[str, DocumentMutation] = {
    "scalar": mutate_scalar,
    "control": mutate_control,
    "structure": mutate_structure,
    "nesting": mutate_nesting,
    "anchor": mutate_anchor,
}
DOCUMENT_FAMILIES = (*DOCUMENT_MUTATIONS, "encoding", "mixed")


def document_case(family: str, rng: random.Random) -> Case:
    """The seed document with mutations of one family ("mixed": 2–5 of any)."""
    case = _document_case(family, rng)
    as_of = rng.choice([None, None, None, dt.date(9999, 12, 31), dt.date(1, 1, 1), dt.date(2026, 1, 1)])
    return Case(case.family, case.description, case.data, case.suffix, as_of)


def _document_case(family: str, rng: random.Random) -> Case:
    lines = list(_seed_lines())
    if rng.random() < 0.3:  # a smaller document now and then: faster, and other paths
        start = rng.randrange(len(lines))
        lines = ["評価書の種類: " + rng.choice(["重点項目評価書", "全項目評価書", "基礎項目評価書"])]
        lines += list(_seed_lines()[start : start + rng.randint(1, 60)])
    if family in DOCUMENT_MUTATIONS:
        done = [DOCUMENT_MUTATIONS[family](rng, lines) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
        return Case(family, "; ".join(done), _encode("\n".join(lines)), ".yaml")
    if family == "encoding":
        data, how = _encoding(rng, "\n".join(lines))
        return Case(family, how, data, ".yaml")
    done = [rng.choice(list(DOCUMENT_MUTATIONS.values()))(rng, lines) for _ in range(rng.randint(2, 5))]
    data = _encode("\n".join(lines))
    if rng.random() < 0.3:
        data, how = _encoding(rng, "\n".join(lines))
        done.append(how)
    return Case(family, "; ".join(done), data, ".yaml")


# ---------------------------------------------------------------- tables

COLUMNS = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明")
TABLE_CELLS = [
    "令和6年1月31日", "平成30年6月7日", "2024-01-31", "令和1年6月18日.", "基本情報 対象人数", "委託事項3 再委託の有無",
    "特定個人情報ファイルの概要 5. 給付管理ファイル 委託 委託事項3 再委託の有無", "<p>a</p><ul><li>b</li></ul>", "<p>cut",
    "事前", "事後", " 事前 ", "", " ", "4件", "5件", "1万人以上10万人未満", "「重大な変更」に当たらない",
    "(別添2) 変更箇所", "(別添3)変更箇所", "変更日", "項目", "変更前の記載", "提出時期", "9" * 5000, "=1/0", "=A1&B1",
    "=SUM(A1:A3)", "a\tb", "a,b", 'a"b', '"', "a\nb", "a\r\nb", "a\rb", "a\x85b", "c\u2028d", "e\u2029f", "\ufeffg",
    "x\x01y", "\x1b[31m", "\u202eabc", "&amp;", "&#0;", "<br>", "%", "'", "-", "なし", "ＩＳＯ／ＩＥＣ２７０１７",
]


def table_cell(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.75:
        return rng.choice(TABLE_CELLS)
    if roll < 0.97:
        return odd_text(rng)[:2000]
    return rng.choice(["x", "あ"]) * rng.choice([140_000, 300_000])


def table_rows(rng: random.Random) -> list[list[str]]:
    rows: list[list[str]] = []
    if rng.random() < 0.6:
        rows.append([rng.choice(["(別添2) 変更箇所", "(別添3) 変更箇所", "(別添) 変更箇所"])])
    if rng.random() < 0.8:
        rows.append(list(COLUMNS))
    for _ in range(rng.randint(0, 12)):
        width = 6 if rng.random() < 0.8 else rng.randint(0, 9)
        rows.append([table_cell(rng) for _ in range(width)])
        if rng.random() < 0.05:
            rows.append(list(COLUMNS) if rng.random() < 0.5 else ["(別添2) 変更箇所"])
    return rows


def _tsv(rng: random.Random, rows: list[list[str]]) -> tuple[bytes, str]:
    end = rng.choice(["\n", "\r\n", "\r"])
    text = end.join("\t".join(row) for row in rows) + rng.choice(["", end])
    encoding = rng.choice(["utf-8", "utf-8", "cp932", "utf-8-sig", "utf-16"])
    return text.encode(encoding, errors="replace" if encoding != "utf-8" else "surrogatepass"), f"{encoding} {end!r}"


def _csv(rng: random.Random, rows: list[list[str]]) -> tuple[bytes, str]:
    buffer = io.StringIO(newline="")
    quoting = rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
    end = rng.choice(["\n", "\r\n", "\r"])
    csv.writer(buffer, quoting=quoting, lineterminator=end).writerows(rows)
    text = buffer.getvalue()
    if rng.random() < 0.2:  # hand-broken CSV: an unclosed quote, a stray quote
        at = rng.randint(0, len(text))
        text = text[:at] + '"' + text[at:]
    encoding = rng.choice(["utf-8", "utf-8", "cp932", "utf-8-sig"])
    return text.encode(encoding, errors="replace" if encoding != "utf-8" else "surrogatepass"), f"{encoding} {end!r}"


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def _xlsx_value(rng: random.Random, cell: str) -> object:
    roll = rng.random()
    if roll < 0.08:
        return rng.choice([0, 1, -1, 4, 2**53 + 1, 10**30, 1.5, 1e308, -0.0, 3.141592653589793])
    if roll < 0.12:
        import datetime as dt

        return rng.choice([dt.date(2024, 1, 31), dt.datetime(2019, 6, 18, 12, 30), dt.date(1900, 1, 1)])
    if roll < 0.16:
        return None
    return _XLSX_ILLEGAL.sub("", cell)[:32767]


def _xlsx(rng: random.Random, rows: list[list[str]]) -> tuple[bytes, str]:
    import openpyxl

    # Every random choice first: hypothesis may stop a draw midway, which must not leave a
    # write-only sheet half written.
    write_only, cover = rng.random() < 0.4, rng.random() < 0.2
    title = rng.choice(["変更箇所", "Sheet1", "別添2"])
    values = [[_xlsx_value(rng, c) for c in row] for row in rows]
    damage = rng.random() < 0.35
    book = openpyxl.Workbook(write_only=write_only)
    if write_only:
        if cover:
            book.create_sheet("表紙").append(["表紙"])
        sheet = book.create_sheet(title)
    else:
        sheet = book.active
        sheet.title = title
    for row in values:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    raw = _reproducible(buffer.getvalue())
    how = "write-only" if write_only else "normal"
    if damage:
        raw, damaged = _damage_xlsx(rng, raw)
        how += f", {damaged}"
    return raw, how


_SAVED_AT = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*")


def _reproducible(raw: bytes) -> bytes:
    """The same bytes for the same seed: openpyxl stamps the time of saving into the file."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _SAVED_AT.sub(rb"\g<1>2024-01-31T00:00:00Z", content)
            target.writestr(zipfile.ZipInfo(info.filename, (2024, 1, 31, 0, 0, 0)), content,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _damage_xlsx(rng: random.Random, raw: bytes) -> tuple[bytes, str]:
    action = rng.choice(["truncate", "flip", "sheet-truncated", "sheet-garbage", "padding", "dimension"])
    if action == "truncate":
        return raw[: rng.randint(0, len(raw))], action
    if action == "flip":
        data = bytearray(raw)
        for _ in range(rng.randint(1, 10)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data), action
    source = zipfile.ZipFile(io.BytesIO(raw))
    names = source.namelist()
    sheet = next((n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")), names[0])
    content = source.read(sheet)
    if action == "sheet-truncated":
        content = content[: rng.randint(0, len(content))]
    elif action == "sheet-garbage":
        content = rng.randbytes(rng.randint(0, 2000))
    elif action == "padding":  # compresses to almost nothing: a small zip bomb
        content = content.replace(b"<sheetData>", b"<sheetData>" + b" " * rng.choice([10**6, 60 * 10**6]), 1)
    else:
        ref = rng.choice(["A1:XFD1048576", "A1:B2", "Z9", "A0:A0", "garbage"])
        content = re.sub(rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{ref}"/>'.encode(), content)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            target.writestr(name, content if name == sheet else source.read(name))
    return out.getvalue(), action


TABLE_FORMATS = {"tsv": (_tsv, ".tsv"), "csv": (_csv, ".csv"), "xlsx": (_xlsx, ".xlsx")}
TABLE_FAMILIES = tuple(TABLE_FORMATS)


def table_case(family: str, rng: random.Random) -> Case:
    make, suffix = TABLE_FORMATS[family]
    rows = table_rows(rng)
    data, how = make(rng, rows)
    return Case(family, f"{len(rows)} rows, {how}", data, suffix)


# ---------------------------------------------------------------- hypothesis strategies


def document_cases(families: tuple[str, ...] = DOCUMENT_FAMILIES) -> st.SearchStrategy[Case]:
    """Mutations of examples/sumida-kokuho/assessment.yaml, by family."""
    return st.builds(document_case, st.sampled_from(families), st.randoms(use_true_random=False))


def table_cases(families: tuple[str, ...] = TABLE_FAMILIES) -> st.SearchStrategy[Case]:
    """Generated 変更箇所 tables (TSV, CSV, xlsx, some of them damaged), by family."""
    return st.builds(table_case, st.sampled_from(families), st.randoms(use_true_random=False))
