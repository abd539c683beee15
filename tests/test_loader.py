"""YAML → data + source map: positions, duplicates, limits, encodings."""

from __future__ import annotations

import pytest

from piarules.diagnostics import PiarulesError
from piarules.document.loader import load_yaml
from piarules.files import decode

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


@pytest.mark.parametrize(
    ("text", "line", "col", "char"),
    [
        ("a: b\x01c\n", 1, 5, "U+0001"),
        ("a: b\n# note\x7f\n", 2, 7, "U+007F"),
        ("a: b\n\tc: \x9f\n", 2, 5, "U+009F"),
        ("a: 'x\x85y'\nb: \x1b[31m\n", 3, 4, "U+001B"),  # NEL is a line break for the parser: line 3
        ("a: x\r\nb: \ufffe\n", 2, 4, "U+FFFE"),
        ("a: \ud800\n", 1, 4, "U+D800"),
    ],
)
def test_forbidden_characters_are_located(text: str, line: int, col: int, char: str) -> None:
    with pytest.raises(PiarulesError) as info:
        load_yaml(text, "c.yaml")
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.code == "PIA311" and char in diagnostic.message
    assert diagnostic.span is not None and (diagnostic.span.line, diagnostic.span.col) == (line, col)


def test_many_forbidden_characters_are_summarised() -> None:
    with pytest.raises(PiarulesError) as info:
        load_yaml("a: " + "\x01" * 25 + "\n", "c.yaml")
    assert len(info.value.diagnostics) == 11 and "15 個" in info.value.diagnostics[-1].message


def test_escaped_control_characters_in_double_quotes_are_values() -> None:
    assert load_yaml('a: "\\x01\\e[31m"\n', "t.yaml").data == {"a": "\x01\x1b[31m"}


def test_nul_is_located_in_decode() -> None:
    with pytest.raises(PiarulesError) as info:
        decode(b"a: 1\nb: x\x00y\n", "n.yaml")
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.code == "PIA308" and diagnostic.span is not None
    assert (diagnostic.span.line, diagnostic.span.col) == (2, 5)


def test_utf16_with_bom_is_decoded() -> None:
    assert load_yaml(decode("a: 値\r\n".encode("utf-16"), "t.yaml"), "t.yaml").data == {"a": "値"}


def _nested_anchors(levels: int, width: int) -> str:
    opening = "".join(f"&n{i} [" for i in range(levels))
    return "a: " + opening + "[" + ",".join(["x"] * width) + "]" + "]" * levels + "\n"


def test_nested_anchors_cost_their_size_not_size_times_nesting() -> None:
    import time
    import tracemalloc

    text = _nested_anchors(50, 20_000)
    tracemalloc.start()
    start = time.perf_counter()
    loaded = load_yaml(text, "n.yaml")
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(loaded.source_map.entries) < 20_100
    assert peak < 150 * 1024 * 1024 and elapsed < 5, (peak, elapsed)


def test_aliases_of_nested_anchors_are_charged_before_copying(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIARULES_MAX_YAML_NODES", "1000")
    text = "a: &a [" + ",".join(["x"] * 300) + "]\nb: [*a, *a, *a, *a]\n"
    with pytest.raises(PiarulesError, match="1,000"):
        load_yaml(text, "b.yaml")
    assert load_yaml("a: &a [" + ",".join(["x"] * 300) + "]\nb: [*a, *a]\n", "ok.yaml").data["b"][1][299] == "x"


def test_an_alias_cannot_nest_deeper_than_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIARULES_MAX_YAML_DEPTH", "10")
    deep = "a: &d " + "[" * 6 + "x" + "]" * 6 + "\n"
    load_yaml(deep, "ok.yaml")
    with pytest.raises(PiarulesError, match="入れ子が深すぎます") as info:
        load_yaml(deep + "b: " + "[" * 5 + "*d" + "]" * 5 + "\n", "deep.yaml")
    assert info.value.diagnostics[0].span.line == 2  # type: ignore[union-attr]


def test_positions_of_aliased_values_follow_the_alias() -> None:
    loaded = load_yaml("a: &k {p: &q [r, s]}\nb: {c: *k, d: *q}\n", "t.yaml")
    assert loaded.data["b"] == {"c": {"p": ["r", "s"]}, "d": ["r", "s"]}
    for path in (("b", "c", "p", 1), ("b", "d", 0), ("b", "c")):
        assert loaded.source_map.get(path) is not None, path
