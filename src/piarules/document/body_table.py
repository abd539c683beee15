"""The table of bodies and self-names: `piarules/data/bodies.yaml`, extended by policy directories.

What kinds of body there are (市 … 広域連合, 一部事務組合), how each one's head is written after its
name, which other organs it has, the usual mistakes in a 評価実施機関名, national bodies,
corporations, and the self-names (自称: 当市, 本県, 当広域連合 …) with the words that contain one
without being one. Bad entries are diagnostics at file:line:col (PIA601); the rest stays usable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from piarules.diagnostics import Diagnostic
from piarules.legal.datafile import DataFile, bundled_path, read_data_file
from piarules.pattern_store import compiled

LOCAL_KINDS = ("市", "区", "町", "村", "都", "道", "府", "県")
"""The kinds of 地方公共団体 a name can end with (the alias 地方公共団体 in the data stands for them)."""
NATIONAL = "国"
CORPORATION = "独立行政法人等"
BUSINESS = "事業者"
KINDS = (*LOCAL_KINDS, "広域連合", "一部事務組合", NATIONAL, CORPORATION, BUSINESS)
"""Every 種別 a body can have."""
_LOCAL_ALIAS = "地方公共団体"
CONFIDENCES = ("high", "medium", "low")


@dataclass(frozen=True)
class KindEntry:
    """One kind of local body: how its name ends, how its head is written after the name."""

    kind: str
    suffixes: tuple[str, ...]
    names: tuple[str, ...]
    head: str
    head_forms: tuple[str, ...]
    self_name: str


@dataclass(frozen=True)
class Mistake:
    """What is written after a body name instead of its organ (教育長, 組合長, 市役所)."""

    forms: tuple[str, ...]
    kinds: frozenset[str]
    correct: str | None
    reason: str | None


@dataclass(frozen=True)
class SelfNameWord:
    """A word by which a document names its own body, and what after it makes it another word."""

    word: str
    self_name: str
    confidence: str
    not_before: tuple[str, ...]
    entry: int = 0
    """The order of its entry in the table (messages suggest the words of the first entry)."""


@dataclass(eq=False)
class BodyTable:
    """Everything body.py reads, merged from the bundled file and the extension files."""

    kinds: list[KindEntry] = field(default_factory=list)
    organs: dict[str, frozenset[str]] = field(default_factory=dict)
    mistakes: list[Mistake] = field(default_factory=list)
    department_suffixes: tuple[str, ...] = ()
    ministry_head: str = "大臣"
    agency_head: str = "長官"
    national_heads: dict[str, str] = field(default_factory=dict)
    committees: tuple[str, ...] = ()
    corporation_prefixes: tuple[str, ...] = ()
    corporation_suffixes: tuple[str, ...] = ()
    corporation_heads: tuple[str, ...] = ()
    corporation_self_name: str | None = None
    business_suffixes: tuple[str, ...] = ()
    business_heads: tuple[str, ...] = ()
    business_self_name: str | None = None
    generic_words: tuple[str, ...] = ()
    generic_names: frozenset[str] = frozenset()
    """Names of a class of bodies (特別区, 政令指定都市), not of one."""
    not_after_name: tuple[str, ...] = ()
    doubled_names: frozenset[str] = frozenset()
    """Real names ending in a doubled character (四日市市): read whole even before not_after_name."""
    """What after a name's last character makes that character start another word (市 + 民課)."""
    self_names: dict[str, SelfNameWord] = field(default_factory=dict)
    not_self_names: tuple[str, ...] = ()
    word_final_kanji: frozenset[str] = frozenset()
    """Kanji that end a word of their own (その他本市): a self-name after them still counts."""

    @cached_property
    def suffixes(self) -> list[tuple[str, KindEntry]]:
        """(suffix, kind) pairs, longest suffix first (一部事務組合 before 組合)."""
        pairs = [(s, k) for k in self.kinds for s in k.suffixes]
        return sorted(pairs, key=lambda p: -len(p[0]))

    @cached_property
    def named(self) -> dict[str, KindEntry]:
        """Bodies known by their whole name (東京都, 北海道, 京都府, 大阪府)."""
        return {n: k for k in self.kinds for n in k.names}

    @cached_property
    def prefecture_re(self) -> re.Pattern[str]:
        """A prefecture at the start of a name (北海道白樺町, 千葉県成田市): named ones or ≤3 characters + 県."""
        named = "|".join(map(re.escape, sorted(self.named, key=len, reverse=True)))
        ken = "|".join(re.escape(s) for s, k in self.suffixes if k.self_name == "県")
        alternatives = [a for a in (named, f"[^\\s{_KANA_PARTICLES}]{{1,3}}?(?:{ken})" if ken else "") if a]
        return compiled(f"^(?:{'|'.join(alternatives)})") if alternatives else compiled(r"(?!)")

    @cached_property
    def self_name_re(self) -> re.Pattern[str]:
        """Every self-name and every listed non-self-name word, longest first (leftmost-longest scan)."""
        words = sorted({*self.self_names, *self.not_self_names}, key=lambda w: (-len(w), w))
        return compiled("|".join(map(re.escape, words))) if words else compiled(r"(?!)")

    def examples(self, self_name: str) -> tuple[str, ...]:
        """The words to suggest for a kind of self-name: those of its first high-confidence entry (当市, 本市)."""
        words = [w for w in self.self_names.values() if w.self_name == self_name and w.confidence == "high"]
        first = min((w.entry for w in words), default=None)
        return tuple(w.word for w in words if w.entry == first)

    def kind_entry(self, kind: str) -> KindEntry | None:
        """The first entry of a kind (its head and self-name)."""
        return next((k for k in self.kinds if k.kind == kind), None)

    def self_name_of(self, kind: str | None) -> str | None:
        """The kind of self-name that fits a body of this 種別."""
        if kind == NATIONAL:
            return NATIONAL
        if kind == CORPORATION:
            return self.corporation_self_name
        if kind == BUSINESS:
            return self.business_self_name
        entry = self.kind_entry(kind) if kind else None
        return entry.self_name if entry else None


