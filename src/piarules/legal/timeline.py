"""The law timeline: what each provision meant when, and whether a citation was right on its date.

`judge(citation, on, context, field)` reads what the citation is cited for from its context (the
parenthetical right after it, its sentence, the caller's context, the form field), finds the period
of the provision that covers `on`, and answers:

- current:   the provision carried, on that date, the meaning it is cited for (or has only one meaning);
- stale:     the provision no longer carries that meaning, and the meaning has a new home (renumbered,
             replaced, repealed in favour of another statute): `replaced_by` says where;
- abolished: the provision no longer exists and nothing replaced it;
- not_yet:   cited before the provision, or the meaning it is cited for, existed;
- unknown:   the purpose cannot be read from the context, or the provision is not in the timeline.

A renumbered provision without a discernible purpose is `unknown`, never `stale`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

from piarules.diagnostics import Diagnostic
from piarules.jpvalues import compact_text, to_wareki
from piarules.legal.citations import Citation, Key, parse_citations
from piarules.legal.datafile import CONFIDENCES, DataFile, bundled_path, read_data_file
from piarules.legal.numerals import arabic_variant
from piarules.legal.statutes import StatuteTable, default_statute_table
from piarules.pattern_store import compiled


class Status(StrEnum):
    """The verdict on one citation."""

    CURRENT = "current"
    STALE = "stale"
    ABOLISHED = "abolished"
    NOT_YET = "not_yet"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Meaning:
    """What a provision can be cited for, and the words that show a citation is cited for it."""

    id: str
    text: str
    purpose: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Period:
    """A span of time in which a provision carried one meaning (None when not verified)."""

    start: dt.date | None
    end: dt.date | None
    meaning: Meaning | None
    replaced_by: str | None = None
    confidence: str = "high"
    source: str = ""
    note: str = ""

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Provision:
    """A provision of the timeline: the citation text it was written as, and its periods in order."""

    cite: str
    key: Key
    periods: tuple[Period, ...]
    label: str = ""
    covers_parts: bool = False

    def at(self, day: dt.date) -> Period | None:
        return next((p for p in self.periods if p.covers(day)), None)

    @cached_property
    def meanings(self) -> dict[str, Meaning]:
        return {p.meaning.id: p.meaning for p in self.periods if p.meaning}


@dataclass(frozen=True)
class NameChange:
    """A 名称 change that is not a provision: an authority or a role (総務大臣 → 内閣総理大臣)."""

    old: str
    new: str
    since: dt.date
    context: tuple[str, ...] = ()
    confidence: str = "high"
    source: str = ""


@dataclass(frozen=True)
class CitationVerdict:
    """What a citation meant on the day it was written, and what to write instead."""

    status: Status
    citation: Citation
    meaning_then: str | None
    meaning_now: str | None
    replaced_by: str | None
    since: dt.date | None
    confidence: str
    reason: str
    purpose: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameVerdict:
    """An old name (特定個人情報保護委員会, 総務大臣 for the network) found in a text."""

    status: Status
    old: str
    new: str
    since: dt.date
    span: tuple[int, int]
    sentence_text: str
    confidence: str
    reason: str


@dataclass(eq=False)
class Timeline:
    """Provisions by key, meanings by id, and 名称 changes."""

    provisions: dict[Key, Provision]
    meanings: dict[str, Meaning]
    names: tuple[NameChange, ...]

    def __hash__(self) -> int:
        return id(self)

    def exact(self, key: Key) -> Provision | None:
        """The entry for this provision, or for the paragraph/article it belongs to."""
        statute, suppl, article, paragraph, item, appendix, _row = key
        candidates = [key]
        if article is not None and appendix is None:
            if item is not None:
                candidates += [(statute, suppl, article, None, item, None, None),
                               (statute, suppl, article, paragraph, None, None, None)]
            if paragraph is not None or item is not None:
                candidates.append((statute, suppl, article, None, None, None, None))
        found = next((self.provisions[k] for k in candidates if k in self.provisions), None)
        if found is None:
            whole = self.provisions.get((statute, False, None, None, None, None, None))
            if whole is not None and whole.covers_parts and whole.key != key:
                return whole
        return found

    def coarse(self, key: Key) -> Provision | None:
        """The entry of the table (for a row) or of the statute: used only for abolition and not-yet."""
        statute, suppl, article, _paragraph, _item, appendix, row = key
        candidates: list[Key] = []
        if appendix is not None and row is not None:
            candidates.append((statute, suppl, article if appendix == "表" else None, None, None, appendix, None))
        candidates.append((statute, False, None, None, None, None, None))
        return next((self.provisions[k] for k in candidates if k in self.provisions and k != key), None)

    def home_of(self, meaning_id: str, day: dt.date, statute: str | None) -> Provision | None:
        """The provision that carries `meaning_id` on `day` (the same statute preferred)."""
        homes = [p for p in self.provisions.values()
                 if (period := p.at(day)) is not None and period.meaning and period.meaning.id == meaning_id]
        homes.sort(key=lambda p: (p.key[0] != statute, len(p.cite)))
        return homes[0] if homes else None


# ------------------------------------------------------------------ loading

_PERIOD_FIELDS = {"from", "until", "meaning", "replaced_by", "confidence", "source", "note", "unverified"}


def _meaning(df: DataFile, path: tuple[str | int, ...], entry: dict[str, Any]) -> Meaning | None:
    mid = df.text(entry, path, "id", required=True)
    text = df.text(entry, path, "text", required=True)
    if mid is None or text is None:
        return None
    return Meaning(mid, text, tuple(t for _, t in df.texts(entry, path, "purpose")),
                   tuple(t for _, t in df.texts(entry, path, "exclude")))


def _period(df: DataFile, path: tuple[str | int, ...], entry: dict[str, Any],
            meanings: dict[str, Meaning]) -> Period | None:
    for key in entry:
        if key not in _PERIOD_FIELDS:
            df.error("PIA601", f"未知の項目「{key}」です", (*path, key), help="使える項目: " + ", ".join(sorted(_PERIOD_FIELDS)))
    start, end = df.date(entry, path, "from"), df.date(entry, path, "until")
    if start and end and end < start:
        df.error("PIA601", "until が from より前です", (*path, "until"))
        return None
    meaning = None
    mid = df.text(entry, path, "meaning")
    if mid is not None:
        meaning = meanings.get(mid)
        if meaning is None:
            df.error("PIA601", f"meaning「{mid}」は meanings にありません", (*path, "meaning"))
            return None
    elif entry.get("unverified") not in (True, "true", "yes"):
        df.error("PIA601", "meaning がありません (内容を確認できない期間は unverified: true)", path)
        return None
    return Period(start, end, meaning, df.text(entry, path, "replaced_by"), df.confidence(entry, path),
                  df.text(entry, path, "source") or "", df.text(entry, path, "note") or "")


_PROVISION_FIELDS = {"cite", "periods", "covers_parts", "note"}


def _provision(df: DataFile, path: tuple[str | int, ...], entry: dict[str, Any], meanings: dict[str, Meaning],
               table: StatuteTable) -> Provision | None:
    for key in entry:
        if key not in _PROVISION_FIELDS:
            df.error("PIA601", f"未知の項目「{key}」です", (*path, key), help="使える項目: " + ", ".join(sorted(_PROVISION_FIELDS)))
    cite = df.text(entry, path, "cite", required=True)
    if cite is None:
        return None
    found = parse_citations(cite, table)
    if len(found) != 1 or found[0].statute is None:
        df.error("PIA601", f"「{cite}」を一つの条項として解釈できません", (*path, "cite"),
                 help="例: 番号法第19条第8号, 番号法別表23の項, 個人情報保護条例")
        return None
    periods: list[Period] = []
    raw = entry.get("periods")
    if not isinstance(raw, list) or not raw:
        df.error("PIA601", "periods (期間の一覧) がありません", path)
        return None
    for i, p in enumerate(raw):
        if not isinstance(p, dict):
            df.error("PIA601", "期間は「from: …」の形で書いてください", (*path, "periods", i))
            continue
        period = _period(df, (*path, "periods", i), p, meanings)
        if period is not None:
            if periods and not _before(periods[-1], period):
                df.error("PIA601", "期間が前の期間と重なるか、順序が逆です", (*path, "periods", i))
                continue
            periods.append(period)
    covers = entry.get("covers_parts") in (True, "true", "yes")
    return Provision(cite, found[0].key, tuple(periods), found[0].label, covers) if periods else None


def _before(a: Period, b: Period) -> bool:
    return a.end is not None and b.start is not None and a.end < b.start


def _name(df: DataFile, path: tuple[str | int, ...], entry: dict[str, Any]) -> NameChange | None:
    old, new = df.text(entry, path, "old", required=True), df.text(entry, path, "new", required=True)
    since = df.date(entry, path, "since")
    if since is None and "since" not in entry:
        df.error("PIA601", "since がありません", path)
    if old is None or new is None or since is None:
        return None
    return NameChange(old, new, since, tuple(t for _, t in df.texts(entry, path, "context")),
                      df.confidence(entry, path), df.text(entry, path, "source") or "")


def load_timeline(extra_files: Sequence[Path] = (), table: StatuteTable | None = None
                  ) -> tuple[Timeline, list[Diagnostic]]:
    """The bundled law timeline extended by `extra_files` (same format), and the problems found.

    A provision defined again in a later file replaces the earlier entry (policy authors can correct
    or extend the bundled data).
    """
    table = table or default_statute_table()
    files = [read_data_file(bundled_path("law_timeline.yaml"), "piarules/data/law_timeline.yaml")]
    files += [read_data_file(Path(p)) for p in extra_files]
    meanings: dict[str, Meaning] = {}
    provisions: dict[Key, Provision] = {}
    names: list[NameChange] = []
    for df in files:
        for path, entry in df.items("meanings"):
            m = _meaning(df, path, entry)
            if m is not None:
                if m.id in meanings and df is files[0]:
                    df.error("PIA602", f"meaning「{m.id}」が重複しています", (*path, "id"))
                meanings[m.id] = m
        for path, entry in df.items("provisions"):
            prov = _provision(df, path, entry, meanings, table)
            if prov is not None:
                if prov.key in provisions and df is files[0]:
                    df.error("PIA602", f"「{prov.cite}」は既に定義されています ({provisions[prov.key].cite})",
                             (*path, "cite"))
                provisions[prov.key] = prov
        for path, entry in df.items("names"):
            n = _name(df, path, entry)
            if n is not None:
                names.append(n)
    return Timeline(provisions, meanings, tuple(names)), [d for df in files for d in df.diagnostics]


@cache
def default_timeline() -> Timeline:
    """The bundled timeline (cached). Its diagnostics are checked by the test suite."""
    return load_timeline()[0]


# ------------------------------------------------------------------ purpose


def _fold_for_match(text: str) -> str:
    """Context and keywords compared alike: NFKC, no spaces, 「第二」 → 「第2」."""
    return arabic_variant(compact_text(text)) if text else ""


@lru_cache(maxsize=1024)
def _keyword_pattern(words: frozenset[str]) -> re.Pattern[str] | None:
    """Longest keywords first, so 「条例事務関係情報照会者」 is not also read as 「情報照会者」."""
    folded = sorted({_fold_for_match(w) for w in words if w}, key=lambda w: (-len(w), w))
    return compiled("|".join(re.escape(w) for w in folded)) if folded else None


def _scores(text: str, meanings: Iterable[Meaning]) -> dict[str, int]:
    """Meaning id → how many of its purpose words the text holds (0 when an exclude word is there)."""
    meanings = list(meanings)
    words = frozenset(w for m in meanings for w in (*m.purpose, *m.exclude))
    pattern = _keyword_pattern(words)
    if pattern is None or not text:
        return {}
    found = {m[0] for m in pattern.finditer(_fold_for_match(text))}
    out = {}
    for m in meanings:
        if any(_fold_for_match(w) in found for w in m.exclude):
            continue
        score = sum(1 for w in set(m.purpose) if _fold_for_match(w) in found)
        if score:
            out[m.id] = score
    return out


def _family(c: Citation) -> tuple[str | None, str | None, str | None]:
    return (c.statute, c.article if c.appendix is None else None, c.appendix)


def _purpose_tiers(c: Citation, context: str, field: str | None) -> list[tuple[str, str]]:
    """Where the purpose is read, nearest first. A sentence that cites several provisions of the same
    article or table (「第19条第8号及び第9号により」) says nothing about which is which: skipped."""
    tiers = [("gloss", c.gloss)]
    clause = _clause_of(c)
    if clause and len({x.key for x in parse_citations(clause) if _family(x) == _family(c)}) <= 1:
        tiers.append(("clause", clause))  # 「第27条に基づき…指針に従い、」: what it is cited for, before the rest of the sentence
    siblings = {x.key for x in parse_citations(c.sentence_text) if _family(x) == _family(c)}
    if len(siblings) <= 1:
        tiers.append(("sentence", c.sentence_text))
    tiers += [("context", context), ("field", field or "")]
    return [(name, text) for name, text in tiers if text]


_CLAUSE_END = compiled(r"[、，,。]")


def _clause_of(c: Citation) -> str:
    """The citation and what follows it up to the next comma or 。 in its sentence."""
    start, end = c.span[0] - c.sentence[0], c.span[1] - c.sentence[0]
    if not 0 <= start < end <= len(c.sentence_text):
        return ""
    m = _CLAUSE_END.search(c.sentence_text, end)
    clause = c.sentence_text[start : m.start() if m else len(c.sentence_text)]
    return clause if len(clause) < len(c.sentence_text) else ""


def _read_purpose(c: Citation, prov: Provision, context: str, field: str | None) -> tuple[str, dict[str, int]]:
    """(tier, meaning id → score) from the nearest tier that matches any meaning of the provision."""
    for tier, text in _purpose_tiers(c, context, field):
        scores = _scores(text, prov.meanings.values())
        if scores:
            return tier, scores
    return "", {}


# ------------------------------------------------------------------ judging

_RANK = {c: i for i, c in enumerate(CONFIDENCES)}


def _weakest(*levels: str) -> str:
    return max(levels, key=lambda c: _RANK.get(c, 0))


def _jp(day: dt.date | None) -> str:
    return to_wareki(day) if day else ""


def _next_day(day: dt.date | None) -> dt.date | None:
    return day + dt.timedelta(days=1) if day else None


def _suggest(text: str | None, c: Citation) -> str | None:
    """The replacement as data wrote it; a single citation is given its canonical label (番号法第…)."""
    if not text:
        return None
    text = text.replace("{body}", c.body or "")
    found = parse_citations(text)
    if len(found) == 1 and found[0].span == (0, len(text)):
        return found[0].label
    return text


class _Judge:
    def __init__(self, c: Citation, on: dt.date, timeline: Timeline, today: dt.date) -> None:
        self.c, self.on, self.tl, self.today = c, on, timeline, today

    def verdict(self, status: Status, reason: str, prov: Provision | None, *, then: Period | None = None,
                replaced_by: str | None = None, since: dt.date | None = None, confidence: str = "high",
                purpose: Meaning | None = None) -> CitationVerdict:
        now = prov.at(self.today) if prov else None
        sources = tuple(p.source for p in (prov.periods if prov else ()) if p.source)
        return CitationVerdict(
            status, self.c, then.meaning.text if then and then.meaning else None,
            now.meaning.text if now and now.meaning else None, replaced_by, since, confidence, reason,
            purpose.text if purpose else None, sources)

    def run(self, context: str, field: str | None) -> CitationVerdict:
        c, label = self.c, self.c.label
        if c.statute is None:
            why = "法令名が書かれていないため" if not c.statute_text else f"「{c.statute_text}」は法令の表にないため"
            return self.verdict(Status.UNKNOWN, f"「{label}」は{why}、どの法令の条項か判断できません", None,
                                confidence="low")
        prov = self.tl.exact(c.key)
        if prov is None:
            coarse = self.tl.coarse(c.key)
            if coarse is not None and coarse.at(self.on) is None:
                return self.out_of_force(coarse)
            return self.verdict(Status.UNKNOWN, f"「{label}」は法令の年表にありません (判定できません)", None,
                                confidence="low")
        period = prov.at(self.on)
        if period is None:
            return self.out_of_force(prov)
        if period.meaning is None:
            return self.verdict(Status.UNKNOWN, f"「{label}」の{_jp(period.start)}以降の内容は確認できていません",
                                prov, then=period, confidence="low")
        if len(prov.meanings) == 1:
            return self.verdict(Status.CURRENT, f"「{label}」は{_jp(self.on)}時点で「{period.meaning.text}」の規定です",
                                prov, then=period, since=period.start, confidence=period.confidence,
                                purpose=period.meaning)
        tier, scores = _read_purpose(c, prov, context, field)
        return self.by_purpose(prov, period, tier, scores)

    def by_purpose(self, prov: Provision, period: Period, tier: str, scores: dict[str, int]) -> CitationVerdict:
        label, meaning = self.c.label, period.meaning
        assert meaning is not None
        if tier == "field" and meaning.id in scores:
            # The form item says which section the text is in, not which provision it means: a field that
            # fits the meaning the provision had on that date does not make the citation stale.
            scores = {meaning.id: scores[meaning.id]}
        if not scores:
            return self.verdict(Status.UNKNOWN, f"「{label}」は改正で意味が変わった条項ですが、何の根拠として引用されているか"
                                f"文脈から判断できません ({_jp(self.on)}時点では「{meaning.text}」)", prov,
                                then=period, confidence=period.confidence)
        best = max(scores.values())
        if scores.get(meaning.id, 0) == best:
            return self.verdict(Status.CURRENT, f"「{label}」は{_jp(self.on)}時点で「{meaning.text}」の規定で、"
                                "引用の目的と合っています", prov, then=period, since=period.start,
                                confidence=period.confidence, purpose=meaning)
        target_id = max((mid for mid, s in scores.items() if s == best),
                        key=lambda mid: _closeness(prov, mid, self.on))
        target = prov.meanings[target_id]
        past = [p for p in prov.periods if p.meaning is target and p.end is not None and p.end < self.on]
        if past:
            return self.moved(prov, period, past[-1], target)
        future = next(p for p in prov.periods if p.meaning is target and p.start and p.start > self.on)
        return self.verdict(Status.NOT_YET, f"「{label}」が「{target.text}」の規定になるのは{_jp(future.start)}からです "
                            f"({_jp(self.on)}時点では「{meaning.text}」)", prov, then=period, since=future.start,
                            confidence=_weakest(period.confidence, future.confidence), purpose=target)

    def moved(self, prov: Provision, period: Period, old: Period, target: Meaning) -> CitationVerdict:
        """Cited for a meaning the provision carried earlier: where does that meaning stand now?"""
        assert period.meaning is not None
        home = self.tl.home_of(target.id, self.on, self.c.statute)
        replaced = home.label if home else _suggest(old.replaced_by, self.c)
        since = _next_day(old.end)
        confidence = _weakest(period.confidence, old.confidence)
        if replaced is None:
            return self.verdict(Status.ABOLISHED, f"「{self.c.label}」は{_jp(since)}から「{period.meaning.text}」の規定で、"
                                f"「{target.text}」の規定はなくなりました", prov, then=period, since=since,
                                confidence=confidence, purpose=target)
        return self.verdict(Status.STALE, f"「{self.c.label}」は{_jp(since)}から「{period.meaning.text}」の規定です。"
                            f"「{target.text}」の根拠は「{replaced}」です ({_jp(self.on)}時点)", prov, then=period,
                            replaced_by=replaced, since=since, confidence=confidence, purpose=target)

    def out_of_force(self, prov: Provision) -> CitationVerdict:
        """No period covers the date: cited before the provision existed, or after it ended."""
        label, first, last = self.c.label, prov.periods[0], prov.periods[-1]
        if first.start is not None and self.on < first.start:
            return self.verdict(Status.NOT_YET, f"「{label}」は{_jp(first.start)}からの規定で、{_jp(self.on)}時点では"
                                "まだありません", prov, since=first.start, confidence=first.confidence,
                                purpose=first.meaning)
        home = self.tl.home_of(last.meaning.id, self.on, self.c.statute) if last.meaning else None
        replaced = home.label if home and home is not prov else _suggest(last.replaced_by, self.c)
        since = _next_day(last.end)
        if replaced is None:
            return self.verdict(Status.ABOLISHED, f"「{label}」は{_jp(since)}に効力を失っています", prov, then=None,
                                since=since, confidence=last.confidence, purpose=last.meaning)
        return self.verdict(Status.STALE, f"「{label}」は{_jp(last.end)}までの規定です。{_jp(since)}からは"
                            f"「{replaced}」です ({_jp(self.on)}時点)", prov, replaced_by=replaced, since=since,
                            confidence=last.confidence, purpose=last.meaning)


def _closeness(prov: Provision, meaning_id: str, day: dt.date) -> int:
    """Among equally likely meanings, the one the provision carried nearest to `day` (days, negated)."""
    gaps = []
    for p in prov.periods:
        if p.meaning and p.meaning.id == meaning_id:
            if p.end is not None and p.end < day:
                gaps.append((day - p.end).days)
            elif p.start is not None and p.start > day:
                gaps.append((p.start - day).days)
    return -min(gaps) if gaps else -10**6


def judge(citation: Citation, on: dt.date, context: str = "", field: str | None = None, *,
          timeline: Timeline | None = None, today: dt.date | None = None) -> CitationVerdict:
    """Whether `citation`, written on `on`, cites what it is cited for.

    Args:
        citation: from `parse_citations`.
        on: the date the text was written (a change row's 変更日, else the document's 公表日).
        context: more text around the citation (its sentence is already known to the citation).
        field: the form item the text stands in, e.g. 基本情報.情報提供ネットワークシステムによる情報連携.法令上の根拠.
        timeline: the law timeline; the bundled one by default.
        today: the date `meaning_now` is given for (default: today).
    """
    tl = timeline or default_timeline()
    return _Judge(citation, on, tl, today or dt.date.today()).run(context, field)


# ------------------------------------------------------------------ 名称 changes


def judge_names(text: str, on: dt.date, field: str | None = None, *,
                timeline: Timeline | None = None) -> tuple[NameVerdict, ...]:
    """Old names in `text` (特定個人情報保護委員会; 総務大臣 for the network), judged as of `on`.

    A sentence that also names the new one (「総務大臣 (現 内閣総理大臣)」) is a historical remark and is
    not reported. Names that need a context (総務大臣) are only reported next to it (or in `field`).
    """
    from piarules.legal.sentences import sentence_span

    tl = timeline or default_timeline()
    out: list[NameVerdict] = []
    taken: list[tuple[int, int]] = []
    for change in sorted(tl.names, key=lambda n: -len(n.old)):
        start = text.find(change.old)
        while start != -1:
            end = start + len(change.old)
            if not any(a < end and start < b for a, b in taken):
                taken.append((start, end))
                verdict = _name_verdict(change, text, start, end, on, field, sentence_span(text, start, end))
                if verdict is not None:
                    out.append(verdict)
            start = text.find(change.old, end)
    return tuple(sorted(out, key=lambda v: v.span))


def _flat(text: str) -> str:
    return re.sub(r"[\s／/]+", "", text)


def _in_context(text: str, sentence: tuple[int, int], words: tuple[str, ...], field: str | None) -> bool:
    """A context word in the sentence (line breaks and 「／」 ignored: 「情報提供ネットワーク／\nシステム」), in
    the field, or straddling the line break that cut the sentence off the line before it."""
    own = _flat(text[sentence[0]:sentence[1]])
    if any(w in own or (field and w in field) for w in words):
        return True
    start = sentence[0]
    while start > 0 and text[start - 1] in " \t\u3000":  # the indentation of a continued line
        start -= 1
    if start == 0 or text[start - 1] != "\n":
        return False
    before = text[:start - 1].rstrip()
    if not before or before[-1] in "。．！？!?":
        return False
    prev = _flat(before[before.rfind("\n") + 1:])
    return any(w in prev + own and w not in prev for w in words)


_LAW_NUMBER_BEFORE = compiled(r"(明治|大正|昭和|平成|令和)\s*(元|\d+|[一二三四五六七八九十]+)\s*年\s*$")


def _name_verdict(change: NameChange, text: str, start: int, end: int, on: dt.date, field: str | None,
                  sentence: tuple[int, int]) -> NameVerdict | None:
    sent = text[sentence[0]:sentence[1]]
    if change.new in sent.replace(change.old, ""):
        return None
    if _LAW_NUMBER_BEFORE.search(text[max(0, start - 12):start]):
        return None  # 「平成26年特定個人情報保護委員会規則第1号」: a law number keeps the name of its day
    if change.context and not _in_context(text, sentence, change.context, field):
        return None
    stale = on >= change.since
    reason = (f"「{change.old}」は{_jp(change.since)}から「{change.new}」です" if stale
              else f"「{change.old}」は{_jp(on)}時点の名称です ({_jp(change.since)}から「{change.new}」)")
    return NameVerdict(Status.STALE if stale else Status.CURRENT, change.old, change.new, change.since,
                       (start, end), sent, change.confidence, reason)
