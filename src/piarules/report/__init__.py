"""Reporters: one module per output format, all formatting the same RunReport."""

from __future__ import annotations

from enum import StrEnum

from piarules.findings import RunReport


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    GITHUB = "github"
    HTML = "html"
    XLSX = "xlsx"
    CSV = "csv"


def render(fmt: OutputFormat, report: RunReport, sources: dict[str, list[str]]) -> str | bytes:
    """The report in one format (bytes for xlsx). `sources` holds the lines of each file, for code
    excerpts.

    Only the chosen reporter is imported (the SARIF models cost time to build).
    """
    from importlib import import_module

    module = import_module(f"piarules.report.{fmt.value}")
    if fmt in (OutputFormat.TEXT, OutputFormat.HTML):
        return str(module.render(report, sources))
    if fmt is OutputFormat.XLSX:
        return bytes(module.render(report))
    return str(module.render(report))
