"""Sentences and clauses of normalised text: the units that bound co-occurrence and negation scope.

Rules (offsets are in the normalised text; docs/prose.md shows examples):

Sentences end
- after 。 ！ ？ ! ? (the mark stays with its sentence);
- at a line break (the break belongs to neither side);
- before a list marker: ①–⑳ ⑴–⒇ ⒈–⒛ anywhere unless a particle follows (「①及び②に該当」 is a
  reference, not a list); ・ • ● ○ ◦ ▪ ■ □ ◆ ◇ ※ and (1) 1. 1) (ア) ア. (a) a) at the start of the
  text, after a space, or right after an end mark.

Clauses end, inside a sentence,
- after a 読点 「、」 that follows a conjunctive form: 〜ため 〜ので 〜から 〜けれども 〜ものの 〜のに
  〜ながら 〜つつ 〜ても 〜たら 〜なら 〜ば 〜場合(は) 〜とき(は) 〜際(は) 〜上で 〜後 〜ず(に) 〜ないで
  〜なく(て) 〜であり 〜であって 〜あり 〜おり, a predicate + が (〜ないが、〜ですが、), the て/で
  form (〜して、〜んで、) but not the compound particles 〜において 〜について 〜として 〜によって
  〜に対して …, and the 連用形 of a verb (〜し、〜行い、〜基づき、〜設け、);
- after a bare 〜ため(に) / 〜ので / 〜けれども / 〜ものの without a 読点 (「変更のため重要な変更に
  当たらない」), except 〜ための 〜ためで 〜ので(は/も).
A 読点 after a noun, a case particle or a topic (「保管場所は、」「国外、海外」) does not end a clause.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import cached_property

from piarules.pattern_store import compiled
from piarules.prose.normalize import BULLETS, CIRCLED, NormalizedText, normalize
from piarules.textcache import text_cache

_END_MARKS = "。！？!?"
_MARKER_RE = compiled(r"\((?:\d{1,2}|[ア-ン]|[a-zａ-ｚ]|[イロハニホヘト])\)|\d{1,2}[.)](?!\d)|[ア-ン][.)]|[a-z]\)")
_REFERENCE_AFTER = (*tuple("及又並とのにをはが、~やもか"), "から", "まで")
_COMPOUND_TE = ("において", "について", "に関して", "に対して", "によって", "として", "にとって", "をもって",
                "に当たって", "にあたって", "に際して", "に基づいて", "を通じて", "を除いて", "に応じて",
                "に従って", "に伴って", "に沿って", "にわたって", "を経て", "をもちまして", "を用いて", "に加えて",
                "を含めて", "に限って", "に向けて", "に先立って", "と併せて", "とあわせて", "を介して")
_NOUN_ENDINGS = ("扱い", "払い", "違い", "伺い", "続き", "付き", "向け", "受付", "引き", "届け", "見込み", "申込み")
_CONJ_BEFORE_COMMA = compiled(
    r"(?:ため(?:に)?|ので|[いるただすぬ]から|けれども|けれど|けど|ものの|のに|ながら|つつ|ても|でも|たら|だら|ならば|なら"
    r"|[けせてねえめべれげ]ば|場合(?:に|は|には|で)?|とき(?:は|には)?|時(?:は|には)?|際(?:は|には|に)?"
    r"|上で|うえで|後|のち|ずに|ず|ないで|なくて|なく|であって|であり|あり|おり|[いるただすぬ]が"
    r"|て|んで|し|[一-龥]い|[一-龥]づき|[一-龥][きりけめえせべぎびみち])$"
)
_BARE_CONJ = compiled(r"ため(?:に)?(?![のでとはもをか、])|(?<![もな])ので(?![はも、])|けれども(?!、)|ものの(?!、)")


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence or clause: [start, end) in the normalised text."""

    start: int
    end: int


