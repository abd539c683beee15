"""The synonym table: the bundled file is clean and shipped; bad entries are PIA601 at file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

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
