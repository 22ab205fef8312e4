"""Normalisation: Persian cases, offset-map invariants, and never raising."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rokhdad.model import OffsetMap
from rokhdad.text.normalize import normalize

ZWNJ = "\u200c"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("كتاب", "کتاب"),                                  # Arabic kaf
        ("علي", "علی"),                                    # Arabic yeh
        ("موسى", "موسی"),                                  # alef maksura
        ("مدرسة", "مدرسه"),                                # teh marbuta
        ("أحمد إبراهيم", "احمد ابراهیم"),                  # hamza forms
        ("مؤسسه", "موسسه"),                                # waw with hamza
        ("۱۴۰۰/۱۰/۱۵", "1400/10/15"),                      # Persian digits
        ("٢٠٢٢", "2022"),                                  # Arabic-Indic digits
        ("ســلام", "سلام"),                                # tatweel
        ("كَتَبَ", "کتب"),                                  # diacritics
        ("سلام\u00a0دنیا", "سلام دنیا"),                   # NBSP
        ("سلام\u200bدنیا", "سلامدنیا"),                    # ZWSP deleted
        ("\u200fسلام\u200e", "سلام"),                      # RLM / LRM
        ("سلام    دنیا", "سلام دنیا"),                     # repeated spaces
        (f"می{ZWNJ}{ZWNJ}گوید", f"می{ZWNJ}گوید"),          # repeated ZWNJ
        (f"کتاب{ZWNJ} ها", "کتاب ها"),                     # ZWNJ before a space
        ("“نقل قول”", '"نقل قول"'),                       # typographic quotes
        ("در همین حال٬ گفت", "در همین حال، گفت"),          # Arabic thousands sep as comma
        ("۱٬۲۰۰", "1\u066c200"),                           # ... kept inside a number
        ("سطر\r\nدوم", "سطر\nدوم"),                        # CRLF
        ("ﻛﺘﺎﺏ", "کتاب"),                                   # presentation forms
        ("ﻻ", "لا"),                                       # lam-alef ligature
        ("", ""),
    ],
)
def test_normalize_table(raw: str, expected: str) -> None:
    assert normalize(raw, repair_zwnj=False).text == expected


def test_original_is_kept() -> None:
    raw = "كتاب\u200cهاي  ما"
    assert normalize(raw).original is raw


def test_offsets_quote_original_words() -> None:
    raw = "ســلام  كَتَبَ ۱۲\u200f دنیا"
    norm = normalize(raw, repair_zwnj=False)
    assert norm.text == "سلام کتب 12 دنیا"
    for word, original in [("سلام", "ســلام"), ("کتب", "كَتَبَ"), ("12", "۱۲"), ("دنیا", "دنیا")]:
        i = norm.text.index(word)
        start, end = norm.to_original(i, i + len(word))
        assert raw[start:end].rstrip("\u200f ") == original


def test_identity_map() -> None:
    assert OffsetMap.identity(3).origin == (0, 1, 2, 3)
    assert OffsetMap.identity(3).to_original(1, 2) == (1, 2)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةۀأإؤئءآ ")
    + ["\u200c", "\u200b", "\u200f", "\u0640", "\u064e", "\u00a0", "\n", "\r", "٬", "۱", "٢", "1", ".", "«", "»"]
)) | st.text())
def test_map_invariants(raw: str) -> None:
    norm = normalize(raw)
    origin = norm.offsets.origin
    assert len(origin) == len(norm.text) + 1
    assert origin[-1] == len(raw)
    assert all(a <= b for a, b in zip(origin, origin[1:])), "map must be monotone"
    assert all(0 <= o <= len(raw) for o in origin)
    for i in range(len(norm.text)):
        start, end = norm.to_original(i, i + 1)
        assert 0 <= start <= end <= len(raw)
