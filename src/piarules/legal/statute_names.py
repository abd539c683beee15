"""Statute names in free text: every place a statute is named, before references are read.

Known names and abbreviations (the statute table's matcher), local ordinances and rules of any body,
law numbers, 「同法」/「同令」, titles of amending laws (「…の一部を改正する法律」), and names the table does
not know when an article follows (「母子保健法第19条」). Overlaps are resolved once: the earliest and
longest wins, a known name wins a tie.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field

from piarules.legal.numerals import NUM, law_number_pattern
from piarules.legal.statutes import StatuteTable
from piarules.pattern_store import compiled

_SP = r"[ \t]*"
_SAME_STATUTE = compiled(r"同(?:法律|法|政令|令|省令|府令|命令|規則|条例)(?P<role>施行令|施行規則)?")
_BEFORE_ARTICLE = (rf"(?:法律|法|政令|省令|府令|規則|命令|条例|規程|告示)"
                   rf"(?={_SP}(?:附則|別表|第{_SP}{NUM}{_SP}[条項号]|[0-9]+{_SP}条))")
_GENERIC_STATUTE = compiled(rf"(?<![一-龥々ヶァ-ヴー])[一-龥々ヶァ-ヴ][一-龥々ヶァ-ヴー・]{{0,30}}?{_BEFORE_ARTICLE}")
_GENERIC_END = compiled(_BEFORE_ARTICLE)
"""How every match of _GENERIC_STATUTE ends: found first (few texts have one), the pattern, which
tries 30 characters at each kanji, runs only where it can match."""
_AMENDING_LAW = compiled(
    r"(?<![一-龥々ヶァ-ヴー])[一-龥々ヶァ-ヴ][^\s、。,()「」『』]{0,40}?の一部を改正する(?:法律|政令|府令|省令|命令|規則|条例)"
)
_AMENDING = "の一部を改正する"
"""Written in every match of _AMENDING_LAW."""
_MAX_PAREN = 400



@dataclass(order=True)
class StatuteToken:
    """A statute named at s[start:end]; `statute` None when the name is not in the table."""

    start: int
    end: int
    rank: int = 0  # lower wins a tie at the same start and length
    statute: str | None = field(default=None, compare=False)
    body: str | None = field(default=None, compare=False)
    same: str | None = field(default=None, compare=False)  # 「同法」: the role after it, or ""
    law_number: bool = field(default=False, compare=False)


def find_statute_names(s: str, table: StatuteTable) -> list[StatuteToken]:
    """Known names, local statutes, law numbers and 「同法」 (non-overlapping); then generic names."""
    found = [StatuteToken(m.start(), m.end(), 0, table.surfaces[m[0]]) for m in table.name_pattern.finditer(s)
             if m[0]]
    found += [StatuteToken(lm.start, lm.end, 1, lm.statute, lm.body) for lm in table.find_local(s)]
    found += [StatuteToken(m.start(), m.end(), 2, table.by_law_number(m[0]), law_number=True)
              for m in law_number_pattern().finditer(s)]
    found += [StatuteToken(m.start(), m.end(), 3, same=m["role"] or "") for m in _SAME_STATUTE.finditer(s)]
    found.sort(key=lambda t: (t.start, -(t.end - t.start), t.rank))
    accepted: list[StatuteToken] = []
    for tok in found:
        if not accepted or tok.start >= accepted[-1].end:
            accepted.append(tok)
    # 「○○法等の一部を改正する法律」: a title that holds other names; it replaces them.
    for m in _AMENDING_LAW.finditer(s) if _AMENDING in s else ():  # the literal first: the pattern tries 40 characters at each kanji
        inside = [t for t in accepted if m.start() <= t.start and t.end <= m.end()]
        if all(not (t.start < m.end() and m.start() < t.end) or t in inside for t in accepted):
            accepted = [t for t in accepted if t not in inside]
            insort(accepted, StatuteToken(m.start(), m.end(), 5, None))
    # Generic 「○○法」 before an article: only where nothing above matched, or extending a known
    # name that starts at the same place (「国民健康保険法施行規則」).
    starts = {t.start: t for t in accepted}
    for m in _GENERIC_STATUTE.finditer(s) if _GENERIC_END.search(s) else ():
        same_start = starts.get(m.start())
        if same_start is not None and same_start.rank == 0 and m.end() > same_start.end:
            same_start.end, same_start.statute, same_start.rank = m.end(), None, 4
            continue
        i = bisect_right([t.start for t in accepted], m.start()) - 1
        overlaps = (i >= 0 and accepted[i].end > m.start()) or (
            i + 1 < len(accepted) and accepted[i + 1].start < m.end())
        if not overlaps:
            insort(accepted, StatuteToken(m.start(), m.end(), 4, None))
            starts[m.start()] = accepted[bisect_left([t.start for t in accepted], m.start())]
    return accepted


def matching_paren(s: str, start: int) -> int | None:
    """The offset after the 「)」 that closes the 「(」 at `start`, or None."""
    depth = 0
    for i in range(start, min(len(s), start + _MAX_PAREN)):
        if s[i] == "(":
            depth += 1
        elif s[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return None
