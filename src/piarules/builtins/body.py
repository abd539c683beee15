"""Built-ins for the assessing body (評価実施機関) and the document's names for itself (自称).

`body(評価実施機関名)` reads the body and judges the form of its name; `inferred_body(本文)` names the
body of a document without 評価実施機関名 from its 宣言, 条例・規則 titles and 部署 names (推定: true);
`self_names(記載)` lists the 自称 of a text; `usual_self_name(本文)` is the one a document uses most.
The vocabulary comes from the policy set's Vocabulary (data/bodies.yaml and its extensions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from piarules.builtins import builtin
from piarules.document.body import (
    BodyIdentity,
    infer_body,
    self_names,
    usual_self_name,
)
from piarules.document.body_table import CONFIDENCES, KINDS
from piarules.type_system import BOOL, NUMBER, TEXT, ListType, ObjectType, TextType
from piarules.values import MISSING

if TYPE_CHECKING:
    from piarules.document.body_table import BodyTable
    from piarules.vocabulary import Vocabulary

FORM = ("適合", "不適合")
BODY = ObjectType("評価実施機関", {
    "名称": TEXT, "団体名": TEXT, "種別": TextType(KINDS), "機関": TEXT, "長の職名": TEXT, "氏名": TEXT,
    "都道府県": TEXT, "部署": TEXT, "形式": TextType(FORM), "問題": TEXT, "正しい形": TEXT, "直し方": TEXT,
    "自称の種別": TEXT, "自称の例": TEXT, "推定": BOOL, "根拠": TEXT,
})
SELF_NAME = ObjectType("自称", {"語": TEXT, "種別": TEXT, "確度": TextType(CONFIDENCES)})
USUAL_SELF_NAME = ObjectType("主な自称", {"語": TEXT, "種別": TEXT, "回数": NUMBER, "種別の数": NUMBER})


def _or_missing(value: Any) -> Any:
    return MISSING if value is None else value


def _object(b: BodyIdentity, table: BodyTable, inferred: bool = False, evidence: str | None = None) -> dict[str, Any]:
    """A body as the policy language sees it (fields absent where the name does not say)."""
    examples = table.examples(b.self_name)[:2] if b.self_name else ()
    form = None if inferred or b.form_ok is None else FORM[0] if b.form_ok else FORM[1]
    fix = (f"「{b.expected}」と書いてください" if b.expected
           else "評価実施機関 (「○○市長」「○○県知事」「○○市教育委員会」など) の名を書いてください")
    return {
        "名称": b.written, "団体名": _or_missing(b.name), "種別": _or_missing(b.kind), "機関": _or_missing(b.organ),
        "長の職名": _or_missing(b.head), "氏名": _or_missing(b.person), "都道府県": _or_missing(b.prefecture),
        "部署": _or_missing(b.department), "形式": _or_missing(form), "問題": _or_missing(None if inferred else b.problem),
        "正しい形": _or_missing(None if inferred else b.expected), "直し方": MISSING if inferred or b.form_ok else fix,
        "自称の種別": _or_missing(b.self_name), "自称の例": "「" + "」「".join(examples) + "」" if examples else MISSING,
        "推定": inferred, "根拠": _or_missing(evidence),
    }


@builtin("body", (TEXT,), BODY,
         "評価実施機関名が示す評価実施機関: 団体名・種別 (市 区 町 村 都 道 府 県 広域連合 一部事務組合 国 独立行政法人等 事業者)・"
         "機関・長の職名・氏名・都道府県・部署・形式 (適合 / 不適合: 「○○市長」「○○県知事」「○○市教育委員会」の形か)・"
         "問題・正しい形・自称の種別・自称の例。例: body(文書.評価実施機関名).形式", needs_vocabulary=True)
def _body(vocabulary: Vocabulary, name: Any) -> Any:
    if not isinstance(name, str):
        return MISSING
    from piarules.document.body import body_of

    table = vocabulary.bodies
    found = body_of(str(name), table)
    return MISSING if found is None else _object(found, table)


_INFERRED: dict[int, tuple[Any, Any]] = {}
"""id(本文) → (本文, result): one inference per document (holding the list keeps its id from being reused)."""


def _per_document(cache: dict[int, tuple[Any, Any]], texts: Any, compute: Any) -> Any:
    cached = cache.get(id(texts))
    if cached is None or cached[0] is not texts:
        if len(cache) > 64:
            cache.clear()
        cached = (texts, compute())
        cache[id(texts)] = cached
    return cached[1]


@builtin("inferred_body", (ListType(TEXT),), BODY,
         "評価実施機関名がないときに本文から推定した評価実施機関 (宣言・条例や規則の題名・部署名で最も多く名が挙がる団体): "
         "body と同じ項目、推定 は真、根拠 は推定の根拠。例: inferred_body(本文).種別", needs_vocabulary=True)
def _inferred_body(vocabulary: Vocabulary, texts: Any) -> Any:
    if not isinstance(texts, list):
        return MISSING

    def compute() -> Any:
        found = infer_body(texts, vocabulary.bodies, vocabulary.statutes)
        if found is None:
            return MISSING
        kinds: dict[str, int] = {}
        for e in found.evidence:
            kind = e.split("「", 1)[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        evidence = "、".join(f"{k} {n}件" for k, n in kinds.items())
        return _object(found.identity, vocabulary.bodies, inferred=True, evidence=evidence)

    return _per_document(_INFERRED, texts, compute)


@builtin("self_names", (TEXT,), ListType(SELF_NAME),
         "文中の自称 (当市・本区・当町・本県・当広域連合・当組合・当省・当機構 …) の一覧: 語・種別 (合う団体の自称の種別)・確度 "
         "(low: 本町・本村 のように地名や人名でもある語)。同じ語は一度だけ。当市場・本市町村・担当区域・本区分 などは数えない。"
         "例: for each 自称 in self_names(記載)", needs_vocabulary=True)
def _self_names(vocabulary: Vocabulary, text: Any) -> Any:
    if not isinstance(text, str):
        return []
    seen: dict[str, dict[str, Any]] = {}  # each word once per text: one finding per wrong word, not per use
    for s in self_names(str(text), vocabulary.bodies):
        seen.setdefault(s.word, {"語": s.word, "種別": s.kind, "確度": s.confidence})
    return list(seen.values())


_USUAL: dict[int, tuple[Any, Any]] = {}


@builtin("usual_self_name", (ListType(TEXT),), USUAL_SELF_NAME,
         "文書で最も多く使われている自称: 語・種別・回数・種別の数 (使われている自称の種別の数)。確度 high の語だけを数える。"
         "例: usual_self_name(本文).種別", needs_vocabulary=True)
def _usual_self_name(vocabulary: Vocabulary, texts: Any) -> Any:
    if not isinstance(texts, list):
        return MISSING

    def compute() -> Any:
        found = usual_self_name(texts, vocabulary.bodies)
        if found is None:
            return MISSING
        return {"語": found.word, "種別": found.kind, "回数": found.uses, "種別の数": found.kinds}

    return _per_document(_USUAL, texts, compute)