_KANA_PARTICLES = "はがのをにでとへもや、。"


# ---------------------------------------------------------------------------------------- loading


@cache
def default_body_table() -> BodyTable:
    """The bundled table (cached). Its diagnostics are checked by the test suite, not at run time."""
    return load_body_table()[0]


def load_body_table(extra_files: Sequence[Path] = ()) -> tuple[BodyTable, list[Diagnostic]]:
    """The bundled table extended by `extra_files` (same format), and the problems found."""
    files = [read_data_file(bundled_path("bodies.yaml"), "piarules/data/bodies.yaml")]
    files += [read_data_file(Path(p)) for p in extra_files]
    table = BodyTable()
    for df in files:
        _Reader(df, table).read()
    known = {k.self_name for k in table.kinds} | {NATIONAL} | {
        s for s in (table.corporation_self_name, table.business_self_name) if s}
    for df in files:
        for path, entry in df.items("self_names"):
            name = entry.get("self_name")
            if isinstance(name, str) and name not in known:
                df.error("PIA601", f"self_name「{name}」はどの団体の種別の自称でもありません (kinds の self_name: "
                         f"{'、'.join(sorted(known))})", (*path, "self_name"))
    return table, [d for df in files for d in df.diagnostics]


_SECTIONS: dict[str, tuple[str, ...]] = {
    "kinds": ("kind", "suffixes", "names", "head", "head_forms", "self_name", "source"),
    "organs": ("organ", "kinds", "source"),
    "mistakes": ("forms", "kinds", "correct", "reason", "source"),
    "self_names": ("self_name", "words", "not_before", "confidence", "source"),
}
_MAPPINGS: dict[str, tuple[str, ...]] = {
    "departments": ("suffixes", "source"),
    "national": ("ministry_head", "agency_head", "heads", "committees", "source"),
    "corporations": ("prefixes", "suffixes", "heads", "self_name", "source"),
    "businesses": ("suffixes", "heads", "self_name", "source"),
    "generic": ("words", "exact", "not_after_name", "doubled_names", "source"),
    "not_self_names": ("words", "source"),
    "compounds": ("word_final_kanji", "source"),
}


