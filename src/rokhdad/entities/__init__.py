"""Entities: table matching (actors, facilities, places), geocoding and NER, merged.

``find_entities(text)`` returns ``Entity`` records whose ``start``/``end`` index the
original text, so ``text[e.start:e.end] == e.text`` always holds.
"""

from __future__ import annotations

import functools
import logging
from bisect import bisect_left
from collections.abc import Container
from itertools import accumulate
from typing import TYPE_CHECKING

from rokhdad.entities.geocode import Resolution, resolve_places
from rokhdad.entities.match import (
    Matcher,
    Reading,
    apply_context,
    build_key_text,
    choose_mentions,
    find_candidates,
    read_mentions,
    shipped_matcher,
)
from rokhdad.errors import ConfigError
from rokhdad.model import Entity, EntityKind, EntitySource
from rokhdad.text.normalize import Normalized, normalize

if TYPE_CHECKING:
    from rokhdad.text.segment import Segmented

__all__ = ["bio_spans", "entities_from", "find_entities", "merge_ner", "ner_entities"]

log = logging.getLogger(__name__)

# NER types -> entity kinds; dates, times, money and percentages are other layers' business
NER_KINDS = {"PER": EntityKind.PERSON, "ORG": EntityKind.ORGANIZATION, "LOC": EntityKind.PLACE,
             "FAC": EntityKind.FACILITY}
NER_CONFIDENCE = 0.6  # a statistical mention no table confirms
# No name holds a finite verb: a statistical span with one of the commonest news verbs ran
# past the name into the clause («پلیس جان باخت»), and is dropped.
FINITE_VERBS = frozenset(
    "است بود شد شدند کرد کردند گفت گفتند داد دادند باخت باختند رسید رسیدند "
    "افزود گرفت گرفتند زد زدند آمد آمدند رفت رفتند دارد دارند کند کنند".split())


def find_entities(text: str, *, normalized: Normalized | None = None,
                  segmented: Segmented | None = None,
                  ner_sentences: Container[int] | None = None) -> tuple[Entity, ...]:
    """Actors, facilities and places named in ``text``, geocoded, in text order.

    Args:
        text: the original article text.
        normalized: ``normalize(text)`` when the caller already has it.
        segmented: ``segment(normalized)`` when the caller already has it.
        ner_sentences: indexes of the sentences the statistical NER reads (None: all);
            the tables are matched over the whole text whatever this says.

    >>> [e.place.name_en for e in find_entities("انفجار در المیادین سوریه")][:1]
    ['Al Mayādīn']
    """
    return entities_from(shipped_matcher(), text, normalized, ner=_ner_tagger(),
                         segmented=segmented, ner_sentences=ner_sentences)


def entities_from(matcher: Matcher, text: str, normalized: Normalized | None = None, *,
                  ner=None, segmented: Segmented | None = None,
                  ner_sentences: Container[int] | None = None) -> tuple[Entity, ...]:
    """``find_entities`` with a given matcher and NER tagger (see ``ner_entities``; None: none)."""
    if normalized is None:
        normalized = normalize(text)
    key_text = build_key_text(normalized.text)
    candidates = apply_context(find_candidates(key_text, matcher), key_text)
    readings = read_mentions(choose_mentions(candidates), normalized.text, key_text, matcher)
    resolutions = resolve_places(readings, key_text)
    entities = [_entity(text, normalized, reading, resolution)
                for reading, resolution in zip(readings, resolutions)]
    # --- NER hook: statistical mentions join here; table matches win on overlap. ---
    if ner is not None:
        entities = merge_ner(entities, ner_entities(text, normalized, ner, segmented, ner_sentences))
    return tuple(entities)


def _entity(text: str, normalized: Normalized, reading: Reading,
            resolution: Resolution | None) -> Entity:
    start, end = normalized.to_original(reading.start, reading.end)
    if resolution is None:
        entry = reading.entries[0] if reading.entries else None
        return Entity(start, end, text[start:end], reading.kind, reading.source,
                      name_en=reading.name_en, entry_id=entry.id if entry else None,
                      reason=reading.reason)
    if resolution.entry is None:  # a place the gazetteer lacks (its namesakes ruled out)
        return Entity(start, end, text[start:end], reading.kind, reading.source,
                      reason=resolution.reason, confidence=resolution.confidence)
    entry = resolution.entry
    return Entity(start, end, text[start:end], reading.kind, entry.source,
                  name_en=entry.name_en, entry_id=entry.id, place=resolution.place,
                  precision=resolution.precision, reason=resolution.reason,
                  confidence=resolution.confidence)


