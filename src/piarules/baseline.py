"""Baselines: report only findings that an earlier JSON result (`--format json`) did not have.

Findings are matched by rule, document and item path — not by line, so edits that move lines
do not resurface old findings.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.findings import DocumentResult
from piarules.span import Span

Key = tuple[str, str, str]


def _doc_key(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


def load_baseline(path: Path) -> set[Key]:
    """Keys (rule, document, item path) of every finding in an earlier JSON result."""
    name = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise PiarulesError([Diagnostic("PIA501", f"ベースラインを読めません: {exc.strerror}", Span.point(name, 1, 1))]) from None
    except json.JSONDecodeError as exc:
        raise PiarulesError([Diagnostic("PIA501", f"ベースラインが JSON ではありません: {exc.msg}",
                                        Span.point(name, exc.lineno, exc.colno))]) from None
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("documents"), list):
        raise PiarulesError([Diagnostic("PIA501", "ベースラインは piarules eval --format json の出力 (version 1) でなければなりません",
                                        Span.point(name, 1, 1))])
    keys: set[Key] = set()
    for doc in data["documents"]:
        for f in doc.get("findings", []):
            keys.add((f.get("rule_id", ""), _doc_key(doc.get("path", "")), f.get("path", "")))
    return keys


def apply_baseline(result: DocumentResult, keys: set[Key]) -> DocumentResult:
    """Drop the findings the baseline already had; count them."""
    document = _doc_key(result.path)
    kept = [f for f in result.findings if (f.rule_id, document, f.path_text) not in keys]
    result.baseline_suppressed = len(result.findings) - len(kept)
    result.findings = kept
    return result
