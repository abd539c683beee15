"""Loading one document: bytes → text → YAML data with a source map → validated form model →
item analysis of the change rows → eval tree (the package doc says how each stage behaves)."""

from __future__ import annotations

from pathlib import Path

from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.document.forms import EXPECTED_SECTIONS
from piarules.document.items import analyse_change_rows
from piarules.document.loaded import Document
from piarules.document.loader import load_yaml
from piarules.document.validate import model_to_tree, place_unreadable, validate_data
from piarules.files import decode, display_path, read_input

__all__ = ["Document", "load_document", "load_document_bytes", "load_document_text"]


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
