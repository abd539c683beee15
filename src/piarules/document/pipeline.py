"""Loading one document: bytes → text → YAML data with a source map → validated form model →
item analysis of the change rows → eval tree (the package doc says how each stage behaves)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.document.forms import EXPECTED_SECTIONS, Cover
from piarules.document.items import analyse_change_rows
from piarules.document.loader import decode, load_yaml
from piarules.document.source_map import DocPath, SourceMap
from piarules.document.validate import model_to_tree, place_unreadable, validate_data
from piarules.files import display_path, read_input
from piarules.span import Span
from piarules.values import Unreadable


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


def load_document_text(text: str, path: str) -> tuple[Document | None, list[Diagnostic]]:
    """YAML text → Document, or None and the diagnostics that explain why."""
    try:
        yaml_data = load_yaml(text, path)
    except PiarulesError as exc:
        return None, exc.diagnostics
    model, diagnostics, unreadable = validate_data(yaml_data.data, yaml_data.source_map)
    if model is None:
        return None, diagnostics
    diagnostics = sorted(diagnostics, key=_place) + analyse_change_rows(model, yaml_data.source_map)
    tree = model_to_tree(model)
    place_unreadable(tree, unreadable)
    expected = () if ("評価書の種類",) in unreadable else EXPECTED_SECTIONS.get(model.評価書の種類, ())
    absent = tuple(s for s in expected if s not in tree)
    return Document(path, text, model, tree, yaml_data.source_map, absent, unreadable), diagnostics


def _place(d: Diagnostic) -> tuple[int, int]:
    return (d.span.line, d.span.col) if d.span else (0, 0)


def load_document(path: str | Path) -> tuple[Document | None, list[Diagnostic]]:
    """Read and validate one YAML assessment file (named in messages as `display_path` shows it)."""
    name = display_path(path)
    try:
        raw = read_input(path)
    except PiarulesError as exc:
        return None, exc.diagnostics
    return load_document_bytes(raw, name)


def load_document_bytes(raw: bytes, name: str) -> tuple[Document | None, list[Diagnostic]]:
    """Decode (UTF-8, UTF-16 with BOM, CP932) and validate the bytes of a YAML file."""
    try:
        text = decode(raw, name)
    except PiarulesError as exc:
        return None, exc.diagnostics
    return load_document_text(text, name)
