"""JSON Lines: one compact JSON object per line, written as the run goes — for national batches
and for tools that read a report while it is being written.

    {"type": "run", "version": 1, "as_of": …, "policy_errors": […]}
    {"type": "document", "path": …, …}          one per document, as in the JSON format
    {"type": "summary", "verdict": …, "waivers": {…}, "baseline": {…}, "summary": {…}}

The objects hold the same fields as the JSON format (`report/json.py`); the verdict, known only
at the end, is on the last line.
"""

from __future__ import annotations

from typing import TextIO

from piarules.findings import DocumentResult, RunInfo, RunTotals
from piarules.report.json import document_dict, dumps, head_dict, tail_dict

_LINE_BREAKING = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))
"""Characters valid inside a JSON string that many line readers (Python's splitlines, editors)
take for line ends: escaped, so each object stays on its own line for every reader."""


def _line(value: dict[str, object]) -> str:
    text = dumps(value, indent=None)
    for char, escaped in _LINE_BREAKING:  # str.replace: a translate table costs ≈ 6 ms per document
        if char in text:
            text = text.replace(char, escaped)
    return text + "\n"


class Reporter:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.info = RunInfo()

    def start(self, info: RunInfo) -> None:
        self.info = info
        head = head_dict(info, "")
        del head["verdict"]
        self.out.write(_line({"type": "run", **head}))

    def document(self, result: DocumentResult) -> None:
        self.out.write(_line({"type": "document", **document_dict(result)}))

    def finish(self, totals: RunTotals) -> None:
        self.out.write(_line({"type": "summary", "verdict": totals.verdict, **tail_dict(self.info, totals)}))
