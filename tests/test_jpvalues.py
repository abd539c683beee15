"""Japanese value types: dates, count bands, counts, text normalisation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from piarules.jpvalues import (
    compact_text,
    is_empty_text,
    normalize_text,
    parse_band,
    parse_count,
    parse_date,
    to_wareki,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和1年6月18日", dt.date(2019, 6, 18)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("平成30年3月28日.", dt.date(2018, 3, 28)),
        ("平成 30 年 6 月 18 日", dt.date(2018, 6, 18)),
        ("令和６年１月３１日", dt.date(2024, 1, 31)),
        ("2024-01-31", dt.date(2024, 1, 31)),
        ("2024/1/31", dt.date(2024, 1, 31)),
        ("２０２４－０１－３１", dt.date(2024, 1, 31)),
        ("2024年1月31日", dt.date(2024, 1, 31)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("平成元年1月8日", dt.date(1989, 1, 8)),
        ("昭和64年1月7日", dt.date(1989, 1, 7)),
    ],
)
def test_parse_date(text: str, expected: dt.date) -> None:
    value = parse_date(text)
    assert value == expected
    assert value.text == text  # the original is kept next to the parsed date


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成31年5月1日", "期間外"),  # 平成 ended on 2019-04-30
        ("令和1年4月30日", "期間外"),  # 令和 began on 2019-05-01
        ("昭和64年1月8日", "期間外"),
        ("令和2年2月30日", "存在しない"),
        ("2023-02-29", "存在しない"),
        ("令和6年", "解釈できません"),
        ("abc", "解釈できません"),
    ],
)
def test_parse_date_rejects_impossible_dates(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_date(text)


@given(st.dates(min_value=dt.date(1989, 1, 8), max_value=dt.date(2030, 12, 31)), st.booleans())
def test_wareki_round_trip(value: dt.date, gannen: bool) -> None:
    assert parse_date(to_wareki(value, gannen)) == value


@pytest.mark.parametrize(
    ("text", "lower", "upper"),
    [
        ("1,000人未満（任意実施）", 0, 1000),
        ("1,000人以上1万人未満", 1000, 10000),
        ("1万人以上10万人未満", 10000, 100000),
        ("10万人以上30万人未満", 100000, 300000),
        ("30万人以上", 300000, None),
        ("500人以上", 500, None),
        ("10人以上50人未満", 10, 50),
        ("100万人以上1,000万人未満", 1_000_000, 10_000_000),
        ("10項目以上50項目未満", 10, 50),
        ("１万人以上１０万人未満", 10000, 100000),
    ],
)
def test_parse_band(text: str, lower: int, upper: int | None) -> None:
    band = parse_band(text)
    assert (band.lower, band.upper, band.text) == (lower, upper, text)


@pytest.mark.parametrize("text", ["", "多数", "10万人以上1万人未満", "人以上"])
def test_parse_band_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_band(text)


def test_band_ordering_against_bands_and_numbers() -> None:
    small, mid, top = parse_band("1万人以上10万人未満"), parse_band("10万人以上30万人未満"), parse_band("30万人以上")
    assert small < mid < top
    assert small < 100000 and not small < 99999
    assert top >= 300000 and not top < 10**9
    assert mid >= 100000 and not mid >= 100001
    assert parse_band("1,000人未満(任意実施)") == parse_band("1,000人未満（任意実施）")


@given(st.integers(min_value=0, max_value=10**8), st.integers(min_value=1, max_value=10**8))
def test_band_contains_is_half_open(lower: int, width: int) -> None:
    band = parse_band(f"{lower:,}人以上{lower + width:,}人未満")
    assert band.contains(lower) and not band.contains(lower + width) and band.contains(lower + width - 1)


@pytest.mark.parametrize(("text", "value"), [("4件", 4), ("１２件", 12), ("1,200", 1200)])
def test_parse_count(text: str, value: int) -> None:
    count = parse_count(text)
    assert count == value and str(count) == text


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("ＩＳＯ／ＩＥＣ　２７０１７", "ISO/IEC 27017"),
        ("<p>a</p><ul style=\"x\"><li>b</li></ul>", "a b"),
        ("< 墨田区における措置 >", "< 墨田区における措置 >"),  # not an HTML tag: kept
        ("a&amp;b", "a&b"),
        ("  空白\n\t の  整理 ", "空白 の 整理"),
    ],
)
def test_normalize_text(text: str, normal: str) -> None:
    assert normalize_text(text) == normal


def test_compact_text_ignores_whitespace() -> None:
    assert compact_text("ＩＳＯ／ＩＥＣ　２７０１７") == compact_text("ISO/IEC27017") == compact_text("ISO/IEC 27017")


@pytest.mark.parametrize(("text", "empty"), [("", True), ("(空欄)", True), ("（空欄）", True), ("—", True),
                                              ("-", True), ("なし", True), (" ", True), ("あり", False)])
def test_empty_markers(text: str, empty: bool) -> None:
    assert is_empty_text(text) is empty


@given(st.text(alphabet=st.sampled_from(["漢", "か", "Ａ", "１", "（", "）", "\u3000", "\u00a0", "～", "！", "a", " ",
                                         "\uff00", "\uff5f", "\u2000", "。"]), max_size=80))
def test_fold_width_maps_each_wide_character_and_keeps_the_others(text: str) -> None:
    """The run-by-run fold of long texts equals translating every character (same length, so
    offsets into it are offsets into the text)."""
    from piarules.jpvalues import _WIDTH_TABLE, fold_width

    assert fold_width(text) == text.translate(_WIDTH_TABLE)
    assert len(fold_width(text)) == len(text)
