"""Whether a text states, denies or only supposes a phrase: `mentions`, `states`, `denies`.

Scope rules (docs/prose.md has them with examples):

1. A cue acts on a mention when it follows the mention in the same clause (segment.py) and no
   scope cut stands between them (cues.first_cut: a relative clause 軽減させる|変更, a て form or
   連用形 before a new predicate 許諾を得て|再委託, a quotative と before 判断/記載 …). Sentence
   and clause boundaries always stop scope: 「当たらないが、事前に提出する」 leaves 事前 affirmed.
2. A prefix 非/不/未/無 right before the mention negates it (非該当, 未承認, 無許可).
3. Negations count, and an even number cancels: 〜ずに…できない, 許諾なく…してはならない,
   不要ではない are AFFIRMED (the phrase is required). 〜ないわけではない, 〜ないとはいえない,
   〜なければならない, 〜ざるを得ない are two negations by themselves and end the scope.
4. 〜ではなく / 〜でなく (contrast) denies the mention and ends the scope: in 「国外ではなく国内で
   保管」 国内 is read on its own and is affirmed. 〜だけでなく / 〜のみならず end it as affirmed.
5. A condition or question later in the clause makes the mention HYPOTHETICAL whatever the
   negations and cuts (承認しない場合, 許諾を得れば, 再委託の有無, 発生したか, クラウド事業者が
   管理する環境に設置する場合): a condition covers its whole clause. 〜なければ / 〜ない限り is
   HYPOTHETICAL unless a later negation turns it into a requirement (許諾を得なければ再委託できない
   → AFFIRMED). Cues inside a parenthesised aside after the mention, (…) 【…】 〔…〕, are ignored:
   「再委託を許諾する(再委託先が更に再委託する場合も同様とする。)」 affirms 許諾.
6. A phrase of several parts takes the most marked polarity of its parts: HYPOTHETICAL if one
   part is, else DENIED if one part is, else AFFIRMED (「国外ではなく国内で保管」 denies 国外…保管).
   A co-occurrence is AFFIRMED when every set has an affirmed hit in the unit; otherwise DENIED
   if a set without one has a denied hit, else HYPOTHETICAL.

Mixed texts: `states` is true when some mention is AFFIRMED, `denies` when some mention is
DENIED; both can hold for one text (「重要な変更には当たらない。ただし重要な変更として扱う。」),
and neither holds for a text that only supposes the phrase.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from piarules.prose.cues import CUE_RE, KINDS, NEGATIVE_PREFIXES, CueKind, display_start, first_cut, parenthesised
from piarules.prose.normalize import NormalizedText, normalize
from piarules.prose.phrases import (
    CoOccurrence,
    Hit,
    Match,
    Pattern,
    as_pattern,
    make_match,
    phrase_hits,
    unit_hits,
)
from piarules.prose.segment import Segment, segment
from piarules.textcache import text_cache


class Polarity(StrEnum):
    """How a mention stands in its text."""

    AFFIRMED = "affirmed"
    DENIED = "denied"
    HYPOTHETICAL = "hypothetical"

    @property
    def label_ja(self) -> str:
        return {"affirmed": "肯定", "denied": "否定", "hypothetical": "仮定"}[self.value]


@dataclass(frozen=True)
class Cue:
    """A cue that decided a polarity, at its original span (`text` as the user wrote it)."""

    kind: CueKind
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """One occurrence of a phrase, its polarity and the cues that decided it (empty: affirmed by default)."""

    match: Match
    polarity: Polarity
    cues: tuple[Cue, ...]

    @property
    def start(self) -> int:
        return self.match.start

    @property
    def end(self) -> int:
        return self.match.end

    def explain(self) -> str:
        """「重要な変更」(3–8) は否定: 「当たらない」(9–14) による — one line, Japanese."""
        head = f"「{self.match.text}」({self.start}–{self.end}) は{self.polarity.label_ja}"
        if not self.cues:
            return head + ": 否定・仮定の手がかりなし"
        because = "、".join(f"「{c.text}」({c.start}–{c.end})" for c in self.cues)
        return f"{head}: {because} による"


# ---------------------------------------------------------------- one hit


@dataclass(frozen=True, slots=True)
class _RawCue:
    kind: CueKind
    start: int
    end: int
    after_cut: bool = False  # beyond the first scope cut: only a condition still acts (rule 5)


@text_cache
def _cues_after(text: str, start: int, end: int) -> tuple[_RawCue, ...]:
    """Cues in normalised text[start:end], outside parenthesised asides, marked if beyond the first cut."""
    norm = normalize(text).text
    stop = first_cut(norm, start, end)
    asides = parenthesised(norm, start, end)
    out = []
    for m in CUE_RE.finditer(norm, start, end):
        if any(a <= m.start() < b for a, b in asides):
            continue
        kind = KINDS[int(m.lastgroup[1:])] if m.lastgroup else CueKind.NEUTRAL
        out.append(_RawCue(kind, m.start(), m.end(), m.start() >= stop))
    return tuple(out)


def _decide(norm: NormalizedText, hit: Hit, clause: Segment) -> tuple[Polarity, tuple[_RawCue, ...]]:
    cues = _cues_after(norm.original, hit.end, clause.end)
    condition = next((c for c in cues if c.kind is CueKind.CONDITION), None)
    if condition is not None:  # a condition or question covers its whole clause, relative clauses included
        return Polarity.HYPOTHETICAL, (condition,)
    negations = 0
    pending_condition = False
    used: list[_RawCue] = []
    if hit.start > 0 and norm.text[hit.start - 1] in NEGATIVE_PREFIXES:
        negations += 1
        used.append(_RawCue(CueKind.NEGATION, hit.start - 1, hit.start))
    for cue in cues:
        kind = cue.kind
        if cue.after_cut or kind is CueKind.ADDITIVE:
            break
        if kind is CueKind.NEUTRAL:
            continue
        used.append(cue)
        if kind in (CueKind.DOUBLE, CueKind.OBLIGATION):
            negations += 2
            break
        negations += 1
        if kind is CueKind.CONTRAST:
            break
        if kind is CueKind.NEG_CONDITION:
            pending_condition = True
    if pending_condition and negations % 2:
        return Polarity.HYPOTHETICAL, tuple(used)
    return (Polarity.DENIED if negations % 2 else Polarity.AFFIRMED), tuple(used)


def _hit_polarity(text: str, hit: Hit) -> tuple[Polarity, tuple[_RawCue, ...]]:
    seg = segment(text)
    clause = seg.clause_at(hit.end - 1) or Segment(hit.start, hit.end)
    return _decide(seg.norm, hit, clause)


def _cue(norm: NormalizedText, raw: _RawCue, floor: int) -> Cue:
    start = display_start(norm.text, raw.start, floor) if raw.kind is not CueKind.CONDITION else raw.start
    s, e = norm.original_span(start, raw.end)
    return Cue(raw.kind, s, e, norm.original[s:e])


# ---------------------------------------------------------------- mentions

_RANK = {Polarity.AFFIRMED: 0, Polarity.DENIED: 1, Polarity.HYPOTHETICAL: 2}


def _combine(text: str, found: tuple[Hit, ...]) -> Mention:
    norm = normalize(text)
    decided = [_hit_polarity(text, h) for h in found]
    polarity = max((p for p, _ in decided), key=_RANK.__getitem__)
    raws = dict.fromkeys(raw for p, rs in decided if p is polarity for raw in rs)
    floor = max(h.end for h in found)
    return Mention(make_match(norm, found), polarity, tuple(_cue(norm, raw, floor) for raw in raws))


def _co_mention(text: str, per_set: tuple[tuple[Hit, ...], ...]) -> Mention:
    chosen: list[Hit] = []
    for hs in per_set:
        ranked = sorted(hs, key=lambda h: _RANK[_hit_polarity(text, h)[0]])
        chosen.append(ranked[0])
    mention = _combine(text, tuple(chosen))
    if mention.polarity is Polarity.HYPOTHETICAL:
        # A set with a denied hit and no affirmed one makes the whole co-occurrence denied (rule 6).
        lacking = [hs for hs in per_set if all(_hit_polarity(text, h)[0] is not Polarity.AFFIRMED for h in hs)]
        denied = [h for hs in lacking for h in hs if _hit_polarity(text, h)[0] is Polarity.DENIED]
        if denied:
            norm = normalize(text)
            raws = _hit_polarity(text, denied[0])[1]
            return Mention(mention.match, Polarity.DENIED, tuple(_cue(norm, r, denied[0].end) for r in raws))
    return mention


@text_cache
def mentions(text: str, pattern: Pattern | CoOccurrence) -> tuple[Mention, ...]:
    """Every mention of a term, synonym set, phrase or co-occurrence in `text`, with its polarity.

    Args:
        text: one text value as written (HTML, full-width … are normalised here).
        pattern: a term (str), SynonymSet, Phrase or CoOccurrence.

    Returns:
        Mentions in text order; spans are offsets in the original `text`.
    """
    if isinstance(pattern, CoOccurrence):
        return tuple(_co_mention(text, per_set) for _, per_set in unit_hits(text, pattern))
    return tuple(_combine(text, found) for found in phrase_hits(text, as_pattern(pattern)))


def states(text: str, pattern: Pattern | CoOccurrence) -> bool:
    """Some mention is AFFIRMED (other mentions may deny or suppose it)."""
    return any(m.polarity is Polarity.AFFIRMED for m in mentions(text, pattern))


def denies(text: str, pattern: Pattern | CoOccurrence) -> bool:
    """Some mention is DENIED (other mentions may state or suppose it)."""
    return any(m.polarity is Polarity.DENIED for m in mentions(text, pattern))


def first_mention(text: str, pattern: Pattern | CoOccurrence, polarity: Polarity | None = None) -> Mention | None:
    """The first mention (of the given polarity, if one is given), for explanations."""
    return next((m for m in mentions(text, pattern) if polarity is None or m.polarity is polarity), None)


def explain(text: str, pattern: Pattern | CoOccurrence) -> str:
    """One line per mention, or a line saying there is none."""
    found = mentions(text, pattern)
    if not found:
        name = pattern if isinstance(pattern, str) else pattern.name
        return f"「{name}」の記載はありません"
    return "\n".join(m.explain() for m in found)



