"""Owns the Lark parser: loads grammar/piarules.lark once, builds the LALR parser once.

The grammar is data at the top of the repository; an installed wheel carries a copy under
piarules/_data/grammar (see pyproject's force-include).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lark import Lark, Token

KEYWORDS = (
    "policy", "reference", "effective", "from", "until", "description", "const", "term",
    "matcher", "rule", "severity", "for", "each", "in", "when", "require", "requires",
    "with", "message", "hint", "at", "as", "of", "and", "or", "not", "contains", "matches",
    "is", "present", "absent", "empty", "true", "false", "count", "where", "satisfies",
    "any", "all", "applies", "to",
)


def grammar_path() -> Path:
    """The grammar file: packaged copy first, then the source tree's grammar/."""
    packaged = resources.files("piarules").joinpath("_data/grammar/piarules.lark")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "grammar" / "piarules.lark"


_CONTINUES = frozenset({"AND", "OR", "CMP_OP", "PLUS", "MINUS", "EQUAL", "COMMA", "SATISFIES", "WHERE", "WITH"})
"""A line ending in one of these continues on the next line."""


class _LineJoiner:
    """Postlexer: drop line breaks inside ( ) and [ ], and after a trailing operator (and, or, ==, +, =, ,)."""

    always_accept = ("_NL",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        depth = 0
        previous: Token | None = None
        for token in stream:
            if token.type in ("LPAR", "LSQB"):
                depth += 1
            elif token.type in ("RPAR", "RSQB"):
                depth = max(depth - 1, 0)
            elif token.type == "_NL" and (depth or (previous is not None and previous.type in _CONTINUES)):
                continue
            previous = token
            yield token


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
    return Lark(
        grammar_text(),
        parser="lalr",
        start=["start", "expr"],
        propagate_positions=True,
        maybe_placeholders=True,
        postlex=_LineJoiner(),
        cache=cache_file,
    )
