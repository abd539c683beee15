"""polarity API: states/denies on mixed texts, explanations, caching."""

from __future__ import annotations

from piarules.prose import (
    CoOccurrence,
    Phrase,
    Polarity,
    Scope,
    denies,
    explain,
    first_mention,
    mentions,
    standard_synonyms,
    states,
)

T = standard_synonyms()


def test_mixed_text_both_states_and_denies() -> None:
    text = "重要な変更に当たらない。ただし、重要な変更として事前に提出する。"
    assert states(text, T["重要な変更"]) and denies(text, T["重要な変更"])


def test_hypothetical_only_neither_states_nor_denies() -> None:
    text = "重要な変更に当たる場合は事前に提出する"
    assert not states(text, T["重要な変更"]) and not denies(text, T["重要な変更"])
    assert mentions(text, T["重要な変更"])[0].polarity is Polarity.HYPOTHETICAL


def test_no_mention() -> None:
    assert mentions("事後", T["重要な変更"]) == ()
    assert first_mention("事後", T["重要な変更"]) is None
    assert explain("事後", T["重要な変更"]) == "「重要な変更」の記載はありません"


def test_explanation_names_the_cue_at_its_original_span() -> None:
    text = "<p>重要な変更に当たらない</p>"
    mention = first_mention(text, T["重要な変更"], Polarity.DENIED)
    assert mention is not None and mention.cues[0].text == "当たらない"
    cue = mention.cues[0]
    assert text[cue.start : cue.end] == "当たらない"
    assert mention.explain() == "「重要な変更」(3–8) は否定: 「当たらない」(9–14) による"


def test_affirmed_explanation_says_no_cue() -> None:
    assert explain("国内で保管", "保管").endswith("否定・仮定の手がかりなし")


def test_literal_term_and_phrase_and_co_occurrence() -> None:
    assert denies("国外に保管しない", Phrase((T["国外"], T["保管"]), 4))
    assert states("保管場所は日本国内", CoOccurrence((T["日本国内"], T["保管"]), Scope.CLAUSE))
    assert denies("保管場所は日本国内ではない", CoOccurrence((T["日本国内"], T["保管"]), Scope.CLAUSE))
    assert states("国内で保管", "保管")


def test_co_occurrence_prefers_an_affirmed_hit() -> None:
    text = "国外には保管しない。保管場所は国内とし国外では保管しない。"
    spec = CoOccurrence((T["日本国内"], T["保管"]), Scope.SENTENCE)
    assert [m.polarity for m in mentions(text, spec)] == [Polarity.AFFIRMED]


def test_results_are_cached_per_text_value() -> None:
    text = "再委託を許諾する"
    assert mentions(text, T["許諾"]) is mentions(text, T["許諾"])
