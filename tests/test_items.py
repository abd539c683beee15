"""Item analysis (document/items.py): every 項目 cell of the seed, other bodies' wording, traps,
and the analysis every document gets when it loads.

Sources of the wording (`source:` on each case):
- [SEED]      墨田区 国保 重点項目評価書 (別添2) 変更箇所, examples/sumida-kokuho/seed-changelog.txt
- [HIRAKATA]  枚方市 住民基本台帳事務 全項目評価書 (printed form): 「Ⅰ 基本情報 1.特定個人情報ファイルを
              取り扱う事務 ①事務の名称 ②事務の内容 ※」, item labels ①②…
- [SAGAMI]    相模原市 住民基本台帳事務 全項目評価書 (様式4): 項目一覧 Ⅰ…Ⅵ, (別添1)(別添2)(別添3)
- [SHIZUOKA]  静岡市 住民基本台帳に関する事務 全項目評価書 (平成26年4月 様式4): the same 項目一覧
- [KUWANA]    桑名市 個人住民税賦課に関する事務 重点項目評価書 (様式3): Ⅰ 基本情報 … Ⅴ 評価実施手続 (別添2)
- [AKAIWA]    赤磐市 保育料の決定事務 基礎項目評価書 (平成26年4月 様式2): 「Ⅰ 関連情報 1.… ①事務の名称
              ②事務の概要」, 「4.情報提供ネットワークシステムによる情報連携 ①実施の有無」, 「Ⅱ しきい値判断項目
              1.対象人数 評価対象の事務の対象人数は何人か いつ時点の計数か」
- [ZEN-FORM]  全項目評価書 様式4 headings (domain.md §7.3): 「Ⅲ 特定個人情報ファイルの取扱いプロセスにおける
              リスク対策 ※(7.リスク1⑨を除く。)」, 「5.特定個人情報の提供・移転（委託に伴うものを除く。）」,
              「2.特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）」, 「(1) …ファイル」
- [DOM7]      domain.md §7.1–7.3 (layout of the three forms)
- [ISSUE9]    issue 9 / 13: 「Ⅱ 特定個人情報ファイルの概要 5. 給付管理ファイル」「(5) 給付管理ファイル」,
              委託事項n, 「※」, 「の記載」, ASCII I–VII
- [OFFICE]    how offices type the cell: full-width, 取扱う, 問い合わせ, HTML from a web form
(The pages corpus holds the openings of these published 評価書, not their change logs: the items
below are written in their wording, the way a change log row copies it.)
"""

from __future__ import annotations

from typing import Any

import pytest

from piarules.diagnostics import Severity
from piarules.document import load_document_text
from piarules.document.items import analyse_item, form_labels, load_form_labels
from piarules.document.validate import model_to_tree, validate_data
from piarules.importer import read_table
from tests.conftest import EXAMPLE, ROOT, bundled, load_doc

Z, J, K = "全項目評価書", "重点項目評価書", "基礎項目評価書"
SEED = ROOT / "examples" / "sumida-kokuho" / "seed-changelog.txt"

