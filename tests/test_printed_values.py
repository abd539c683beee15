"""Values as the printed forms show them (issue 9 items 5–6), read through the form model.

Every case names where its pattern comes from (`source:`). Sources:
- [AKAIWA]   赤磐市 保育料の決定事務 基礎項目評価書 [平成26年4月 様式2] (printed form, as text):
             「[ 実施しない ] <選択肢> 1) 実施する 2) 実施しない 3) 未定」, 「いつ時点の計数か
             [ 1,000人以上1万人未満 ] <選択肢> 1) 1,000人未満(任意実施) …」
- [ZEN-JUKI] 全項目評価書 住民基本台帳事務 (printed form): 「[○] 住民基本台帳ネットワークシステム
             [ ] 既存住民基本台帳システム」 (Ⅰ2 システム 他のシステムとの接続, as check boxes)
- [D26]      /work/shared/domain-2026.md §6: 「[ 委託する ] (4) 件」「[ 1万人以上10万人未満 ]」
             「[○] 住民基本台帳ネットワークシステム」, dates with 「時点」, 「R7.1.6」
- [ISSUE9]   issue 9 items 5–6: 「令和8年4月1日現在」, 「令7.1.6」「H30.6.7」「R元.5.1」「2024.1.31」, 「【事後】」
- [SEED]     墨田区 国保 変更箇所 (examples/sumida-kokuho): 「(空欄)」「—」「平成30年3月28日.」
- [YORYO]    基礎項目評価書 記載要領 [平成29年5月 様式2]: 「特記すべきものがなければ、「なし」又は
             無記入で構いません」
- [DOM7]     domain.md §7 (choices and check lists of the forms: 入手元, 監査 自己点検/内部監査/外部監査)
- [OFFICE]   how offices type values by hand: full-width digits, 略記 with 「/」, weekdays, 漢数字 (公用文)
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from piarules.document import load_document_text
from piarules.jpvalues import Band, is_empty_text, parse_band, parse_date
from tests.conftest import findings, invoke, write

# field → (評価書の種類, YAML path of the value)
FIELDS: dict[str, tuple[str, tuple[str | int, ...]]] = {
    "公表日": ("重点項目評価書", ("公表日",)),
    "変更日": ("重点項目評価書", ("変更箇所", 0, "変更日")),
    "計数時点": ("基礎項目評価書", ("しきい値判断項目", "対象人数の計数時点")),
    "提出時期": ("重点項目評価書", ("変更箇所", 0, "提出時期")),
    "再委託の有無": ("重点項目評価書", ("特定個人情報ファイル", 0, "委託", "委託事項", 0, "再委託の有無")),
    "委託の有無": ("重点項目評価書", ("特定個人情報ファイル", 0, "委託", "委託の有無")),
    "実施の有無": ("基礎項目評価書", ("基本情報", "情報提供ネットワークシステムによる情報連携", "実施の有無")),
    "取扱者数": ("基礎項目評価書", ("しきい値判断項目", "取扱者数")),
    "重大事故": ("基礎項目評価書", ("しきい値判断項目", "重大事故")),
    "十分性": ("重点項目評価書", ("リスク対策", 0, "使用", "リスクへの対策は十分か")),
    "対象人数": ("重点項目評価書", ("基本情報", "事務", "対象人数")),
    "本人の数": ("重点項目評価書", ("特定個人情報ファイル", 0, "基本情報", "対象となる本人の数")),
    "使用者数": ("重点項目評価書", ("特定個人情報ファイル", 0, "入手・使用", "使用者数")),
    "記録される項目": ("重点項目評価書", ("特定個人情報ファイル", 0, "基本情報", "記録される項目")),
    "他のシステムとの接続": ("重点項目評価書", ("基本情報", "システム", 0, "他のシステムとの接続")),
    "入手元": ("重点項目評価書", ("特定個人情報ファイル", 0, "入手・使用", "入手元")),
    "監査": ("重点項目評価書", ("リスク対策", 0, "監査", "実施の有無")),
}


def _nest(path: tuple[str | int, ...], value: Any) -> Any:
    """("a", 0, "b") → {"a": [{"b": value}]}."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if rest and isinstance(rest[0], int):
        return {head: [_nest(rest[1:], value)]}
    return {head: _nest(rest, value)}


