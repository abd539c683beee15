"""Numbers as statutes write them: 十九, 百二十七, 三十の六, 19, 30の6, and law numbers.

Everything is returned in one canonical form (arabic digits, 枝番 joined by 「の」) so that
「第三十条の六」 and 「第30条の6」 compare equal.
"""

from __future__ import annotations

import re

from piarules.jpvalues import ERAS, fold_width
from piarules.pattern_store import compiled

KANJI_DIGITS = "〇一二三四五六七八九"
_DIGIT = {ch: i for i, ch in enumerate(KANJI_DIGITS)} | {"零": 0}
_UNIT = {"十": 10, "百": 100, "千": 1000}

# A number as statutes write it (after fold_width): arabic or kanji.
NUM = r"(?:[0-9]+|[〇一二三四五六七八九十百千]+)"
# A number with 枝番: 30の6, 三十の六, 1の2の3.
BRANCHED = rf"{NUM}(?:の{NUM})*"

_ERA_START_YEAR = {era: start.year for era, start in ERAS}


def parse_number(text: str) -> int:
    """「十九」「百二十七」「二〇」「19」「１９」 → int.

    Raises:
        ValueError: when the text is not a number.
    """
    s = fold_width(text).strip()
    if s.isascii() and s.isdigit():
        return int(s)
    if not s or any(ch not in _DIGIT and ch not in _UNIT for ch in s):
        raise ValueError(f"「{text}」は数ではありません")
    if not any(ch in _UNIT for ch in s):  # positional: 二〇二四
        return int("".join(str(_DIGIT[ch]) for ch in s))
    total, current = 0, 0
    for ch in s:
        if ch in _DIGIT:
            current = _DIGIT[ch]
        else:
            total += (current or 1) * _UNIT[ch]
            current = 0
    return total + current


def normalize_branched(text: str) -> str:
    """「三十の六」「30の6」 → "30の6"; the canonical spelling of a number with 枝番."""
    return "の".join(str(parse_number(part)) for part in fold_width(text).split("の"))


def to_kanji(n: int) -> str:
    """19 → 「十九」, 127 → 「百二十七」: how the statutes themselves spell numbers."""
    if n == 0:
        return "〇"
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, value)
        if q:
            out += ("" if q == 1 else KANJI_DIGITS[q]) + unit
    return out + (KANJI_DIGITS[n] if n else "")


_KANJI_RUN = compiled(r"第([〇一二三四五六七八九十百千]+)")


def arabic_variant(name: str) -> str:
    """「別表第一の主務省令」 → 「別表第1の主務省令」: the way many documents spell statute names."""
    return _KANJI_RUN.sub(lambda m: f"第{parse_number(m[1])}", name)


_LAW_NUMBER = compiled(
    rf"(明治|大正|昭和|平成|令和)\s*(元|{NUM})\s*年\s*(?:{NUM}\s*月\s*{NUM}\s*日\s*)?"
    rf"([^\s第、。,()「」]{{0,24}}?)\s*第\s*({NUM})\s*号"
)


def law_number_key(text: str) -> str | None:
    """「平成二十五年法律第二十七号」「平成25年5月31日法律第27号」 → "平成25年法律第27号"; None otherwise.

    The issuer and kind (「法律」「内閣府・総務省令」「個人情報保護委員会規則」) are kept as written,
    without spaces.
    """
    m = _LAW_NUMBER.fullmatch(fold_width(text).strip())
    if not m:
        return None
    era, year, kind, number = m.groups()
    year_n = 1 if year == "元" else parse_number(year)
    return f"{era}{year_n}年{kind.replace(' ', '')}第{parse_number(number)}号"


def law_number_pattern() -> re.Pattern[str]:
    """The regex that finds law numbers in folded text (groups: era, year, kind, number)."""
    return _LAW_NUMBER


def era_year(era: str, year: int) -> int:
    """(平成, 25) → 2013."""
    return _ERA_START_YEAR[era] + year - 1
