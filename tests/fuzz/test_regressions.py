"""Minimal reproducers of what the policy fuzzer found, now fixed: each test states the behaviour
we want. (A new bug the fuzzer finds gets a test here, marked xfail(strict=True) while it stands,
and an entry in pipeline.KNOWN_BUGS; both go when its fix lands.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from piarules.api import parse_policy_texts
from piarules.diagnostics import Severity
from piarules.evaluate import evaluate
from piarules.findings import Finding
from piarules.fmt import check_sound, format_policy
from tests.conftest import dedent, load_doc
from tests.fuzz.pipeline import CaseTimeout, deadline

ONE_ROW = """\
評価書の種類: 重点項目評価書
評価書名: 国民健康保険に関する事務
変更箇所:
  - {変更日: 令和6年1月31日, 項目: 委託の有無, 変更後の記載: 5件, 提出時期: 事前}
"""


# Regex patterns are printed by pretty._regex with only `"` escaped, but the lexer reads \n \t \"
# and \\ inside every "…" string. A one-line fix: escape a backslash that precedes n, t, ", \ or
# ends the pattern, and a line break as \n (or print regexes with pretty.string, at the cost of
# doubling every backslash).
@pytest.mark.parametrize("regex", ['"\\n"', '"\\\\n"', '"\\\\t"', '"a\\\\"', '"\\\\\\""', "「\\n」"],
                         ids=["newline", "backslash-n", "backslash-t", "trailing-backslash", "backslash-quote",
                              "jstring-backslash-n"])
def test_fmt_is_sound_on_regexes_with_escapes(regex: str) -> None:
    text = f'rule R "x" {{\n  severity error\n  require 文書.評価書名 matches {regex}\n}}\n'
    formatted, diagnostics = format_policy(text, "x.pia")
    assert formatted is not None, diagnostics
    assert check_sound(text, formatted, "x.pia") is None, formatted


def _nested_scopes(n: int) -> str:
    scopes = "\n".join(f"  for each s{i} in 一つ" for i in range(n))
    return f'const 一つ = ["a"]\nrule R "x" {{\n  severity error\n{scopes}\n  require s0 == "b"\n}}\n'


def _nested_quantifiers(n: int) -> str:
    head = " ".join(f"any q{i} in 一つ satisfies" for i in range(n))
    return f'const 一つ = ["a"]\nrule R "x" {{\n  severity error\n  require {head} q0 == "b"\n}}\n'


# RunEnv has MAX_SLOTS = 32 slots for scope and quantifier variables, but nothing checks the
# count: the 33rd variable raises IndexError during evaluation. Either the checker reports
# too many nested variables (a located diagnostic, like PIA104), or RunEnv sizes its slots
# from the rules.
@pytest.mark.parametrize("policy", [_nested_scopes(33), _nested_quantifiers(33)], ids=["for-each", "any"])
def test_33_nested_scopes_are_reported_or_evaluated(policy: str) -> None:
    policies = parse_policy_texts([("x.pia", policy)])
    if not policies.ok:
        assert all(d.span is not None for d in policies.diagnostics)
        return
    findings = evaluate(policies.rules, load_doc(ONE_ROW), dt.date(2026, 1, 1))
    assert [f.rule_id for f in findings] == ["R"]


# Terms are expanded where they are used (check/elaborate.py: named), so a chain of terms that
# each use the previous one twice grows as 2^n: 20 lines take minutes to check (16: ~5 s), and
# evaluation and explain are exponential too. Share the expansion of a term (memoise per scope),
# or refuse expansions beyond a size with a located diagnostic.
def test_term_chain_checks_in_linear_time() -> None:
    terms = ['term t0 = 文書.評価書名 contains "国民"'] + [f"term t{i} = t{i - 1} and t{i - 1}" for i in range(1, 24)]
    policy = "\n".join(terms) + '\nrule R "x" {\n  severity error\n  require not t23\n}\n'
    try:
        with deadline(2.0):
            policies = parse_policy_texts([("x.pia", policy)])
            if policies.ok:
                evaluate(policies.rules, load_doc(ONE_ROW), dt.date(2026, 1, 1))
    except CaseTimeout:
        pytest.fail("checking and evaluating 25 lines took more than 2 s")


# check_rule asserts that a `requires` target elaborates to a Ref ("terms may alias one"), but a
# term may name any text: `term t = text(…)` makes the assertion fail. Report it instead, e.g.
# PIA204 「requires の後には項目名 (またはそれを指す用語) を書いてください」 at the target.
@pytest.mark.parametrize("term", ["text(文書.評価書名)", '"固定の文"', "文書.評価書名 is present"])
def test_requires_target_naming_a_computed_value_is_a_diagnostic(term: str) -> None:
    policy = dedent(f"""
        term 対象 = {term}
        rule R "x" {{
          severity error
          true requires 対象
        }}
        """)
    policies = parse_policy_texts([("x.pia", policy)])
    errors = [d for d in policies.diagnostics if d.severity == Severity.ERROR]
    assert errors and all(d.span is not None and d.span.line == 4 for d in errors)


# pretty prints `not X` as `not (X)` always, so `not not … not x` (legal up to the parser's
# depth limit) gains a pair of parentheses per `not` and, past 48, `fmt` writes a file the parser
# refuses (PIA104). One line in pretty.Printer._expr: print a `not` whose operand is a `not`
# without parentheses (`not not x`).
def test_fmt_is_sound_on_long_not_chains() -> None:
    text = 'rule R "x" {\n  severity error\n  require ' + "not " * 49 + "文書.評価書名 is present\n}\n"
    formatted, diagnostics = format_policy(text, "x.pia")
    assert formatted is not None, diagnostics
    assert check_sound(text, formatted, "x.pia") is None, formatted


# Found by the document fuzzer (seed-dependent in CI until the fuzz test was derandomized): a
# finding on a row whose 出典.ファイル is not a text (unreadable) crashed with PIA500 while its
# table cell was looked up; 出典.行 in other digits (「²」) passed isdigit() but not int().
@pytest.mark.parametrize("source", ["ファイル: {a: x}\n      行: 27", "ファイル: a.tsv\n      行: '²'",
                                    "ファイル: [a]\n      行: {b: 1}"], ids=["file-mapping", "row-superscript", "both"])
def test_a_broken_source_of_a_row_with_a_finding_is_a_value_error(source: str) -> None:
    from piarules.findings import Finding
    from piarules.tables import with_origins

    doc = load_doc(f"""\
