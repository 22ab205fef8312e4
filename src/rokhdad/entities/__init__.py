"""Entities: table matching (actors, facilities, places), geocoding and NER, merged.

``find_entities(text)`` returns ``Entity`` records whose ``start``/``end`` index the
original text, so ``text[e.start:e.end] == e.text`` always holds.
"""

from __future__ import annotations

import logging

from rokhdad.entities.geocode import resolve_places
from rokhdad.entities.match import (
    Reading,
    apply_context,
    build_key_text,
    choose_mentions,
    find_candidates,
    read_mentions,
    shipped_matcher,
)
from rokhdad.model import Entity, EntitySource
from rokhdad.text.normalize import Normalized, normalize

__all__ = ["find_entities"]

log = logging.getLogger(__name__)


def find_entities(text: str, *, normalized: Normalized | None = None) -> tuple[Entity, ...]:
    """Actors, facilities and places named in ``text``, geocoded, in text order.

    >>> [e.place.name_en for e in find_entities("انفجار در المیادین سوریه")][:1]
    ['Al Mayādīn']
    """
    if normalized is None:
        normalized = normalize(text)
    matcher = shipped_matcher()
    key_text = build_key_text(normalized.text)
    candidates = apply_context(find_candidates(key_text, matcher), key_text)
    readings = read_mentions(choose_mentions(candidates), normalized.text, key_text,
                             matcher.gazetteer)
    resolutions = resolve_places(readings, key_text)
    entities = [_entity(text, normalized, reading, resolution)
                for reading, resolution in zip(readings, resolutions)]
    # --- NER hook: statistical mentions join here; table matches win on overlap. ---
    entities = merge_ner(entities, _ner_entities(text, normalized))
    return tuple(entities)


def _entity(text: str, normalized: Normalized, reading: Reading, resolution) -> Entity:
    start, end = normalized.to_original(reading.start, reading.end)
    if resolution is None:
        entry = reading.entries[0] if reading.entries else None
        return Entity(start, end, text[start:end], reading.kind, reading.source,
                      name_en=reading.name_en, entry_id=entry.id if entry else None,
                      reason=reading.reason)
    entry = resolution.entry
    return Entity(start, end, text[start:end], reading.kind, entry.source,
                  name_en=entry.name_en, entry_id=entry.id, place=resolution.place,
                  precision=resolution.precision, reason=resolution.reason,
                  confidence=resolution.confidence)


def merge_ner(table: list[Entity], ner: list[Entity]) -> list[Entity]:
    """Table entities plus the NER ones that overlap none of them, in text order."""
    if not ner:
        return table
    taken = [(e.start, e.end) for e in table]
    extra = [e for e in ner if all(e.end <= s or e.start >= t for s, t in taken)]
    return sorted(table + extra, key=lambda e: (e.start, e.end))


def _ner_entities(text: str, normalized: Normalized) -> list[Entity]:
    """NER mentions (``EntitySource.NER``); empty until the model is wired in."""
    return []


_ = EntitySource  # re-exported kinds live in rokhdad.model
