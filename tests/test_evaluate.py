"""Evaluation semantics: missing values, emptiness, normalisation, dates, bands, quantifiers."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import findings

DOC = """
評価書の種類: 重点項目評価書
評価実施機関名: 墨田区長
公表日: 令和6年1月31日
基本情報:
  事務:
    事務の内容: (空欄)
    対象人数: 1万人以上10万人未満
特定個人情報ファイル:
  - 番号: 1
    ファイル名: 資格管理ファイル
    委託:
      委託の有無: 3件
      委託事項:
        - 番号: 1
          再委託の有無: 再委託する
          再委託の許諾方法: ＩＳＯ／ＩＥＣ　２７０１７を取得し、日本国内でのデータ保管を条件とする
          再委託事項: 運用
        - 番号: 2
          再委託の有無: 再委託する
          再委託の許諾方法: 書面で申請を受け許諾する
        - 番号: 3
          再委託の有無: 再委託しない
変更箇所:
  - 変更日: 令和1年6月18日
    項目: 対象人数
    変更前の記載: 10万人以上30万人未満
    変更後の記載: 1万人以上10万人未満
    提出時期: 事後
  - 変更日: 令和3年6月10日
    項目: 法令上の根拠
    変更前の記載: —
    変更後の記載: 番号法第19条第7号
    提出時期: 事前
