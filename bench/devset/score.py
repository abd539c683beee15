"""Score the current piarules on the development set: recall on injected defects, false findings on clean documents.

For every body directory (one with an expected.yaml), runs `piarules eval --format json` once on
the clean document(s) and once on the defects document(s) — a set directory (clean/, defects/) is
passed as a directory, so its documents are checked together — judged as of each document's 公表日
unless expected.yaml sets `as_of`. Then:

- an injected defect is *detected* when the defects document has a finding whose rule is the
  defect's `rule`, one of its `also_rules` (another rule that rightly reports the same defect) or one
  of its kind's `rules` (kinds.yaml), on the same document, at a path equal
  to the defect's path (or one of its `also_paths`, or an `also_at` place in another document of a
  set, for defects that two documents share), inside it, or containing it;
- every error/warning finding on a clean document is a *false finding*; info findings there are noise;
- documents that piarules could not load are reported apart (their defects count as missed).

    python bench/devset/score.py             # text report
    python bench/devset/score.py --json      # the same figures as JSON, for tooling
    python bench/devset/score.py --body hokkaido-shirakaba-town   # only some bodies
    python bench/devset/score.py --root bench/heldout             # another set (the held-out set)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling build.py, before any installed `build`
from build import HERE, KINDS_FILE, load_yaml

ROOT = HERE.parents[1]
SEVERE = ("error", "warning")


@dataclass(frozen=True)
class Finding:
    document: str  # path relative to the body directory
    rule: str
    severity: str
    path: str
    line: int | None
    message: str


@dataclass
class Run:
    """One piarules invocation on a body's clean or defects side."""

    findings: list[Finding] = field(default_factory=list)
    load_failures: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DefectResult:
    body: str
    id: str
    kind: str
    family: str
    rule: str | None
    document: str
    path: str
    line: int | None
    variation: str
    detected_by: list[str]
    also_on_clean: bool  # every hit is also on the clean document (same rule and item): not discriminating
    unloadable: bool
    note: str


def run_piarules(directory: Path, targets: list[str], as_of: str | None) -> Run:
    """`piarules eval … --format json` on targets (relative to directory); findings of every loaded document."""
    cmd = [sys.executable, "-m", "piarules", "eval", *targets, "--format", "json", "--fail-on", "never", "--jobs", "1"]
    if as_of:
        cmd += ["--as-of", str(as_of)]
    proc = subprocess.run(cmd, cwd=directory, capture_output=True, text=True, encoding="utf-8", check=False)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return Run(load_failures=[{"document": " ".join(targets), "errors": [proc.stderr.strip()[:500]]}])
    run = Run()
    for problem in report.get("policy_errors", []):
        run.load_failures.append({"document": "(policies)", "errors": [str(problem)]})
    for doc in report["documents"]:
        name = Path(doc["path"]).as_posix()
        errors = [e for e in doc.get("errors", []) if not isinstance(e, dict) or e.get("severity", "error") == "error"]
        if not doc.get("loaded", True) or errors:
            run.load_failures.append({
                "document": name,
                "errors": [f"{e.get('location', {}).get('line', '?')}: {e.get('message', '')}" if isinstance(e, dict)
                           else str(e) for e in doc.get("errors", [])],
            })
            if not doc.get("loaded", True):
                continue
        for f in doc.get("findings", []):
            if f.get("waived"):
                continue
            run.findings.append(Finding(name, f["rule_id"], f["severity"], f.get("path") or "",
                                        (f.get("location") or {}).get("line"), f.get("message", "")))
    return run


def path_related(finding_path: str, expected_path: str) -> bool:
    """Same item, or one inside the other (a finding may point at the field or at its section)."""
    if finding_path == expected_path:
        return True
    for inner, outer in ((finding_path, expected_path), (expected_path, finding_path)):
        if outer and inner.startswith(outer) and inner[len(outer)] in ".[":
            return True
    return False


def body_directories(selected: Iterable[str], root: Path = HERE) -> list[Path]:
    wanted = set(selected)
    dirs = sorted(p for p in root.iterdir() if (p / "expected.yaml").exists())
    return [d for d in dirs if not wanted or d.name in wanted]


def side_targets(expected: dict[str, Any], side: str) -> list[str]:
    """What to pass to piarules for one side: the file, or the set's directory."""
    docs = expected["documents"]
    if len(docs) == 1:
        return [docs[0][side]]
    return sorted({str(Path(d[side]).parent) for d in docs})


