"""Who the assessing body is (評価実施機関) and how a document names itself (自称).

`body_of(評価実施機関名)` reads a 評価実施機関名 however it is written — with a prefecture prefix
(北海道白樺町長), the head's personal name after the title (西山村長 佐藤健一), an organ other than the
head (みどり野市教育委員会), a 広域連合, an 一部事務組合 (…組合管理者), a national body (厚生労働大臣),
a corporation (日本年金機構) — and says whether it is in the required form 「○○市長」「○○県知事」
「○○市教育委員会」 (記載要領), and if not, why and what to write.

`infer_body(texts)` names the body of a document that lacks 評価実施機関名: the body its 宣言, the
titles of its local 条例・規則 and its 部署 names name most often.

`self_names(text)` finds the words by which a text names its own body (当市, 本区, 当広域連合, 当省 …)
and leaves out words that merely contain one (当市場, 本市町村, 担当区域, 本区分, 見本市).

The vocabulary of all three is data (data/bodies.yaml, see body_table.py), not code.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from piarules.document.body_table import (
    BUSINESS,
    CORPORATION,
    NATIONAL,
    BodyTable,
    KindEntry,
    Mistake,
    default_body_table,
)
from piarules.jpvalues import normalize_text
from piarules.pattern_store import compiled
from piarules.prose.normalize import normalize
from piarules.textcache import text_cache

if TYPE_CHECKING:
    from piarules.legal.statutes import StatuteTable


@dataclass(frozen=True)
class BodyIdentity:
    """A body as its name gives it. Fields are None where the name does not say."""

    written: str
    """The name as written (normalised: NFKC, spaces collapsed)."""
    name: str | None
    """団体名: 青葉市, 若葉県後期高齢者医療広域連合, 厚生労働省, 日本年金機構 (None: only a department)."""
    kind: str | None
    """種別: 市 区 町 村 都 道 府 県 広域連合 一部事務組合 国 独立行政法人等 事業者."""
    organ: str | None = None
    """The organ written after the name: 市長, 教育委員会, 管理者 … as written (None: the name alone)."""
    head: str | None = None
    """長の職名: 市長, 知事, 広域連合長, 管理者, 厚生労働大臣, 理事長."""
    person: str | None = None
    """氏名 written after the title."""
    prefecture: str | None = None
    """都道府県 before a municipality's name (北海道 in 北海道白樺町長), or in a 広域連合's name."""
    department: str | None = None
    """A 部署 written after (or instead of) the body."""
    form_ok: bool | None = None
    """形式: in the required form (None: cannot be judged)."""
    problem: str | None = None
    """Why it is not, as a Japanese phrase."""
    expected: str | None = None
    """正しい形: what to write instead (青葉市長)."""
    self_name: str | None = None
    """The kind of 自称 that fits this body (市, 区 … 広域連合, 組合, 国, 法人)."""


class InferredBody(NamedTuple):
    """The body a document's text names most (団体名, 種別, evidence) and the identity read from it."""

    name: str
    kind: str
    evidence: tuple[str, ...]
    identity: BodyIdentity


@dataclass(frozen=True)
class SelfName:
    """One 自称 in a text: the word, the kind of body it fits, where it stands in the original text."""

    word: str
    kind: str
    span: tuple[int, int]
    confidence: str


class UsualSelfName(NamedTuple):
    """The self-name a document uses most, how often, and how many kinds of self-name it uses."""

    word: str
    kind: str
    uses: int
    kinds: int


# ------------------------------------------------------------------------------------ characters


def _is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch in "々〆ヶ"


def _is_name_char(ch: str) -> bool:
    return _is_kanji(ch) or "\u3041" <= ch <= "\u30ff" or ch in "ー・○〇"


_PERSON_RE = compiled(r"[\u4e00-\u9fff々〆ヶ\u3041-\u30ffー・]{2,12}")
_HEAD_WORDS = ("長", "知事", "者", "大臣", "長官", "委員会", "委員")
_BRACKETS = "()（）「」『』[]【】 "


def _clean(text: str) -> str:
    return normalize_text(text).strip(_BRACKETS + "　")


def _compact(text: str) -> tuple[str, frozenset[int]]:
    """The text without spaces, and the offsets (in it) that had a space before them."""
    out: list[str] = []
    spaces: set[int] = set()
    for ch in text:
        if ch.isspace():
            spaces.add(len(out))
        else:
            out.append(ch)
    return "".join(out), frozenset(spaces)


