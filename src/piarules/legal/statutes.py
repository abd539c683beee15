"""The statute table: which names, abbreviations and law numbers denote which statute.

The table is data (`piarules/data/statutes.yaml`, extendable by policy authors); this module
loads it, reports bad entries as diagnostics, and builds the matchers the citation parser uses:
every spelling of every name (formal, abbreviated, kanji or arabic numerals, 行政手続/行政手続き,
「番号法施行令」 composed from a parent's name) and generic local ordinances and rules of any body
(「墨田区個人情報の保護に関する法律施行条例」, 「○○県個人情報保護条例」) with the body name kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from piarules.diagnostics import Diagnostic
from piarules.jpvalues import fold_width
from piarules.legal.datafile import DataFile, bundled_path, read_data_file
from piarules.legal.numerals import arabic_variant, law_number_key
from piarules.pattern_store import compiled

KINDS = ("法律", "政令", "府省令", "規則", "命令", "告示", "条例")
ROLES = ("施行令", "施行規則", "施行条例")

# A body (団体) name, kanji only, at the end of the text before a local statute's title:
# prefecture, municipality, 広域連合, 一部事務組合 (○ stands for a name left blank).
_BODY_CHARS = "一-龥々ヶ○〇"
_BODY_SUFFIX = r"(?:[都道府県市区町村]|広域連合|一部事務組合|事務組合|組合)"
_BODY_AT_END = compiled(rf"(?<![{_BODY_CHARS}])[{_BODY_CHARS}][{_BODY_CHARS}・]*?{_BODY_SUFFIX}\Z")
_BODY_AT_START = compiled(rf"[{_BODY_CHARS}]{{1,12}}?{_BODY_SUFFIX}")
_LOCAL_END = compiled(r"条例施行規則|施行条例|条例|規則")
# What cannot stand inside a local statute's title (separators, and particles of prose such as 「区が定める規則」).
_NOT_IN_TITLE = compiled(r"[\s、。,()「」『』【】<>がはをも]")
_WINDOW = 120


class _KanjiSet:
    """Membership test for the characters a body or title may start with."""

    def __contains__(self, ch: str) -> bool:
        return "一" <= ch <= "龥" or ch in "々ヶ○〇"


_KANJI_SET = _KanjiSet()

@dataclass(frozen=True)
class Statute:
    """One statute (法令) of the table."""

    id: str
    kind: str
    names: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    law_numbers: tuple[str, ...] = ()
    parent: str | None = None
    role: str | None = None
    composed: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    local: bool = False
    basis: str | None = None
    short: str | None = None
    promulgated: dt.date | None = None
    abolished: dt.date | None = None
    source: str = ""

    @property
    def label(self) -> str:
        """The short name used in messages: `short`, else the first abbreviation, name or title."""
        return self.short or (self.abbreviations or self.names or self.titles or (self.id,))[0]


@dataclass(frozen=True)
class LocalMatch:
    """A local statute found in text: its id, the body name and the title as written."""

    statute: str
    start: int
    end: int
    body: str | None
    title: str


def _variants(name: str) -> set[str]:
    """The spellings documents use for one name: kanji/arabic numerals, 行政手続き, no 「の」 before 主務省令."""
    out = {name, arabic_variant(name)}
    for s in list(out):
        if "行政手続における" in s:
            out.add(s.replace("行政手続における", "行政手続きにおける"))
    for s in list(out):  # 「別表第2の主務省令」 is also written 「別表2の主務省令」
        if "別表第" in s:
            out.add(_BEPPYO_DAI.sub(r"別表\1", s))
    return {fold_width(s) for s in out}


_BEPPYO_DAI = compiled(r"別表第(\d+)")


def _trie_regex(words: Iterable[str]) -> str:
    """One regex that matches any of `words`, trying longer words first (a character trie)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return build(trie)