class _Reader:
    """Reads one data file into the table, reporting each bad entry where it stands."""

    def __init__(self, df: DataFile, table: BodyTable):
        self.df = df
        self.t = table

    def read(self) -> None:
        if not isinstance(self.df.data, dict):
            return
        for key in self.df.data:
            if key not in _SECTIONS and key not in _MAPPINGS:
                self.df.error("PIA601", f"未知の項目「{key}」です (使える項目: {'、'.join([*_SECTIONS, *_MAPPINGS])})", (key,))
        for path, entry in self._entries("kinds"):
            self._kind(path, entry)
        for path, entry in self._entries("organs"):
            self._organ(path, entry)
        for path, entry in self._entries("mistakes"):
            self._mistake(path, entry)
        for path, entry in self._entries("self_names"):
            self._self_name(path, entry)
        self._mappings()

    def _entries(self, key: str) -> Iterable[tuple[tuple[str | int, ...], dict[str, Any]]]:
        for path, entry in self.df.items(key):
            for k in entry:
                if k not in _SECTIONS[key]:
                    self.df.error("PIA601", f"未知の項目「{k}」です (使える項目: {'、'.join(_SECTIONS[key])})", (*path, k))
            yield path, entry

    def _words(self, entry: dict[str, Any], path: tuple[str | int, ...], key: str) -> tuple[str, ...]:
        return tuple(str(w) for _, w in self.df.texts(entry, path, key))

    def _kinds(self, entry: dict[str, Any], path: tuple[str | int, ...]) -> frozenset[str]:
        out: set[str] = set()
        for where, name in self.df.texts(entry, path, "kinds"):
            if name == _LOCAL_ALIAS:
                out |= set(LOCAL_KINDS)
            elif name in KINDS:
                out.add(name)
            else:
                self.df.error("PIA601", f"種別「{name}」は {'・'.join(KINDS)} または {_LOCAL_ALIAS} のいずれかです", where)
        return frozenset(out)

    def _kind(self, path: tuple[str | int, ...], entry: dict[str, Any]) -> None:
        kind = self.df.text(entry, path, "kind", required=True)
        head = self.df.text(entry, path, "head", required=True)
        self_name = self.df.text(entry, path, "self_name", required=True)
        suffixes, names = self._words(entry, path, "suffixes"), self._words(entry, path, "names")
        head_forms = self._words(entry, path, "head_forms")
        if kind is not None and kind not in KINDS:
            self.df.error("PIA601", f"種別「{kind}」は {'・'.join(KINDS)} のいずれかです", (*path, "kind"))
            return
        if not suffixes and not names:
            self.df.error("PIA601", "suffixes (名称の終わり方) か names (名称) のどちらかを書いてください", path)
            return
        if kind and head and self_name:
            self.t.kinds.append(KindEntry(kind, suffixes, names, head, head_forms or (head,), self_name))

    def _organ(self, path: tuple[str | int, ...], entry: dict[str, Any]) -> None:
        organ = self.df.text(entry, path, "organ", required=True)
        kinds = self._kinds(entry, path)
        if organ and kinds:
            self.t.organs[organ] = self.t.organs.get(organ, frozenset()) | kinds

    def _mistake(self, path: tuple[str | int, ...], entry: dict[str, Any]) -> None:
        forms, kinds = self._words(entry, path, "forms"), self._kinds(entry, path)
        if not forms:
            self.df.error("PIA601", "forms (誤った書き方) を書いてください", path)
            return
        self.t.mistakes.append(Mistake(forms, kinds, self.df.text(entry, path, "correct"),
                                       self.df.text(entry, path, "reason")))

    def _self_name(self, path: tuple[str | int, ...], entry: dict[str, Any]) -> None:
        name = self.df.text(entry, path, "self_name", required=True)
        words = self._words(entry, path, "words")
        confidence = self.df.confidence(entry, path)
        not_before = self._words(entry, path, "not_before") if entry.get("not_before") else ()
        if not words:
            self.df.error("PIA601", "words (自称の語) を書いてください", path)
        if name:
            entry_no = len({w.entry for w in self.t.self_names.values()})
            for word in words:
                self.t.self_names[word] = SelfNameWord(word, name, confidence, not_before, entry_no)

    def _mappings(self) -> None:
        data = self.df.data
        for key, allowed in _MAPPINGS.items():
            value = data.get(key)
            if value is None:
                continue
            if not isinstance(value, dict):
                self.df.error("PIA601", f"「{key}」は「キー: 値」の形で書いてください", (key,))
                continue
            for k in value:
                if k not in allowed:
                    self.df.error("PIA601", f"未知の項目「{k}」です (使える項目: {'、'.join(allowed)})", (key, k))
        t, words = self.t, self._mapping_words
        t.department_suffixes += words("departments", "suffixes")
        national = data.get("national") if isinstance(data.get("national"), dict) else {}
        t.ministry_head = self._mapping_text("national", "ministry_head") or t.ministry_head
        t.agency_head = self._mapping_text("national", "agency_head") or t.agency_head
        for path, entry in self._heads(national):
            name, head = self.df.text(entry, path, "name", required=True), self.df.text(entry, path, "head", required=True)
            if name and head:
                t.national_heads[name] = head
        t.committees += words("national", "committees")
        t.corporation_prefixes += words("corporations", "prefixes")
        t.corporation_suffixes += words("corporations", "suffixes")
        t.corporation_heads += words("corporations", "heads")
        t.corporation_self_name = self._mapping_text("corporations", "self_name") or t.corporation_self_name
        t.business_suffixes += words("businesses", "suffixes")
        t.business_heads += words("businesses", "heads")
        t.business_self_name = self._mapping_text("businesses", "self_name") or t.business_self_name
        t.generic_words += words("generic", "words")
        t.generic_names |= frozenset(words("generic", "exact"))
        t.not_after_name += words("generic", "not_after_name")
        t.doubled_names |= frozenset(words("generic", "doubled_names"))
        t.not_self_names += words("not_self_names", "words")
        t.word_final_kanji |= frozenset(words("compounds", "word_final_kanji"))

    def _mapping_words(self, key: str, sub: str) -> tuple[str, ...]:
        value = self.df.data.get(key)
        return self._words(value, (key,), sub) if isinstance(value, dict) else ()

    def _mapping_text(self, key: str, sub: str) -> str | None:
        value = self.df.data.get(key)
        return self.df.text(value, (key,), sub) if isinstance(value, dict) else None

    def _heads(self, national: dict[str, Any]) -> Iterable[tuple[tuple[str | int, ...], dict[str, Any]]]:
        heads = national.get("heads")
        if heads is None:
            return
        if not isinstance(heads, list):
            self.df.error("PIA601", "heads は一覧で書いてください", ("national", "heads"))
            return
        for i, entry in enumerate(heads):
            if isinstance(entry, dict):
                yield ("national", "heads", i), entry
            else:
                self.df.error("PIA601", "項目は「name: …, head: …」の形で書いてください", ("national", "heads", i))
