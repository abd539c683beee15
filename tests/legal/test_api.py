"""The public API beyond the corpora: caching, labels, forms, names, verdict fields."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piarules.legal.citations import format_citation, parse_citations
from piarules.legal.forms import cites_network_basis, cites_number_use_basis, required_forms
from piarules.legal.timeline import Status, judge, judge_names


def test_parse_is_cached_and_empty_texts_cost_nothing() -> None:
    text = "番号法第19条第8号に基づく主務省令第2条の表の44の項"
    assert parse_citations(text) is parse_citations(text)
    assert parse_citations("") == ()
    assert parse_citations("1万人以上10万人未満") == ()


def test_citation_fields_and_label() -> None:
    text = "・行政手続における特定の個人を識別するための番号の利用等に関する法律（以下「番号法」という。）第19条第8号により提供する。"
    (c,) = parse_citations(text)
    assert c.key == ("mynumber-act", False, "19", None, "8", None, None)
    assert c.statute_text == "行政手続における特定の個人を識別するための番号の利用等に関する法律"
    assert c.label == "番号法第19条第8号" == format_citation(c)
    assert c.sentence_text.startswith("行政手続") and c.sentence_text.endswith("提供する。")
    assert not c.is_statute_only


def test_rows_are_labelled_as_the_statutes_write_them() -> None:
    assert [c.label for c in parse_citations("番号法別表第一の30の項、番号法別表44の項")] == [
        "番号法別表第一の30の項", "番号法別表44の項"]


@pytest.mark.parametrize(
    ("text", "network", "use"),
    [
        ("番号法第19条第8号に基づく主務省令第2条の表の44の項", True, False),
        ("番号法第19条第8号及び別表第2 42の項", False, False),
        ("番号法第9条第1項及び別表44の項", False, True),
        ("番号法第9条第1項 別表第一の30の項", False, False),
        ("番号法第9条第2項、墨田区行政手続における特定の個人を識別するための番号の利用等に関する条例第4条", False, True),
        ("番号法第9条第2項", False, False),
        ("行政手続における特定の個人を識別するための番号の利用等に関する法律第十九条第八号に基づく利用特定個人情報の提供に関する命令第2条",
         True, False),
    ],
)
def test_required_forms(text: str, network: bool, use: bool) -> None:
    citations = parse_citations(text)
    assert cites_network_basis(citations).ok is network
    assert cites_number_use_basis(citations).ok is use
    forms = required_forms(text)
    assert [f.ok for f in forms.values()] == [network, use]


def test_form_check_names_what_is_missing() -> None:
    check = cites_network_basis(parse_citations("番号法第19条第8号及び別表第2 42の項"))
    assert check.missing == ("番号法第19条第8号に基づく主務省令の条 (例: 第2条の表の○の項)",)
    assert [c.label for c in check.found] == ["番号法第19条第8号"]


def test_verdict_fields_for_a_stale_citation() -> None:
    (c,) = parse_citations("番号法第19条第7号により情報提供ネットワークシステムで照会する")
    v = judge(c, dt.date(2023, 4, 1), today=dt.date(2025, 1, 1))
    assert v.status is Status.STALE
    assert v.replaced_by == "番号法第19条第8号"
    assert v.since == dt.date(2021, 9, 1)
    assert v.meaning_then == v.meaning_now and "住民基本台帳法" in (v.meaning_now or "")
    assert v.purpose is not None and "情報提供ネットワークシステム" in v.purpose
    assert v.confidence == "high" and "令和3年9月1日" in v.reason
    assert v.sources


def test_context_argument_supplies_the_purpose() -> None:
    (c,) = parse_citations("番号法第19条第7号")
    day = dt.date(2023, 4, 1)
    assert judge(c, day).status is Status.UNKNOWN
    assert judge(c, day, context="情報提供ネットワークシステムによる情報照会").status is Status.STALE
    assert judge(c, day, context="住民基本台帳ネットワークによる本人確認情報").status is Status.CURRENT


def test_low_confidence_comes_from_the_data() -> None:
    (c,) = parse_citations("番号法第27条に基づき特定個人情報保護評価を実施する")
    v = judge(c, dt.date(2020, 6, 1))
    assert (v.status, v.replaced_by, v.confidence) == (Status.STALE, "番号法第28条", "low")


def test_local_ordinance_suggestion_keeps_the_body() -> None:
    (c,) = parse_citations("墨田区個人情報保護条例第10条")
    v = judge(c, dt.date(2024, 1, 1))
    assert v.status is Status.STALE and "墨田区個人情報の保護に関する法律施行条例" in (v.replaced_by or "")


def test_names_report_spans() -> None:
    text = "承認は特定個人情報保護委員会が行う。"
    (v,) = judge_names(text, dt.date(2020, 1, 1))
    assert text[v.span[0]:v.span[1]] == "特定個人情報保護委員会" and v.new == "個人情報保護委員会"


_PIECES = ["番号法", "第", "十九", "19", "条", "の", "6", "項", "号", "及び", "、", "・", "別表", "第二", "二", "(", ")",
           "（", "）", "「", "」", "以下", "という", "同法", "同条", "同表", "附則", "墨田区", "個人情報保護条例", "。", "\n",
           "から", "まで", "に基づく", "主務省令", "平成25年法律第27号", "○", " ", "<p>", "</p>", "法", "令", "規則"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_parser_never_fails_and_spans_hold(pieces: list[str]) -> None:
    text = "".join(pieces)
    for c in parse_citations(text):
        assert 0 <= c.span[0] <= c.span[1] <= len(text)
        assert text[c.span[0]:c.span[1]] == c.text
        assert c.sentence[0] <= c.span[0] and c.span[1] <= c.sentence[1]
        judge(c, dt.date(2023, 1, 1))
