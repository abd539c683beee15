"""The citation forms a basis (法令上の根拠) must take, as predicates over parsed citations.

From 2024-05-27 (令和5年法律第48号):
- 情報提供ネットワークシステムによる情報連携: 番号法第19条第8号 *and* an article of the 主務省令 made
  under it (「番号法第19条第8号に基づく主務省令第2条の表の○の項」);
- 個人番号の利用: 番号法第9条第1項 *and* a row of the 別表, or 番号法第9条第2項 *and* a 条例.

Parts are written as citations (parsed with the statute table), so a part is satisfied by any spelling
of the statute; an ordinance named after its basis (「…第十九条第八号に基づく…命令」) satisfies that basis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from piarules.legal.citations import Citation, Key, parse_citations
from piarules.legal.statutes import StatuteTable, default_statute_table


@dataclass(frozen=True)
class Part:
    """One citation a form needs: `cite` (its statute and the numbers given), and what it must add."""

    description: str
    cite: str | None = None
    needs_article: bool = False
    needs_row: bool = False
    local_kind: str | None = None  # any local statute of this kind (条例) matches


@dataclass(frozen=True)
class RequiredForm:
    """A basis is complete when all parts of one alternative are cited."""

    name: str
    alternatives: tuple[tuple[Part, ...], ...]


@dataclass(frozen=True)
class FormCheck:
    """Whether a text cites a required form; what it cites of it and what is missing (Japanese)."""

    form: str
    ok: bool
    found: tuple[Citation, ...]
    missing: tuple[str, ...]


NETWORK_BASIS = RequiredForm("情報提供ネットワークシステムによる情報連携の根拠", (
    (Part("番号法第19条第8号", "番号法第19条第8号"),
     Part("番号法第19条第8号に基づく主務省令の条 (例: 第2条の表の○の項)", "番号法第十九条第八号に基づく利用特定個人情報の提供に関する命令",
          needs_article=True)),
    # 条例事務 (番号法第9条第2項) exchange through the network: 第19条第9号 and the PPC rule under it.
    (Part("番号法第19条第9号", "番号法第19条第9号"),),
))

NUMBER_USE_BASIS = RequiredForm("個人番号の利用の根拠", (
    (Part("番号法第9条第1項", "番号法第9条第1項"), Part("番号法別表の項 (例: 別表44の項)", "番号法別表", needs_row=True)),
    (Part("番号法第9条第2項", "番号法第9条第2項"), Part("個人番号の利用に関する条例", local_kind="条例")),
))


@cache
def _pattern_key(cite: str, table: StatuteTable) -> Key:
    found = parse_citations(cite, table)
    if len(found) != 1:
        raise ValueError(f"「{cite}」は一つの条項ではありません")
    return found[0].key


def _matches_key(c: Citation, key: Key) -> bool:
    """Same statute and 附則-ness; every number the pattern gives is the same (others may be anything)."""
    statute, supplementary, *numbers = key
    return c.statute == statute and c.supplementary == supplementary and all(
        want is None or want == got for want, got in zip(numbers, c.key[2:], strict=True))


def _satisfies(c: Citation, part: Part, table: StatuteTable) -> bool:
    st = table.get(c.statute)
    if part.local_kind is not None:
        return st is not None and st.local and st.kind == part.local_kind
    assert part.cite is not None
    key = _pattern_key(part.cite, table)
    if part.needs_article and c.article is None:
        return False
    if part.needs_row and c.row is None:
        return False
    if _matches_key(c, key):
        return True
    # 「…第十九条第八号に基づく…命令第2条」 names its basis: it satisfies 「番号法第19条第8号」 — but
    # only when the name as written says it (「利用特定個人情報の提供に関する命令第2条」 alone does not).
    return (st is not None and st.basis is not None and _pattern_key(st.basis, table) == key
            and _names_basis(c.statute_text or "", st.basis, table))


def _names_basis(written: str, basis: str, table: StatuteTable) -> bool:
    """Whether the statute name as written contains its basis (「…第十九条第八号に基づく…」)."""
    from piarules.jpvalues import fold_width
    from piarules.legal.numerals import arabic_variant

    key = _pattern_key(basis, table)
    article, item = key[2], key[4]
    return f"第{article}条第{item}号" in arabic_variant(fold_width(written)).replace(" ", "")


def check_form(citations: Sequence[Citation], form: RequiredForm, table: StatuteTable | None = None) -> FormCheck:
    """The best alternative of `form` in `citations`: complete, or the one missing the fewest parts."""
    table = table or default_statute_table()
    best: tuple[int, tuple[Citation, ...], tuple[str, ...]] | None = None
    for parts in form.alternatives:
        found, missing = [], []
        for part in parts:
            hits = [c for c in citations if _satisfies(c, part, table)]
            found += hits
            if not hits:
                missing.append(part.description)
        score = len(parts) - len(missing)
        if best is None or score > best[0]:
            best = (score, tuple(found), tuple(missing))
    assert best is not None
    return FormCheck(form.name, not best[2], best[1], best[2])


def cites_network_basis(citations: Sequence[Citation], table: StatuteTable | None = None) -> FormCheck:
    """(a) 番号法第19条第8号 and an article of its 主務省令: the 情報連携 basis from 2024-05-27."""
    return check_form(citations, NETWORK_BASIS, table)


def cites_number_use_basis(citations: Sequence[Citation], table: StatuteTable | None = None) -> FormCheck:
    """Each paragraph of 第9条 cited needs its companion: 第1項 a 別表 row, 第2項 a 条例 (a text citing
    both, one incomplete, is incomplete)."""
    table = table or default_statute_table()
    cited = [alt for alt in NUMBER_USE_BASIS.alternatives if any(_satisfies(c, alt[0], table) for c in citations)]
    if len(cited) <= 1:
        return _number_use_basis(citations, table)
    checks = [check_form(citations, RequiredForm(NUMBER_USE_BASIS.name, (alt,)), table) for alt in cited]
    missing = tuple(m for ch in checks for m in ch.missing)
    return FormCheck(NUMBER_USE_BASIS.name, not missing, tuple(c for ch in checks for c in ch.found), missing)


def _number_use_basis(citations: Sequence[Citation], table: StatuteTable | None = None) -> FormCheck:
    """(b) 番号法第9条第1項 and a 別表 row, or 番号法第9条第2項 and a 条例: the 個人番号の利用 basis."""
    return check_form(citations, NUMBER_USE_BASIS, table)


def required_forms(text: str, table: StatuteTable | None = None) -> dict[str, FormCheck]:
    """Both checks on one text, by form name."""
    citations = parse_citations(text, table)
    return {form.name: check_form(citations, form, table) for form in (NETWORK_BASIS, NUMBER_USE_BASIS)}
