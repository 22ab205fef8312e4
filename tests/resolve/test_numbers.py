"""Numbers and counts: Persian number words, digit groups, qualifiers, vague counts."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rokhdad.resolve import dates, numbers
from rokhdad.resolve.numbers import find_quantities, parse_number
from rokhdad.text.normalize import normalize

ZWNJ = "\u200c"


@pytest.mark.parametrize(("words", "value"), [
    ("هشت", 8),
    ("صفر", 0),
    ("یازده", 11),
    ("بیست و پنج", 25),
    (f"بیست{ZWNJ}و{ZWNJ}پنج", 25),
    ("صد و بیست", 120),
    ("یکصد", 100),
    ("یک صد", 100),
    ("سیصد و پنجاه و دو", 352),
    ("دو هزار", 2000),
    (f"یک{ZWNJ}هزار", 1000),
    ("هزار", 1000),
    ("هزار و دویست", 1200),
    ("سیصد و پنجاه هزار", 350_000),
    ("یک میلیون", 1_000_000),
    ("یک میلیون و دویست هزار", 1_200_000),
    ("دو میلیون و سیصد و پنجاه هزار و دویست", 2_350_200),
    ("ده هزار میلیارد", 10_000_000_000_000),
    ("نیم", 0.5),
    ("یک و نیم", 1.5),
    ("دو و نیم میلیون", 2_500_000),
    ("یک میلیون و نیم", 1_500_000),
    ("نیم میلیون", 500_000),
    ("۸", 8),
    ("۱٬۲۰۰", 1200),
    ("1,200", 1200),
    ("۱.۵", 1.5),
    ("۱٫۵", 1.5),                       # Arabic decimal separator
    ("۲/۵", 2.5),                       # the Persian decimal slash
    ("۱۲ هزار", 12_000),
    ("۲.۵ میلیون", 2_500_000),
    ("۱۲ میلیون و ۵۰۰ هزار", 12_500_000),
    ("هيجده", 18),                      # Arabic yeh
    # not one number
    ("پنجم", None),                     # ordinals are not counts
    ("بیست و پنجم", None),
    ("سومین", None),
    ("۲۵ام", None),
    ("ده\u200cها", None),                    # vague
    ("چند", None),
    ("پنج و بیست", None),               # tens after units: two numbers
    ("بیست پنج", None),
    ("دو سه", None),
    ("1400/10/15", None),
    ("10:30", None),
    ("سه\u200cشنبه", None),
    ("دوشنبه", None),
    ("یکی", None),
    ("", None),
    ("کتاب", None),
])
def test_parse_number(words, value):
    assert parse_number(words) == value


@pytest.mark.parametrize(("text", "expected"), [
    # (quote, value, qualifier, vague) for each quantity, in order
    ("۸ نفر کشته شدند", [("۸", 8, "EXACT", False)]),
    ("هشت راکت", [("هشت", 8, "EXACT", False)]),
    ("بیست و پنج نفر", [("بیست و پنج", 25, "EXACT", False)]),
    ("حداقل ۱۲ نفر", [("حداقل ۱۲", 12, "AT_LEAST", False)]),
    ("دست کم ۵ نفر", [("دست کم ۵", 5, "AT_LEAST", False)]),
    ("دستکم ۵ نفر", [("دستکم ۵", 5, "AT_LEAST", False)]),
    (f"دست{ZWNJ}کم پنج نفر", [(f"دست{ZWNJ}کم پنج", 5, "AT_LEAST", False)]),
    ("بیش از ۱٬۲۰۰ موشک", [("بیش از ۱٬۲۰۰", 1200, "AT_LEAST", False)]),
    ("بالغ بر دو هزار نفر", [("بالغ بر دو هزار", 2000, "AT_LEAST", False)]),
    ("حدود ۳۰۰ نفر", [("حدود ۳۰۰", 300, "ABOUT", False)]),
    ("نزدیک به ۲۰ فهرست", [("نزدیک به ۲۰", 20, "ABOUT", False)]),
    ("قریب به صد نفر", [("قریب به صد", 100, "ABOUT", False)]),
    ("تقریباً نیمی", []),                                    # نیمی is not نیم
    ("تقریباً ۴۰ درصد", [("تقریباً ۴۰", 40, "ABOUT", False)]),
    ("حداکثر ۱۰ نفر", [("حداکثر ۱۰", 10, "AT_MOST", False)]),
    ("کمتر از ۱۰ درصد", [("کمتر از ۱۰", 10, "AT_MOST", False)]),
    ("۳۰۰ تا ۵۰۰ نفر", [("۳۰۰", 300, "EXACT", False), ("تا ۵۰۰", 500, "AT_MOST", False)]),
    ("ده\u200cها کشته", [("ده\u200cها", None, "EXACT", True)]),
    ("دهها کشته", [("دهها", None, "EXACT", True)]),
    ("ده ها کشته", [("ده ها", None, "EXACT", True)]),
    ("صدها نفر", [("صدها", None, "EXACT", True)]),
    ("هزاران نفر", [("هزاران", None, "EXACT", True)]),
    ("صدها هزار نفر", [("صدها هزار", None, "EXACT", True)]),
    ("چندین موشک", [("چندین", None, "EXACT", True)]),
    ("چند راکت", [("چند", None, "EXACT", True)]),
    ("حدود چند صد نفر", [("حدود چند صد", None, "ABOUT", True)]),
    ("بیست و اندی نفر", [("بیست و اندی", 20, "AT_LEAST", False)]),
    ("۲ کشته و ۳ زخمی", [("۲", 2, "EXACT", False), ("۳", 3, "EXACT", False)]),
    ("۲ و ۳", [("۲", 2, "EXACT", False), ("۳", 3, "EXACT", False)]),
    ("۱۰-۱۵ نفر", [("۱۰", 10, "EXACT", False), ("۱۵", 15, "EXACT", False)]),
    ("۱۲ میلیون و ۵۰۰ هزار دلار", [("۱۲ میلیون و ۵۰۰ هزار", 12_500_000, "EXACT", False)]),
    ("یک و نیم میلیون", [("یک و نیم میلیون", 1_500_000, "EXACT", False)]),
    ("۱.۵ درصد", [("۱.۵", 1.5, "EXACT", False)]),
    ("۵نفر", [("۵", 5, "EXACT", False)]),                    # no space before the noun
    # not counts
    ("روز دوشنبه", []),
    ("سه شنبه", []),
    ("سه\u200cشنبه", []),
    ("پنجمین حمله", []),
    ("بیست و پنجمین سالگرد", []),
    ("دهم دی", []),
    ("۲۵ام", []),
    ("یکی از آنها", []),
    ("نه تنها", []),                                        # "no", not nine
    ("کووید-۱۹", []),
    ("اف۱۶", []),
    ("ساعت ۱۰:۳۰", []),
    ("۱۴۰۰/۱۰/۱۵", []),
    ("هفته و دهه و سهام و هزاره", []),
])
def test_find_quantities(text, expected):
    found = [(q.text, q.value, q.qualifier.name, q.vague) for q in find_quantities(text)]
    assert found == expected


def test_long_digit_runs_are_not_numbers():
    assert parse_number("9" * 5000) is None       # int() would refuse it
    assert find_quantities("۱" * 5000 + " نفر") == ()


def test_one_before_a_noun_is_left_to_the_caller():
    assert [q.value for q in find_quantities("یک منبع آگاه")] == [1]


def test_spans_quote_the_original():
    text = "به گزارش ايرنا، دست\u200cكم  ۱۲ تن و حدودـ بيست و پنج نفر"
    found = find_quantities(text)
    assert [q.text for q in found] == ["دست\u200cكم  ۱۲", "حدودـ بيست و پنج"]
    assert [q.value for q in found] == [12, 25]
    for q in found:
        assert text[q.start : q.end] == q.text


def test_given_normalized_copy_is_used():
    text = "بیش از ۱۰ راکت"
    assert find_quantities(text, normalized=normalize(text)) == find_quantities(text)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.one_of(
    st.sampled_from(["یک", "دو", "سه", "بیست", "و", "صد", "هزار", "میلیون", "نیم", "ده", "ها",
                     "چند", "حدود", "تا", "بیش از", "۱۲", "1,200", "۱/۵", "-", ":", "م", "ام",
                     "شنبه", " ", "\u200c", "،"]),
    st.text(max_size=3)), max_size=12))
def test_never_raises_and_spans_are_in_the_text(parts):
    text = " ".join(parts) if len(parts) % 2 else "".join(parts)
    for q in find_quantities(text):
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text
        assert (q.value is None) == q.vague
    parse_number(text)


@pytest.mark.parametrize("module", [numbers, dates])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0
