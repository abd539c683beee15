"""Built-in functions: each declared once with its signature, doc and implementation.

The checker reads `params`/`returns`; the compiler calls `impl`; docs read `doc`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from piarules.jpvalues import Band, Count, compact_text, normalize_text, parse_band, parse_count, parse_date
from piarules.pattern_store import compiled
from piarules.textcache import text_cache
from piarules.type_system import (
    BOOL,
    DATE,
    NUMBER,
    TEXT,
    UNKNOWN,
    BandType,
    ListType,
    Type,
)
from piarules.values import MISSING, is_missing


@dataclass(frozen=True)
class Builtin:
    name: str
    params: tuple[Type, ...]
    returns: Type
    doc: str
    impl: Callable[..., Any]
    needs_vocabulary: bool = False
    """The implementation takes the policy set's Vocabulary as its first argument."""


REGISTRY: dict[str, Builtin] = {}


def builtin(name: str, params: tuple[Type, ...], returns: Type, doc: str,
            needs_vocabulary: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a built-in; a duplicate name is a programming error caught at import."""

    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        if name in REGISTRY:
            raise RuntimeError(f"duplicate builtin {name}")
        REGISTRY[name] = Builtin(name, params, returns, doc, impl, needs_vocabulary)
        return impl

    return register


def _missing_safe(fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any) -> Any:
        if any(is_missing(a) for a in args):
            return MISSING
        return fn(*args)

    wrapped.__doc__ = fn.__doc__
    return wrapped


@builtin("count", (ListType(UNKNOWN),), NUMBER, "リストの要素数 (項目が無ければ 0)。例: count(ファイル.委託.委託事項)")
def _count(items: Any) -> int:
    return len(items) if isinstance(items, list) else 0


@builtin("number", (UNKNOWN,), NUMBER, "「4件」などの件数を数値にする。解釈できなければ値なし。")
@_missing_safe
def _number(value: Any) -> Any:
    if isinstance(value, int | float):
        return int(value) if isinstance(value, Count) else value
    try:
        return int(parse_count(str(value)))
    except ValueError:
        return MISSING


@builtin("lower", (BandType(),), NUMBER, "人数帯の下限 (「1万人以上10万人未満」→ 10000)。")
@_missing_safe
def _lower(band: Band) -> int:
    return band.lower


@builtin("upper", (BandType(),), NUMBER, "人数帯の上限 (未満の値)。上限のない帯は値なし。")
@_missing_safe
def _upper(band: Band) -> Any:
    return MISSING if band.upper is None else band.upper


@builtin("year", (DATE,), NUMBER, "日付の西暦年。")
@_missing_safe
def _year(value: dt.date) -> int:
    return value.year


@builtin("text", (UNKNOWN,), TEXT, "値を正規化した文字列にする (NFKC・HTML除去・空白の整理)。")
@_missing_safe
def _text(value: Any) -> str:
    return normalize_text(str(value))


@builtin("length", (TEXT,), NUMBER, "文字列の長さ (正規化後)。")
@_missing_safe
def _length(value: str) -> int:
    return len(normalize_text(value))


@builtin("date", (TEXT,), DATE, "文字列を日付として解釈する。解釈できなければ値なし。")
@_missing_safe
def _date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value))
    except ValueError:
        return MISSING


@builtin("band", (TEXT,), BandType(), "文字列を人数帯として解釈する。解釈できなければ値なし。")
@_missing_safe
def _band(value: Any) -> Any:
    if isinstance(value, Band):
        return value
    try:
        return parse_band(str(value))
    except ValueError:
        return MISSING


@builtin("sentences", (TEXT,), ListType(TEXT),
         "文の一覧 (。・改行・箇条書きで区切る。括弧の中の。では区切らない)。例: for each 文 in sentences(記載)")
def _sentences(value: Any) -> Any:
    if not isinstance(value, str):
        return []
    return list(_split_sentences(str(value)))


@text_cache
def _split_sentences(text: str) -> tuple[str, ...]:
    from piarules.prose import segment

    seg = segment(text)
    out = []
    for sentence in seg.sentences:
        start, end = seg.norm.original_span(sentence.start, sentence.end)
        if text[start:end].strip():
            out.append(text[start:end])
    return tuple(out)


class ItemOfFirstArg(Type):
    """Return-type marker: the item type of the list passed as the first argument."""


_DATE_IN_TEXT = compiled(r"(明治|大正|昭和|平成|令和)\s*(元|[0-9０-９]{1,2})\s*年\s*[0-9０-９]{1,2}\s*月\s*[0-9０-９]{1,2}\s*日"
                           r"|[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}|[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日")


@builtin("first_date", (TEXT,), DATE, "文中に最初に現れる日付 (例: 「(平成30年12月14日発覚)」)。なければ値なし。")
@_missing_safe
def _first_date(value: Any) -> Any:
    for m in _DATE_IN_TEXT.finditer(normalize_text(str(value))):
        try:
            return parse_date(m[0])
        except ValueError:
            continue
    return MISSING


class _ListMemo:
    """Results computed once per list (by identity), for the look-backs over a document's rows.
    The entry holds the list, so its id cannot be reused by another while the entry lives. Only a
    few lists are held: one document is evaluated at a time, and every list held keeps its
    document's rows alive (256 held kept ≈ 80 MB of earlier documents in a batch worker)."""

    HELD = 8

    def __init__(self) -> None:
        self._entries: dict[tuple[int, object], tuple[list[Any], Any]] = {}

    def get(self, items: list[Any], key: object, build: Callable[[list[Any]], Any]) -> Any:
        cached = self._entries.get((id(items), key))
        if cached is None or cached[0] is not items:
            if len(self._entries) >= self.HELD:
                self._entries.clear()
            cached = self._entries[(id(items), key)] = (items, build(items))
        return cached[1]


_POSITIONS = _ListMemo()
"""list → id(item) → position."""


def _index(items: Any, item: Any) -> int:
    """Position of `item` (by identity) in `items`, in O(1) after the first call per list."""
    if not isinstance(items, list):
        return -1
    positions: dict[int, int] = _POSITIONS.get(items, None, _positions)
    return positions.get(id(item), -1)


def _positions(items: list[Any]) -> dict[int, int]:
    return {id(x): i for i, x in enumerate(items)}


@builtin("previous", (ListType(UNKNOWN), UNKNOWN), ItemOfFirstArg(),
         "リストの中で item の直前の要素。例: previous(変更箇所, 行).変更日")
def _previous(items: Any, item: Any) -> Any:
    i = _index(items, item)
    return items[i - 1] if i > 0 else MISSING


@builtin("previous_same", (ListType(UNKNOWN), UNKNOWN, TEXT), ItemOfFirstArg(),
         "item より前で、項目 key の記載が同じ (空白・全角半角を無視) 最後の要素。例: previous_same(変更箇所, 行, \"項目\")")
def _previous_same(items: Any, item: Any, key: Any) -> Any:
    i = _index(items, item)
    if i <= 0 or not isinstance(item, dict) or not isinstance(item.get(key), str):
        return MISSING
    before = _previous_same_table(items, key)[i]
    return items[before] if before >= 0 else MISSING


_PREVIOUS_SAME = _ListMemo()
"""(list, key) → for each position the position of the last earlier item whose `key` reads the
same, or -1: one pass per list instead of a scan back per item."""


def _previous_same_table(items: list[Any], key: str) -> list[int]:
    return _PREVIOUS_SAME.get(items, key, lambda xs: _previous_same_positions(xs, key))


def _previous_same_positions(items: list[Any], key: str) -> list[int]:
    last: dict[str, int] = {}
    table = []
    for i, x in enumerate(items):
        value = x.get(key) if isinstance(x, dict) else None
        if isinstance(value, str):
            folded = compact_text(value)
            table.append(last.get(folded, -1))
            last[folded] = i
        else:
            table.append(-1)
    return table


@builtin("same", (UNKNOWN, UNKNOWN), BOOL, "同じ記載か: 空白・全角半角・HTML を無視し、日付は日付として比べる。")
def _same(a: Any, b: Any) -> bool:
    if is_missing(a) or is_missing(b):
        return is_missing(a) and is_missing(b)
    if compact_text(str(a)) == compact_text(str(b)):
        return True
    da, db = _date(a), _date(b)
    return da is not MISSING and da == db


@builtin("written_on", (TEXT,), DATE,
         "本文の記載が書かれた日: 変更箇所の変更後の記載ならその行の変更日、それ以外は値なし (基準日で判断)。")
def _written_on(value: Any) -> Any:
    date = getattr(value, "written_on", None)
    return date if date is not None else MISSING


from piarules.builtins import body as _body  # noqa: E402,F401  (registers the body family)
from piarules.builtins import legal as _legal  # noqa: E402,F401  (registers the legal family)
from piarules.builtins import wording as _wording  # noqa: E402,F401  (registers the wording family)
