"""Owns the Lark parser: loads grammar/piarules.lark once, builds the LALR parser once.

The grammar is data at the top of the repository; an installed wheel carries a copy under
piarules/_data/grammar (see pyproject's force-include).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from piarules.pattern_store import compiled

if TYPE_CHECKING:
    from lark import Lark, Token

KEYWORDS = (
    "policy", "reference", "effective", "from", "until", "description", "const", "term",
    "matcher", "rule", "severity", "for", "each", "in", "when", "require", "requires",
    "with", "message", "hint", "at", "as", "of", "and", "or", "not", "contains", "matches",
    "is", "present", "absent", "empty", "true", "false", "count", "where", "satisfies",
    "any", "all", "applies", "to", "synonyms", "except", "confidence", "mentions", "states", "denies", "together", "within", "use",
)


def grammar_path() -> Path:
    """The grammar file: packaged copy first, then the source tree's grammar/."""
    packaged = resources.files("piarules").joinpath("_data/grammar/piarules.lark")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "grammar" / "piarules.lark"


_CONTINUES = frozenset({"AND", "OR", "CMP_OP", "PLUS", "MINUS", "EQUAL", "COMMA", "SATISFIES", "WHERE", "WITH"})
"""A line ending in one of these continues on the next line."""

MAX_NESTING = 48
"""Deepest nesting of ( ) and [ ] accepted (deeper input is a diagnostic, not a recursion error)."""

_COMMENT = compiled(r"#[^\n]*")


class NestingError(Exception):
    """Brackets nested deeper than MAX_NESTING, at (line, column)."""

    def __init__(self, line: int, column: int):
        super().__init__(f"nesting deeper than {MAX_NESTING} at {line}:{column}")
        self.line, self.column = line, column


@dataclass
class TokenFacts:
    """What the postlexer saw besides the tokens the grammar uses: comments and block ends."""

    comments: list[tuple[int, int, str]] = field(default_factory=list)
    """(line, column, text) of every `#` comment, in order."""
    closers: list[int] = field(default_factory=list)
    """Line of every `}` in order."""


class _LineJoiner:
    """Postlexer: drop line breaks inside ( ) and [ ], and after a trailing operator (and, or, ==, +, =, ,).

    It also collects every comment (comments only ever stand inside _NL tokens: see the grammar)
    and the line of every `}`, into `facts`, for syntax/comments.py.
    """

    always_accept = ("_NL",)

    def __init__(self) -> None:
        self.facts = TokenFacts()

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        self.facts = facts = TokenFacts()
        depth = 0
        previous: Token | None = None
        for token in stream:
            kind = token.type
            if kind in ("LPAR", "LSQB"):
                depth += 1
                if depth > MAX_NESTING:
                    raise NestingError(token.line or 0, token.column or 0)
            elif kind in ("RPAR", "RSQB"):
                depth = max(depth - 1, 0)
            elif kind == "RBRACE":
                facts.closers.append(token.line or 0)
            elif kind == "_NL":
                if "#" in token:
                    _collect_comments(token, facts)
                if depth or (previous is not None and previous.type in _CONTINUES):
                    continue
            previous = token
            yield token


def _collect_comments(token: Token, facts: TokenFacts) -> None:
    line, column = token.line or 1, token.column or 1
    start = 0
    for m in _COMMENT.finditer(token):
        before = token[start : m.start()]
        newlines = before.count("\n")
        if newlines:
            line += newlines
            column = len(before) - before.rindex("\n")
        else:
            column += len(before)
        facts.comments.append((line, column, m[0].rstrip()))
        column += len(m[0])
        start = m.end()


def token_facts() -> TokenFacts:
    """The comments and block ends of the last parse (the parser runs one text at a time)."""
    postlex = parser().options.postlex
    assert isinstance(postlex, _LineJoiner)  # INVARIANT: built with this postlexer below
    return postlex.facts


@cache
def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


@cache
def parser() -> Lark:
    """The LALR parser: built once per process; its tables are cached on disk across runs."""
    from lark import Lark

    from piarules import cache as disk

    directory = disk.cache_dir()
    cache_file = str(directory / f"lalr-{disk.key(grammar_text())}.lark") if directory else False
    if directory:
        disk.used(directory / f"lalr-{disk.key(grammar_text())}.lark")  # lark reads it itself
    return Lark(
        grammar_text(),
        parser="lalr",
        start=["start", "expr"],
        propagate_positions=True,
        maybe_placeholders=True,
        postlex=_LineJoiner(),
        cache=cache_file,
    )