def document(field: str, text: str) -> tuple[Any, list[Any]]:
    kind, path = FIELDS[field]
    data = {"評価書の種類": kind, **_nest(path, text)}
    return load_document_text(json.dumps(data, ensure_ascii=False), "doc.yaml")  # JSON is YAML


def value_of(field: str, text: str) -> Any:
    doc, diagnostics = document(field, text)
    assert doc is not None, [d.one_line() for d in diagnostics]
    node: Any = doc.tree
    for part in FIELDS[field][1]:
        node = node[part]
    return node


D = dt.date.fromisoformat

ACCEPTED = [
    # ---- dates: 略記, suffixes, brackets, weekdays, kanji numerals
    ("公表日", "R7.1.6", D("2025-01-06")),  # source: [D26] 「R7.1.6」
    ("公表日", "令7.1.6", D("2025-01-06")),  # source: [ISSUE9] 「令7.1.6」
    ("公表日", "H30.6.7", D("2018-06-07")),  # source: [ISSUE9] 「H30.6.7」 ([SEED] row 1 is 平成30年6月7日)
    ("公表日", "R元.5.1", D("2019-05-01")),  # source: [ISSUE9] 「R元.5.1」
    ("公表日", "2024.1.31", D("2024-01-31")),  # source: [ISSUE9] 「2024.1.31」
    ("公表日", "Ｒ７．１．６", D("2025-01-06")),  # source: [OFFICE] full-width 略記
    ("公表日", "r7.1.6", D("2025-01-06")),  # source: [OFFICE] lower-case era initial
    ("公表日", "R07.01.06", D("2025-01-06")),  # source: [OFFICE] zero-padded, as spreadsheets print
    ("公表日", "R7/1/6", D("2025-01-06")),  # source: [OFFICE] 略記 with 「/」
    ("公表日", "H.30.6.7", D("2018-06-07")),  # source: [OFFICE] era initial with a dot
    ("公表日", "令和7.1.6", D("2025-01-06")),  # source: [OFFICE] full era name, dotted date
    ("公表日", "令7年1月6日", D("2025-01-06")),  # source: [OFFICE] era's first kanji with 年月日
    ("公表日", "S64.1.7", D("1989-01-07")),  # source: [OFFICE] last day of 昭和
    ("変更日", "R1.6.18", D("2019-06-18")),  # source: [SEED] 令和1年6月18日 as 略記
    ("計数時点", "令和8年4月1日時点", D("2026-04-01")),  # source: [D26] dates with 「時点」; [AKAIWA] 「いつ時点の計数か」
    ("計数時点", "令和8年4月1日現在", D("2026-04-01")),  # source: [ISSUE9] 「令和8年4月1日現在」
    ("計数時点", "令和8年4月1日 時点", D("2026-04-01")),  # source: [AKAIWA] the form prints 時点 apart
    ("計数時点", "[ 令和7年4月1日 時点 ]", D("2025-04-01")),  # source: [AKAIWA] the answer in the form's brackets
    ("計数時点", "[令和7年4月1日] 時点", D("2025-04-01")),  # source: [AKAIWA] bracket, then the printed 時点
    ("計数時点", "(令和8年4月1日時点)", D("2026-04-01")),  # source: [OFFICE] parenthesised
    ("計数時点", "R8.4.1時点", D("2026-04-01")),  # source: [D26] 略記 + 時点
    ("公表日", "令和6年1月31日付", D("2024-01-31")),  # source: [ISSUE9] 「付」
    ("公表日", "令和6年1月31日付け", D("2024-01-31")),  # source: [OFFICE] 「付け」
    ("公表日", "令和八年四月一日", D("2026-04-01")),  # source: [ISSUE9] kanji numerals (公用文)
    ("公表日", "令和七年十二月二十五日", D("2025-12-25")),  # source: [OFFICE] 十 in kanji numerals
    ("公表日", "令和元年五月一日", D("2019-05-01")),  # source: [OFFICE] 元年 with kanji month/day
    ("公表日", "二〇二四年一月三十一日", D("2024-01-31")),  # source: [OFFICE] 西暦 in kanji digits
    ("公表日", "令和7年1月6日(月)", D("2025-01-06")),  # source: [OFFICE] a weekday after the date
    ("公表日", "令和7年1月6日（月曜日）", D("2025-01-06")),  # source: [OFFICE] full-width weekday
    ("公表日", "平成30年3月28日.", D("2018-03-28")),  # source: [SEED] trailing 「.」
    # ---- single choices in brackets
    ("再委託の有無", "[ 再委託する ]", "再委託する"),  # source: [D26] selections in brackets
    ("再委託の有無", "［再委託しない］", "再委託しない"),  # source: [ISSUE9] 「［再委託する］」 full-width
    ("再委託の有無", "[再委託する]", "再委託する"),  # source: [D26] without the form's spaces
    ("再委託の有無", "[ 再委託する ] <選択肢> 1) 再委託する 2) 再委託しない", "再委託する"),  # source: [AKAIWA] legend after it
    ("再委託の有無", "[ 再委託する ]\n<選択肢>\n1) 再委託する\n2) 再委託しない", "再委託する"),  # source: [AKAIWA] legend copied over lines
    ("提出時期", "【事後】", "事後"),  # source: [ISSUE9] 「【事後】」
    ("提出時期", "【 事前 】", "事前"),  # source: [ISSUE9] with spaces
    ("提出時期", "[ 事前 ]", "事前"),  # source: [D26]
    ("提出時期", "[ 事後 ] ＜選択肢＞ 1) 事前 2) 事後", "事後"),  # source: [AKAIWA] full-width legend brackets
    ("実施の有無", "[ 実施しない ] <選択肢> 1) 実施する 2) 実施しない 3) 未定", "実施しない"),  # source: [AKAIWA] verbatim
    ("取扱者数", "[ 500人未満 ] <選択肢> 1) 500人以上 2) 500人未満", "500人未満"),  # source: [AKAIWA] Ⅱ2 取扱者数
    ("重大事故", "[ 発生なし ] <選択肢> 1) 発生あり 2) 発生なし", "発生なし"),  # source: [AKAIWA] Ⅱ3 重大事故
    ("十分性", "[ 十分である ]", "十分である"),  # source: [DOM7] 「リスクへの対策は十分か」 choices
    # ---- empty forms: a choice not filled
    ("提出時期", "(空欄)", None),  # source: [SEED]
    ("提出時期", "—", None),  # source: [SEED]
    ("提出時期", "-", None),  # source: [SEED]
    ("提出時期", "[ ]", None),  # source: [AKAIWA] a selection left blank
    ("提出時期", "［　］", None),  # source: [AKAIWA] full-width, ideographic space
    ("提出時期", "該当なし", None),  # source: [ISSUE9] item 6 table of empty forms
    ("提出時期", "特になし", None),  # source: [YORYO] 「なし」又は無記入
    ("提出時期", "ー", None),  # source: [OFFICE] 長音符 typed for a dash
    ("再委託の有無", "空欄", None),  # source: [SEED]
    ("再委託の有無", "なし", None),  # source: [YORYO]
    ("実施の有無", "[ ] <選択肢> 1) 実施する 2) 実施しない 3) 未定", None),  # source: [AKAIWA] nothing chosen
    # ---- count bands in brackets
    ("対象人数", "[ 1万人以上10万人未満 ]", "1万人以上10万人未満"),  # source: [D26]
    ("対象人数", "[ 1,000人以上1万人未満 ] <選択肢> 1) 1,000人未満(任意実施) 2) 1,000人以上1万人未満 "
     "3) 1万人以上10万人未満 4) 10万人以上30万人未満 5) 30万人以上", "1,000人以上1万人未満"),  # source: [AKAIWA] verbatim
    ("対象人数", "［10万人以上30万人未満］", "10万人以上30万人未満"),  # source: [ISSUE9] full-width brackets
    ("対象人数", "[ 30万人以上 ]", "30万人以上"),  # source: [D26]
    ("対象人数", "[ 1,000人未満（任意実施） ]", "1,000人未満（任意実施）"),  # source: [AKAIWA] choice 1 with its note
    ("本人の数", "[ 10万人以上100万人未満 ]", "10万人以上100万人未満"),  # source: [DOM7] 対象となる本人の数
    ("使用者数", "[ 10人以上50人未満 ]", "10人以上50人未満"),  # source: [DOM7] 使用者数
    ("記録される項目", "[ 50項目以上100項目未満 ]", "50項目以上100項目未満"),  # source: [DOM7] 記録される項目
    ("対象人数", "[ ]", None),  # source: [AKAIWA] nothing chosen
    ("対象人数", "(空欄)", None),  # source: [SEED]
    # ---- 委託の有無: the count after the selection
    ("委託の有無", "[ 委託する ] (4) 件", 4),  # source: [D26] 「[ 委託する ] (4) 件」
    ("委託の有無", "[ 委託する ] ( 4 ) 件", 4),  # source: [D26] with the form's spaces
    ("委託の有無", "[ 委託する ] （４）件", 4),  # source: [OFFICE] full-width parentheses and digit
    ("委託の有無", "［委託する］（5）件", 5),  # source: [ISSUE9] full-width brackets
    ("委託の有無", "[ 委託する ] ( 12 ) 件 <選択肢> 1) 委託する 2) 委託しない", 12),  # source: [AKAIWA] legend after it
    ("委託の有無", "[ 委託しない ]", 0),  # source: [D26]
    ("委託の有無", "[ 委託しない ] ( ) 件", 0),  # source: [D26] the count left blank
    ("委託の有無", "委託する (4件)", 4),  # source: [SEED] as written in logs
    ("委託の有無", "4件", 4),  # source: [SEED] 「4件」
    ("委託の有無", "委託しない", 0),  # source: [DOM7]
    ("委託の有無", "-", None),  # source: [SEED] empty form
    # ---- check boxes: free text keeps the checked labels
    ("他のシステムとの接続", "[○] 住民基本台帳ネットワークシステム [ ] 既存住民基本台帳システム",
     "住民基本台帳ネットワークシステム"),  # source: [D26] / [ZEN-JUKI]
    ("他のシステムとの接続", "[ ○ ] 住民基本台帳ネットワークシステム\n[ ] 既存住民基本台帳システム\n"
     "[ ○ ] 宛名システム等\n[ ] 税務システム", "住民基本台帳ネットワークシステム\n宛名システム等"),  # source: [ZEN-JUKI] one box a line
    ("他のシステムとの接続", "■住民基本台帳ネットワークシステム □既存住民基本台帳システム",
     "住民基本台帳ネットワークシステム"),  # source: [ISSUE9] 「■X □Y」
    ("他のシステムとの接続", "☑住基ネット ☐宛名システム", "住基ネット"),  # source: [OFFICE] ballot-box glyphs
    ("他のシステムとの接続", "[ ] 住民基本台帳ネットワークシステム [ ] 既存住民基本台帳システム", ""),  # source: [ZEN-JUKI] none checked
    ("入手元", "[ ○ ] 本人又は本人の代理人 [ ] 評価実施機関内の他部署 ( ) [ ○ ] 行政機関・独立行政法人等 ( 厚生労働省 )",
     "本人又は本人の代理人\n行政機関・独立行政法人等 ( 厚生労働省 )"),  # source: [DOM7] 入手元 values as a check list
    ("入手元", "[x] 本人又は本人の代理人 [ ] 民間事業者", "本人又は本人の代理人"),  # source: [OFFICE] 「[x]」 as typed
    ("入手元", "[レ] 本人又は本人の代理人 [ ] 民間事業者", "本人又は本人の代理人"),  # source: [OFFICE] 「レ」 check mark
    ("入手元", "■ 概要は別紙 ■ 詳細は別添", "■ 概要は別紙 ■ 詳細は別添"),  # source: [OFFICE] 「■」 bullets, no box: kept
    ("入手元", "[参考] 住民基本台帳ネットワークシステム", "[参考] 住民基本台帳ネットワークシステム"),  # source: [OFFICE] a bracketed word: kept
    ("入手元", "[○] 本人又は本人の代理人 [注] 窓口で入手 [ ] 民間事業者", "本人又は本人の代理人 [注] 窓口で入手"),  # source: [OFFICE] 「[注]」 is text, not a box
    # ---- check boxes in a field of several choices (監査)
    ("監査", "[ ○ ] 自己点検 [ ○ ] 内部監査 [ ] 外部監査", "自己点検 内部監査"),  # source: [SEED] 「自己点検 内部監査」 as boxes
    ("監査", "■自己点検 □内部監査 ■外部監査", "自己点検 外部監査"),  # source: [ISSUE9] 「■X □Y」
    ("監査", "自己点検 内部監査", "自己点検 内部監査"),  # source: [SEED] as written
    ("監査", "[ ] 自己点検 [ ] 内部監査 [ ] 外部監査", None),  # source: [DOM7] nothing checked
    ("監査", "なし", None),  # source: [YORYO] empty form
]

