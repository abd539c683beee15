"""One normalisation for prose matching, with a map from every normalised character back to the original.

Rules compare text in many spellings (全角/半角, HTML cells, PDF spacing, 〜/～/~); a match must
still be reported at the span the user wrote. `normalize(text)` returns the normalised text and,
for each of its characters, the original [start, end) it came from.

What is unified, in this order (docs/prose.md lists the same with examples):

1. HTML: the steps of `jpvalues.strip_html` (block tags → line break, other tags removed,
   entities unescaped), replayed with offsets.
2. NFKC per character cluster (a base character with its combining marks, so ｶﾞ → ガ), except
   the list markers ①–⑳ ㉑–㊿ ⑴–⒇ ⒈–⒛, which stay as they are so that segmentation sees them
   (NFKC would make ① a bare 「1」).
3. Dashes: ‐ ‑ ‒ – — ― − ─ － and ー become 「ー」 after katakana or ー (a long vowel, サ―バ― →
   サーバー), and 「-」 elsewhere. The ASCII hyphen-minus is left alone.
4. Wave dashes 〜 ～ ∼ become 「~」. Quotes 『』 “” become 「」.
5. Commas: 「,」 (also from full-width ，) becomes 「、」 unless it stands between two digits
   (1,000) or between two ASCII characters. 「.」 (also from ．) after a non-ASCII character and
   not before a digit or ASCII letter becomes 「。」 (「令和1年6月18日.」 → 「…日。」).
6. Whitespace: CR LF / CR → LF; other whitespace (全角空白, tab, NBSP) → one space; runs collapse;
   spaces next to a line break, and leading/trailing whitespace, are dropped; runs of line breaks
   become one. A space between two non-ASCII characters is dropped (Japanese puts no spaces
   between words; such spaces are PDF/Excel layout: 「委 託」 → 「委託」), except before a list
   marker (「取得していること ・セキュリティ」 keeps its space, a bullet cue for segmentation).
"""

from __future__ import annotations

import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from piarules.jpvalues import HTML_STEPS, has_html
from piarules.pattern_store import compiled
from piarules.prose.wrap import BULLET_MARKS, wraps_at
from piarules.textcache import text_cache

# A character of the normalised text and the original [start, end) it stands for.
_Char = tuple[str, int, int]

