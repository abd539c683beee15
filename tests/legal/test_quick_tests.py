"""The statute finder's quick tests skip a slow pattern only where it cannot match: a text
without 「の一部を改正する」 holds no amending-law title, a text without a statute word before an
article holds no generic statute name."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from piarules.legal import statute_names as sn

_PIECES = ["の一部を改正する", "法律", "法", "政令", "規則", "条例", "第", "条", "項", "号", "附則", "別表", "1", "19", "十九",
           " ", "、", "。", "(", ")", "番号", "個人情報", "保護", "住民基本台帳", "行政手続", "特定", "・", "ア", "a"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
def test_a_pattern_skipped_by_its_quick_test_would_not_have_matched(text: str) -> None:
    if sn._AMENDING not in text:
        assert sn._AMENDING_LAW.search(text) is None
    if sn._GENERIC_END.search(text) is None:
        assert sn._GENERIC_STATUTE.search(text) is None


def test_the_quick_tests_let_real_titles_and_names_through() -> None:
    text = "行政手続における特定の個人を識別するための番号の利用等に関する法律の一部を改正する法律附則第2条、地方税法第20条"
    assert sn._AMENDING in text and sn._AMENDING_LAW.search(text)
    assert sn._GENERIC_END.search(text) and sn._GENERIC_STATUTE.search(text)
