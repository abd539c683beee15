"""piarules.document.body: the corpora of 評価実施機関名 (names.yaml) and self-names (self_names.yaml),
the inference of a body from a document's text, and the data file (bodies.yaml) and its extensions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piarules.document.body import body_of, infer_body, leading_body, self_names, usual_self_name
from piarules.document.body_table import KINDS, default_body_table, load_body_table
from piarules.document.loader import load_yaml
from piarules.runtime import TextLeaf
from piarules.vocabulary import vocabulary_for

HERE = Path(__file__).parent


def corpus(name: str) -> list[Any]:
    path = HERE / name
    loaded = load_yaml(path.read_text(encoding="utf-8"), str(path))
    cases = loaded.data["cases"]
    return [pytest.param(c, id=f"{name}:{loaded.source_map.span_of(('cases', i)).line}:{c['text'][:12]}")
            for i, c in enumerate(cases)]


def test_corpora_are_large_and_every_case_says_its_source() -> None:
    for name, minimum in (("names.yaml", 60), ("self_names.yaml", 60)):
        cases = [p.values[0] for p in corpus(name)]
        assert len(cases) >= minimum, name
        assert all(c.get("source") for c in cases), name
    traps = [p.values[0] for p in corpus("self_names.yaml") if not p.values[0]["expect"]]
    assert len(traps) >= 25


_NAME_FIELDS = {"name": "name", "kind": "kind", "organ": "organ", "person": "person", "pref": "prefecture",
                "dept": "department", "expected": "expected"}


@pytest.mark.parametrize("case", corpus("names.yaml"))
def test_names(case: dict[str, Any]) -> None:
    found = body_of(case["text"])
    if case.get("none"):
        assert found is None
        return
    assert found is not None
    got = {key: getattr(found, attr) for key, attr in _NAME_FIELDS.items() if key in case}
    assert got == {key: case[key] for key in got}
    if "ok" in case:
        assert found.form_ok is (case["ok"] == "true" if isinstance(case["ok"], str) else case["ok"])
        assert (found.problem is None) is found.form_ok
    if found.kind is not None:
        assert found.kind in KINDS and found.self_name


def _words(found: list[Any]) -> list[str]:
    return [f"{s.word}/{s.kind}" + ("/low" if s.confidence == "low" else "") for s in found]


@pytest.mark.parametrize("case", corpus("self_names.yaml"))
def test_self_names(case: dict[str, Any]) -> None:
    found = self_names(case["text"])
    assert _words(found) == list(case["expect"])
    for s in found:  # the span is in the original text (HTML and spaces included)
        start, end = s.span
        written = case["text"][start:end]
        assert written[0] == s.word[0] and written[-1] == s.word[-1]


def test_prefecture_prefix_is_not_a_problem_but_other_forms_say_what_to_write() -> None:
    ok = body_of("北海道白樺町長")
    assert ok is not None and ok.form_ok and ok.prefecture == "北海道" and ok.head == "町長"
    bare = body_of("北海道白樺町")
    assert bare is not None and not bare.form_ok and bare.expected == "北海道白樺町長"
    assert bare.problem is not None and "団体名だけ" in bare.problem
    person = body_of("西山村長 佐藤 健一")
    assert person is not None and person.problem is not None and "佐藤健一" in person.problem


def test_a_head_is_read_whatever_the_spacing_and_width() -> None:
    for text in ("青葉市長", "青葉市 長", "青葉市　市長", " 青葉市長 ", "「青葉市長」"):
        found = body_of(text)
        assert found is not None and found.name == "青葉市" and found.form_ok, text


def leaves(**fields: str) -> list[TextLeaf]:
    return [TextLeaf(text, tuple(path.split("."))) for path, text in fields.items()]


def test_infer_body_counts_declaration_statutes_and_departments() -> None:
    texts = leaves(**{
        "個人のプライバシー等の権利利益の保護の宣言": "青葉市長は、児童手当に関する事務における…宣言する。",
        "基本情報.個人番号の利用.法令上の根拠": "番号法第9条第2項、青葉市行政手続における特定の個人を識別するための番号の利用等に関する法律に基づく個人番号の利用に関する条例第3条",
        "基本情報.担当部署.部署": "青葉市こども未来部こども家庭課",
        "特記事項": "山川県個人情報保護条例に準じる",
    })
    found = infer_body(texts)
    assert found is not None
    name, kind, evidence = found[:3]
    assert (name, kind) == ("青葉市", "市")
    assert len(evidence) == 3 and any(e.startswith("宣言") for e in evidence)
    assert found.identity.self_name == "市"


@pytest.mark.parametrize(("fields", "expected"), [
    ({"基本情報.担当部署.部署": "鳴川地方税滞納整理組合 事務局 徴収課"}, ("鳴川地方税滞納整理組合", "一部事務組合")),
    ({"基本情報.担当部署.部署": "北海道白樺町役場 住民課"}, ("白樺町", "町")),
    ({"個人のプライバシー等の権利利益の保護の宣言": "厚生労働大臣は、年金生活者支援給付金に関する事務における…"}, ("厚生労働省", "国")),
    ({"個人のプライバシー等の権利利益の保護の宣言": "若葉県後期高齢者医療広域連合は、…"}, ("若葉県後期高齢者医療広域連合", "広域連合")),
    ({"基本情報.担当部署.部署": "千葉県みどり野市教育委員会 学校教育課"}, ("みどり野市", "市")),
    ({"特記事項": "若葉県後期高齢者医療広域連合個人情報保護法施行条例による"}, ("若葉県後期高齢者医療広域連合", "広域連合")),
    ({"特記事項": "番号法第9条第2項及び千葉県みどり野市教育委員会規則第3条に基づき"}, ("みどり野市", "市")),  # kana in the name
    ({"特記事項": "地方税法及び桜台市市税条例に基づき"}, ("桜台市", "市")),  # 市税条例, not a body 桜台市市
    ({"基本情報.担当部署.部署": "横浜市鶴見区役所 保険年金課"}, ("横浜市", "市")),  # a 政令市's ward gives the city
    ({"基本情報.担当部署.部署": "事務局 徴収課", "特記事項": "当組合は…"}, None),  # nothing names a body
    ({"個人のプライバシー等の権利利益の保護の宣言": "厚生労働大臣は、…", "特定個人情報ファイル.基本情報.事務担当部署": "機構 年金給付部",
      "特定個人情報ファイル.入手・使用.使用部署": "日本年金機構 年金給付部"}, ("厚生労働省", "国")),  # the 宣言 outweighs
])
def test_infer_body_sources(fields: dict[str, str], expected: tuple[str, str] | None) -> None:
    found = infer_body(leaves(**fields))
    assert (found[:2] if found else None) == expected


def test_infer_body_ties_go_to_the_first_named() -> None:
    texts = leaves(**{"基本情報.担当部署.部署": "青葉市市民課", "特記事項": "山川県個人情報保護条例による"})
    found = infer_body(texts)
    assert found is not None and found.name == "青葉市"


@pytest.mark.parametrize(("text", "expected"), [
    ("青葉市個人情報保護法施行条例", "青葉市"),
    ("北海道白樺町行政手続における特定の個人を識別するための番号の利用等に関する条例", "白樺町"),
    ("山川県市町村振興協会", "山川県"),  # 市町村 is no body name
    ("十日町市役所", "十日町市"),
    ("四日市市役所 市民課", "四日市市"),
    ("青葉市市民課", "青葉市"),  # 市民課, not a body 青葉市市
    ("四日市市民課", "四日市市"),  # a real doubled name (data: doubled_names)
    ("市民課", None),
    ("特別区民税・都民税に関する事務", None),  # a class of bodies, not one
    ("後期高齢者医療広域連合の事務", None),
])
def test_leading_body(text: str, expected: str | None) -> None:
    found = leading_body(text)
    assert (found.name if found else None) == expected


def test_usual_self_name_counts_only_sure_words_and_breaks_ties_by_first_use() -> None:
    usual = usual_self_name(["本区の承諾", "本区が保管", "その他本市が求める", "本町の区域"])
    assert usual is not None and (usual.word, usual.kind, usual.uses, usual.kinds) == ("本区", "区", 2, 2)
    tie = usual_self_name(["当組合は", "当町の"])
    assert tie is not None and tie.kind == "組合"
    assert usual_self_name(["本町の区域", "市役所本庁舎"]) is None


# ------------------------------------------------------------------------------------ the data file


def test_bundled_table_has_no_diagnostics_and_every_self_name_fits_a_kind() -> None:
    table, diagnostics = load_body_table()
    assert [d.one_line() for d in diagnostics] == []
    fitting = {k.self_name for k in table.kinds} | {"国", table.corporation_self_name, table.business_self_name}
    assert {w.self_name for w in table.self_names.values()} <= fitting
    assert all(table.examples(k) for k in fitting if k)


@pytest.mark.parametrize(("text", "line", "col", "fragment"), [
    ("kinds:\n  - {kind: 州, suffixes: [州], head: 州知事, self_name: 州}\n", 2, 12, "種別「州」"),
    ("kinds:\n  - {kind: 市, head: 市長, self_name: 市}\n", 2, 5, "suffixes"),
    ("self_names:\n  - {self_name: 星, words: [当星]}\n", 2, 17, "self_name「星」"),
    ("self_names:\n  - {self_name: 市, words: [当市], confidence: sure}\n", 2, 45, "confidence"),
    ("organs:\n  - {organ: 何某委員会, kinds: [州]}\n", 2, 28, "種別「州」"),
    ("colour: red\n", 1, 9, "colour"),  # at the value: the source map records values
    ("self_names:\n  - {self_name: 市, wordz: [当市]}\n", 2, 27, "wordz"),
])
def test_bad_entries_are_diagnostics_at_their_place(tmp_path: Path, text: str, line: int, col: int,
                                                    fragment: str) -> None:
    path = tmp_path / "bodies.yaml"
    path.write_text(text, encoding="utf-8")
    _, diagnostics = load_body_table([path])
    assert diagnostics, text
    d = diagnostics[0]
    assert d.code == "PIA601" and fragment in d.message
    assert d.span is not None and (d.span.path, d.span.line, d.span.col) == (str(path), line, col)


def test_a_policy_directory_extends_the_table(tmp_path: Path) -> None:
    (tmp_path / "bodies.yaml").write_text(
        "self_names:\n  - {self_name: 市, words: [弊市], source: test}\n"
        "not_self_names:\n  words: [当市民会館]\n", encoding="utf-8")
    vocabulary = vocabulary_for([tmp_path])
    table = vocabulary.bodies
    assert vocabulary.load_all() == []
    assert _words(self_names("弊市の窓口", table)) == ["弊市/市"]
    assert _words(self_names("当市民会館で", table)) == []
    assert _words(self_names("当市民会館で")) == ["当市/市"]  # the bundled table is unchanged
    assert table is not default_body_table()


_ALPHABET = "当本市区町村県都道府長知事管理者組合広域連合教育委員会部課氏名山田太郎北海道東京の、。 　()「」<br>12一"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_any_text_reads_without_error(text: str) -> None:
    found = body_of(text)
    assert found is None or (found.form_ok is not False or found.problem)
    for s in self_names(text):
        start, end = s.span
        assert 0 <= start < end <= len(text)
    leading_body(text)
    infer_body(leaves(**{"基本情報.担当部署.部署": text, "個人のプライバシー等の権利利益の保護の宣言": text}))
