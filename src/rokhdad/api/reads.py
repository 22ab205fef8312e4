"""What the read endpoints return, built on ``rokhdad.store`` (filters, incidents, tables).

Invariant: every span returned carries ``text == article_text[start:end]`` of the article
version it was extracted from; spans that would not are dropped and logged (a store bug).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any

import sqlalchemy as sa

from rokhdad.errors import ConfigError, NotFoundError
from rokhdad.model import EventType
from rokhdad.store import export, query, schema
from rokhdad.store.database import Store
from rokhdad.store.summary import ROLES, Incident, incident_from_row

log = logging.getLogger(__name__)

ATTRIBUTIONS = ("attributed_to", "claimed_by", "denied_by")
PARTICIPANTS = ("actors", "targets", "sources")
TOP_ACTORS = 50  # actors listed by GET /facets: enough for a filter box


# -- spans -----------------------------------------------------------------------------

def event_spans(event: dict[str, Any], text: str, **tags: str) -> list[dict[str, Any]]:
    """Every span of an event record (``serialize.to_dict`` form), tagged with its field.

    ``tags`` (event_id, mention_id) are copied onto each span. Duplicates (same field and
    offsets) are kept once; the result is sorted by position.
    """
    found: list[tuple[str, dict, str | None]] = []
    found.extend(("evidence", s, None) for s in event.get("evidence") or ())
    for p in event.get("provenance") or ():
        found.extend((p["field"], s, p.get("rule")) for s in p["spans"])
    if event.get("place"):
        found.extend(("place", s, None) for s in event["place"]["spans"])
    for role in PARTICIPANTS:
        for participant in event.get(role) or ():
            found.extend((role, s, participant.get("rule") or None) for s in participant["spans"])
    for role in ATTRIBUTIONS:
        for attribution in event.get(role) or ():
            found.append((role, attribution["span"], attribution.get("rule")))
            for participant in attribution["who"]:
                found.extend((role, s, None) for s in participant["spans"])
            for participant in attribution["by"]:
                found.extend((f"{role}.by", s, None) for s in participant["spans"])
    spans: dict[tuple[str, int, int], dict[str, Any]] = {}
    for field, span, rule in found:
        start, end = span["start"], span["end"]
        if not 0 <= start <= end <= len(text):
            log.error("span %s (%d, %d) of event %s lies outside its text", field, start, end, event.get("id"))
            continue
        key = (field, start, end)
        if key not in spans:
            spans[key] = {"field": field, "start": start, "end": end, "text": text[start:end], "rule": rule,
                          "event_id": event.get("id"), **tags}
    return sorted(spans.values(), key=lambda s: (s["start"], -s["end"], s["field"]))


# -- incidents -------------------------------------------------------------------------

def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _actors(actors) -> list[dict[str, Any]]:
    return [{"key": a.key, "name": a.name, "name_en": a.name_en, "inter": a.inter, "kind": a.kind,
             "mentions": a.mentions, "by": list(a.by)} for a in actors]


def _category(incident: Incident) -> dict[str, str] | None:
    try:
        row = export.category(incident)
    except ConfigError:  # a type/mode the mapping lacks: say nothing rather than fail the list
        log.warning("no ACLED category for %s/%s", incident.type.value, incident.mode)
        return None
    return {"disorder_type": row.disorder_type, "event_type": row.event_type, "sub_event_type": row.sub_event_type}


def incident_item(incident: Incident) -> dict[str, Any]:
    """An incident as ``GET /incidents`` lists it (``schemas.IncidentItem``)."""
    place = incident.place
    return {
        "id": incident.id, "type": incident.type.value, "mode": incident.mode, "category": _category(incident),
        "date": incident.date, "date_precision": incident.date_precision.value,
        "date_start": _iso(incident.date_start), "date_end": _iso(incident.date_end),
        "place_id": place.id if place else None, "place_name": place.name if place else None,
        "place_name_en": place.name_en if place else None, "admin1": place.admin1 if place else None,
        "country": place.country if place else None, "lat": place.latitude if place else None,
        "lon": place.longitude if place else None, "geo_precision": place.precision if place else None,
        "fatalities": incident.fatalities, "injured": incident.injured, "disputed": list(incident.disputed),
        "weapon": incident.weapon, "weapon_count": incident.weapon_count,
        **{role: _actors(getattr(incident, role)) for role in ROLES},
        "modality": incident.modality.value, "optional": incident.optional,
        "num_mentions": incident.num_mentions, "num_articles": incident.num_articles,
        "num_sources": incident.num_sources,
        "first_seen": _iso(incident.first_seen), "last_seen": _iso(incident.last_seen),
    }


def _sort_columns(sort: str) -> list[sa.ColumnElement]:
    i = schema.incidents
    columns = {"date": i.c.date_start, "fatalities": i.c.fatalities, "injured": i.c.injured,
               "mentions": i.c.num_mentions, "articles": i.c.num_articles, "sources": i.c.num_sources}
    descending = sort.startswith("-")
    column = columns[sort.lstrip("-")]
    ordered = column.desc() if descending else column.asc()
    # unknown values last either way, then a stable tie-break
    tie = (i.c.date_end.desc() if descending else i.c.date_start.asc()) if sort.lstrip("-") == "date" \
        else i.c.date_start.desc()
    return [column.is_(None), ordered, tie, i.c.id]


def list_incidents(store: Store, filters: query.Filters, sort: str, limit: int, offset: int) -> dict[str, Any]:
    """One page of incidents matching ``filters`` and the total count (``schemas.IncidentPage``)."""
    filters = filters.checked()
    i = schema.incidents
    where = query.conditions(filters)  # the CLI's own filter semantics, not a copy of them
    select = sa.select(i).where(*where).order_by(*_sort_columns(sort)).limit(limit).offset(offset)
    with store.read() as connection:
        total = connection.execute(sa.select(sa.func.count()).select_from(i).where(*where)).scalar_one()
        rows = connection.execute(select).all()
    items = [incident_item(incident_from_row(row)) for row in rows]
    return {"total": total, "limit": limit, "offset": offset, "sort": sort, "items": items}


def _value(v) -> dict[str, Any]:
    return {"field": v.field, "value": v.value, "mention_id": v.mention_id, "article_id": v.article_id,
            "outlet": v.outlet, "published": _iso(v.published), "said_by": list(v.said_by)}


def incident_detail(store: Store, incident_id: str) -> dict[str, Any]:
    """Everything about one incident (``schemas.IncidentDetail``).

    Raises:
        NotFoundError: no such incident.
    """
    incident = query.get_incident(store, incident_id)
    m, a = schema.mentions, schema.articles
    select = (sa.select(m.c.id, m.c.article_id, m.c.article_version, m.c.record, a.c.title, a.c.outlet,
                        a.c.published, a.c.url, a.c.text)
              .join(a, sa.and_(a.c.id == m.c.article_id, a.c.version == m.c.article_version))
              .where(m.c.incident_id == incident_id)
              .order_by(a.c.published.is_(None), a.c.published, m.c.article_id, m.c.id))
    with store.read() as connection:
        rows = connection.execute(select).all()
    mentions = [{"mention_id": r.id, "article_id": r.article_id, "article_version": r.article_version,
                 "title": r.title, "source": r.outlet, "published": _iso(r.published), "url": r.url,
                 "event": r.record, "spans": event_spans(r.record, r.text, mention_id=r.id)}
                for r in rows]
    values = [_value(v) for v in incident.values]
    conflicts = [{"field": field, "values": [v for v in values if v["field"] == field]}
                 for field in incident.disputed]
    place = incident.place
    return {**incident_item(incident), "fatalities_note": incident.fatalities_note,
            "place_kind": place.kind if place else None, "sources": list(incident.sources),
            "outlets": list(incident.outlets), "values": values, "conflicts": conflicts, "mentions": mentions}


# -- articles --------------------------------------------------------------------------

def article_detail(store: Store, article_id: str, version: int | None = None) -> dict[str, Any]:
    """An article's text, metadata and every span of its mentions (``schemas.ArticleOut``).

    Args:
        version: which stored version (default: the current one).

    Raises:
        NotFoundError: no such article or version.
    """
    a, m = schema.articles, schema.mentions
    with store.read() as connection:
        rows = connection.execute(sa.select(a).where(a.c.id == article_id).order_by(a.c.version)).all()
        if not rows:
            raise NotFoundError(f"no article {article_id!r}")
        if version is None:
            chosen = next((r for r in rows if r.current), rows[-1])
        else:
            chosen = next((r for r in rows if r.version == version), None)
            if chosen is None:
                raise NotFoundError(f"article {article_id!r} has no version {version} "
                                    f"(versions: {', '.join(str(r.version) for r in rows)})")
        mentions = connection.execute(
            sa.select(m.c.id, m.c.event_id, m.c.incident_id, m.c.record)
            .where(m.c.article_id == article_id, m.c.article_version == chosen.version)
            .order_by(m.c.evidence_start, m.c.id)).all()
    text = chosen.text
    out_mentions = []
    for mention in mentions:
        event = mention.record
        out_mentions.append({
            "mention_id": mention.id, "event_id": mention.event_id, "incident_id": mention.incident_id,
            "type": event["type"], "mode": event.get("mode"), "date": event.get("date"),
            "modality": event["modality"], "optional": event.get("optional", False),
            "confidence": event.get("confidence", 0.0),
            "spans": event_spans(event, text, mention_id=mention.id)})
    spans = sorted((s for mention in out_mentions for s in mention["spans"]),
                   key=lambda s: (s["start"], -s["end"], s["field"]))
    return {"id": chosen.id, "version": chosen.version, "versions": [r.version for r in rows],
            "current": chosen.current, "title": chosen.title, "source": chosen.outlet,
            "published": _iso(chosen.published), "url": chosen.url, "status": chosen.status,
            "error_class": chosen.error_class, "error_message": chosen.error_message,
            "coder_version": chosen.coder_version, "text": text, "mentions": out_mentions, "spans": spans}


# -- aggregates ------------------------------------------------------------------------

def timeline(store: Store, filters: query.Filters) -> dict[str, Any]:
    """Incidents per day and type (``schemas.TimelineOut``); vaguer dates counted apart."""
    filters = filters.checked()
    i = schema.incidents
    with store.read() as connection:
        rows = connection.execute(sa.select(i.c.type, i.c.date_start, i.c.date_end)
                                  .where(*query.conditions(filters))).all()
    days: dict[dt.date, Counter] = {}
    undated: Counter = Counter()
    for kind, start, end in rows:
        if start is not None and start == end:
            days.setdefault(start, Counter())[kind] += 1
        else:
            undated[kind] += 1
    return {"types": [t.value for t in EventType],
            "days": [{"date": day.isoformat(), "total": sum(c.values()), "counts": dict(c)}
                     for day, c in sorted(days.items())],
            "undated": {"date": "undated", "total": sum(undated.values()), "counts": dict(undated)}}


def facets(store: Store, include_optional: bool = False) -> dict[str, Any]:
    """The values the filters can take, with incident counts (``schemas.FacetsOut``)."""
    i = schema.incidents
    where = query.conditions(query.Filters(include_optional=include_optional))
    with store.read() as connection:
        rows = connection.execute(sa.select(i.c.type, i.c.mode, i.c.country, i.c.participants,
                                            i.c.date_start, i.c.date_end).where(*where)).all()
    types, modes, countries = Counter(), Counter(), Counter()
    actors: Counter = Counter()
    names: dict[str, tuple[str, str | None]] = {}
    starts, ends = [], []
    for row in rows:
        types[row.type] += 1
        modes[row.mode or ""] += 1
        if row.country:
            countries[row.country] += 1
        if row.date_start:
            starts.append(row.date_start)
        if row.date_end:
            ends.append(row.date_end)
        keys = set()
        for role in ROLES:
            for actor in row.participants.get(role, ()):
                keys.add(actor["key"])
                names.setdefault(actor["key"], (actor["name"], actor.get("name_en")))
        actors.update(keys)
    known = query.countries()

    def counted(counter: Counter, label=lambda v: None) -> list[dict[str, Any]]:
        return [{"value": v, "label": label(v), "count": n}
                for v, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])) if v]

    return {
        "total": len(rows),
        "types": counted(types), "modes": counted(modes),
        "countries": counted(countries, lambda c: known[c].name if c in known else None),
        "actors": [{"key": k, "name": names[k][0], "name_en": names[k][1], "count": n}
                   for k, n in sorted(actors.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_ACTORS]],
        "date_min": _iso(min(starts)) if starts else None, "date_max": _iso(max(ends)) if ends else None,
    }

