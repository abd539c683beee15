"""Synonym sets, phrases and order-free co-occurrence, matched on the normalised view.

- `SynonymSet`: alternatives for one idea (許諾 / 承認 / 承諾). A term matches on the normalised
  text (normalize.py), ignoring a space between ASCII characters (ISO/IEC 27017 = ISO/IEC27017)
  and ASCII case; an ASCII term does not match inside a longer ASCII word (SaaS ≠ SaaSx). A term
  found inside one of the set's `exclude` words is no match (委託 inside 再委託).
- `Phrase`: synonym sets in order, each starting at most `max_gap` characters after the previous
  one ends, inside one sentence (「国内 … 保管」 with max_gap=6 matches 国内のデータセンターで保管).
- `CoOccurrence`: every set somewhere in one clause / sentence / the whole text, in any order
  (保管場所は日本国内 and 国内で保管 alike).

Every `Match` carries original offsets, so a finding can underline what the user wrote.
All lookups are cached per (text, pattern): the same text value is checked by many rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from piarules.pattern_store import compiled
from piarules.prose.normalize import NormalizedText, normalize
from piarules.prose.segment import Segment, segment
from piarules.textcache import text_cache


class Scope(StrEnum):
    """The unit inside which all sets of a co-occurrence must be found."""

    CLAUSE = "clause"
    SENTENCE = "sentence"
    TEXT = "text"


@dataclass(frozen=True, eq=True)
class SynonymSet:
    """Alternative wordings of one idea; `name` is how rules and explanations refer to it."""

    name: str
    terms: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # These objects are lru_cache keys on every lookup: hash the fields once.
        object.__setattr__(self, "_hash", hash((self.name, self.terms, self.exclude)))

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined]

    @staticmethod
    def of(*terms: str, name: str | None = None, exclude: tuple[str, ...] = ()) -> SynonymSet:
        """A set from its terms: SynonymSet.of("許諾", "承認", "承諾")."""
        return SynonymSet(name or terms[0], tuple(terms), exclude)


@dataclass(frozen=True)
class Phrase:
    """Synonym sets in this order, each within `max_gap` characters of the previous, in one sentence."""

    parts: tuple[SynonymSet, ...]
    max_gap: int = 0

    def __post_init__(self) -> None:
        # These objects are lru_cache keys on every lookup: hash the fields once.
        object.__setattr__(self, "_hash", hash((self.parts, self.max_gap)))

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined]

    @property
    def name(self) -> str:
        return "…".join(p.name for p in self.parts)


@dataclass(frozen=True)
class CoOccurrence:
    """All `sets` inside one `scope` unit, in any order."""

    sets: tuple[SynonymSet, ...]
    scope: Scope = Scope.SENTENCE

    def __post_init__(self) -> None:
        # These objects are lru_cache keys on every lookup: hash the fields once.
        object.__setattr__(self, "_hash", hash((self.sets, self.scope)))

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined]

    @property
    def name(self) -> str:
        return "+".join(s.name for s in self.sets)


Pattern = str | SynonymSet | Phrase


@dataclass(frozen=True, slots=True)
class Hit:
    """One term found: the set it belongs to and its normalised [start, end)."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Part:
    """One component of a match, at its original span."""

    name: str
    start: int
    end: int
    text: str  # the original text of the span, as the user wrote it
    norm_start: int = field(compare=False)
    norm_end: int = field(compare=False)


@dataclass(frozen=True)
class Match:
    """A phrase or co-occurrence found: its original span and where each part is."""

    start: int
    end: int
    text: str
    parts: tuple[Part, ...]

    @property
    def norm_start(self) -> int:
        return min(p.norm_start for p in self.parts)

    @property
    def norm_end(self) -> int:
        return max(p.norm_end for p in self.parts)


# ---------------------------------------------------------------- terms


def as_pattern(pattern: Pattern) -> SynonymSet | Phrase:
    """A plain string is a one-term synonym set."""
    return SynonymSet.of(pattern) if isinstance(pattern, str) else pattern


def _term_regex(term: str) -> str:
    chars = [c for c in normalize(term).text if c != " "]
    out = []
    for i, ch in enumerate(chars):
        if i and (ch.isascii() or chars[i - 1].isascii()):
            out.append("[ \n]?")  # PDF/Excel spacing or a wrapped line around ASCII: ISO/IEC 27017, ISO/IEC\n27018
        elif i:
            out.append("\n?")  # a line break inside a word, as text copied from a PDF has it: 更に\n再委託
        out.append(re.escape(ch))
    body = "".join(out)
    if chars and chars[0].isascii() and chars[0].isalnum():
        body = r"(?<![0-9A-Za-z])" + body
    if chars and chars[-1].isascii() and chars[-1].isalnum():
        body += r"(?![0-9A-Za-z])"
    return body


