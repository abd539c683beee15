"""Seed-sized assessment documents for the scale benchmarks, written to a directory.

Each document is the bundled example (墨田区 国民健康保険 重点項目評価書: ≈ 240 KB, 1,660 lines,
137 change rows) with the body name changed (a rotating list of 区, 市, 町, 村 and a 広域連合) and a
document-specific token written into many of its sentences, so that no two documents share
their texts: per-text caches (prose, citations) get no free hits across documents, as in a real
national batch where every body words things its own way. Textual edits only (the token goes
before a 。, which is safe in any YAML scalar style): generating 10,000 documents takes seconds.

    python bench/generate.py OUT_DIR N [--rows R]

`--rows R` replaces the change log by R generated rows (for the 20,000-row rule benchmark, see
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


def change_rows(n: int) -> str:
    """`n` change rows in the example's YAML shape (dates rising, a few out of order)."""
    out = ["変更箇所:"]
    for k in range(n):
        year, month, day = 2 + k * 6 // max(n, 1), 1 + k % 12, 1 + k % 28
        if k % 97 == 0 and k:
            year = max(year - 1, 1)  # an out-of-order row now and then (CH-008)
        out += [f"  - 変更日: 令和{year}年{month}月{day}日",
                f"    項目: 特定個人情報ファイルの概要 {1 + k % 7}. ファイル{1 + k % 7} 3. 特定個人情報の入手・使用 入手方法",
                "    変更前の記載: (空欄)",
                f"    変更後の記載: 住民からの申請書により入手する。〔{k}〕",
                f"    提出時期: {'事前' if k % 3 == 0 else '事後'}",
                "    提出時期に係る説明: リスクを明らかに軽減させる変更であるため"]
    return "\n".join(out) + "\n"


def with_rows(text: str, rows: int) -> str:
    """The example with its change log replaced by `rows` generated rows."""
    head, sep, _ = text.partition("\n変更箇所:\n")
    assert sep, "the example has a 変更箇所 section at the top level"
    return head + "\n" + change_rows(rows)


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
