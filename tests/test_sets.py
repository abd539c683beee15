"""Document sets in `eval`: which documents are checked together, and what a set changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from piarules.diagnostics import PiarulesError
from piarules.document.sets import SetMode, plan_units
from tests.conftest import invoke, write

KISO = """\
評価書の種類: 基礎項目評価書
基本情報:
  事務:
    事務の名称: {affair}
しきい値判断項目: {{対象人数: 1万人以上10万人未満, 対象人数の計数時点: 令和7年4月1日}}
"""
JUTEN = """\
評価書の種類: 重点項目評価書
基本情報:
  事務: {{事務の名称: "{affair}", 対象人数: 10万人以上30万人未満}}
"""
ZENKOU = """\
評価書の種類: 全項目評価書
基本情報:
  事務:
    事務の名称: {affair}
"""
KOKUHO = "国民健康保険に関する事務"


def docs(tmp_path: Path, **named: str) -> list[Path]:
    return [write(tmp_path, name + ".yaml", text) for name, text in named.items()]


@pytest.mark.parametrize(("named", "units"), [
    # the same 事務の名称 (block or flow style, width and spaces aside), one 基礎 and one other
    ({"k": KISO.format(affair=KOKUHO), "j": JUTEN.format(affair="国民健康保険に関する 事務")}, [[0, 1]]),
    # two affairs: two sets
    ({"k1": KISO.format(affair="A事務"), "j1": JUTEN.format(affair="A事務"),
      "k2": KISO.format(affair="B事務"), "z2": ZENKOU.format(affair="B事務")}, [[0, 1], [2, 3]]),
    # different affairs: alone
    ({"k": KISO.format(affair="A事務"), "j": JUTEN.format(affair="B事務")}, [[0], [1]]),
    # two 重点 of one affair (old and new versions): ambiguous, alone
    ({"k": KISO.format(affair=KOKUHO), "j1": JUTEN.format(affair=KOKUHO), "j2": JUTEN.format(affair=KOKUHO)},
     [[0], [1], [2]]),
    # no 基礎: a 重点 and a 全項目 are not a set
    ({"j": JUTEN.format(affair=KOKUHO), "z": ZENKOU.format(affair=KOKUHO)}, [[0], [1]]),
])
def test_auto_grouping(tmp_path: Path, named: dict[str, str], units: list[list[int]]) -> None:
    assert plan_units(docs(tmp_path, **named)) == units


def test_grouping_stays_within_a_directory(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    files = [write(tmp_path / "a", "k.yaml", KISO.format(affair=KOKUHO)),
             write(tmp_path / "b", "j.yaml", JUTEN.format(affair=KOKUHO))]
    assert plan_units(files) == [[0], [1]]


def test_a_manifest_groups_what_it_names_and_manifest_mode_nothing_else(tmp_path: Path) -> None:
    files = docs(tmp_path, k=KISO.format(affair="A事務"), j=JUTEN.format(affair="別の書き方のA事務"),
                 k2=KISO.format(affair="B事務"), j2=JUTEN.format(affair="B事務"))
    write(tmp_path, "piarules-sets.yaml", "sets:\n  - [k.yaml, j.yaml]\n")
    assert plan_units(files) == [[0, 1], [2, 3]]
    assert plan_units(files, SetMode.MANIFEST) == [[0, 1], [2], [3]]
    assert plan_units(files, SetMode.OFF) == [[0], [1], [2], [3]]


@pytest.mark.parametrize(("manifest", "line", "words"), [
    ("sets: [[k.yaml, missing.yaml]]\n", 1, "missing.yaml」がありません"),
    ("sets:\n  - [k.yaml]\n", 2, "2つ以上"),
    ("set:\n  - [k.yaml, j.yaml]\n", 1, "sets: だけ"),
    ("sets: [k.yaml, j.yaml]\n", 1, "2つ以上"),
    ("sets: [[k.yaml, j.yaml]\n", 2, "構文エラー"),  # not YAML: the parser stops at the end
])
def test_a_broken_manifest_is_a_located_error(tmp_path: Path, manifest: str, line: int, words: str) -> None:
    files = docs(tmp_path, k=KISO.format(affair=KOKUHO), j=JUTEN.format(affair=KOKUHO))
    write(tmp_path, "piarules-sets.yaml", manifest)
    with pytest.raises(PiarulesError) as caught:
        plan_units(files)
    (problem,) = caught.value.diagnostics[:1]
    assert problem.span is not None and problem.span.path.endswith("piarules-sets.yaml")
    assert problem.span.line == line and words in problem.message
    code, out, err = invoke("eval", tmp_path)
    assert code == 2 and "piarules-sets.yaml" in out + err and "Traceback" not in out + err


def test_a_set_is_compared_and_shown(tmp_path: Path) -> None:
    docs(tmp_path, k=KISO.format(affair=KOKUHO), j=JUTEN.format(affair=KOKUHO))
    _code, out, _ = invoke("eval", tmp_path, "--as-of", "2026-04-01")
    assert "警告[TH-008]" in out and "1万人以上10万人未満" in out
    assert out.count("組として一緒に検査") == 2
    _, alone, _ = invoke("eval", tmp_path, "--as-of", "2026-04-01", "--sets", "off")
    assert "TH-008" not in alone and "組として" not in alone
    _, report, _ = invoke("eval", tmp_path, "--as-of", "2026-04-01", "--format", "json")
    by_name = {Path(d["path"]).name: d for d in json.loads(report)["documents"]}
    assert [Path(p).name for p in by_name["j.yaml"]["set"]] == ["k.yaml"]


def test_two_of_one_kind_in_a_manifest_set_are_not_compared(tmp_path: Path) -> None:
    docs(tmp_path, k=KISO.format(affair=KOKUHO), j1=JUTEN.format(affair=KOKUHO), j2=JUTEN.format(affair=KOKUHO))
    write(tmp_path, "piarules-sets.yaml", "sets: [[k.yaml, j1.yaml, j2.yaml]]\n")
    code, out, _ = invoke("eval", tmp_path, "--as-of", "2026-04-01", "--fail-on", "never")
    assert code == 0 and out.count("\n== ") + out.startswith("== ") == 3  # the manifest is not a document
    assert "警告[PIA303]" in out and "重点項目評価書が 2 つあります" in out
    assert "TH-008" in out  # each 重点 still sees the 基礎


def test_parallel_and_serial_runs_agree(tmp_path: Path) -> None:
    for n in range(3):
        d = tmp_path / f"body{n}"
        d.mkdir()
        docs(d, k=KISO.format(affair=KOKUHO), j=JUTEN.format(affair=KOKUHO))
    write(tmp_path, "alone.yaml", JUTEN.format(affair="ほかの事務"))
    _, serial, _ = invoke("eval", tmp_path, "--as-of", "2026-04-01", "--jobs", "1", "--format", "json")
    _, parallel, _ = invoke("eval", tmp_path, "--as-of", "2026-04-01", "--jobs", "2", "--format", "json")
    assert json.loads(serial)["documents"] == json.loads(parallel)["documents"]
    assert serial.count("TH-008") >= 3


@pytest.mark.parametrize("text", [
    "評価書の種類: 重点項目評価書\n事務の名称: 国民健康保険に関する事務", "x評価書の種類: 全項目評価書\n評価書の種類: 基礎項目評価書",
    "{評価書の種類: '基礎項目評価書', 事務の名称: 介護保険}", "'評価書の種類': \"全項目評価書\"", "事務の名称事務の名称: x\n 事務の名称: y",
    "# 評価書の種類: 全項目評価書 (例)\n評価書の種類: 重点項目評価書", "評価書の種類", "", "本文だけ",
])
def test_the_quick_peek_finds_what_a_full_search_finds(text: str) -> None:
    from piarules.document import sets

    for pattern, key in ((sets._KIND_LINE, "評価書の種類"), (sets._AFFAIR_LINE, "事務の名称")):
        full, quick = pattern.search(text), sets._search_from(pattern, key, text)
        assert (full and full.span()) == (quick and quick.span())
