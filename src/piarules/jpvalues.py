"""Japanese value types of the PIA forms: 和暦/西暦 dates, count bands, 「n件」 counts, text.

Each parsed value keeps the user's original text (`.text`) next to what it means, and every
parser raises ValueError with a Japanese message instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from piarules.pattern_store import compiled
from piarules.textcache import text_cache

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

# An era written in full (令和), as its first kanji (令) or as its initial (R, r, R.): 令和7年1月6日,
# 令7.1.6, R7.1.6, H30.6.7, R元.5.1 — the short forms offices write in tables and file names.
_ERA_ALIASES = {"明": "明治", "大": "大正", "昭": "昭和", "平": "平成", "令": "令和",
                "M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_ERA_RE = compiled(r"(明治|大正|昭和|平成|令和|[明大昭平令]|[MTSHR]\.?)(元|\d{1,2})"
                     r"(?:年(\d{1,2})月(\d{1,2})日|[./-](\d{1,2})[./-](\d{1,2}))", re.IGNORECASE)
_SEIREKI_JA_RE = compiled(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_ISO_RE = compiled(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
# 「令和8年4月1日時点」「…現在」「…付」: the suffixes of 計数時点 and similar fields.
_DATE_SUFFIX_RE = compiled(r"(?:時点|現在|付け|付)$")
_WEEKDAY_RE = compiled(r"\(([月火水木金土日])(?:曜日?)?\)$")
_WEEKDAYS = "月火水木金土日"
_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_KANJI_NUMBER_RE = compiled(r"[〇零一二三四五六七八九十]+(?=[年月日])")


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


def _kanji_number(run: re.Match[str]) -> str:
    """〇一二三… → digits, positionally (二〇二四 → 2024) or with 十 (三十一 → 31)."""
    digits = run[0]
    if "十" not in digits:
        return "".join(str(_KANJI_DIGITS[c]) for c in digits)
    tens, _, ones = digits.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return digits  # not a number up to 99: left as is, so the date does not parse
    return str((_KANJI_DIGITS[tens] if tens else 1) * 10 + (_KANJI_DIGITS[ones] if ones else 0))


def _strip_enclosing(s: str) -> str:
    """「[令和8年4月1日]」「(令和8年4月1日時点)」「【…】」 → the inside (one pair)."""
    pairs = {"[": "]", "(": ")", "【": "】", "「": "」"}
    if len(s) >= 2 and pairs.get(s[0]) == s[-1]:
        return s[1:-1]
    return s


def _date_core(text: str) -> tuple[str, str | None]:
    """The date itself, without brackets, 時点/現在/付, a trailing 「.」 and a weekday 「(月)」."""
    s = _strip_enclosing(_squash(text).rstrip(".。"))
    s = _strip_enclosing(_DATE_SUFFIX_RE.sub("", s))
    weekday = None
    if m := _WEEKDAY_RE.search(s):
        weekday, s = m[1], s[: m.start()]
    return _KANJI_NUMBER_RE.sub(_kanji_number, s.rstrip(".。")), weekday


def parse_date(text: str) -> JpDate:
    """Parse a date as the forms and offices write it, keeping the text.

    和暦 (令和1年6月18日, 令和元年5月1日, 平成30年3月28日., 令和八年四月一日), 西暦 (2024-01-31,
    2024/1/31, 2024.1.31, 2024年1月31日), 略記 (R7.1.6, 令7.1.6, H30.6.7, R元.5.1), with
    「時点」「現在」「付」 suffixes, brackets ([令和8年4月1日]) or a weekday (令和7年1月6日(月)).
    This is the one date parser of piarules: documents, policies, --as-of, import and waivers.

    Raises:
        ValueError: unparseable text, a date that does not exist (平成31年5月1日, R7.2.30), or a
            weekday that does not match the date.
    """
    s, weekday = _date_core(text)
    if m := _ERA_RE.fullmatch(s):
        value = _era_date(m, text)
    elif m := (_SEIREKI_JA_RE.fullmatch(s) or _ISO_RE.fullmatch(s)):
        value = _make_date(int(m[1]), int(m[2]), int(m[3]), text)
    else:
        raise ValueError(f"「{text}」を日付として解釈できません (例: 令和6年1月31日, R6.1.31, 2024-01-31)")
    if weekday is not None and _WEEKDAYS[value.weekday()] != weekday:
        raise ValueError(f"「{text}」の曜日 ({weekday}) が日付と合いません ({_WEEKDAYS[value.weekday()]}曜日です)")
    return value


def _era_date(m: re.Match[str], text: str) -> JpDate:
    era = _ERA_ALIASES.get(m[1].rstrip(".").upper(), m[1])
    y = m[2]
    if y != "元" and int(y) < 1:
        raise ValueError(f"「{text}」の年が正しくありません")
    year = _ERA_START[era].year + (1 if y == "元" else int(y)) - 1
    month, day = (m[3], m[4]) if m[3] else (m[5], m[6])
    value = _make_date(year, int(month), int(day), text)
    if value < _ERA_START[era] or (era in _ERA_END and value > _ERA_END[era]):
        raise ValueError(f"「{text}」は{era}の期間外の日付です")
    return value


def _make_date(year: int, month: int, day: int, text: str) -> JpDate:
    try:
        return JpDate(year, month, day, text)
    except ValueError:
        raise ValueError(f"「{text}」は存在しない日付です") from None


def to_wareki(value: dt.date, gannen: bool = False) -> str:
    """西暦 → 和暦 text such as 令和1年6月18日 (or 令和元年 with gannen=True); a date before 明治
    (a typo such as 0001-01-01 in a document) is written in 西暦 rather than refused."""
    for era, start in reversed(ERAS):
        if value >= start:
            n = value.year - start.year + 1
            year = "元" if gannen and n == 1 else str(n)
            return f"{era}{year}年{value.month}月{value.day}日"
    return f"西暦{value.year}年{value.month}月{value.day}日"


# ---------------------------------------------------------------- count bands

_NUM = r"(\d[\d,]*(?:\.\d+)?)(万|億)?"
_BAND_RE = compiled(rf"(?:{_NUM}(人|項目|件)以上)?(?:{_NUM}(人|項目|件)未満)?")
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

    A printed selection 「[ 1万人以上10万人未満 ]」 (with or without the form's 「<選択肢> …」 after
    it) is read as the band inside; the Band keeps the whole text.

    Raises:
        ValueError: when the text is not a count band.
    """
    s = re.sub(r"[(（][^()（）]*[)）]$", "", _squash(selected_text(text)))
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


