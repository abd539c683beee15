"""Legal citations in free text, as structured values.

`parse_citations(text)` finds every citation of a statute, article (条), paragraph (項), item (号),
appendix table (別表) and its row (項), resolves the statute through the statute table (formal name,
abbreviation, law number, 「同法」, an alias the text defines with 「以下「X」という」), and returns one
`Citation` per cited provision: 「第9条第1項及び第2項」 gives two. Each citation knows where it
stands in the original text and the sentence around it (the context its purpose is read from).

The scan works on `fold_width(text)`, which has the same length as the text, so every offset is
an offset into what the user wrote.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from piarules.jpvalues import fold_width
from piarules.legal.numerals import BRANCHED, NUM, law_number_pattern, normalize_branched, parse_number, to_kanji
from piarules.legal.sentences import sentence_bounds, sentence_of
from piarules.legal.statute_names import StatuteToken, find_statute_names, matching_paren
from piarules.legal.statutes import StatuteTable, default_statute_table
from piarules.pattern_store import compiled
from piarules.textcache import text_cache

Key = tuple[str | None, bool, str | None, str | None, str | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class Citation:
    """One cited provision, as written and as resolved.

    Numbers are canonical (arabic, 枝番 joined by 「の」): 「第三十条の六」 → article "30の6".
    `appendix` is 「別表」「別表第一」「別表第二」… (kanji, as in the statute) or 「表」 for a table
    inside an article (「第2条の表」). Spans are (start, end) character offsets into the original text.
    """

    statute: str | None
    statute_text: str
    article: str | None = None
    paragraph: str | None = None
    item: str | None = None
    appendix: str | None = None
    row: str | None = None
    supplementary: bool = False
    body: str | None = None
    span: tuple[int, int] = (0, 0)
    sentence: tuple[int, int] = (0, 0)
    text: str = ""
    sentence_text: str = ""
    gloss: str = ""
    label: str = field(default="", compare=False)

    @property
    def key(self) -> Key:
        """What the citation points at, without where it was written."""
        return (self.statute, self.supplementary, self.article, self.paragraph, self.item, self.appendix, self.row)

    @property
    def is_statute_only(self) -> bool:
        """True when only the statute is named (「個人情報保護条例に基づき」)."""
        return self.article is None and self.appendix is None


# ------------------------------------------------------------------ token patterns (on folded text)

_SP = r"[ \t]*"
_ARTICLE = compiled(rf"(?P<suppl>附則{_SP})?第{_SP}(?P<n>{NUM}){_SP}条(?P<br>(?:{_SP}の{_SP}{NUM})*)")
_ARTICLE_BARE = compiled(rf"(?P<suppl>附則{_SP})?(?P<n>[0-9]+){_SP}条(?P<br>(?:{_SP}の{_SP}{NUM})*)")
_PARAGRAPH = compiled(rf"第{_SP}(?P<n>{NUM}){_SP}項")
_SUPPL_PARAGRAPH = compiled(rf"附則{_SP}第{_SP}(?P<n>{NUM}){_SP}項")
_PARAGRAPH_BARE = compiled(rf"(?P<n>{NUM}){_SP}項")
_ITEM = compiled(rf"第{_SP}(?P<n>{NUM}){_SP}号(?P<br>(?:{_SP}の{_SP}{NUM})*)")
_ITEM_BARE = compiled(rf"(?P<n>[0-9]+){_SP}号(?P<br>(?:{_SP}の{_SP}{NUM})*)")
_APPENDIX = compiled(rf"別表(?:{_SP}第{_SP}(?P<n>{NUM}))?")
_IN_ARTICLE_TABLE = compiled(r"の表")
_ROW = rf"(?:[一-龥]{{1,6}}の部{_SP})?{BRANCHED}|○+"
_ROWS = compiled(
    rf"{_SP}(?:の{_SP})?(?:項番{_SP}(?P<a>{_ROW})|第{_SP}(?P<b>{_ROW}){_SP}の?{_SP}項"
    rf"|(?P<c>(?:{_ROW})(?:{_SP}[、,・]{_SP}(?:{_ROW}))*){_SP}の?{_SP}項|(?P<d>○+))"
)
_ROW_ONE = compiled(_ROW)
_SAME = compiled(r"同(?P<what>条|項|号|表)")
_BASED_ORDINANCE = compiled(rf"{_SP}(?:に基づく|に係る|の){_SP}主務省令")
_GAP = compiled(r"(?:[ \t\u3000]|及び|並びに|又は|若しくは|及|並|ないし|乃至|[・、,]|まで)*")
_FIRST_GAP = compiled(r"[ \t\u3000・」』]*(?:\n[ \t\u3000]*)?")
"""After a statute name: spaces, and one line break (a name that ends a line in PDF-copied text)."""
_RANGE = compiled(r"[ \t]*(?:から|ないし|乃至|~|〜|-)[ \t]*")
_REF_START = compiled(rf"(?:附則{_SP})?第{_SP}{NUM}{_SP}[条項]|別表|同[条項号表]")
_ALIAS = compiled(r"以下[^「」()]{0,16}?「([^」]{1,30})」[ \t]*(?:という|と称する|と略す|と記す)")
_BARE_ALIAS = compiled(r"\([一-龥々ァ-ヴー・]{2,15}\)")
_TRIGGER = compiled(r"[条項号法令則例表]|指針")
_KANJI = compiled(r"[一-龥々]")
# ------------------------------------------------------------------ the parser


@dataclass
class _Builder:
    statute: str | None
    statute_text: str
    body: str | None
    start: int
    end: int
    supplementary: bool = False
    article: str | None = None
    paragraph: str | None = None
    item: str | None = None
    appendix: str | None = None
    row: str | None = None
    gloss: str = ""


@dataclass
class _Context:
    """The statute a chain of references belongs to."""

    statute: str | None
    text: str
    body: str | None = None


class _Parser:
    def __init__(self, text: str, table: StatuteTable) -> None:
        self.text = text
        self.s = fold_width(text)
        self.table = table
        self.tokens = find_statute_names(self.s, table)
        self.token_starts = {t.start: t for t in self.tokens}
        self.out: list[Citation] = []
        self.aliases: dict[str, str] = {}

    # -- sentences and output

    @cached_property
    def bounds(self) -> list[int]:
        return sentence_bounds(self.s)

    def sentence_of(self, start: int, end: int) -> tuple[int, int]:
        return sentence_of(self.s, self.bounds, start, end)

    def same_sentence(self, a: int, b: int) -> bool:
        return bisect_right(self.bounds, a) == bisect_right(self.bounds, b)

    def emit(self, b: _Builder) -> None:
        sent = self.sentence_of(b.start, b.end)
        citation = Citation(
            statute=b.statute, statute_text=b.statute_text, article=b.article, paragraph=b.paragraph,
            item=b.item, appendix=b.appendix, row=b.row, supplementary=b.supplementary, body=b.body,
            span=(b.start, b.end), sentence=sent, text=self.text[b.start:b.end],
            sentence_text=self.text[sent[0]:sent[1]], gloss=b.gloss,
        )
        object.__setattr__(citation, "label", format_citation(citation, self.table))
        self.out.append(citation)

    # -- statutes

    def statute_context(self, tok: StatuteToken) -> _Context:
        written = self.text[tok.start:tok.end]
        if tok.same is not None:
            prev = self.out[-1] if self.out else None
            sid = prev.statute if prev else None
            if sid and tok.same:
                sid = self.table.child(sid, tok.same)
            return _Context(sid, written, prev.body if prev else None)
        sid = tok.statute
        if sid is None and not tok.law_number:
            sid = self.aliases.get(self.s[tok.start:tok.end])
        return _Context(sid, written, tok.body)

    def attached_paren(self, ctx: _Context, pos: int) -> int:
        """Skip 「(平成25年法律第27号。以下「番号法」という。)」 (or several) after a name.

        The law number inside resolves a name the table does not know; 「以下「X」という」 and a bare
        「(番号法)」 define names the rest of the text may use.
        """
        while True:
            i = pos
            while i < len(self.s) and self.s[i] in " \t」』":
                i += 1
            if i >= len(self.s) or self.s[i] != "(":
                return pos
            close = matching_paren(self.s, i)
            if close is None:
                return pos
            inside = self.s[i:close]
            if _REF_START.match(inside, 1):
                return i + 1  # 「番号法（第9条第1項）」: the parenthesis holds the reference itself
            if ctx.statute is None:
                for m in law_number_pattern().finditer(inside):
                    ctx.statute = self.table.by_law_number(m[0]) or ctx.statute
            if ctx.statute:
                names = [m[1] for m in _ALIAS.finditer(inside)]
                if _BARE_ALIAS.fullmatch(inside):
                    names.append(inside[1:-1])
                for name in names:
                    self.add_alias(name, ctx.statute, close)
            pos = close

    def add_alias(self, alias: str, statute: str, after: int) -> None:
        """A name the text defines; later occurrences become statute tokens."""
        if self.table.by_name(alias) == statute:
            return
        self.aliases[alias] = statute
        start = self.s.find(alias, after)
        while start != -1:
            end = start + len(alias)
            free = not any(t.start < end and start < t.end for t in self.tokens[bisect_left(
                [t.start for t in self.tokens], start - 120):])
            before_ok = start == 0 or not _KANJI.match(self.s[start - 1])
            after_ok = len(alias) >= 3 or _REF_START.match(self.s, end) or self.s.startswith("施行", end)
            if free and before_ok and after_ok:
                tok = StatuteToken(start, end, 0, statute)
                insort(self.tokens, tok)
                self.token_starts[start] = tok
            elif start in self.token_starts and self.token_starts[start].statute is None:
                self.token_starts[start].statute = statute
            start = self.s.find(alias, end)

    # -- chains of references

    def run(self) -> tuple[Citation, ...]:
        refs = [m.start() for m in _REF_START.finditer(self.s)]
        pos, ti, ri = 0, 0, 0
        while True:
            while ti < len(self.tokens) and self.tokens[ti].start < pos:
                ti += 1
            while ri < len(refs) and (refs[ri] < pos or self.inside_token(refs[ri])):
                ri += 1
            next_tok = self.tokens[ti].start if ti < len(self.tokens) else None
            next_ref = refs[ri] if ri < len(refs) else None
            if next_tok is None and next_ref is None:
                break
            if next_ref is None or (next_tok is not None and next_tok <= next_ref):
                pos = self.from_statute(self.tokens[ti])
            else:
                pos = self.from_reference(next_ref)
        return tuple(self.out)

    def inside_token(self, offset: int) -> bool:
        i = bisect_right([t.start for t in self.tokens], offset) - 1
        return i >= 0 and self.tokens[i].end > offset

    def from_statute(self, tok: StatuteToken) -> int:
        ctx = self.statute_context(tok)
        pos = self.attached_paren(ctx, tok.end)
        before = len(self.out)
        end = self.chain(ctx, pos, tok.start, bare_article=True)
        if len(self.out) == before and end == pos:
            known = ctx.statute is not None and not (tok.law_number and ctx.statute is None)
            if known or tok.same is not None:
                self.emit(_Builder(ctx.statute, ctx.text, ctx.body, tok.start, tok.end))
            return max(pos, tok.end)
        return end

    def from_reference(self, pos: int) -> int:
        prev = self.out[-1] if self.out else None
        same = _SAME.match(self.s, pos)
        if prev is not None and (same or self.same_sentence(prev.span[0], pos)):
            ctx = _Context(prev.statute, prev.statute_text, prev.body)
        else:
            ctx = _Context(None, "")
        end = self.chain(ctx, pos, pos, bare_article=False)
        return max(end, pos + 1)

    def chain(self, ctx: _Context, pos: int, first_start: int, bare_article: bool) -> int:
        """Consume references from `pos`; emit one citation per provision. Returns where it stopped."""
        return _Chain(self, ctx, first_start, bare_article).run(pos)

    def gloss_after(self, pos: int) -> str:
        """The parenthetical right after a reference (「第19条第8号(情報提供ネットワークシステム)」)."""
        i = pos
        while i < len(self.s) and self.s[i] in " \t":
            i += 1
        if i < len(self.s) and self.s[i] == "(":
            close = matching_paren(self.s, i)
            if close is not None and close - i <= 80:
                return self.text[i + 1:close - 1]
        return ""

    def next_token(self, p: int, cur: _Builder | None, bare_article: bool) -> tuple[str, re.Match[str]] | None:
        """The reference token that starts exactly at `p`, if any."""
        s = self.s
        if cur is not None and cur.appendix is not None and not _ARTICLE.match(s, p) and (m := _ROWS.match(s, p)):
            return "rows", m
        for kind, pattern in (("article", _ARTICLE), ("suppl_paragraph", _SUPPL_PARAGRAPH), ("paragraph", _PARAGRAPH),
                              ("item", _ITEM)):
            if m := pattern.match(s, p):
                return kind, m
        if bare_article and (m := _ARTICLE_BARE.match(s, p)):
            return "article", m
        if cur is not None and cur.article is not None and cur.appendix is None:
            if m := _IN_ARTICLE_TABLE.match(s, p):
                return "table", m
            if cur.paragraph is None and cur.item is None and (m := _PARAGRAPH_BARE.match(s, p)):
                return "paragraph", m
            if cur.item is None and p == cur.end and (m := _ITEM_BARE.match(s, p)):
                return "item", m
        if m := _APPENDIX.match(s, p):
            return "appendix", m
        if m := _SAME.match(s, p):
            return "same", m
        if (cur is not None or self.out) and (m := _BASED_ORDINANCE.match(s, p)):
            return "ordinance", m
        return None

    def ordinance_for(self, basis: _Builder | Citation | None) -> str | None:
        """The 主務省令 made under the provision just cited (「番号法第19条第8号に基づく主務省令」)."""
        if basis is None:
            return None
        key = (basis.statute, basis.article, basis.paragraph, basis.item, basis.appendix)
        return _basis_index(self.table).get(key)


_LEVELS = ("article", "paragraph", "item", "row")


class _Chain:
    """One run of references that share a statute: 「第4条第1項 別表第1 区長の部1の項 同条第2項 …」."""

    def __init__(self, parser: _Parser, ctx: _Context, first_start: int, bare_article: bool) -> None:
        self.p = parser
        self.ctx = ctx
        self.first_start: int | None = first_start
        self.bare_article = bare_article
        self.cur: _Builder | None = None
        self.ranged = False

    def run(self, pos: int) -> int:
        s, consumed, first = self.p.s, pos, True
        while True:
            gap = (_FIRST_GAP if first else _GAP).match(s, consumed)
            nxt = gap.end() if gap else consumed
            if not first and (r := _RANGE.match(s, consumed)) and r.end() > consumed:
                self.ranged, nxt = True, r.end()
            if nxt >= len(s) or nxt in self.p.token_starts:
                break
            if first and s[consumed:nxt].strip(" \t\u3000\n・」』"):
                break  # a statute name is followed by its references, with at most a space (or ・) between
            tok = self.p.next_token(nxt, self.cur, self.bare_article and first)
            if tok is None or not self.take(*tok):
                break
            consumed = tok[1].end()
            if self.cur is not None:
                self.cur.end = max(self.cur.end, consumed)
                self.cur.gloss = self.p.gloss_after(consumed) or self.cur.gloss
            first = False
            if tok[0] == "ordinance":
                first, self.bare_article, self.first_start = True, False, consumed
        self.flush()
        return consumed

    # -- builders

    def flush(self) -> None:
        if self.cur is not None:
            self.p.emit(self.cur)
            self.cur = None

    def open(self, at: int, level: str, end: int | None = None, **fields: object) -> None:
        """Start the citation of a new provision at `at` (the previous one is complete).

        After 「から」, the provisions between the previous one and this one are emitted too, each
        spanning the whole range as written (「第13号から第17号」).
        """
        prev = self.cur
        self.flush()
        start = self.first_start if self.first_start is not None else at
        self.first_start = None
        b = _Builder(self.ctx.statute, self.ctx.text, self.ctx.body, start, at)
        for k, v in fields.items():
            setattr(b, k, v)
        if self.ranged and prev is not None and getattr(prev, level) and getattr(b, level):
            for value in _between(getattr(prev, level), getattr(b, level)):
                mid = _Builder(**{**prev.__dict__, "start": prev.start, "end": end or at, "gloss": ""})
                setattr(mid, level, value)
                for lower in _LEVELS[_LEVELS.index(level) + 1:]:
                    if lower != "row" or level != "article":
                        setattr(mid, lower, None)
                self.p.emit(mid)
        self.ranged = False
        self.cur = b

    # -- tokens

    def take(self, kind: str, m: re.Match[str]) -> bool:
        """Apply one token; False when it cannot continue this chain."""
        cur = self.cur
        if kind == "article":
            self.open(m.start(), "article", m.end(), article=_article_number(m), supplementary=bool(m["suppl"]))
        elif kind in ("paragraph", "item"):
            if cur is None or cur.article is None:
                return False
            if kind == "paragraph":
                n = str(parse_number(m["n"]))
                if cur.paragraph is None and cur.item is None and cur.appendix is None:
                    cur.paragraph = n
                else:
                    self.open(m.start(), "paragraph", m.end(), article=cur.article, paragraph=n,
                              supplementary=cur.supplementary)
            else:
                n = normalize_branched(m["n"] + (m["br"] or "").replace(" ", "").replace("\t", ""))
                if cur.item is None and cur.appendix is None:
                    cur.item = n
                else:
                    self.open(m.start(), "item", m.end(), article=cur.article, paragraph=cur.paragraph, item=n,
                              supplementary=cur.supplementary)
        elif kind == "suppl_paragraph":
            self.open(m.start(), "paragraph", m.end(), paragraph=str(parse_number(m["n"])), supplementary=True)
        elif kind == "appendix":
            self.open(m.start(), "appendix", appendix=_appendix_name(m["n"]))
        elif kind == "table":
            assert cur is not None
            cur.appendix = "表"
        elif kind == "rows":
            self.take_rows(m)
        elif kind == "same":
            return self.take_same(m)
        elif kind == "ordinance":
            target = self.p.ordinance_for(cur or (self.p.out[-1] if self.p.out else None))
            if target is None:
                return False
            self.flush()
            self.ctx = _Context(target, "主務省令")
        return True

    def take_rows(self, m: re.Match[str]) -> None:
        """「42、43、44、45の項」: one citation per row; the first fills the pending appendix citation."""
        group = next(g for g in ("a", "b", "c", "d") if m[g] is not None)
        base = m.start(group)
        for rm in _ROW_ONE.finditer(m[group]):
            row = None if rm[0].startswith("○") else _row_name(rm[0])
            cur = self.cur
            assert cur is not None
            if cur.row is None and rm.start() == 0:
                cur.row = row
            else:
                self.open(base + rm.start(), "row", base + rm.end(), appendix=cur.appendix,
                          article=cur.article if cur.appendix == "表" else None, row=row)
            assert self.cur is not None
            self.cur.end = base + rm.end()

    def take_same(self, m: re.Match[str]) -> bool:
        """「同条第2項」「同項第3号」「同表」: the provision cited last at that level."""
        self.flush()
        what = m["what"]
        level = {"条": "article", "項": "paragraph", "号": "item", "表": "appendix"}[what]
        src = next((c for c in reversed(self.p.out) if getattr(c, level) is not None), None)
        if src is None:
            return False
        self.ctx = _Context(src.statute, src.statute_text, src.body)
        if what == "表":
            self.open(m.start(), "appendix", appendix=src.appendix,
                      article=src.article if src.appendix == "表" else None)
        else:
            self.open(m.start(), "article", article=src.article, supplementary=src.supplementary,
                      paragraph=src.paragraph if what in "項号" else None,
                      item=src.item if what == "号" else None)
        return True


def _between(lower: str, upper: str) -> list[str]:
    """The numbers strictly between two ends of a range: ("13", "17") → 14, 15, 16; ("30の9", "30の12") too."""
    lo_head, _, lo_tail = lower.rpartition("の")
    up_head, _, up_tail = upper.rpartition("の")
    if lo_head != up_head or not lo_tail.isdigit() or not up_tail.isdigit():
        return []
    a, b = int(lo_tail), int(up_tail)
    if not 0 < b - a <= 30:
        return []
    prefix = f"{lo_head}の" if lo_head else ""
    return [f"{prefix}{k}" for k in range(a + 1, b)]


def _article_number(m: re.Match[str]) -> str:
    return normalize_branched(m["n"] + (m["br"] or "").replace(" ", "").replace("\t", ""))


def _appendix_name(n: str | None) -> str:
    """「別表」「別表第一」: numbered appendices in kanji, as the statutes name them."""
    return "別表" if n is None else f"別表第{to_kanji(parse_number(n))}"


def _row_name(raw: str) -> str:
    """「区長の部1」「1の2」「二十三」 → canonical row names."""
    raw = raw.replace(" ", "")
    part, sep, number = raw.rpartition("の部")
    return f"{part}の部{normalize_branched(number)}" if sep else normalize_branched(raw)


@lru_cache(maxsize=8)
def _basis_index(table: StatuteTable) -> dict[tuple[str | None, ...], str]:
    """(statute, article, paragraph, item, appendix) of each ordinance's `basis` → the ordinance id."""
    index: dict[tuple[str | None, ...], str] = {}
    for st in table.statutes.values():
        if st.basis:
            for c in _Parser(st.basis, table).run():
                index[(c.statute, c.article, c.paragraph, c.item, c.appendix)] = st.id
    return index