"""

USERS_POLICY = """
term 再委託する = 再委託の有無 == "再委託する"
term 許諾方法 = 再委託の許諾方法
matcher ISO/IEC27017 "ISO/IEC 27017 または CSマーク・ゴールド" = contains any ["ISO/IEC27017", "CSマーク・ゴールド"]
matcher domestic storage "日本国内でのデータ保管" = matches "日本国内.{0,6}保管"
rule CLOUD "クラウド再委託" {
  severity warning
  for each ファイル in 特定個人情報ファイル
  for each 委託 in ファイル.委託.委託事項
  再委託する requires 許諾方法 with ISO/IEC27017 and domestic storage
}
"""


def test_the_users_line_means_what_it_says() -> None:
    found = findings(USERS_POLICY, DOC)
    # 委託事項1 satisfies both matchers (full-width text); 2 names neither; 3 does not re-entrust.
    assert [(f.rule_id, f.path_text, f.span.line) for f in found] == [
        ("CLOUD", "特定個人情報ファイル[0].委託.委託事項[1].再委託の許諾方法", 20),
    ]
    assert "「ISO/IEC 27017 または CSマーク・ゴールド」" in found[0].message
    assert "「日本国内でのデータ保管」" in found[0].message


def test_requires_reports_a_missing_field_at_its_parent() -> None:
    doc = DOC.replace("          再委託の許諾方法: 書面で申請を受け許諾する\n", "")
    (found,) = findings(USERS_POLICY, doc)
    assert found.missing_key == "再委託の許諾方法" and found.span.line == 18
    assert "再委託の許諾方法" in found.message


def fires(condition: str, doc: str = DOC, as_of: dt.date | None = None) -> bool:
    policy = f'rule R "t" {{\n  severity error\n  require not ({condition})\n}}\n'
    return bool(findings(policy, doc, as_of))


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ('評価書の種類 == "重点項目評価書"', True),
        ('評価実施機関名 == "墨田区長 "', True),  # whitespace-insensitive equality
        ("公表日 == 2024-01-31", True),
        ('公表日 == "令和６年１月３１日"', True),
        ("公表日 > 令和5年12月31日", True),
        ("公表日 - 1 year == 2023-01-31", True),
        ("公表日 + 1 month == 2024-02-29", True),  # end of month clamps
        ("公表日 > 基準日", False),  # as of 2026-01-01
        ("基本情報.事務.事務の内容 is empty", True),  # (空欄) is empty
        ("基本情報.事務.事務の内容 is present", True),
        ("基本情報.事務.事務の概要 is absent", True),
        ("基本情報.事務.事務の概要 is empty", True),
        ('基本情報.事務.事務の概要 == "x"', False),  # a missing value equals nothing...
        ('基本情報.事務.事務の概要 != "x"', False),  # ...and differs from nothing
        ("基本情報.事務.対象人数 >= 10000", True),
        ("基本情報.事務.対象人数 < 100000", True),
        ("基本情報.事務.対象人数 < 99999", False),
        ('基本情報.事務.対象人数 < "10万人以上30万人未満"', True),
        ('基本情報.事務.対象人数 == "1万人以上10万人未満"', True),
        ("lower(基本情報.事務.対象人数) == 10000", True),
        ("number(特定個人情報ファイル[0].委託.委託の有無) == 3", True),
        ("count(特定個人情報ファイル[0].委託.委託事項) == 3", True),
        ('any f in 特定個人情報ファイル satisfies f.ファイル名 contains "資格"', True),
        ('all t in 特定個人情報ファイル[0].委託.委託事項 satisfies t.再委託の有無 == "再委託する"', False),
        ('(count t in 特定個人情報ファイル[0].委託.委託事項 where t.再委託の有無 == "再委託する") == 2', True),
        ('特定個人情報ファイル[0].委託.委託事項[0].再委託の許諾方法 contains "ISO/IEC 27017"', True),
        ('特定個人情報ファイル[0].委託.委託事項[0].再委託の許諾方法 contains all ["ISO", "国内"]', True),
        ('特定個人情報ファイル[0].委託.委託事項[0].再委託の許諾方法 matches "ISO/IEC 27017"', True),
        ('評価書の種類 in ["基礎項目評価書", "重点項目評価書"]', True),
        ('評価書の種類 not in ["基礎項目評価書"]', True),
        ("first_date(\"(平成30年12月14日発覚)\") == 2018-12-14", True),
        ('same("令和1年6月18日.", "令和元年6月18日")', True),
        ('previous(変更箇所, 変更箇所[1]).変更日 == 2019-06-18', True),
        ('count(sentences("被保険者証（短期を含む。）を交付する。以上。")) == 2', True),  # 。 in ( ) does not cut
        ('count(citations("番号法第19条第7号及び第8号")) == 2', True),
        ('"重要な変更には当たらない" denies 重要な変更', True),
        ('"重要な変更には当たらない" states 重要な変更', False),
        ('"保管場所は日本国内とする" states together 日本国内, 保管', True),
    ],
)
def test_semantics(condition: str, expected: bool) -> None:
    assert fires(condition) is expected


def test_scopes_point_at_each_item_and_as_of_uses_the_row_date() -> None:
    policy = """
    rule LAW "第7号" {
      severity error
      for each 行 in 変更箇所
      as of 行.変更日
      effective from 2021-09-01
      require not (行.変更後の記載 contains "第19条第7号")
    }
    """
    assert findings(policy, DOC) == []  # the row is dated 令和3年6月10日, before the renumbering
    later = DOC.replace("令和3年6月10日", "令和4年6月10日")
    (found,) = findings(policy, later)
    assert found.path_text == "変更箇所[1].変更後の記載" and found.span.line == 32


def test_texts_in_force_exclude_the_history() -> None:
    policy = """
    rule T "t" {
      severity error
      for each 記載 in 本文
      as of written_on(記載)
      require not (記載 contains "10万人以上30万人未満")
    }
    """
    assert findings(policy, DOC) == []  # only in 変更前の記載, which is history


def test_message_templates_and_findings_are_sorted() -> None:
    policy = """
    rule M "t" {
      severity info
      for each 行 in 変更箇所
      require false
      message "{行.変更日}: {行.項目} ({count(変更箇所)}件中)"
    }
    """
    found = findings(policy, DOC)
    assert [f.message for f in found] == ["令和1年6月18日: 対象人数 (2件中)", "令和3年6月10日: 法令上の根拠 (2件中)"]
    assert [f.span.line for f in found] == sorted(f.span.line for f in found)


def test_applies_to_skips_other_kinds() -> None:
    policy = """
    rule K "t" {
      severity error
      applies to 基礎項目評価書
      require false
    }
    """
    assert findings(policy, DOC) == []


@pytest.mark.parametrize(("inner", "dateless"), [
    ("citations(記載)", True),           # read without the date: an empty one skips the item early
    ("old_names(記載, 基準日)", False),  # reads the judging date: computed after it
])
def test_an_empty_inner_collection_is_skipped_only_when_it_does_not_read_the_date(inner: str, dateless: bool) -> None:
    from tests.conftest import compile_policy

    policy = f"""
    rule D "d" {{
      severity warning
      for each 記載 in 本文
      as of written_on(記載)
      effective from 2021-09-01
      for each x in {inner}
      require false
    }}
    """
    (rule,) = compile_policy(policy).rules
    assert rule.dateless_after_date is dateless
    fired = findings(policy, DOC.replace("令和3年6月10日", "令和4年6月10日"))
    if dateless:  # the change row's 変更後の記載 cites 第19条第7号: still found through the early test
        assert [f.path_text for f in fired] == ["変更箇所[1].変更後の記載"]


_GUARDED = """
rule G "g" {{
  severity warning
  for each 記載 in 本文
  for each 文 in sentences(記載)
  when {head} and 文 contains "番号法"
  require false
}}
"""


@pytest.mark.parametrize(("head", "guarded", "fires"), [
    ('評価書の種類 == "重点項目評価書"', True, True),
    ('評価書の種類 == "全項目評価書"', True, False),          # false for the document: no text is cut
    ('評価実施機関名 is present and 公表日 < 2020-01-01', True, False),  # the head may be several conjuncts
    ('文 contains "第19条"', False, True),                   # reads the item: no guard
    ('基準日 >= 2020-01-01', True, True),                    # the run's date: the same for every item
])
def test_a_when_whose_head_reads_no_item_is_tested_once(head: str, guarded: bool, fires: bool) -> None:
    """`when A and B(item)` with A false for the document: every item's `when` is false, so the
    loops are not run (sentences() is never called); true or unknown, they run as before."""
    from piarules import textcache
    from piarules.builtins import _split_sentences
    from tests.conftest import compile_policy

    policy = _GUARDED.format(head=head)
    (rule,) = compile_policy(policy).rules
    assert (rule.guard is not None) is guarded
    textcache.clear()
    fired = findings(policy, DOC)
    assert bool(fired) is fires
    assert (_split_sentences.cache_info().misses == 0) is (guarded and not fires)


def test_a_dated_rule_keeps_a_head_that_reads_its_date_per_item() -> None:
    """With `as of` per row, 基準日 differs per item: such a conjunct is not a guard."""
    from tests.conftest import compile_policy

    policy = """
    rule G "g" {
      severity warning
      for each 行 in 変更箇所
      as of 行.変更日
      when 基準日 < 2021-01-01 and 行.提出時期 == "事後"
      require false
    }
    """
    (rule,) = compile_policy(policy).rules
    assert rule.guard is None  # as a guard it would be false on the run's date (2026) and hide the 2019 row
    assert [f.path_text for f in findings(policy, DOC)] == ["変更箇所[0].提出時期"]


def test_guards_change_no_finding_of_the_libraries() -> None:
    """Every corpus document, the bundled and the benchmark policies: the same findings with the
    guards and without them (the loops judging every item). Sets of its own: the compiled rules
    keep state (runners, runs)."""
    from piarules.api import load_policies
    from tests.test_codegen import AS_OF, POLICY_SETS, corpus

    for name, folder in sorted(POLICY_SETS.items()):
        guarded, unguarded = load_policies([folder]), load_policies([folder])
        for rule in unguarded.rules:
            rule.guard = None
        assert name == "bench" or sum(r.guard is not None for r in guarded.rules) >= 4
        for document in corpus():
            assert _run(guarded, document, AS_OF) == _run(unguarded, document, AS_OF), document.path


def _run(policies: object, document: object, as_of: dt.date) -> list[object]:
    from piarules.evaluate import evaluate

    return list(evaluate(policies.rules, document, as_of))  # type: ignore[attr-defined]


def test_an_unknown_head_runs_the_loops_and_reports_what_it_could_not_check() -> None:
    """A head that cannot be read (公表日 unreadable) is not false: each item is judged, and the
    items its `when` would hold for are reported as undecided."""
    fired = findings(_GUARDED.format(head="公表日 < 2020-01-01"), DOC.replace("令和6年1月31日", "令和6年頃"))
    assert fired and all(f.undecided is not None for f in fired)


def test_a_finding_dropped_on_an_unknown_date_is_not_reused_for_a_later_row() -> None:
    """Two rows reported at one place (`at 公表日`): the first, dated unreadably, is judged into
    a list of its own and replaced by an undecided finding (the rule has a period); the second
    row's finding is its own, with its own message."""
    policy = """
    rule P "p" {
      severity warning
      for each 行 in 変更箇所
      as of 行.変更日
      effective from 2019-01-01
      require 行.提出時期 == "事前"
      at 公表日
      message "{行.変更後の記載} の変更は事後"
    }
    """
    doc = DOC.replace("令和1年6月18日", "令和頃").replace("提出時期: 事前", "提出時期: 事後")
    fired = findings(policy, doc)
    assert [(f.path_text, f.undecided is not None) for f in fired] == [("公表日", False), ("変更箇所[0].変更日", True)]
    assert fired[0].message == "番号法第19条第7号 の変更は事後"


