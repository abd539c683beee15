"""Policy language: every construct parses to the expected AST; syntax errors are located."""

from __future__ import annotations

import datetime as dt

import pytest

from piarules import ast
from piarules.syntax import parse_policy
from tests.conftest import dedent


def parse_expr(text: str) -> ast.Expr:
    policy, diagnostics = parse_policy(f'rule R "t" {{\n  severity error\n  require {text}\n}}\n', "t.pia")
    assert policy is not None and not diagnostics, [d.one_line() for d in diagnostics]
    expr = policy.rules[0].require
    assert expr is not None
    return expr


P = ast.Path
L = ast.Literal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('a == "x"', ast.Compare(ast.CmpOp.EQ, P(("a",)), L("x"))),
        ("a != 「事前」", ast.Compare(ast.CmpOp.NE, P(("a",)), L("事前"))),
        ("委託.再委託の有無 >= 3", ast.Compare(ast.CmpOp.GE, P(("委託", "再委託の有無")), L(3))),
        ("a[0].b < 1,000", ast.Compare(ast.CmpOp.LT, P(("a", 0, "b")), L(1000))),
        ("a and b or not c", ast.BoolOp("or", (ast.BoolOp("and", (P(("a",)), P(("b",)))), ast.Not(P(("c",)))))),
        ('a in ["事前", "事後"]', ast.Membership(P(("a",)), ast.ListExpr((L("事前"), L("事後"))))),
        ("a not in [1]", ast.Membership(P(("a",)), ast.ListExpr((L(1),)), negated=True)),
        ('a contains "ISO"', ast.TextTest(ast.TextOp.CONTAINS, P(("a",)), L("ISO"))),
        ('a contains any ["x"]', ast.TextTest(ast.TextOp.CONTAINS_ANY, P(("a",)), ast.ListExpr((L("x"),)))),
        ('a contains all ["x"]', ast.TextTest(ast.TextOp.CONTAINS_ALL, P(("a",)), ast.ListExpr((L("x"),)))),
        ('a matches "日本国内|国内"', ast.RegexTest(P(("a",)), "日本国内|国内")),
        ("a matches domestic storage", ast.MatcherTest(P(("a",)), "domestic storage")),
        ("a is present", ast.Presence(ast.PresenceOp.PRESENT, P(("a",)))),
        ("a is absent", ast.Presence(ast.PresenceOp.ABSENT, P(("a",)))),
        ("a is empty", ast.Presence(ast.PresenceOp.EMPTY, P(("a",)))),
        ("a is not empty", ast.Presence(ast.PresenceOp.NOT_EMPTY, P(("a",)))),
        ("d > 2021-09-01 - 5 years", ast.Compare(ast.CmpOp.GT, P(("d",)), ast.Arith(
            "-", L(dt.date(2021, 9, 1)), ast.Duration(5, ast.Unit.YEAR)))),
        ("d < 令和3年9月1日 + 30 days", ast.Compare(ast.CmpOp.LT, P(("d",)), ast.Arith(
            "+", L(dt.date(2021, 9, 1)), ast.Duration(30, ast.Unit.DAY)))),
        ("d < 基準日 - 1年", ast.Compare(ast.CmpOp.LT, P(("d",)), ast.Arith(
            "-", P(("基準日",)), ast.Duration(1, ast.Unit.YEAR)))),
        ("count(a) == number(b)", ast.Compare(ast.CmpOp.EQ, ast.Call("count", (P(("a",)),)),
                                              ast.Call("number", (P(("b",)),)))),
        ("previous(a, r).変更日 is present", ast.Presence(ast.PresenceOp.PRESENT, ast.Member(
            ast.Call("previous", (P(("a",)), P(("r",)))), ("変更日",)))),
        ("any x in a satisfies x.b", ast.Quantifier("any", "x", P(("a",)), P(("x", "b")))),
        ("all x in a satisfies x.b", ast.Quantifier("all", "x", P(("a",)), P(("x", "b")))),
        ("(count x in a where x.b) > 1", ast.Compare(ast.CmpOp.GT, ast.Quantifier(
            "count", "x", P(("a",)), P(("x", "b"))), L(1))),
        ("count x in a where x.b > 1", ast.Quantifier(  # the body runs to the end, as in any/all
            "count", "x", P(("a",)), ast.Compare(ast.CmpOp.GT, P(("x", "b")), L(1)))),
        ("true and false", ast.BoolOp("and", (L(True), L(False)))),
        ('(a == "x"\n     or b)', ast.BoolOp("or", (ast.Compare(ast.CmpOp.EQ, P(("a",)), L("x")), P(("b",))))),
        ("a and\n    b", ast.BoolOp("and", (P(("a",)), P(("b",))))),
    ],
)
def test_expressions(text: str, expected: ast.Expr) -> None:
    assert parse_expr(text) == expected