REJECTED = [
    ("公表日", "R7.2.30", "存在しない"),  # source: [ISSUE9] impossible dates keep their message
    ("公表日", "H31.5.1", "期間外"),  # source: [ISSUE9] 平成 ended on 2019-04-30
    ("公表日", "R0.1.1", "年が正しくありません"),  # source: [OFFICE] era year 0
    ("公表日", "S64.1.8", "期間外"),  # source: [OFFICE] 昭和 ended on 1989-01-07
    ("公表日", "令和7年1月6日(火)", "曜日"),  # source: [OFFICE] weekday contradicts the date
    ("公表日", "7.1.6", "解釈できません"),  # source: [OFFICE] no era: which year is unknown
    ("公表日", "R7.1", "解釈できません"),  # source: [OFFICE] no day
    ("公表日", "令和二千二十四年1月1日", "解釈できません"),  # source: [OFFICE] a kanji number beyond 99
    ("再委託の有無", "[ 再委託あり ]", "もしかして「再委託する」"),  # source: [D26] a selection not on the form
    ("再委託の有無", "[ 再委託する ] (2) 件", "選択肢にありません"),  # source: [D26] a count where the form has none
    ("提出時期", "[ 事後 ][ 事前 ]", "選択肢にありません"),  # source: [AKAIWA] two selections: which one?
    ("対象人数", "[ 2万人 ]", "選択肢にありません"),  # source: [D26] not one of the printed bands
    ("委託の有無", "[ 委託する ] ( ) 件", "件数がありません"),  # source: [D26] 委託する without its count
    ("委託の有無", "[ 委託しない ] (3) 件", "解釈できません"),  # source: [D26] contradicts itself
    ("委託の有無", "[ 委託する ] 四件", "件数を解釈できません"),  # source: [OFFICE] a count not in digits
    ("他のシステムとの接続", "[○] 住民基本台帳ネットワークシステム [?] 既存住民基本台帳システム", "印を解釈できません"),  # source: [ZEN-JUKI]
    ("他のシステムとの接続", "[○] 住基ネット [×] 宛名システム", "印を解釈できません"),  # source: [OFFICE] 「×」 may mean no
    ("他のシステムとの接続", "[○] 住基ネット [△] 宛名システム", "印を解釈できません"),  # source: [OFFICE] 「△」 may mean partly
    ("監査", "[○] 自己点検 [○] 内部点検", "選択肢にありません"),  # source: [SEED] a label not among the choices
]


