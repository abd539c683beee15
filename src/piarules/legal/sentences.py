"""Sentences in free text: where a citation's context begins and ends.

A sentence ends at 「。」, a line break that is not a mere wrap (prose/wrap.py) or an HTML block tag, and a new one begins at a bullet or a
【heading】 that starts an item; marks inside parentheses and quotes do not count, so
「（平成25年法律第27号。以下…）」 stays inside its sentence. Offsets are those of the text given.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from piarules.jpvalues import fold_width
from piarules.pattern_store import compiled
from piarules.prose.wrap import wraps_at

_SENTENCE_MARKS = compiled(r"[()「」『』\n。・●■◆※【<]")


def sentence_bounds(s: str) -> list[int]:
    """Offsets where sentences begin or end: 。, line breaks, HTML block tags, bullets, 【headings】.

    Boundaries inside parentheses and quotes do not count: 「（平成25年法律第27号。以下…）」 is one sentence.
    Only the marks are visited, so long texts cost one regex scan.
    """
    bounds = [0, len(s)]
    depth = 0
    skip_to = 0
    for m in _SENTENCE_MARKS.finditer(s):
        i, ch = m.start(), m[0]
        if i < skip_to:
            continue
        if ch in "(「『":
            depth += 1
        elif ch in ")」』":
            depth = max(depth - 1, 0)
        elif ch == "\n":
            if wraps_at(s, i):  # a line wrapped inside a sentence (prose/wrap.py): not a boundary
                continue
            bounds += [i, i + 1]
            depth = 0
        elif depth == 0:
            if ch == "。":
                bounds.append(i + 1)
            elif ch == "<":
                if tag := _TAG.match(s, i):
                    bounds += [i, tag.end()]
                    skip_to = tag.end()
            elif i == 0 or s[i - 1] in " \t>":  # a bullet or 【 at the start of an item
                bounds.append(i)
    return sorted(set(bounds))


_TAG = compiled(r"</?(?:p|br|li|ul|ol|div|tr|td)\b[^<>]{0,200}>", re.IGNORECASE)


def sentence_of(s: str, bounds: list[int], start: int, end: int) -> tuple[int, int]:
    """The sentence (bounds from `sentence_bounds`) that holds s[start:end], bullets and spaces trimmed."""
    lo = bounds[bisect_right(bounds, start) - 1]
    hi = bounds[bisect_left(bounds, end)]
    while lo < hi and s[lo] in " \t\n・●■◆※":
        lo += 1
    while hi > lo and s[hi - 1] in " \t\n":
        hi -= 1
    return lo, hi


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The (start, end) of the sentence that holds text[start:end] (bullets and spaces trimmed)."""
    s = fold_width(text)
    return sentence_of(s, sentence_bounds(s), start, end)
