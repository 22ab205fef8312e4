"""Date resolution: a table of Persian expressions, spans into the original, never raising."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rokhdad.model import Calendar, Precision
from rokhdad.resolve import dates
from rokhdad.resolve.dates import find_dates, infer_year
from rokhdad.text.normalize import normalize

ZWNJ = "\u200c"
PUBLISHED = dt.date(2022, 1, 5)  # a Wednesday; Jalali 1400/10/15, Hijri 1443/06/02

D, W, M, Y, U = Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.YEAR, Precision.UNKNOWN
JAL, GRE, HIJ, REL, WKD = (Calendar.JALALI, Calendar.GREGORIAN, Calendar.HIJRI,
                           Calendar.RELATIVE, Calendar.WEEKDAY)

# (text, expected value, precision, calendar): the whole text is the one expected mention.
TABLE = [
    # Jalali, with and without year, ZWNJ, "ماه"
    ("۱۵ دی ۱۴۰۰", "2022-01-05", D, JAL),
    (f"۱۵ دی{ZWNJ}ماه", "2022-01-05", D, JAL),
    ("۱۵ دیماه", "2022-01-05", D, JAL),
    ("۱۵ دی ماه ۱۴۰۰", "2022-01-05", D, JAL),
    ("۱۵ دي ماه", "2022-01-05", D, JAL),                     # Arabic yeh
    ("۱۴۰۰/۱۰/۱۵", "2022-01-05", D, JAL),
    ("15/10/1400", "2022-01-05", D, JAL),
    ("98/10/15", "2020-01-05", D, JAL),                       # two-digit Jalali year
    ("دی ماه سال جاری", "2022-01", M, JAL),                   # Dey 1400 is mostly January
    ("دی ماه ۱۳۹۸", "2020-01", M, JAL),
    ("دی ماه گذشته", "2021-01", M, JAL),                      # the last Dey before this one
    ("اسفند ماه ۹۴", "2016-03", M, JAL),
    ("۱۹ بهمن ۵۷", "1979-02-08", D, JAL),
    ("۱۳ آبان ۱۳۹۸", "2019-11-04", D, JAL),
    ("سال ۱۳۹۸", "2019", Y, JAL),
    ("سال ۹۸", "2019", Y, JAL),
    ("۱۳۹۸ هجری شمسی", "2019", Y, JAL),
    ("اول بهمن", "2022-01-21", D, JAL),                       # 16 days ahead: this year's
    ("پانزدهم دی", "2022-01-05", D, JAL),
    ("بیست و دوم بهمن", "2021-02-10", D, JAL),                # 37 days ahead: last year's
    ("۲۸ آذر", "2021-12-19", D, JAL),
    ("چهارشنبه ۱۵ دی", "2022-01-05", D, JAL),
    ("۲۸ بهمن ماه جاری", "2022-02-17", D, JAL),               # this year's, though 43 days ahead
    ("روز ۲۸ آذر ماه سال گذشته", "2020-12-18", D, JAL),
    # Gregorian
    ("۱۰ ژانویه ۲۰۲۰", "2020-01-10", D, GRE),
    ("10 ژانویه", "2022-01-10", D, GRE),
    ("2020-01-10", "2020-01-10", D, GRE),
    ("ژانویه ۲۰۲۰", "2020-01", M, GRE),
    ("۱۵ ژانویه ۲۰۲۰ میلادی", "2020-01-15", D, GRE),
    ("۲۰ می ۲۰۲۰", "2020-05-20", D, GRE),
    ("۱۰ مارس", "2021-03-10", D, GRE),
    ("۳۰ دسامبر سال ۲۰۱۹", "2019-12-30", D, GRE),
    ("۲۵ دسامبر", "2021-12-25", D, GRE),
    ("آوریل ۲۰۱۹", "2019-04", M, GRE),
    ("ماه مه", "2021-05", M, GRE),
    ("دسامبر گذشته", "2021-12", M, GRE),
    ("سال ۲۰۲۰ میلادی", "2020", Y, GRE),
    # Hijri (Umm al-Qura, as hijridate converts)
    ("۱۰ محرم ۱۴۴۱", "2019-09-09", D, HIJ),
    ("ماه رمضان ۱۴۴۱", "2020-05", M, HIJ),
    ("ماه مبارک رمضان", "2021-04", M, HIJ),                   # Ramadan 1443 is in April 2022
    # weekdays: the latest on or before publication
    ("روز چهارشنبه", "2022-01-05", D, WKD),
    ("چهارشنبه شب", "2022-01-05", D, WKD),
    ("سه\u200cشنبه شب", "2022-01-04", D, WKD),
    (f"سه{ZWNJ}شنبه{ZWNJ}شب", "2022-01-04", D, WKD),
    ("سه شنبه", "2022-01-04", D, WKD),
    ("بامداد روز چهارشنبه", "2022-01-05", D, WKD),
    ("پنجشنبه", "2021-12-30", D, WKD),
    ("یکشنبه", "2022-01-02", D, WKD),
    ("شب جمعه", "2021-12-30", D, WKD),                        # Thursday night
    ("شنبه گذشته", "2022-01-01", D, WKD),
    ("جمعه هفته گذشته", "2021-12-31", D, WKD),
    # relative to publication
    ("امروز", "2022-01-05", D, REL),
    ("بامداد امروز", "2022-01-05", D, REL),
    ("ظهر امروز", "2022-01-05", D, REL),
    ("امشب", "2022-01-05", D, REL),
    ("ساعاتی پیش", "2022-01-05", D, REL),
    ("امروز چهارشنبه", "2022-01-05", D, REL),
    ("امروز شنبه", None, D, REL),                             # contradicts the date: trust neither
    ("دیروز", "2022-01-04", D, REL),
    ("روز گذشته", "2022-01-04", D, REL),
    ("روز گذشته (سه\u200cشنبه)", "2022-01-04", D, REL),
    ("شب گذشته", "2022-01-04", D, REL),
    ("دیشب", "2022-01-04", D, REL),
    ("پریروز", "2022-01-03", D, REL),
    ("فردا", "2022-01-06", D, REL),
    ("دو روز پیش", "2022-01-03", D, REL),
    ("سه روز قبل", "2022-01-02", D, REL),
    ("۳ روز قبل", "2022-01-02", D, REL),
    ("دو روز دیگر", "2022-01-07", D, REL),
    ("دو روز گذشته", None, U, REL),                           # the past two days: a range
    ("چند روز پیش", None, D, REL),
    ("هفته گذشته", "2021-12-25", W, REL),                     # Saturday that starts it
    ("هفته جاری", "2022-01-01", W, REL),
    ("دو هفته پیش", "2021-12-18", W, REL),
    ("ماه گذشته", "2021-12", M, REL),
    ("ماه گذشته میلادی", "2021-12", M, REL),
    ("سه ماه پیش", "2021-10", M, REL),
    ("اوایل ماه جاری", "2022-01", M, REL),
    ("ماه جاری", "2022-01", M, REL),
    ("هفدهم ماه جاری", "2022-01-07", D, REL),
    ("سال گذشته", "2020", Y, REL),                            # 1399, mostly 2020
    ("پارسال", "2020", Y, REL),
    ("امسال", "2021", Y, REL),
    ("سال جاری", "2021", Y, REL),
    ("سال جاری میلادی", "2022", Y, REL),
    ("۲۰ سال پیش", "2001", Y, REL),
]


@pytest.mark.parametrize(("text", "value", "precision", "calendar"), TABLE,
                         ids=[row[0] for row in TABLE])
def test_table(text, value, precision, calendar):
    mentions = find_dates(text, PUBLISHED)
    assert [(m.text, m.value, m.precision, m.calendar) for m in mentions] == [
        (text, value, precision, calendar)
    ]


def test_table_is_large():
    assert len(TABLE) >= 50


@pytest.mark.parametrize("text", [
    "دی",                                  # the month alone
    "۱۵ درصد",
    "امروزه",                              # nowadays
    "امروزی",
    "امام جمعه",                           # Friday-prayer leader
    "نماز جمعه",
    "هر جمعه",
    "چهارشنبه آخر سال",                    # the fire festival, not last Wednesday
    "۲۰ می شود",                          # the verb prefix, not May
    "حذف ۴ صفر از پول",                   # zeros, not the month Safar
    "رجب طیب اردوغان",
    "به گزارش خبرگزاری مهر",
    "با ۲ تیر به سمت او شلیک کرد",          # bullets, not the month Tir
    "دیگر",
    f"سال{ZWNJ}ها",
    "۲ سال پیش از انقضای بیمه",            # before the expiry, not before publication
    "در سال ۱۶۰۰ نفر",
    "",
    " ",
])
def test_not_a_date(text):
    assert find_dates(text, PUBLISHED) == ()


def test_count_after_month_is_no_year():
    (mention,) = find_dates("در دی ماه ۷۰ نفر کشته شدند", PUBLISHED)
    assert mention.text == "دی ماه"
    assert mention.value == "2022-01"


@pytest.mark.parametrize(("text", "value", "precision"), [
    ("دیروز", None, D),
    ("روز چهارشنبه", None, D),
    ("هفته گذشته", None, W),
    ("امسال", None, Y),
    ("۱۵ دی", None, D),                     # no year to infer
    ("۱۵ دی ۱۴۰۰", "2022-01-05", D),       # an explicit year needs no publication date
    ("سال ۱۳۹۸", "2019", Y),
])
def test_without_publication_date(text, value, precision):
    (mention,) = find_dates(text, None)
    assert (mention.value, mention.precision) == (value, precision)


@pytest.mark.parametrize(("text", "published", "value"), [
    ("۱ فروردین", dt.date(2020, 3, 17), "2020-03-20"),   # late Esfand: the coming Nowruz
    ("۲۸ اسفند", dt.date(2020, 3, 25), "2020-03-18"),    # early Farvardin: the last Esfand
    ("۱۵ دی", dt.date(2022, 1, 5), "2022-01-05"),
    ("۲۵ بهمن", dt.date(2022, 1, 5), "2021-02-13"),      # 40 days ahead: last year's
    ("۲۵ دسامبر", dt.date(2020, 1, 2), "2019-12-25"),
])
def test_year_inference(text, published, value):
    (mention,) = find_dates(text, published)
    assert mention.value == value


def test_infer_year_of_a_coming_month():
    assert infer_year(Calendar.JALALI, 11, 1, PUBLISHED) == 1400
    assert infer_year(Calendar.JALALI, 9, 28, PUBLISHED) == 1400
    assert infer_year(Calendar.JALALI, 12, 1, PUBLISHED) == 1399


def test_invalid_day_keeps_the_mention_without_value():
    (mention,) = find_dates("۳۱ مهر ۱۴۰۰", PUBLISHED)  # Mehr has 30 days
    assert mention.value is None and mention.precision is Precision.DAY


def test_several_mentions_in_order():
    text = "دیروز، ۲۸ آذر، و بامداد روز چهارشنبه در سال ۱۳۹۸"
    found = [(m.text, m.rule) for m in find_dates(text, PUBLISHED)]
    assert found == [("دیروز", "relative.day"), ("۲۸ آذر", "jalali"),
                     ("بامداد روز چهارشنبه", "weekday"), ("سال ۱۳۹۸", "year")]


def test_longest_mention_wins():
    (mention,) = find_dates("۲۰ سال گذشته", PUBLISHED)
    assert mention.text == "۲۰ سال گذشته" and mention.value is None
    (mention,) = find_dates("شنبه ۱۲ بهمن ماه ۱۳۹۸", PUBLISHED)
    assert (mention.rule, mention.value) == ("jalali", "2020-02-01")


# --- every table phrase, however its gaps are written -------------------------------------

def _variants(phrase: str) -> list[str]:
    """A phrase with its spaces as spaces, as ZWNJs, dropped, and with an ezafe after ه."""
    words = phrase.split(" ")
    ezafe = " ".join(w + (f"{ZWNJ}ی" if w.endswith("ه") else "") for w in words[:-1])
    return [phrase, ZWNJ.join(words), "".join(words)] + ([f"{ezafe} {words[-1]}"] if ezafe else [])


RELATIVE = [*dates.RELATIVE_DAYS, *dates.RELATIVE_WEEKS, *dates.RELATIVE_MONTHS,
            *dates.RELATIVE_YEARS]


@pytest.mark.parametrize("phrase", RELATIVE)
def test_every_relative_phrase_resolves_in_every_spelling(phrase):
    for text in _variants(phrase):
        (mention,) = find_dates(text, PUBLISHED, normalized=normalize(text, repair_zwnj=False))
        assert mention.text == text and mention.value is not None, text


@pytest.mark.parametrize("weekday", dates.WEEKDAYS)
def test_every_weekday_resolves_in_every_spelling(weekday):
    for text in _variants(weekday):
        (mention,) = find_dates(text, PUBLISHED, normalized=normalize(text, repair_zwnj=False))
        assert dt.date.fromisoformat(mention.value).weekday() == dates.WEEKDAYS[weekday]


@pytest.mark.parametrize(("months", "year"), [
    (dates.JALALI_MONTHS, "۱۴۰۰"), (dates.GREGORIAN_MONTHS, "۲۰۲۰"), (dates.HIJRI_MONTHS, "۱۴۴۱"),
])
def test_every_month_name_resolves(months, year):
    for name, number in months.items():
        for spelling in _variants(name):
            text = f"۱۰ {spelling} {year}"
            (mention,) = find_dates(text, PUBLISHED)
            assert mention.text == text and mention.value is not None, text


@pytest.mark.parametrize("rule", sorted(dates.HINTS))
def test_hints_let_every_phrase_through(rule):
    """A rule's pattern is skipped when its hint is absent: no phrase may lack the hint."""
    tables = {
        "relative.day": dates.RELATIVE_DAYS, "relative.week": dates.RELATIVE_WEEKS,
        "relative.month": dates.RELATIVE_MONTHS, "relative.year": dates.RELATIVE_YEARS,
        "weekday": dates.WEEKDAYS,
    }
    for phrase in tables.get(rule, ()):
        for text in _variants(phrase):
            assert dates.HINTS[rule].search(text), text


