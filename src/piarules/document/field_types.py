"""Field types of the form model: Japanese dates, count bands, counts, fixed choices.

Each is an Annotated type whose validator turns the YAML text into a jpvalues object and
raises a Japanese error naming the allowed values and the closest one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Annotated, Any, Literal, get_args

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from piarules.diagnostics import did_you_mean
from piarules.jpvalues import Band, Count, JpDate, is_empty_text, parse_band, parse_count, parse_date


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("piarules", message)


def _date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError as exc:
            raise _fail(str(exc)) from None
    return value


DateValue = Annotated[
    JpDate,
    BeforeValidator(_date),
    WithJsonSchema({"type": "string", "description": "和暦 (令和6年1月31日) または 2024-01-31"}),
]


def band_type(*choices: str) -> Any:
    """A count band restricted to the form's printed choices (compared by range, not text)."""
    allowed = [parse_band(c) for c in choices]

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            band = parse_band(value)
        except ValueError:
            band = None
        if band is None or band not in allowed:
            raise _fail(_choice_message(value, choices))
        return band

    schema = {"type": "string", "examples": list(choices),
              "pattern": "^(" + "|".join(_json_escape(c) for c in choices) + ")"}
    return Annotated[Band, BeforeValidator(check), WithJsonSchema(schema)]


def _json_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "()（）.+*?[]{}|^$\\" else ch for ch in text)


def _choice_message(value: str, choices: tuple[str, ...] | list[str]) -> str:
    close = did_you_mean(value, choices)
    hint = f" もしかして「{close}」" if close else ""
    listed = "、".join(f"「{c}」" for c in choices)
    return f"「{value}」は選択肢にありません。選択肢: {listed}。{hint}".rstrip()


def choice_type(literal: Any) -> Any:
    """A fixed choice (Literal of the form's exact wording), NFKC-tolerant on input."""
    choices = get_args(literal)

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if is_empty_text(value):  # 「」「(空欄)」「-」: not filled in; rules report it (e.g. CH-001b)
            return None
        folded = unicodedata.normalize("NFKC", value).strip()
        for c in choices:
            if unicodedata.normalize("NFKC", c) == folded:
                return c
        raise _fail(_choice_message(value, choices))

    return Annotated[literal | None, BeforeValidator(check)]


def multi_choice_type(*choices: str) -> Any:
    """Several choices in one cell, e.g. 監査 「自己点検 内部監査」 (space or 、 separated)."""

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        parts = unicodedata.normalize("NFKC", value).replace("、", " ").replace(",", " ").split()
        for part in parts:
            if part not in choices:
                raise _fail(_choice_message(part, choices))
        return value

    schema = {"type": "string", "description": "次の値を空白区切りで: " + " / ".join(choices)}
    return Annotated[str, BeforeValidator(check), WithJsonSchema(schema)]


def _entrust_count(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    folded = unicodedata.normalize("NFKC", value).replace(" ", "")
    if folded == "委託しない":
        return Count(0, value)
    for prefix in ("委託する(", "委託する"):
        if folded.startswith(prefix):
            folded = folded[len(prefix):].rstrip(")")
    try:
        return parse_count(folded)
    except ValueError:
        raise _fail(f"「{value}」は委託の有無として解釈できません。例: 「委託しない」「委託する (4件)」「4件」") from None


EntrustCount = Annotated[
    Count,
    BeforeValidator(_entrust_count),
    WithJsonSchema({"type": "string", "description": "「委託しない」「委託する (4件)」または「4件」"}),
]


def _text(value: Any) -> Any:
    if isinstance(value, list):  # bullet lists are allowed and kept as lines
        return "\n".join(str(v) for v in value)
    return value


Text = Annotated[str, BeforeValidator(_text)]
"""Free text, kept verbatim; a YAML list of lines is joined with newlines."""

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

is_blank: Callable[[str], bool] = is_empty_text
