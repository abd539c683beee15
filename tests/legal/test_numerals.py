"""Numbers as statutes write them, and law numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from piarules.legal.numerals import arabic_variant, law_number_key, normalize_branched, parse_number, to_kanji


@pytest.mark.parametrize(
    ("text", "value"),
    [("十九", 19), ("百二十七", 127), ("十", 10), ("二十", 20), ("千二百三十四", 1234), ("二〇二四", 2024),
     ("19", 19), ("１９", 19), ("三百", 300)],
)
def test_parse_number(text: str, value: int) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "十九条", "abc", "〇x"])
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


@given(st.integers(min_value=1, max_value=9999))
def test_kanji_round_trip(n: int) -> None:
    assert parse_number(to_kanji(n)) == n


@pytest.mark.parametrize(
    ("text", "canonical"), [("三十の六", "30の6"), ("30の6", "30の6"), ("１の２の３", "1の2の3"), ("百十三の三", "113の3")]
)
def test_normalize_branched(text: str, canonical: str) -> None:
    assert normalize_branched(text) == canonical


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("平成二十五年法律第二十七号", "平成25年法律第27号"),
        ("平成25年 法律 第27号", "平成25年法律第27号"),
        ("平成25年5月31日法律第27号", "平成25年法律第27号"),
        ("令和元年法律第16号", "令和1年法律第16号"),
        ("平成26年内閣府・総務省令第3号", "平成26年内閣府・総務省令第3号"),
        ("第27号", None),
    ],
)
def test_law_number_key(text: str, key: str | None) -> None:
    assert law_number_key(text) == key


def test_arabic_variant() -> None:
    assert arabic_variant("番号法別表第一の主務省令") == "番号法別表第1の主務省令"
    assert arabic_variant("第十九条第八号に基づく") == "第19条第8号に基づく"
