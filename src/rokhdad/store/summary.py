"""Merged incident records: one ``Incident`` from the mentions of several articles.

Invariant: nothing is resolved away. Every value every mention reported is kept as a
``ReportedValue`` with who said it; the headline value is chosen by a stated rule (for
fatalities, injured and counts the lowest, as ACLED does) and the choice is explained.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rokhdad.model import Event, EventType, Modality, Participant, Precision
from rokhdad.store.keys import fold, participant_key

# ACLED, "Fatalities" (knowledge base, 2023; codebook 2024, "Reported Fatalities"):
# "If source reports differ or a vague estimate is provided, ACLED uses the most
# conservative estimate available and seeks to note in the 'Notes' column when there has
# been a dispute." We apply the same rule to injured and weapon counts.
CONSERVATIVE_FIELDS = ("fatalities", "injured", "weapon_count")
COMPARED_FIELDS = ("date", "mode", "place", "weapon", "weapon_count", "fatalities", "injured", "modality")
MODALITY_STRENGTH = {Modality.ASSERTED: 3, Modality.REPORTED: 2, Modality.ALLEGED: 1, Modality.DENIED: 0}
PRECISION_RANK = {Precision.DAY: 0, Precision.WEEK: 1, Precision.MONTH: 2, Precision.YEAR: 3, Precision.UNKNOWN: 4}
ROLES = ("actors", "targets", "attributed_to", "claimed_by", "denied_by")


@dataclass(frozen=True, slots=True)
class Member:
    """One mention as the summary needs it: the event plus its article's metadata."""

    mention_id: str
    article_id: str
    outlet: str | None
    published: dt.date | None
    event: Event
    quote: str | None


@dataclass(frozen=True, slots=True)
class IncidentActor:
    """A participant merged over mentions: ``by`` names who blamed/claimed/denied, if any."""

    key: str
    name: str
    name_en: str | None
    inter: int | None
    kind: str | None
    mentions: int
    by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IncidentPlace:
    id: str
    name: str
    name_en: str | None
    kind: str | None
    admin1: str | None
    country: str | None
    latitude: float | None
    longitude: float | None
    precision: int | None


@dataclass(frozen=True, slots=True)
class Evidence:
    """One mention's first evidence span: ``start``/``end`` into that article's text."""

    article_id: str
    mention_id: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True, slots=True)
class ReportedValue:
    """One value one mention gave for one field, and who said it."""

    field: str
    value: Any                     # JSON scalar
    mention_id: str
    article_id: str
    outlet: str | None
    published: dt.date | None
    said_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Incident:
    """One incident merged across articles (see ``incidents.py`` for the merge rules)."""

    id: str
    type: EventType
    mode: str | None
    date: str | None
    date_precision: Precision
    date_start: dt.date | None
    date_end: dt.date | None
    place: IncidentPlace | None
    actors: tuple[IncidentActor, ...]
    targets: tuple[IncidentActor, ...]
    attributed_to: tuple[IncidentActor, ...]
    claimed_by: tuple[IncidentActor, ...]
    denied_by: tuple[IncidentActor, ...]
    sources: tuple[str, ...]
    outlets: tuple[str, ...]
    weapon: str | None
    weapon_count: int | None
    fatalities: int | None
    fatalities_note: str | None
    injured: int | None
    modality: Modality
    optional: bool
    disputed: tuple[str, ...]
    num_mentions: int
    num_articles: int
    num_sources: int
    first_seen: dt.date | None
    last_seen: dt.date | None
    evidence: tuple[Evidence, ...]
    values: tuple[ReportedValue, ...]
    mention_ids: tuple[str, ...]

    def reported(self, field: str) -> tuple[ReportedValue, ...]:
        """Every value reported for ``field``, in publication order."""
        return tuple(v for v in self.values if v.field == field)


def _most_common(values: Iterable[Any], prefer: Any = None) -> Any:
    """Most frequent value; ties go to the smallest under ``prefer`` (a sort key)."""
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    best = max(counts.values())
    tied = [v for v, n in counts.items() if n == best]
    return min(tied, key=prefer) if prefer else min(tied, key=str)


