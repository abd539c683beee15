"""The synonym table: the bundled file is clean and shipped; bad entries are PIA601 at file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piarules.diagnostics import Severity
from piarules.prose import SynonymSet, find, load_synonyms, read_synonyms, standard_synonyms
from piarules.prose.synonyms import standard_diagnostics


def test_bundled_table_is_clean_and_sourced() -> None:
    assert standard_diagnostics() == []
    table = standard_synonyms()
    assert {"許諾", "日本国内", "保管", "再委託", "再々委託", "クラウド", "書面", "重要な変更"} <= set(table)
    assert all(s.source for s in table.values())
    assert table["許諾"].terms == ("許諾", "承認", "承諾", "許可")


def test_再委託_and_再々委託_stay_distinct() -> None:
    table = standard_synonyms()
    assert not set(table["再委託"].terms) & set(table["再々委託"].terms)
    assert find("再々委託", table["再委託"]) == ()


@pytest.mark.parametrize(("text", "line", "col", "message"), [
    ("a:\n  terms: x\n  source: s\n", 2, 10, "terms"),
    ("a:\n  terms: [x]\n  sorce: s\n", 3, 3, "未知の項目「sorce」"),
    ("a:\n  terms: [x]\n", 1, 1, "source"),
    ("a:\n  terms: [x, '']\n  source: s\n", 2, 14, "2番目"),
    ("a: [1]\n", 1, 4, "マッピング"),
    ("- a\n", 1, 1, "マッピング"),
])
def test_bad_entries_are_diagnostics_at_file_line(text: str, line: int, col: int, message: str) -> None:
    table, diagnostics = read_synonyms(text, "mine.yaml")
    assert "a" not in table or message == "未知の項目「sorce」"
    hit = [d for d in diagnostics if message in d.message]
    assert hit, [d.one_line() for d in diagnostics]
    assert (hit[0].code, hit[0].span.path, hit[0].span.line, hit[0].span.col) == ("PIA601", "mine.yaml", line, col)


def test_warnings_keep_the_entry() -> None:
    table, diagnostics = read_synonyms("a:\n  terms: [許諾, 許諾]\n  exclude: [承認]\n  source: s\n", "w.yaml")
    assert "a" in table
    assert [d.severity for d in diagnostics] == [Severity.WARNING, Severity.WARNING]
    assert [d.span.line for d in diagnostics] == [2, 3]


def test_good_entries_survive_a_bad_one_and_yaml_errors_are_diagnostics(tmp_path: Path) -> None:
    table, diagnostics = read_synonyms("ok:\n  terms: [x]\n  source: s\nbad: 1\n", "m.yaml")
    assert list(table) == ["ok"] and len(diagnostics) == 1
    _, broken = read_synonyms("a: [\n", "b.yaml")
    assert broken[0].code == "PIA301"
    _, missing = load_synonyms(tmp_path / "none.yaml")
    assert missing[0].code == "PIA601"


def test_own_table_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("許諾:\n  terms: [許諾, 許可]\n  source: 当市の契約書\n", encoding="utf-8")
    table, diagnostics = load_synonyms(path)
    assert diagnostics == [] and table["許諾"] == SynonymSet("許諾", ("許諾", "許可"))
    assert [m.text for m in find("再委託を許可する", table["許諾"])] == ["許可"]


@pytest.mark.parametrize(("text", "cut"), [
    ("保険証を交付する。", True),         # both sets hit: the text is cut into units to pair them
    ("保険証の様式を定める。", False),     # 交付 is absent: no unit can hold both, nothing is cut
    ("書類を交付する。", False),
])
def test_a_co_occurrence_cuts_a_text_only_when_every_set_hits(text: str, cut: bool) -> None:
    """Cutting into sentences and clauses is most of a test's cost; a text without a hit of one
    of the sets cannot hold them together, whatever its units."""
    from piarules import textcache
    from piarules.prose import CoOccurrence, Scope, matches
    from piarules.prose.phrases import Phrase
    from piarules.prose.segment import segment

    sets = (SynonymSet.of("保険証", name="証"), SynonymSet.of("交付", name="交付"))
    for spec in (CoOccurrence(sets, Scope.SENTENCE), Phrase(sets, max_gap=20)):
        textcache.clear()
        assert matches(text, spec) is cut
        assert (segment.cache_info().misses > 0) is cut, spec


def _sentence_hit(text: str, synonyms: SynonymSet) -> bool:
    from piarules.builtins import _split_sentences
    from piarules.prose.phrases import hits

    return any(hits(sentence, synonyms) for sentence in _split_sentences(text))


def _prefilterable_sets() -> list[SynonymSet]:
    from piarules.prose.phrases import can_rule_out

    found = [s for s in standard_synonyms().values() if can_rule_out(s)]
    assert len(found) >= 10
    return found


def test_may_hit_never_rules_out_a_text_one_of_whose_sentences_holds_the_set() -> None:
    """may_hit is a necessary condition (sentences() is skipped on its word): on every text of
    the development, held-out and generated documents, for every standard set it can judge."""
    from piarules.prose.phrases import may_hit
    from piarules.runtime import text_leaves
    from tests.test_codegen import corpus

    sets = _prefilterable_sets()
    ruled_out = held = 0
    for document in corpus():
        for text in {str(leaf) for leaf in text_leaves(document.tree)}:
            for synonyms in sets:
                if _sentence_hit(text, synonyms):
                    held += 1
                    assert may_hit(text, synonyms), (synonyms.name, text[:80])
                elif not may_hit(text, synonyms):
                    ruled_out += 1
    assert held > 100 and ruled_out > 10_000


_PIECES = ["保険", "証", "被保険者", "交付", "。", "、", ",", ".", " ", "\n", "\u3000", "①", "(1)", "・", "1.",
           "<br>", "&amp;", "ｶﾞ", "ー", "－", "〜", "「", "」", "(", ")", "ISO", "27017", "A", "カ", "\u3099", "\r\n"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_may_hit_holds_on_texts_of_term_pieces_and_noise(pieces: list[str]) -> None:
    from piarules.prose.phrases import may_hit

    text = "".join(pieces)
    for synonyms in (SynonymSet.of("保険証", "被保険者証", name="証"), SynonymSet.of("交付", name="交付"),
                     SynonymSet.of("ガー", name="ガー")):
        if _sentence_hit(text, synonyms):
            assert may_hit(text, synonyms), text
