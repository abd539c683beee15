"""What evaluation works on at run time: the per-document environment, the texts in force (本文)
and path following. The closures built by compile.py read and write only these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from typing import Any

from piarules.document.source_map import DocPath
from piarules.values import MISSING, Unreadable

MAX_SLOTS = 32


class TextLeaf(str):
    """A text of the document that knows where it stands, which form item it belongs to and
    when it was written (本文)."""

    doc_path: DocPath
    written_on: dt.date | Unreadable | None = None
    """The 変更日 of the row it was written in (unreadable: the text's date is unknown)."""
    field: str | None
    """The form item, as a schema path without indexes (基本情報.個人番号の利用.法令上の根拠); for a
    change row's 変更後の記載, the item the row changes (from its 項目の解析), when known."""

    parent: dict[str, Any] | None = None
    """The mapping the text stands in (its siblings tell what it is about: a 提供先's 提供方法).
    (written_on and parent default to None on the class: a leaf built in `_collect` stores only
    what it has.)"""

    def __new__(cls, value: str, doc_path: DocPath, written_on: dt.date | Unreadable | None = None,
                field: str | None = None, parent: dict[str, Any] | None = None) -> TextLeaf:
        self = super().__new__(cls, value)
        self.doc_path = doc_path
        self.written_on = written_on
        self.field = field if field is not None else _field_of(doc_path)
        self.parent = parent
        return self

    @cached_property
    def context(self) -> str:
        """The other texts of the same mapping (computed when asked, once: only citation
        judgements read it)."""
        if not self.parent:
            return ""
        return "\n".join(v for v in self.parent.values() if isinstance(v, str) and v is not self and v != self)


def _field_of(doc_path: DocPath) -> str:
    return ".".join(str(p) for p in doc_path if isinstance(p, str))


def text_leaves(value: Any, path: DocPath = (), parent: dict[str, Any] | None = None) -> list[TextLeaf]:
    """本文: the document's text in force — every string outside 変更箇所, plus each change
    row's 変更後の記載 dated by its 変更日 (変更前の記載 is history and never included)."""
    out: list[TextLeaf] = []
    if not path and isinstance(value, dict) and isinstance(rows := value.get("変更箇所"), list):
        for k, v in value.items():
            if k != "変更箇所":
                _collect(v, (k,), k, value, out)
        out.extend(_row_leaves(rows))
        return out
    _collect(value, path, _field_of(path), parent, out)
    return out


def _collect(value: Any, path: DocPath, field: str, parent: dict[str, Any] | None, out: list[TextLeaf]) -> None:
    """The strings below `value`, each with its place and its form item (`field`, the dotted
    names of `path`, built on the way down rather than joined again for every text). A string
    in a mapping or list becomes its leaf in the loop, without a Python call (most values are
    strings: leaf calls were most of the time of building 本文)."""
    if type(value) is str:
        out.append(TextLeaf(value, path, None, field, parent))
    elif isinstance(value, dict):
        for k, v in value.items():
            if type(v) is str:
                leaf = _new_text(TextLeaf, v)  # TextLeaf(v, (*path, k), None, below, value)
                leaf.doc_path = (*path, k)
                leaf.field = field if not isinstance(k, str) else f"{field}.{k}" if field else k
                leaf.parent = value
                out.append(leaf)
            elif isinstance(v, (dict, list)):
                _collect(v, (*path, k), field if not isinstance(k, str) else f"{field}.{k}" if field else k,
                         value, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if type(v) is str:
                leaf = _new_text(TextLeaf, v)  # TextLeaf(v, (*path, i), None, field, None)
                leaf.doc_path = (*path, i)
                leaf.field = field
                out.append(leaf)
            elif isinstance(v, (dict, list)):
                _collect(v, (*path, i), field, None, out)


_new_text = str.__new__


def _row_leaves(rows: list[Any]) -> list[TextLeaf]:
    out = []
    for i, row in enumerate(rows):
        if isinstance(row, dict) and isinstance(text := row.get("変更後の記載"), str):
            date = row.get("変更日")
            analysis = row.get("項目の解析")
            item = analysis.get("様式パス") if isinstance(analysis, dict) else None
            field = item.replace("[]", "") if isinstance(item, str) else None
            written = date if isinstance(date, dt.date) or date.__class__ is Unreadable else None
            leaf = _new_text(TextLeaf, text)  # TextLeaf(text, (…), written, field), without a call
            leaf.doc_path = ("変更箇所", i, "変更後の記載")
            leaf.written_on = written
            leaf.field = field if field is not None else "変更箇所.変更後の記載"
            out.append(leaf)
    return out


class RunEnv:
    """Per-document evaluation state: the tree, the judging date, scope slots."""

    __slots__ = ("_texts", "as_of", "companions", "indexes", "memo", "paths", "reported", "root", "values")

    def __init__(self, root: dict[str, Any], as_of: dt.date | Unreadable,
                 companions: dict[str, dict[str, Any]] | None = None):
        self.root = root
        self.companions = companions or {}
        """The other documents of the same 事務 checked together, by kind (評価書の種類 → tree)."""
        self.as_of = as_of
        """The judging date (基準日); unknown when the date it comes from cannot be read."""
        self.values: list[Any] = [MISSING] * MAX_SLOTS
        # INVARIANT: the place of the item in slot s is paths[s] + (indexes[s],) when
        # indexes[s] >= 0, else paths[s] itself (None: no place). Built lazily: tuples are
        # only made when a finding needs a location.
        self.paths: list[DocPath | None] = [None] * MAX_SLOTS
        self.indexes: list[int] = [-1] * MAX_SLOTS
        self._texts: list[TextLeaf] | None = None
        self.memo: dict[object, Any] = {}
        """Per-document results of compiled look-backs (compile._candidates), by their key."""
        self.reported: dict[tuple[str, DocPath], tuple[list[Any], Any]] = {}
        """(rule id, place) → (the list it was reported into, the finding): evaluate._report."""

    def place(self, slot: int) -> DocPath | None:
        base, index = self.paths[slot], self.indexes[slot]
        return base if base is None or index < 0 else (*base, index)

    def texts(self) -> list[TextLeaf]:
        """本文: computed once per document, on first use."""
        if self._texts is None:
            self._texts = text_leaves(self.root)
        return self._texts


Fn = Callable[["RunEnv"], Any]
TextFn = Callable[[str], bool]
Matchers = dict[str, TextFn]


def follow(value: Any, fields: tuple[str | int, ...]) -> Any:
    """The value at `fields` below `value`; MISSING where the path does not exist, the unreadable
    value itself where the path goes through one (what stands below it is unknown)."""
    for part in fields:
        if isinstance(part, int):
            if isinstance(value, list) and -len(value) <= part < len(value):
                value = value[part]
            else:
                return value if value.__class__ is Unreadable else MISSING
        elif isinstance(value, dict):
            value = value.get(part, MISSING)
        else:
            return value if value.__class__ is Unreadable else MISSING
        if value is None:
            return MISSING
    return value


def nz(value: Any) -> Any:
    """YAML null reads as an absent value."""
    return MISSING if value is None else value