def format_citation(c: Citation, table: StatuteTable | None = None) -> str:
    """A canonical label: 「番号法第19条第8号」「番号法別表第一の30の項」「墨田区個人情報保護条例第3条」."""
    table = table or default_statute_table()
    st = table.get(c.statute)
    if st is None:
        name = c.statute_text if not c.statute_text.startswith("同") else ""
    elif st.local:
        name = (c.body or "") + (c.statute_text[len(c.body or ""):] if c.statute_text else st.label)
    else:
        name = st.label
    out = name + ("附則" if c.supplementary else "")
    if c.article:
        head, _, tail = c.article.partition("の")
        out += f"第{head}条" + (f"の{tail}" if tail else "")
    if c.paragraph:
        out += f"第{c.paragraph}項"
    if c.item:
        out += f"第{c.item}号"
    if c.appendix:
        out += ("の" if c.article else "") + c.appendix
        if c.row:  # as the statutes write it: 「別表二十三の項」, 「別表第一の十五の項」
            out += f"{'' if c.appendix == '別表' else 'の'}{c.row}の項"
    return out


def parse_citations(text: str, table: StatuteTable | None = None) -> tuple[Citation, ...]:
    """Every citation in `text`, in order; cached per text value.

    Args:
        text: any free text (a form value, a change row, a sentence).
        table: the statute table; the bundled one by default.
    """
    return _parse_cached(text, table or default_statute_table())


