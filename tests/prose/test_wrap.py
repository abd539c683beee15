"""Line breaks that wrap a sentence (read as nothing) versus those that end an item (prose/wrap.py),
and what the rules' readers make of them."""

from __future__ import annotations

import pytest

from piarules.legal.citations import parse_citations
from piarules.prose.normalize import normalize, normalize_slowly
from piarules.prose.wrap import soft_wrap

LONG = "委託先から再委託先の名称、業務の範囲及び安全管理措置を記載した"  # 32 characters


@pytest.mark.parametrize(
    ("line", "following", "wraps"),
    [
        ("日本国内の", "データセンターで保管する。", True),  # a particle ends the line
        ("条例事務関係情報照会者として", "番号法第19条第8号", True),
        ("番号法第９条第１項", "及び別表第一の30の項", True),  # the next line opens with a conjunction
        ("個人番号を利用する事務", "に係る特定個人情報", True),
        ("（平成25年法律第27号", "。以下「番号法」という。）", True),
        (LONG, "書面による申請を受ける", True),  # a long line stopped mid-sentence
        ("再委託は行わない。", "クラウドを利用する", False),  # 。 closed the sentence
        ("委託先A", "委託先B", False),  # a short list of names
        ("個人番号の利用", "個人番号の利用", False),
        ("【入手】", "住民から届出を受ける", False),  # a heading
        ("次のとおり", "① 入手の経路", False),  # the next line opens an item
        ("次のとおりとし、", "(1) 書面による申請", False),
        ("次のとおりとし、", "1. 書面による申請", False),
        (LONG, "・安全管理措置", False),
        ("", "データセンター", False),
        ("日本国内の", "", False),  # a blank line: a paragraph
    ],
)
def test_soft_wrap(line: str, following: str, wraps: bool) -> None:
    assert soft_wrap(line, following) is wraps


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("日本国内の\nデータセンターで保管する。", "日本国内のデータセンターで保管する。"),
        ("ISO/IEC 27017の認証を受けた事業者の\nクラウドサービス", "ISO/IEC 27017の認証を受けた事業者のクラウドサービス"),
        ("the personal data are kept only in\nJapan", "the personal data are kept only in Japan"),
        ("ISO/IEC 27017の認証を受けた\nクラウドサービス", "ISO/IEC 27017の認証を受けた\nクラウドサービス"),  # short, no particle: kept
        ("再委託は行わない。\nクラウドを利用する", "再委託は行わない。\nクラウドを利用する"),
        ("委託先A\n　委託先B", "委託先A\n委託先B"),
        ("日本国内の\n\nデータセンター", "日本国内の\nデータセンター"),  # a blank line is a paragraph
    ],
)
def test_normalised_text_joins_wrapped_lines_only(text: str, normal: str) -> None:
    assert normalize(text).text == normal
    assert normalize_slowly(text).text == normal  # both paths agree


def test_a_citation_wrapped_before_its_appendix_keeps_its_statute() -> None:
    labels = [c.label for c in parse_citations("番号法第９条第１項\n及び別表第一の30の項")]
    assert labels == ["番号法第9条第1項", "番号法別表第一の30の項"]
    listed = [c.label for c in parse_citations("番号法第９条第１項。\n別表第一の30の項")]
    assert listed[1] == "別表第一の30の項"  # after 。 the next line is another sentence


def test_offsets_of_a_wrapped_text_map_back() -> None:
    text = "日本国内の\nデータセンターで保管する。"
    n = normalize(text)
    at = n.text.index("データ")
    assert n.original_text(at, at + 3) == "データ"
