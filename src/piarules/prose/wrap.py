"""Line breaks that only wrap a sentence (a PDF or an Excel cell broke the line) versus those
that end an item.

Published 評価書 are copied from PDFs and Excel cells whose lines break wherever the width ran
out: 「日本国内の⏎データセンターで保管する」, 「特定個人情報保護⏎委員会」, 「番号法第９条第１項⏎及び別表…」.
Read as a sentence break, such a wrap separates words a rule looks for together; read as nothing,
it joins them back. A break ends an item instead when the line closes a sentence (。), when the
next line opens an item (a bullet, ①, (1), 1.), or when the line is short and ends in a word
(a list of names or headings, 「委託先A⏎委託先B」).
"""

from __future__ import annotations

from piarules.pattern_store import compiled

LONG_LINE = 30
"""A line this long that stops in the middle of a word was wrapped (list items and headings are
shorter)."""

_ENDS = frozenset("。．.!！?？:：;；」』)）】］]〕＞>")
"""A line that ends with one of these closed a sentence, a quotation, an item or a heading."""
BULLET_MARKS = frozenset("・•●○◦▪■□◆◇※")
"""Characters that open a list item (normalize.BULLETS adds its circled numbers)."""
_BULLETS = BULLET_MARKS | frozenset(map(chr, range(0x2460, 0x2474)))  # and ①–⑳
_CONTINUES_AFTER = frozenset("のをにへでとがはもやて、，,（(「『【［[〔")
"""A line that ends with a particle, a comma or an opening bracket goes on."""
_CONTINUES_WITH = compiled(
    r"(?:及び|並びに|又は|若しくは|および|ならびに|または|もしくは|から|まで|より|について|によ[りる]|に基づ|に係る|"
    r"に関する|を除|[のをにへがとで、，。])")
"""A line that begins with a conjunction or a particle continues the one before."""
_OPENS_ITEM = compiled(r"[(（](?:[0-9０-９]{1,2}|[ア-ンイロハ]|[a-zａ-ｚ]|[一二三四五六七八九十]{1,3})[)）]|[0-9０-９]{1,2}[.．)）、 　](?![0-9])|"
                         r"[ア-ン][.．)）]|[-－*＊＜<【［\[〔]|第[0-9０-９一二三四五六七八九十]+[章節]")
"""The start of a new item or heading."""


def _wordy(ch: str) -> bool:
    return ch.isalnum() or "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or ch == "々"


def soft_wrap(line: str, following: str) -> bool:
    """Whether a line break between `line` (the text since the previous break, spaces trimmed)
    and `following` (the next line's start, spaces trimmed) only wraps one sentence."""
    if not line or not following or following[0] in "\r\n":
        return False  # a blank line or a break at the edge: a paragraph
    last, first = line[-1], following[0]
    if last in _ENDS or first in _BULLETS or _OPENS_ITEM.match(following):
        return False
    if last in _CONTINUES_AFTER or _CONTINUES_WITH.match(following):
        return True
    return len(line) >= LONG_LINE and _wordy(last) and _wordy(first)


_BLANKS = " \t\u3000\r"


def wraps_at(text: str, i: int) -> bool:
    """Whether the line break at text[i] only wraps a sentence. A line that opens an item (「6 住民票
    関係情報の提供」) is followed by another item, not by its own continuation, unless the next
    line is indented under it or the line stops mid-phrase."""
    start = text.rfind("\n", 0, i) + 1
    raw, after = text[start:i], text[i + 1 : i + 41]
    line, following = raw.strip(_BLANKS), after.lstrip(_BLANKS)[:12]
    if line and (line[0] in _BULLETS or _OPENS_ITEM.match(line)) and line[-1] not in _CONTINUES_AFTER:
        indent, below = len(raw) - len(raw.lstrip(_BLANKS)), len(after) - len(after.lstrip(_BLANKS))
        if below <= indent:
            return False
    return soft_wrap(line, following)
