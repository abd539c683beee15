"""The citation and timeline corpora (tests/legal/*.yaml): loading and comparing, for tests and bench."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piarules.document.loader import load_yaml
from piarules.jpvalues import parse_date
from piarules.legal.citations import Citation

HERE = Path(__file__).parent
FIELDS = ("s", "a", "p", "i", "t", "r", "sup")
CHECKED = ("body", "st", "w")


@dataclass
class CitationCase:
    id: str
    text: str
    expect: list[dict[str, str]]
    source: str
    line: int
    known_gap: str | None = None


@dataclass
class TimelineCase:
    id: str
    text: str
    on: dt.date
    expect: str
    line: int
    source: str
    field: str | None = None
    context: str = ""
    cite: int = 0
    replaced_by: str | None = None
    known_gap: str | None = None
    name: bool = False


def _load(name: str) -> tuple[list[dict[str, Any]], Any]:
    path = HERE / name
    loaded = load_yaml(path.read_text(encoding="utf-8"), str(path))
    return loaded.data["cases"], loaded.source_map


def citation_cases() -> list[CitationCase]:
    raw, smap = _load("citations.yaml")
    return [CitationCase(c["id"], c["text"], c.get("expect") or [], c.get("source", ""),
                         smap.span_of(("cases", i)).line, c.get("known_gap")) for i, c in enumerate(raw)]


def timeline_cases() -> list[TimelineCase]:
    raw, smap = _load("timeline.yaml")
    out = []
    for i, c in enumerate(raw):
        d = parse_date(c["on"])
        out.append(TimelineCase(c["id"], c["text"], dt.date(d.year, d.month, d.day), c["expect"],
                                smap.span_of(("cases", i)).line, c.get("source", ""), c.get("field"),
                                c.get("context", ""), int(c.get("cite", 0)), c.get("replaced_by"), c.get("known_gap"),
                                c.get("name") in (True, "true")))
    return out


def as_fields(c: Citation) -> dict[str, str]:
    """A parsed citation in the corpus notation."""
    out = {"s": c.statute, "a": c.article, "p": c.paragraph, "i": c.item, "t": c.appendix, "r": c.row,
           "sup": "true" if c.supplementary else None, "body": c.body, "st": c.statute_text, "w": c.text}
    return {k: v for k, v in out.items() if v is not None}


def key_of(d: dict[str, str]) -> tuple[str | None, ...]:
    return tuple(d.get(f) for f in FIELDS)


def mismatches(case: CitationCase, parsed: tuple[Citation, ...]) -> list[str]:
    """What differs between the parse and the expectation (empty when they agree)."""
    got = [as_fields(c) for c in parsed]
    if [key_of(g) for g in got] != [key_of(e) for e in case.expect]:
        return [f"expected {[key_of(e) for e in case.expect]}", f"got      {[key_of(g) for g in got]}"]
    problems = []
    for g, e in zip(got, case.expect, strict=True):
        for k in CHECKED:
            if k in e and g.get(k) != e[k]:
                problems.append(f"{k}: expected {e[k]!r}, got {g.get(k)!r}")
    return problems


def run_timeline_case(case: TimelineCase, today: dt.date = dt.date(2025, 10, 1)) -> tuple[str, str | None, str]:
    """(status, replaced_by, reason) for one case; 名称 cases give stale / current / none."""
    from piarules.legal.citations import parse_citations
    from piarules.legal.timeline import judge, judge_names

    if case.name:
        found = judge_names(case.text, case.on, case.field)
        return (found[0].status.value if found else "none"), None, found[0].reason if found else ""
    citations = parse_citations(case.text)
    if case.cite >= len(citations):
        return "no-citation", None, f"only {len(citations)} citations"
    v = judge(citations[case.cite], case.on, case.context, case.field, today=today)
    return v.status.value, v.replaced_by, v.reason