def _merge_people(groups: Sequence[tuple[Participant, tuple[str, ...]]]) -> tuple[IncidentActor, ...]:
    """Merge participants by key; ``groups`` pairs a participant with who attributed it."""
    names: dict[str, Counter] = {}
    english: dict[str, Counter] = {}
    inters: dict[str, Counter] = {}
    kinds: dict[str, Counter] = {}
    by: dict[str, list[str]] = {}
    counts: Counter = Counter()
    for participant, said_by in groups:
        key = participant_key(participant)
        counts[key] += 1
        names.setdefault(key, Counter())[participant.text] += 1
        english.setdefault(key, Counter())[participant.name_en] += 1
        inters.setdefault(key, Counter())[participant.inter] += 1
        kinds.setdefault(key, Counter())[participant.kind.value if participant.kind else None] += 1
        seen = by.setdefault(key, [])
        seen.extend(name for name in said_by if name not in seen)
    merged = [IncidentActor(key, _most_common(names[k].elements()), _most_common(english[k].elements()),
                            _most_common(inters[k].elements()), _most_common(kinds[k].elements()),
                            counts[k], tuple(by[k]))
              for k in counts]
    return tuple(sorted(merged, key=lambda a: (-a.mentions, a.name, a.key)))


def _role_groups(events: Sequence[Event], role: str) -> list[tuple[Participant, tuple[str, ...]]]:
    groups: list[tuple[Participant, tuple[str, ...]]] = []
    for event in events:
        if role in ("actors", "targets"):
            groups.extend((p, ()) for p in getattr(event, role))
            continue
        for attribution in getattr(event, role):
            said_by = tuple(p.name_en or p.text for p in attribution.by)
            groups.extend((p, said_by) for p in attribution.who)
    return groups


def _place(members: Sequence[Member]) -> IncidentPlace | None:
    places = [m.event.place for m in members if m.event.place is not None]
    if not places:
        return None
    counts = Counter((p.place.entry_id if p.place else None) or fold(p.text) for p in places)

    def rank(p) -> tuple:
        key = (p.place.entry_id if p.place else None) or fold(p.text)
        return (p.precision if p.precision is not None else 9, p.place is None, -counts[key], key)

    best = min(places, key=rank)
    place = best.place
    if place is None:
        return IncidentPlace("name:" + fold(best.text), best.text, None, None, None, None, None, None,
                             best.precision)
    return IncidentPlace(place.entry_id, place.name_fa or best.text, place.name_en, place.kind,
                         place.admin1_en or place.admin1_fa, place.country, place.lat, place.lon,
                         best.precision)


def _date(events: Sequence[Event]) -> tuple[str | None, Precision]:
    dated = [e for e in events if e.date]
    if not dated:
        return None, Precision.UNKNOWN
    best = min(PRECISION_RANK[e.date_precision] for e in dated)
    values = [e.date for e in dated if PRECISION_RANK[e.date_precision] == best]
    value = _most_common(values, prefer=lambda v: v)  # ties: the earliest
    precision = next(e.date_precision for e in dated if e.date == value)
    return value, precision


def _place_value(event: Event) -> str | None:
    if event.place is None:
        return None
    return (event.place.place.entry_id if event.place.place else None) or event.place.text


def field_value(event: Event, field: str) -> Any:
    """The JSON scalar a mention reports for a compared field (None: says nothing)."""
    if field == "place":
        return _place_value(event)
    if field == "modality":
        return event.modality.value
    return getattr(event, field)