_COUNT_RE = compiled(r"(\d[\d,]*)(件|人|項目|個|つ)?")


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

_TAG_RE = compiled(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_BLOCK_TAG_RE = compiled(r"<(?:br|/p|/li|/div|/tr)\s*/?>", re.IGNORECASE)
_SPACE_RE = compiled(r"\s+")
# html.unescape's own entity pattern: unescaping each match alone equals unescaping the whole text.
_CHARREF_RE = compiled(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")

# The steps of strip_html, in order, as (pattern, replacement) pairs: piarules.prose.normalize replays
# them while keeping a map back to the original offsets, so both views stay the same by construction.
HTML_STEPS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_BLOCK_TAG_RE, lambda m: "\n"),
    (_TAG_RE, lambda m: ""),
    (_CHARREF_RE, lambda m: _unescape(m[0])),
)


def _unescape(entity: str) -> str:
    import html  # on first use: most texts have no entity, and a re-check answered from the cache none

    return html.unescape(entity)


def has_html(text: str) -> bool:
    """Whether strip_html could change the text at all (a fast pre-check)."""
    return "<" in text or "&" in text


def strip_html(text: str) -> str:
    """Remove HTML tags (not 「< 墨田区における措置 >」-style brackets) and unescape entities."""
    if not has_html(text):
        return text
    for pattern, replace in HTML_STEPS:
        text = pattern.sub(replace, text)
    return text


