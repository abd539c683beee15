"""JUnit XML: a test suite per document, a test case per rule (failure = unwaived findings at
or above --fail-on; lower ones go to system-out; waived-only cases are skipped).

Valid XML 1.0 for any input: every text and attribute passes through `visible`, which escapes
the characters XML 1.0 forbids (C0 controls, U+FFFE/FFFF, lone surrogates) and the terminal
control and bidi characters a CI dashboard would show raw."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TextIO

from piarules.findings import DocumentResult, Finding, RunInfo, RunTotals
from piarules.report import Spill
from piarules.visible import visible


def _finding_line(f: Finding) -> str:
    where = f" [{f.origin.describe()}]" if f.origin else ""
    return f"{f.span}: {f.severity.label_ja}[{f.rule_id}] {f.message} ({f.path_text}、確度 {f.confidence_ja}){where}"


def _suite(doc: DocumentResult, report: RunInfo) -> ET.Element:
    suite = ET.Element("testsuite", name=doc.path)
    failures = errors = skipped = 0
    if not doc.loaded:
        case = ET.SubElement(suite, "testcase", classname=doc.path, name="読み込み")
        error = ET.SubElement(case, "error", message="文書を読み込めません")
        error.text = "\n".join(d.one_line() for d in doc.errors)
        errors += 1
    for rule in report.rules:
        case = ET.SubElement(suite, "testcase", classname=doc.path, name=f"{rule.id} {rule.title}")
        open_ = [f for f in doc.open_findings if f.rule_id == rule.id]
        waived = [f for f in doc.waived_findings if f.rule_id == rule.id]
        gate = report.fail_on
        failing = [f for f in open_ if gate is not None and f.severity.rank >= gate.rank]
        if failing:
            failure = ET.SubElement(case, "failure", message=f"{len(failing)} 件の指摘", type=failing[0].severity.value)
            failure.text = "\n".join(_finding_line(f) for f in failing)
            failures += 1
        if len(failing) < len(open_):  # below the gate: reported, not failed
            ET.SubElement(case, "system-out").text = "\n".join(_finding_line(f) for f in open_ if f not in failing)
        if not open_ and waived:
            ET.SubElement(case, "skipped", message=f"例外として承認済み ({len(waived)} 件)")
            skipped += 1
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    return suite


def _make_visible(root: ET.Element) -> None:
    for element in root.iter():
        if element.text:
            element.text = visible(element.text, keep="\t\n")
        for key, value in element.attrib.items():
            element.set(key, visible(value, keep="\t\n"))


def _waiver_suite(info: RunInfo, totals: RunTotals) -> ET.Element:
    findings = totals.waiver_findings
    suite = ET.Element("testsuite", name=info.waiver_file or "waivers", tests=str(len(findings)),
                       failures=str(len(findings)), errors="0", skipped="0")
    for f in findings:
        case = ET.SubElement(suite, "testcase", classname="例外", name=f"{f.rule_id} {f.span.line}行目")
        ET.SubElement(case, "failure", message=f.message, type="error").text = _finding_line(f)
    return suite


class Reporter:
    """Each document's suite is spilled as it comes; the root element, whose attributes count
    every suite, is written at the end around them."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.info = RunInfo()
        self.spill = Spill()
        self.sums = {"tests": 0, "failures": 0, "errors": 0}

    def start(self, info: RunInfo) -> None:
        self.info = info

    def _add(self, suite: ET.Element) -> None:
        for key in self.sums:
            self.sums[key] += int(suite.get(key, "0"))
        _make_visible(suite)
        ET.indent(suite, level=1)
        text = "  " + ET.tostring(suite, encoding="unicode")
        self.spill.write(text if not self.spill.count else "\n" + text)

    def document(self, result: DocumentResult) -> None:
        self._add(_suite(result, self.info))

    def finish(self, totals: RunTotals) -> None:
        if totals.waiver_findings:
            self._add(_waiver_suite(self.info, totals))
        attributes = " ".join(f'{k}="{v}"' for k, v in self.sums.items())
        self.out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="piarules" {attributes}')
        if not self.spill.count:
            self.out.write(" />\n")
            return
        self.out.write(">\n")
        self.spill.copy_to(self.out)
        self.out.write("\n</testsuites>\n")
