"""The form model as editors show it: field types, choices and the descriptions written on the
pydantic models, for completion and hover in policies and in assessment YAML."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel

from piarules.document.forms import DOCUMENT_MODELS
from piarules.document.validate import _unwrap
from piarules.schema import KINDS, document_type, object_type
from piarules.type_system import BandType, ConflictType, ListType, ObjectType, TextType, Type

KIND_KEY = "評価書の種類"


@cache
def _models() -> dict[str, type[BaseModel]]:
    """Every model class of the forms by class name (ObjectType.name is the class name)."""
    found: dict[str, type[BaseModel]] = {}
    stack: list[type[BaseModel]] = [m for m in DOCUMENT_MODELS.values()]
    while stack:
        model = stack.pop()
        if model.__name__ in found:
            continue
        found[model.__name__] = model
        for f in model.model_fields.values():
            inner = _unwrap(f.annotation)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                stack.append(inner)
    return found


def description(owner: ObjectType, name: str) -> str | None:
    """The description of field `name` of `owner` as written on the form model."""
    model = _models().get(owner.name)
    if model is None:
        return None
    for attr, f in model.model_fields.items():
        if (f.alias or attr) == name:
            return f.description
    return None


def section_doc(owner: ObjectType) -> str | None:
    """The docstring of the model behind `owner` (which part of the form it is)."""
    model = _models().get(owner.name)
    doc = model.__doc__ if model is not None else None
    if not doc or model is None or doc == BaseModel.__doc__:
        return None
    return doc.strip().splitlines()[0]


def choices(type_: Type) -> tuple[str, ...]:
    """The fixed values a field may hold (empty for free text, dates, numbers)."""
    if isinstance(type_, TextType | BandType):
        return type_.choices
    return ()


def type_label(type_: Type) -> str:
    """Japanese name of a type, with the item type of a list."""
    if isinstance(type_, ListType) and isinstance(type_.item, ObjectType):
        return "節のリスト (「- 」で並べる)"
    if isinstance(type_, ConflictType):
        return f"種類によって形の違う節 ({'・'.join(type_.kinds)})"
    return type_.name_ja()


def item_type(type_: Type) -> Type:
    """A list's item type; anything else itself (YAML paths ignore list indexes)."""
    return type_.item if isinstance(type_, ListType) else type_


def document_model_type(kind: str | None) -> ObjectType:
    """The fields of an assessment of this kind (cover and 変更箇所 only when the kind is unknown)."""
    if kind in KINDS:
        return document_type((kind,))
    return object_type(DOCUMENT_MODELS[None])


def all_top_keys() -> frozenset[str]:
    """Every top-level key of any kind of assessment (to recognise an assessment YAML)."""
    return frozenset(document_type().fields)


@cache
def _field_places() -> dict[str, list[tuple[str, ObjectType, Type]]]:
    """Every field of every form by name: (schema path, owning mapping, type)."""
    out: dict[str, list[tuple[str, ObjectType, Type]]] = {}
    seen: set[str] = set()
    stack: list[tuple[str, ObjectType]] = [("", document_type())]
    stack += [("", document_type((kind,))) for kind in KINDS]
    while stack:
        prefix, owner = stack.pop()
        for name, type_ in owner.fields.items():
            schema = f"{prefix}.{name}" if prefix else name
            if schema in seen:
                continue
            seen.add(schema)
            out.setdefault(name, []).append((schema, owner, type_))
            inner = item_type(type_)
            if isinstance(inner, ObjectType):
                stack.append((schema + ("[]" if isinstance(type_, ListType) else ""), inner))
    return out


def fields_named(name: str) -> list[tuple[str, ObjectType, Type]]:
    return sorted(_field_places().get(name, []), key=lambda p: p[0])


@dataclass(frozen=True)
class FieldDoc:
    """What an editor shows about one form field."""

    name: str
    type: Type
    owner: ObjectType
    schema_path: str | None = None

    def markdown(self) -> str:
        lines = [f"**{self.name}** — {type_label(self.type)}"]
        if self.schema_path:
            lines.append(f"様式の項目: `{self.schema_path}`")
        text = description(self.owner, self.name)
        if text and text.startswith("※"):
            lines.append("※ 重要な変更の対象となる項目")
            text = text[1:].strip()
        if text:
            lines.append(text)
        section = section_doc(self.owner)
        if section:
            lines.append(f"節: {section}")
        values = choices(self.type)
        if values:
            lines.append("選択肢: " + "、".join(f"「{v}」" for v in values))
        inner = item_type(self.type)
        if isinstance(inner, ObjectType) and inner.fields:
            shown = list(inner.fields)[:12]
            more = "…" if len(inner.fields) > len(shown) else ""
            lines.append("項目: " + "、".join(shown) + more)
        return "\n\n".join(lines)

    def detail(self) -> str:
        values = choices(self.type)
        head = type_label(self.type)
        return f"{head}: {' / '.join(values)}" if values else head
