"""Regular expressions of policies: compiled with RE2, so matching is linear in the text.

A policy's `matches "…"` runs over every text of thousands of documents; with a backtracking
engine one careless pattern (`(a+)+$`) can hang a whole batch. RE2 (google-re2) guarantees
linear time; in exchange it has no look-around (`(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`) and no
back-references, repetitions are at most {1000}, and a compiled pattern has a memory budget.
Such patterns are a check-time diagnostic, never a run-time surprise.
"""

from __future__ import annotations

import re as _python_re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Protocol

import re2

MAX_PATTERN_LENGTH = 2000
"""Longest pattern accepted (characters)."""

_LOOKAROUND = _python_re.compile(r"\(\?<?[=!]")
_BACKREF = _python_re.compile(r"\\[1-9]|\(\?P=")


class Pattern(Protocol):
    def search(self, text: str) -> object | None: ...


class RegexError(ValueError):
    """A pattern piarules will not run, with a Japanese reason and a hint."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


_REPEAT = _python_re.compile(r"\{(\d+)(?:,(\d*))?\}")
MAX_REPEAT = 1000


def _options() -> re2.Options:
    options = re2.Options()
    options.max_mem = 8 << 20
    options.log_errors = False  # errors become our diagnostics, not lines on the user's terminal
    options.never_capture = True
    return options


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Pattern:
    """The compiled pattern.

    Raises:
        RegexError: the pattern is too long, uses look-around or back-references, or RE2
            rejects it (syntax, repetition over 1000, memory budget).
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise RegexError(f"正規表現が長すぎます ({len(pattern)} 文字、上限 {MAX_PATTERN_LENGTH})")
    if _LOOKAROUND.search(pattern):
        raise RegexError("先読み・後読み (?=…) (?!…) (?<=…) (?<!…) は使えません",
                         "「(^|[^A-Za-z])SMAP」のように文字クラスで書くか、マッチャーの not を使ってください")
    if _BACKREF.search(pattern):
        raise RegexError("後方参照 (\\1 など) は使えません")
    for m in _REPEAT.finditer(pattern):  # RE2 would read an over-long count as literal text
        if any((n and len(n) > 4) or (n and int(n) > MAX_REPEAT) for n in m.groups()):
            raise RegexError(f"繰り返しの回数が大きすぎます (上限 {MAX_REPEAT})")
    try:
        return re2.compile(pattern, _options())
    except re2.error as exc:
        raise RegexError(_reason(exc)) from None


def searcher(pattern: str) -> Callable[[str], bool]:
    """Whether the (compiled, checked) pattern occurs in a text: RE2's match called directly on
    the UTF-8 bytes. The wrapper's `search` builds a match object and maps byte offsets back to
    characters, which a yes/no test never reads (≈ 40 % of the time of a rule over 本文). RE2
    runs only on a text holding one of the pattern's required literals (`required_literals`)."""
    on_bytes = bytes_searcher(pattern)
    if on_bytes is None:  # another google-re2 layout: the public API
        compiled = compile_pattern(pattern)
        return lambda text: compiled.search(text) is not None
    return prefiltered(pattern, lambda text: on_bytes(text.encode("utf-8")))


def prefiltered(pattern: str, test: Callable[[str], bool],
                view: Callable[[str], str] | None = None) -> Callable[[str], bool]:
    """`test` (the pattern's RE2 test of a text), run only on a text whose `view` (the text
    itself, or its normalised form the pattern is run on) holds one of the pattern's required
    literals; `test` itself when the pattern has none."""
    needed = required_literals(pattern)
    if needed is None:
        return test
    if len(needed) == 1:
        literal = needed[0]
        if view is None:
            return lambda text: literal in text and test(text)
        return lambda text: literal in view(text) and test(text)
    if view is None:
        return lambda text: any(n in text for n in needed) and test(text)
    return lambda text: any(n in view(text) for n in needed) and test(text)


def bytes_searcher(pattern: str) -> Callable[[bytes], bool] | None:
    """The yes/no test of `searcher` on UTF-8 bytes already encoded (a text tested by several
    rules is encoded once); None when this google-re2 does not expose its matcher."""
    raw = raw_matcher(pattern)
    if raw is None:
        return None
    match, unanchored = raw
    return lambda data: match(unanchored, data, 0, len(data))[0][0] >= 0


