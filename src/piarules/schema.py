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
    ConflictType,
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
        if base is Band or base == Band | None:
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


KINDS = tuple(k for k in DOCUMENT_MODELS if k is not None)


@cache
def document_type(kinds: tuple[str, ...] = ()) -> ObjectType:
    """The document fields of the given kinds (all kinds when empty).

    A field whose type differs between the kinds becomes a ConflictType: a rule must say
    `applies to` one kind to use it.
    """
    merged: dict[str, Type] = {}
    owners: dict[str, list[str]] = {}
    for kind in kinds or KINDS:
        for name, type_ in object_type(DOCUMENT_MODELS[kind]).fields.items():
            if name in merged and merged[name] != type_ and not isinstance(merged[name], ConflictType):
                merged[name] = ConflictType(tuple(owners[name] + [kind]))
            elif name not in merged:
                merged[name] = type_
            owners.setdefault(name, []).append(kind)
    return ObjectType("評価書", merged)