def test_the_users_line_parses_as_written() -> None:
    source = dedent('''
        term 再委託する = 再委託の有無 == "再委託する"
        matcher ISO/IEC27017 = contains "ISO/IEC27017"
        matcher domestic storage = matches "国内"
        rule R "t" {
          severity warning
          for each 委託 in 委託事項
          再委託する requires 許諾方法 with ISO/IEC27017 and domestic storage
        }
    ''')
    policy, diagnostics = parse_policy(source, "t.pia")
    assert policy is not None and not diagnostics
    requires = policy.rules[0].requires
    assert requires == ast.Requires(P(("再委託する",)), P(("許諾方法",)),
                                    (ast.MatchRef("ISO/IEC27017"), ast.MatchRef("domestic storage")))


def test_declarations_and_header() -> None:
    source = dedent('''
        # comment
        policy ENT "委託" {
          reference "番号法第10条", "番号法第11条"
          effective from 令和3年9月1日 until 2099-12-31
          applies to 重点項目評価書, 全項目評価書
          description "説明"
        }
        const 窓 = 1 year  # trailing comment
        matcher M "説明" = contains any ["a", "b"] or (matches "c" and not contains "d")
        rule X-1 "title" {
          severity 警告
          for each f in 特定個人情報ファイル
          for each t in f.委託.委託事項
          as of t.変更日
          when t.再委託の有無 is present
          require t.再委託事項 is not empty
          at t.再委託事項
          message "{f.ファイル名}: {t.番号}"
          hint "直してください"
          reference "第1条"
        }
    ''')
    policy, diagnostics = parse_policy(source, "t.pia")
    assert policy is not None and not diagnostics
    header = policy.header
    assert header is not None and header.id == "ENT" and header.references == ("番号法第10条", "番号法第11条")
    assert header.kinds == ("重点項目評価書", "全項目評価書")
    assert header.period == ast.Period(L(dt.date(2021, 9, 1)), L(dt.date(2099, 12, 31)))
    assert policy.consts == (ast.Const("窓", ast.Duration(1, ast.Unit.YEAR)),)
    matcher = policy.matchers[0]
    assert matcher.description == "説明" and isinstance(matcher.body, ast.MatchBool)
    rule = policy.rules[0]
    assert rule.severity == "warning" and [s.var for s in rule.scopes] == ["f", "t"]
    assert rule.message == "{f.ファイル名}: {t.番号}" and rule.hint == "直してください"
    assert rule.at == P(("t", "再委託事項")) and rule.as_of == P(("t", "変更日"))


@pytest.mark.parametrize(
    ("source", "code", "line", "col", "help_part"),
    [
        ('rule A "x" {\n  severty error\n  require a\n}\n', "PIA101", 2, 3, "もしかして「severity」"),
        ('rule A "x" {\n  severity error\n  message "abc\n}\n', "PIA102", 3, 11, "閉じて"),
        ('rule A "x" {\n  severity error\n  require a = 1\n}\n', "PIA101", 3, 13, "=="),
        ('rule A "x" {\n  severity error\n  require (a and\n', "PIA101", 3, 14, "ファイルの終わり"),
        ('rule A "x" {\n  severity fatal\n  require a\n}\n', "PIA208", 2, 12, "error"),
        ('rule A "x" {\n  require a\n}\n', "PIA208", 1, 6, "severity"),
        ('rule A "x" {\n  severity error\n  require d > 2023-02-29\n}\n', "PIA103", 3, 15, None),
        ('term t = a ==\n', "PIA101", 1, 12, "期待される語"),
    ],
)
def test_syntax_errors_are_located(source: str, code: str, line: int, col: int, help_part: str | None) -> None:
    _, diagnostics = parse_policy(source, "t.pia")
    assert diagnostics, "expected an error"
    d = diagnostics[0]
    assert (d.code, d.span.line, d.span.col) == (code, line, col), d.one_line()
    if help_part:
        assert help_part in (d.help or "") + d.message


def test_every_broken_block_is_reported() -> None:
    source = 'rule A "x" {\n  severty error\n}\nrule B "y" {\n  severity error\n  require (a\n}\nterm ok = 1\n'
    _, diagnostics = parse_policy(source, "t.pia")
    assert [d.span.line for d in diagnostics] == [2, 7]