# ------------------------------------------------------------------------------------ body_of


def body_of(written: str, table: BodyTable | None = None) -> BodyIdentity | None:
    """The body a 評価実施機関名 names, with the judgement of its form; None when nothing can be read."""
    return _body_of(written, table or default_body_table())


_JOINT = compiled(r"\s*(?:及び|並びに|、|,)\s*")


@lru_cache(maxsize=4096)
def _body_of(written: str, table: BodyTable) -> BodyIdentity | None:
    text = _clean(written)
    if not text:
        return None
    parts = [p for p in _JOINT.split(text) if p]
    if len(parts) > 1:  # a joint assessment (青葉市長及び青葉市教育委員会): the first that is not in form, else the first
        read = [_one_body(p, table) for p in parts]
        if any(r is None for r in read):
            return _one_body(text, table)
        return next((r for r in read if r is not None and r.form_ok is False), read[0])
    return _held_post(text, table) or _one_body(text, table)


def _held_post(text: str, table: BodyTable) -> BodyIdentity | None:
    """A post held by the head of a member body (充て職): 「…組合管理者 朝日町長 山本健一」 names the
    組合's 管理者, who is 朝日町長. The body is the first one written; what follows is its holder,
    which the name of the assessing organ does not include."""
    words = text.split(" ")
    for k in range(1, len(words)):
        first = _one_body(" ".join(words[:k]), table)
        if first is None or first.head is None or first.organ is None or first.form_ok is not True:
            continue  # the post is written (…組合管理者): a bare 「独立行政法人」 holds nothing
        holder = " ".join(words[k:])
        other = _one_body(holder, table)
        if other is None or other.head is None or other.name == first.name:
            return None
        return replace(first, written=text, person=holder, form_ok=False, expected=first.expected or " ".join(words[:k]),
                       problem=f"職にある人 (「{holder}」) が付いています")
    return None


def _one_body(text: str, table: BodyTable) -> BodyIdentity | None:
    compact, spaces = _compact(text)
    for reader in (_corporation_by_prefix, _business, _national, _local, _national_agency,
                   _corporation_by_suffix, _department_only):
        found = reader(text, compact, spaces, table)
        if found is not None:
            return found
    return None


class _Tail(NamedTuple):
    kind: str  # none | person | department | extra
    text: str | None


def _tail(rest: str, table: BodyTable) -> _Tail:
    """What follows the name (and organ): nothing, a personal name, a department, or something else."""
    r = rest.strip(_BRACKETS)
    if not r:
        return _Tail("none", None)
    if _is_department(r, table):
        return _Tail("department", r)
    if _PERSON_RE.fullmatch(r) and not r.endswith(_HEAD_WORDS) and _local_name(r, table) is None:
        return _Tail("person", r)
    return _Tail("extra", r)


def _is_department(text: str, table: BodyTable) -> bool:
    """A 部署 (健康福祉部地域福祉課) or its head (健康福祉部長)."""
    t = text[:-1] if text.endswith("長") and len(text) > 2 else text
    return bool(table.department_suffixes) and t.endswith(table.department_suffixes) and len(t) >= 2


class _Name(NamedTuple):
    entry: KindEntry
    name: str
    prefecture: str | None
    ward: str | None  # a 政令指定都市's 区 written after the city (横浜市鶴見区)
    suffix: str  # how the name ends (市, 組合 …): 「組合長」 is the suffix and 「長」


def _local_name(head: str, table: BodyTable) -> _Name | None:
    """`head` read as the name of a local body (with an optional prefecture and 郡), or None."""
    if head in table.named:
        return _Name(table.named[head], head, None, None, head[-1])
    pref: str | None = None
    core = head
    m = table.prefecture_re.match(head)
    if m and m.end() < len(head):
        pref, core = m[0], head[m.end():]
        if core in table.named:
            return None
    found = next(((s, k) for s, k in table.suffixes if core.endswith(s)), None)
    if found is None:
        return None
    suffix, entry = found
    stem = core[: -len(suffix)]
    if not stem or not all(_is_name_char(c) for c in core) or core in table.self_names:
        return None
    if any(core == g or (len(g) >= 3 and core.endswith(g)) for g in table.generic_words):
        return None
    if entry.kind in ("町", "村"):
        gun = re.match(r"^.{1,4}?郡", core)
        if gun and len(core) - gun.end() >= 2:
            core = core[gun.end():]
    if (head if entry.kind in ("広域連合", "一部事務組合") else core) in table.generic_names:
        return None
    if entry.kind in ("広域連合", "一部事務組合"):
        return _Name(entry, head, pref, None, suffix)
    if entry.kind == "区":
        ward = re.match(r"^(.+?市)(.+区)$", core)
        city = _local_name(ward[1], table) if ward else None
        if ward and city and city.entry.kind == "市":
            return _Name(city.entry, city.name, pref, ward[2], city.suffix)
    return _Name(entry, core, pref, None, suffix)


