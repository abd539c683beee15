"""JSON Schema of the document format (for VS Code YAML and other editors)."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from piarules.document.forms import DOCUMENT_MODELS, Cover


def json_schema(kind: str | None = None) -> dict[str, Any]:
    """The schema of one kind, or of any kind (anyOf) when kind is None."""
    models: list[type[Cover]] = [m for k, m in DOCUMENT_MODELS.items() if k is not None]
    if kind is not None:
        if kind not in DOCUMENT_MODELS:
            raise ValueError(f"評価書の種類「{kind}」はありません")
        models = [DOCUMENT_MODELS[kind]]
    union: Any = models[0] if len(models) == 1 else models[0] | models[1] | models[2]
    schema = TypeAdapter(union).json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "特定個人情報保護評価書 (piarules)"
    return schema
