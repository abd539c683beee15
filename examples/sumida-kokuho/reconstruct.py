"""Rebuild assessment.yaml from changelog.yaml: each item's latest 変更後の記載 in the log.

Provenance script for the bundled example (run: python reconstruct.py). Every value below is
copied from the row named by its source line in seed-changelog.txt; nothing is invented.
Items the log never mentions are left out (see README.md). tests/test_example.py checks that
assessment.yaml is exactly what this script writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from piarules.document.loader import load_yaml
from piarules.importer import dump_yaml

HERE = Path(__file__).parent
RISK_ROWS = {  # file number → (使用, 委託.具体的な方法, 委託.その他, 保管.その他, その他のリスク対策, 提供, 監査)
    1: ([102], [201, 202], [203], [109], [110], [171], [13]),
    2: ([], [], [], [], [], [], [14]),
    3: ([111], [208, 209], [210], [118], [119], [176], [15]),
    4: ([120], [125], [126], [127], [128], [177], [16]),
    5: ([129], [215, 216], [217], [136], [137], [179], [17]),
    6: ([], [], [], [], [], [], [18]),
}


def main() -> None:
    log = load_yaml((HERE / "changelog.yaml").read_text(encoding="utf-8"), "changelog.yaml").data
    for row in log["変更箇所"]:  # read as text; written back as the number it is (the schema says so)
        row["出典"]["行"] = int(row["出典"]["行"])
    rows = {row["出典"]["行"]: row for row in log["変更箇所"]}

    def after(*lines: int) -> str:
        return "\n".join(rows[n]["変更後の記載"] for n in lines)

    def put(target: dict[str, Any], key: str, lines: list[int]) -> None:
        if lines:
            target[key] = after(*lines)

    data: dict[str, Any] = {
        "評価書の種類": "重点項目評価書",
        "評価実施機関名": "墨田区長",
        "基本情報": {
            "事務": {"事務の内容": after(183), "対象人数": after(7)},
            "システム": [
                {"番号": 4, "システムの機能": after(147), "他のシステムとの接続": after(6)},
                {"番号": 5, "システムの名称": after(67), "システムの機能": after(72, 73, 74, 75)},
            ],
            "特定個人情報ファイル名": after(168),
            "個人番号の利用": {"法令上の根拠": after(148)},
            "情報提供ネットワークシステムによる情報連携": {"法令上の根拠": after(153)},
        },
        "特定個人情報ファイル": files(after),
        "リスク対策": risks(after, put),
        "開示請求・問合せ": {"特定個人情報ファイルの取扱いに関する問合せ": after(48)},
        "評価実施手続": {"基礎項目評価": {"実施日": after(218), "しきい値判断結果": after(139)}},
        "変更箇所": log["変更箇所"],
    }
    header = ("# 墨田区 国民健康保険 重点項目評価書: 変更箇所から再構成した最新の状態 (reconstruct.py が生成)\n"
              "# 各値は seed-changelog.txt の該当行の「変更後の記載」。記載のない項目は含めていない。\n")
    (HERE / "assessment.yaml").write_text(dump_yaml(data, header), encoding="utf-8")


def files(after: Any) -> list[dict[str, Any]]:
    names = ["資格管理ファイル", "資格状況履歴ファイル", "前期高齢管理ファイル", "国民健康保険料賦課情報ファイル",
             "給付管理ファイル", "滞納整理ファイル", "収納管理ファイル"]
    out: list[dict[str, Any]] = [{"番号": i, "ファイル名": n} for i, n in enumerate(names, start=1)]
    people = {1: 8, 3: 9, 4: 10, 5: 11, 6: 12}
    storage = {1: 50, 2: 55, 3: 56, 4: 57, 5: 58, 6: 63}
    for number, line in people.items():
        out[number - 1]["基本情報"] = {"対象となる本人の数": after(line)}
    for number, line in storage.items():
        out[number - 1]["保管・消去"] = {"保管場所": after(line)}
    out[3]["入手・使用"] = {"入手元": after(169)}
    out[4]["入手・使用"] = {"入手元": after(157)}
    out[0]["提供・移転"] = {"提供先": [{"提供先名": "提供先1~11", "法令上の根拠": after(154)}]}
    out[3]["提供・移転"] = {"提供先": [{"提供先名": "提供先1~3", "法令上の根拠": after(156)}]}
    out[4]["委託"] = {
        "委託の有無": after(188),
        "委託事項": [
            {"番号": 1},  # exists (委託の有無 5件, 委託事項2–5 named) but the log gives none of its items
            {"番号": 2, "委託内容": after(77), "再委託事項": after(189)},
            entrusted(after, 3, [82, 158, 84, 85, 86], [87, 88], [89]),
            entrusted(after, 4, [90, 163, 96, 97, 98], [99, 100], [101]),
            entrusted(after, 5, [190, 191, 192, 193, 194], [195], [200]),
        ],
    }
    return out


def entrusted(after: Any, number: int, singles: list[int], permit: list[int], items: list[int]) -> dict[str, Any]:
    keys = ["委託事項名", "委託内容", "委託先における取扱者数", "委託先名", "再委託の有無"]
    entry: dict[str, Any] = {"番号": number}
    entry.update({k: after(n) for k, n in zip(keys, singles, strict=True)})
    entry["再委託の許諾方法"] = after(*permit)
    entry["再委託事項"] = after(*items)
    return entry


def risks(after: Any, put: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for number, (use, entrust, entrust_other, storage_other, other, provide, audit) in RISK_ROWS.items():
        risk: dict[str, Any] = {"番号": number}
        if use:
            risk["使用"] = {"具体的な管理方法": after(*use)}
        entrust_section: dict[str, Any] = {}
        put(entrust_section, "具体的な方法", entrust)
        put(entrust_section, "その他のリスク及びそのリスクに対する措置", entrust_other)
        if number == 5:
            entrust_section["規定の内容"] = after(178)
        if number == 6:
            entrust_section["再委託先による特定個人情報ファイルの適切な取扱いの担保"] = after(180)
        if entrust_section:
            risk["委託"] = entrust_section
        if provide:
            risk["提供・移転"] = {"ルール内容及びルール遵守の確認方法": after(*provide)}
        storage: dict[str, Any] = {"重大事故": after(164), "その内容": after(165), "再発防止策の内容": after(166)}
        put(storage, "その他のリスク及びそのリスクに対する措置", storage_other)
        risk["保管・消去"] = storage
        risk["監査"] = {"実施の有無": after(*audit)}
        put(risk, "その他のリスク対策", other)
        out.append(risk)
    out.append({"番号": 7})
    return out


if __name__ == "__main__":
    main()
