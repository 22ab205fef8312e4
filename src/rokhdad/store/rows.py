"""From extractor output to table rows: the contract check and the rows of one transaction.

Invariant: every span written lies inside its article's text (``check_event``), and every
row is keyed deterministically (``keys.py``), so writing the same events twice is a no-op.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from rokhdad import serialize
from rokhdad.model import Article, Event, Participant, Span
from rokhdad.store import incidents, schema
from rokhdad.store.database import upsert
from rokhdad.store.keys import fold, mention_id, participant_key, place_key

log = logging.getLogger(__name__)

ROLE_FIELDS = (("actor", "actors"), ("target", "targets"), ("source", "sources"))
ATTRIBUTION_ROLES = (("attributed", "attributed_to"), ("claimed", "claimed_by"), ("denied", "denied_by"))


def iter_spans(record: object, path: str = "") -> Iterator[tuple[str, Span]]:
    """Every ``Span`` inside a record, with where it sits (``evidence[0]``, ``actors[1].spans[0]``)."""
    if isinstance(record, Span):
        yield path, record
    elif dataclasses.is_dataclass(record) and not isinstance(record, type):
        for f in dataclasses.fields(record):
            yield from iter_spans(getattr(record, f.name), f"{path}.{f.name}" if path else f.name)
    elif isinstance(record, tuple) and not hasattr(record, "_fields"):
        for i, item in enumerate(record):
            yield from iter_spans(item, f"{path}[{i}]")


def check_event(event: object, article: Article) -> Event:
    """An extractor's event, checked: it belongs to the article and every span lies in its text.

    Raises:
        ValueError: the extractor broke its contract (a bug, recorded as a failure).
    """
    if not isinstance(event, Event):
        raise ValueError(f"extractor returned {type(event).__name__}, not Event")
    if event.article_id != article.id:
        raise ValueError(f"event {event.id} names article {event.article_id!r}, not {article.id!r}")
    length = len(article.text)
    for where, span in iter_spans(event):
        if span.end > length:
            raise ValueError(f"event {event.id}: span {where} ({span.start}, {span.end}) lies outside "
                             f"the text ({length} chars)")
    return event


def _participants(event: Event) -> Iterator[tuple[str, Participant]]:
    for role, name in ROLE_FIELDS:
        for participant in getattr(event, name):
            yield role, participant
    for role, name in ATTRIBUTION_ROLES:
        for attribution in getattr(event, name):
            for participant in attribution.who:
                yield role, participant
            for participant in attribution.by:
                yield f"{role}_by", participant


def _actor_row(participant: Participant) -> dict:
    names = (participant.text, participant.name_en or "", *participant.aliases)
    return {"id": participant_key(participant), "name": participant.text, "name_en": participant.name_en,
            "kind": participant.kind.value if participant.kind else None, "inter": participant.inter,
            "search": "|" + "|".join(dict.fromkeys(fold(n) for n in names if n)) + "|"}


@dataclass(slots=True)
class Rows:
    """Rows for one write transaction, inserted in foreign-key order."""

    places: dict[str, dict] = field(default_factory=dict)
    actors: dict[str, dict] = field(default_factory=dict)
    articles: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    participants: list[dict] = field(default_factory=list)

    def add_events(self, article: Article, version: int, events: Sequence[Event]) -> int:
        seen: set[str] = set()
        for event in events:
            mid = mention_id(event, version)
            if mid in seen:  # the extractor repeated an id: keep both, deterministically
                suffix = 2
                while f"{mid}#{suffix}" in seen:
                    suffix += 1
                log.warning("%s: duplicate event id %s", article.id, mid)
                mid = f"{mid}#{suffix}"
            seen.add(mid)
            self.mentions.append(self._mention(article, version, mid, event))
        return len(seen)

    def _mention(self, article: Article, version: int, mid: str, event: Event) -> dict:
        place_id = None
        facility = False
        if event.place is not None:
            place = event.place.place
            place_id = place_key(place.entry_id if place else None, event.place.text)
            facility = incidents.is_facility(place.kind if place else None)
            if place_id not in self.places:
                self.places[place_id] = {
                    "id": place_id, "name_fa": (place.name_fa if place else None) or event.place.text,
                    "name_en": place.name_en if place else None, "kind": place.kind if place else None,
                    "latitude": place.lat if place else None, "longitude": place.lon if place else None,
                    "admin1_fa": place.admin1_fa if place else None, "admin1_en": place.admin1_en if place else None,
                    "country": place.country if place else None, "population": place.population if place else None}
        positions: dict[str, int] = {}
        for role, participant in _participants(event):
            actor = _actor_row(participant)
            self.actors.setdefault(actor["id"], actor)
            position = positions.get(role, 0)
            positions[role] = position + 1
            self.participants.append({"mention_id": mid, "role": role, "position": position,
                                      "actor_id": actor["id"]})
        interval = incidents.date_interval(event.date, event.date_precision, article.published, facility)
        first = event.evidence[0] if event.evidence else None
        return {
            "id": mid, "event_id": event.id, "article_id": article.id, "article_version": version,
            "current": True, "type": event.type.value, "mode": event.mode, "date": event.date,
            "date_precision": event.date_precision.value,
            "date_start": interval[0] if interval else None, "date_end": interval[1] if interval else None,
            "merge_date": incidents.merge_day(interval, event.date is not None) if interval else None,
            "place_id": place_id, "geo_precision": event.place.precision if event.place else None,
            "fatalities": event.fatalities, "injured": event.injured, "weapon": event.weapon,
            "weapon_count": event.weapon_count, "modality": event.modality.value, "optional": event.optional,
            "confidence": event.confidence, "evidence_start": first.start if first else None,
            "evidence_end": first.end if first else None, "record": serialize.to_dict(event),
            "incident_id": None,
        }

    def flush(self, connection: sa.Connection) -> None:
        upsert(connection, schema.places, list(self.places.values()), ["id"])
        upsert(connection, schema.actors, list(self.actors.values()), ["id"])
        if self.articles:
            connection.execute(schema.articles.insert(), self.articles)
        if self.mentions:
            connection.execute(schema.mentions.insert(), self.mentions)
        if self.participants:
            connection.execute(schema.mention_participants.insert(), self.participants)
        self.places, self.actors, self.articles, self.mentions, self.participants = {}, {}, [], [], []
