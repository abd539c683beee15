"""Validate loaded YAML data against the form model; map pydantic errors to spans.

Also converts the validated model, once, into the evaluation tree rules read: dicts keyed by
the form's Japanese names (aliases), only the keys the user wrote, typed leaves (JpDate,
Band, Count, str).
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from piarules.diagnostics import Diagnostic, suggestion
from piarules.document.forms import DOCUMENT_MODELS, Cover
from piarules.document.source_map import DocPath, SourceMap, format_path

_TYPE_MESSAGES = {
    "string_type": "文字列を書いてください",
    "model_type": "項目の並び (「項目名: 値」の形) を書いてください",
    "model_attributes_type": "項目の並び (「項目名: 値」の形) を書いてください",
    "dict_type": "項目の並び (「項目名: 値」の形) を書いてください",
    "list_type": "リスト (「- 」で始まる行の並び) を書いてください",
    "int_parsing": "数字を書いてください",
    "int_type": "数字を書いてください",
    "literal_error": "選択肢にない値です",
    "bool_type": "はい/いいえ ではなく、様式の選択肢を書いてください",
    "date_type": "日付 (例: 令和6年1月31日) を書いてください",
}


def model_class_at(model: type[BaseModel], loc: DocPath) -> type[BaseModel] | None:
    """The model class that describes the mapping at `loc` (by YAML key), if any."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """list[X] | None → X; Annotated[...] → its origin type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if args else annotation
        elif origin is list or origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def field_keys(model: type[BaseModel]) -> list[str]:
    """The YAML keys a model accepts."""
    return [f.alias or n for n, f in model.model_fields.items()]


def _diagnostic(error: Any, model: type[Cover], source_map: SourceMap) -> Diagnostic:
    loc: DocPath = tuple(error["loc"])
    where = source_map.span_of(loc)
    name = format_path(loc)
    if error["type"] == "extra_forbidden":
        parent = model_class_at(model, loc[:-1])
        key = str(loc[-1])
        if model.KIND is None and any(key in field_keys(m) for m in DOCUMENT_MODELS.values() if m is not model):
            return Diagnostic("PIA307", f"「{key}」は評価書の種類を指定した文書にだけ書けます", where,
                              help="先頭に「評価書の種類: 重点項目評価書」などを書いてください")
        if model.KIND is not None:
            owners = [m.KIND for m in DOCUMENT_MODELS.values() if m.KIND and key in field_keys(m)]
            if owners and loc[:-1] == ():
                return Diagnostic("PIA307", f"「{key}」は{model.KIND}にはない節です ({'・'.join(owners)}の節)",
                                  where)
        help_text = suggestion(key, field_keys(parent)) if parent else None
        return Diagnostic("PIA302", f"様式にない項目名「{key}」", where, help=help_text)
    if error["type"] == "piarules":
        code = "PIA304" if "日付" in error["msg"] else "PIA303"
        return Diagnostic(code, f"{name}: {error['msg']}", where)
    message = _TYPE_MESSAGES.get(error["type"], error["msg"])
    return Diagnostic("PIA303", f"{name}: {message}", where)


def validate_data(data: Any, source_map: SourceMap) -> tuple[Cover | None, list[Diagnostic]]:
    """Choose the model by 評価書の種類 and validate; diagnostics carry YAML spans."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [Diagnostic("PIA303", "文書の最上位は「項目名: 値」の並びでなければなりません",
                                 source_map.span_of(()))]
    kind = data.get("評価書の種類")
    model = DOCUMENT_MODELS.get(kind if isinstance(kind, str) else None, DOCUMENT_MODELS[None])
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [_diagnostic(e, model, source_map) for e in exc.errors()]


def model_to_tree(model: BaseModel) -> dict[str, Any]:
    """The evaluation tree: keys as written (aliases), only fields the user set."""
    fields = type(model).model_fields
    out: dict[str, Any] = {}
    for name in model.model_fields_set:
        value = getattr(model, name)
        out[fields[name].alias or name] = _to_tree(value)
    return out


def _to_tree(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return model_to_tree(value)
    if isinstance(value, list):
        return [_to_tree(v) for v in value]
    return value
