"""A loaded document: what evaluation, the reporters and the document cache hold. Apart from the
loading pipeline (pipeline.py), so that a document read back from the document cache needs
neither the YAML parser nor the form models (pydantic): a run after a document changed imports
neither."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from piarules.document.source_map import DocPath, SourceMap
from piarules.span import Span
from piarules.values import Unreadable

if TYPE_CHECKING:
    from piarules.document.forms import Cover


@dataclass
class Document:
    """A validated assessment document, ready for evaluation."""

    path: str
    text: str
    model: Cover | None
    """The validated form model; None for a document read back from the document cache (the
    model is a third of a cache entry and half its reading time, and evaluation reads the tree:
    what it needs of the model is `form_kind` and `published`)."""
    tree: dict[str, Any]
    source_map: SourceMap
    absent_sections: tuple[str, ...] = field(default=())
    unreadable: dict[DocPath, Unreadable] = field(default_factory=dict)
    """Values the form model could not read, by place: reported at load, unknown to the rules."""
    table_lines: list[str] | None = None
    """For a text table (CSV / TSV) checked in memory: its lines, which findings point at."""
    form_kind: str | None = field(init=False, default=None)
    """評価書の種類 as the model read it."""
    published: dt.date | None = field(init=False, default=None)
    """公表日 as the model read it."""

    def __post_init__(self) -> None:
        if self.model is not None:
            self.form_kind, self.published = self.model.評価書の種類, self.model.公表日

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "model": None}

    @property
    def kind(self) -> str | None:
        """評価書の種類; None when absent or unreadable (see `kind_unknown`)."""
        return None if self.kind_unknown else self.form_kind

    @property
    def kind_unknown(self) -> bool:
        """評価書の種類 is written but cannot be read: rules limited to a kind cannot decide."""
        return ("評価書の種類",) in self.unreadable

    def span_of(self, doc_path: DocPath) -> Span:
        return self.source_map.span_of(doc_path)
