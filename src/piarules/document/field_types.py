"""Field types of the form model: Japanese dates, count bands, counts, fixed choices, text.

Each is an Annotated type whose validator turns the YAML text into a jpvalues object and
raises a Japanese error naming the allowed values and the closest one.

Values are read as the printed forms show them (jpvalues "values as printed"): a selection in
brackets 「[ 再委託する ]」「【事後】」 (the form's 「<選択肢> 1) …」 after it ignored), a count after
the selection 「[ 委託する ] ( 4 ) 件」, check boxes 「[○] A [ ] B」「■A □B」 (the checked labels are
the value, the whole text stays in `.text`), dates with 時点/現在/付 and 略記 (R7.1.6). An empty
form (空欄, なし, 「-」 …: jpvalues.EMPTY_FORMS) in a typed field means "not filled" (None), and
rules report it; a typed value that does not parse unambiguously is an error.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from piarules.diagnostics import did_you_mean
from piarules.jpvalues import (
    EMPTY_FORMS,
    Band,
    Checked,
    Count,
    JpDate,
    checked_text,
    is_empty_text,
    parse_band,
    parse_checkboxes,
    parse_count,
    parse_date,
    selected_text,
    split_selection,
)


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("piarules", message)


# ---- JSON Schema: the printed forms and the empty forms validate in editors too

def _alternation(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w).replace("\\ ", " ") for w in words)


_EMPTY_WORDS = sorted((w for w in EMPTY_FORMS if w), key=len, reverse=True)
EMPTY_PATTERN = ("^\\s*[(\\[【「<〈（［＜]?\\s*(" + _alternation([*_EMPTY_WORDS, "N/A"])
                 + "|[-‐‒–—―−ー─━－]{1,3})?\\s*[)\\]】」>〉）］＞]?\\s*[。.]?\\s*$")
_LEGEND = "(\\s*[<＜〈]\\s*選択肢\\s*[>＞〉][\\s\\S]*)?"


def _selection_pattern(choices: tuple[str, ...]) -> str:
    return f"^\\s*[\\[［【]\\s*({_alternation(choices)})?\\s*[\\]］】]{_LEGEND}\\s*$"


def _choice_schema(choices: tuple[str, ...]) -> dict[str, Any]:
    return {"anyOf": [{"enum": list(choices)},
                      {"type": "string", "pattern": _selection_pattern(choices)},
                      {"type": "string", "pattern": EMPTY_PATTERN},
                      {"type": "null"}],
            "examples": list(choices)}


def _flow(value: Any) -> Any:
    """An unquoted 「[ 再委託する ]」 reaches us as the YAML list ["再委託する"]: read it as the
    printed selection it was (a longer list stays a list, and is rejected as one)."""
    if isinstance(value, list) and len(value) <= 1 and all(isinstance(v, str) for v in value):
        return f"[ {value[0]} ]" if value else "[ ]"
    return value


# ---- dates

def _date(value: Any) -> Any:
    value = _flow(value)
    if isinstance(value, str):
        if is_empty_text(value):
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            raise _fail(str(exc)) from None
    return value


DateValue = Annotated[
    JpDate | None,
    BeforeValidator(_date),
    WithJsonSchema({"type": ["string", "null"],
                    "description": "和暦 (令和6年1月31日)、略記 (R6.1.31)、2024-01-31。「時点」「現在」「付」可"}),
]


# ---- count bands

def band_type(*choices: str) -> Any:
    """A count band restricted to the form's printed choices (compared by range, not text)."""
    allowed = [parse_band(c) for c in choices]

    def check(value: Any) -> Any:
        value = _flow(value)
        if not isinstance(value, str):
            return value
        if is_empty_text(selected_text(value)):
            return None
        try:
            band = parse_band(value)
        except ValueError:
            band = None
        if band is None or band not in allowed:
            raise _fail(_choice_message(value, choices))
        return dataclasses.replace(band, text=value)

    prefix = "^\\s*([\\[［【]\\s*)?(" + "|".join(_json_escape(c) for c in choices) + ")"
    schema = {"anyOf": [{"type": "string", "pattern": prefix}, {"type": "string", "pattern": EMPTY_PATTERN},
                        {"type": "null"}],
              "examples": list(choices)}
    return Annotated[Band | None, BeforeValidator(check), WithJsonSchema(schema)]


