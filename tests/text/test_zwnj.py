"""ZWNJ repair: joined and spaced Persian input, correct text left alone, offsets kept."""

from __future__ import annotations

import doctest
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rokhdad.model import OffsetMap
from rokhdad.text import zwnj
from rokhdad.text.normalize import normalize

ZWNJ = "\u200c"


def z(text: str) -> str:
    """Write expected forms with "|" for the ZWNJ, so no invisible character hides here."""
    return text.replace("|", ZWNJ)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("بینالمللی", "بین|المللی"),
        ("شبهنظامیان", "شبه|نظامیان"),
        ("میگوید", "می|گوید"),
        ("نمیتوان", "نمی|توان"),
        ("دیماه", "دی|ماه"),
        ("پایگاههای نظامی", "پایگاه|های نظامی"),
        ("کتابها", "کتاب|ها"),
        ("کردهاند", "کرده|اند"),
        ("در بیانیهای گفته است", "در بیانیه|ای گفته است"),
        ("هستهای", "هسته|ای"),
        ("صندلیام را آوردم", "صندلی|ام را آوردم"),  # personal ending after a final ی
        ("ایرانیاند", "ایرانی|اند"),
        ("ساتراپها آمدند", "ساتراپ|ها آمدند"),      # plural of a word the lexicon lacks
        # "...دهای" after a non-joining letter: a plural needs a word after its ezafe, so
        # before "،", "که" or a full stop it is the perfect or indefinite ending
        ("چه کار کردهای، بگو", "چه کار کرده|ای، بگو"),
        ("رنگ فیروزهای و سفید", "رنگ فیروزه|ای و سفید"),
        ("کردهای عراق", "کردهای عراق"),                # the Kurds of Iraq: a plural
        ("حادثهای غمانگیزی بود", "حادثه|ای غم|انگیزی بود"),  # a known compound + ی
        # plural clitics attach (Academy orthography), except after a silent ه
        ("تیمشان برنده شد", "تیمشان برنده شد"),
        ("خانهشان بزرگ است", "خانه|شان بزرگ است"),
        # comparatives apart (Academy orthography), except the lexicalised ones
        ("بزرگترین پایگاه", "بزرگ|ترین پایگاه"),
        ("بیشترین تلفات", "بیشترین تلفات"),
        # Arabic-style names: given name + بن/ابن + name, glued by the lost ZWNJs
        ("اسامهبنلادن کشته شد", "اسامه|بن|لادن کشته شد"),
        ("حمدبنخلیفه", "حمدبن|خلیفه"),           # after د the first ZWNJ is invisible
        ("محمدبناسحاقبنیسار", "محمدبن|اسحاق|بن|یسار"),
        ("علیابنابیطالب", "علی|ابن|ابیطالب"),
        ("لبنان و مبنای آن", "لبنان و مبنای آن"),  # بن inside ordinary words
    ],
)
def test_joined_words_get_their_zwnj(raw: str, expected: str) -> None:
    assert normalize(raw).text == z(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("می گوید", "می|گوید"),
        ("نمی توان گفت", "نمی|توان گفت"),
        ("کتاب ها", "کتاب|ها"),
        ("پایگاه های نظامی", "پایگاه|های نظامی"),
        ("کرده اند", "کرده|اند"),
        ("خانه ای بزرگ", "خانه|ای بزرگ"),
        ("سخت ترین", "سخت|ترین"),
        ("شبه نظامیان", "شبه|نظامیان"),
        ("نیرو های ائتلاف", "نیروهای ائتلاف"),  # after و the seam is invisible: just glue
    ],
)
def test_spaced_half_spaces_become_zwnj(raw: str, expected: str) -> None:
    assert normalize(raw).text == z(expected)


@pytest.mark.parametrize(
    "text",
    [
        "میز", "میدان", "همه", "بهار", "تنها", "میلیارد", "میکروبی", "نیروهای",
        "این کتاب را خواندم",
        "در ماه می گذشته",                      # the month, not the verb prefix
        "ای میل",
        "دنیای ما", "دریای خزر",                 # دنیا+ی, not دنی+ای
        "این گونه نیست", "آن قدر خوب بود",       # determiner + noun: apart is standard too
        z("او می|گوید که کتاب|ها را خوانده است"),
        z("جامعه بین|المللی و شبه|نظامیان"),
    ],
)
def test_correct_text_is_unchanged(text: str) -> None:
    assert normalize(text).text == text


def test_text_that_writes_zwnj_keeps_its_style() -> None:
    # this writer types ZWNJs: "مهمترین" is a choice, but a joined "میشود" is a slip
    text = z("مهمترین خبر می|گویند که کتاب|ها و نشریه|ها میشود")
    assert normalize(text).text == z("مهمترین خبر می|گویند که کتاب|ها و نشریه|ها می|شود")
    assert normalize("مهمترین خبر").text == z("مهم|ترین خبر")  # no ZWNJ anywhere: repaired


def test_joined_plural_is_a_style_for_a_writer_who_types_zwnj() -> None:
    # "سالها" is nearly always written with a ZWNJ, but the Academy allows it joined
    text = z("هنوز آن لحظه|ها، پس از سالها، رهایم نمی|کند")
    assert normalize(text).text == text
    assert normalize("پس از سالها").text == z("پس از سال|ها")


ORIGINAL = ("جان کربی گفت شبهنظامیان به پایگاههای ائتلاف بینالمللی حمله کردهاند"
            " و نیرو های آمریکا می گویند")