def test_the_sentence_prefilter_changes_no_finding_of_the_libraries() -> None:
    """`for each 文 in sentences(記載) when … 文 states together …` (LAW-013): a text none of whose
    sentences can hold the phrase is skipped before it is cut. The same findings with and without
    the prefilter on every corpus document (LAW-013 fires on six of them)."""
    from piarules.api import load_policies
    from tests.test_codegen import AS_OF, POLICY_SETS, corpus

    for folder in POLICY_SETS.values():
        filtered, plain = load_policies([folder]), load_policies([folder])
        for rule in plain.rules:
            rule.may_match = None
        for document in corpus():
            assert _run(filtered, document, AS_OF) == _run(plain, document, AS_OF), document.path


_SENTENCE_RULE = """
rule S "s" {
  severity warning
  for each 記載 in 本文
  for each 文 in sentences(記載)
  when 文 states together ["保険証"], ["交付"]
  require 文 mentions ["経過措置"]
}
"""


def test_a_text_that_cannot_hold_the_phrase_is_not_cut_into_sentences() -> None:
    from piarules import textcache
    from piarules.builtins import _split_sentences
    from tests.conftest import compile_policy

    (rule,) = compile_policy(_SENTENCE_RULE).rules
    assert rule.may_match is not None and rule.may_match[0] == 1
    textcache.clear()
    assert findings(_SENTENCE_RULE, DOC) == []
    assert _split_sentences.cache_info().misses == 0  # no text of DOC names 保険証
    doc = DOC.replace("書面で申請を受け許諾する", "申請を受け許諾する。保険証を交付する")
    fired = findings(_SENTENCE_RULE, doc)
    assert [f.path_text for f in fired] == ["特定個人情報ファイル[0].委託.委託事項[1].再委託の許諾方法"]
    assert _split_sentences.cache_info().misses > 0


@pytest.mark.parametrize("when", [
    'not (文 states together ["保険証"], ["交付"])',  # a negated test rules nothing out
    '文 states together ["ISO/IEC 27017"], ["交付"] or 記載 contains "x"',  # not a conjunct
])
def test_no_prefilter_where_a_sentence_without_the_phrase_could_still_be_reported(when: str) -> None:
    from tests.conftest import compile_policy

    policy = _SENTENCE_RULE.replace('when 文 states together ["保険証"], ["交付"]', f"when {when}")
    (rule,) = compile_policy(policy).rules
    assert rule.may_match is None
