"""Japanese value types of the PIA forms: 和暦/西暦 dates, count bands, 「n件」 counts, text.

Each parsed value keeps the user's original text (`.text`) next to what it means, and every
parser raises ValueError with a Japanese message instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# (era, first day). An era's last day is the day before the next era's first day.
ERAS: tuple[tuple[str, dt.date], ...] = (
    ("明治", dt.date(1868, 10, 23)),
    ("大正", dt.date(1912, 7, 30)),
    ("昭和", dt.date(1926, 12, 25)),
    ("平成", dt.date(1989, 1, 8)),
    ("令和", dt.date(2019, 5, 1)),
)
_ERA_START = dict(ERAS)
_ERA_END = {ERAS[i][0]: ERAS[i + 1][1] - dt.timedelta(days=1) for i in range(len(ERAS) - 1)}

_ERA_RE = re.compile(r"(明治|大正|昭和|平成|令和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日")
_SEIREKI_JA_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_ISO_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


class JpDate(dt.date):
    """A date that remembers the text it was written as (e.g. 「令和1年6月18日.」)."""

    text: str

    def __new__(cls, year: int, month: int, day: int, text: str = "") -> JpDate:
        self = super().__new__(cls, year, month, day)
        self.text = text or f"{year:04d}-{month:02d}-{day:02d}"
        return self

    def __reduce__(self) -> tuple[type, tuple[int, int, int, str]]:
        return (JpDate, (self.year, self.month, self.day, self.text))

    def __str__(self) -> str:
        return self.text


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def parse_date(text: str) -> JpDate:
    """Parse 令和1年6月18日, 令和元年5月1日, 平成30年3月28日., 2024-01-31, 2024/1/31 ...

    Raises:
        ValueError: unparseable text, or a date that does not exist (平成31年5月1日).
    """
    s = _squash(text).rstrip(".。")
    if m := _ERA_RE.fullmatch(s):
        era, y, mo, d = m.groups()
        year = _ERA_START[era].year + (1 if y == "元" else int(y)) - 1
        value = _make_date(year, int(mo), int(d), text)
        if value < _ERA_START[era] or (era in _ERA_END and value > _ERA_END[era]):
            raise ValueError(f"「{text}」は{era}の期間外の日付です")
        if y != "元" and int(y) < 1:
            raise ValueError(f"「{text}」の年が正しくありません")
        return value
    if m := (_SEIREKI_JA_RE.fullmatch(s) or _ISO_RE.fullmatch(s)):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), text)
    raise ValueError(f"「{text}」を日付として解釈できません (例: 令和6年1月31日, 2024-01-31)")


def _make_date(year: int, month: int, day: int, text: str) -> JpDate:
    try:
        return JpDate(year, month, day, text)
    except ValueError:
        raise ValueError(f"「{text}」は存在しない日付です") from None


def to_wareki(value: dt.date, gannen: bool = False) -> str:
    """西暦 → 和暦 text such as 令和1年6月18日 (or 令和元年 with gannen=True)."""
    for era, start in reversed(ERAS):
        if value >= start:
            n = value.year - start.year + 1
            year = "元" if gannen and n == 1 else str(n)
            return f"{era}{year}年{value.month}月{value.day}日"
    raise ValueError(f"{value} は明治より前の日付です")


# ---------------------------------------------------------------- count bands

_NUM = r"(\d[\d,]*(?:\.\d+)?)(万|億)?"
_BAND_RE = re.compile(rf"(?:{_NUM}(人|項目|件)以上)?(?:{_NUM}(人|項目|件)未満)?")
_UNIT_FACTOR = {None: 1, "": 1, "万": 10_000, "億": 100_000_000}


@dataclass(frozen=True, slots=True)
class Band:
    """A half-open count range [lower, upper) written as 「1万人以上10万人未満」.

    `upper` is None for an open top (「30万人以上」). Ordering compares the ranges:
    band < n means every count in the band is below n.
    """

    lower: int
    upper: int | None
    unit: str
    text: str

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Band):
            return (self.lower, self.upper, self.unit) == (other.lower, other.upper, other.unit)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.lower, self.upper, self.unit))

    def contains(self, n: float) -> bool:
        """Whether the count n falls in the band."""
        return self.lower <= n and (self.upper is None or n < self.upper)

    def _key(self) -> tuple[float, float]:
        return (self.lower, float("inf") if self.upper is None else self.upper)

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Band):
            return self._key() < other._key()
        if isinstance(other, int | float):
            return self.upper is not None and self.upper <= other
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if isinstance(other, Band):
            return self._key() <= other._key()
        if isinstance(other, int | float):
            return self.upper is not None and self.upper - 1 <= other
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if isinstance(other, Band):
            return self._key() > other._key()
        if isinstance(other, int | float):
            return self.lower > other
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if isinstance(other, Band):
            return self._key() >= other._key()
        if isinstance(other, int | float):
            return self.lower >= other
        return NotImplemented


def _amount(digits: str, unit: str | None) -> int:
    value = float(digits.replace(",", "")) * _UNIT_FACTOR[unit]
    if value > 1e18:  # 400 digits are not a count of people; float would be inf
        raise ValueError(f"「{digits}{unit or ''}」は人数として大きすぎます")
    return int(value)


def parse_band(text: str) -> Band:
    """Parse 「1,000人未満（任意実施）」「1万人以上10万人未満」「500人以上」 into a Band.

    Raises:
        ValueError: when the text is not a count band.
    """
    s = re.sub(r"[(（][^()（）]*[)）]$", "", _squash(text))
    m = _BAND_RE.fullmatch(s)
    if not s or not m or (m[1] is None and m[4] is None):
        raise ValueError(f"「{text}」を人数帯 (例: 1万人以上10万人未満) として解釈できません")
    lower = _amount(m[1], m[2]) if m[1] else 0
    upper = _amount(m[4], m[5]) if m[4] else None
    if upper is not None and upper <= lower:
        raise ValueError(f"「{text}」の下限が上限以上です")
    return Band(lower, upper, m[3] or m[6] or "人", text)


class Count(int):
    """A count written as 「4件」; compares as the number, keeps the text."""

    text: str

    def __new__(cls, value: int, text: str = "") -> Count:
        self = super().__new__(cls, value)
        self.text = text or str(value)
        return self

    def __reduce__(self) -> tuple[type, tuple[int, str]]:
        return (Count, (int(self), self.text))

    def __str__(self) -> str:
        return self.text


_COUNT_RE = re.compile(r"(\d[\d,]*)(件|人|項目|個|つ)?")


def parse_count(text: str) -> Count:
    """Parse 「4件」「12」「1,200件」 into a Count.

    Raises:
        ValueError: when the text is not a count.
    """
    m = _COUNT_RE.fullmatch(_squash(text))
    if not m:
        raise ValueError(f"「{text}」を件数 (例: 4件) として解釈できません")
    return Count(int(m[1].replace(",", "")), text)


# ---------------------------------------------------------------- text

_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_BLOCK_TAG_RE = re.compile(r"<(?:br|/p|/li|/div|/tr)\s*/?>", re.IGNORECASE)
_SPACE_RE = re.compile(r"\s+")
EMPTY_MARKERS = frozenset({"", "空欄", "(空欄)", "なし", "無し", "-", "—", "ー", "―", "‐", "–", "－"})


def strip_html(text: str) -> str:
    """Remove HTML tags (not 「< 墨田区における措置 >」-style brackets) and unescape entities."""
    if "<" not in text and "&" not in text:
        return text
    text = _BLOCK_TAG_RE.sub("\n", text)
    return html.unescape(_TAG_RE.sub("", text))


@lru_cache(maxsize=65536)
def normalize_text(text: str) -> str:
    """The view text rules compare: HTML removed, NFKC, whitespace collapsed to one space."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", strip_html(text))).strip()


@lru_cache(maxsize=65536)
def compact_text(text: str) -> str:
    """Normalised text with all whitespace removed: ISO/IEC 27017 == ISO/IEC27017."""
    return normalize_text(text).replace(" ", "")


def is_empty_text(text: str) -> bool:
    """空欄, (空欄), なし, 「-」「—」 and blank all mean 'nothing written'."""
    return compact_text(text) in EMPTY_MARKERS