@pytest.mark.parametrize(("field", "text", "expected"), ACCEPTED)
def test_printed_value(field: str, text: str, expected: Any) -> None:
    value = value_of(field, text)
    if isinstance(expected, str) and isinstance(value, Band):
        assert value == parse_band(expected)
    else:
        assert value == expected
    if isinstance(value, dt.date | int | Band) or hasattr(value, "text"):
        assert getattr(value, "text", str(value)) == text  # the original is kept beside the meaning


@pytest.mark.parametrize(("field", "text", "needle"), REJECTED)
def test_printed_value_that_does_not_read_unambiguously_is_an_error(field: str, text: str, needle: str) -> None:
    """Never a guess: the value is an error at its place, kept as written, unknown to the rules."""
    doc, diagnostics = document(field, text)
    (found,) = diagnostics
    assert found.code in ("PIA303", "PIA304") and needle in found.message + (found.help or "")
    assert doc is not None and doc.unreadable[tuple(FIELDS[field][1])].text == text


def test_enough_cases() -> None:
    assert len(ACCEPTED) + len(REJECTED) >= 80


def test_unquoted_selection_is_read_from_the_yaml_list() -> None:
    """「再委託の有無: [ 再委託する ]」 without quotes is a YAML list; it is the printed selection."""
    text = ("評価書の種類: 重点項目評価書\n特定個人情報ファイル:\n  - 委託:\n      委託の有無: [ 委託しない ]\n"
            "      委託事項:\n        - 再委託の有無: [ 再委託する ]\n          委託先における取扱者数: [ ]\n")
    doc, diagnostics = load_document_text(text, "doc.yaml")
    assert doc is not None, diagnostics
    entrust = doc.tree["特定個人情報ファイル"][0]["委託"]
    assert entrust["委託の有無"] == 0 and entrust["委託事項"][0]["再委託の有無"] == "再委託する"
    assert entrust["委託事項"][0]["委託先における取扱者数"] is None


