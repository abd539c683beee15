"""Bad input never raises: arbitrary text through the policy and document pipelines."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piarules.api import parse_policy_texts
from piarules.document import load_document_text

POLICY_ALPHABET = st.sampled_from(list('rule policy term const matcher severity error for each in when require requires '
                                       'with message at as of {}()[]"「」=<>!.,+-#\n 0123456789 再委託の有無 変更箇所 '
                                       '行 事前 and or not is present empty any all count satisfies where 2024-01-31 1 year'))
YAML_ALPHABET = st.sampled_from(list("評価書の種類: 重点項目評価書\n- 変更箇所 変更日 令和1年6月18日 提出時期 事前 "
                                     "{}[]&*!|>'\"#%@`,?:-\t\n  0123456789abc"))

settings.register_profile("robust", suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=int(os.environ.get("PIARULES_FUZZ_EXAMPLES", "150")))
settings.load_profile("robust")


@given(st.lists(POLICY_ALPHABET, max_size=80).map("".join))
def test_any_policy_text_gives_diagnostics_not_exceptions(text: str) -> None:
    result = parse_policy_texts([("fuzz.pia", text)])
    for d in result.diagnostics:
        assert d.code.startswith("PIA") and d.message


@given(st.lists(YAML_ALPHABET, max_size=120).map("".join))
def test_any_yaml_text_gives_diagnostics_not_exceptions(text: str) -> None:
    doc, diagnostics = load_document_text(text, "fuzz.yaml")
    assert doc is not None or diagnostics
    for d in diagnostics:
        assert d.code.startswith("PIA") and d.span is not None