def summarize(incident_id: str, members: Sequence[Member],
              interval: tuple[dt.date, dt.date] | None = None) -> Incident:
    """Merge ``members`` (mentions of one incident) into an ``Incident``.

    Args:
        interval: first and last possible day (from the merge); else from the dates here.
    """
    members = sorted(members, key=lambda m: (m.published or dt.date.min, m.article_id, m.mention_id))
    events = [m.event for m in members]
    values: list[ReportedValue] = []
    for member in members:
        said_by = tuple(dict.fromkeys(p.name_en or p.text for p in member.event.sources))
        for field in COMPARED_FIELDS:
            value = field_value(member.event, field)
            if value is not None:
                values.append(ReportedValue(field, value, member.mention_id, member.article_id,
                                            member.outlet, member.published, said_by))
    distinct = {f: {json.dumps(v.value) for v in values if v.field == f} for f in COMPARED_FIELDS}
    disputed = tuple(f for f in COMPARED_FIELDS if len(distinct[f]) > 1)

    headline: dict[str, int | None] = {}
    for field in CONSERVATIVE_FIELDS:
        reported = [v.value for v in values if v.field == field]
        headline[field] = min(reported) if reported else None
    note = None
    if "fatalities" in disputed:
        listed = "; ".join(f"{v.value} ({v.outlet or v.article_id}"
                           + (f", citing {', '.join(v.said_by)}" if v.said_by else "") + ")"
                           for v in values if v.field == "fatalities")
        note = (f"sources disagree on fatalities: {listed}; the headline value is the lowest, "
                "following ACLED's rule of the most conservative estimate")

    date, precision = _date(events)
    if interval is None:
        days = [dt.date.fromisoformat(e.date) for e in events
                if e.date and e.date_precision is Precision.DAY and len(e.date) == 10]
        interval = (min(days), max(days)) if days else None
    modality = _most_common((e.modality for e in events), prefer=lambda m: -MODALITY_STRENGTH[m])
    outlets = tuple(sorted({m.outlet for m in members if m.outlet}))
    sources = Counter(p.name_en or p.text for e in events for p in e.sources)
    evidence = tuple(Evidence(m.article_id, m.mention_id, m.event.evidence[0].start, m.event.evidence[0].end,
                              m.quote or "")
                     for m in members if m.event.evidence)
    published = [m.published for m in members if m.published]
    return Incident(
        id=incident_id,
        type=events[0].type,
        mode=_most_common((e.mode for e in events), prefer=lambda v: (v == "other", v)),
        date=date,
        date_precision=precision,
        date_start=interval[0] if interval else None,
        date_end=interval[1] if interval else None,
        place=_place(members),
        actors=_merge_people(_role_groups(events, "actors")),
        targets=_merge_people(_role_groups(events, "targets")),
        attributed_to=_merge_people(_role_groups(events, "attributed_to")),
        claimed_by=_merge_people(_role_groups(events, "claimed_by")),
        denied_by=_merge_people(_role_groups(events, "denied_by")),
        sources=tuple(name for name, _ in sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
        outlets=outlets,
        weapon=_most_common(e.weapon for e in events),
        weapon_count=headline["weapon_count"],
        fatalities=headline["fatalities"],
        fatalities_note=note,
        injured=headline["injured"],
        modality=modality or Modality.ASSERTED,
        optional=all(e.optional for e in events),
        disputed=disputed,
        num_mentions=len(members),
        num_articles=len({m.article_id for m in members}),
        num_sources=len({m.outlet or f"article:{m.article_id}" for m in members}),
        first_seen=min(published) if published else None,
        last_seen=max(published) if published else None,
        evidence=evidence,
        values=tuple(values),
        mention_ids=tuple(sorted(m.mention_id for m in members)),
    )


# -- rows ------------------------------------------------------------------------------

def _actor_json(actor: IncidentActor) -> dict:
    return {"key": actor.key, "name": actor.name, "name_en": actor.name_en, "inter": actor.inter,
            "kind": actor.kind, "mentions": actor.mentions, "by": list(actor.by)}


def _actor(data: dict) -> IncidentActor:
    return IncidentActor(data["key"], data["name"], data.get("name_en"), data.get("inter"), data.get("kind"),
                         data.get("mentions", 1), tuple(data.get("by", ())))


def search_text(incident: Incident) -> tuple[str, str]:
    """Folded names for ``--actor`` and ``--place`` filters (substring match)."""
    people = [name for role in ROLES for a in getattr(incident, role)
              for name in (a.name, a.name_en, a.key) if name]
    place = incident.place
    where = [n for n in (place.name, place.name_en, place.admin1, place.country, place.id) if n] if place else []
    return "|" + "|".join(fold(n) for n in people) + "|", "|" + "|".join(fold(n) for n in where) + "|"


def incident_row(incident: Incident, key_date: dt.date | None) -> dict:
    """The ``incidents`` table row for an incident (values go to ``incident_values``)."""
    place = incident.place
    search_actors, search_place = search_text(incident)
    return {
        "id": incident.id, "key_date": key_date, "dirty": False,
        "type": incident.type.value, "mode": incident.mode, "date": incident.date,
        "date_precision": incident.date_precision.value,
        "date_start": incident.date_start, "date_end": incident.date_end,
        "place_id": place.id if place else None, "place_name": place.name if place else None,
        "place_name_en": place.name_en if place else None, "place_kind": place.kind if place else None,
        "admin1": place.admin1 if place else None,
        "country": place.country if place else None, "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None, "geo_precision": place.precision if place else None,
        "participants": {role: [_actor_json(a) for a in getattr(incident, role)] for role in ROLES},
        "sources": list(incident.sources), "outlets": list(incident.outlets),
        "weapon": incident.weapon, "weapon_count": incident.weapon_count,
        "fatalities": incident.fatalities, "fatalities_note": incident.fatalities_note,
        "injured": incident.injured, "modality": incident.modality.value, "optional": incident.optional,
        "disputed": ",".join(incident.disputed),
        "num_mentions": incident.num_mentions, "num_articles": incident.num_articles,
        "num_sources": incident.num_sources, "first_seen": incident.first_seen, "last_seen": incident.last_seen,
        "evidence": [{"article_id": e.article_id, "mention_id": e.mention_id, "start": e.start, "end": e.end,
                      "quote": e.quote} for e in incident.evidence],
        "search_actors": search_actors, "search_place": search_place,
    }


def value_rows(incident: Incident) -> list[dict]:
    return [{"incident_id": incident.id, "field": v.field, "mention_id": v.mention_id,
             "value": json.dumps(v.value, ensure_ascii=False), "article_id": v.article_id,
             "outlet": v.outlet, "published": v.published, "said_by": list(v.said_by)}
            for v in incident.values]


def incident_from_row(row: Any, values: Iterable[Any] = (), mention_ids: Iterable[str] = ()) -> Incident:
    """Rebuild an ``Incident`` from its table row, its value rows and its mention ids."""
    people = row.participants
    place = None
    if row.place_id is not None:
        place = IncidentPlace(row.place_id, row.place_name, row.place_name_en, row.place_kind,
                              row.admin1, row.country, row.latitude, row.longitude, row.geo_precision)
    reported = tuple(ReportedValue(v.field, json.loads(v.value), v.mention_id, v.article_id, v.outlet,
                                   v.published, tuple(v.said_by))
                     for v in sorted(values, key=lambda v: (v.published or dt.date.min, v.article_id,
                                                            v.mention_id, COMPARED_FIELDS.index(v.field))))
    return Incident(
        id=row.id, type=EventType(row.type), mode=row.mode, date=row.date,
        date_precision=Precision(row.date_precision), date_start=row.date_start, date_end=row.date_end,
        place=place,
        **{role: tuple(_actor(a) for a in people.get(role, ())) for role in ROLES},
        sources=tuple(row.sources), outlets=tuple(row.outlets), weapon=row.weapon,
        weapon_count=row.weapon_count, fatalities=row.fatalities, fatalities_note=row.fatalities_note,
        injured=row.injured, modality=Modality(row.modality), optional=row.optional,
        disputed=tuple(f for f in row.disputed.split(",") if f),
        num_mentions=row.num_mentions, num_articles=row.num_articles, num_sources=row.num_sources,
        first_seen=row.first_seen, last_seen=row.last_seen,
        evidence=tuple(Evidence(e["article_id"], e["mention_id"], e["start"], e["end"], e["quote"])
                       for e in row.evidence),
        values=reported, mention_ids=tuple(sorted(mention_ids)),
    )
