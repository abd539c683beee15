"""Baselines: report only findings that an earlier JSON result (`--format json`) did not have.

Findings are matched by rule, document and item path — not by line, so edits that move lines
do not resurface old findings.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.files import display_path, read_input
from piarules.findings import DocumentResult
from piarules.span import Span

Key = tuple[str, str, str]


def _doc_key(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


def load_baseline(path: Path) -> set[Key]:
    """Keys (rule, document, item path) of every finding in an earlier JSON result.

    Raises:
        PiarulesError: unreadable, not JSON, or not the shape `eval --format json` writes (PIA501).
    """
    name = display_path(path)
    raw = read_input(path, "ベースライン")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _wrong(name, "UTF-8 ではありません") from None
    except json.JSONDecodeError as exc:
        raise PiarulesError([Diagnostic("PIA501", f"ベースラインが JSON ではありません: {exc.msg}",
                                        Span.point(name, exc.lineno, exc.colno))]) from None
    except RecursionError:
        raise _wrong(name, "入れ子が深すぎます") from None
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("documents"), list):
        raise _wrong(name, "version 1 の documents のリストがありません")
    keys: set[Key] = set()
    for i, doc in enumerate(data["documents"]):
        if not isinstance(doc, dict) or not isinstance(doc.get("path", ""), str):
            raise _wrong(name, f"documents[{i}] が文書 ({{\"path\": …, \"findings\": […]}}) ではありません")
        findings = doc.get("findings", [])
        if not isinstance(findings, list):
            raise _wrong(name, f"documents[{i}].findings がリストではありません")
        for j, f in enumerate(findings):
            fields = (f.get("rule_id", ""), f.get("path", "")) if isinstance(f, dict) else None
            if fields is None or not all(isinstance(x, str) for x in fields):
                raise _wrong(name, f"documents[{i}].findings[{j}] が指摘 ({{\"rule_id\": …, \"path\": …}}) ではありません")
            if not f.get("undecided"):  # "could not check" is not a finding a baseline accepts
                keys.add((fields[0], _doc_key(doc.get("path", "")), fields[1]))
    return keys


def _wrong(name: str, problem: str) -> PiarulesError:
    return PiarulesError([Diagnostic("PIA501", f"ベースラインの形が正しくありません: {problem}", Span.point(name, 1, 1),
                                     help="piarules eval --format json の出力をそのまま使ってください")])


def apply_baseline(result: DocumentResult, keys: set[Key]) -> DocumentResult:
    """Drop the findings the baseline already had; count them."""
    document = _doc_key(result.path)
    kept = [f for f in result.findings if f.undecided is not None or (f.rule_id, document, f.path_text) not in keys]
    result.baseline_suppressed = len(result.findings) - len(kept)
    result.findings = kept
    return result