# --- spans quote the original text --------------------------------------------------------

ORIGINAL = (
    "به گزارش ايرنا، امـروز (چهارشنبه) و بامداد دیروز در ۱۵ دي\u200c ماه ۱۴۰۰ حمله\u200cاي شد؛"
    " شب  گذشته هم سه شنبه\u200f ۲۸ آذرماه و ۱۴۰۰/۱۰/۱۵ و دوشنبه\u200cشب"
)


def test_spans_quote_the_original():
    mentions = find_dates(ORIGINAL, PUBLISHED)
    assert [m.text for m in mentions] == [
        "امـروز (چهارشنبه)", "بامداد دیروز", "۱۵ دي\u200c ماه ۱۴۰۰", "شب  گذشته",
        "سه شنبه\u200f ۲۸ آذرماه", "۱۴۰۰/۱۰/۱۵", "دوشنبه\u200cشب",
    ]
    for m in mentions:
        assert ORIGINAL[m.start : m.end] == m.text


def test_given_normalized_copy_is_used():
    work = normalize(ORIGINAL)
    assert find_dates(ORIGINAL, PUBLISHED, normalized=work) == find_dates(ORIGINAL, PUBLISHED)


def test_normalized_copy_of_another_text_is_a_bug():
    with pytest.raises(ValueError, match="different text"):
        find_dates("امروز", PUBLISHED, normalized=normalize("دیروز"))


