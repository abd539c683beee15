"""Generated rule code (codegen.py) against the closures alone (compile.py, evaluate.py runners):
the same findings, field by field and in order, on every corpus document, and the same value for
each expression shape in three-valued logic. The policy fuzzer compares the two on every
generated policy too (tests/fuzz/pipeline.py, stage "codegen")."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from functools import cache

import pytest

from piarules.api import PolicySet, bundled_policy_dir, load_policies
from piarules.check import CheckResult, check_policies
from piarules.codegen import MAX_DEPTH, generate, loopable
from piarules.compile import compile_expr, compile_rules
from piarules.document import Document, load_document, load_document_text
from piarules.evaluate import evaluate
from piarules.runtime import RunEnv
from piarules.syntax import parse_policy
from piarules.values import MISSING, Unreadable
from tests.conftest import ROOT
from tests.fuzz.pipeline import closures_only, generated_after, small_documents

sys.path.insert(0, str(ROOT / "bench"))

from documents import document_text

AS_OF = dt.date(2026, 4, 1)
CORPORA = ("bench/devset", "bench/heldout", "bench/heldout2", "bench/heldout3", "examples")
POLICY_SETS = {"bundled": bundled_policy_dir(), "bench": ROOT / "bench" / "policies"}


@pytest.fixture(autouse=True)
def generated_at_once() -> Iterator[None]:
    """Rules build their generated code on their first document here (closures_only: never)."""
    with generated_after(0):
        yield


@cache
def corpus() -> tuple[Document, ...]:
    """Every document of the development and held-out sets and the example, generated benchmark
    documents, and small documents with unreadable values."""
    out: list[Document] = []
    for folder in CORPORA:
        for path in sorted((ROOT / folder).rglob("*.yaml")):
            if path.name in ("expected.yaml", "inject.yaml", "kinds.yaml") or "policies" in path.parts:
                continue
            document, _ = load_document(path)
            if document is not None:
                out.append(document)
    for seed in range(6):
        document, _ = load_document_text(document_text(seed), f"bench-{seed}.yaml")
        assert document is not None
        out.append(document)
    out += small_documents(0, 8, 0.3)
    return tuple(out)


@cache
def both(name: str) -> tuple[PolicySet, PolicySet]:
    """The policy set compiled with generated code, and with closures only."""
    generated, plain = load_policies([POLICY_SETS[name]]), load_policies([POLICY_SETS[name]])
    assert generated.ok and plain.ok
    return generated, plain


def test_the_corpus_has_documents_of_every_kind_and_unreadable_values() -> None:
    documents = corpus()
    assert len(documents) >= 60
    assert {d.kind for d in documents} >= {"基礎項目評価書", "重点項目評価書", "全項目評価書"}
    assert sum(1 for d in documents if d.unreadable) >= 5


@pytest.mark.parametrize("name", sorted(POLICY_SETS))
def test_generated_code_gives_the_closures_findings_on_every_document(name: str) -> None:
    generated, plain = both(name)
    fired = 0
    for document in corpus():
        for as_of in (AS_OF, dt.date(2019, 4, 1)):
            got = evaluate(generated.rules, document, as_of)
            with closures_only():
                expected = evaluate(plain.rules, document, as_of)
            assert got == expected, document.path
            fired += len(got)
    assert fired > 100


def _is_generated(runner: object) -> bool:
    """The runner is generated code, or wraps it (a guard tested once per document)."""
    def generated(fn: object) -> bool:
        code = getattr(fn, "__code__", None)
        return code is not None and code.co_filename.startswith("<piarules ")

    cells = getattr(runner, "__closure__", None) or ()
    return generated(runner) or any(generated(cell.cell_contents) for cell in cells)


def test_one_loop_rules_run_as_generated_code() -> None:
    """The comparison above is between two implementations: every one-loop rule's runner is
    generated (a third of the library or more), none with closures_only."""
    generated, plain = both("bundled")
    for document in corpus():  # every rule runs (a rule limited to kinds runs on its kinds only)
        evaluate(generated.rules, document, AS_OF)
        with closures_only():
            evaluate(plain.rules, document, AS_OF)
    loops = [r for r in generated.rules if loopable(r)]
    assert len(loops) >= len(generated.rules) // 3
    assert all(_is_generated(r.runner) for r in loops)
    assert not any(_is_generated(r.runner) for r in plain.rules)
    others = [r for r in generated.rules if not loopable(r) and r.require is not None]
    assert others and all(r.require.__code__.co_filename.startswith("<piarules ") for r in others)  # type: ignore[union-attr]


# ---------------------------------------------------------------- expressions, value by value

ROW_VALUES = [MISSING, None, "事前", "事 後", "事後", "", "該当なし", 3, 0, dt.date(2024, 1, 31),
              Unreadable("頃", "読めない", ("変更箇所", 0, "提出時期")), ["a"], {"x": 1}]
EXPRESSIONS = [
    '行.提出時期 == "事後"', '行.提出時期 != "事後"', "行.変更日 < 2024-02-01", "行.変更日 >= 行.変更日",
    '行.提出時期 in ["事前", "事後"]', '行.提出時期 not in ["事前", 3]', '行.提出時期 contains "事"',
    '行.提出時期 contains any ["前", "後"]', '行.提出時期 contains all ["事", "後"]', '行.提出時期 matches "事.?後"',
    "not (行.提出時期 matches \"後$\")", "行.提出時期 is empty", "行.提出時期 is not empty", "行.提出時期 is present",
    "行.提出時期 is absent", '行.提出時期 == "事後" and 行.変更日 < 2024-02-01',
    '行.提出時期 == "事後" or 行.変更日 < 2024-02-01 or 行.提出時期 is empty',
    'not (行.提出時期 == "事前" and not (行.提出時期 contains "後"))', "date(行.提出時期) > 2020-01-01",
    "count(変更箇所) > 1", "行.変更日 + 1 year > 基準日", '"事後" == 行.提出時期', "2023-05-01 != 行.変更日",
    "行.変更日 == 2023-05-01", "2024-01-01 <= 行.変更日", '"事後" == "事後"', "2 == count(変更箇所)", "count(変更箇所) != 2",
    # repeated parts: computed once where every way to them computed them before
    '行.提出時期 == "事後" or (行.提出時期 is empty and not (行.提出時期 contains "前"))',
    '(行.変更日 < 2024-02-01 or 行.提出時期 is empty) and 行.変更日 >= 2020-01-01 and date(行.提出時期) < 行.変更日',
    'count(変更箇所) > 1 and (行.提出時期 is empty or count(変更箇所) < 2) and text(行.提出時期) contains "事"',
]


def _env(value: object, date: object) -> RunEnv:
    env = RunEnv({"変更箇所": [{"提出時期": value}, {"変更日": date}]}, AS_OF)
    env.values[0] = {"提出時期": value, "変更日": date}
    return env


def _checked(text: str) -> CheckResult:
    """A policy text parsed and checked, clean."""
    policy, diagnostics = parse_policy(text, "t.pia")
    assert policy is not None, diagnostics
    result = check_policies([policy])
    assert result.ok, [d.one_line() for d in result.diagnostics]
    return result


@cache
def _compiled(expression: str) -> tuple[object, object, str]:
    text = f'rule R "x" {{\n  severity error\n  for each 行 in 変更箇所\n  require {expression}\n}}\n'
    result = _checked(text)
    rule = compile_rules(result)[0]
    assert rule.context is not None and rule.checked.require is not None
    node = rule.checked.require
    return generate(node, rule.context), compile_expr(node, rule.context), type(node).__name__


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_each_expression_shape_has_the_closures_value(expression: str) -> None:
    generated, closure, _ = _compiled(expression)
    for value in ROW_VALUES:
        for date in (dt.date(2023, 5, 1), MISSING, ROW_VALUES[-3]):
            a, b = generated(_env(value, date)), closure(_env(value, date))  # type: ignore[operator]
            assert type(a) is type(b) and a == b, (value, date, a, b)


def test_an_and_of_more_operands_than_the_nesting_bound_is_generated_by_closure() -> None:
    operands = " and ".join(['行.提出時期 != "事前"'] * (MAX_DEPTH * 3))
    generated, closure, kind = _compiled(operands)
    assert kind == "BoolOp"
    for value in ROW_VALUES:
        assert generated(_env(value, MISSING)) == closure(_env(value, MISSING))  # type: ignore[operator]


def test_generated_source_names_its_rule() -> None:
    generated, _ = both("bench")
    rule = next(r for r in generated.rules if r.checked.id == "B-CH-02")
    evaluate([rule], corpus()[0], AS_OF)
    assert rule.runner is not None and rule.runner.__code__.co_filename == "<piarules B-CH-02>"


DATED_DOCUMENT = """評価書の種類: 基礎項目評価書
評価実施機関名: 横浜市長
公表日: 2025-04-01
変更箇所:
""" + "".join(f"""  - 変更日: {day}
    項目: 委託の有無
    変更前の記載: 新
    変更後の記載: {text}
    提出時期: 事後