def test_checked_value_keeps_the_whole_text() -> None:
    text = "[○] 住民基本台帳ネットワークシステム [ ] 既存住民基本台帳システム"
    value = value_of("他のシステムとの接続", text)
    assert value == "住民基本台帳ネットワークシステム" and value.text == text
    assert value.choices == ("住民基本台帳ネットワークシステム",)


# ---------------------------------------------------------------- one table of empty forms

EMPTY = [
    "", " ", "空欄", "(空欄)", "（空欄）", "空白", "なし", "無し", "なし。", "特になし", "特に無し", "該当なし", "該当無し",
    "該当事項なし", "該当事項はありません", "記載なし", "記載事項なし", "未記入", "(なし)", "［なし］",
    "-", "－", "―", "—", "‐", "ー", "--", "——", "[ ]", "( )", "N/A",
]
NOT_EMPTY = ["あり", "未定", "〃", "同上", "0件", "委託しない", "再委託しない", "発生なし", "×", "なしの場合は記載しない"]


@pytest.mark.parametrize("text", EMPTY)
def test_empty_forms(text: str) -> None:
    assert is_empty_text(text)


@pytest.mark.parametrize("text", NOT_EMPTY)
def test_real_answers_are_not_empty(text: str) -> None:
    assert not is_empty_text(text)


