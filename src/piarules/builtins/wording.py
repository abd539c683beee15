"""Built-ins for typing mistakes that no fixed list can enumerate.

`repeated_words(記載)` finds a word written twice in a row (情報情報, ファイルファイル, 認定認定): any
run of 2–8 kanji or katakana immediately repeated, except where the second copy begins a label of
the form or a numbered heading — headings run together in a 項目 cell (「…事務事務の内容」 is
「…事務」 + 「事務の内容」, 「…使用するシステムシステム4」 is 「…システム」 + 「システム4」).
`misspellings(記載, "ISMAP")` finds the words one typing slip away from a term (SMAP, ISMPA,
ＩＳＭＰＡ, ISNAP): Damerau–Levenshtein distance 1 over ASCII words, case and width ignored.
"""

from __future__ import annotations

from typing import Any

from piarules.builtins import builtin
from piarules.jpvalues import normalize_text
from piarules.pattern_store import compiled
from piarules.textcache import text_cache
from piarules.type_system import TEXT, ListType

_WORD = compiled(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffァ-ヺー]{4,}")
"""Runs of kanji and katakana (not 々, which writes a repetition on purpose) long enough to hold a
doubled word of two characters or more."""
_LONGEST = 8
_DOUBLED = compiled(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffァ-ヺー]{2,8})\1")
"""Some word of 2–8 such characters written twice in a row: the quick test before the careful scan
(most texts have none)."""


@builtin("repeated_words", (TEXT,), ListType(TEXT),
         "続けて2回書かれた語 (漢字・カタカナ2〜8字) の一覧。例: 「特定個人情報情報ファイル」→ [情報]。"
         "様式の項目名が続く見出しの連結 (「…事務事務の内容」) は除く")
def _repeated_words(value: Any) -> Any:
    if not isinstance(value, str):
        return []
    return list(_repeated(str(value)))


@text_cache
def _repeated(text: str) -> tuple[str, ...]:
    from piarules.document.labels import starts_with_label

    s = normalize_text(text)
    if not _DOUBLED.search(s):
        return ()
    out = []
    for run in _WORD.finditer(s):
        word, i = run[0], 0
        while i < len(word) - 3:
            found = next((n for n in range(min(_LONGEST, (len(word) - i) // 2), 1, -1)
                          if word[i:i + n] == word[i + n:i + 2 * n]), 0)
            if not found:
                i += 1
                continue
            rest = s[run.start() + i + found:]
            if not _heading_follows(rest, found) and not starts_with_label(rest, longer_than=found):
                out.append(word[i:i + found])
                i += 2 * found
            else:
                i += 1
    return tuple(out)


def _heading_follows(rest: str, length: int) -> bool:
    """The second copy is a numbered heading of its own (「…使用するシステム」「システム4 …」)."""
    after = rest[length:length + 1]
    return after.isdigit() or "\u2460" <= after <= "\u2473"


_ASCII_WORD = compiled(r"[A-Za-z]+")


@builtin("misspellings", (TEXT, TEXT), ListType(TEXT),
         "語 (英字) と1字だけ違う綴り (1字の脱落・追加・置換、隣り合う2字の入れ替え) の一覧。大文字小文字・全角半角は無視。"
         "例: misspellings(記載, \"ISMAP\") は SMAP、ISMPA、ＩＳＮＡＰ を返す")
def _misspellings(value: Any, term: Any) -> Any:
    if not isinstance(value, str) or not isinstance(term, str) or not term:
        return []
    return list(_misspelt(str(value), str(term).upper()))


@text_cache
def _misspelt(text: str, term: str) -> tuple[str, ...]:
    return tuple(w for w in _ASCII_WORD.findall(normalize_text(text))
                 if abs(len(w) - len(term)) <= 1 and w.upper() != term and _one_slip(w.upper(), term))


def _one_slip(a: str, b: str) -> bool:
    """Whether `a` is `b` with one character dropped, added or replaced, or two neighbours swapped."""
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))
