"""Form model (pydantic) → checker types, so policies resolve paths against the real form."""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import Any

from pydantic import BaseModel

from piarules.document.forms import DOCUMENT_MODELS
from piarules.jpvalues import Band, Count, JpDate
from piarules.type_system import (
    BOOL,
    DATE,
    NUMBER,
    TEXT,
    UNKNOWN,
    BandType,
    ListType,
    ObjectType,
    TextType,
    Type,
)


def _annotated_choices(meta: tuple[Any, ...]) -> tuple[str, ...]:
    for m in meta:
        schema = getattr(m, "json_schema", None)
        if isinstance(schema, dict) and "examples" in schema:
            return tuple(schema["examples"])
    return ()


def type_of(annotation: Any) -> Type:
    """Map a field annotation to a checker type."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return type_of(args[0]) if len(args) == 1 else UNKNOWN
    if origin is list:
        return ListType(type_of(typing.get_args(annotation)[0]))
    if origin is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        if base is Band:
            return BandType(_annotated_choices(tuple(meta)))
        return type_of(base)
    if origin is typing.Literal:
        return TextType(tuple(typing.get_args(annotation)))
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return object_type(annotation)
        if issubclass(annotation, JpDate):
            return DATE
        if issubclass(annotation, Count | int | float) and annotation is not bool:
            return NUMBER
        if annotation is bool:
            return BOOL
        if issubclass(annotation, str):
            return TEXT
    return UNKNOWN


@cache
def object_type(model: type[BaseModel]) -> ObjectType:
    """The ObjectType of a model class, keyed by YAML names (cached per class)."""
    fields = {(f.alias or n): type_of(f.annotation) for n, f in model.model_fields.items()}
    return ObjectType(model.__name__, fields)


@cache
def document_type() -> ObjectType:
    """The union of all document kinds' fields: a policy may address any form's items."""
    merged: dict[str, Type] = {}
    for model in DOCUMENT_MODELS.values():
        merged.update(object_type(model).fields)
    return ObjectType("評価書", merged)