@lru_cache(maxsize=4096)
def _compile(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    usable = sorted({t for t in terms if normalize(t).text}, key=lambda t: (-len(normalize(t).text), t))
    if not usable:
        return None
    return compiled("|".join(f"(?:{_term_regex(t)})" for t in usable), re.IGNORECASE)


@lru_cache(maxsize=1024)
def _loose(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """The terms with any run of spaces and line breaks allowed between their characters, no
    boundary tests: what a sentence's hit is, looked for in the whole text (see may_hit). None
    when a term has a character this reasoning does not cover: only letters and digits outside
    ASCII (kanji, kana), whose normalisation does not depend on their neighbours."""
    chars = [[c for c in normalize(t).text if c not in " \n"] for t in terms]
    if not all(chars) or any(c.isascii() or not c.isalnum() for term in chars for c in term):
        return None
    return compiled("|".join("[ \n]*".join(map(re.escape, term)) for term in chars), re.IGNORECASE)


def can_rule_out(synonyms: SynonymSet) -> bool:
    """Whether may_hit can rule out a text for this set (its terms are all kanji and kana)."""
    return _loose(synonyms.terms) is not None


@text_cache
def may_hit(text: str, synonyms: SynonymSet) -> bool:
    """False only when no part of `text` (no sentence or clause of it, whatever they are) can
    hold a hit of the set: a test on the whole text before cutting it (sentences() in a rule).

    A hit in a sentence is a run of the term's characters in the sentence's normalised text with
    at most a line break between two of them. The sentence is a piece of the text, and the
    normalisation of kanji and kana does not depend on their neighbours, only the spaces and
    line breaks around them do (folded, dropped between two non-ASCII characters): so the same
    characters stand in the text's normalised form with at most spaces or line breaks between
    them. Exclusions are ignored (they only remove hits). Sets with other characters: True.
    """
    loose = _loose(synonyms.terms)
    return loose is None or loose.search(normalize(text).text) is not None


@text_cache
def hits(text: str, synonyms: SynonymSet) -> tuple[Hit, ...]:
    """Every place a term of `synonyms` occurs in the normalised text (non-overlapping, leftmost-longest)."""
    regex = _compile(synonyms.terms)
    if regex is None:
        return ()
    norm = normalize(text).text
    found = [(m.start(), m.end()) for m in regex.finditer(norm)]
    excluder = _compile(synonyms.exclude) if synonyms.exclude else None
    if excluder is not None:
        blocked = [(m.start(), m.end()) for m in excluder.finditer(norm)]
        found = [(s, e) for s, e in found if not any(bs <= s and e <= be for bs, be in blocked)]
    return tuple(Hit(synonyms.name, s, e) for s, e in found)


def _part(norm: NormalizedText, hit: Hit) -> Part:
    s, e = norm.original_span(hit.start, hit.end)
    return Part(hit.name, s, e, norm.original[s:e], hit.start, hit.end)


def make_match(norm: NormalizedText, found: tuple[Hit, ...]) -> Match:
    """A Match from hits (any order): its span runs from the first part to the last."""
    parts = tuple(_part(norm, h) for h in found)
    start, end = min(p.start for p in parts), max(p.end for p in parts)
    return Match(start, end, norm.original[start:end], parts)


# ---------------------------------------------------------------- phrases


@text_cache
def phrase_hits(text: str, pattern: SynonymSet | Phrase) -> tuple[tuple[Hit, ...], ...]:
    """The hits of each match of a set or phrase, in text order (normalised offsets)."""
    if isinstance(pattern, SynonymSet):
        return tuple((h,) for h in hits(text, pattern))
    per_part = [hits(text, p) for p in pattern.parts]
    if not per_part or not all(per_part):  # a match needs a hit of every part: no need to segment
        return ()
    seg = segment(text)
    out: list[tuple[Hit, ...]] = []
    taken_until = -1
    for first in per_part[0] if per_part else ():
        if first.start < taken_until:
            continue
        sentence = seg.sentence_at(first.start)
        chain = _chain(first, per_part[1:], pattern.max_gap, sentence)
        if chain is not None:
            out.append(chain)
            taken_until = chain[-1].end
    return tuple(out)


def _chain(first: Hit, rest: list[tuple[Hit, ...]], gap: int, sentence: Segment | None) -> tuple[Hit, ...] | None:
    chain = [first]
    for candidates in rest:
        prev = chain[-1]
        nxt = next((h for h in candidates if prev.end <= h.start <= prev.end + gap), None)
        if nxt is None or (sentence is not None and nxt.end > sentence.end):
            return None
        chain.append(nxt)
    return tuple(chain)


def find(text: str, pattern: Pattern) -> tuple[Match, ...]:
    """Every match of a term, synonym set or phrase in `text`, at original offsets."""
    norm = normalize(text)
    return tuple(make_match(norm, h) for h in phrase_hits(text, as_pattern(pattern)))


# ---------------------------------------------------------------- co-occurrence


@text_cache
def unit_hits(text: str, spec: CoOccurrence) -> tuple[tuple[Segment, tuple[tuple[Hit, ...], ...]], ...]:
    """For each scope unit holding every set: the unit and, per set, all its hits in the unit."""
    per_set = [hits(text, s) for s in spec.sets]
    if not all(per_set):  # a unit must hold every set: without a hit of each there is none to cut
        return ()
    seg = segment(text)
    if spec.scope is Scope.CLAUSE:
        units: tuple[Segment, ...] = seg.clauses
    elif spec.scope is Scope.SENTENCE:
        units = seg.sentences
    else:
        units = (Segment(0, len(seg.norm.text)),)
    out = []
    for unit in units:
        inside = tuple(tuple(h for h in hs if unit.start <= h.start and h.end <= unit.end) for hs in per_set)
        if inside and all(inside):
            out.append((unit, inside))
    return tuple(out)


def co_occurrences(text: str, spec: CoOccurrence) -> tuple[Match, ...]:
    """One match per scope unit that holds every set (its parts: each set's first hit there)."""
    norm = normalize(text)
    return tuple(make_match(norm, tuple(hs[0] for hs in per_set)) for _, per_set in unit_hits(text, spec))


def matches(text: str, spec: Pattern | CoOccurrence) -> bool:
    """Whether `text` holds the term, set, phrase or co-occurrence at all (polarity not considered)."""
    if isinstance(spec, CoOccurrence):
        return bool(unit_hits(text, spec))
    return bool(phrase_hits(text, as_pattern(spec)))