def test_no_choice_on_the_forms_reads_as_an_empty_form() -> None:
    """Choices are matched before empty forms, and none of the printed choices is one."""
    from piarules.schema import KINDS, document_type
    from piarules.type_system import BandType, ListType, ObjectType, TextType, Type

    choices: set[str] = set()

    def walk(type_: Type) -> None:
        if isinstance(type_, ListType):
            walk(type_.item)
        elif isinstance(type_, ObjectType):
            for child in type_.fields.values():
                walk(child)
        elif isinstance(type_, TextType | BandType):
            choices.update(type_.choices)

    for kind in KINDS:
        walk(document_type((kind,)))
    assert len(choices) > 30 and not [c for c in choices if is_empty_text(c)]


def test_rules_see_empty_forms_as_empty() -> None:
    policy = """
        rule T-1 "説明が空" {
          severity error
          for each 行 in 変更箇所
          require 行.提出時期に係る説明 is not empty
          message "空"
        }
    """
    yaml_text = "変更箇所:\n" + "".join(f"  - {{提出時期に係る説明: '{t}'}}\n" for t in ["該当なし", "特になし", "―", "[ ]", "理由"])
    assert [f.path[1] for f in findings(policy, yaml_text)] == [0, 1, 2, 3]


# ---------------------------------------------------------------- one date parser everywhere


def test_as_of_reads_the_short_forms(tmp_path: Path) -> None:
    doc = write(tmp_path, "doc.yaml", "変更箇所:\n  - {変更日: R7.1.6, 項目: 対象人数, 変更後の記載: a, 提出時期: 事後}\n")
    code, out, err = invoke("eval", doc, "--as-of", "R8.4.1")
    assert code in (0, 1), err
    assert "基準日: 2026-04-01" in out


def test_policy_dates_read_the_same_way() -> None:
    assert parse_date("令和8年4月1日時点") == parse_date("R8.4.1") == dt.date(2026, 4, 1)


def test_waiver_with_an_empty_form_reason_is_incomplete_and_short_dates_work(tmp_path: Path) -> None:
    doc = write(tmp_path, "doc.yaml", "変更箇所:\n  - {変更日: R7.1.6, 項目: 対象人数, 変更後の記載: a, 提出時期: '-'}\n")
    waivers = write(tmp_path, "waivers.yaml", """\
waivers:
  - rule: CH-001b
    変更日: R7.1.6
    理由: 該当なし
    承認者: 個人情報保護管理者
    期限: R9.3.31
  - rule: CH-001b
    変更日: 令和7年1月6日
    理由: 次回の修正で記入する
    承認者: '-'
    期限: 令和9年3月31日
""")
    code, out, _ = invoke("eval", doc, "--waivers", waivers, "--as-of", "2026-04-01", "--format", "json")
    data = json.loads(out)
    problems = [(p["rule_id"], p["location"]["line"], p["message"]) for p in data["waivers"]["problems"]]
    assert [(r, line) for r, line, _ in problems] == [("WAIVER-INCOMPLETE", 2), ("WAIVER-INCOMPLETE", 7)]
    assert "理由" in problems[0][2] and "承認者" in problems[1][2]
    assert code == 1  # CH-001b stays open: no usable waiver