def test_zwnj_repair_off_gives_the_same_dates():
    text = "سه شنبه شب و ۱۵ دیماه"
    work = normalize(text, repair_zwnj=False)
    assert find_dates(text, PUBLISHED, normalized=work) == find_dates(text, PUBLISHED)


# --- never raises -------------------------------------------------------------------------

PIECES = ["۱۵", "15", "1400", "۱۴۰۰/۱۰/۱۵", "دی", "ماه", "سال", "روز", "شب", "امروز",
          "گذشته", "پیش", "چهارشنبه", "سه", "شنبه", "جمعه", "ژانویه", "می", "محرم", "صفر",
          "رمضان", "اول", "بیست و دوم", "میلادی", "ه.ش", "جاری", "هفته", "۳۱", "۰", "99",
          " ", "\u200c", "\n", "،", "(", ")", "/", "-", "ـ", "\u064b", "ي", "ك"]


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=14),
    published=st.one_of(st.none(), st.dates()),
)
def test_never_raises_and_spans_are_in_the_text(parts, published):
    text = " ".join(parts) if len(parts) % 2 else "".join(parts)
    for m in find_dates(text, published):
        assert 0 <= m.start <= m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.value is None or len(m.value) in (4, 7, 10)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60), published=st.one_of(st.none(), st.dates()))
def test_random_text_never_raises(text, published):
    for m in find_dates(text, published):
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize("published", [dt.date.min, dt.date.max, dt.date(1, 1, 7)])
def test_extreme_publication_dates(published):
    text = "امروز، دیروز، هفته گذشته، ماه گذشته، سال گذشته، امسال، ۱۵ دی، روز چهارشنبه، ماه رمضان"
    assert len(find_dates(text, published)) == 9


@pytest.mark.parametrize("text", [
    'در ۵۰ کیلومتری "دوشنبه"، پایتخت تاجیکستان',
    "از صبح امروز در شهر دوشنبه و راههای منتهی به پایتخت",
    "در جنوب غرب شهر دوشنبه، پایتخت واقع شده است",
])
def test_dushanbe_the_city_is_not_monday(text: str) -> None:
    assert [d for d in find_dates(text, dt.date(2019, 11, 6)) if d.calendar.value == "weekday"] == []
