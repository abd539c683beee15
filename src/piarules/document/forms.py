"""The pydantic model of the three PIA forms and their change log.

Keys are Japanese exactly as the forms name the items (domain.md §7). Everything is optional:
real documents are often partial (a change log alone); `eval` reports absent sections.
Where a form item is a question, the key is its short name and the description quotes it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from piarules.document import field_types as t


class Section(BaseModel):
    """Base of every mapping in the form: unknown keys are errors, never dropped."""

    # defer_build: a validator is built on first use, for the kinds a run actually loads.
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, populate_by_name=False, defer_build=True)


def item(alias: str, description: str = "") -> Any:
    """A field whose YAML key is not a Python identifier (contains ・ etc.)."""
    return Field(default=None, alias=alias, description=description or None)


# ------------------------------------------------------------------ change log (別添 変更箇所)


class ItemAnalysis(Section):
    """What a 項目 cell points at on the form (document/items.py).

    Computed for every row when a document loads; one written in the YAML is kept (a field that
    disagrees with the computed analysis is a PIA309 warning).
    """

    節: t.OptionalText = None
    ファイル番号: int | None = None
    ファイル名: t.OptionalText = None
    委託事項番号: int | None = None
    項目名: t.OptionalText = None
    様式パス: t.OptionalText = Field(default=None, description="例: 特定個人情報ファイル[].委託.委託事項[].再委託の有無")
    重要な変更の対象: bool | None = Field(default=None, description="様式で※が付いた項目か (分かる場合のみ)")


class SourceRef(Section):
    """Where an imported row came from."""

    ファイル: t.OptionalText = None
    シート: t.OptionalText = Field(default=None, description="Excel のシート名")
    行: int | None = Field(default=None, description="表の行 (Excel の行番号、テキストの行番号)")


class RawCells(Section):
    """The cells exactly as imported, where the cleaned value differs (HTML removed etc.)."""

    変更日: t.OptionalText = None
    項目: t.OptionalText = None
    変更前の記載: t.OptionalText = None
    変更後の記載: t.OptionalText = None
    提出時期: t.OptionalText = None
    提出時期に係る説明: t.OptionalText = None


class ChangeRow(Section):
    """One row of (別添) 変更箇所: 変更日 | 項目 | 変更前 | 変更後 | 提出時期 | 説明."""

    変更日: t.DateValue | None = None
    項目: t.OptionalText = None
    項目の解析: ItemAnalysis | None = None
    変更前の記載: t.OptionalText = None
    変更後の記載: t.OptionalText = None
    提出時期: t.提出時期 | None = Field(default=None, description="事前 / 事後 (空欄は CH ルールで検出)")
    提出時期に係る説明: t.OptionalText = None
    出典: SourceRef | None = None
    原文: RawCells | None = Field(default=None, description="取り込み前のセル (HTML 等を除く前)")


# ------------------------------------------------------------------ Ⅰ 基本情報


class Affair(Section):
    事務の名称: t.OptionalText = None
    事務の内容: t.OptionalText = Field(default=None, description="※ 重要な変更の対象 (重点・全項目)")
    事務の概要: t.OptionalText = Field(default=None, description="基礎項目評価書の ②事務の概要")
    対象人数: t.対象人数 | None = None


class System(Section):
    番号: int | None = None
    システムの名称: t.OptionalText = None
    システムの機能: t.OptionalText = None
    他のシステムとの接続: t.OptionalText = None


class LegalBasis(Section):
    法令上の根拠: t.OptionalText = None


class InfoLink(Section):
    実施の有無: t.実施の有無 | None = None
    法令上の根拠: t.OptionalText = None
    連携開始日: t.DateValue | None = None


class Department(Section):
    部署: t.OptionalText = None
    所属長の役職名: t.OptionalText = None


class Reasons(Section):
    事務実施上の必要性: t.OptionalText = None
    実現が期待されるメリット: t.OptionalText = None


class BasicInfo(Section):
    """Ⅰ 基本情報 (基礎: Ⅰ 関連情報)."""

    事務: Affair | None = None
    システム: list[System] | None = Field(default=None, description="使用するシステム (システム1, 2, …)")
    特定個人情報ファイル名: t.OptionalText = None
    特定個人情報ファイルを取り扱う理由: Reasons | None = Field(default=None, description="全項目のみ")
    個人番号の利用: LegalBasis | None = Field(default=None, description="※")
    情報提供ネットワークシステムによる情報連携: InfoLink | None = Field(default=None, description="※")
    担当部署: Department | None = None
    他の評価実施機関: t.OptionalText = None


# ------------------------------------------------------------------ Ⅱ しきい値判断 (基礎)


class ThresholdItems(Section):
    """基礎 Ⅱ: 対象人数, 取扱者数 (500人以上か), 重大事故 (過去1年以内)."""

    対象人数: t.対象人数 | None = None
    対象人数の計数時点: t.DateValue | None = Field(default=None, description="いつ時点の計数か")
    取扱者数: t.取扱者数500 | None = Field(default=None, description="特定個人情報ファイル取扱者数は500人以上か")
    取扱者数の計数時点: t.DateValue | None = Field(default=None, description="いつ時点の計数か")
    重大事故: t.発生有無 | None = Field(
        default=None,
        description="過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか",
    )
    重大事故の発覚日: t.DateValue | None = Field(default=None, description="発生ありのとき: 発覚した日")
    重大事故の発生日: t.DateValue | None = Field(default=None, description="発生ありのとき: 発生した日")
    判断日: t.DateValue | None = Field(
        default=None, description="しきい値判断を行った日 (重大事故の「過去1年以内」はこの日から数える。なければ公表日)"
    )


# ------------------------------------------------------------------ Ⅱ 特定個人情報ファイルの概要


class FileBasics(Section):
    ファイルの種類: t.OptionalText = Field(default=None, description="※")
    対象となる本人の数: t.本人の数 | None = None
    対象となる本人の範囲: t.OptionalText = Field(default=None, description="※")
    記録される項目: t.記録項目数 | None = None
    主な記録項目: t.OptionalText = Field(default=None, description="※")
    保有開始日: t.OptionalText = None
    事務担当部署: t.OptionalText = None


class Acquisition(Section):
    入手元: t.OptionalText = Field(default=None, description="※")
    入手方法: t.OptionalText = None
    入手の時期頻度: t.OptionalText = item("入手の時期・頻度")
    使用目的: t.OptionalText = Field(default=None, description="※")
    使用部署: t.OptionalText = Field(default=None, description="※")
    使用者数: t.取扱者数帯 | None = None
    使用方法: t.OptionalText = Field(default=None, description="※")
    情報の突合: t.OptionalText = Field(default=None, description="※")
    使用開始日: t.DateValue | None = None


class EntrustedTask(Section):
    番号: int | None = None
    委託事項名: t.OptionalText = Field(default=None, description="委託事項n の見出し")
    委託内容: t.OptionalText = None
    取扱いを委託する特定個人情報ファイルの範囲: t.OptionalText = None
    対象となる本人の数: t.本人の数 | None = None
    対象となる本人の範囲: t.OptionalText = None
    委託先における取扱者数: t.取扱者数帯 | None = None
    提供方法: t.OptionalText = None
    委託先名の確認方法: t.OptionalText = None
    委託先名: t.OptionalText = None
    再委託の有無: t.再委託の有無 | None = Field(default=None, description="※")
    再委託の許諾方法: t.OptionalText = None
    再委託事項: t.OptionalText = None


class Entrustment(Section):
    委託の有無: t.EntrustCount | None = Field(default=None, description="※ 「委託しない」/「委託する (n件)」")
    委託事項: list[EntrustedTask] | None = None


class Recipient(Section):
    番号: int | None = None
    提供先名: t.OptionalText = None
    法令上の根拠: t.OptionalText = None
    提供先における用途: t.OptionalText = None
    提供する情報: t.OptionalText = None
    提供方法: t.OptionalText = None
    時期頻度: t.OptionalText = item("時期・頻度")


class ProvisionTransfer(Section):
    提供先: list[Recipient] | None = None
    移転先: list[Recipient] | None = None


class Storage(Section):
    保管場所: t.OptionalText = Field(default=None, description="※")
    保管期間: t.OptionalText = None
    消去方法: t.OptionalText = None


class PersonalInfoFile(Section):
    """Ⅱ 特定個人情報ファイルの概要, one entry per file."""

    番号: int | None = None
    ファイル名: t.OptionalText = None
    基本情報: FileBasics | None = None
    入手使用: Acquisition | None = item("入手・使用")
    委託: Entrustment | None = None
    提供移転: ProvisionTransfer | None = item("提供・移転")
    保管消去: Storage | None = item("保管・消去")
    備考: t.OptionalText = None


# ------------------------------------------------------------------ Ⅲ リスク対策 (重点・全項目, per file)


class RiskSection(Section):
    """A risk-measure subsection: the judgement plus free-text measures."""

    リスクへの対策は十分か: t.十分性 | None = None
    具体的な管理方法: t.OptionalText = None
    具体的な方法: t.OptionalText = None
    その他のリスク及びそのリスクに対する措置: t.OptionalText = None


class EntrustmentRisk(RiskSection):
    委託先による特定個人情報の不正入手不正な使用に関するリスク: t.OptionalText = item("委託先による特定個人情報の不正入手・不正な使用に関するリスク")
    規定: t.定め | None = None
    規定の内容: t.OptionalText = None
    再委託先による特定個人情報ファイルの適切な取扱いの担保: t.再委託担保 | None = None
    特定個人情報ファイルの閲覧者更新者の制限: t.制限 | None = item("特定個人情報ファイルの閲覧者・更新者の制限")
    特定個人情報ファイルの取扱いの記録: t.記録 | None = None


class UseRisk(RiskSection):
    ユーザー認証の管理: t.OptionalText = None
    アクセス権限の発効失効の管理: t.OptionalText = item("アクセス権限の発効・失効の管理")
    特定個人情報の使用の記録: t.記録 | None = None


class ProvisionRisk(RiskSection):
    ルール内容及びルール遵守の確認方法: t.OptionalText = None
    特定個人情報の提供移転の記録: t.記録 | None = item("特定個人情報の提供・移転の記録")
    特定個人情報の提供移転に関するルール: t.定め | None = item("特定個人情報の提供・移転に関するルール")


class StorageRisk(RiskSection):
    重大事故: t.発生有無 | None = Field(
        default=None,
        description="過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
    )
    その内容: t.OptionalText = None
    再発防止策の内容: t.OptionalText = None
    重大事故の発覚日: t.DateValue | None = None
    死者の個人番号: t.OptionalText = None


class Audit(Section):
    実施の有無: t.監査の種類 | None = Field(default=None, description="自己点検 / 内部監査 / 外部監査 (複数可)")
    具体的な内容: t.OptionalText = None


class Training(Section):
    従業者に対する教育啓発: t.実施度 | None = item("従業者に対する教育・啓発")
    具体的な方法: t.OptionalText = None


class FileRisk(Section):
    """Ⅲ リスク対策 for one 特定個人情報ファイル (重点: 1.–10., 全項目: 2.–7.)."""

    番号: int | None = None
    ファイル名: t.OptionalText = None
    入手: RiskSection | None = None
    使用: UseRisk | None = None
    委託: EntrustmentRisk | None = None
    提供移転: ProvisionRisk | None = item("提供・移転")
    情報提供ネットワークシステムとの接続: RiskSection | None = None
    保管消去: StorageRisk | None = item("保管・消去")
    監査: Audit | None = None
    従業者に対する教育啓発: Training | None = item("従業者に対する教育・啓発")
    その他のリスク対策: t.OptionalText = None


# ------------------------------------------------------------------ 基礎 Ⅳ リスク対策


class KisoRiskItem(Section):
    判断: t.十分性 | None = Field(default=None, description="特に力を入れている / 十分である / 課題が残されている")
    判断の根拠: t.OptionalText = None


class KisoRisk(Section):
    提出する特定個人情報保護評価書の種類: t.提出評価書 | None = None
    入手: KisoRiskItem | None = None
    使用: KisoRiskItem | None = None
    委託: KisoRiskItem | None = None
    提供移転: KisoRiskItem | None = item("提供・移転")
    情報提供ネットワークシステムとの接続: KisoRiskItem | None = None
    保管消去: KisoRiskItem | None = item("保管・消去")
    人手を介在させる作業: KisoRiskItem | None = None
    監査: KisoRiskItem | None = None
    従業者に対する教育啓発: KisoRiskItem | None = item("従業者に対する教育・啓発")
    最も優先度が高いと考えられる対策: t.OptionalText = None


# ------------------------------------------------------------------ 開示請求・問合せ, 評価実施手続


class Disclosure(Section):
    特定個人情報の開示訂正利用停止請求: t.OptionalText = item("特定個人情報の開示・訂正・利用停止請求")
    特定個人情報ファイルの取扱いに関する問合せ: t.OptionalText = None


class KisoAssessment(Section):
    実施日: t.DateValue | None = None
    しきい値判断結果: t.OptionalText = None


class PublicComment(Section):
    方法: t.OptionalText = None
    実施日: t.DateValue | None = None
    期間開始日: t.DateValue | None = None
    期間終了日: t.DateValue | None = None
    期間を短縮する特段の理由: t.OptionalText = None
    主な意見の内容: t.OptionalText = None
    評価書への反映: t.OptionalText = None


class ThirdPartyReview(Section):
    実施日: t.DateValue | None = None
    方法: t.OptionalText = None
    結果: t.OptionalText = None


class PPCApproval(Section):
    提出日: t.DateValue | None = None
    承認日: t.DateValue | None = None
    審査: t.OptionalText = None


class ProcedureRecord(Section):
    """One (re-)evaluation of the document's history, with its own procedure.

    A re-published 評価書 has several: the first evaluation, each 再実施 (重要な変更, しきい値判断の
    結果の変化, 5年経過) — an old change row is judged against the procedure of its own re-evaluation.
    """

    区分: t.OptionalText = Field(default=None, description="新規 / 重要な変更 / しきい値判断結果の変化 / 一定期間経過 など")
    実施日: t.DateValue | None = Field(default=None, description="評価 (再実施) の実施日")
    公表日: t.DateValue | None = None
    国民住民等からの意見の聴取: PublicComment | None = item("国民・住民等からの意見の聴取")
    第三者点検: ThirdPartyReview | None = None
    個人情報保護委員会の承認: PPCApproval | None = None
    備考: t.OptionalText = None


class Procedure(Section):
    基礎項目評価: KisoAssessment | None = None
    国民住民等からの意見の聴取: PublicComment | None = item("国民・住民等からの意見の聴取")
    第三者点検: ThirdPartyReview | None = None
    個人情報保護委員会の承認: PPCApproval | None = Field(default=None, description="行政機関等のみ (全項目)")
    実施の記録: list[ProcedureRecord] | None = Field(
        default=None, description="評価の経過: 新規・再実施ごとの実施日・公表日・意見聴取・第三者点検 (古い順)"
    )


# ------------------------------------------------------------------ documents


class Cover(Section):
    """Fields common to every document: the cover and the change log."""

    KIND: ClassVar[str | None] = None
    評価書の種類: t.評価書の種類 | None = None
    様式: t.OptionalText = Field(default=None, description="表紙の様式表示, 例: [平成26年4月 様式3]")
    評価書番号: t.OptionalText = None
    評価書名: t.OptionalText = None
    個人のプライバシー等の権利利益の保護の宣言: t.OptionalText = None
    特記事項: t.OptionalText = None
    評価実施機関名: t.OptionalText = None
    公表日: t.DateValue | None = Field(default=None, description="この版の公表日")
    初回公表日: t.DateValue | None = Field(default=None, description="この評価書を初めて公表した日 (再公表しても変わらない)")
    事務の終了日: t.DateValue | None = Field(default=None, description="事務を終了した日 (終了した場合)")
    変更箇所: list[ChangeRow] | None = None


class KisoDocument(Cover):
    KIND: ClassVar[str | None] = "基礎項目評価書"
    基本情報: BasicInfo | None = None
    しきい値判断項目: ThresholdItems | None = None
    しきい値判断結果: t.OptionalText = None
    リスク対策: KisoRisk | None = None
    開示請求問合せ: Disclosure | None = item("開示請求・問合せ")


class JutenDocument(Cover):
    KIND: ClassVar[str | None] = "重点項目評価書"
    基本情報: BasicInfo | None = None
    特定個人情報ファイル: list[PersonalInfoFile] | None = None
    リスク対策: list[FileRisk] | None = None
    開示請求問合せ: Disclosure | None = item("開示請求・問合せ")
    評価実施手続: Procedure | None = None


class ZenkoumokuDocument(JutenDocument):
    KIND: ClassVar[str | None] = "全項目評価書"
    個人情報保護委員会承認日: t.DateValue | None = Field(default=None, description="行政機関等のみ")
    その他のリスク対策: t.OptionalText = Field(default=None, description="Ⅳ その他のリスク対策")


class UnspecifiedDocument(Cover):
    """A partial document that does not say its kind: cover fields and 変更箇所 only."""


DOCUMENT_MODELS: dict[str | None, type[Cover]] = {
    None: UnspecifiedDocument,
    "基礎項目評価書": KisoDocument,
    "重点項目評価書": JutenDocument,
    "全項目評価書": ZenkoumokuDocument,
}

# Sections whose absence `eval` reports, per kind (so silence is not mistaken for a pass).
EXPECTED_SECTIONS: dict[str | None, tuple[str, ...]] = {
    None: ("評価書の種類", "評価実施機関名", "公表日", "変更箇所"),
    "基礎項目評価書": ("評価実施機関名", "公表日", "基本情報", "しきい値判断項目", "しきい値判断結果", "リスク対策"),
    "重点項目評価書": ("評価実施機関名", "公表日", "基本情報", "特定個人情報ファイル", "リスク対策", "評価実施手続", "変更箇所"),
    "全項目評価書": ("評価実施機関名", "公表日", "基本情報", "特定個人情報ファイル", "リスク対策", "評価実施手続", "変更箇所"),
}
