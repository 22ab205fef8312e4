"""Longest-match tagging: keys, find/choose, context readings, and spans into the original."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from hypothesis import given
from hypothesis import strategies as st

from rokhdad.entities import find_entities, merge_ner
from rokhdad.entities.match import Candidate, alias_keys, build_key_text, choose_mentions, normalize_name
from rokhdad.model import Entity, EntityKind, EntitySource

ZWNJ = "\u200c"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


def kinds(text: str) -> list[tuple[str, EntityKind, str | None]]:
    return [(e.text, e.kind, e.entry_id) for e in find_entities(text)]


def first(text: str, quote: str):
    found = [e for e in find_entities(text) if e.text == quote]
    assert found, f"«{quote}» not found in «{text}»: {kinds(text)}"
    return found[0]


# --- keys -------------------------------------------------------------------------

def test_spacing_variants_share_keys():
    keys = alias_keys(f"حزب{ZWNJ}الله")
    assert set(keys) == {"حزب الله", "حزبالله"}
    assert not any(keys.values())  # spacing is not a derived spelling


def test_arabic_article_variants():
    assert "حسکه" in alias_keys("الحسکه", arabic=True)
    assert "المیادین" in alias_keys("میادین", arabic=True)
    assert alias_keys("الحسکه", arabic=True)["حسکه"] is True  # a derived spelling
    assert "حسکه" not in alias_keys("الحسکه", arabic=False)


def test_alef_madda_variants():
    assert "امریکا" in alias_keys("آمریکا")
    assert "آمریکا" in alias_keys("امریکا")
    assert "آب" not in alias_keys("اب")  # too short: «آب» is water


def test_key_text_keeps_length_and_unifies_separators():
    text = f"حزب{ZWNJ}الله، در «بغداد»"
    key = build_key_text(text)
    assert len(key) == len(text)
    assert key.split() == ["حزب", "الله", "در", "بغداد"]
    assert normalize_name("اسرائیل") == "اسراییل"


# --- choose ------------------------------------------------------------------------

def test_choose_keeps_longest_non_overlapping():
    short = Candidate(7, 15, "حزب الله", (1,))
    long = Candidate(0, 15, "کتائب حزب الله", (2,))
    other = Candidate(16, 20, "عراق", (3,))
    assert choose_mentions([short, other, long]) == (long, other)


def test_choose_prefers_leftmost_on_equal_length():
    a, b = Candidate(0, 5, "a", (1,)), Candidate(3, 8, "b", (2,))
    assert choose_mentions([b, a]) == (a,)


@pytest.mark.parametrize("text", [
    f"حزب{ZWNJ}الله لبنان اعلام کرد", "حزب الله اعلام کرد", "حزبالله اعلام کرد",
    f"حزب{ZWNJ}{ZWNJ}الله اعلام کرد",
])
def test_hezbollah_spellings(text):
    found = [e for e in find_entities(text) if e.kind is EntityKind.ARMED_GROUP]
    assert found and found[0].entry_id == "act:hezbollah"


def test_kataib_hezbollah_is_the_longest_match():
    found = kinds(f"کتائب حزب{ZWNJ}الله مسئولیت حمله را نپذیرفت و حزب{ZWNJ}الله لبنان سکوت کرد")
    ids = [entry_id for _, kind, entry_id in found if kind is EntityKind.ARMED_GROUP]
    assert ids == ["act:kataib-hezbollah", "act:hezbollah"]


# --- context readings ------------------------------------------------------------------

@pytest.mark.parametrize("text, quote, kind", [
    ("به گزارش فارس، انفجار رخ داد", "فارس", EntityKind.OUTLET),
    ("خبرگزاری فارس گزارش داد", "خبرگزاری فارس", EntityKind.OUTLET),
    ("فارس نیوز گزارش داد", "فارس نیوز", EntityKind.OUTLET),
    ("زلزله در استان فارس خسارت زد", "فارس", EntityKind.PLACE),
    ("نفتکش در خلیج فارس توقیف شد", "خلیج فارس", EntityKind.PLACE),
])
def test_fars_by_context(text, quote, kind):
    assert first(text, quote).kind is kind


def tables(text: str):
    """Table matches only: the statistical model may tag what the tables leave."""
    return [e for e in find_entities(text) if e.source is not EntitySource.NER]


def test_persian_language_is_not_fars():
    assert not [e for e in tables("او به زبان فارسی سخن گفت") if "فارس" in e.text]


@pytest.mark.parametrize("text, quote, kind", [
    ("هیئتی از ایران به آمریکا سفر کرد", "آمریکا", EntityKind.PLACE),
    ("آمریکا بامداد امروز به مواضع کتائب حزب\u200cالله حمله کرد", "آمریکا", EntityKind.STATE_FORCE),
    ("حمله آمریکا به فرودگاه بغداد محکوم شد", "آمریکا", EntityKind.STATE_FORCE),
    ("نیروهای آمریکایی از پایگاه خارج شدند", "نیروهای آمریکایی", EntityKind.STATE_FORCE),
    ("وزیر خارجه آمریکا گفت ایران حمله کرد", "وزیر خارجه آمریکا", None),
])
def test_america_place_or_actor(text, quote, kind):
    found = [e for e in find_entities(text) if e.text == quote]
    if kind is None:  # the country is only part of an office: never an attacker
        assert not any(e.kind is EntityKind.STATE_FORCE and e.text == "آمریکا"
                       for e in tables(text))
        return
    assert found and found[0].kind is kind, kinds(text)


def test_attacker_is_the_countrys_military():
    entity = first("ترکیه روز گذشته به مواضع کردها حمله کرد", "ترکیه")
    assert entity.kind is EntityKind.STATE_FORCE and entity.place is None
    assert entity.name_en and "Turk" in entity.name_en


@pytest.mark.parametrize("text, quote, kind", [
    ("شبکه المیادین گزارش داد", "شبکه المیادین", EntityKind.OUTLET),
    ("سخنگوی وزارت خارجه عراق به المیادین گفت", "المیادین", EntityKind.OUTLET),
    ("به نقل از المیادین، انفجار رخ داد", "المیادین", EntityKind.OUTLET),
    ("انفجار در المیادین سوریه سه کشته داشت", "المیادین", EntityKind.PLACE),
    ("حمله هوایی به شهر المیادین در شرق دیرالزور", "المیادین", EntityKind.PLACE),
])
def test_al_mayadeen_town_or_channel(text, quote, kind):
    assert first(text, quote).kind is kind


@pytest.mark.parametrize("text, word", [
    ("او این کار را خوب بلد است", "بلد"),
    ("امام جمعه موقت تهران گفت", "امام"),
    ("مردم در سر کار بودند", "سر"),
    ("دو نفر کشته شدند", "دو"),
    ("قطع آب در شهر ادامه دارد", "آب"),
    ("شهر در آرامش است", "شهر"),
    ("مرکز تحقیقات اعلام کرد", "مرکز"),
    ("حمله به کاروان انجام شد", "حمله"),
    ("میادین نفتی سوریه در اختیار آمریکاست", "میادین"),
    ("بانک مرکزی نرخ را اعلام کرد", "مرکزی"),
    ("در شمال عراق درگیری رخ داد", "شمال"),
    # a foreign place that is a common word needs a place noun, not just "از" (Irish Louth)
    ("روستا را از لوث نیروهای ترکیه آزاد کردند", "لوث"),
])
def test_common_words_are_not_places(text, word):
    assert not [e for e in tables(text) if e.text == word], kinds(text)


@pytest.mark.parametrize("text, quote, name_en", [
    ("انفجار در شهر بلد در استان صلاح الدین", "بلد", "Balad"),
    ("حمله راکتی به پایگاه بلد", "پایگاه بلد", "Balad"),  # the facility table's base
])
def test_common_word_places_need_a_cue(text, quote, name_en):
    entity = first(text, quote)
    assert entity.kind in (EntityKind.PLACE, EntityKind.FACILITY) and name_en in entity.name_en


# --- spans quote the original -----------------------------------------------------------

def _variants(text: str) -> list[str]:
    arabic = text.replace("ی", "\u064a").replace("ک", "\u0643")
    return [text, text.replace(ZWNJ, ""), text.replace(ZWNJ, " "), arabic,
            text.replace("ه ", "\u0629 ", 3)]


@pytest.mark.parametrize("text", [
    f"کتائب حزب{ZWNJ}الله در البوکمال و المیادین، به گزارش فارس، با آمریکا درگیر شد.",
    f"نیروهای آمریکایی در پایگاه عین{ZWNJ}الاسد در استان الانبار عراق مستقرند.",
    "حملهٔ موشکی به پايگاه التاجي در شمال بغداد\u200f.",
])
def test_spans_quote_the_original(text):
    for variant in _variants(text):
        entities = find_entities(variant)
        assert entities, variant
        for entity in entities:
            assert variant[entity.start : entity.end] == entity.text


def test_spans_on_real_articles_quote_the_original():
    path = shared_path("data", "ir-news-2020", "articles.jsonl")
    subset = set(shared_path("data", "ir-news-2020", "conflict_subset_ids.txt").read_text().split())
    articles = [json.loads(line) for line in path.open(encoding="utf-8")]
    articles = [a for a in articles if a["id"] in subset][:60]
    rng = random.Random(7)
    total = 0
    for article in articles:
        for variant in (article["text"], article["text"].replace(ZWNJ, ""),
                        article["text"].replace("ی", "\u064a").replace("ک", "\u0643")):
            for entity in find_entities(variant):
                assert variant[entity.start : entity.end] == entity.text
                assert entity.source in EntitySource
                total += 1
        assert rng  # keep the order deterministic
    assert total > 500


# --- the NER hook ------------------------------------------------------------------------

def test_ner_mentions_join_and_tables_win_on_overlap():
    from rokhdad.entities import entities_from
    from rokhdad.entities.match import shipped_matcher

    def fake_tag(words):  # a person no table knows, and a place the gazetteer knows
        return ["B-PER" if w == "بهرام" else "I-PER" if w == "نوروزی" else
                "B-LOC" if w == "بغداد" else "O" for w in words]

    text = "بهرام نوروزی در بغداد کشته شد."
    entities = entities_from(shipped_matcher(), text, ner=fake_tag)
    by_text = {e.text: e for e in entities}
    assert by_text["بهرام نوروزی"].source is EntitySource.NER
    assert by_text["بهرام نوروزی"].kind is EntityKind.PERSON
    assert by_text["بغداد"].source is EntitySource.GAZETTEER  # the table match wins
    assert all(text[e.start : e.end] == e.text for e in entities)



@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=8),
       st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=8))
def test_merge_ner_adds_exactly_the_ner_spans_that_overlap_no_table_span(table_spans, ner_spans) -> None:
    def entities(spans, source):
        return [Entity(a, a + n, "x" * n, EntityKind.PLACE, source) for a, n in spans]

    table = entities(table_spans, EntitySource.GAZETTEER)
    ner = entities(ner_spans, EntitySource.NER)
    expected = [e for e in ner if all(e.end <= t.start or e.start >= t.end for t in table)]
    merged = merge_ner(table, ner)
    key = lambda e: (e.start, e.end, e.source.value)  # noqa: E731
    assert sorted(merged, key=key) == sorted(table + expected, key=key)
    if ner:  # with NER entities added, the result is in text order
        assert [(e.start, e.end) for e in merged] == sorted((e.start, e.end) for e in merged)
