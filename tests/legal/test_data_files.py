"""The bundled data files load cleanly; bad entries in extra files are diagnostics at file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from piarules.legal.statutes import KINDS, load_statute_table
from piarules.legal.timeline import load_timeline


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_statutes_and_timeline_have_no_diagnostics() -> None:
    table, diagnostics = load_statute_table()
    assert diagnostics == []
    assert {"mynumber-act", "mynumber-19-8-ordinance", "local-privacy-ordinance"} <= set(table.statutes)
    assert {st.kind for st in table.statutes.values()} <= set(KINDS)
    timeline, diagnostics = load_timeline()
    assert [d.one_line() for d in diagnostics] == []
    assert len(timeline.provisions) >= 50


def test_every_timeline_meaning_is_used_and_every_provision_resolves() -> None:
    timeline, _ = load_timeline()
    used = {p.meaning.id for prov in timeline.provisions.values() for p in prov.periods if p.meaning}
    assert used == set(timeline.meanings)
    assert all(prov.key[0] for prov in timeline.provisions.values())


@pytest.mark.parametrize(
    ("text", "code", "line", "col", "fragment"),
    [
        ("statutes:\n  - id: x-act\n    kind: 省令\n    names: [何某法]\n", "PIA603", 3, 11, "省令"),
        ("statutes:\n  - id: x-act\n    kind: 法律\n    abbreviations: [番号法]\n", "PIA602", 4, 21, "番号法"),
        ("statutes:\n  - id: x-act\n    kind: 法律\n    names: [何某法]\n    promulgated: 2021-02-30\n", "PIA604", 5, 18,
         "存在しない日付"),
        ("statutes:\n  - id: mynumber-act\n    kind: 法律\n", "PIA602", 2, 9, "mynumber-act"),
        ("statutes:\n  - kind: 法律\n    names: [何某法]\n", "PIA601", 2, 5, "id"),
        ("statutes:\n  - id: x-act\n    kind: 法律\n    law_numbers: [昔の法律]\n", "PIA601", 4, 19, "法令番号"),
        ("statutes:\n  - id: x-act\n    kind: 法律\n    colour: red\n", "PIA601", 4, 13, "colour"),
    ],
)
def test_bad_statute_entries(tmp_path: Path, text: str, code: str, line: int, col: int, fragment: str) -> None:
    path = write(tmp_path, "extra.yaml", text)
    _, diagnostics = load_statute_table([path])
    assert [d.code for d in diagnostics] == [code], [d.one_line() for d in diagnostics]
    d = diagnostics[0]
    assert d.span is not None and (d.span.path, d.span.line, d.span.col) == (str(path), line, col)
    assert fragment in d.message


def test_extra_statute_file_extends_the_table(tmp_path: Path) -> None:
    path = write(tmp_path, "extra.yaml", "statutes:\n  - id: boshi-act\n    kind: 法律\n    names: [母子保健法]\n"
                 "    law_numbers: [昭和四十年法律第百四十一号]\n")
    table, diagnostics = load_statute_table([path])
    assert diagnostics == []
    assert table.by_name("母子保健法") == "boshi-act"
    assert table.by_law_number("昭和40年法律第141号") == "boshi-act"


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    _, diagnostics = load_statute_table([tmp_path / "missing.yaml"])
    assert [d.code for d in diagnostics] == ["PIA601"]
    bad = write(tmp_path, "bad.yaml", "statutes: [\n")
    _, diagnostics = load_statute_table([bad])
    assert [d.code for d in diagnostics] == ["PIA301"]


@pytest.mark.parametrize(
    ("text", "code", "line", "fragment"),
    [
        ("provisions:\n  - cite: 番号法第19条第7号\n    periods:\n      - {from: 2021-02-30, meaning: 番号法}\n",
         "PIA604", 4, "存在しない日付"),
        ("provisions:\n  - cite: 何も引用していない\n    periods:\n      - {meaning: 番号法}\n", "PIA601", 2, "解釈できません"),
        ("provisions:\n  - cite: 番号法第99条\n    periods:\n      - {meaning: 未定義}\n", "PIA601", 4, "meanings にありません"),
        ("provisions:\n  - cite: 番号法第99条\n    periods:\n      - {from: 2020-01-01, until: 2019-01-01, meaning: 番号法}\n",
         "PIA601", 4, "until"),
        ("provisions:\n  - cite: 番号法第99条\n    periods:\n      - {from: 2020-01-01, meaning: 番号法}\n"
         "      - {from: 2019-01-01, meaning: 番号法}\n", "PIA601", 5, "重なる"),
        ("provisions:\n  - cite: 番号法第99条\n    periods:\n      - {from: 2020-01-01, meaning: 番号法, confidence: sure}\n",
         "PIA601", 4, "confidence"),
        ("names:\n  - {old: 旧, new: 新, since: 令和1年5月0日}\n", "PIA604", 2, "日付"),
    ],
)
def test_bad_timeline_entries(tmp_path: Path, text: str, code: str, line: int, fragment: str) -> None:
    path = write(tmp_path, "extra.yaml", text)
    _, diagnostics = load_timeline([path])
    assert [d.code for d in diagnostics] == [code], [d.one_line() for d in diagnostics]
    assert diagnostics[0].span is not None and diagnostics[0].span.line == line
    assert diagnostics[0].span.path == str(path)
    assert fragment in diagnostics[0].message


def test_extra_timeline_file_adds_a_provision(tmp_path: Path) -> None:
    import datetime as dt

    from piarules.legal.citations import parse_citations
    from piarules.legal.timeline import Status, judge

    path = write(tmp_path, "extra.yaml",
                 "meanings:\n  - {id: 独自/手数料, text: 手数料の徴収, purpose: [手数料]}\n"
                 "provisions:\n  - cite: 番号法第99条\n    periods:\n      - {from: 2030-01-01, meaning: 独自/手数料}\n")
    timeline, diagnostics = load_timeline([path])
    assert diagnostics == []
    c = parse_citations("番号法第99条")[0]
    assert judge(c, dt.date(2025, 1, 1), timeline=timeline).status is Status.NOT_YET