def _starts_a_word(text: str, end: int, name: _Name, table: BodyTable) -> bool:
    """Whether the name's last character rather starts the word after it (青葉市|市民課: 青葉市市 is no name)."""
    if not table.not_after_name or len(name.suffix) != 1 or not text.startswith(table.not_after_name, end):
        return False
    if name.name in table.doubled_names:
        return False
    return _local_name(text[: end - 1], table) is not None


def _forms(entry: KindEntry, table: BodyTable) -> list[tuple[str, str, Mistake | None]]:
    """What may follow the name: (form, role, mistake) with role head / organ / mistake, longest first."""
    out: list[tuple[str, str, Mistake | None]] = [(f, "head", None) for f in entry.head_forms]
    for organ, kinds in table.organs.items():
        if entry.kind in kinds:
            out.append((organ, "organ", None))
        else:
            out.append((organ, "mistake", Mistake((organ,), frozenset(), None, f"{entry.kind}に{organ}は置かれません")))
    out += [(f, "mistake", m) for m in table.mistakes if entry.kind in m.kinds for f in m.forms]
    return sorted(out, key=lambda x: -len(x[0]))


def _local(text: str, compact: str, spaces: frozenset[int], table: BodyTable) -> BodyIdentity | None:
    """A municipality, prefecture, 広域連合 or 一部事務組合, then its organ and what follows."""
    best: tuple[tuple[int, bool, int], BodyIdentity] | None = None
    for i in range(1, len(compact) + 1):
        name = _local_name(compact[:i], table)
        if name is None or _starts_a_word(compact, i, name, table):
            continue
        for rank, identity in _readings(text, compact, i, name, table):
            key = (rank, i in spaces or i == len(compact), i)
            if best is None or key > best[0]:
                best = (key, identity)
    return best[1] if best else None


def _readings(text: str, compact: str, i: int, name: _Name, table: BodyTable) -> Iterable[tuple[int, BodyIdentity]]:
    """Every reading of compact[i:] after the body name, with its rank (3 clean, 2 department, 1 extra)."""
    entry, rest, written = name.entry, compact[i:], compact[:i]
    base = BodyIdentity(text, name.name, entry.kind, head=entry.head, prefecture=name.prefecture,
                        self_name=entry.self_name)
    whole = _tail(rest, table)
    if whole.kind == "none":
        yield 3, _judged(base, written, entry, None, whole, name)
    elif whole.kind == "department":
        organ = next((f for f, role, _ in _forms(entry, table) if role == "organ" and rest.startswith(f)), None)
        yield 2, _judged(base, written, entry, (organ, "organ", None) if organ else None, whole, name)
    for form in _forms(entry, table):
        if rest.startswith(form[0]):
            tail = _tail(rest[len(form[0]):], table)
            rank = {"none": 3, "person": 3, "department": 2, "extra": 1}[tail.kind]
            yield rank, _judged(base, written, entry, form, tail, name)
            break