""" for day, text in (("令和元年頃", "旧の記載"), ("2025-01-01", "旧の記載"), ("2020-01-01", "旧の記載"),
                      ("令和元年頃", "新の記載"), ("2025-02-01", "新の記載")))


@pytest.mark.parametrize("period", ["", "  effective from 2024-01-31\n", "  effective until 2024-01-31\n"])
def test_a_row_dated_by_an_unreadable_date_is_judged_alike(period: str) -> None:
    """Rows judged as of their own 変更日: an unreadable one is undecided in a rule limited to a
    period and judged without the date otherwise; a date outside the period skips the row."""
    text = (f'rule R "x" {{\n  severity error\n  for each 行 in 変更箇所\n  as of 行.変更日\n{period}'
            '  require not (行.変更後の記載 matches "旧")\n}\n')
    result = _checked(text)
    document, _ = load_document_text(DATED_DOCUMENT, "dated.yaml")
    assert document is not None and document.unreadable
    generated, plain = compile_rules(result), compile_rules(result)
    with closures_only():
        expected = evaluate(plain, document, AS_OF)
    got = evaluate(generated, document, AS_OF)
    assert got == expected
    assert generated[0].runner is not None and generated[0].runner.__code__.co_filename == "<piarules R>"
    undecided = [f.path for f in got if f.undecided]
    assert undecided == ([("変更箇所", 0, "変更日")] if period else [])
    assert [f.path for f in got if not f.undecided] == {
        "": [("変更箇所", i, "変更後の記載") for i in (0, 1, 2)],
        "  effective from 2024-01-31\n": [("変更箇所", 1, "変更後の記載")],
        "  effective until 2024-01-31\n": [("変更箇所", 2, "変更後の記載")]}[period]


@pytest.mark.parametrize(("when", "require"), [
    ("previous(変更箇所, 行).変更日 is present", "行.変更日 >= previous(変更箇所, 行).変更日"),
    ('行.提出時期 == "事後" and previous(変更箇所, 行).変更日 < 行.変更日', "previous(変更箇所, 行).提出時期 != 行.提出時期"),
    ('行.提出時期 == "事後" or previous(変更箇所, 行).変更日 < 行.変更日', "previous(変更箇所, 行).提出時期 != 行.提出時期"),
    ('行.提出時期 == "事後" or (行.提出時期 == "事前" and previous(変更箇所, 行).変更日 < 行.変更日)',
     "previous(変更箇所, 行).提出時期 != 行.提出時期"),
    ('previous(変更箇所, 行).変更日 < 行.変更日 and (行.提出時期 is empty or previous(変更箇所, 行).提出時期 is empty)',
     "previous(変更箇所, 行).提出時期 is empty"),
])
def test_a_part_shared_by_when_and_require_gives_the_closures_findings(when: str, require: str) -> None:
    """`when` parts reused by `require` (computed once): the findings stay the closures' on
    every document, unreadable dates and choices included."""
    text = f'rule R "x" {{\n  severity error\n  for each 行 in 変更箇所\n  when {when}\n  require {require}\n}}\n'
    result = _checked(text)
    generated, plain = compile_rules(result), compile_rules(result)
    found = 0
    for document in corpus():
        with closures_only():
            expected = evaluate(plain, document, AS_OF)
        got = evaluate(generated, document, AS_OF)
        assert got == expected, document.path
        found += len(got)
    assert found > 0


def test_a_rule_runs_as_closures_on_its_first_document_and_generated_from_the_next() -> None:
    """One document from the command line does not pay for generating code it would not win back."""
    with generated_after(1):
        rules = load_policies([POLICY_SETS["bench"]]).rules
        rule = next(r for r in rules if r.checked.id == "B-CH-02")
        first = evaluate([rule], corpus()[0], AS_OF)
        assert rule.runner is not None and not rule.runner.__code__.co_filename.startswith("<piarules ")
        second = evaluate([rule], corpus()[0], AS_OF)
        assert rule.runner.__code__.co_filename == "<piarules B-CH-02>"
        assert first == second
