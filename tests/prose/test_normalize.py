"""normalize: what is unified, and that every normalised span maps back onto the original."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from piarules.jpvalues import normalize_text, strip_html
from piarules.prose.normalize import normalize


@pytest.mark.parametrize(("text", "normal"), [
    ("<p>重要な変更に&amp;当たらない</p>", "重要な変更に&当たらない"),
    ("令和1年6月18日.", "令和1年6月18日。"),
    ("ｻ―ﾊﾞ―で保管　する", "サーバーで保管する"),
    ("委 託 業 務", "委託業務"),
    ("取得していること ・セキュリティ", "取得していること ・セキュリティ"),
    ("1,000件、許諾，承認", "1,000件、許諾、承認"),
    ("ISO/IEC 27017", "ISO/IEC 27017"),
    ("ＩＳＯ／ＩＥＣ２７０１７", "ISO/IEC27017"),
    ("①国内\r\n\r\n②国外", "①国内\n②国外"),
    ("⑴国内", "⑴国内"),
    ("『重大な変更』〜～", "「重大な変更」~~"),
    ("a\u3000 \n b", "a\nb"),
    ("—", "-"),
    ("  前後の空白  ", "前後の空白"),
    ("ｶﾞﾊﾞﾒﾝﾄｸﾗｳﾄﾞ", "ガバメントクラウド"),
    ("e.g. 1.5", "e.g. 1.5"),
    ("", ""),
])
def test_what_is_unified(text: str, normal: str) -> None:
    assert normalize(text).text == normal


@pytest.mark.parametrize(("text", "piece", "original"), [
    ("<p>重要な変更</p>", "重要な変更", "重要な変更"),
    ("重&#x8981;な変更", "重要な変更", "重&#x8981;な変更"),
    ("ｸﾗｳﾄﾞ化", "クラウド", "ｸﾗｳﾄﾞ"),
    ("重 要 な 変 更", "重要な変更", "重 要 な 変 更"),
    ("再委託\r\nを許諾", "許諾", "許諾"),
    ("㈱墨田", "(株)", "㈱"),
])
def test_spans_map_back_to_what_the_user_wrote(text: str, piece: str, original: str) -> None:
    norm = normalize(text)
    start = norm.text.index(piece)
    assert norm.original_text(start, start + len(piece)) == original


_TEXT = st.text(alphabet=st.sampled_from(list("重要な変更に当たらないｶﾞ①⑴　 \n\r<>/p&amp;;#x30.,，．ー―-〜ISO27017「」『』")), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_offset_map_is_monotone_and_in_bounds(text: str) -> None:
    norm = normalize(text)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    assert all(0 <= s < e <= len(text) for s, e in zip(norm.starts, norm.ends, strict=True))
    assert list(norm.starts) == sorted(norm.starts)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_same_words_as_normalize_text(text: str) -> None:
    """Up to the documented unifications, the prose view has the words of jpvalues.normalize_text."""
    def fold(s: str) -> str:
        s = unicodedata.normalize("NFKC", s)
        for a, b in (("、", ","), ("。", "."), ("「", ""), ("」", ""), ("『", ""), ("』", ""), ("①", "1"), ("⑴", "(1)"), ("~", ""), ("〜", ""), ("ー", "-"), ("―", "-")):
            s = s.replace(a, b)
        return unicodedata.normalize("NFKC", "".join(ch for ch in s if not ch.isspace() and ch not in "-‐"))
    assert fold(normalize(text).text) == fold(normalize_text(text))


def test_strip_html_keeps_its_behaviour() -> None:
    assert strip_html("a<br>b&amp;c<b>d</b>") == "a\nb&cd"
    assert strip_html("&am<b>p;") == "&"  # entity completed by removing a tag, as before
    assert strip_html("< 墨田区における措置 >") == "< 墨田区における措置 >"


def test_cached_per_text_value() -> None:
    assert normalize("重要な変更") is normalize("重要な変更")


_WIDE = st.text(alphabet=st.sampled_from(list(
    "重要な変更に当たらないｶﾞｻﾊﾟー①⑴㈱ＡＢ１２　 \n\t\u00a0\u200b/.,，．、。ー―-‐〜～~ISO27017「」『』“”・●※ｰ－─abcアイウ"
)), max_size=60)


@settings(max_examples=1500, deadline=None)
@given(_WIDE)
def test_the_fast_path_equals_the_step_by_step_one(text: str) -> None:
    from piarules.prose.normalize import _normalize_plain, normalize_slowly

    fast, slow = _normalize_plain(text.replace("\r", "")), normalize_slowly(text.replace("\r", ""))
    assume(fast is not None)  # combining marks: the slow path only
    assert fast is not None and (fast.text, list(fast.starts), list(fast.ends)) == (slow.text, list(slow.starts), list(slow.ends))


def test_the_fast_path_equals_the_step_by_step_one_on_the_example() -> None:
    from piarules.document import load_document
    from piarules.prose.normalize import normalize_slowly
    from piarules.runtime import text_leaves
    from tests.conftest import EXAMPLE

    doc, _ = load_document(EXAMPLE)
    assert doc is not None
    for text in text_leaves(doc.tree):
        fast, slow = normalize.__wrapped__(str(text)), normalize_slowly(str(text))  # type: ignore[attr-defined]
        assert (fast.text, list(fast.starts), list(fast.ends)) == (slow.text, list(slow.starts), list(slow.ends))


def test_every_known_plain_character_is_plain() -> None:
    """The fast path skips these without looking: no step may change them."""
    from piarules.prose.normalize import _CANDIDATE, _PLAIN, _char_class

    for code in range(0x10000):
        ch = chr(code)
        if not 0xD800 <= code <= 0xDFFF and not _CANDIDATE.match(ch):
            assert _char_class(ch) == _PLAIN, hex(code)


_WRAPPED = st.lists(st.text(alphabet=st.sampled_from(list("のをて及び並に1(（)）.．。、 　a委託先保管①・【】<")), max_size=40),
                    max_size=5).map("\n".join)


@settings(max_examples=800, deadline=None)
@given(_WRAPPED)
def test_both_paths_agree_on_which_line_breaks_wrap(text: str) -> None:
    """Line breaks judged by prose/wrap.py: the fast path and the step-by-step one join the same ones."""
    from piarules.prose.normalize import _normalize_plain, normalize_slowly

    fast, slow = _normalize_plain(text), normalize_slowly(text)
    assume(fast is not None)
    assert (fast.text, list(fast.starts), list(fast.ends)) == (slow.text, list(slow.starts), list(slow.ends))