# (kind, 項目 cell, expected 様式パス, other expected fields)
VARIED: list[tuple[str | None, str, str | None, dict[str, Any]]] = [
    # ---- 全項目評価書
    (Z, "Ⅰ 基本情報 1.特定個人情報ファイルを取り扱う事務 ②事務の内容 ※", "基本情報.事務.事務の内容",
     {"節": "基本情報", "重要な変更の対象": True}),  # source: [HIRAKATA]
    (Z, "Ⅰ基本情報 2.特定個人情報ファイルを取り扱う事務において使用するシステム システム1 ③他のシステムとの接続",
     "基本情報.システム[].他のシステムとの接続", {"重要な変更の対象": False}),  # source: [DOM7] Ⅰ2 システムn
    (Z, "Ⅰ 4.特定個人情報ファイルを取り扱う理由 ①事務実施上の必要性",
     "基本情報.特定個人情報ファイルを取り扱う理由.事務実施上の必要性", {}),  # source: [DOM7] 全項目 Ⅰ4
    (Z, "Ⅰ 5.個人番号の利用 ※ 法令上の根拠", "基本情報.個人番号の利用.法令上の根拠",
     {"重要な変更の対象": True}),  # source: [DOM7] Ⅰ5 ※
    (Z, "Ⅰ 6.情報提供ネットワークシステムによる情報連携 ※ ①実施の有無",
     "基本情報.情報提供ネットワークシステムによる情報連携.実施の有無", {"重要な変更の対象": True}),  # source: [DOM7] Ⅰ6 ※
    (Z, "Ⅰ 7.評価実施機関における担当部署 ②所属長の役職名", "基本情報.担当部署.所属長の役職名", {}),  # source: [DOM7] Ⅰ7
    (Z, "Ⅰ 8.他の評価実施機関", "基本情報.他の評価実施機関", {}),  # source: [DOM7] 「Ⅰ8.他の評価実施機関」 (記載要領)
    (Z, "(別添1) 事務の内容", "基本情報.事務.事務の内容", {"節": "基本情報"}),  # source: [SAGAMI] (別添1) 事務の内容
    (Z, "Ⅱ 特定個人情報ファイルの概要 1.特定個人情報ファイル名 (1) 住民基本台帳ファイル 2.基本情報 ③対象となる本人の範囲 ※",
     "特定個人情報ファイル[].基本情報.対象となる本人の範囲",
     {"ファイル番号": 1, "ファイル名": "住民基本台帳ファイル", "重要な変更の対象": True}),  # source: [ZEN-FORM] (1) file heading
    (Z, "Ⅱ (1)住民基本台帳ファイル 2.基本情報 ④記録される項目 主な記録項目 ※",
     "特定個人情報ファイル[].基本情報.主な記録項目", {"節": "特定個人情報ファイルの概要"}),  # source: [DOM7] Ⅱ2④
    (Z, "Ⅱ (2) 本人確認情報ファイル 3.特定個人情報の入手・使用 ⑧使用方法 ※ 情報の突合 ※",
     "特定個人情報ファイル[].入手・使用.情報の突合", {"ファイル番号": 2}),  # source: [DOM7] Ⅱ3⑧ 情報の突合
    (Z, "Ⅱ (1) 住民基本台帳ファイル 4.特定個人情報ファイルの取扱いの委託 委託事項1 ①委託内容",
     "特定個人情報ファイル[].委託.委託事項[].委託内容", {"委託事項番号": 1}),  # source: [DOM7] Ⅱ4 委託事項n
    (Z, "Ⅱ (1) 住民基本台帳ファイル 4.特定個人情報ファイルの取扱いの委託 委託事項1~3 ⑩再委託の許諾方法",
     "特定個人情報ファイル[].委託.委託事項[].再委託の許諾方法", {"委託事項番号": None}),  # source: [SEED] 「提供先1~11」 range style
    (Z, "Ⅱ (1) 住民基本台帳ファイル 5.特定個人情報の提供・移転（委託に伴うものを除く。） 提供先1 ①法令上の根拠",
     "特定個人情報ファイル[].提供・移転.提供先[].法令上の根拠", {}),  # source: [ZEN-FORM]
    (Z, "Ⅱ (1) 住民基本台帳ファイル 5.特定個人情報の提供・移転 移転先3 ②移転先における用途",
     "特定個人情報ファイル[].提供・移転.移転先[].提供先における用途", {}),  # source: [DOM7] 移転先n
    (Z, "Ⅱ (1) 住民基本台帳ファイル 6.特定個人情報の保管・消去 ①保管場所 ※",
     "特定個人情報ファイル[].保管・消去.保管場所", {"重要な変更の対象": True}),  # source: [DOM7] Ⅱ6①
    (Z, "Ⅱ (1) 住民基本台帳ファイル 6.特定個人情報の保管・消去 ②保管期間 期間",
     "特定個人情報ファイル[].保管・消去.保管期間", {"重要な変更の対象": False}),  # source: [DOM7] Ⅱ6②
    (Z, "Ⅱ (1) 住民基本台帳ファイル 7.備考", "特定個人情報ファイル[].備考", {}),  # source: [DOM7] Ⅱ7
    (Z, "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策 ※(7.リスク1⑨を除く。) (1) 住民基本台帳ファイル "
        "2.特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。） リスク1: 目的外の入手が行われるリスク "
        "リスクに対する措置の内容", "リスク対策[].入手",
     {"節": "リスク対策", "重要な変更の対象": None}),  # source: [ZEN-FORM] the section note is not the item's mark
    (Z, "Ⅲ (1) 住民基本台帳ファイル 3.特定個人情報の使用 リスク2: 権限のない者（元職員、アクセス権限のない職員等）"
        "によって不正に使用されるリスク ユーザー認証の管理 具体的な管理方法",
     "リスク対策[].使用.具体的な管理方法", {}),  # source: [SEED] same wording in 全項目 Ⅲ3
    (Z, "Ⅲ (1) 住民基本台帳ファイル 4.特定個人情報ファイルの取扱いの委託 特定個人情報ファイルの閲覧者・更新者の制限",
     "リスク対策[].委託.特定個人情報ファイルの閲覧者・更新者の制限", {}),  # source: [DOM7] Ⅲ4
    (Z, "Ⅲ (1) 住民基本台帳ファイル 5.特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。） "
        "特定個人情報の提供・移転の記録", "リスク対策[].提供・移転.特定個人情報の提供・移転の記録", {}),  # source: [ZEN-FORM]
    (Z, "Ⅲ (1) 住民基本台帳ファイル 7.特定個人情報の保管・消去 リスク1: 特定個人情報の漏えい・滅失・毀損リスク "
        "⑨過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
     "リスク対策[].保管・消去.重大事故", {}),  # source: [ZEN-FORM] Ⅲ7 リスク1⑨
    (Z, "Ⅲ (1) 住民基本台帳ファイル 7.特定個人情報の保管・消去 ⑩死者の個人番号",
     "リスク対策[].保管・消去.死者の個人番号", {}),  # source: [DOM7] Ⅲ7⑩
    (Z, "Ⅳ その他のリスク対策 3.その他のリスク対策", "その他のリスク対策", {"節": "リスク対策"}),  # source: [SHIZUOKA] Ⅳ
    (Z, "Ⅴ 開示請求、問合せ 1.特定個人情報の開示・訂正・利用停止請求 ①請求先",
     "開示請求・問合せ.特定個人情報の開示・訂正・利用停止請求", {"節": "開示請求"}),  # source: [SAGAMI] Ⅴ 開示請求、問合せ
    (Z, "Ⅵ 評価実施手続 2.国民・住民等からの意見の聴取 ②実施日・期間",
     "評価実施手続.国民・住民等からの意見の聴取.実施日", {}),  # source: [DOM7] Ⅵ2
    (Z, "Ⅵ 評価実施手続 2.国民・住民等からの意見の聴取 ③期間を短縮する特段の理由",
     "評価実施手続.国民・住民等からの意見の聴取.期間を短縮する特段の理由", {}),  # source: [DOM7] Ⅵ2
    (Z, "Ⅵ 評価実施手続 3.第三者点検 ③結果", "評価実施手続.第三者点検.結果", {}),  # source: [DOM7] Ⅵ3
    (Z, "Ⅵ 4.個人情報保護委員会の承認【行政機関等のみ】 ①提出日",
     "評価実施手続.個人情報保護委員会の承認.提出日", {"節": "評価実施手続"}),  # source: [DOM7] Ⅵ4 (numeral only)
    (Z, "Ⅳ 開示請求、問合せ", "開示請求・問合せ", {}),  # source: [KUWANA] 重点 numbering in a 全項目 log: the name wins
    # ---- 重点項目評価書
    (J, "Ⅱ 特定個人情報ファイルの概要 5. 給付管理ファイル 4. 特定個人情報ファイルの取扱いの委託 委託事項3 ⑩再委託の有無 ※",
     "特定個人情報ファイル[].委託.委託事項[].再委託の有無",
     {"ファイル番号": 5, "ファイル名": "給付管理ファイル", "委託事項番号": 3, "重要な変更の対象": True}),  # source: [ISSUE9]
    (J, "(5) 給付管理ファイル 4.特定個人情報ファイルの取扱いの委託 委託事項2 再委託事項",
     "特定個人情報ファイル[].委託.委託事項[].再委託事項", {"ファイル番号": 5, "委託事項番号": 2}),  # source: [ISSUE9] 「(5) 給付管理ファイル」
    (J, "Ⅲ リスク対策 (5)給付管理ファイル 8.監査 実施の有無", "リスク対策[].監査.実施の有無", {"ファイル番号": 5}),  # source: [KUWANA] Ⅲ リスク対策
    (J, "Ⅲ リスク対策 (5)給付管理ファイル 9.従業者に対する教育・啓発 従業者に対する教育・啓発",
     "リスク対策[].従業者に対する教育・啓発.従業者に対する教育・啓発", {}),  # source: [DOM7] Ⅲ9
    (J, "IV 開示請求、問合せ 2.特定個人情報ファイルの取扱いに関する問合せ",
     "開示請求・問合せ.特定個人情報ファイルの取扱いに関する問合せ", {"節": "開示請求"}),  # source: [ISSUE9] ASCII IV
    (J, "V 評価実施手続 1.基礎項目評価 ①実施日", "評価実施手続.基礎項目評価.実施日", {}),  # source: [ISSUE9] ASCII V
    (J, "Ⅴ 1. 基礎項目評価 ②しきい値判断結果", "評価実施手続.基礎項目評価.しきい値判断結果",
     {"節": "評価実施手続"}),  # source: [KUWANA] Ⅴ 評価実施手続 (numeral only)
    (J, "Ⅱ.5.給付管理ファイル 3.特定個人情報の入手・使用 ⑤使用目的 ※", "特定個人情報ファイル[].入手・使用.使用目的",
     {"ファイル番号": 5, "重要な変更の対象": True}),  # source: [ISSUE9] 「Ⅱ.」
    (J, "II-1 資格管理ファイル 2. 基本情報 ①ファイルの種類 ※", "特定個人情報ファイル[].基本情報.ファイルの種類",
     {"ファイル番号": 1, "ファイル名": "資格管理ファイル"}),  # source: [OFFICE] 「II-1」
    (J, "Ⅰ　基本情報　１．特定個人情報ファイルを取扱う事務　③対象人数", "基本情報.事務.対象人数",
     {"重要な変更の対象": False}),  # source: [OFFICE] full-width, 取扱う; [DOM7] 対象人数 is not ※
    # ---- 基礎項目評価書
    (K, "Ⅰ 関連情報 1.特定個人情報ファイルを取り扱う事務 ②事務の概要", "基本情報.事務.事務の概要",
     {"節": "基本情報", "重要な変更の対象": None}),  # source: [AKAIWA] (no 重要な変更 in 基礎)
    (K, "Ⅰ 4.情報提供ネットワークシステムによる情報連携 ①実施の有無",
     "基本情報.情報提供ネットワークシステムによる情報連携.実施の有無", {}),  # source: [AKAIWA]
    (K, "Ⅱ しきい値判断項目 1.対象人数 いつ時点の計数か", "しきい値判断項目.対象人数の計数時点",
     {"節": "しきい値判断"}),  # source: [AKAIWA]
    (K, "Ⅱ 2.取扱者数 特定個人情報ファイル取扱者数は500人以上か", "しきい値判断項目.取扱者数", {}),  # source: [DOM7] 基礎 Ⅱ2
    (K, "Ⅱ 3.重大事故 過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか",
     "しきい値判断項目.重大事故", {}),  # source: [DOM7] 基礎 Ⅱ3
    (K, "Ⅲ しきい値判断結果", "しきい値判断結果", {"節": "しきい値判断"}),  # source: [DOM7] 基礎 Ⅲ
    (K, "Ⅳ リスク対策 4.委託 判断の根拠", "リスク対策.委託.判断の根拠", {"節": "リスク対策"}),  # source: [DOM7] 基礎 Ⅳ4
    (K, "Ⅳ リスク対策 1.提出する特定個人情報保護評価書の種類",
     "リスク対策.提出する特定個人情報保護評価書の種類", {}),  # source: [DOM7] 基礎 Ⅳ1
    # ---- the kind unknown (a change log alone)
    (None, "委託事項3 再委託の有無", "特定個人情報ファイル[].委託.委託事項[].再委託の有無", {"委託事項番号": 3}),  # source: [SEED] short form
    (None, "評価書名", "評価書名", {"節": None}),  # source: [SAGAMI] cover
    (None, "<p>基本情報</p><p>4. 個人番号の利用法令上の根拠</p>", "基本情報.個人番号の利用.法令上の根拠", {}),  # source: [SEED] HTML
    (None, "Ⅱ　特定個人情報ファイルの概要　５．給付管理ファイル　４．特定個人情報ファイルの取扱いの委託　委託事項３　再委託の有無",
     "特定個人情報ファイル[].委託.委託事項[].再委託の有無", {"ファイル番号": 5, "委託事項番号": 3}),  # source: [OFFICE] full-width
    (None, "特定個人情報ファイルの概要 委託事項2 委託先名の記載", "特定個人情報ファイル[].委託.委託事項[].委託先名",
     {"項目名": "委託先名"}),  # source: [ISSUE9] trailing 「の記載」
    (None, "Ⅳ 開示請求、問い合わせ 2.特定個人情報ファイルの取扱いに関する問い合わせ",
     "開示請求・問合せ.特定個人情報ファイルの取扱いに関する問合せ", {}),  # source: [OFFICE] 問い合わせ
    (None, "(1)住民基本台帳ファイル 2.基本情報 ③対象となる本人の範囲", "特定個人情報ファイル[].基本情報.対象となる本人の範囲",
     {"節": "特定個人情報ファイルの概要"}),  # source: [ZEN-FORM] the file heading implies Ⅱ
    # ---- traps: nothing is guessed
    (None, "対象人数", None, {"項目名": "対象人数"}),  # source: [DOM7] Ⅰ1③ (重点) or Ⅱ1 (基礎): unknown kind
    (J, "(5) 給付管理ファイル", None, {"ファイル番号": 5, "節": None}),  # source: [ISSUE9] Ⅱ or Ⅲ: not said
    (J, "リスク対策(1. 資格管理ファイル~6. 滞納整理ファイル) 7. 特定個人情報の保管・消去 その内容",
     "リスク対策[].保管・消去.その内容", {"ファイル番号": None, "ファイル名": None}),  # source: [SEED] a range of files
    (Z, "Ⅲ (1) 住民基本台帳ファイル 4.特定個人情報ファイルの取扱いの委託 具体的な方法", "リスク対策[].委託.具体的な方法", {}),  # source: [DOM7]
    (Z, "Ⅲ (1) 住民基本台帳ファイル 具体的な方法", "リスク対策[]", {"項目名": "リスク対策"}),  # source: [DOM7] in which subsection? skipped
]