@dataclass(eq=False)
class StatuteTable:
    """Statutes by id, with the name index and matchers the citation parser uses."""

    statutes: dict[str, Statute] = field(default_factory=dict)

    def __hash__(self) -> int:  # identity: tables are built once and cached by the parser
        return id(self)

    def get(self, statute_id: str | None) -> Statute | None:
        """The statute with this id, or None."""
        return self.statutes.get(statute_id) if statute_id else None

    @cached_property
    def surfaces(self) -> dict[str, str]:
        """Every spelling of every name (folded) → statute id. Declared names win over composed ones."""
        declared: dict[str, str] = {}
        composed: dict[str, str] = {}
        for st in self.statutes.values():
            names = st.abbreviations if st.local else (*st.names, *st.abbreviations)  # a local short name, any body
            for name in names:
                for v in _variants(name):
                    declared.setdefault(v, st.id)
        for st in self.statutes.values():
            parent = self.statutes.get(st.parent) if st.parent else None
            if parent is None or st.local:
                continue
            bases = (*parent.names, *parent.abbreviations)
            suffixes = ((st.role,) if st.role else ()) + st.composed
            for base in bases:
                for suffix in suffixes:
                    for v in _variants(base + suffix):
                        composed.setdefault(v, st.id)
        return composed | declared

    @cached_property
    def name_pattern(self) -> re.Pattern[str]:
        """Finds known statute names in folded text, longest spelling first."""
        return compiled(_trie_regex(self.surfaces))

    @cached_property
    def local_titles(self) -> list[tuple[str, str]]:
        """(title spelling, statute id) of local statutes, longest first."""
        pairs = {(v, st.id) for st in self.statutes.values() if st.local for t in st.titles for v in _variants(t)}
        return sorted(pairs, key=lambda p: -len(p[0]))

    @cached_property
    def law_number_index(self) -> dict[str, str]:
        """Law number key → statute id."""
        return {key: st.id for st in self.statutes.values() for key in st.law_numbers}

    def generic_local(self, title: str) -> str | None:
        """The catch-all local statute id for a title: 条例 → the generic 条例, 規則 → the generic 規則."""
        kind = "規則" if title.endswith("規則") else "条例"
        for st in self.statutes.values():
            if st.local and not st.titles and st.kind == kind:
                return st.id
        return None

    def find_local(self, folded: str) -> list[LocalMatch]:
        """Local ordinances and rules in folded text: 「<団体名><題名>」, or a known title alone.

        Searches backwards from each 「条例」「規則」, so texts without them cost one regex scan.
        """
        out: list[LocalMatch] = []
        floor = 0
        for end_m in _LOCAL_END.finditer(folded):
            end = end_m.end()
            if end_m.start() < floor:
                continue
            window_start = max(floor, end - _WINDOW)
            found = self._local_at(folded, window_start, end)
            if found is not None:
                out.append(found)
                floor = end
        return out

    def _local_at(self, folded: str, window_start: int, end: int) -> LocalMatch | None:
        window = folded[window_start:end]
        for title, sid in self.local_titles:
            if window.endswith(title):
                prefix = window[: len(window) - len(title)]
                body_m = _BODY_AT_END.search(prefix)
                body = body_m[0] if body_m else None
                start = end - len(title) - (len(body) if body else 0)
                return LocalMatch(sid, start, end, body, title)
        # An unknown title: only after a body name, the title itself free of prose.
        for body_m in _BODY_AT_START.finditer(window):
            if body_m.start() and window[body_m.start() - 1] in _KANJI_SET:
                continue
            title = window[body_m.end():]
            if len(title) >= 3 and title[0] in _KANJI_SET and not _NOT_IN_TITLE.search(title):
                generic = self.generic_local(title)
                if generic:
                    return LocalMatch(generic, window_start + body_m.start(), end, body_m[0], title)
        return None

    def by_law_number(self, text: str) -> str | None:
        """The statute a law number (「平成二十五年法律第二十七号」) denotes, or None."""
        key = law_number_key(text)
        return self.law_number_index.get(key) if key else None

    def by_name(self, text: str) -> str | None:
        """The statute a name or abbreviation denotes (exact spelling, width-folded), or None."""
        return self.surfaces.get(fold_width(text).strip())

    def child(self, parent: str, role: str) -> str | None:
        """The statute whose parent is `parent` with role `role` (同法施行令 → 番号法施行令)."""
        for st in self.statutes.values():
            if st.parent == parent and st.role == role:
                return st.id
        return None


# ------------------------------------------------------------------ loading

_FIELDS = {"id", "kind", "names", "abbreviations", "law_numbers", "parent", "role", "composed", "titles",
           "local", "basis", "short", "promulgated", "abolished", "source", "note"}


