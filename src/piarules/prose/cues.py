"""Polarity cues of Japanese legal/administrative prose, as data for polarity.py.

Each cue is a regular expression over the normalised text and a kind. At one position the first
listed pattern wins, so longer constructions (〜ないわけではない, 〜なければならない) come before the
plain negation they contain. Patterns start at the negative morpheme (ない, ず, ません …), never
at the verb, so that a longer construction starting at the same morpheme can win; the verb is
added back for explanations by `display_start`.
"""

from __future__ import annotations

from enum import StrEnum

from piarules.pattern_store import compiled


class CueKind(StrEnum):
    """What a cue does to the polarity of a mention before it (docs/prose.md, 「スコープ」)."""

    NEUTRAL = "neutral"  # looks negative, is not (必ず, 遅滞なく, にかかわらず): skipped
    ADDITIVE = "additive"  # 〜だけでなく, 〜のみならず: X is affirmed, scope ends
    DOUBLE = "double"  # 〜ないわけではない, 〜ないとはいえない: two negations, scope ends
    OBLIGATION = "obligation"  # 〜なければならない, 〜ざるを得ない, 〜場合に限り: required = affirmed, scope ends
    CONTRAST = "contrast"  # 〜ではなく(て): X denied, what follows is the affirmed alternative; scope ends
    NEG_CONDITION = "neg-condition"  # 〜なければ, 〜ない限り: hypothetical unless a later negation cancels it
    NEGATION = "negation"  # 〜ない, 〜ません, 〜ず, 〜なし, 不要, 禁止 …: one negation, scope goes on
    CONDITION = "condition"  # 〜場合, 〜とき, 〜れば, 〜なら, 〜か否か, 〜かどうか, 有無, question か


_NEUTRAL = [
    r"(?:に|にも)?(?:かかわらず|関わらず|拘わらず)", r"を問わず", r"必ず", r"はず", r"まず", r"ずつ", r"わずか",
    r"いずれ", r"絶えず", r"とりあえず", r"相変わらず", r"思わず", r"少なからず", r"ないし", r"少な[いく]", r"危な[いく]",
    r"おこな[いうわえお]", r"ともな[いうわえ]", r"まかな[いうわ]", r"みなし", r"見なし", r"間もなく", r"まもなく",
    r"ほどなく", r"遅滞なく", r"滞りなく", r"漏れなく", r"もれなく", r"くまなく", r"例外なく", r"やむなく",
    r"間違いなく", r"余すことなく", r"もなく(?=[^てはもな])",
]
_ADDITIVE = [r"(?:だけ|のみ|ばかり)(?:では|で)?(?:なく|ない)", r"のみならず", r"に限らず", r"のほか"]
_DOUBLE = [
    r"(?:ない|ず)(?:わけ|訳)では(?:ない|ありません|なく|ございません)",
    r"ない(?:こと|事)(?:は|も)(?:ない|ありません)",
    r"なくは(?:ない|ありません)", r"ないでは(?:ない|ありません)",
    r"ない(?:とは|とも)(?:いえ|言え)(?:ない|ません|ず)",
    r"不要とは(?:いえ|言え)(?:ない|ません|ず)",
]
_OBLIGATION = [
    r"(?:なけれ|なくて|ね)(?:ば|は)(?:なら|いけ|なり)(?:ない|ません|ず)",
    # 〜した場合に限り / 〜したときに限って / 〜した場合のみ: the only case allowed, i.e. a requirement
    # (番号法第10条「委託者の許諾を得た場合に限り、再委託をすることができる」)
    r"(?:場合|とき|時)(?:に|で)?(?:限り|限って|かぎり|のみ)",
    r"ないと(?:いけ|なら|なり)(?:ない|ません)",
    r"ざるを(?:得|え)(?:ない|ません|ず)",
    r"ずには(?:いられ|おか)(?:ない|ません)",
]
_CONTRAST = [r"(?:では|で|じゃ)なく(?:て)?(?![はもな])"]
_NEG_CONDITION = [r"なければ", r"なくては", r"ない(?:限り|かぎり)", r"なかったら", r"ないなら(?:ば)?", r"ずば"]
_NEGATION = [
    r"(?:では|で|じゃ)(?:ない|ありません|ございません)",
    r"とは(?:いえ|言え)(?:ない|ません|ず)",
    r"ません", r"なかっ(?:た)?", r"(?<![少危切幼])ない", r"なく", r"ず(?![つっれ])", r"(?<=[らかさたまわがば])ぬ",
    r"(?<![みこはか])なし", r"無し", r"(?<!有)無(?=$|[。、)\]」\n])",
    r"不要", r"不可(?:能)?", r"禁止", r"禁じ", r"禁ず",
    r"未(?:実施|了|定|提出|取得|作成|対応|着手|確認|整備|締結|策定|公表|記載|処理|設定|導入|発生|承認|許諾)",
    r"非該当", r"不該当", r"不実施", r"以外", r"を除(?:く|き|いて)", r"除外",
    r"(?:の)?対象外", r"(?:の)?範囲外",  # 「重要な変更の対象外」: outside the scope of, i.e. not
]
_CONDITION = [
    r"か(?:否か|どうか)", r"有無", r"場合", r"(?<![実国交])際(?!限)", r"とき(?!どき)", r"(?<=[るたい])時",
    r"(?<=[れけせてねえめべげ])ば(?!か)", r"(?<=[っしいんきけれめべせえぎびみちり])(?:たら|だら)",
    r"なら(?:ば)?(?!ない|ず|ぬ|なかっ|び|せ|ず)", r"(?<=[しっいんけれめべせえきぎ]て)も",
    r"(?<=[るたいすだう])か(?=$|[。?、\n])", r"(?<=ます)か", r"(?<=でしょう)か",
]

