"""Segmentation: sentences and tokens with offsets into the original text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rokhdad.model import TokenKind
from rokhdad.text.segment import segment

ZWNJ = "\u200c"


def sentences(text: str) -> list[str]:
    return [text[s.start:s.end] for s in segment(text).sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("سلام. خداحافظ.", ["سلام.", "خداحافظ."]),
        ("آیا آمد؟ بله!", ["آیا آمد؟", "بله!"]),
        ("او گفت: «حمله شد.» سپس رفت.", ["او گفت: «حمله شد.»", "سپس رفت."]),
        ("خط اول\nخط دوم", ["خط اول", "خط دوم"]),
        ("قیمت ۱.۵ میلیون است.", ["قیمت ۱.۵ میلیون است."]),
        ("۱. مورد اول\n۲. مورد دوم", ["۱. مورد اول", "۲. مورد دوم"]),
        ("U.S. forces left. Then", ["U.S. forces left.", "Then"]),
        ("سال ۶۱۰ ق.م بود. بعد", ["سال ۶۱۰ ق.م بود.", "بعد"]),
        ("چه شد...؟ هیچ", ["چه شد...؟", "هیچ"]),
        ("www.farsnews.ir را ببینید. خوب", ["www.farsnews.ir را ببینید.", "خوب"]),
        ("", []),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_zwnj_joined_word_is_one_token() -> None:
    text = f"نیرو{ZWNJ}های آمریکایی می{ZWNJ}گویند"
    tokens = segment(text).tokens
    assert [text[t.start:t.end] for t in tokens] == [f"نیرو{ZWNJ}های", "آمریکایی", f"می{ZWNJ}گویند"]


def test_token_kinds_and_norms() -> None:
    text = "حداقل ۵ راکت، شلیک شد."
    tokens = segment(text).tokens
    assert [(t.norm, t.kind) for t in tokens] == [
        ("حداقل", TokenKind.WORD), ("5", TokenKind.NUMBER), ("راکت", TokenKind.WORD),
        ("،", TokenKind.PUNCT), ("شلیک", TokenKind.WORD), ("شد", TokenKind.WORD),
        (".", TokenKind.PUNCT),
    ]
    assert [text[t.start:t.end] for t in tokens][1] == "۵"


def test_arabic_letters_and_tatweel_keep_offsets() -> None:
    text = "نيروهاي ائتلاف ســوريه"
    tokens = segment(text).tokens
    assert [text[t.start:t.end] for t in tokens] == ["نيروهاي", "ائتلاف", "ســوريه"]
    assert tokens[2].norm == "سوریه"


def test_sentences_cover_their_tokens() -> None:
    text = "بامداد امروز پنج راکت شلیک شد. به گفته یک منبع، تلفاتی نداشت.\nخبر بعدی"
    seg = segment(text)
    for s in seg.sentences:
        inner = seg.tokens[s.token_start:s.token_end]
        assert inner[0].start == s.start and inner[-1].end == s.end


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ابپتسیکگهو .؟!«»\n۱2") + [ZWNJ, "\u0640", "\u064a"])) | st.text())
def test_spans_within_text(text: str) -> None:
    seg = segment(text)
    last = 0
    for t in seg.tokens:
        assert last <= t.start < t.end <= len(text)
        last = t.end
    for s in seg.sentences:
        assert 0 <= s.start < s.end <= len(text)


def test_token_kinds_follow_the_pattern_groups() -> None:
    # tokenize maps Match.lastindex to a kind by position: the table must follow the groups
    from rokhdad.text import segment as seg

    assert {name: seg._KINDS[i] for name, i in seg._TOKEN.groupindex.items()} == {
        "word": TokenKind.WORD, "number": TokenKind.NUMBER,
        "punct": TokenKind.PUNCT, "symbol": TokenKind.SYMBOL}
