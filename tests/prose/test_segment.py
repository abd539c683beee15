"""segment: sentence and clause boundaries (the rules of the module docstring)."""

from __future__ import annotations

import pytest

from piarules.prose.segment import segment


def sentences(text: str) -> list[str]:
    seg = segment(text)
    return [seg.text_of(s) for s in seg.sentences]


def clauses(text: str) -> list[str]:
    seg = segment(text)
    return [seg.text_of(c) for c in seg.clauses]


@pytest.mark.parametrize(("text", "expected"), [
    ("重要な変更に当たる。事前に提出する。", ["重要な変更に当たる。", "事前に提出する。"]),
    ("重要な変更に当たる\n事前に提出する", ["重要な変更に当たる", "事前に提出する"]),
    ("・取得していること ・保管を条件としていること", ["・取得していること", "・保管を条件としていること"]),
    ("CSマーク・ゴールドの認証", ["CSマーク・ゴールドの認証"]),
    ("①国内で保管し、②国外では保管しない", ["①国内で保管し、", "②国外では保管しない"]),
    ("以下の①及び②に該当しない", ["以下の①及び②に該当しない"]),
    ("(1)国内 (2)国外", ["(1)国内", "(2)国外"]),
    ("1.資格管理ファイル 2.基本情報", ["1.資格管理ファイル", "2.基本情報"]),
    ("第1.5条", ["第1.5条"]),
    ("本当か?はい", ["本当か?", "はい"]),
    ("", []),
])
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("軽減させるため、重要な変更には当たらない", ["軽減させるため、", "重要な変更には当たらない"]),
    ("当たらないが、事前に提出する", ["当たらないが、", "事前に提出する"]),
    ("事業者が、保管する", ["事業者が、保管する"]),
    ("保管場所は、日本国内とし、国外には保管しない", ["保管場所は、日本国内とし、", "国外には保管しない"]),
    ("国外、海外には保管しない", ["国外、海外には保管しない"]),
    ("中間サーバーにおいて、保管する", ["中間サーバーにおいて、保管する"]),
    ("確認して、許諾する", ["確認して、", "許諾する"]),
    ("許諾を得ず、再委託した", ["許諾を得ず、", "再委託した"]),
    ("重要な変更ではなく、軽微な修正", ["重要な変更ではなく、", "軽微な修正"]),
    ("承認しない場合は、再委託できない", ["承認しない場合は、", "再委託できない"]),
    ("変更のため重要な変更に当たらない", ["変更のため", "重要な変更に当たらない"]),
    ("保管のための措置", ["保管のための措置"]),
    ("もので国内", ["もので国内"]),
    ("取扱い、保管", ["取扱い、保管"]),
    ("国外から、持ち込む", ["国外から、持ち込む"]),
    ("基づき、許諾する", ["基づき、", "許諾する"]),
])
def test_clauses(text: str, expected: list[str]) -> None:
    assert clauses(text) == expected


def test_lookup_by_offset() -> None:
    seg = segment("国内で保管し、国外では保管しない。次の文")
    clause = seg.clause_at(9)
    assert clause is not None and seg.text_of(clause) == "国外では保管しない。"
    sentence = seg.sentence_at(1)
    assert sentence is not None and seg.text_of(sentence).startswith("国内")
    assert seg.clause_at(999) is None