@pytest.mark.parametrize(("kind", "cell", "path", "fields"), VARIED)
def test_varied_items(kind: str | None, cell: str, path: str | None, fields: dict[str, Any]) -> None:
    found = analyse_item(cell, kind)
    assert found.get("様式パス") == path
    for key, value in fields.items():
        assert found.get(key) == value, (key, found)
    if path:
        assert found["項目名"] == path.split(".")[-1].removesuffix("[]")


def test_enough_varied_items() -> None:
    assert len(VARIED) >= 40


def test_every_path_is_a_path_of_the_schema() -> None:
    from piarules.testing import schema_leaves

    leaves = schema_leaves()
    for _, _, path, _ in VARIED:
        assert path is None or any(leaf == path or leaf.startswith(path + ".") for leaf in leaves), path


# ---------------------------------------------------------------- the seed: all 137 rows


@pytest.fixture(scope="module")
def seed_items() -> list[tuple[int, str, dict[str, Any]]]:
    return [(r.line, r.cells[1], analyse_item(r.cells[1], J)) for r in read_table(SEED).rows]


def test_every_seed_row_resolves(seed_items: list[tuple[int, str, dict[str, Any]]]) -> None:
    assert len(seed_items) == 137
    unresolved = [(line, cell) for line, cell, found in seed_items if "様式パス" not in found]
    assert unresolved == []  # 137 of 137
    assert all("節" in found and "項目名" in found for _, _, found in seed_items)