_KEEP = frozenset(
    [chr(c) for c in range(0x2460, 0x2474)]  # ①–⑳
    + [chr(c) for c in range(0x3251, 0x3260)]  # ㉑–㉟
    + [chr(c) for c in range(0x32B1, 0x32C0)]  # ㊱–㊿
    + [chr(c) for c in range(0x2474, 0x249C)]  # ⑴–⒇, ⒈–⒛
)
CIRCLED = frozenset(_KEEP)
_DASHES = frozenset("‐‑‒–—―−─－ー")
_WAVES = frozenset("〜～∼~")
_QUOTES = {"『": "「", "』": "」", "“": "「", "”": "」"}
_SPACES = frozenset(" \t\f\v\u00a0\u3000\u2002\u2003\u2009\u200b")
_SPECIAL = _DASHES | _WAVES | frozenset(_QUOTES)
# Text that normalize() may change at all; other text maps to itself (the fast path).
_CHANGING_RE = compiled(r"[\s<&,.\u2010-\u2015\u2212\u2500\uff0d\u30fc\u301c\uff5e\u223c~『』“”]")
# Characters that open a list item when a space stands before them (see segment.py).
BULLETS = BULLET_MARKS | CIRCLED


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """The normalised view of one text value and, per character, where it came from."""

    original: str
    text: str
    starts: Sequence[int]  # INVARIANT: len(starts) == len(ends) == len(text)
    ends: Sequence[int]
    """Per character of `text`, the original [start, end) it stands for (a range when `text` is
    `original`, else a compact array: the map is held for every cached text)."""

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) of the normalised [start, end) (end exclusive; empty spans allowed)."""
        if not self.text:
            return 0, 0
        if end <= start:
            at = self.starts[start] if start < len(self.starts) else len(self.original)
            return at, at
        return self.starts[start], self.ends[end - 1]

    def original_text(self, start: int, end: int) -> str:
        """The original text behind a normalised span."""
        s, e = self.original_span(start, end)
        return self.original[s:e]


def _is_ascii(ch: str) -> bool:
    return ch < "\x80"


def _is_katakana(ch: str) -> bool:
    return "ァ" <= ch <= "ヺ" or ch == "ー"


def _html(text: str) -> list[_Char]:
    chars: list[_Char] = [(c, i, i + 1) for i, c in enumerate(text)]
    if not has_html(text):
        return chars
    for pattern, replace in HTML_STEPS:
        flat = "".join(c for c, _, _ in chars)
        out: list[_Char] = []
        pos = 0
        for m in pattern.finditer(flat):
            out.extend(chars[pos : m.start()])
            if m.end() > m.start():
                start, end = chars[m.start()][1], chars[m.end() - 1][2]
                out.extend((c, start, end) for c in replace(m))
            pos = m.end()
        out.extend(chars[pos:])
        chars = out
    return chars


def _clusters(chars: list[_Char]) -> list[list[_Char]]:
    """Group a base character with the combining marks after it (NFKC composes across them)."""
    groups: list[list[_Char]] = []
    for item in chars:
        ch = item[0]
        if groups and (unicodedata.combining(ch) or ch in "\uff9e\uff9f\u3099\u309a"):
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


@lru_cache(maxsize=16384)
def _nfkc_one(raw: str) -> str:
    return raw if raw in _KEEP else unicodedata.normalize("NFKC", raw)


def _nfkc(chars: list[_Char]) -> list[_Char]:
    combining = any(unicodedata.combining(c) or c in "\uff9e\uff9f\u3099\u309a" for c, _, _ in chars)
    groups = _clusters(chars) if combining else [[item] for item in chars]
    out: list[_Char] = []
    for group in groups:
        raw = "".join(c for c, _, _ in group) if combining else group[0][0]
        start, end = group[0][1], group[-1][2]
        normal = _nfkc_one(raw)
        if normal == raw and raw not in _SPECIAL:
            out += [(ch, start, end) for ch in raw]  # one entry per character (a mark NFKC leaves apart stays apart)
            continue
        for ch in normal:
            prev = out[-1][0] if out else ""
            out.append((ch if raw in _KEEP else _unify_char(ch, raw, prev), start, end))
    return out


def _unify_char(ch: str, raw: str, prev: str) -> str:
    if raw in _DASHES or ch in _DASHES:
        return "ー" if prev and _is_katakana(prev) else "-"
    if ch in _WAVES:
        return "~"
    return _QUOTES.get(ch, ch)


def _punctuation(chars: list[_Char]) -> list[_Char]:
    """Commas and full stops by their neighbours (needs the next character, so a second pass)."""
    out = list(chars)
    for i, (ch, s, e) in enumerate(chars):
        if ch not in ",.":
            continue
        prev = chars[i - 1][0] if i else ""
        nxt = chars[i + 1][0] if i + 1 < len(chars) else ""
        if ch == "," and not (prev.isdigit() and nxt.isdigit()) and not (_is_ascii(prev) and _is_ascii(nxt) and prev and nxt):
            out[i] = ("、", s, e)
        elif ch == "." and prev and not _is_ascii(prev) and not (nxt and _is_ascii(nxt) and nxt.isalnum()):
            out[i] = ("。", s, e)
    return out


def _whitespace(chars: list[_Char], source: str) -> list[_Char]:
    """Spaces folded, line breaks kept unless they only wrap a sentence (judged on `source`, the
    text the offsets of `chars` point into)."""
    out: list[_Char] = []
    for ch, s, e in chars:
        if ch in "\r\n":
            while out and out[-1][0] == " ":
                out.pop()
            if out and out[-1][0] != "\n" and source[s : s + 1] == "\n" and wraps_at(source, s):
                out.append((" ", s, e))  # a wrapped sentence: the break reads as a space (none between CJK)
            elif out and out[-1][0] != "\n":
                out.append(("\n", s, e))
        elif ch in _SPACES or ch.isspace():
            if out and out[-1][0] not in " \n":
                out.append((" ", s, e))
        else:
            out.append((ch, s, e))
    while out and out[-1][0] in " \n":
        out.pop()
    return _drop_cjk_spaces(out)


def _drop_cjk_spaces(chars: list[_Char]) -> list[_Char]:
    out: list[_Char] = []
    for i, item in enumerate(chars):
        if item[0] == " " and 0 < i < len(chars) - 1:
            prev, nxt = chars[i - 1][0], chars[i + 1][0]
            if not _is_ascii(prev) and not _is_ascii(nxt) and nxt not in BULLETS:
                continue
        out.append(item)
    return out


@text_cache
def normalize(text: str) -> NormalizedText:
    """The normalised view of `text` and its offset map (cached per text value).

    Returns:
        NormalizedText whose `original_span` maps any normalised span back to `text`.
    """
    if unicodedata.is_normalized("NFKC", text) and not _CHANGING_RE.search(text):
        return NormalizedText(text, text, range(len(text)), range(1, len(text) + 1))
    if "\r" not in text and not _has_markup(text):
        fast = _normalize_plain(text)
        if fast is not None:
            return fast
    return normalize_slowly(text)


def _has_markup(text: str) -> bool:
    """Whether a step of strip_html matches (「< 墨田区における措置 >」 brackets do not)."""
    return has_html(text) and any(pattern.search(text) for pattern, _ in HTML_STEPS)


def normalize_slowly(text: str) -> NormalizedText:
    """normalize() character by character, every step in turn (any text; the reference the fast path is tested against)."""
    lf = text.replace("\r\n", "\n")
    chars = _whitespace(_punctuation(_nfkc(_html(lf))), lf)
    if "\r\n" in text:  # offsets above are of the LF text: shift them back onto the original
        chars = _remap_crlf(text, chars)
    return NormalizedText(text, "".join(c for c, _, _ in chars),
                          array("i", [s for _, s, _ in chars]), array("i", [e for _, _, e in chars]))


# ---- the fast path: the steps applied to the few characters they can change ---------------------

_PLAIN, _SPECIAL_CHAR, _SLOW = 0, 1, 2
_CLASS: dict[str, int] = {}


def _char_class(ch: str) -> int:
    """_PLAIN: no step changes, drops or moves this character (whatever its neighbours);
    _SPECIAL_CHAR: a step may; _SLOW: only the step-by-step path handles it (combining marks)."""
    found = _CLASS.get(ch)
    if found is None:
        if unicodedata.combining(ch) or ch in "\uff9e\uff9f\u3099\u309a":
            found = _SLOW
        elif (_nfkc_one(ch) != ch or ch in _SPECIAL or ch in ",." or ch in _SPACES or ch.isspace()
              or ch in "\r\n"):
            found = _SPECIAL_CHAR
        else:
            found = _PLAIN
        _CLASS[ch] = found
    return found


_KNOWN_PLAIN = (
    "\u3041-\u3096\u30a1-\u30fa\u3400-\u4dbf\u4e00-\u9fff"  # hiragana, katakana (not ー), kanji
    "\u3001\u3002\u3005\u300c\u300d"  # 、。々「」
    "!-+\\-/-}"  # printable ASCII but , . ~ (and space)
)
_CANDIDATE = compiled(f"[^{_KNOWN_PLAIN}]")
"""A character that may not be plain: the fast path classifies only these (tests check that
every character of _KNOWN_PLAIN is plain)."""


class _PlusOne(Sequence[int]):
    """ends of the fast path: each character stands for one original character."""

    __slots__ = ("starts",)

    def __init__(self, starts: array[int]) -> None:
        self.starts = starts

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> int:  # type: ignore[override]
        return self.starts[index] + 1


def _normalize_plain(text: str) -> NormalizedText | None:
    """normalize() for a text without HTML, CR or combining marks: runs of characters no step
    touches are carried whole, and only the others go through the steps (the same rules as
    _nfkc, _punctuation and _whitespace, looking at the neighbouring runs' characters).
    None when the text holds a character only the slow path handles."""
    # items: (string, source offset); a run of plain characters is one item, a special one char.
    items: list[tuple[str, int]] = []
    run_start = 0
    for m in _CANDIDATE.finditer(text):
        ch = m[0]
        kind = _CLASS.get(ch)
        if kind is None:
            kind = _char_class(ch)
        if kind == _PLAIN:
            continue
        if kind == _SLOW:
            return None
        i = m.start()
        if run_start < i:
            items.append((text[run_start:i], run_start))
        run_start = i + 1
        normal = _nfkc_one(ch)
        if normal == ch and ch not in _SPECIAL:
            items.append((ch, i))
            continue
        for out in normal:
            prev = items[-1][0][-1] if items else ""
            items.append((out if ch in _KEEP else _unify_char(out, ch, prev), i))
    if run_start < len(text):
        items.append((text[run_start:], run_start))
    items = _drop_spaces(_fold_whitespace(_punctuate(items), text))
    starts = array("i")
    for piece, at in items:
        if len(piece) == 1:
            starts.append(at)
        else:
            starts.extend(range(at, at + len(piece)))
    return NormalizedText(text, "".join(piece for piece, _ in items), starts, _PlusOne(starts))


def _punctuate(items: list[tuple[str, int]]) -> list[tuple[str, int]]:
    out = list(items)
    for k, (piece, at) in enumerate(items):
        if piece != "," and piece != ".":
            continue
        prev = items[k - 1][0][-1] if k else ""
        nxt = items[k + 1][0][0] if k + 1 < len(items) else ""
        if piece == "," and not (prev.isdigit() and nxt.isdigit()) and not (_is_ascii(prev) and _is_ascii(nxt) and prev and nxt):
            out[k] = ("、", at)
        elif piece == "." and prev and not _is_ascii(prev) and not (nxt and _is_ascii(nxt) and nxt.isalnum()):
            out[k] = ("。", at)
    return out


def _fold_whitespace(items: list[tuple[str, int]], source: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for piece, at in items:
        if piece == "\n":
            while out and out[-1][0] == " ":
                out.pop()
            if out and out[-1][0] != "\n" and wraps_at(source, at):
                out.append((" ", at))  # a wrapped sentence (as _whitespace)
            elif out and out[-1][0] != "\n":
                out.append(("\n", at))
        elif len(piece) == 1 and (piece in _SPACES or piece.isspace()):
            if out and out[-1][0] not in (" ", "\n"):
                out.append((" ", at))
        else:
            out.append((piece, at))
    while out and out[-1][0] in (" ", "\n"):
        out.pop()
    return out


def _drop_spaces(items: list[tuple[str, int]]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    last = len(items) - 1
    for k, item in enumerate(items):
        if item[0] == " " and 0 < k < last:
            prev, nxt = items[k - 1][0][-1], items[k + 1][0][0]
            if not _is_ascii(prev) and not _is_ascii(nxt) and nxt not in BULLETS:
                continue
        out.append(item)
    return out


def _remap_crlf(text: str, chars: list[_Char]) -> list[_Char]:
    """Offsets in the CRLF→LF text → offsets in the original text."""
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch == "\r" and text[i + 1 : i + 2] == "\n":
            continue
        index.append(i)
    index.append(len(text))
    return [(c, index[s], index[e - 1] + 1 if e > s else index[s]) for c, s, e in chars]