評価書の種類: 重点項目評価書
変更箇所:
  - 変更日: 令和6年1月31日
    項目: 委託の有無
    提出時期: ""
    出典:
      {source}
""")
    assert doc is not None
    row = Finding("CH-001b", Severity.ERROR, "t", "m", (), None, doc.span_of(("変更箇所", 0, "提出時期")),
                  ("変更箇所", 0, "提出時期"))
    [found] = with_origins([row], doc.tree)
    assert found.origin is None or isinstance(found.origin.file, str)


# Found by bench/fuzz.py (seed 11): a base and a combining mark NFKC leaves apart (「て〫」) were one
# entry of the step-by-step path's offset map, so the map was shorter than the text (IndexError in
# sentences()); a U+2028 in a value split a JSON Lines object for line readers; a 出典.行 of 20
# digits overflowed the xlsx writer.
@pytest.mark.parametrize("text", ["・支お🗦て〫O払", "て〫", "e\u0301x", "ｶﾞ〫"])
def test_the_offset_map_has_one_entry_per_character(text: str) -> None:
    from piarules.prose.normalize import normalize, normalize_slowly

    for n in (normalize_slowly(text), normalize.__wrapped__(text)):  # type: ignore[attr-defined]
        assert len(n.starts) == len(n.ends) == len(n.text)


def test_json_lines_stay_one_object_per_line_for_any_reader() -> None:
    import json

    from piarules.findings import DocumentResult, RunReport
    from piarules.report import OutputFormat, render

    report = RunReport([DocumentResult("a\u2028b\u2029c\x85d.yaml")])
    text = str(render(OutputFormat.JSONL, report, {}))
    lines = text.splitlines()
    assert len(lines) == 3 and json.loads(lines[1])["path"] == "a\u2028b\u2029c\x85d.yaml"


def test_a_huge_row_number_goes_to_the_findings_list_as_text() -> None:
    from piarules.findings import Origin
    from piarules.report.rows import _row

    finding = _one_finding()
    huge = 10**20
    row = _row(1, "x.yaml", replace(finding, origin=Origin("t.xlsx", huge, "変更箇所", 5, "提出時期", ("", "", "", "", "", ""))))
    from piarules.report.rows import _visible

    assert str(huge) in _visible([row])[0]


def _one_finding() -> Finding:
    from piarules.span import Span

    return Finding("CH-001b", Severity.ERROR, "t", "m", (), None, Span.point("x.yaml", 1, 1), ("変更箇所", 0))