SEED_ROWS = [
    (6, "基本情報.システム[].他のシステムとの接続", {"節": "基本情報"}),
    (8, "特定個人情報ファイル[].基本情報.対象となる本人の数", {"ファイル番号": 1, "ファイル名": "資格管理ファイル"}),
    (13, "リスク対策[].監査.実施の有無", {"ファイル番号": 1}),
    (19, "評価実施手続.基礎項目評価.実施日", {"節": "評価実施手続"}),
    (26, "リスク対策[].保管・消去.重大事故", {"ファイル番号": 1}),
    (28, "リスク対策[].保管・消去.再発防止策の内容", {"節": "リスク対策"}),  # 「再発防止策の内容」 alone
    (48, "開示請求・問合せ.特定個人情報ファイルの取扱いに関する問合せ", {"節": "開示請求"}),  # 「- 2 …問合せ連絡先」
    (55, "特定個人情報ファイル[].保管・消去.保管場所", {"ファイル番号": 2, "重要な変更の対象": True}),  # <p> and no space
    (77, "特定個人情報ファイル[].委託.委託事項[].委託内容", {"委託事項番号": 2}),  # 「…の委託委託事項2委託内容」
    (86, "特定個人情報ファイル[].委託.委託事項[].再委託の有無", {"委託事項番号": 3, "重要な変更の対象": True}),
    (102, "リスク対策[].使用.具体的な管理方法", {"ファイル番号": 1}),
    (107, "リスク対策[].委託.具体的な管理方法", {}),  # 「特定個人情報情報ファイル」 typo
    (140, "基本情報.個人番号の利用.法令上の根拠", {"項目名": "法令上の根拠"}),  # 「法上の根拠」 typo
    (154, "特定個人情報ファイル[].提供・移転.提供先[].法令上の根拠", {"ファイル番号": 1}),  # 「提供先1~11」
    (163, "特定個人情報ファイル[].委託.委託事項[].委託内容", {"委託事項番号": 4}),  # 「(委託事項4)委託内容」
    (164, "リスク対策[].保管・消去.重大事故", {"ファイル番号": None}),  # 「(1. …ファイル~6. …ファイル)」
    (170, "特定個人情報ファイル[]", {"ファイル番号": 7, "重要な変更の対象": None}),  # a whole file block
]


