"""Documents: file → text → YAML data with a source map → validated form model → item analysis
of the change rows (items.py) → eval tree.

`load_document` is the only entry point; it never raises for bad input but returns
diagnostics with locations. A value the model cannot read fails only that value (kept as an
`Unreadable`, unknown to the rules); only a document that is not a form at all is rejected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from piarules.document.pipeline import Document, load_document, load_document_bytes, load_document_text

__all__ = ["Document", "load_document", "load_document_bytes", "load_document_text"]


def __getattr__(name: str) -> Any:
    """The loader on first use: importing a light part of the package (source_map, sets) must not
    build the form models (pydantic), which a run answered from the result cache never needs."""
    if name == "Document":
        from piarules.document.loaded import Document

        return Document
    if name in __all__:
        from piarules.document import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
