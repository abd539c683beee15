"""YAML → data + source map: positions, duplicates, limits, encodings."""

from __future__ import annotations

import pytest

from piarules.diagnostics import PiarulesError
from piarules.document.loader import decode, load_yaml

DOC = """\
評価書の種類: 重点項目評価書
特定個人情報ファイル:
  - ファイル名: 資格管理ファイル
    委託:
      委託事項:
        - 再委託の有無: 再委託する
          再委託の許諾方法: "書面で許諾"
空欄:
"""


def test_values_stay_text_and_blank_is_none() -> None:
    data = load_yaml("a: yes\nb: 2024-01-31\nc: 007\nd:\ne: ''\n", "t.yaml").data
    assert data == {"a": "yes", "b": "2024-01-31", "c": "007", "d": None, "e": ""}


@pytest.mark.parametrize(
    ("path", "key", "value"),
    [
        (("評価書の種類",), (1, 1), (1, 9)),
        (("特定個人情報ファイル", 0, "ファイル名"), (3, 5), (3, 12)),
        (("特定個人情報ファイル", 0, "委託", "委託事項", 0, "再委託の有無"), (6, 11), (6, 19)),
        (("特定個人情報ファイル", 0, "委託", "委託事項", 0, "再委託の許諾方法"), (7, 11), (7, 21)),
    ],
)
def test_source_map_positions(path: tuple, key: tuple[int, int], value: tuple[int, int]) -> None:
    located = load_yaml(DOC, "t.yaml").source_map.get(path)
    assert located is not None and located.key is not None
    assert (located.key.line, located.key.col) == key
    assert (located.value.line, located.value.col) == value


def test_nearest_gives_the_parent_of_a_missing_key() -> None:
    source_map = load_yaml(DOC, "t.yaml").source_map
    found, located = source_map.nearest(("特定個人情報ファイル", 0, "委託", "委託事項", 0, "再委託事項"))
    assert found == ("特定個人情報ファイル", 0, "委託", "委託事項", 0)
    assert located.value.line == 6


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a: 1\na: 2\n", "PIA305", 2),
        ("a: [1\n", "PIA301", 2),
        ("a: b: c\n", "PIA301", 1),
        ("x: *nope\n", "PIA301", 1),
        ("a: 1\n---\nb: 2\n", "PIA301", 2),
        ("? [a]\n: 1\n", "PIA301", 1),
    ],
)
def test_malformed_yaml_is_one_located_error(text: str, code: str, line: int) -> None:
    with pytest.raises(PiarulesError) as info:
        load_yaml(text, "bad.yaml")
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.code == code and diagnostic.span is not None and diagnostic.span.line == line


def test_alias_bomb_is_refused() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(PiarulesError, match="上限"):
        load_yaml("\n".join(lines) + "\n", "bomb.yaml")


def test_small_aliases_are_expanded_with_positions() -> None:
    loaded = load_yaml("a: &k {p: q}\nb: *k\n", "t.yaml")
    assert loaded.data == {"a": {"p": "q"}, "b": {"p": "q"}}
    assert loaded.source_map.get(("b", "p")) is not None


@pytest.mark.parametrize("raw", ["a: 値\n".encode(), "\ufeffa: 値\n".encode(), "a: 値\r\n".encode(),
                                 "a: 値\n".encode("cp932")])
def test_decode_utf8_bom_crlf_and_cp932(raw: bytes) -> None:
    assert load_yaml(decode(raw, "t.yaml"), "t.yaml").data == {"a": "値"}


def test_binary_is_refused() -> None:
    with pytest.raises(PiarulesError, match="バイナリ"):
        decode(b"\x00\x01\x02", "t.bin")