@pytest.mark.parametrize(("line", "path", "fields"), SEED_ROWS)
def test_seed_rows(seed_items: list[tuple[int, str, dict[str, Any]]], line: int, path: str,
                   fields: dict[str, Any]) -> None:
    found = next(f for n, _, f in seed_items if n == line)
    assert found["様式パス"] == path
    for key, value in fields.items():
        assert found.get(key) == value, (key, found)


# ---------------------------------------------------------------- at load: every document


def test_hand_written_log_gets_its_analysis_in_the_tree() -> None:
    doc = load_doc("""
        評価書の種類: 重点項目評価書
        変更箇所:
          - 変更日: R6.1.31
            項目: Ⅱ 特定個人情報ファイルの概要 5. 給付管理ファイル 4. 特定個人情報ファイルの取扱いの委託 委託事項3 再委託の有無
            変更前の記載: 再委託しない
            変更後の記載: 再委託する
            提出時期: 【事前】
    """)
    analysis = doc.tree["変更箇所"][0]["項目の解析"]
    assert analysis["様式パス"] == "特定個人情報ファイル[].委託.委託事項[].再委託の有無"
    assert analysis["委託事項番号"] == 3 and analysis["重要な変更の対象"] is True
    # findings on the analysis point at the 項目 cell
    assert doc.span_of(("変更箇所", 0, "項目の解析", "項目名")).line == 4


