"""Runtime values: the Missing sentinel, unreadable values (unknown), emptiness, display text,
and date arithmetic."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any, Final

from piarules.ast import Unit
from piarules.jpvalues import Band, is_empty_text


class _Missing:
    """An absent YAML path. Comparisons with it are false; `is present` is false."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()


class Unreadable:
    """A value written in the document that the form model cannot read (a date, band, count or
    choice in a form nobody foresaw): kept as written, and unknown to the rules.

    Rules evaluate with three-valued (Kleene) logic: a comparison, test or arithmetic on an
    unreadable value yields that value (unknown); `and` is false if any operand is false, `or`
    true if any is true, else unknown; `not` keeps unknown. Presence is decidable (something is
    written): `is present` and `is not empty` are true. A rule whose verdict is unknown neither
    fires nor passes: it reports that it could not check the item (evaluate.py).
    """

    __slots__ = ("path", "reason", "text")

    def __init__(self, text: str, reason: str, path: tuple[str | int, ...]) -> None:
        self.text = text
        """The value as written (a mapping or list is shown as its YAML text)."""
        self.reason = reason
        """Why it cannot be read (the load diagnostic's message)."""
        self.path = path
        """Where it stands in the document."""

    def __repr__(self) -> str:
        return f"Unreadable({self.text!r} at {self.path})"

    def __bool__(self) -> bool:
        raise TypeError("an unreadable value has no truth value; test `type(x) is Unreadable` first")


def is_unreadable(value: Any) -> bool:
    return value.__class__ is Unreadable


def is_missing(value: Any) -> bool:
    return value is MISSING or value is None


def is_empty(value: Any) -> bool:
    """An absent value, an empty list and an empty form (jpvalues.EMPTY_FORMS: blank, 空欄, なし,
    該当なし, 「-」「—」, [ ] …) are all empty; so is a check-box list with nothing checked."""
    if value is MISSING or value is None:
        return True
    if value.__class__ is Unreadable:
        return False  # something is written
    if isinstance(value, str):
        return is_empty_text(value)
    if isinstance(value, list | dict):
        return not value
    return False


def display(value: Any) -> str:
    """How a value appears inside a Japanese message."""
    if value is MISSING or value is None:
        return "(未記入)"
    if value.__class__ is Unreadable:
        return display(value.text)
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, list):
        return "、".join(display(v) for v in value)
    if hasattr(value, "display_text"):  # a value with its own wording (a legal citation)
        return str(value.display_text)
    if isinstance(value, dict):
        return "(節)"
    if isinstance(value, dt.date) and not hasattr(value, "text"):
        return _wareki(value)  # a computed date (基準日 of today, an amendment date): as officials write it
    if isinstance(value, Band):
        return value.text
    text = " ".join(str(value).split())  # one line: cells may hold line breaks
    return text if len(text) <= 60 else text[:57] + "…"


def shift_date(value: dt.date, amount: int, unit: Unit) -> dt.date | _Missing:
    """value + amount units; the 29th of February falls back to the 28th. A result outside the
    years 1–9999 is MISSING (unknown), as an absent date is: comparisons with it are false."""
    if unit is Unit.DAY:
        try:
            return value + dt.timedelta(days=amount)
        except OverflowError:
            return MISSING
    months = amount * 12 if unit is Unit.YEAR else amount
    total = value.year * 12 + (value.month - 1) + months
    year, month = divmod(total, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return MISSING
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


def _wareki(value: dt.date) -> str:
    from piarules.jpvalues import to_wareki

    return to_wareki(value, gannen=True)
