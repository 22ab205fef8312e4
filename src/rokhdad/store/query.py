"""Reading incidents back: filters (dates, country, type, actor, place) and ``Incident`` records.

Entry point ``find_incidents(store, Filters(...))``; filters are checked first, so a
typo in ``--type`` or ``--country`` is an ``InputError``, not an empty result.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources

import sqlalchemy as sa

from rokhdad.errors import InputError, NotFoundError
from rokhdad.model import EventType
from rokhdad.store import schema
from rokhdad.store.database import Store, chunked
from rokhdad.store.keys import fold
from rokhdad.store.summary import Incident, incident_from_row


@dataclass(frozen=True, slots=True)
class Country:
    alpha3: str
    numeric: int
    name: str
    region: str      # ACLED region


@cache
def countries() -> dict[str, Country]:
    """ISO 3166-1 countries rokhdad's sources cover, from ``data/mappings/countries.csv``."""
    path = resources.files("rokhdad").joinpath("data/mappings/countries.csv")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    return {r["alpha3"]: Country(r["alpha3"], int(r["numeric"]), r["name"], r["acled_region"]) for r in rows}


def country_code(value: str) -> str:
    """An ISO alpha-3 code from a code or an English name (any case).

    Raises:
        InputError: unknown country.
    """
    key = value.strip()
    if key.upper() in countries():
        return key.upper()
    by_name = {fold(c.name): c.alpha3 for c in countries().values()}
    if fold(key) in by_name:
        return by_name[fold(key)]
    if len(key) == 3 and key.isalpha():
        return key.upper()  # a valid-looking code we have no name for: filter on it anyway
    raise InputError(f"--country: unknown country {value!r} (give an ISO alpha-3 code such as IRQ)")


@dataclass(frozen=True, slots=True)
class Filters:
    """What ``rokhdad incidents`` and ``rokhdad export`` select. Empty: everything."""

    since: dt.date | None = None
    until: dt.date | None = None
    country: str | None = None
    type: str | None = None
    actor: str | None = None
    place: str | None = None
    include_optional: bool = False
    limit: int | None = None

    def checked(self) -> Filters:
        """Normalised filters; raises ``InputError`` for values that cannot match anything."""
        kind = None
        if self.type:
            kind = self.type.strip().upper()
            if kind not in {t.value for t in EventType}:
                raise InputError(f"--type: unknown type {self.type!r} "
                                 f"(expected: {', '.join(t.value for t in EventType)})")
        if self.since and self.until and self.since > self.until:
            raise InputError(f"--since {self.since} is after --until {self.until}")
        if self.limit is not None and self.limit < 0:
            raise InputError("--limit must not be negative")
        for name in ("actor", "place"):
            value = getattr(self, name)
            if value is not None and not fold(value):
                raise InputError(f"--{name}: {value!r} has no letters to match")
        return Filters(self.since, self.until, country_code(self.country) if self.country else None, kind,
                       self.actor, self.place, self.include_optional, self.limit)


def _like(column: sa.ColumnElement, value: str) -> sa.ColumnElement[bool]:
    escaped = fold(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")


def conditions(filters: Filters) -> list[sa.ColumnElement[bool]]:
    """The WHERE conditions of ``filters`` (the CLI's and the API's filter semantics)."""
    i = schema.incidents
    where: list[sa.ColumnElement[bool]] = []
    if filters.since:
        where.append(i.c.date_end >= filters.since)
    if filters.until:
        where.append(i.c.date_start <= filters.until)
    if filters.country:
        where.append(i.c.country == filters.country)
    if filters.type:
        where.append(i.c.type == filters.type)
    if filters.actor:
        where.append(_like(i.c.search_actors, filters.actor))
    if filters.place:
        where.append(_like(i.c.search_place, filters.place))
    if not filters.include_optional:
        where.append(sa.not_(i.c.optional))
    return where


def find_incidents(store: Store, filters: Filters = Filters()) -> list[Incident]:
    """Incidents matching ``filters``, oldest first (undated last), with every reported value."""
    filters = filters.checked()
    i, v, m = schema.incidents, schema.incident_values, schema.mentions
    query = sa.select(i).where(*conditions(filters)).order_by(i.c.date_start.is_(None), i.c.date_start, i.c.id)
    if filters.limit is not None:
        query = query.limit(filters.limit)
    with store.read() as connection:
        rows = connection.execute(query).all()
        ids = [r.id for r in rows]
        values: dict[str, list] = {k: [] for k in ids}
        mentions: dict[str, list[str]] = {k: [] for k in ids}
        for chunk in chunked(ids):
            for value in connection.execute(sa.select(v).where(v.c.incident_id.in_(chunk))):
                values[value.incident_id].append(value)
            for mention, incident in connection.execute(
                    sa.select(m.c.id, m.c.incident_id).where(m.c.incident_id.in_(chunk))):
                mentions[incident].append(mention)
    return [incident_from_row(r, values[r.id], mentions[r.id]) for r in rows]


def get_incident(store: Store, incident_id: str) -> Incident:
    """One incident by id.

    Raises:
        NotFoundError: no such incident.
    """
    i = schema.incidents
    with store.read() as connection:
        row = connection.execute(sa.select(i).where(i.c.id == incident_id)).first()
        if row is None:
            raise NotFoundError(f"no incident {incident_id!r}")
        values = connection.execute(sa.select(schema.incident_values).where(
            schema.incident_values.c.incident_id == incident_id)).all()
        mentions = connection.execute(sa.select(schema.mentions.c.id).where(
            schema.mentions.c.incident_id == incident_id)).scalars().all()
    return incident_from_row(row, values, mentions)
