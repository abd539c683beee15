"""SARIF 2.1.0, from typed models (validated against the official schema in the tests).

Rules carry their title, references and hint; results carry physical locations in the YAML;
waived findings carry an external suppression with the waiver's reason, approver and expiry.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field

from piarules.findings import DocumentResult, Finding, RunInfo, RunReport, RunTotals
from piarules.report import Spill
from piarules.report.json import origin_dict
from piarules.span import Span

_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class Text(_Model):
    text: str
    markdown: str | None = None


class ReportingConfiguration(_Model):
    level: str


class ReportingDescriptor(_Model):
    id: str
    name: str
    short_description: Text = Field(alias="shortDescription")
    full_description: Text | None = Field(default=None, alias="fullDescription")
    help: Text | None = None
    default_configuration: ReportingConfiguration = Field(alias="defaultConfiguration")
    properties: dict[str, Any] = Field(default_factory=dict)


class Driver(_Model):
    name: str
    version: str
    semantic_version: str = Field(alias="semanticVersion")
    rules: list[ReportingDescriptor]


class Tool(_Model):
    driver: Driver


class ArtifactLocation(_Model):
    uri: str


class Region(_Model):
    start_line: int = Field(alias="startLine")
    start_column: int = Field(alias="startColumn")
    end_line: int | None = Field(default=None, alias="endLine")
    end_column: int | None = Field(default=None, alias="endColumn")


class PhysicalLocation(_Model):
    artifact_location: ArtifactLocation = Field(alias="artifactLocation")
    region: Region


class Location(_Model):
    physical_location: PhysicalLocation = Field(alias="physicalLocation")


class Suppression(_Model):
    kind: str = "external"
    status: str = "accepted"
    justification: str | None = None
    properties: dict[str, Any] = Field(default_factory=dict)


class Result(_Model):
    rule_id: str = Field(alias="ruleId")
    rule_index: int | None = Field(default=None, alias="ruleIndex")
    kind: str | None = None
    """SARIF §3.27.9: "open" when the rule could not decide (an unreadable value)."""
    level: str
    message: Text
    locations: list[Location]
    partial_fingerprints: dict[str, str] = Field(alias="partialFingerprints")
    suppressions: list[Suppression] | None = None
    properties: dict[str, Any] = Field(default_factory=dict)


class Artifact(_Model):
    location: ArtifactLocation
    hashes: dict[str, str] = Field(default_factory=dict)


class Notification(_Model):
    level: str
    message: Text
    locations: list[Location] = Field(default_factory=list)


class Invocation(_Model):
    execution_successful: bool = Field(alias="executionSuccessful")
    tool_execution_notifications: list[Notification] = Field(default_factory=list, alias="toolExecutionNotifications")


class Run(_Model):
    tool: Tool
    results: list[Result]
    artifacts: list[Artifact]
    invocations: list[Invocation]


class SarifLog(_Model):
    schema_uri: str = Field(default="https://json.schemastore.org/sarif-2.1.0.json", alias="$schema")
    version: str = "2.1.0"
    runs: list[Run]


def uri(path: str) -> str:
    """A relative URI for a file path (non-ASCII percent-encoded, as URIs require)."""
    return quote(path.replace("\\", "/"), safe="/:")


def _location(span: Span) -> Location:
    region = Region(startLine=max(span.line, 1), startColumn=max(span.col, 1),
                    endLine=max(span.end_line, 1), endColumn=max(span.end_col, 1))
    return Location(physicalLocation=PhysicalLocation(artifactLocation=ArtifactLocation(uri=uri(span.path)), region=region))


def _result(f: Finding, rule_index: dict[str, int], document: str) -> Result:
    undecided = "\0undecided" if f.undecided is not None else ""
    fingerprint = hashlib.sha256(f"{f.rule_id}\0{document}\0{f.path_text}{undecided}".encode()).hexdigest()[:32]
    suppressions = None
    if f.waived_by is not None:
        w = f.waived_by
        suppressions = [Suppression(justification=w.reason, properties={
            "approver": w.approver, "expires": w.expires.isoformat() if w.expires else None, "waiverLocation": str(w.span)})]
    properties: dict[str, Any] = {"path": f.path_text, "references": list(f.references), "confidence": f.confidence,
                                  "確度": f.confidence_ja}
    if f.origin is not None:
        properties["origin"] = origin_dict(f.origin)
    if f.undecided is not None:
        properties["undecidedRuleSeverity"] = f.undecided.value
    return Result(ruleId=f.rule_id, ruleIndex=rule_index.get(f.rule_id),
                  kind="open" if f.undecided is not None else None,
                  level="none" if f.undecided is not None else _LEVELS[f.severity.value],
                  message=Text(text=f.message), locations=[_location(f.span)],
                  partialFingerprints={"piarules/v1": fingerprint}, suppressions=suppressions,
                  properties=properties)


def _rules(info: RunInfo) -> list[ReportingDescriptor]:
    return [
        ReportingDescriptor(
            id=r.id, name=r.id, shortDescription=Text(text=r.title),
            fullDescription=Text(text=r.description) if r.description else None,
            help=Text(text="\n".join(x for x in (r.hint, "根拠: " + "、".join(r.references) if r.references else None) if x))
            if (r.hint or r.references) else None,
            defaultConfiguration=ReportingConfiguration(level=_LEVELS[r.severity.value]),
            properties={"references": list(r.references), "definedAt": r.where},
        )
        for r in info.rules
    ]


def _notifications(doc: DocumentResult) -> list[Notification]:
    return [Notification(level=_LEVELS[d.severity.value], message=Text(text=f"{d.code} {d.message}"),
                         locations=[_location(d.span)] if d.span else []) for d in doc.errors]


def _artifact(doc: DocumentResult) -> Artifact:
    return Artifact(location=ArtifactLocation(uri=uri(doc.path)), hashes={"sha-256": doc.sha256} if doc.sha256 else {})


def _plain(model: BaseModel) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


_HOLE = "\0piarules-sarif-{}\0"


class Reporter:
    """The log's skeleton (tool and rules) is known at the start; results are written as the
    documents come, artifacts and notifications are spilled and written after them."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.info = RunInfo()
        self.index: dict[str, int] = {}
        self.results = Spill()
        self.artifacts = Spill()
        self.notifications = Spill()
        self.tail = ""

    def start(self, info: RunInfo) -> None:
        self.info = info
        self.index = {r.id: i for i, r in enumerate(info.rules)}
        driver = Driver(name="piarules", version=info.tool_version, semanticVersion=info.tool_version,
                        rules=_rules(info))
        log = _plain(SarifLog(runs=[Run(tool=Tool(driver=driver), results=[], artifacts=[], invocations=[])]))
        run = log["runs"][0]
        run["results"] = [_HOLE.format("results")]
        run["artifacts"] = [_HOLE.format("artifacts")]
        run["invocations"] = [{"executionSuccessful": _HOLE.format("ok"),
                               "toolExecutionNotifications": [_HOLE.format("notifications")]}]
        self.skeleton = json.dumps(log, ensure_ascii=False, indent=2)

    def document(self, result: DocumentResult) -> None:
        for f in result.findings:
            _add(self.results, _result(f, self.index, result.path))
        _add(self.artifacts, _artifact(result))
        for n in _notifications(result):
            _add(self.notifications, n)

    def finish(self, totals: RunTotals) -> None:
        for f in totals.waiver_findings:
            _add(self.results, _result(f, self.index, self.info.waiver_file or ""))
        text = self.skeleton.replace(f'"{_json_hole("ok")}"', "false" if totals.unreadable else "true")
        for name in ("results", "artifacts", "notifications"):
            before, after = _split_at_hole(text, name)
            self.out.write(before)
            spill: Spill = getattr(self, name)
            if spill.count:
                self.out.write("[\n")
                spill.copy_to(self.out)
                text = after
            else:  # an empty array is written `[]`
                self.out.write("[")
                text = after[after.index("]"):]
        self.out.write(text)


