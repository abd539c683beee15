"""Mutation test of the bundled library: a broken copy of any rule must be caught.

For every bundled rule, mutants are made on the AST — `require → true`, `when → false`, and each
matcher the rule uses made to never match — and each must be caught either by `check` (an
error, or a never-fires diagnostic) or by the rule's own test cases under `--strict` (a failing
case, or a rule never shown to fire / to reach its requirement and pass). The score is printed;
every mutant must be caught.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from piarules import ast
from piarules.api import PolicySet, bundled_policy_dir, parse_policy_texts
from piarules.check import check_policies
from piarules.compile import compile_rules
from piarules.testing import Case, find_test_files, load_test_file, run_tests

NEVER = ast.MatchText(ast.TextOp.CONTAINS, ("\ufdd0この文字列はどこにもない\ufdd0",))


def _bundled() -> list[ast.PolicyFile]:
    sources = [(str(p), p.read_text(encoding="utf-8")) for p in sorted(bundled_policy_dir().glob("*.pia"))]
    return parse_policy_texts(sources).files


def _cases() -> list[Case]:
    return [c for f in find_test_files([bundled_policy_dir() / "tests"]) for c in load_test_file(f)]


def _replace_rule(policy: ast.PolicyFile, rule: ast.Rule, body: tuple[ast.Statement, ...]) -> ast.PolicyFile:
    items = tuple(dataclasses.replace(i, body=body) if i is rule else i for i in policy.items)
    return dataclasses.replace(policy, items=items)


def _matchers_used(rule: ast.Rule) -> list[str]:
    from piarules.walk import statement_exprs, walk

    names = [n.matcher for s in rule.body for e in statement_exprs(s) for n in walk(e) if isinstance(n, ast.MatcherTest)]
    if rule.requires is not None:
        names += [m.name for m in rule.requires.matchers]
    return list(dict.fromkeys(names))


def mutants(policy: ast.PolicyFile) -> Iterator[tuple[str, str, ast.PolicyFile]]:
    """(rule id, mutation, mutated policy file) for every rule of the file."""
    for rule in policy.rules:
        require_true = tuple(ast.RequireStmt(ast.Literal(True)) if isinstance(s, ast.RequireStmt | ast.Requires)
                             else s for s in rule.body)
        yield rule.id, "require → true", _replace_rule(policy, rule, require_true)
        if rule.when is not None:
            when_false = tuple(ast.WhenStmt(ast.Literal(False)) if isinstance(s, ast.WhenStmt) else s for s in rule.body)
            yield rule.id, "when → false", _replace_rule(policy, rule, when_false)
        for name in _matchers_used(rule):
            items = tuple(dataclasses.replace(i, body=NEVER) if isinstance(i, ast.MatcherDef) and i.name == name else i
                          for i in policy.items)
            yield rule.id, f"matcher {name} never matches", dataclasses.replace(policy, items=items)


def caught(rule_id: str, files: list[ast.PolicyFile], cases: list[Case]) -> bool:
    checked = check_policies(files)
    if not checked.ok or any(d.code == "PIA205" for d in checked.diagnostics):
        return True
    policies = PolicySet(files=files, check=checked, rules=compile_rules(checked))
    own = [c for c in cases if rule_id in c.named_rules()]
    report = run_tests(policies, own)
    return report.failed > 0 or rule_id in (report.never_fired + report.never_quiet + report.never_reached)


def test_every_mutant_of_every_bundled_rule_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    files = _bundled()
    cases = _cases()
    survivors: list[str] = []
    total = 0
    for index, policy in enumerate(files):
        for rule_id, mutation, mutated in mutants(policy):
            total += 1
            if not caught(rule_id, [*files[:index], mutated, *files[index + 1:]], cases):
                survivors.append(f"{rule_id}: {mutation}")
    with capsys.disabled():
        print(f"\nmutation score: {total - len(survivors)}/{total} mutants caught")
    assert total >= sum(1 + (r.when is not None) for p in files for r in p.rules)
    assert survivors == [], "mutants not caught:\n" + "\n".join(survivors)


def test_the_unmutated_library_is_not_caught() -> None:
    """The harness itself: without a mutation nothing is caught (so a catch means something)."""
    files = _bundled()
    cases = _cases()
    assert [r.id for p in files for r in p.rules if caught(r.id, files, cases)] == []