def test_offsets_stay_valid() -> None:
    norm = normalize(ORIGINAL)
    origin = norm.offsets.origin
    assert len(origin) == len(norm.text) + 1
    assert all(a <= b for a, b in zip(origin, origin[1:]))
    assert origin[-1] == len(ORIGINAL)
    for word, quote in [
        ("شبه|نظامیان", "شبهنظامیان"),
        ("پایگاه|های", "پایگاههای"),
        ("بین|المللی", "بینالمللی"),
        ("کرده|اند", "کردهاند"),
        ("نیروهای", "نیرو های"),
        ("می|گویند", "می گویند"),
        ("ائتلاف", "ائتلاف"),
    ]:
        start = norm.text.index(z(word))
        s, e = norm.to_original(start, start + len(z(word)))
        assert ORIGINAL[s:e] == quote


def test_zwnj_before_ha_keeps_offsets() -> None:
    raw = "كتابها و پروندهها"  # Arabic kaf too: a one-to-one change before the insertion
    norm = normalize(raw)
    assert norm.text == z("کتاب|ها و پرونده|ها")
    i = norm.text.index(ZWNJ)
    assert norm.offsets.origin[i] == raw.index("ها")  # the ZWNJ takes the next char's origin
    assert norm.to_original(0, i + 3) == (0, 6)


PIECES = list("ابتدرزسشکگلمنوهی") + [" ", " ", ZWNJ, ".", "،", "7", "\n", "می", "ها", "ای", " های "]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_repair_only_moves_spaces_and_zwnj(raw: str) -> None:
    base = normalize(raw, repair_zwnj=False).text
    norm = normalize(raw)
    assert norm.text.replace(ZWNJ, "").replace(" ", "") == base.replace(ZWNJ, "").replace(" ", "")
    origin = norm.offsets.origin
    assert len(origin) == len(norm.text) + 1 and origin[-1] == len(raw)
    assert all(a <= b for a, b in zip(origin, origin[1:]))


def test_repair_without_words_is_identity() -> None:
    for text in ("", "12 / 34", "   "):
        offsets = OffsetMap.identity(len(text))
        assert zwnj.repair(text, offsets) == (text, offsets)


def test_shipped_lexicon_loads() -> None:
    started = time.perf_counter()
    lexicon = zwnj.parse_lexicon(_read_shipped())
    elapsed = time.perf_counter() - started
    assert lexicon.joined["میگوید"] == z("می|گوید")
    assert "میشود" in lexicon.standard
    assert "تنها" in lexicon.words and "میدان" in lexicon.words
    assert lexicon.suffixes["های"] > 0.5
    assert ("بین", "المللی") in lexicon.glue
    assert elapsed < 2.0  # about 0.1 s on a quiet machine; generous for a loaded CI
    assert zwnj.load_lexicon() is zwnj.load_lexicon()  # read once, then cached


def _read_shipped() -> str:
    import gzip
    from importlib import resources

    package, name = zwnj.LEXICON
    return gzip.decompress(resources.files(package).joinpath(name).read_bytes()).decode("utf-8")


TOY = zwnj.Lexicon.empty(
    words=frozenset({"پایگاه", "کتاب", "واژه", "نامه", "میلیارد", "صندلی", "دنیا", "دنی",
                     "انتها"}),
    verbs=frozenset({"گوی", "خوان"}),
    suffixes={"ها": 0.85, "های": 0.8, "ای": 0.7, "ام": 0.9, "ایم": 0.9, "اند": 0.9},
    shares={"verb": 0.87, "heh": 0.8, "ye": 0.95, "plural": 0.9, "comparative": 0.4},
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("میخوانند", "می|خوانند"),   # verb prefix before a known stem
        ("میپاشید", "می|پاشید"),     # unknown stem, but shaped like a verb
        ("کتابهای", "کتاب|های"),     # plural after a known stem
        ("واژهنامه", "واژه|نامه"),   # two known words joined after a final ه
        ("رنجیدهایم", "رنجیده|ایم"),  # perfect: participle + person ending
        ("میلیاردها", "میلیاردها"),  # a known word that starts with می, and after د no ZWNJ
        ("تلویزیون", None),          # nothing to split
        ("صندلیام", "صندلی|ام"),     # personal ending after a known word in ی
        ("دنیای", None),             # دنیا+ی: no ending after دنی
        ("ساتراپها", "ساتراپ|ها"),   # plural of an unseen stem ("plural" share)
    ],
)
def test_affix_rules_on_unknown_words(word: str, expected: str | None) -> None:
    found = zwnj.analyse(word, TOY)
    assert (found.form if found else None) == (z(expected) if expected else None)


def test_unseen_stem_rules_follow_their_share() -> None:
    # a comparative after an unseen stem is found, but its share is too low to adopt
    assert zwnj.analyse("سبعانهترین", TOY).form == z("سبعانه|ترین")
    assert zwnj.repair_word("سبعانهترین", TOY) == "سبعانهترین"
    assert zwnj.repair_word("انتها", TOY) == "انتها"  # a known word is never split


def test_gap_rules() -> None:
    assert zwnj.glues("می", "گوید", TOY)
    assert zwnj.glues("کتاب", "ها", TOY)
    assert zwnj.glues("خانه", "ای", TOY)
    assert not zwnj.glues("گفت", "ای", TOY)    # "ای" after other letters than ه, ی: vocative
    assert not zwnj.glues("سر", "می", TOY)     # nothing but a preverb joins می
    assert not zwnj.glues("این", "کتاب", TOY)


def test_doctests() -> None:
    assert doctest.testmod(zwnj).failed == 0