@text_cache
def _parse_cached(text: str, table: StatuteTable) -> tuple[Citation, ...]:
    if not text or not _TRIGGER.search(text):
        return ()
    joined, where = _unwrapped(text)
    if where is None:
        return _Parser(text, table).run()
    return tuple(_moved(c, where, text) for c in _Parser(joined, table).run())


_LINE_BREAK = compiled(r"[ \t\u3000]*\n[ \t\u3000]*")


def _unwrapped(text: str) -> tuple[str, list[int] | None]:
    """The text with the line breaks that only wrap a sentence removed (a statute's name or a
    citation broken over two lines: 「…の提供に⏎関する規則第2条」), and for each of its characters
    the offset in `text`; None when nothing was joined."""
    from piarules.prose.wrap import wraps_at

    if "\n" not in text:
        return text, None
    pieces: list[str] = []
    where: list[int] = []
    pos = 0
    for m in _LINE_BREAK.finditer(text):
        if not wraps_at(text, m.start() + m[0].index("\n")):
            continue
        pieces.append(text[pos : m.start()])
        where += range(pos, m.start())
        pos = m.end()
    if not pieces:
        return text, None
    pieces.append(text[pos:])
    where += range(pos, len(text))
    return "".join(pieces), where


def _moved(c: Citation, where: list[int], text: str) -> Citation:
    """A citation found in the unwrapped text, with its spans in the original one."""
    def back(span: tuple[int, int]) -> tuple[int, int]:
        start, end = span
        if start >= end:
            at = where[start] if start < len(where) else len(text)
            return at, at
        return where[start], where[end - 1] + 1

    span, sentence = back(c.span), back(c.sentence)
    return replace(c, span=span, sentence=sentence, text=text[span[0] : span[1]],
                   sentence_text=text[sentence[0] : sentence[1]])
