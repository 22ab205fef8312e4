"""Event extraction on the seed article and on short Persian cases (the language, not one article)."""

from __future__ import annotations

import datetime as dt

import pytest

from rokhdad.model import Article, EventType, Modality, Qualifier
from rokhdad.pipeline import process
from rokhdad.samples import sample_articles

ZWNJ = "\u200c"


def events_of(text: str, published: str = "2022-01-05", source: str | None = None):
    return process(Article("t", text, dt.date.fromisoformat(published), source=source))


@pytest.fixture(scope="module")
def seed_events():
    seed = next(a for a in sample_articles() if a.id == "seed-000")
    return seed, process(seed)


def _by_place(events, fragment):
    found = [e for e in events if e.place is not None and fragment in "".join(e.place.aliases)]
    assert found, f"no event at {fragment}"
    return found[0]


def test_seed_has_the_four_incidents(seed_events) -> None:
    _, events = seed_events
    assert len([e for e in events if not e.optional]) == 4
    assert all(e.type is EventType.ASSAULT for e in events)


def test_seed_victory_base_is_dated_the_day_before(seed_events) -> None:
    _, events = seed_events
    victory = _by_place(events, "ویکتوریا")
    assert victory.date == "2022-01-04"
    assert victory.weapon == "Katyusha rocket" and victory.weapon_count == 4


def test_seed_ain_al_asad_at_least_five_rockets_claimed_via_fars(seed_events) -> None:
    _, events = seed_events
    asad = _by_place(events, "عین")
    assert asad.weapon_count == 5 and asad.weapon_count_qualifier is Qualifier.AT_LEAST
    assert asad.fatalities == 0
    assert asad.modality is Modality.REPORTED
    claim = asad.claimed_by[0]
    assert "قاصم الجبارین" in claim.who[0].aliases
    assert any("فارس" in a for p in claim.by for a in p.aliases)


def test_seed_attribution_to_iran_backed_militias(seed_events) -> None:
    _, events = seed_events
    khadra = _by_place(events, "الخضر")
    assert khadra.weapon_count == 8 and khadra.fatalities == 0
    blamed = {a for att in khadra.attributed_to for p in att.who for a in p.aliases}
    assert any("مورد حمایت ایران" in a for a in blamed)


def test_seed_retaliation_is_its_own_event(seed_events) -> None:
    _, events = seed_events
    mayadin = _by_place(events, "المیادین")
    assert mayadin.weapon == "artillery"
    assert any("ائتلاف" in a for p in mayadin.actors for a in p.aliases)


def test_every_span_quotes_the_original(seed_events) -> None:
    seed, events = seed_events
    for e in events:
        for span in e.evidence:
            assert seed.text[span.start:span.end].strip() == seed.text[span.start:span.end]
        for p in e.actors + e.targets + e.sources:
            for span in p.spans:
                assert 0 <= span.start < span.end <= len(seed.text)
        if e.place is not None:
            assert seed.text[e.place.spans[0].start:e.place.spans[0].end] == e.place.text
        for prov in e.provenance:
            for span in prov.spans:
                assert 0 <= span.start <= span.end <= len(seed.text)


def test_ids_are_deterministic(seed_events) -> None:
    seed, events = seed_events
    assert [e.id for e in process(seed)] == [e.id for e in events]


@pytest.mark.parametrize("text", [
    "رئیس\u200cجمهور دچار حمله قلبی شد و به بیمارستان منتقل شد.",
    "حمله کرونا به اقتصاد جهان ادامه دارد.",
    "هجوم و حمله ملخ\u200cها به مزارع جنوب کشور خسارت زد.",
    "نماینده مجلس در نطق خود به دولت حمله کرد و از سیاست\u200cهای اقتصادی انتقاد کرد.",
    "ایران موشک ماهواره\u200cبر سیمرغ را با موفقیت پرتاب کرد.",
    "سپاه تهدید کرد که در صورت تجاوز، پایگاه\u200cهای آمریکا را هدف قرار خواهد داد.",
    "وزارت خارجه حمله به سفارت را به شدت محکوم کرد.",
    "مهاجم تیم ملی در دقیقه ۹۰ به دروازه حریف حمله کرد و گل زد.",
    "انفجار گاز در یک واحد مسکونی در تهران دو زخمی برجا گذاشت.",
    "آمریکا قصد دارد هفته آینده به مواضع شبه\u200cنظامیان حمله کند.",
])
def test_no_event_for_non_conflict_or_unreal(text: str) -> None:
    assert [e for e in events_of(text) if not e.optional] == []


def test_no_casualties_is_zero_and_unknown_is_null() -> None:
    (e,) = events_of("پایگاه عین الاسد روز گذشته با سه راکت هدف قرار گرفت. این حمله تلفاتی در پی نداشت.")
    assert e.fatalities == 0 and e.date == "2022-01-04"
    (e,) = events_of("پایگاه عین الاسد روز گذشته با سه راکت هدف قرار گرفت. هنوز گزارشی از تلفات منتشر نشده است.")
    assert e.fatalities is None


def test_killed_and_wounded_counts_are_summed() -> None:
    (e,) = events_of("در حمله راکتی به پایگاه التاجی دو نظامی آمریکایی و یک نظامی انگلیسی کشته و ۱۲ تن دیگر زخمی شدند.")
    assert (e.fatalities, e.injured) == (3, 12)


def test_works_without_zwnj_and_with_arabic_letters() -> None:
    text = "شبه نظاميان مسلح روز چهارشنبه به پايگاه عين الاسد حمله كردند و حداقل پنج راكت شليك شد."
    (e,) = events_of(text.replace(ZWNJ, ""))
    assert e.weapon == "rocket" and e.weapon_count == 5 and e.date == "2022-01-05"


def test_two_places_far_apart_are_two_events() -> None:
    text = ("جنگنده\u200cهای آمریکا بامداد امروز مواضع حشد الشعبی در استان بابل و فرودگاه در دست ساخت "
            "کربلا را هدف قرار دادند.")
    events = events_of(text)
    assert len(events) == 2
    assert {e.place.place.admin1_en for e in events} >= {"Karbala"}


def test_denial_of_involvement_goes_to_denied_by() -> None:
    text = ("سفارت آمریکا در بغداد شب گذشته هدف حمله راکتی قرار گرفت. "
            "عصائب اهل الحق دست داشتن در این حمله را تکذیب کرد.")
    events = events_of(text)
    assert len(events) == 1
    denied = {a for d in events[0].denied_by for p in d.who for a in p.aliases}
    assert any("عصائب" in a for a in denied)


def test_empty_and_tiny_articles() -> None:
    from rokhdad.errors import ArticleError

    with pytest.raises(ArticleError):
        events_of("   ")
    assert events_of("سلام") == ()


def test_very_long_article_keeps_valid_spans(seed_events) -> None:
    seed, _ = seed_events
    text = "\n".join([seed.text] * 40)  # ~100k characters
    events = process(Article("long", text, dt.date(2022, 1, 5)))
    assert events
    for e in events:
        for span in e.evidence:
            assert 0 <= span.start < span.end <= len(text)