def _judged(base: BodyIdentity, written: str, entry: KindEntry, form: tuple[str, str, Mistake | None] | None,
            tail: _Tail, name: _Name) -> BodyIdentity:
    """The identity with its form judged: what is wrong and what to write."""
    organ, role, mistake = form if form else (None, None, None)
    right = organ if role in ("head", "organ") else (mistake.correct if mistake and mistake.correct else None)
    right = right or entry.head_forms[0]
    body_part = written
    if name.ward:
        body_part = written[: len(written) - len(name.ward)]
    out = replace(base, organ=organ, person=tail.text if tail.kind == "person" else None,
                  department=tail.text if tail.kind == "department" else None, expected=body_part + right)
    if name.ward:
        return replace(out, form_ok=False, problem=f"政令指定都市の区 (「{name.ward}」) の名です。評価実施機関は市の機関です")
    if role == "mistake" and mistake is not None:
        shown = name.suffix + organ if organ == "長" else organ
        reason = mistake.reason or f"{entry.kind}の長の職名は「{entry.head}」です"
        return replace(out, form_ok=False, problem=f"「{shown}」は誤りです。{reason}")
    if tail.kind == "person":
        return replace(out, form_ok=False, problem=f"長の氏名 (「{tail.text}」) が付いています")
    if tail.kind == "department":
        return replace(out, form_ok=False, problem=f"部署 (「{tail.text}」) の名が付いています")
    if tail.kind == "extra":
        return replace(out, form_ok=False, problem=f"職名の後に「{tail.text}」が付いています")
    if organ is None:
        return replace(out, form_ok=False, problem="団体名だけで、評価実施機関 (長・教育委員会など) の名がありません")
    return replace(out, form_ok=True, expected=None)


def _national(text: str, compact: str, spaces: frozenset[int], table: BodyTable) -> BodyIdentity | None:
    """A minister (厚生労働大臣), an agency's head (国税庁長官), a 省 (wrong), a national committee."""
    by_head = {h: n for n, h in table.national_heads.items()}
    base = BodyIdentity(text, None, NATIONAL, self_name=NATIONAL)
    for committee in table.committees:
        if compact.startswith(committee):
            return _person_or_ok(replace(base, name=committee, organ=committee, head=committee),
                                 compact[len(committee):], committee, table)
    for named, head in table.national_heads.items():
        if compact.startswith(head):
            return _person_or_ok(replace(base, name=named, organ=head, head=head), compact[len(head):], head, table)
        if compact.startswith(named):
            tail = _tail(compact[len(named):], table)
            return replace(base, name=named, head=head, department=tail.text, form_ok=False, expected=head,
                           problem=f"「{named}」の名です。評価実施機関は{head}です")
    m = re.match(rf"^([^\s]+?){re.escape(table.ministry_head)}", compact)
    if m:
        head = m[0]
        name = by_head.get(head, m[1] + "省")
        return _person_or_ok(replace(base, name=name, organ=head, head=head), compact[m.end():], head, table)
    m = re.match(rf"^([^\s]+?庁){re.escape(table.agency_head)}", compact)
    if m:
        return _person_or_ok(replace(base, name=m[1], organ=m[0], head=m[0]), compact[m.end():], m[0], table)
    m = re.match(r"^([^\s]+?)省", compact)
    if m and _is_kanji(m[1][-1]):
        head = m[1] + table.ministry_head
        tail = _tail(compact[m.end():], table)
        return replace(base, name=m[0], head=head, department=tail.text, form_ok=False, expected=head,
                       problem=f"省の名 (「{m[0]}」) です。評価実施機関は{head}です")
    return None


def _national_agency(text: str, compact: str, spaces: frozenset[int], table: BodyTable) -> BodyIdentity | None:
    """An agency named without its head (国税庁): read after local bodies, so 県庁 is not one."""
    m = re.match(r"^([^\s]+?庁)", compact)
    if not m or not all(_is_name_char(c) for c in m[1]):
        return None
    head = table.national_heads.get(m[1], m[1] + table.agency_head)
    tail = _tail(compact[m.end():], table)
    return BodyIdentity(text, m[1], NATIONAL, head=head, department=tail.text, form_ok=False, expected=head,
                        problem=f"庁の名 (「{m[1]}」) です。評価実施機関は{head}です", self_name=NATIONAL)


def _person_or_ok(identity: BodyIdentity, rest: str, right: str, table: BodyTable) -> BodyIdentity:
    tail = _tail(rest, table)
    if tail.kind == "none":
        return replace(identity, form_ok=True)
    what = {"person": "長の氏名", "department": "部署の名"}.get(tail.kind, "余分な記載")
    return replace(identity, person=tail.text if tail.kind == "person" else None,
                   department=tail.text if tail.kind == "department" else None, form_ok=False, expected=right,
                   problem=f"{what} (「{tail.text}」) が付いています")


def _corporation_by_prefix(text: str, compact: str, spaces: frozenset[int], table: BodyTable) -> BodyIdentity | None:
    if not table.corporation_prefixes or not compact.startswith(table.corporation_prefixes):
        return None
    return _named_entity(text, compact, spaces, table, CORPORATION, table.corporation_heads,
                         table.corporation_self_name, table.corporation_suffixes)


