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


def render(fmt: OutputFormat, report: RunReport, sources: dict[str, list[str]]) -> str:
    """The report in one format. `sources` holds the lines of each file, for code excerpts."""
    from piarules.report import github, html, json, junit, sarif, text

    match fmt:
        case OutputFormat.TEXT:
            return text.render(report, sources)
        case OutputFormat.JSON:
            return json.render(report)
        case OutputFormat.SARIF:
            return sarif.render(report)
        case OutputFormat.JUNIT:
            return junit.render(report)
        case OutputFormat.GITHUB:
            return github.render(report)
        case OutputFormat.HTML:
            return html.render(report, sources)
