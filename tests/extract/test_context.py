"""ArticleContext: trigger matches found once, and NER run only around them."""

from __future__ import annotations

import datetime as dt

import pytest

from rokhdad.entities import find_entities, ner
from rokhdad.extract.context import ArticleContext
from rokhdad.extract.rules import load_rules
from rokhdad.model import Article, EntitySource

needs_model = pytest.mark.skipif(not (ner.DATA_DIR / ner.MODEL_FILE).exists(),
                                 reason="NER model not built")

TEXT = (
    "گزارش روز\n"
    "شبل الزیدی دیروز با خبرنگاران در بغداد دیدار کرد.\n"
    "این نشست دو ساعت طول کشید.\n"
    "مهمانان از غذا تعریف کردند.\n"
    "هوا در شهر آفتابی بود.\n"
    "حامد الجزایری گفت یک پهپاد به کاروان شلیک کرد."
)


def ner_texts(entities) -> set[str]:
    return {e.text for e in entities if e.source == EntitySource.NER}


@needs_model
def test_ner_sentences_limit_the_statistical_tagger_only() -> None:
    everywhere = find_entities(TEXT)
    nowhere = find_entities(TEXT, ner_sentences=frozenset())
    assert ner_texts(everywhere) and not ner_texts(nowhere)
    tables = {(e.start, e.end) for e in everywhere if e.source != EntitySource.NER}
    assert tables == {(e.start, e.end) for e in nowhere}
    assert "بغداد" in {e.text for e in nowhere}  # tables read every sentence


@needs_model
def test_context_runs_ner_near_triggers() -> None:
    article = Article("t1", TEXT, dt.date(2021, 5, 1))
    ctx = ArticleContext(article, rules=load_rules())
    found = ner_texts(located.item for located in ctx.entities)
    # the last sentence holds a trigger (شلیک کرد): its person is found; sentence 2 is
    # three sentences away from it and not the headline, so NER does not read it
    assert any("الجزایری" in text for text in found)
    assert not any("الزیدی" in text for text in found)
    assert any(ctx.trigger_hits.values())
    unrestricted = ner_texts(find_entities(TEXT))  # without the restriction both are found
    assert any("الزیدی" in text for text in unrestricted)
    assert any("الجزایری" in text for text in unrestricted)


def test_statistical_spans_with_a_finite_verb_are_dropped() -> None:
    from rokhdad.entities import ner_entities
    from rokhdad.text.normalize import normalize

    text = "در این حادثه یک پلیس جان باخت و سازمان ملل آن را محکوم کرد."

    def tag(words: list[str]) -> list[str]:  # a tagger that runs an ORG into the verb
        tags = ["O"] * len(words)
        for i, word in enumerate(words):
            if word == "پلیس":
                tags[i:i + 3] = ["B-ORG", "I-ORG", "I-ORG"]
            if word == "سازمان":
                tags[i:i + 2] = ["B-ORG", "I-ORG"]
        return tags

    found = [e.text for e in ner_entities(text, normalize(text), tag)]
    assert found == ["سازمان ملل"]
