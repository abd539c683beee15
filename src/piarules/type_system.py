"""The checker's types: what a policy expression can denote, derived from the form model.

Unknown is the recovery type: after one error, an expression of Unknown type raises no more.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Type:
    """Base of all checker types."""

    def name_ja(self) -> str:
        return "値"


@dataclass(frozen=True)
class TextType(Type):
    """Free text or a fixed choice (choices non-empty)."""

    choices: tuple[str, ...] = ()

    def name_ja(self) -> str:
        return "選択肢" if self.choices else "文字列"


@dataclass(frozen=True)
class DateType(Type):
    def name_ja(self) -> str:
        return "日付"


@dataclass(frozen=True)
class BandType(Type):
    """A count band (人数帯); choices are the printed values."""

    choices: tuple[str, ...] = ()

    def name_ja(self) -> str:
        return "人数帯"


@dataclass(frozen=True)
class NumberType(Type):
    def name_ja(self) -> str:
        return "数値"


@dataclass(frozen=True)
class BoolType(Type):
    def name_ja(self) -> str:
        return "真偽値"


@dataclass(frozen=True)
class DurationType(Type):
    def name_ja(self) -> str:
        return "期間"


@dataclass(frozen=True)
class MatcherType(Type):
    def name_ja(self) -> str:
        return "マッチャー"


@dataclass(frozen=True)
class ListType(Type):
    item: Type = field(default_factory=Type)

    def name_ja(self) -> str:
        known = not isinstance(self.item, UnknownType) and type(self.item) is not Type
        return f"{self.item.name_ja()}のリスト" if known else "リスト"


@dataclass(frozen=True)
class ObjectType(Type):
    """A mapping of the form; `fields` maps YAML keys to types (compare by name only)."""

    name: str = ""
    fields: dict[str, Type] = field(default_factory=dict, compare=False, hash=False)

    def name_ja(self) -> str:
        return self.name if self.name and not self.name.isascii() else "節"


@dataclass(frozen=True)
class ConflictType(Type):
    """A document field whose shape differs by form kind (e.g. リスク対策)."""

    kinds: tuple[str, ...] = ()

    def name_ja(self) -> str:
        return "種類によって形の違う節"


@dataclass(frozen=True)
class UnknownType(Type):
    def name_ja(self) -> str:
        return "不明"


TEXT = TextType()
DATE = DateType()
NUMBER = NumberType()
BOOL = BoolType()
DURATION = DurationType()
MATCHER = MatcherType()
UNKNOWN = UnknownType()


def comparable(a: Type, b: Type) -> bool:
    """Whether values of a and b may be compared (==, <, …)."""
    if isinstance(a, UnknownType) or isinstance(b, UnknownType):
        return True
    groups = (
        (TextType,),
        (DateType,),
        (BandType, NumberType),
        (BoolType,),
        (DurationType,),
    )
    return any(isinstance(a, g) and isinstance(b, g) for g in groups)
