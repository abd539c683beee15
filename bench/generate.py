"""Seed-sized assessment documents for the scale benchmarks, written to a directory.

Each document is the bundled example (墨田区 国民健康保険 重点項目評価書: ≈ 240 KB, 1,660 lines,
137 change rows) with the body name changed (a rotating list of 区, 市, 町, 村 and a 広域連合) and a
document-specific token written into many of its sentences, so that no two documents share
their texts: per-text caches (prose, citations) get no free hits across documents, as in a real
national batch where every body words things its own way. Textual edits only (the token goes
before a 。, which is safe in any YAML scalar style): generating 10,000 documents takes seconds.

    python bench/generate.py OUT_DIR N [--rows R]

`--rows R` cycles the example's own change rows to R rows (the 20,000-row rule benchmark,
bench_rows.py).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from common import EXAMPLE

BODIES = ("墨田区", "八王子市", "高山市", "南伊豆町", "檜原村", "足立区", "浜松市", "東川町",
          "大川村", "福岡県後期高齢者医療広域連合")
_SENTENCE_END = re.compile("。")


def variant(text: str, i: int) -> str:
    """Document `i`: another body and a token in about every other sentence."""
    body = BODIES[i % len(BODIES)]
    if body != "墨田区":
        text = text.replace("墨田区", body)
    token = f"〔{i}〕"
    count = 0

    def mark(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return token + m[0] if count % 2 == i % 2 else m[0]

    return _SENTENCE_END.sub(mark, text)


_SOURCE = re.compile(r"\n    (出典|原文):(\n      .*)*")


def with_rows(text: str, rows: int) -> str:
    """The example with its change log cycled to `rows` rows (its own 137 real rows over and
    over: the same mix of items, dates, 重大事故 and 実施日 changes a real log has)."""
    head, sep, log = text.partition("\n変更箇所:\n")
    assert sep, "the example ends with its 変更箇所 section"
    own = ["  - " + row for row in log.split("\n  - ")]
    own[0] = own[0][4:]
    own = [_SOURCE.sub("", row) for row in own]  # the official table's six columns (出典 and 原文 are the example's notes)
    out = [own[k % len(own)].rstrip("\n") for k in range(rows)]
    return head + "\n変更箇所:\n" + "\n".join(out) + "\n"


def write_documents(out: Path, n: int, rows: int | None = None) -> list[Path]:
    """Write n documents into out/ (two levels of directories, as a national batch would be filed)."""
    base = (EXAMPLE / "assessment.yaml").read_text(encoding="utf-8")
    if rows is not None:
        base = with_rows(base, rows)
    paths = []
    for i in range(n):
        directory = out / f"{i // 1000:02d}" / f"{i // 50:04d}"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"doc{i:05d}.yaml"
        path.write_text(variant(base, i), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args()
    paths = write_documents(args.out, args.n, args.rows)
    size = sum(p.stat().st_size for p in paths) / len(paths)
    print(f"{len(paths)} documents in {args.out} (mean {size / 1000:.0f} KB)")


if __name__ == "__main__":
    main()