def test_rules_reading_the_analysis_fire_on_hand_written_logs() -> None:
    """TM-003 reads 行.項目の解析.節 / 項目名: before, only imported logs had them."""
    yaml_text = """
        評価書の種類: 重点項目評価書
        変更箇所:
          - 変更日: 令和4年6月16日
            項目: 評価実施手続 1. 基礎項目評価 実施日
            変更前の記載: 令和2年6月12日
            変更後の記載: 令和4年5月26日
            提出時期: 事後
    """
    from piarules.api import run

    doc = load_doc(yaml_text)
    assert "TM-003" in {f.rule_id for f in run(bundled(), doc, None)}


def test_written_analysis_is_kept_and_a_disagreement_is_a_warning() -> None:
    text = """\
評価書の種類: 重点項目評価書
変更箇所:
  - 項目: '- 4 個人番号の利用 法上の根拠'
    項目の解析: {節: 基本情報, 項目名: 個人番号の利用}
  - 項目: 評価実施手続 1. 基礎項目評価 実施日
    項目の解析: {節: 評価実施手続, 項目名: 実施日}
"""
    doc, diagnostics = load_document_text(text, "doc.yaml")
    assert doc is not None
    (warning,) = diagnostics
    assert (warning.code, warning.severity, warning.span.line) == ("PIA309", Severity.WARNING, 4)
    assert "「個人番号の利用」" in warning.message and "「法令上の根拠」" in warning.message
    rows = doc.tree["変更箇所"]
    assert rows[0]["項目の解析"] == {"節": "基本情報", "項目名": "個人番号の利用"}  # kept as written, nothing added
    assert rows[1]["項目の解析"] == {"節": "評価実施手続", "項目名": "実施日", "様式パス": "評価実施手続.基礎項目評価.実施日"}


