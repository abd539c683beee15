"""Printing an expression and parsing it again gives an equal AST."""

from __future__ import annotations

import pytest

from piarules import pretty
from tests.test_syntax import parse_expr

EXPRESSIONS = [
    'a == "x"', "a and b or not c", "(a or b) and c", "not (a and b)", 'a in ["事前", "事後"]',
    "a not in [1, 2]", 'a contains any ["x", "y"]', 'a matches "日本国内|国内\\\\d"', "a matches domestic storage",
    "a is not empty", "d > 2021-09-01 - 5 years", "d < 令和3年9月1日 + 1 month", "count(a) == number(b)",
    "previous(a, r).変更日 is present", "any x in a satisfies x.b and x.c", "(count x in a where x.b) > 1",
    "(any x in a satisfies x.b) and c", 'a == "引用符\\"と\\\\"', "a - (b - c) == 1", "true or false",
    "a[0].b >= 1000",
]


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_print_parse_round_trip(text: str) -> None:
    node = parse_expr(text)
    printed = pretty.expr(node)
    assert parse_expr(printed) == node, printed
