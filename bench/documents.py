"""Seeded benchmark documents: 重点項目評価書 of the size of examples/sumida-kokuho (137 change
rows, 7 files, 委託事項, リスク対策), on which every rule of bench/policies both fires and stays
quiet somewhere.

Each document draws a profile: for every benchmark rule, whether this document breaks it. A broken
rule gets a few violating items; otherwise the document holds none, only near misses that must
stay quiet (a negated 「重要な変更に当たらない」, 「当市場」, 第19条第7号 written before it was
renumbered, クラウド before ISMAP was required …). The YAML is written by a small block-style
emitter (ruamel's writer would dominate the set-up time).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from piarules.jpvalues import to_wareki

AS_OF = dt.date(2026, 4, 1)
RULES = ("B-CH-01", "B-CH-02", "B-CH-03", "B-CH-04", "B-CH-05", "B-CH-06", "B-CH-07", "B-CLOUD-01", "B-TM-01",
         "B-ENT-01", "B-ENT-02", "B-ENT-03", "B-WRD-01", "B-WRD-02", "B-LAW-01", "B-TH-01", "B-TH-02", "B-TM-02")

FILES = ["資格管理ファイル", "資格状況履歴ファイル", "前期高齢管理ファイル", "国民健康保険料賦課情報ファイル",
         "給付管理ファイル", "滞納整理ファイル", "収納管理ファイル"]
BODIES = ["墨田区長", "江東区長", "世田谷区教育委員会"]
STORAGE = ("(区における措置) ・住民記録管理システムにおいてはサービス利用方式を導入している。システム本体は外部データセンター"
           "で稼働しており、厳格な入退室管理(IDカード、生体認証、監視カメラ)が行われている。中間サーバー・プラットフォームは"
           "データセンターに設置しており、データセンターへの入館及びサーバー室への入室を厳重に管理する。")
AFFAIR = ("国民健康保険法に基づく被保険者の資格管理、保険料の賦課・徴収及び保険給付に関する事務。オンライン資格確認等システムで"
          "被保険者等の資格情報を利用するために、国保連合会から委託を受けた国保中央会が資格履歴管理事務を行う。")
PERMIT = "委託先から再委託先の商号、住所、再委託する理由を記載した書面による申請を受け、区が許諾する。"
PERMIT_WEAK = "委託先から再委託先の名称を口頭で確認し、区が承認する。"
SUBTASK = "国保総合システムに関する運用業務の一部(バッチ処理、バックアップデータの取得と保管)"
TEXTS = ["・番号法第9条第1項 別表30の項 ・番号法第9条第2項", "【情報照会】 ・番号法第19条第8号に基づく主務省令第2条の表",
         "(1)資格履歴管理事務に係る機能 資格履歴管理(評価対象) ・医療保険者等が、加入者等の基本4情報を委託区画に登録する。",
         "窓口課、税務課、介護保険課", "国民健康保険システム(国保情報集約システムのみ接続)", "当市場の取引に関する情報は扱わない。",
         "事務事務の内容を見直した。", "オンライン資格確認等システムへの資格情報の提供"]
CLOUD = "クラウドサービス事業者への再委託: ISO/IEC27017の認証を取得していること、日本国内でのデータ保管を条件とする。"
ISMAP = "ISMAPクラウドサービスリストに掲載されていること。"
RESULT = {"全項目": "基礎項目評価及び全項目評価の実施が義務付けられる",
          "重点": "基礎項目評価及び重点項目評価の実施が義務付けられる"}

# 項目 cells as the seed's change log writes them (their 項目の解析 is computed when a document loads)
CHAIN_ITEMS = {
    "基本情報 1. 特定個人情報ファイルを取り扱う事務 対象人数": ["1万人以上10万人未満", "10万人以上30万人未満"],
    "特定個人情報ファイルの概要 1. 資格管理ファイル 2. 基本情報 対象となる本人の数": ["1万人以上10万人未満", "10万人以上100万人未満"],
    "特定個人情報ファイルの概要(5. 給付管理ファイル) 4. 特定個人情報ファイルの取扱いの委託委託の有無": ["4件", "5件", "6件"],
    "特定個人情報ファイルの概要(5.給付管理ファイル) 4.特定個人情報ファイルの取扱いの委託 委託事項3 再委託の有無": ["再委託する", "再委託しない"],
    "評価実施手続 1. 基礎項目評価 しきい値判断結果": [RESULT["重点"], "基礎項目評価の実施が義務付けられる"],
}
IMPORTANT_ITEMS = ["基本情報 1. 特定個人情報ファイル取り扱う事務 事務の内容",
                   "特定個人情報ファイルの概要(1. 資格管理ファイル) 6. 特定個人情報の保管・消去 保管場所",
                   "特定個人情報ファイルの概要(4. 国民健康保険料賦課情報ファイル) 3. 特定個人情報の入手・使用 入手元"]
OTHER_ITEMS = ["基本情報 2. 特定個人情報を取り扱う事務において使用するシステム システム4 システムの機能",
               "リスク対策 1. 資格管理ファイル 8. 監査 実施の有無",
               "リスク対策(1.資格管理ファイル) 3.特定個人情報の使用 ユーザー認証の管理 具体的な管理方法",
               "特定個人情報ファイルの概要(5. 給付管理ファイル) 4. 特定個人情報ファイルの取扱いの委託委託事項2委託内容",
               "- 2 特定個人情報ファイルの取扱いに関する問合せ連絡先", "リスク対策(7. 収納管理ファイル)"]
ASSESSED = "評価実施手続 1. 基礎項目評価 実施日"
EXPLAINED = ["リスクを明らかに軽減する変更であり、重要な変更に当たらない。", "誤字の修正のため。", "法令改正に伴う記載の修正。",
             "組織改正に伴う記載の修正であり重要な変更には該当しない。"]


def _date(day: dt.date, rng: random.Random) -> str:
    return to_wareki(day) if rng.random() < 0.8 else day.isoformat()


def _profile(rng: random.Random) -> dict[str, bool]:
    """Which rules this document breaks (each with probability 1/2)."""
    return {rule: rng.random() < 0.5 for rule in RULES}


def _files(rng: random.Random, breaks: dict[str, bool]) -> list[Any]:
    files: list[Any] = []
    for n, name in enumerate(FILES, 1):
        tasks = []
        for k in range(1, rng.randint(1, 5) + 1):
            resub = rng.random() < 0.6
            task: dict[str, Any] = {"番号": k, "委託事項名": f"{name}の運用保守{k}", "委託内容": TEXTS[2],
                                    "委託先名": "東京都国民健康保険団体連合会",
                                    "再委託の有無": "再委託する" if resub else "再委託しない"}
            if resub:
                task["再委託の許諾方法"] = PERMIT
                task["再委託事項"] = SUBTASK
            tasks.append(task)
        files.append({"番号": n, "ファイル名": name,
                      "基本情報": {"対象となる本人の数": rng.choice(["1万人未満", "1万人以上10万人未満"]),
                                 "主な記録項目": "識別情報、連絡先等情報、業務関係情報"},
                      "入手・使用": {"入手元": TEXTS[3], "使用目的": AFFAIR[:40]},
                      "委託": {"委託の有無": f"{len(tasks)}件", "委託事項": tasks},
                      "保管・消去": {"保管場所": STORAGE}})
    resubs = [t for f in files for t in f["委託"]["委託事項"] if t["再委託の有無"] == "再委託する"]
    if not resubs:  # every document has something to re-entrust
        task = files[0]["委託"]["委託事項"][0]
        task.update({"再委託の有無": "再委託する", "再委託の許諾方法": PERMIT, "再委託事項": SUBTASK})
        resubs = [task]
    if breaks["B-ENT-01"]:
        rng.choice(resubs).pop("再委託事項")
    if breaks["B-ENT-02"]:
        rng.choice(resubs)["再委託の許諾方法"] = PERMIT_WEAK
    if breaks["B-ENT-03"]:
        f = rng.choice(files)
        f["委託"]["委託の有無"] = f"{len(f['委託']['委託事項']) + 1}件"
    if breaks["B-TH-02"]:
        rng.choice(files)["基本情報"]["対象となる本人の数"] = "10万人以上100万人未満"
    return files


def _rows(rng: random.Random, count: int, breaks: dict[str, bool]) -> list[dict[str, Any]]:
    """The change log: dated batches in order, chains of values per item, explanations."""
    start = dt.date(2017, 4, 1)
    end = dt.date(2025, 2, 20) if breaks["B-TM-01"] else dt.date(2026, 1, 15)
    days: list[dt.date] = []
    while len(days) < count:
        day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
        days += [day] * rng.randint(1, 6)
    days = [*sorted(days[:count - 2]), end]  # _near_misses adds one row: `count` in all
    state: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    for day in days:
        pick = rng.random()
        if pick < 0.3:
            item = rng.choice(list(CHAIN_ITEMS))
            before = state.get(item, CHAIN_ITEMS[item][0])
            after = rng.choice([v for v in CHAIN_ITEMS[item] if v != before] or [before])
            state[item] = after
        else:
            item = rng.choice(IMPORTANT_ITEMS if pick < 0.55 else OTHER_ITEMS)
            before, after = rng.choice([*TEXTS, STORAGE]), rng.choice([*TEXTS, STORAGE, AFFAIR, STORAGE + AFFAIR])
        timing = "事前" if rng.random() < 0.3 else "事後"
        row: dict[str, Any] = {"変更日": _date(day, rng), "項目": item, "変更前の記載": before, "変更後の記載": after,
                               "提出時期": timing}
        if timing == "事後" or rng.random() < 0.5:
            row["提出時期に係る説明"] = rng.choice(EXPLAINED)
        if timing == "事前" and rng.random() < 0.2:
            row["提出時期に係る説明"] = "重要な変更に当たるため事前に提出した。"
        rows.append(row)
    _near_misses(rng, rows, days)
    _break_rows(rng, rows, days, breaks)
    return rows


def _near_misses(rng: random.Random, rows: list[dict[str, Any]], days: list[dt.date]) -> None:
    """Texts that look like violations but are not (every document has them)."""
    early = [i for i, d in enumerate(days) if d < dt.date(2021, 9, 1)]
    rows[rng.choice(early)]["変更後の記載"] = "番号法第19条第7号及び別表第2の30の項"
    before_ismap = [i for i, d in enumerate(days) if d < dt.date(2024, 1, 31)]
    rows[rng.choice(before_ismap)]["変更後の記載"] = CLOUD
    after = [i for i, d in enumerate(days) if d >= dt.date(2024, 1, 31)]
    rows[rng.choice(after)]["変更後の記載"] = CLOUD + ISMAP
    i = rng.randrange(len(rows))
    rows[i].update({"項目": ASSESSED, "変更前の記載": _date(days[i] - dt.timedelta(days=400), rng),
                    "変更後の記載": _date(days[i], rng), "提出時期": "事後"})
    rows.insert(i + 1, {**rows[i], "項目": IMPORTANT_ITEMS[0], "変更前の記載": TEXTS[0], "変更後の記載": AFFAIR,
                        "提出時期": "事前", "提出時期に係る説明": "重要な変更に当たるため事前に提出した。"})
    days.insert(i + 1, days[i])


def _break_rows(rng: random.Random, rows: list[dict[str, Any]], days: list[dt.date], breaks: dict[str, bool]) -> None:
    def some(n: int, where: list[int] | None = None) -> list[int]:
        pool = where if where is not None else list(range(len(rows)))
        return rng.sample(pool, min(n, len(pool)))

    if breaks["B-CH-01"]:
        for i in some(3):
            if rng.random() < 0.5:
                rows[i].pop("提出時期", None)
            else:
                rows[i]["提出時期"] = "(空欄)"
    if breaks["B-CH-02"]:
        for i in some(2):
            rows[i].update({"提出時期": "事後", "提出時期に係る説明": "重要な変更に該当するため再評価した。"})
    if breaks["B-CH-03"]:
        for i in some(2):
            rows[i]["提出時期に係る説明"] = "重大な変更には当たらない。"
    if breaks["B-CH-04"]:
        for i in some(2, list(range(1, len(rows) - 1))):
            rows[i]["変更日"], rows[i + 1]["変更日"] = rows[i + 1]["変更日"], rows[i]["変更日"]
            rows[i]["変更日"] = _date(days[i - 1] - dt.timedelta(days=30), rng)
    if breaks["B-CH-05"]:
        chained = [i for i, r in enumerate(rows) if r["項目"] in CHAIN_ITEMS]
        seen: set[str] = set()
        later = []
        for i in chained:
            if rows[i]["項目"] in seen:
                later.append(i)
            seen.add(rows[i]["項目"])
        for i in some(2, later):
            rows[i]["変更前の記載"] = "(記録なし)"
    if breaks["B-CH-06"]:
        important = [i for i, r in enumerate(rows) if r["項目"] in IMPORTANT_ITEMS]
        for i in some(2, important):
            rows[i]["提出時期"] = "事後"
            rows[i].pop("提出時期に係る説明", None)
    if breaks["B-CH-07"]:
        assessed = next(i for i, r in enumerate(rows) if r["項目"] == ASSESSED)
        rows[assessed + 1]["提出時期"] = "事後"
        for r in rows:
            if r is not rows[assessed] and r["変更日"] == rows[assessed]["変更日"]:
                r["提出時期"] = "事後"
    if breaks["B-CLOUD-01"]:
        after = [i for i, d in enumerate(days) if d >= dt.date(2024, 1, 31)]
        for i in some(1, after):
            rows[i]["変更後の記載"] = CLOUD
    if breaks["B-LAW-01"]:
        after = [i for i, d in enumerate(days) if d >= dt.date(2021, 9, 1)]
        for i in some(1, after):
            rows[i]["変更後の記載"] = "番号法第19条第7号に基づく情報照会"
    if breaks["B-WRD-02"]:
        rows[rng.randrange(len(rows))]["変更後の記載"] = "特定個人情報情報ファイルの取扱いの委託"


def document_data(seed: int, rows: int = 137) -> dict[str, Any]:
    """The data of benchmark document `seed` (deterministic)."""
    rng = random.Random(seed)
    breaks = _profile(rng)
    band = "1万人以上10万人未満"
    result = RESULT["全項目"] if breaks["B-TH-01"] else RESULT["重点"]
    assessed = dt.date(2020, 3, 1) if breaks["B-TM-02"] else dt.date(2024, 1, 25)
    files = _files(rng, breaks)
    basics: dict[str, Any] = {"事務": {"事務の名称": "国民健康保険に関する事務", "事務の内容": AFFAIR, "対象人数": band},
              "システム": [{"番号": n, "システムの名称": f"システム{n}", "システムの機能": TEXTS[2],
                           "他のシステムとの接続": TEXTS[4]} for n in range(1, 4)],
              "特定個人情報ファイル名": " ".join(f"{n} {name}" for n, name in enumerate(FILES, 1)),
              "個人番号の利用": {"法令上の根拠": TEXTS[0]},
              "情報提供ネットワークシステムによる情報連携": {"実施の有無": "実施する", "法令上の根拠": TEXTS[1]}}
    if breaks["B-WRD-01"]:
        basics["事務"]["事務の内容"] = AFFAIR + "当市の国民健康保険に関する条例に基づく。"
    risks = [{"番号": n, "ファイル名": name,
              "委託": {"再委託先による特定個人情報ファイルの適切な取扱いの担保": "十分に行っている"},
              "保管・消去": {"重大事故": "発生なし", "その内容": "-"},
              "監査": {"実施の有無": "自己点検 内部監査", "具体的な内容": "年1回、自己点検を行う。"},
              "その他のリスク対策": TEXTS[5]} for n, name in enumerate(FILES, 1)]
    return {
        "評価書の種類": "重点項目評価書", "評価書名": "国民健康保険に関する事務 重点項目評価書",
        "評価実施機関名": rng.choice(BODIES), "公表日": _date(dt.date(2025, 12, 1), rng),
        "基本情報": basics, "特定個人情報ファイル": files, "リスク対策": risks,
        "評価実施手続": {"基礎項目評価": {"実施日": _date(assessed, rng), "しきい値判断結果": result}},
        "変更箇所": _rows(rng, rows, breaks),
    }


def _scalar(value: Any) -> str:
    """A plain scalar where YAML reads it back unchanged (piarules reads every scalar as text), else JSON-quoted."""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    plain = (text and text[0] not in "-?:,[]{}#&*!|>'\"%@` " and ": " not in text and " #" not in text
             and "\n" not in text and not text.endswith((":", " ")))
    return text if plain else json.dumps(text, ensure_ascii=False)


def _emit(value: Any, indent: str, out: list[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                out.append(f"{indent}{key}:")
                _emit(item, indent + "  ", out)
            else:
                out.append(f"{indent}{key}: {_scalar(item)}")
    else:
        for item in value:
            lines: list[str] = []
            _emit(item, indent + "  ", lines)
            out.append(f"{indent}- {lines[0].lstrip()}")
            out.extend(lines[1:])


def document_text(seed: int, rows: int = 137) -> str:
    """Benchmark document `seed` as YAML (block style, like examples/sumida-kokuho)."""
    out = [f"# bench/documents.py seed {seed}"]
    _emit(document_data(seed, rows), "", out)
    return "\n".join(out) + "\n"
