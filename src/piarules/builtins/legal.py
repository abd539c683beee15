"""Built-ins for legal citations: citations in a text as values, judged against the law timeline.

`citations(記載)` gives one 引用 per provision the text cites (番号法第19条第8号, 別表第一の30の項 …);
`judge(引用, 基準日)` says whether it still cites what it is cited for on that date, and what to
write instead; `old_names(記載, 基準日)` finds names an amendment replaced (総務大臣 for the network);
`network_basis(記載)` / `number_use_basis(記載)` check the citation forms required since 2024-05-27.
The data (statutes, timeline) come from the policy set's Vocabulary (src/piarules/vocabulary.py).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from piarules.builtins import builtin
from piarules.textcache import text_cache
from piarules.type_system import BOOL, DATE, TEXT, ListType, ObjectType, TextType
from piarules.values import MISSING, is_missing

if TYPE_CHECKING:
    from piarules.legal.citations import Citation
    from piarules.vocabulary import Vocabulary

STATUS_JA = {"current": "現行", "stale": "旧規定", "abolished": "廃止", "not_yet": "施行前", "unknown": "不明"}
"""The statuses of `judge`, as the policy language writes them."""
CONFIDENCE = TextType(("high", "medium", "low"))

CITATION = ObjectType("引用", {
    "法令": TEXT, "法令名": TEXT, "条": TEXT, "項": TEXT, "号": TEXT, "別表": TEXT, "別表の項": TEXT,
    "附則": BOOL, "団体": TEXT, "原文": TEXT, "文": TEXT, "表記": TEXT,
})
VERDICT = ObjectType("引用の判定", {
    "状態": TextType(tuple(STATUS_JA.values())), "改正日": DATE, "現在の規定": TEXT, "当時の意味": TEXT,
    "現在の意味": TEXT, "理由": TEXT, "確度": CONFIDENCE,
})
OLD_NAME = ObjectType("古い名称", {
    "名称": TEXT, "現在の名称": TEXT, "改正日": DATE, "理由": TEXT, "確度": CONFIDENCE, "文": TEXT,
})
BASIS = ObjectType("根拠の書き方", {"満たす": BOOL, "不足": TEXT, "形": TEXT})


class CitationValue(dict[str, Any]):
    """One citation as the policy language sees it (a mapping of 法令, 条, 号 …), keeping the parsed
    Citation and the form item its text stands in, for `judge`."""

    citation: Citation
    field: str | None
    context: str
    """The other texts of the mapping the citation's text stands in (what it is cited for)."""

    @property
    def display_text(self) -> str:
        return str(self.get("原文", ""))


def _value(c: Citation, label: str, statute: str | None, field: str | None, context: str) -> CitationValue:
    out = CitationValue({
        "法令": statute or MISSING, "法令名": c.statute_text or MISSING, "条": c.article or MISSING,
        "項": c.paragraph or MISSING, "号": c.item or MISSING, "別表": c.appendix or MISSING,
        "別表の項": c.row or MISSING, "附則": c.supplementary, "団体": c.body or MISSING, "原文": c.text,
        "文": c.sentence_text, "表記": label,
    })
    out.citation = c
    out.field = field
    out.context = context
    return out


@builtin("citations", (TEXT,), ListType(CITATION),
         "文中の法令の引用の一覧 (引用ごとに 法令 (番号法・個人情報保護法・個人情報保護条例 などの略称)・法令名 (書かれたまま)・"
         "条・項・号・別表・別表の項・原文・文)。"
         "例: for each 引用 in citations(記載)", needs_vocabulary=True)
def _citations(vocabulary: Vocabulary, text: Any) -> Any:
    if is_missing(text) or not isinstance(text, str):
        return []
    plain = str(text)
    if not _cites(vocabulary, plain):  # most texts cite nothing: their siblings (context) are not read
        return []
    return list(_parsed(vocabulary, plain, getattr(text, "field", None), getattr(text, "context", "")))


@text_cache
def _cites(vocabulary: Vocabulary, text: str) -> bool:
    from piarules.legal.citations import parse_citations

    return bool(parse_citations(text, vocabulary.statutes))


