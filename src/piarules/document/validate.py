"""Validate loaded YAML data against the form model; map pydantic errors to spans.

Also converts the validated model, once, into the evaluation tree rules read: dicts keyed by
the form's Japanese names (aliases), only the keys the user wrote, typed leaves (JpDate,
Band, Count, str).
"""

from __future__ import annotations

import copy
import functools
import types
import typing
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from piarules.diagnostics import Diagnostic, suggestion
from piarules.document.forms import DOCUMENT_MODELS, Cover
from piarules.document.source_map import DocPath, SourceMap, format_path
from piarules.values import Unreadable

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


_ROUNDS = 8
"""Validation rounds: each replaces the values the previous one could not read (a list item
of a section takes two: None, then an empty mapping)."""
_REPLACEMENTS: tuple[Any, ...] = (None, {}, [])


def validate_data(data: Any, source_map: SourceMap) -> tuple[Cover | None, list[Diagnostic], dict[DocPath, Unreadable]]:
    """Choose the model by 評価書の種類 and validate, degrading per value.

    A value the model cannot read (a choice, date, band or count written in an unforeseen way, a
    section written as text) is reported at its place, kept as written in the returned map, and
    replaced by an absent value so that the rest of the document validates; an unknown key is
    reported and left out. An unreadable 評価書の種類 is unknown too: the document is read with
    the form its sections fit best, and the rules limited to a kind cannot decide. Only a
    document that is not a mapping is rejected as a whole (model None).
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [Diagnostic("PIA303", "文書の最上位は「項目名: 値」の並びでなければなりません",
                                 source_map.span_of(()))], {}
    diagnostics: list[Diagnostic] = []
    unreadable: dict[DocPath, Unreadable] = {}
    tried: dict[DocPath, int] = {}
    kind, problem = read_kind(data.get("評価書の種類"))
    work = data
    if problem is not None:
        where = source_map.span_of(("評価書の種類",))
        diagnostics.append(Diagnostic("PIA303", f"評価書の種類: {problem}", where,
                                      help="評価書の種類が分からないため、種類を限ったルールは判定しません"))
        unreadable[("評価書の種類",)] = Unreadable(_written(data["評価書の種類"]), diagnostics[-1].message, ("評価書の種類",))
        kind = _best_fitting_kind(data)
        work = {**data, "評価書の種類": kind}
        tried[("評価書の種類",)] = len(_REPLACEMENTS)
    model = DOCUMENT_MODELS.get(kind, DOCUMENT_MODELS[None])
    for _ in range(_ROUNDS):
        try:
            return model.model_validate(work), diagnostics, unreadable
        except ValidationError as exc:
            errors = exc.errors()
        if work is data:
            work = copy.deepcopy(data)  # the user's data stays as loaded
        for error in errors:
            loc = _data_loc(work, tuple(error["loc"]))
            if loc not in tried:
                diagnostics.append(_diagnostic(error, model, source_map))
            if not loc:
                return None, diagnostics, {}
            if error["type"] == "extra_forbidden":
                _remove(work, loc)
                continue
            attempt = tried.get(loc, 0)
            if attempt >= len(_REPLACEMENTS):
                return None, diagnostics, {}
            if attempt == 0:
                unreadable[loc] = Unreadable(_written(_at(work, loc)), diagnostics[-1].message, loc)
            _put(work, loc, copy.copy(_REPLACEMENTS[attempt]))
            tried[loc] = attempt + 1
    return None, diagnostics, {}


def _child(value: Any, part: str | int) -> tuple[bool, Any]:
    """(True, the value at `part`) when `value` has it, else (False, None)."""
    if isinstance(value, dict) and isinstance(part, str) and part in value:
        return True, value[part]
    if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
        return True, value[part]
    return False, None


def read_kind(value: Any) -> tuple[str | None, str | None]:
    """(評価書の種類 as the form names it, None) for a kind written as the form or as printed
    (「[ 重点項目評価書 ]」); (None, why) for one that cannot be read; (None, None) when absent."""
    if value is None:
        return None, None
    try:
        kind = _kind_reader().validate_python(value)
    except ValidationError as exc:
        return None, exc.errors()[0]["msg"]
    return (kind, None) if kind in DOCUMENT_MODELS else (None, None)


@functools.cache
def _kind_reader() -> TypeAdapter[Any]:
    from piarules.document import field_types

    return TypeAdapter(field_types.評価書の種類)


def _best_fitting_kind(data: dict[str, Any]) -> str:
    """The kind whose form fits the document's sections best (fewest errors); 全項目評価書 on a
    tie, its form being the widest. Only a guess of the form to read with: rules see the kind as
    unknown."""
    def errors(kind: str) -> int:
        try:
            DOCUMENT_MODELS[kind].model_validate({**data, "評価書の種類": kind})
        except ValidationError as exc:
            return exc.error_count()
        return 0

    return min(("全項目評価書", "重点項目評価書", "基礎項目評価書"), key=errors)


def _data_loc(data: Any, loc: DocPath) -> DocPath:
    """The part of a pydantic error location that names places in the data (pydantic adds the
    member of a union it tried, e.g. `str` or `list[str]`, which the data does not have)."""
    value, out = data, []
    for part in loc:
        found, value = _child(value, part)
        if not found:
            break
        out.append(part)
    return tuple(out)


def _at(data: Any, loc: DocPath) -> Any:
    """The value at a location `_data_loc` gave (it exists)."""
    for part in loc:
        data = data[part]
    return data


def _put(data: Any, loc: DocPath, value: Any) -> None:
    _at(data, loc[:-1])[loc[-1]] = value


def _remove(data: Any, loc: DocPath) -> None:
    parent = _at(data, loc[:-1])
    if isinstance(parent, dict):
        parent.pop(loc[-1], None)


def _written(value: Any) -> str:
    """A value as the document has it, for messages (a mapping or list is named, not dumped)."""
    if isinstance(value, dict):
        return "(項目の並び)"
    if isinstance(value, list):
        return "(リスト)"
    return "" if value is None else str(value)


def place_unreadable(tree: dict[str, Any], unreadable: dict[DocPath, Unreadable]) -> None:
    """Put each unreadable value into the evaluation tree where the model left it absent, so
    rules read it as unknown (an unreadable value inside an unreadable one needs no place)."""
    for loc, value in sorted(unreadable.items(), key=lambda item: len(item[0])):
        parent: Any = tree
        for part in loc[:-1]:
            parent = _child(parent, part)[1]
        last = loc[-1]
        if isinstance(parent, dict) or _child(parent, last)[0]:
            parent[last] = value


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
