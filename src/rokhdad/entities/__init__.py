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

__all__ = ["find_entities", "entities_from"]

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
    """``find_entities`` with a given matcher (and NER tag function, or None for none)."""
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
    ``EntitySource.NER`` entities (not geocoded)."""
    if segmented is None:
        from rokhdad.text.segment import segment  # the tokenizer is only needed with NER

        segmented = segment(normalized)
    tokens = segmented.tokens
    found: list[Entity] = []
    for index, sentence in enumerate(segmented.sentences):
        if sentences is not None and index not in sentences:
            continue
        words = [t.norm for t in tokens[sentence.token_start : sentence.token_end]]
        tags = tag(words)
        if tags.count("O") == len(tags):  # most sentences: nothing to read
            continue
        begin, kind = None, None
        for offset, label in enumerate([*tags, "O"]):
            inside = label.startswith("I-") and kind == label[2:]
            if begin is not None and not inside:
                first, last = tokens[sentence.token_start + begin], tokens[sentence.token_start + offset - 1]
                words = [t.norm for t in tokens[sentence.token_start + begin : sentence.token_start + offset]]
                if kind in NER_KINDS and FINITE_VERBS.isdisjoint(words):
                    found.append(Entity(first.start, last.end, text[first.start : last.end],
                                        NER_KINDS[kind], EntitySource.NER,
                                        reason=f"NER {kind}", confidence=NER_CONFIDENCE))
                begin, kind = None, None
            if label.startswith("B-") or (label.startswith("I-") and begin is None):
                begin, kind = offset, label[2:]
    return found


@functools.cache
def _ner_tagger():
    """The shipped NER ``tag`` function, or None while no trained model ships."""
    try:
        from rokhdad.entities import ner

        if not (ner.DATA_DIR / ner.MODEL_FILE).exists():
            log.info("no NER model in %s: table matches only", ner.DATA_DIR)
            return None
        ner._shipped()  # load now, so a broken model fails here, once
        return ner.tag
    except (ImportError, ConfigError) as exc:
        log.warning("NER disabled: %s", exc)
        return None