def _load_entry(df: DataFile, path: tuple[str | int, ...], entry: dict[str, Any]) -> Statute | None:
    for key in entry:
        if key not in _FIELDS:
            df.error("PIA601", f"未知の項目「{key}」です", (*path, key), help="使える項目: " + ", ".join(sorted(_FIELDS)))
    sid = df.text(entry, path, "id", required=True)
    kind = df.text(entry, path, "kind", required=True)
    if kind is not None and kind not in KINDS:
        df.error("PIA603", f"法令の種類「{kind}」は使えません", (*path, "kind"), help=" / ".join(KINDS))
        kind = None
    role = df.text(entry, path, "role")
    if role is not None and role not in ROLES:
        df.error("PIA601", f"role「{role}」は {' / '.join(ROLES)} のいずれかです", (*path, "role"))
    law_numbers = []
    for p, text in df.texts(entry, path, "law_numbers"):
        number = law_number_key(text)
        if number is None:
            df.error("PIA601", f"法令番号「{text}」を解釈できません (例: 平成25年法律第27号)", p)
        else:
            law_numbers.append(number)
    local = entry.get("local") in (True, "true", "yes")
    promulgated = df.date(entry, path, "promulgated")
    abolished = df.date(entry, path, "abolished")
    if sid is None or kind is None:
        return None
    return Statute(
        id=sid, kind=kind,
        names=tuple(t for _, t in df.texts(entry, path, "names")),
        abbreviations=tuple(t for _, t in df.texts(entry, path, "abbreviations")),
        law_numbers=tuple(law_numbers), parent=df.text(entry, path, "parent"), role=role,
        composed=tuple(t for _, t in df.texts(entry, path, "composed")),
        titles=tuple(t for _, t in df.texts(entry, path, "titles")),
        local=local, basis=df.text(entry, path, "basis"), short=df.text(entry, path, "short"), promulgated=promulgated, abolished=abolished,
        source=df.text(entry, path, "source") or "",
    )


def _check_aliases(files: Sequence[DataFile], loaded: list[tuple[DataFile, tuple[str | int, ...], Statute]]) -> None:
    """Report a name, abbreviation, title or law number that two entries (or one entry twice) define."""
    seen: dict[str, tuple[str, str]] = {}
    for df, path, st in loaded:
        for key in ("names", "abbreviations", "titles", "law_numbers"):
            for i, value in enumerate(getattr(st, key)):
                folded = fold_width(value) if key != "law_numbers" else value
                where = f"{df.path}:{df.span((*path, key, i)).line}"
                if folded in seen:
                    other_id, other_where = seen[folded]
                    df.error("PIA602", f"「{value}」は既に {other_id} で定義されています ({other_where})",
                             (*path, key, i), help="どちらか一方を削除してください")
                else:
                    seen[folded] = (st.id, where)


def load_statute_table(extra_files: Sequence[Path] = ()) -> tuple[StatuteTable, list[Diagnostic]]:
    """The bundled statute table extended by `extra_files` (same format), and the problems found.

    Entries with errors are left out; the rest of the table is still usable.
    """
    files = [read_data_file(bundled_path("statutes.yaml"), "piarules/data/statutes.yaml")]
    files += [read_data_file(Path(p)) for p in extra_files]
    loaded: list[tuple[DataFile, tuple[str | int, ...], Statute]] = []
    ids: dict[str, str] = {}
    for df in files:
        for path, entry in df.items("statutes"):
            st = _load_entry(df, path, entry)
            if st is None:
                continue
            if st.id in ids:
                df.error("PIA602", f"id「{st.id}」は既に定義されています ({ids[st.id]})", (*path, "id"))
                continue
            ids[st.id] = f"{df.path}:{df.span((*path, 'id')).line}"
            loaded.append((df, path, st))
    _check_aliases(files, loaded)
    table = StatuteTable({st.id: st for _, _, st in loaded})
    for df, path, st in loaded:
        if st.parent and st.parent not in table.statutes:
            df.error("PIA601", f"parent「{st.parent}」は表にありません", (*path, "parent"))
    return table, [d for df in files for d in df.diagnostics]


@cache
def default_statute_table() -> StatuteTable:
    """The bundled table (cached). Its diagnostics are checked by the test suite, not at run time."""
    return load_statute_table()[0]
