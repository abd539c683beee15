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


class Reporter:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.info = RunInfo()

    def start(self, info: RunInfo) -> None:
        self.info = info
        head = head_dict(info, "")
        del head["verdict"]
        self.out.write(dumps({"type": "run", **head}, indent=None) + "\n")

    def document(self, result: DocumentResult) -> None:
        self.out.write(dumps({"type": "document", **document_dict(result)}, indent=None) + "\n")

    def finish(self, totals: RunTotals) -> None:
        self.out.write(dumps({"type": "summary", "verdict": totals.verdict, **tail_dict(self.info, totals)},
                             indent=None) + "\n")