def _json_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "()（）.+*?[]{}|^$\\" else ch for ch in text)


def _choice_message(value: str, choices: tuple[str, ...] | list[str]) -> str:
    close = did_you_mean(selected_text(value), choices)
    hint = f" もしかして「{close}」" if close else ""
    listed = "、".join(f"「{c}」" for c in choices)
    return f"「{value}」は選択肢にありません。選択肢: {listed}。{hint}".rstrip()


# ---- fixed choices

def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def choice_type(literal: Any) -> Any:
    """A fixed choice (Literal of the form's exact wording), NFKC-tolerant, read as printed."""
    choices = get_args(literal)
    folded = {_fold(c): c for c in choices}

    def check(value: Any) -> Any:
        value = _flow(value)
        if not isinstance(value, str):
            return value
        chosen = selected_text(value)
        # A choice is matched before the empty forms, so a choice that reads like one stays a value.
        if (c := folded.get(_fold(chosen))) is not None:
            return c
        if is_empty_text(chosen):  # 「」「(空欄)」「-」「[ ]」: not filled in; rules report it (e.g. CH-001b)
            return None
        raise _fail(_choice_message(value, choices))

    return Annotated[literal | None, BeforeValidator(check), WithJsonSchema(_choice_schema(choices))]


def multi_choice_type(*choices: str) -> Any:
    """Several choices in one cell: 監査 「自己点検 内部監査」 (space or 、 separated) or as check
    boxes 「[○] 自己点検 [○] 内部監査 [ ] 外部監査」 (the checked ones, kept as Checked)."""

    def check(value: str | None) -> str | None:
        if value is None or is_empty_text(value):
            return None
        try:
            boxes = parse_checkboxes(value)
        except ValueError as exc:
            raise _fail(str(exc)) from None
        parts = ([label for label, on in boxes if on] if boxes is not None
                 else unicodedata.normalize("NFKC", value).replace("、", " ").replace(",", " ").split())
        for part in parts:
            if _fold(part) not in choices:
                raise _fail(_choice_message(part, choices))
        if boxes is None:
            return value
        return Checked(tuple(_fold(p) for p in parts), value, " ") if parts else None

    schema = {"type": ["string", "null"],
              "description": "次の値を空白区切りで、またはチェック欄 ([○] 自己点検 [ ] 内部監査) で: " + " / ".join(choices)}
    return Annotated[str | None, AfterValidator(check), WithJsonSchema(schema)]


# ---- 委託の有無: 「委託しない」「委託する (4件)」「4件」「[ 委託する ] ( 4 ) 件」

_PRINTED_COUNT_RE = re.compile(r"\(\s*(\d[\d,]*)?\s*(?:件)?\s*\)\s*件?|(\d[\d,]*)\s*件")


def _printed_entrust_count(choice: str, rest: str, value: str) -> Count:
    """「[ 委託する ] ( 4 ) 件」: the selection, then the count the form prints after it."""
    m = _PRINTED_COUNT_RE.fullmatch(unicodedata.normalize("NFKC", rest)) if rest else None
    if rest and m is None:
        raise _fail(f"「{value}」の件数を解釈できません。例: 「[ 委託する ] ( 4 ) 件」")
    digits = (m[1] or m[2]) if m else None
    n = int(digits.replace(",", "")) if digits else None
    if choice == "委託しない" and not n:
        return Count(0, value)
    if choice == "委託する" and n:
        return Count(n, value)
    if choice == "委託する":
        raise _fail(f"「{value}」: 委託するのに件数がありません。例: 「[ 委託する ] ( 4 ) 件」")
    raise _fail(f"「{value}」は委託の有無として解釈できません。例: 「[ 委託しない ]」「[ 委託する ] ( 4 ) 件」")