def _corporation_by_suffix(text: str, compact: str, spaces: frozenset[int], table: BodyTable) -> BodyIdentity | None:
    if not any(s in compact for s in table.corporation_suffixes):
        return None
    return _named_entity(text, compact, spaces, table, CORPORATION, table.corporation_heads,
                         table.corporation_self_name, table.corporation_suffixes)


def _business(text: str, compact: str, spaces: frozenset[int], table: BodyTable) -> BodyIdentity | None:
    if not any(s in compact for s in table.business_suffixes):
        return None
    return _named_entity(text, compact, spaces, table, BUSINESS, table.business_heads,
                         table.business_self_name, table.business_suffixes)


def _named_entity(text: str, compact: str, spaces: frozenset[int], table: BodyTable, kind: str,
                  heads: tuple[str, ...], self_name: str | None, suffixes: tuple[str, ...]) -> BodyIdentity | None:
    """A body that is its own 評価実施機関 (独立行政法人○○, ○○健康保険組合), optionally with 理事長."""
    end = None
    for s in sorted(suffixes, key=len, reverse=True):
        at = compact.find(s)
        if at >= 0:
            end = at + len(s)
            break
    if end is None:
        head_at = min((compact.find(h) for h in heads if compact.find(h) > 0), default=-1)
        boundary = min((s for s in spaces if s > 0), default=len(compact))
        end = head_at if head_at > 0 else boundary
    name, rest = compact[:end], compact[end:]
    if name in suffixes or not name or name in table.corporation_prefixes:  # 「機構」「独立行政法人」 alone name no body
        return None
    head = next((h for h in heads if rest.startswith(h)), None)
    base = BodyIdentity(text, name, kind, organ=head, head=heads[0] if heads else None, self_name=self_name)
    return _person_or_ok(base, rest[len(head):] if head else rest, name, table)


def _department_only(text: str, compact: str, spaces: frozenset[int], table: BodyTable) -> BodyIdentity | None:
    if not _is_department(compact, table):
        return None
    return BodyIdentity(text, None, None, department=text, form_ok=False,
                        problem=f"部署の名 (「{text}」) だけで、団体と評価実施機関 (長など) の名がありません")


# ------------------------------------------------------------------------------------ leading names


_STOP = compiled(r"[\s、。,，()（）「」『』【】<>〒:：]")


def leading_body(text: str, table: BodyTable | None = None) -> BodyIdentity | None:
    """The body whose name a title, department or declaration starts with (青葉市個人情報保護法施行条例 → 青葉市).

    The longest name that reads as a body wins (千葉県みどり野市 over 千葉県), except that a 政令指定都市's
    区 gives the city; national bodies and corporations are read as body_of reads them.
    """
    table = table or default_body_table()
    s = normalize_text(text)
    stop = _STOP.search(s)
    head = s[: stop.start()] if stop else s
    head = head[:40]
    best: _Name | None = None
    for i in range(2, len(head) + 1):
        name = _local_name(head[:i], table)
        if name is not None and not _starts_a_word(head, i, name, table):
            best = name
    if best is not None:
        return BodyIdentity(best.name, best.name, best.entry.kind, head=best.entry.head, prefecture=best.prefecture,
                            self_name=best.entry.self_name)
    found = body_of(head, table)
    return found if found is not None and found.name and found.kind in (NATIONAL, CORPORATION, BUSINESS) else None


# ------------------------------------------------------------------------------------ infer_body


_BEFORE_TITLE = compiled(r"[\s、。,，()（）「」『』【】<>〒:：・]|及び|並びに|又は|若しくは|に基づ[きく]|により|による")
"""What ends the text before a local statute's title (the title's body name starts after it)."""
_DECLARATION = "個人のプライバシー等の権利利益の保護の宣言"
_DECLARATION_WEIGHT = 3
"""The 宣言 names the body that makes it (「青葉市長は、…宣言する」): it outweighs a few department names."""
_DEPARTMENT_FIELDS = ("部署", "評価書名")