def test_examples_load_with_identical_trees_except_for_the_analysis() -> None:
    for path in sorted(EXAMPLE.parent.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        doc, diagnostics = load_document_text(text, str(path))
        assert doc is not None and diagnostics == []
        from piarules.document.loader import load_yaml

        data = load_yaml(text, str(path))
        model, _, _ = validate_data(data.data, data.source_map)
        assert model is not None
        without = model_to_tree(model)  # the tree as it was before items.py: no analysis step

        def strip(tree: dict[str, Any]) -> dict[str, Any]:
            rows = [{k: v for k, v in r.items() if k != "項目の解析"} for r in tree.get("変更箇所", [])]
            return {**tree, "変更箇所": rows}

        assert strip(doc.tree) == strip(without)
        assert all("様式パス" in r["項目の解析"] for r in doc.tree["変更箇所"])


# ---------------------------------------------------------------- the label table


def test_bundled_label_table_is_clean() -> None:
    labels = form_labels()
    assert labels.roman["全項目評価書"][5] == "評価実施手続" and labels.sections["特定個人情報ファイル"] == "特定個人情報ファイルの概要"


def test_bad_label_entries_are_reported_with_their_line() -> None:
    text = "roman:\n  重点項目評価書: [基本情報, 概要]\nsections:\n  基本情報: 基本情報\nlabels:\n  取扱いの委託: 委託の有無に\n"
    _, problems = load_form_labels(text, "labels.yaml")
    assert [(p.code, p.span.line) for p in problems] == [("PIA310", 2), ("PIA310", 6)]
    assert "「概要」" in problems[0].message and "「委託の有無に」" in problems[1].message


def test_every_part_of_a_rows_analysis_stands_where_its_項目_stands() -> None:
    """Findings on 項目の解析.… point at the row's 項目 cell: its key and its value."""
    document, _ = load_document_text(EXAMPLE.read_text(encoding="utf-8"), "a.yaml")
    assert document is not None
    source_map, analysed = document.source_map, 0
    for index, row in enumerate(document.tree["変更箇所"]):
        analysis = row.get("項目の解析")
        if not isinstance(analysis, dict):
            continue
        item = source_map.get(("変更箇所", index, "項目"))
        assert item is not None and item.key is not None
        for path in (("変更箇所", index, "項目の解析"), *(("変更箇所", index, "項目の解析", k) for k in analysis)):
            assert source_map.get(path) == item, path
        analysed += 1
    assert analysed > 50


# ---------------------------------------------------------------- the label table in the cache


@pytest.mark.parametrize("stored", ["fresh", "read back", "not a table", "a table with a broken pattern"])
def test_the_label_table_read_from_the_cache_is_the_one_the_models_give(
        stored: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """labels.py keeps the table built from the form models in the cache (evaluation reads it
    without importing them); what it reads back, or rebuilds over a bad entry, is that table."""
    import pickle

    from piarules import cache as disk
    from piarules.document import labels
    from piarules.document.cache import fingerprint
    from piarules.document.items import form_label_entries, form_labels

    monkeypatch.setenv("PIARULES_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("PIARULES_NO_CACHE", raising=False)
    built = labels.build_table(form_label_entries(), form_labels().corrections)
    entry = tmp_path / ("labels-" + disk.key(fingerprint()))
    if stored == "read back":
        labels.label_table.cache_clear()
        labels.label_table()  # stores it
    elif stored == "not a table":
        entry.write_bytes(pickle.dumps({"pattern": "x"}))
    elif stored == "a table with a broken pattern":
        entry.write_bytes(pickle.dumps(labels.LabelTable("(unclosed", {}, {})))
    labels.label_table.cache_clear()
    try:
        pattern, table = labels.label_table()
        assert table == built and pattern.pattern == built.pattern
        assert entry.is_file() and pickle.loads(entry.read_bytes()) == built
        assert labels.starts_with_label("事務の内容 国民健康保険") and labels.starts_with_label("ファイル名", 3)
        assert not labels.starts_with_label("国民健康保険の資格管理")
    finally:
        labels.label_table.cache_clear()  # the next test reads its own cache's table