_TABLE: list[tuple[CueKind, list[str]]] = [
    (CueKind.NEUTRAL, _NEUTRAL), (CueKind.ADDITIVE, _ADDITIVE), (CueKind.DOUBLE, _DOUBLE),
    (CueKind.OBLIGATION, _OBLIGATION), (CueKind.CONTRAST, _CONTRAST), (CueKind.NEG_CONDITION, _NEG_CONDITION),
    (CueKind.NEGATION, _NEGATION), (CueKind.CONDITION, _CONDITION),
]
KINDS: tuple[CueKind, ...] = tuple(kind for kind, patterns in _TABLE for _ in patterns)
CUE_RE = compiled("|".join(f"(?P<c{i}>{p})" for i, p in enumerate(p for _, ps in _TABLE for p in ps)))

# Prefixes that negate the word they stand before: 非該当, 不承認, 未実施, 無許可.
NEGATIVE_PREFIXES = frozenset("非不未無")

# Scope cuts: where the predicate of a mention is over although the clause goes on.
# - a predicate in attributive form before a content noun (a relative clause): 軽減させる|変更,
#   国内で保管する|サーバー, 重要な変更に当たらない|変更 (the cut comes after ない, which still counts);
# - the て form or 連用形 し before a new predicate: 許諾を得て|再委託, 確認し|許諾;
# - the quotative と before a verb of saying or judging: 当たらないと|判断し.
_FUNCTION_NOUNS = ("場合", "際", "時", "限り", "旨", "等", "予定", "必要", "義務", "恐れ", "可能性", "方針", "上",
                   "後", "前", "間", "中", "為", "事", "物", "訳", "様", "程", "都度", "以外", "以上", "以下", "旨",
                   "得", "他", "外", "理由", "つもり", "べき")
_ATTRIBUTIVE_RE = compiled(r"(?<!ま)(?<!か)(?<!ただ)(?:る|た|う|す|む|ぶ|ぐ|ない)(?=[一-龥ァ-ヴ「])")
_TE_RE = compiled(r"(?:て|[一-龥]し)(?=[一-龥ァ-ヴ])")
_QUOTE_RE = compiled(r"と(?=(?:判断|考え|認め|思|され|し(?!て)|する|記載|明記|規定|定め|確認|整理|説明|評価))")
_COMPOUND_TE = ("において", "について", "に関して", "に対して", "によって", "として", "にとって", "をもって",
                "に当たって", "にあたって", "に際して", "に基づいて", "を通じて", "を除いて", "に応じて",
                "に従って", "に伴って", "に沿って", "にわたって", "を経て", "を用いて", "に加えて", "を含めて",
                "に限って", "に向けて", "に先立って", "を介して", "をもって")


def _function_noun_at(text: str, i: int) -> bool:
    """A function noun (場合, 予定, 事 …) at i; a one-kanji one only when no kanji follows (事 but not 事業者)."""
    for noun in _FUNCTION_NOUNS:
        if text.startswith(noun, i):
            after = text[i + len(noun) : i + len(noun) + 1]
            return len(noun) > 1 or not ("一" <= after <= "龥")
    return False


def first_cut(text: str, start: int, end: int) -> int:
    """The first scope cut in text[start:end], or `end`."""
    best = end
    for m in _ATTRIBUTIVE_RE.finditer(text, start, end):
        if not _function_noun_at(text, m.end()):
            best = min(best, m.end())
            break
    for m in _TE_RE.finditer(text, start, best):
        if not text[max(0, m.end() - 6) : m.end()].endswith(_COMPOUND_TE) and not text.startswith("得", m.end()):
            best = min(best, m.end())
            break
    quote = _QUOTE_RE.search(text, start, best)
    return quote.start() if quote else best


def display_start(text: str, cue_start: int, floor: int) -> int:
    """Where to begin a cue when showing it: back over its verb (当たら|ない, 該当し|ない), not before `floor`."""
    i = cue_start
    steps = 0
    while i > floor and steps < 3 and "ぁ" <= text[i - 1] <= "ん" and text[i - 1] not in "にをがはともへの":
        i -= 1
        steps += 1
    steps = 0
    while i > floor and steps < 3 and "一" <= text[i - 1] <= "龥":
        i -= 1
        steps += 1
    return i


def parenthesised(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of (…) / 【…】 / 〔…〕 opened in text[start:end]: asides that a cue inside does not leave."""
    spans: list[tuple[int, int]] = []
    depth, opened = 0, 0
    for i in range(start, end):
        ch = text[i]
        if ch in "(【〔[":
            if depth == 0:
                opened = i
            depth += 1
        elif ch in ")】〕]" and depth:
            depth -= 1
            if depth == 0:
                spans.append((opened, i + 1))
    if depth:
        spans.append((opened, end))
    return spans