# ---------------------------------------------------------------- import


def test_import_reads_short_dates_and_quotes_decoded_cells(tmp_path: Path) -> None:
    from piarules.importer import COLUMNS, entry_cells, import_table

    rows = [
        ["R7.1.6", "対象人数", "a", "b", "事後", ""],
        ["<p>令和7年2月30日</p>", "対象人数", "a", "b", "", ""],
        ["令7.3.1", "対象人数", "a", "b", "<p>(空欄)</p>", ""],
        ["H30.6.7", "対象人数", "a", "b", "【事前】", ""],
        ["2025.4.1", "対象人数", "a", "b", "事中", ""],
    ]
    path = write(tmp_path, "t.txt", "\t".join(COLUMNS) + "\n" + "\n".join("\t".join(r) for r in rows) + "\n")
    data, result = import_table(path)
    entries = data["変更箇所"]
    # an unreadable cell is kept as written (decoded), a blank one is blank
    assert [e.get("変更日") for e in entries] == ["R7.1.6", "令和7年2月30日", "令7.3.1", "H30.6.7", "2025.4.1"]
    assert [e["提出時期"] for e in entries] == ["事後", None, None, "事前", "事中"]
    by_line: dict[int, list[str]] = {}
    for w in result.warnings:
        by_line.setdefault(w.span.line, []).append(w.message)
    assert by_line[3] == ["変更日 (1列目) を解釈できません: 「令和7年2月30日」は存在しない日付です",  # decoded: no <p>
                          "提出時期 (5列目) が空欄です。事前 / 事後 のいずれかを書いてください"]
    assert by_line[4] == ["提出時期 (5列目) が空欄です (「(空欄)」)。事前 / 事後 のいずれかを書いてください"]
    assert by_line[5] == ["変更日 H30.6.7 が前の行 (令7.3.1) より前です"]
    assert by_line[6] == ["提出時期 (5列目) が「事中」です (事前 / 事後 のいずれか)"]
    assert [w.span.col for w in result.warnings if w.span.line == 6] == [1 + len("2025.4.1\t対象人数\ta\tb\t")]
    assert [entry_cells(e) for e in entries] == [tuple(r) for r in rows]  # nothing lost
    doc, problems = load_document_text(json.dumps(data, ensure_ascii=False), "t.yaml")
    assert doc is not None, problems  # the rows are checked; the two unreadable cells are unknown
    assert doc.tree["変更箇所"][0]["変更日"] == dt.date(2025, 1, 6)
    assert sorted(doc.unreadable) == [("変更箇所", 1, "変更日"), ("変更箇所", 4, "提出時期")]
    assert [d.code for d in problems if d.severity.value == "error"] == ["PIA304", "PIA303"]


# ---------------------------------------------------------------- JSON schema


@pytest.mark.parametrize(("field", "text", "expected"), [c for c in ACCEPTED if c[0] in
                                                         ("提出時期", "再委託の有無", "対象人数", "本人の数", "使用者数",
                                                          "記録される項目", "実施の有無", "取扱者数", "重大事故", "十分性")])
def test_printed_forms_validate_against_the_json_schema(field: str, text: str, expected: Any) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from piarules.document.schema_export import json_schema

    kind, path = FIELDS[field]
    instance = {"評価書の種類": kind, **_nest(path, text)}
    jsonschema.validate(instance, json_schema(kind))


def test_json_schema_still_rejects_what_the_loader_rejects() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from piarules.document.schema_export import json_schema

    instance = {"評価書の種類": "重点項目評価書", **_nest(FIELDS["再委託の有無"][1], "[ 再委託あり ]")}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(instance, json_schema("重点項目評価書"))