def _json_hole(name: str) -> str:
    return json.dumps(_HOLE.format(name))[1:-1]


def _split_at_hole(text: str, name: str) -> tuple[str, str]:
    """The skeleton up to the array holding the hole (without its `[`), and after the hole."""
    hole = f'"{_json_hole(name)}"'
    at = text.index(hole)
    return text[:text.rindex("[", 0, at)], text[at + len(hole):]


def _add(spill: Spill, model: BaseModel) -> None:
    """One array member, indented as it stands in the log (arrays of runs[0] are at depth 4)."""
    text = json.dumps(_plain(model), ensure_ascii=False, indent=2)
    text = "\n".join(" " * _DEPTH[type(model)] + line for line in text.split("\n"))
    spill.write(text if not spill.count else ",\n" + text)


_DEPTH: dict[type, int] = {Result: 8, Artifact: 8, Notification: 12}


def build(report: RunReport) -> SarifLog:
    """The log of a run held in memory, as one model."""
    info = report.info()
    driver = Driver(name="piarules", version=info.tool_version, semanticVersion=info.tool_version, rules=_rules(info))
    index = {r.id: i for i, r in enumerate(info.rules)}
    results = [_result(f, index, doc.path) for doc in report.results for f in doc.findings]
    results += [_result(f, index, report.waiver_file or "") for f in report.waiver_findings]
    notifications = [n for doc in report.results for n in _notifications(doc)]
    run = Run(tool=Tool(driver=driver), results=results, artifacts=[_artifact(doc) for doc in report.results],
              invocations=[Invocation(executionSuccessful=not report.totals().unreadable,
                                      toolExecutionNotifications=notifications)])
    return SarifLog(runs=[run])
