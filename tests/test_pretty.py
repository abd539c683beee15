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


# ---- property: random ASTs survive print → parse -------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from piarules import ast  # noqa: E402

NAMES = st.sampled_from(["a", "b", "委託", "再委託の有無", "行", "変更箇所"])
paths = st.lists(NAMES, min_size=1, max_size=3).map(lambda p: ast.Path(tuple(p)))
leaves = st.one_of(
    paths,
    st.text(alphabet='ab 事前"\\#「', max_size=6).map(ast.Literal),
    st.integers(min_value=0, max_value=10**7).map(ast.Literal),
    st.booleans().map(ast.Literal),
)


def _extend(children: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
    pairs = st.tuples(children, children)
    return st.one_of(
        children.map(ast.Not),
        st.lists(children, min_size=2, max_size=3).map(lambda ops: ast.BoolOp("and", tuple(ops))),
        st.lists(children, min_size=2, max_size=3).map(lambda ops: ast.BoolOp("or", tuple(ops))),
        st.tuples(st.sampled_from(list(ast.CmpOp)), paths, leaves).map(lambda t: ast.Compare(*t)),
        st.tuples(paths, st.lists(leaves, max_size=3)).map(lambda t: ast.Membership(t[0], ast.ListExpr(tuple(t[1])))),
        st.tuples(st.sampled_from(list(ast.PresenceOp)), paths).map(lambda t: ast.Presence(*t)),
        st.tuples(NAMES, paths, children).map(lambda t: ast.Quantifier("any", t[0], t[1], t[2])),
        pairs.map(lambda t: ast.Call("same", t)),
    )


expressions = st.recursive(leaves, _extend, max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(expressions)
def test_random_ast_round_trip(node: ast.Expr) -> None:
    printed = pretty.expr(node)
    assert parse_expr(printed) == node, printed
