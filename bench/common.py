"""Helpers shared by the benchmarks: timing and generated documents."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "sumida-kokuho"


def with_bytecode(env: dict[str, str], directory: str) -> dict[str, str]:
    """`env` with bytecode written to and read from `directory`, the state `pip install` leaves
    (modules compiled). This machine sets PYTHONDONTWRITEBYTECODE, which would make every new
    process compile piarules' modules from source again (20–70 ms)."""
    out = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out["PYTHONPYCACHEPREFIX"] = directory
    return out


def best_of(fn: Callable[[], object], repeat: int = 7, number: int = 1) -> float:
    """Median seconds per call over `repeat` rounds of `number` calls."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        rounds.append((time.perf_counter() - start) / number)
    return statistics.median(rounds)


def assessment_text(rows: int = 150, row_chars: int = 24) -> str:
    """A generated 重点項目評価書 with `rows` change rows (about 40 KB at the defaults)."""
    from piarules.importer import dump_yaml

    permit = "委託先から再委託先の商号、住所、理由を記載した書面による申請を受け、許諾する。"
    files = [
        {"番号": n, "ファイル名": f"ファイル{n}", "基本情報": {"対象となる本人の数": "1万人以上10万人未満"},
         "委託": {"委託の有無": "2件", "委託事項": [
             {"番号": k, "委託事項名": f"委託{k}", "委託先名": "連合会", "委託先における取扱者数": "10人以上50人未満",
              "再委託の有無": "再委託する", "再委託の許諾方法": permit, "再委託事項": "運用保守"} for k in (1, 2)]},
         "保管・消去": {"保管場所": "入退室管理をしている部屋に設置したサーバー内に保管している。"}}
        for n in range(1, 4)
    ]
    data = {
        "評価書の種類": "重点項目評価書", "評価実施機関名": "墨田区長", "公表日": "令和6年1月31日",
        "基本情報": {"事務": {"事務の名称": "国民健康保険に関する事務", "対象人数": "1万人以上10万人未満"},
                   "個人番号の利用": {"法令上の根拠": "番号法第9条第1項 別表30の項"}},
        "特定個人情報ファイル": files,
        "リスク対策": [{"番号": n, "監査": {"実施の有無": "自己点検 内部監査"},
                     "保管・消去": {"重大事故": "発生なし", "その内容": "-"}} for n in range(1, 7)],
        "評価実施手続": {"基礎項目評価": {"実施日": "令和6年1月25日", "しきい値判断結果": "基礎項目評価の実施が義務付けられる"}},
        "変更箇所": [
            {"変更日": f"令和{2 + i * 5 // rows}年{1 + i % 12}月{1 + i % 28}日",
             "項目": f"ファイルの概要({1 + i % 3}) 委託事項{1 + i % 2} 許諾方法",
             "変更前の記載": "(空欄)", "変更後の記載": (permit * 3)[:row_chars],
             "提出時期": "事前" if i % 3 == 0 else "事後", "提出時期に係る説明": "リスク軽減のため"}
            for i in range(rows)
        ],
    }
    return dump_yaml(data, "# generated for the benchmarks\n")