@dataclass(frozen=True)
class Segmentation:
    """Sentences and clauses of one text value (normalised offsets)."""

    norm: NormalizedText
    sentences: tuple[Segment, ...]

    @cached_property
    def clauses(self) -> tuple[Segment, ...]:
        """Cut on first use: sentences() and the co-occurrences in one sentence never read them."""
        t = self.norm.text
        cuts = _clause_cuts(t)
        return tuple(c for s in self.sentences for c in _pieces(t, cuts, s.start, s.end))  # each inside one sentence

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    @cached_property
    def _clause_starts(self) -> list[int]:
        return [c.start for c in self.clauses]

    def sentence_at(self, pos: int) -> Segment | None:
        """The sentence containing normalised offset `pos`, or None (a line break, a gap)."""
        return _find(self.sentences, self._sentence_starts, pos)

    def clause_at(self, pos: int) -> Segment | None:
        """The clause containing normalised offset `pos`, or None."""
        return _find(self.clauses, self._clause_starts, pos)

    def text_of(self, seg: Segment) -> str:
        return self.norm.text[seg.start : seg.end]


def _find(segments: tuple[Segment, ...], starts: list[int], pos: int) -> Segment | None:
    i = bisect.bisect_right(starts, pos) - 1
    if i >= 0 and segments[i].start <= pos < segments[i].end:
        return segments[i]
    return None


def _is_marker_position(text: str, i: int) -> bool:
    return i == 0 or text[i - 1] in " \n" or text[i - 1] in _END_MARKS


_OPEN, _CLOSE = "(「『[", ")」』]"
_MARKER_STARTS = "(0123456789アイウエオカキクケコabcdefgh"
_SENTENCE_CHARS = compiled("[" + re.escape("".join(sorted({*_OPEN, *_CLOSE, *_END_MARKS, "\n", *CIRCLED, *BULLETS,
                                                               *_MARKER_STARTS}))) + "]")
"""Every character `_sentence_cuts` acts on; the others are skipped by the regex engine."""
_CLAUSE_MARKS = compiled("[、;]")


def _sentence_cuts(text: str) -> set[int]:
    """Sentence ends; a 。 inside parentheses or quotes (「…を含む。)」) does not end the sentence.
    Only the characters that can open, close, end or mark something are visited."""
    cuts: set[int] = set()
    depth = 0
    for m in _SENTENCE_CHARS.finditer(text):
        i, ch = m.start(), m[0]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        if depth and ch in _END_MARKS:
            continue
        if ch in _END_MARKS or ch == "\n":
            cuts.add(i + 1 if ch != "\n" else i)
            if ch == "\n":
                cuts.add(i + 1)
        elif ch in CIRCLED:
            if not text.startswith(_REFERENCE_AFTER, i + 1):
                cuts.add(i)
        elif (ch in BULLETS and _is_marker_position(text, i)) or (ch in _MARKER_STARTS and _is_marker_position(text, i) and _MARKER_RE.match(text, i)):
            cuts.add(i)
    return cuts


def _clause_cuts(text: str) -> set[int]:
    cuts: set[int] = {m.end() for m in _CLAUSE_MARKS.finditer(text) if m[0] == ";" or _ends_conjunctive(text, m.start())}
    cuts.update(m.end() for m in _BARE_CONJ.finditer(text))
    return cuts


def _ends_conjunctive(text: str, comma: int) -> bool:
    """Whether the text just before the 読点 at `comma` is a conjunctive form (see the module doc)."""
    head = text[max(0, comma - 12) : comma]
    if not _CONJ_BEFORE_COMMA.search(head):
        return False
    if head.endswith(_COMPOUND_TE):
        return False
    return not head.endswith(_NOUN_ENDINGS)


def _pieces(text: str, cuts: set[int], start: int, end: int) -> list[Segment]:
    bounds = sorted({start, end, *(c for c in cuts if start < c < end)})
    out = []
    for a, b in itertools.pairwise(bounds):
        while a < b and text[a] in " \n":
            a += 1
        while b > a and text[b - 1] in " \n":
            b -= 1
        if a < b:
            out.append(Segment(a, b))
    return out


@text_cache
def segment(text: str) -> Segmentation:
    """Split a text value (original form) into sentences and clauses of its normalised view."""
    norm = normalize(text)
    t = norm.text
    return Segmentation(norm, tuple(_pieces(t, _sentence_cuts(t), 0, len(t))))