def score(selected: Iterable[str] = (), root: Path = HERE) -> dict[str, Any]:
    kinds = load_yaml(KINDS_FILE)["kinds"]
    bodies = body_directories(selected, root)
    jobs = []
    for directory in bodies:
        expected = load_yaml(directory / "expected.yaml")
        for side in ("clean", "defects"):
            jobs.append((directory, expected, side))
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda j: run_piarules(j[0], side_targets(j[1], j[2]), j[1].get("as_of")), jobs))
    by_body: dict[str, dict[str, Run]] = defaultdict(dict)
    expectations: dict[str, dict[str, Any]] = {}
    for (directory, expected, side), run in zip(jobs, runs, strict=True):
        by_body[directory.name][side] = run
        expectations[directory.name] = expected

    defects: list[DefectResult] = []
    false_findings: list[dict[str, Any]] = []
    clean_info: list[dict[str, Any]] = []
    unexplained: list[dict[str, Any]] = []
    load_failures: list[dict[str, Any]] = []
    for name, expected in expectations.items():
        clean_run, defects_run = by_body[name]["clean"], by_body[name]["defects"]
        for failure in clean_run.load_failures + defects_run.load_failures:
            load_failures.append({"body": name, **failure})
        unloadable = {f["document"] for f in defects_run.load_failures}
        doc_of = {d["name"]: d for d in expected["documents"]}
        only = next(iter(doc_of)) if len(doc_of) == 1 else None
        clean_counterpart = {d["defects"]: d["clean"] for d in expected["documents"]}
        on_clean = {(f.document, f.rule, f.path) for f in clean_run.findings}
        explained: set[Finding] = set()
        for d in expected["defects"]:
            doc_name = d.get("document", only)
            defects_doc = doc_of[doc_name]["defects"]
            rules = {r for r in [d.get("rule"), *(d.get("also_rules") or []), *kinds[d["kind"]].get("rules", [])] if r}
            places = [(defects_doc, p) for p in [d["path"], *(d.get("also_paths") or [])]]
            also_at = d.get("also_at") or []
            if isinstance(also_at, dict):  # one place written as a mapping, not a list of one
                also_at = [also_at]
            places += [(doc_of[a["document"]]["defects"], a["path"]) for a in also_at]
            hits = [f for f in defects_run.findings
                    if f.rule in rules and any(f.document == doc and path_related(f.path, p) for doc, p in places)]
            explained.update(hits)
            # A hit that the clean document also has (same rule, same item) does not tell the two apart.
            telling = [f for f in hits if (clean_counterpart[f.document], f.rule, f.path) not in on_clean]
            defects.append(DefectResult(
                body=name, id=d["id"], kind=d["kind"], family=kinds[d["kind"]]["family"], rule=d.get("rule"),
                document=defects_doc, path=d["path"], line=d.get("line"), variation=d["variation"],
                detected_by=sorted({f"{f.rule}@{f.path}" for f in hits}),
                also_on_clean=bool(hits) and not telling, unloadable=defects_doc in unloadable,
                note=d.get("note", ""),
            ))
        clean_keys = {(f.rule, f.path) for f in clean_run.findings}
        for f in clean_run.findings:
            row = {"body": name, **asdict(f), "trap": trap_for(expected, f, kinds)}
            (false_findings if f.severity in SEVERE else clean_info).append(row)
        for f in defects_run.findings:
            if f.severity in SEVERE and f not in explained and (f.rule, f.path) not in clean_keys:
                unexplained.append({"body": name, **asdict(f)})
    result = summarize(defects, false_findings, clean_info, unexplained, load_failures, expectations)
    if root != HERE:
        result["set"] = root.name
    return result


def trap_for(expected: dict[str, Any], finding: Finding, kinds: dict[str, Any]) -> str | None:
    """The trap (by kind) a false finding fell into: a listed trap at the finding's path, preferably of a
    kind whose rules include the finding's rule."""
    clean_of = {d["name"]: d["clean"] for d in expected["documents"]}
    only = next(iter(clean_of)) if len(clean_of) == 1 else None
    near = [t for t in expected.get("traps", [])
            if clean_of.get(t.get("document", only)) == finding.document and path_related(finding.path, t["path"])]
    for trap in near:
        if finding.rule in kinds[trap["kind"]].get("rules", []):
            return str(trap["kind"])
    return str(near[0]["kind"]) if near else None


def ratio(hit: int, total: int) -> dict[str, Any]:
    return {"detected": hit, "total": total, "recall": round(hit / total, 3) if total else None}