@text_cache
def _parsed(vocabulary: Vocabulary, text: str, field: str | None, context: str) -> tuple[CitationValue, ...]:
    from piarules.legal.citations import format_citation, parse_citations

    table = vocabulary.statutes
    out = []
    for c in parse_citations(text, table):
        statute = table.get(c.statute) if c.statute else None
        out.append(_value(c, format_citation(c, table), statute.label if statute else None, field, context))
    return tuple(out)


@builtin("judge", (CITATION, DATE), VERDICT,
         "引用をその日の法令に照らした判定: 状態 (現行 / 旧規定 / 廃止 / 施行前 / 不明)・改正日・現在の規定・理由・確度。"
         "番号が変わっても今も意味のある号は、引用の目的 (文・項目) で判断する。例: judge(引用, 基準日).状態", needs_vocabulary=True)
def _judge(vocabulary: Vocabulary, citation: Any, on: Any) -> Any:
    if not isinstance(citation, CitationValue) or not isinstance(on, dt.date):
        return MISSING
    return _verdict(vocabulary, citation.citation, dt.date(on.year, on.month, on.day), citation.field,
                    citation.context)


@text_cache
def _verdict(vocabulary: Vocabulary, citation: Citation, on: dt.date, field: str | None,
             context: str) -> dict[str, Any]:
    from piarules.legal.timeline import judge

    v = judge(citation, on, context=context, field=field, timeline=vocabulary.timeline)
    return {
        "状態": STATUS_JA[str(v.status.value if hasattr(v.status, "value") else v.status)],
        "改正日": v.since or MISSING, "現在の規定": v.replaced_by or MISSING, "当時の意味": v.meaning_then or MISSING,
        "現在の意味": v.meaning_now or MISSING, "理由": v.reason, "確度": v.confidence,
    }


@builtin("old_names", (TEXT, DATE), ListType(OLD_NAME),
         "改正で変わった名称 (特定個人情報保護委員会、情報提供ネットワークシステムの総務大臣 …) の一覧: "
         "名称・現在の名称・改正日・理由・確度。例: for each 名称 in old_names(記載, 基準日)", needs_vocabulary=True)
def _old_names(vocabulary: Vocabulary, text: Any, on: Any) -> Any:
    if not isinstance(text, str) or not isinstance(on, dt.date):
        return []
    from piarules.legal.timeline import judge_names

    found = judge_names(str(text), dt.date(on.year, on.month, on.day), getattr(text, "field", None),
                        timeline=vocabulary.timeline)
    return [{"名称": v.old, "現在の名称": v.new, "改正日": v.since, "理由": v.reason, "確度": v.confidence,
             "文": v.sentence_text} for v in found if str(getattr(v.status, "value", v.status)) != "current"]


def _basis(vocabulary: Vocabulary, text: Any, which: str) -> Any:
    if not isinstance(text, str):
        return MISSING
    from piarules.legal.citations import parse_citations
    from piarules.legal.forms import cites_network_basis, cites_number_use_basis

    table = vocabulary.statutes
    found = parse_citations(str(text), table)
    check = (cites_network_basis if which == "network" else cites_number_use_basis)(found, table)
    return {"満たす": check.ok, "不足": "、".join(check.missing) or MISSING, "形": check.form}


@builtin("network_basis", (TEXT,), BASIS,
         "情報連携の根拠の書き方 (令和6年5月27日から: 番号法第19条第8号 と 同号に基づく主務省令の条) を満たすか: 満たす・不足。",
         needs_vocabulary=True)
def _network_basis(vocabulary: Vocabulary, text: Any) -> Any:
    return _basis(vocabulary, text, "network")


@builtin("number_use_basis", (TEXT,), BASIS,
         "個人番号の利用の根拠の書き方 (番号法第9条第1項 と 別表の項、または 第9条第2項 と 条例) を満たすか: 満たす・不足。",
         needs_vocabulary=True)
def _number_use_basis(vocabulary: Vocabulary, text: Any) -> Any:
    return _basis(vocabulary, text, "number_use")