@text_cache
def normalize_text(text: str) -> str:
    """The view text rules compare: HTML removed, NFKC, whitespace collapsed to one space."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", strip_html(text))).strip()


@text_cache
def normalized_utf8(text: str) -> bytes:
    """normalize_text as UTF-8 (what RE2 reads): encoded once for every pattern tested on it."""
    return normalize_text(text).encode("utf-8")


@text_cache
def compact_text(text: str) -> str:
    """Normalised text with all whitespace removed: ISO/IEC 27017 == ISO/IEC27017."""
    return normalize_text(text).replace(" ", "")


# ---------------------------------------------------------------- empty forms

# The ways documents say "nothing written", compared on compact_text with one pair of enclosing
# brackets and a final 「。」 removed, case-folded. Runs of dashes (「-」「―」「ー」「——」) are empty
# too. Defined once: documents (a choice that is an empty form is not filled), rules (`is empty`)
# and waivers (an empty 理由 or 承認者) all read this table.
EMPTY_FORMS: frozenset[str] = frozenset({
    "", "空欄", "空白", "未記入", "記入なし", "記載なし", "記載無し", "記載事項なし",
    "なし", "無し", "ナシ", "特になし", "特に無し", "特記事項なし",
    "該当なし", "該当無し", "該当事項なし", "該当事項無し", "該当事項はありません", "該当しない",
    "n/a",
})
_DASH_RUN_RE = compiled(r"[-‐‒–—―−ー─━]{1,3}")
_ENCLOSING = {"(": ")", "[": "]", "【": "】", "「": "」", "<": ">", "〈": "〉"}


# Full-width ASCII (！…～) → ASCII, ideographic and no-break spaces → space: one character for one, so
# offsets into the folded text are offsets into the original (citations keep their spans).
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xA0: 0x20}


def fold_width(text: str) -> str:
    """Full-width digits, letters and brackets to ASCII, wide spaces to spaces; same length as `text`.

    Unlike `normalize_text` (NFKC, HTML removed, whitespace collapsed) this keeps every offset, for
    parsers that report where in the original text something stands.
    """
    if len(text) <= 24:
        return text.translate(_WIDTH_TABLE)
    # str.translate looks every character up in the table (≈ 50 ns each); most characters of a
    # long Japanese text are not in it: translate only the runs that are.
    return _WIDE_RUN.sub(_fold_run, text)


_WIDE_RUN = compiled("[\uff01-\uff5e\u3000\u00a0]+")
"""Exactly the characters of _WIDTH_TABLE."""


def _fold_run(match: re.Match[str]) -> str:
    return match[0].translate(_WIDTH_TABLE)


def is_empty_text(text: str) -> bool:
    """Whether the text says "nothing written": blank, 空欄, (空欄), なし, 該当なし, 「-」「―」, [ ] …

    A form's choice is never tested here: choice fields match their choices first, so a choice
    that happened to read like an empty form would still be a value.
    """
    s = compact_text(text).rstrip("。.")
    if len(s) >= 2 and _ENCLOSING.get(s[0]) == s[-1]:
        s = s[1:-1].rstrip("。.")
    return s.casefold() in EMPTY_FORMS or _DASH_RUN_RE.fullmatch(s) is not None


# ---------------------------------------------------------------- values as printed

# The printed forms show a selection in brackets, sometimes followed by the form's list of
# choices: 「[ 委託する ] ( 4 ) 件」「[ 1万人以上10万人未満 ] <選択肢> 1) 1,000人未満（任意実施） …」.
_SELECTION_RE = compiled(r"\s*[\[［【]([^\[\]［］【】]*)[\]］】]\s*(.*)", re.DOTALL)
_LEGEND_RE = compiled(r"\s*[<＜〈]\s*選択肢\s*[>＞〉].*", re.DOTALL)


def split_selection(text: str) -> tuple[str, str] | None:
    """「[ 委託する ] ( 4 ) 件」 → ("委託する", "( 4 ) 件"); the legend 「<選択肢> 1) …」 is dropped.

    None when the text does not start with a bracketed selection.
    """
    m = _SELECTION_RE.fullmatch(text)
    if m is None:
        return None
    return m[1].strip(), _LEGEND_RE.sub("", m[2]).strip()


def selected_text(text: str) -> str:
    """The value of a single-choice item: the inside of 「[ 再委託する ]」「［再委託する］」「【事後】」
    (a legend after it ignored), else the text itself. Anything else after the bracket keeps the
    whole text, so it is judged (and rejected) as written."""
    selection = split_selection(text)
    if selection is not None and not selection[1]:
        return selection[0]
    return text


# Check boxes: 「[○] 住民基本台帳ネットワークシステム [ ] 既存住民基本台帳システム」 and 「■X □Y」.
CHECK_MARKS = frozenset("○〇◯●◎✓✔☑✅レxXvV")
# Marks that may mean "no" or "partly" (×, △, ?): a box holding one cannot be read either way.
UNREADABLE_MARKS = frozenset("×✕✖?？△▲▽-ー*＊")
_BRACKET_BOX_RE = compiled(r"[\[［]\s*(\S?)\s*[\]］]")
_GLYPH_BOX_RE = compiled(r"[■□☑☐☒]")
_GLYPH_CHECKED = frozenset("■☑☒")


def parse_checkboxes(text: str) -> tuple[tuple[str, bool], ...] | None:
    """「[○] A [ ] B」 or 「■A □B」 → (("A", True), ("B", False)); None when the text is no check-box list.

    The text must start with a box: 「[○]」「[ ]」 (a known check mark or blank), or 「■」「□」 when
    an unchecked 「□」 appears too (「■」 alone is a bullet, not a box).

    Raises:
        ValueError: a later box holds a mark that may mean "no" or "partly" (「[×]」「[△]」
            「[?]」), so what is checked cannot be told.
    """
    body = text.lstrip()
    if (m := _BRACKET_BOX_RE.match(body)) is not None:
        if m[1] and m[1] not in CHECK_MARKS:
            return None
        # A one-character bracket that is no mark at all (「[注]」「[1]」) is text inside a label.
        marks = [(box, box[1]) for box in _BRACKET_BOX_RE.finditer(body)
                 if not box[1] or box[1] in CHECK_MARKS or box[1] in UNREADABLE_MARKS]
    elif _GLYPH_BOX_RE.match(body) and ("□" in body or "☐" in body):
        marks = [(box, box[0]) for box in _GLYPH_BOX_RE.finditer(body)]
    else:
        return None
    out = []
    for i, (box, mark) in enumerate(marks):
        if mark in UNREADABLE_MARKS:
            raise ValueError(f"チェック欄「{box[0]}」の印を解釈できません (印は ○ か空欄: [○] 項目 / [ ] 項目)")
        end = marks[i + 1][0].start() if i + 1 < len(marks) else len(body)
        out.append((body[box.end():end].strip(), mark in CHECK_MARKS or mark in _GLYPH_CHECKED))
    return tuple(out)


class Checked(str):
    """A check-box list as rules read it: the checked labels (joined by `sep`); `.text` is the
    original with every box, `.choices` the checked labels."""

    text: str
    choices: tuple[str, ...]
    sep: str

    def __new__(cls, choices: tuple[str, ...], text: str, sep: str = "\n") -> Checked:
        self = super().__new__(cls, sep.join(choices))
        self.text, self.choices, self.sep = text, choices, sep
        return self

    def __reduce__(self) -> tuple[type, tuple[tuple[str, ...], str, str]]:
        return (Checked, (self.choices, self.text, self.sep))


def checked_text(text: str, sep: str = "\n") -> str:
    """A text field's value: the checked labels of a check-box list, else the text unchanged.

    Raises:
        ValueError: a box whose mark cannot be read (see parse_checkboxes).
    """
    boxes = parse_checkboxes(text)
    if boxes is None:
        return text
    return Checked(tuple(label for label, checked in boxes if checked), text, sep)