def _entrust_count(value: Any) -> Any:
    value = _flow(value)
    if not isinstance(value, str):
        return value
    if is_empty_text(selected_text(value)):
        return None
    selection = split_selection(value)
    if selection is not None:
        return _printed_entrust_count(_fold(selection[0]).replace(" ", ""), selection[1], value)
    folded = unicodedata.normalize("NFKC", value).replace(" ", "")
    if folded == "委託しない":
        return Count(0, value)
    for prefix in ("委託する(", "委託する"):
        if folded.startswith(prefix):
            folded = folded[len(prefix):].rstrip(")")
    try:
        return Count(int(parse_count(folded)), value)
    except ValueError:
        raise _fail(f"「{value}」は委託の有無として解釈できません。例: 「委託しない」「委託する (4件)」「4件」") from None


EntrustCount = Annotated[
    Count | None,
    BeforeValidator(_entrust_count),
    WithJsonSchema({"type": ["string", "null"],
                    "description": "「委託しない」「委託する (4件)」「4件」または様式の表示「[ 委託する ] ( 4 ) 件」"}),
]


# ---- free text

def _lines(value: Any) -> Any:
    if isinstance(value, list):  # bullet lists are allowed and kept as lines
        if any(isinstance(v, list | dict) for v in value):  # str() would write Python's repr
            raise _fail("箇条書きの各行は文字列で書いてください (入れ子のリストや「項目: 値」は書けません)")
        return "\n".join("" if v is None else str(v) for v in value)
    return value


def _checked(value: str) -> str:
    try:
        return checked_text(value)
    except ValueError as exc:
        raise _fail(str(exc)) from None


Text = Annotated[str, BeforeValidator(_lines), AfterValidator(_checked)]
"""Free text, kept verbatim; a YAML list of lines is joined with newlines. A check-box list
「[○] A [ ] B」 reads as its checked labels (one per line), the whole text kept in `.text`."""

OptionalText = Text | None

# ---- fixed choices printed on the forms (domain.md §1.3, §2.4, §6, §7) ----
評価書の種類 = choice_type(Literal["基礎項目評価書", "重点項目評価書", "全項目評価書"])
提出時期 = choice_type(Literal["事前", "事後"])
再委託の有無 = choice_type(Literal["再委託する", "再委託しない"])
発生有無 = choice_type(Literal["発生あり", "発生なし"])
実施の有無 = choice_type(Literal["実施する", "実施しない", "未定"])
取扱者数500 = choice_type(Literal["500人以上", "500人未満"])
十分性 = choice_type(Literal["特に力を入れている", "十分である", "課題が残されている"])
実施度 = choice_type(Literal["特に力を入れて行っている", "十分に行っている", "十分に行っていない"])
再委託担保 = choice_type(
    Literal["特に力を入れて行っている", "十分に行っている", "十分に行っていない", "再委託していない"]
)
定め = choice_type(Literal["定めている", "定めていない"])
記録 = choice_type(Literal["記録を残している", "記録を残していない"])
制限 = choice_type(Literal["制限している", "制限していない"])
提出評価書 = choice_type(
    Literal["基礎項目評価書", "基礎項目評価書及び重点項目評価書", "基礎項目評価書及び全項目評価書"]
)
監査の種類 = multi_choice_type("自己点検", "内部監査", "外部監査")

対象人数 = band_type(
    "1,000人未満（任意実施）", "1,000人以上1万人未満", "1万人以上10万人未満",
    "10万人以上30万人未満", "30万人以上",
)
本人の数 = band_type(
    "1万人未満", "1万人以上10万人未満", "10万人以上100万人未満",
    "100万人以上1,000万人未満", "1,000万人以上",
)
取扱者数帯 = band_type(
    "10人未満", "10人以上50人未満", "50人以上100人未満", "100人以上500人未満",
    "500人以上1,000人未満", "1,000人以上",
)
記録項目数 = band_type("10項目未満", "10項目以上50項目未満", "50項目以上100項目未満", "100項目以上")