def infer_body(texts: Iterable[str], table: BodyTable | None = None,
               statutes: StatuteTable | None = None) -> InferredBody | None:
    """The body a document's text names most: in its 宣言 (「青葉市長は、…」, counted three times), the
    titles of its local 条例・規則 (青葉市個人情報保護法施行条例) and its 部署 names (青葉市こども未来部).
    None when none is named.

    Each text may carry `field` (the form item, as 本文's texts do); without it only statute titles count.
    """
    from piarules.legal.citations import parse_citations

    table = table or default_body_table()
    counts: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], BodyIdentity] = {}
    evidence: dict[tuple[str, str], list[str]] = {}

    def note(identity: BodyIdentity | None, what: str, weight: int = 1) -> None:
        if identity is None or not identity.name or not identity.kind:
            return
        key = (identity.name, identity.kind)
        counts[key] += weight
        first.setdefault(key, identity)
        evidence.setdefault(key, []).append(what)

    for text in texts:
        if not isinstance(text, str) or not text.strip():
            continue
        field = getattr(text, "field", None) or ""
        if field.endswith(_DECLARATION):
            subject = re.match(r"^\s*([^、。\s]{2,40}?)は[、,]", normalize_text(text))
            if subject:
                found = body_of(subject[1], table)
                note(found if found and found.name else leading_body(subject[1], table), f"宣言「{subject[1]}は、」",
                     _DECLARATION_WEIGHT)
        elif field.endswith(_DEPARTMENT_FIELDS):
            found = leading_body(text, table)
            note(found, f"部署「{found.name if found else ''}…」")
        for c in parse_citations(text, statutes):
            if c.body and c.statute_text:
                before = _BEFORE_TITLE.split(text[: c.span[0]])[-1]  # 千葉県みどり + 野市教育委員会規則
                found = leading_body(before + c.statute_text, table) or leading_body(c.statute_text, table)
                note(found, f"条例・規則「{before}{c.statute_text}」")
    if not counts:
        return None
    order = list(first)
    (name, kind), _ = max(counts.items(), key=lambda kv: (kv[1], -order.index(kv[0])))
    return InferredBody(name, kind, tuple(evidence[(name, kind)]), first[(name, kind)])


# ------------------------------------------------------------------------------------ self_names


def self_names(text: str, table: BodyTable | None = None) -> list[SelfName]:
    """Every 自称 in the text, in order, with its span in the original text."""
    return list(_self_names(text, table or default_body_table()))


@text_cache
def _self_names(text: str, table: BodyTable) -> tuple[SelfName, ...]:
    norm = normalize(text)
    s = norm.text
    out: list[SelfName] = []
    for m in table.self_name_re.finditer(s):
        word = table.self_names.get(m[0])
        if word is None:  # a listed non-self-name word (担当区域, 見本市)
            continue
        before = s[m.start() - 1] if m.start() else ""
        if before and _is_kanji(before) and before not in table.word_final_kanji:  # 担当区, 日本市場
            continue
        if word.not_before and s.startswith(word.not_before, m.end()):
            continue
        confidence = word.confidence
        if confidence == "low" and _acts_as_subject(s, m.start(), m.end()):
            confidence = "high"
        out.append(SelfName(word.word, word.self_name, norm.original_span(m.start(), m.end()), confidence))
    return tuple(out)


_SUBJECT_AFTER = ("は、", "は", "が", "では", "において", "として")
_CLAUSE_BEFORE = frozenset("、。「（(・ \n")


def _acts_as_subject(s: str, start: int, end: int) -> bool:
    """A word that is often something else (本町 a place, 本村 a surname) is a 自称 when it opens
    a clause as its subject: 「…、本町は」「本町が行う」 (a place name takes 一丁目, 地区, 通 …)."""
    opens = start == 0 or s[start - 1] in _CLAUSE_BEFORE
    return opens and any(s.startswith(p, end) for p in _SUBJECT_AFTER)


def usual_self_name(texts: Iterable[str], table: BodyTable | None = None) -> UsualSelfName | None:
    """The kind of self-name a document uses most (high-confidence words only; ties: the first used)."""
    table = table or default_body_table()
    counts: Counter[str] = Counter()
    words: dict[str, Counter[str]] = {}
    for text in texts:
        if not isinstance(text, str):
            continue
        for found in _self_names(text, table):
            if found.confidence == "high":
                counts[found.kind] += 1
                words.setdefault(found.kind, Counter())[found.word] += 1
    if not counts:
        return None
    order = list(counts)
    kind, count = max(counts.items(), key=lambda kv: (kv[1], -order.index(kv[0])))
    return UsualSelfName(words[kind].most_common(1)[0][0], kind, count, len(counts))