# ---------------------------------------------------------------- required literals
#
# RE2's call costs ≈ 10× a substring test on a str (on bytes, `in` goes through the buffer
# protocol and costs ≈ 5× more: the test is made on the text), and most texts a rule reads cannot match (a text
# without 「市」 cannot say 当市). A pattern's required literals are strings one of which is in
# every text it matches: its runs of literal characters, the alternatives of a group or a class
# of plain characters, a repetition of at least one. They are read from Python's own parse of
# the pattern, kept only where RE2 reads the same syntax alike: a pattern with flags (case
# folding), POSIX classes or quoting gets none, and a construct Python reads differently from
# RE2 only ever loses a requirement (`{,n}`, a literal for RE2, is a repetition from 0 here).

MAX_ALTERNATIVES = 8
"""Required literals tested at most (more: the test is not worth it)."""


@lru_cache(maxsize=4096)
def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Strings at least one of which is in every text the pattern matches; None when none is
    known."""
    if "[:" in pattern or "\\Q" in pattern:
        return None
    try:
        import re._parser as sre_parse  # Python's own regex parser (the re module's)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = sre_parse.parse(pattern)
    except Exception:  # Python cannot read it (RE2-only syntax): no literals
        return None
    if tree.state.flags & (_python_re.IGNORECASE | _python_re.VERBOSE | _python_re.LOCALE):
        return None
    try:
        needed = _sequence_need(list(tree))
    except RecursionError:  # groups nested deeper than Python's stack: no literals
        return None
    if not needed or not all(needed):
        return None
    return tuple(sorted(needed))


def _sequence_need(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The best requirement of a sequence: each literal run and each item's own requirement
    holds; the one with the longest shortest string (then the fewest strings) is kept."""
    from re._constants import LITERAL

    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append(frozenset({"".join(run)}))
            run = []
        if op is not None and (need := _item_need(op, av)) is not None:
            candidates.append(need)
    candidates = [c for c in candidates if c and len(c) <= MAX_ALTERNATIVES]
    return max(candidates, key=lambda c: (min(len(s) for s in c), -len(c)), default=None)


def _item_need(op: Any, av: Any) -> frozenset[str] | None:
    from re._constants import BRANCH, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, SUBPATTERN

    if op is SUBPATTERN:
        _, add_flags, del_flags, sub = av
        return None if add_flags or del_flags else _sequence_need(list(sub))
    if op is BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            need = _sequence_need(list(alternative))
            if need is None:
                return None
            union |= need
        return frozenset(union)
    if op in (MAX_REPEAT, MIN_REPEAT):
        low, _, sub = av
        return _sequence_need(list(sub)) if low >= 1 else None
    if op is IN and all(o is LITERAL for o, _ in av):
        return frozenset(chr(c) for _, c in av)
    return None


def raw_matcher(pattern: str) -> tuple[Callable[..., Any], Any] | None:
    """RE2's own matcher of the pattern and its unanchored mode: `match(mode, data, 0,
    len(data))[0][0] >= 0` is the yes/no test on UTF-8 bytes (what `bytes_searcher` wraps and
    codegen writes inline); None when this google-re2 does not expose it."""
    raw = getattr(compile_pattern(pattern), "_regexp", None)
    if raw is None or not hasattr(raw, "Match"):
        return None
    return raw.Match, re2._Anchor.UNANCHORED


_REASONS = (
    ("missing )", "閉じ括弧「)」がありません"),
    ("unexpected )", "対応する「(」のない「)」があります"),
    ("missing ]", "文字クラスの「]」がありません"),
    ("invalid escape", "「\\」の後の文字が正しくありません"),
    ("trailing \\", "末尾に「\\」だけがあります"),
    ("invalid character class range", "文字クラスの範囲 (a-z の形) が正しくありません"),
    ("repetition size", f"繰り返しの回数が大きすぎます (上限 {MAX_REPEAT})"),
    ("repetition operator", "「*」「+」「?」「{…}」の前に繰り返すものがありません"),
    ("pattern too large", "正規表現が複雑すぎます (メモリの上限を超えます)"),
)


def _reason(exc: Exception) -> str:
    raw = exc.args[0] if exc.args else ""
    message = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    for needle, japanese in _REASONS:
        if needle in message:
            return japanese
    return f"正規表現として解釈できません ({message})"