def summarize(defects: list[DefectResult], false_findings: list[dict[str, Any]], clean_info: list[dict[str, Any]],
              unexplained: list[dict[str, Any]], load_failures: list[dict[str, Any]],
              expectations: dict[str, dict[str, Any]]) -> dict[str, Any]:
    covered = [d for d in defects if d.rule]
    loaded = [d for d in defects if not d.unloadable]

    def group(key: str, items: list[DefectResult]) -> dict[str, Any]:
        out: dict[str, list[DefectResult]] = defaultdict(list)
        for d in items:
            out[getattr(d, key)].append(d)
        return {k: ratio(sum(1 for d in v if d.detected_by), len(v)) for k, v in sorted(out.items())}

    return {
        "bodies": len(expectations),
        "documents": sum(len(e["documents"]) for e in expectations.values()),
        "traps": sum(len(e.get("traps", [])) for e in expectations.values()),
        "recall": {
            "covered": ratio(sum(1 for d in covered if d.detected_by), len(covered)),
            "covered_loaded": ratio(sum(1 for d in covered if d.detected_by and not d.unloadable),
                                    sum(1 for d in covered if not d.unloadable)),
            "all": ratio(sum(1 for d in defects if d.detected_by), len(defects)),
            "all_loaded": ratio(sum(1 for d in loaded if d.detected_by), len(loaded)),
            "covered_discriminating": ratio(sum(1 for d in covered if d.detected_by and not d.also_on_clean),
                                            len(covered)),
            "by_family": group("family", defects),
            "by_kind": group("kind", defects),
            "by_body": group("body", defects),
            "by_variation": group("variation", defects),
        },
        "missed": [asdict(d) for d in defects if not d.detected_by],
        "clean_false_findings": false_findings,
        "clean_info_findings": len(clean_info),
        "clean_info_by_rule": dict(sorted(_count(r["rule"] for r in clean_info).items())),
        "defects_unexplained_findings": unexplained,
        "load_failures": load_failures,
        "defects": [asdict(d) for d in defects],
    }


def _count(items: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for i in items:
        out[i] += 1
    return out


def pct(r: dict[str, Any]) -> str:
    return "-" if r["recall"] is None else f"{r['detected']}/{r['total']} ({r['recall']:.0%})"


def print_text(result: dict[str, Any]) -> None:
    rec = result["recall"]
    title = {"heldout": "保留評価セット", "heldout2": "第二保留評価セット"}.get(result.get("set", ""), "開発用評価セット")
    print(f"{title}: {result['bodies']} 団体, {result['documents']} 文書 (clean と defects の組), "
          f"注入した欠陥 {rec['all']['total']}, 罠 {result['traps']}")
    print()
    print("再現率 (recall) — 注入した欠陥のうち、対応するルールの指摘が同じ項目に出たもの")
    print(f"  カタログが扱う欠陥 (rule あり)        {pct(rec['covered'])}")
    print(f"    うち読み込めた文書のもの           {pct(rec['covered_loaded'])}")
    print(f"    うち clean 文書に同じ指摘がないもの {pct(rec['covered_discriminating'])}")
    print(f"  すべての欠陥 (未対応の種類を含む)    {pct(rec['all'])}")
    print(f"    うち読み込めた文書のもの           {pct(rec['all_loaded'])}")
    for title, key in (("系統別", "by_family"), ("団体別", "by_body"), ("書き方の違い別", "by_variation"),
                       ("種類別", "by_kind")):
        print(f"\n{title}:")
        for k, r in rec[key].items():
            print(f"  {k:32} {pct(r)}")
    print(f"\nclean 文書の誤った指摘 (エラー・警告): {len(result['clean_false_findings'])}")
    for f in result["clean_false_findings"]:
        trap = f" [罠: {f['trap']}]" if f["trap"] else ""
        print(f"  {f['body']}/{f['document']}:{f['line']} {f['severity']}[{f['rule']}] {f['path']}{trap}")
    print(f"\nclean 文書の情報レベルの指摘 (雑音): {result['clean_info_findings']} {result['clean_info_by_rule']}")
    print(f"\n見逃した欠陥: {len(result['missed'])}")
    for d in result["missed"]:
        why = " (文書を読み込めない)" if d["unloadable"] else ""
        print(f"  {d['body']}/{d['id']} {d['kind']} rule={d['rule']} {d['path']}{why}")
    print(f"\ndefects 文書の説明のつかない指摘 (注入した欠陥にも clean の指摘にも当たらない): "
          f"{len(result['defects_unexplained_findings'])}")
    for f in result["defects_unexplained_findings"]:
        print(f"  {f['body']}/{f['document']}:{f['line']} {f['severity']}[{f['rule']}] {f['path']}")
    print(f"\n読み込めなかった文書: {len(result['load_failures'])}")
    for f in result["load_failures"]:
        first = f["errors"][0] if f["errors"] else ""
        more = f" (ほか {len(f['errors']) - 1} 件)" if len(f["errors"]) > 1 else ""
        print(f"  {f['body']}/{f['document']}: {first}{more}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--body", action="append", default=[], help="score only this body directory (repeatable)")
    parser.add_argument("--root", type=Path, default=HERE,
                        help="the set's directory (default: bench/devset); kinds.yaml is always the devset's")
    args = parser.parse_args(argv)
    result = score(args.body, args.root.resolve())
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print_text(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
