"""Evaluation speed: compiled piarules rules vs the same checks hand-written in Python.

1. Parse + check + compile the whole bundled policy library.
2. Load 1,000 generated documents (not timed), then evaluate
   a) eight rules as compiled piarules closures, and
   b) the same eight rules hand-written in plain Python over the same trees,
   checking that both find exactly the same number of violations; print both rates and
   their ratio (target: compiled ≥ 1/3 of hand-written).
3. The whole bundled library over the same 1,000 documents.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

from common import assessment_text, best_of

from piarules.api import bundled_policy_dir, load_policies, parse_policy_texts
from piarules.document import Document, load_document_text
from piarules.evaluate import evaluate
from piarules.jpvalues import compact_text, is_empty_text, normalize_text

AS_OF = dt.date(2026, 4, 1)
SUBSET = ["CH-001b", "CH-004", "CH-007", "CH-008", "ENT-001", "ENT-004", "LAW-001", "WRD-001"]


def documents(n: int) -> list[Document]:
    base = assessment_text()
    out = []
    for i in range(n):
        text = base.replace("提出時期: 事後", "提出時期: " + ("事後" if i % 7 else ""), 1 + i % 3)
        if i % 5 == 0:
            text = text.replace("書面による申請", "当市への申請", 2)
        doc, problems = load_document_text(text, f"doc{i}.yaml")
        assert doc is not None, problems
        out.append(doc)
    return out


# ---- the same eight rules, hand-written --------------------------------------------------
def empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and is_empty_text(v)) or (isinstance(v, list | dict) and not v)


_NEG = re.compile("重要な変更[にとはへ]{0,3}(当たらない|該当しない|あたらない)")
_LAW1 = re.compile("番号法 ?第 ?19 ?条 ?第 ?7 ?号")
_CITY = re.compile("(当|本)市(?!場|区町村|町村)")
_WARD = re.compile("区(長|議会|教育委員会|選挙管理委員会)?$")


def texts(tree: dict[str, Any]) -> list[tuple[str, dt.date | None]]:
    out: list[tuple[str, dt.date | None]] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif type(v) is str:
            out.append((v, None))

    for k, v in tree.items():
        if k != "変更箇所":
            walk(v)
    for row in tree.get("変更箇所", []):
        if isinstance(row.get("変更後の記載"), str):
            out.append((row["変更後の記載"], row.get("変更日")))
    return out


def hand_written(tree: dict[str, Any]) -> int:
    found = 0
    rows = tree.get("変更箇所", [])
    previous = None
    for row in rows:
        if empty(row.get("提出時期")):
            found += 1  # CH-001b
        reason = row.get("提出時期に係る説明") or ""
        if re.search("重要な変更", normalize_text(reason)) and not _NEG.search(normalize_text(reason)) \
                and row.get("提出時期") == "事後":
            found += 1  # CH-004
        if "重大な変更" in compact_text(reason):
            found += 1  # CH-007
        if previous is not None and previous.get("変更日") and row.get("変更日") and row["変更日"] < previous["変更日"]:
            found += 1  # CH-008
        previous = row
    for f in tree.get("特定個人情報ファイル", []):
        entrust = f.get("委託") or {}
        tasks = entrust.get("委託事項") or []
        for t in tasks:  # ENT-001
            if t.get("再委託の有無") == "再委託する" and (empty(t.get("再委託の許諾方法")) or empty(t.get("再委託事項"))):
                found += 1
        if entrust.get("委託の有無") is not None and int(entrust["委託の有無"]) != len(tasks):
            found += 1  # ENT-004
    ward = isinstance(tree.get("評価実施機関名"), str) and _WARD.search(normalize_text(tree["評価実施機関名"]))
    for text, written in texts(tree):
        judged = written or AS_OF
        if judged >= dt.date(2021, 9, 1) and _LAW1.search(normalize_text(text)):
            found += 1  # LAW-001
        if ward and _CITY.search(normalize_text(text)):
            found += 1  # WRD-001
    return found


def main() -> None:
    start = time.perf_counter()
    library = load_policies([bundled_policy_dir()])
    setup = time.perf_counter() - start
    assert library.ok
    print(f"bundled library: {len(library.files)} files, {len(library.rules)} rules; "
          f"parse + check + compile (cold, incl. building the parser): {setup * 1000:.0f} ms")
    again = best_of(lambda: load_policies([bundled_policy_dir()]), repeat=5)
    print(f"  again with the parser built: {again * 1000:.0f} ms")

    docs = documents(1000)
    sources = [(str(f.path), (bundled_policy_dir() / f.path.split('/')[-1]).read_text(encoding="utf-8"))
               for f in library.files]
    subset = parse_policy_texts(sources)
    subset.rules = [r for r in subset.rules if r.checked.id in SUBSET]
    assert len(subset.rules) == len(SUBSET)

    compiled_count = sum(len(evaluate(subset.rules, d, AS_OF)) for d in docs)
    hand_count = sum(hand_written(d.tree) for d in docs)
    assert compiled_count == hand_count, (compiled_count, hand_count)

    compiled = best_of(lambda: [evaluate(subset.rules, d, AS_OF) for d in docs], repeat=3)
    hand = best_of(lambda: [hand_written(d.tree) for d in docs], repeat=3)
    print(f"{len(SUBSET)} rules × 1,000 documents ({compiled_count} findings, identical in both):")
    print(f"  compiled piarules: {1000 / compiled:8.0f} documents/s")
    print(f"  hand-written:      {1000 / hand:8.0f} documents/s")
    print(f"  ratio compiled/hand-written: {hand / compiled:.2f}  (target ≥ 0.33)")
    whole = best_of(lambda: [evaluate(library.rules, d, AS_OF) for d in docs], repeat=3)
    print(f"whole library ({len(library.rules)} rules) × 1,000 documents: {whole:.2f} s "
          f"({1000 / whole:.0f} documents/s)")


if __name__ == "__main__":
    main()