def merge_ner(table: list[Entity], ner: list[Entity]) -> list[Entity]:
    """Table entities plus the NER ones that overlap none of them, in text order."""
    if not ner:
        return table
    spans = sorted((e.start, e.end) for e in table)
    starts = [start for start, _ in spans]
    reach = list(accumulate((end for _, end in spans), max))  # furthest end so far
    # an NER span [a, b) overlaps a table one when some table span starting before b ends after a
    extra = [e for e in ner
             if not (k := bisect_left(starts, e.end)) or reach[k - 1] <= e.start]
    return sorted(table + extra, key=lambda e: (e.start, e.end))


def ner_entities(text: str, normalized: Normalized, tag, segmented: Segmented | None = None,
                 sentences: Container[int] | None = None) -> list[Entity]:
    """BIO-tagged spans of each sentence (of the ``sentences`` indexes, if given) as
    ``EntitySource.NER`` entities (not geocoded).

    ``tag`` is a ``NerTagger`` (its ``tag_many`` tags every sentence in one call) or any
    function from one sentence's tokens to their BIO tags."""
    if segmented is None:
        from rokhdad.text.segment import segment  # the tokenizer is only needed with NER

        segmented = segment(normalized)
    tokens = segmented.tokens
    found: list[Entity] = []
    chosen = [sentence for index, sentence in enumerate(segmented.sentences)
              if sentences is None or index in sentences]
    batch = [[t.norm for t in tokens[s.token_start : s.token_end]] for s in chosen]
    tag_many = getattr(tag, "tag_many", None)  # a NerTagger tags all sentences in one call
    tagged = tag_many(batch) if tag_many is not None else [tag(words) for words in batch]
    for sentence, tags in zip(chosen, tagged):
        base = sentence.token_start
        for begin, end, kind in bio_spans(tags):
            if kind not in NER_KINDS:  # dates, money …: other layers read them
                continue
            words = [t.norm for t in tokens[base + begin : base + end]]
            if FINITE_VERBS.isdisjoint(words):
                first, last = tokens[base + begin], tokens[base + end - 1]
                found.append(Entity(first.start, last.end, text[first.start : last.end],
                                    NER_KINDS[kind], EntitySource.NER,
                                    reason=f"NER {kind}", confidence=NER_CONFIDENCE))
    return found


def bio_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """``(begin, end, type)`` token ranges of the entities in BIO ``tags``; an ``I-`` that
    continues nothing (after ``O`` or another type) begins an entity.

    >>> bio_spans(["B-PER", "I-PER", "O", "I-LOC", "B-ORG", "I-LOC"])
    [(0, 2, 'PER'), (3, 4, 'LOC'), (4, 5, 'ORG'), (5, 6, 'LOC')]
    """
    spans: list[tuple[int, int, str]] = []
    begin, last, kind = -1, -2, ""
    for i, label in enumerate(tags):
        if label == "O":
            continue
        if i == last + 1 and label[0] == "I" and label[2:] == kind:
            last = i
            continue
        if begin >= 0:
            spans.append((begin, last + 1, kind))
        begin, last, kind = i, i, label[2:]
    if begin >= 0:
        spans.append((begin, last + 1, kind))
    return spans


@functools.cache
def _ner_tagger():
    """The shipped ``NerTagger``, or None while no trained model ships."""
    try:
        from rokhdad.entities import ner

        if not (ner.DATA_DIR / ner.MODEL_FILE).exists():
            log.info("no NER model in %s: table matches only", ner.DATA_DIR)
            return None
        return ner._shipped()  # loaded now, so a broken model fails here, once
    except (ImportError, ConfigError) as exc:
        log.warning("NER disabled: %s", exc)
        return None
