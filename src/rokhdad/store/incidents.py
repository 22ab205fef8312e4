"""Merging mentions from different articles into incidents.

Two mentions can be one incident when: same type; their possible dates overlap within
``DATE_TOLERANCE_DAYS`` (complete linkage: with *every* member); their places agree (the
same entry or facility name, points ≤ ``MAX_DISTANCE_KM`` apart, or a province/country
that contains the other); no role reversal (one's attacker is the other's target); they
come from different articles (unless one article split an incident: same named place, same
day); and something positive ties them: a named place (the same
one, or points nearby), or else the same attacker *and* the same target. Each mention
joins the best-scoring open incident or founds one.

Invariant: incidents are a pure function of the set of current mentions. Mentions are
taken in a canonical order (``merge_day``, then id: a dated mention enters on its first
possible day, an undated one on its publication day, after the incidents it may follow
up) and each decision looks only backwards, so a later ingest only replays the merge
from the earliest day it touched (``merge_pending``), and the result equals merging
everything from scratch.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import sqlalchemy as sa

from rokhdad import serialize
from rokhdad.model import Precision
from rokhdad.store import schema, summary
from rokhdad.store.database import Store, chunked, upsert
from rokhdad.store.keys import fold, incident_id

log = logging.getLogger(__name__)

DATE_TOLERANCE_DAYS = 1          # reports of one night straddle two dates ("last night", "at dawn")
MAX_DISTANCE_KM = 25.0           # the "nearby": a base and the town beside it
SAME_FACILITY_KM = 2.0           # two gazetteer entries this close are one facility
UNDATED_LOOKBACK_DAYS = 3        # no date in the text: a recent incident (GUIDELINES: same-day or "last night")
UNDATED_FACILITY_LOOKBACK_DAYS = 45  # a follow-up naming a base or airport ("the attack on Ain al-Asad")
# A mention's first possible day is never more than this before the day it enters the merge.
MAX_LOOKBACK_DAYS = max(UNDATED_LOOKBACK_DAYS, UNDATED_FACILITY_LOOKBACK_DAYS)
AREA_KINDS = frozenset({"country", "region", "admin1", "admin2", "populated_place"})
COARSE_KINDS = frozenset({"country", "region", "admin1", "admin2"})
PERPETRATOR_ROLES = frozenset({"actor", "attributed", "claimed"})
VICTIM_ROLES = frozenset({"target"})


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))


def date_interval(date: str | None, precision: Precision, published: dt.date | None,
                  facility: bool = False) -> tuple[dt.date, dt.date] | None:
    """First and last day an incident can have happened on, or None when nothing is known.

    >>> date_interval("2020-01", Precision.MONTH, None)
    (datetime.date(2020, 1, 1), datetime.date(2020, 1, 31))
    >>> date_interval(None, Precision.UNKNOWN, dt.date(2020, 3, 13))
    (datetime.date(2020, 3, 10), datetime.date(2020, 3, 13))
    """
    if date:
        try:
            parts = [int(p) for p in date.split("-")]
            if len(parts) == 3:
                day = dt.date(*parts)
                return (day, day + dt.timedelta(days=6)) if precision is Precision.WEEK else (day, day)
            if len(parts) == 2:
                return dt.date(parts[0], parts[1], 1), _month_end(parts[0], parts[1])
            if len(parts) == 1:
                return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
        except ValueError:
            log.warning("unreadable event date %r; treated as undated", date)
    if published is None:
        return None
    lookback = UNDATED_FACILITY_LOOKBACK_DAYS if facility else UNDATED_LOOKBACK_DAYS
    return published - dt.timedelta(days=lookback), published


def merge_day(interval: tuple[dt.date, dt.date], dated: bool) -> dt.date:
    """The day a mention enters the canonical merge order."""
    return interval[0] if dated else interval[1]


def is_facility(kind: str | None) -> bool:
    return kind is not None and kind not in AREA_KINDS


# -- features and rules ----------------------------------------------------------------

class Features(NamedTuple):
    """What the merge rules look at, for one mention."""

    id: str
    article: str
    type: str
    day: int                    # merge_day, as a date ordinal
    start: int                  # first and last possible day, ordinals
    end: int
    undated: bool
    place_id: str | None
    place_name: str             # folded
    place_kind: str | None
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str                 # folded, "" when unknown
    perpetrators: frozenset[str]
    victims: frozenset[str]
    incident_id: str | None

    @property
    def key(self) -> tuple[int, str]:
        return self.day, self.id


def distance_km(a: Features, b: Features) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _coarse(f: Features) -> bool:
    return f.place_kind in COARSE_KINDS


def place_score(a: Features, b: Features) -> float | None:
    """None: the places exclude one incident. Else 3 same place, 1-2 nearby, 0 no evidence."""
    if a.place_id is None or b.place_id is None:
        return 0.0
    if a.place_id == b.place_id:
        return 0.0 if _coarse(a) else 3.0  # "somewhere in Iraq" twice is no evidence
    if a.country and b.country and a.country != b.country:
        return None
    if _coarse(a) or _coarse(b):
        coarse, other = (a, b) if _coarse(a) else (b, a)
        if coarse.place_kind in ("admin1", "admin2") and coarse.admin1 and other.admin1 \
                and coarse.admin1 != other.admin1:
            return None
        return 0.0  # contained (or not known not to be): no evidence either way
    both_facilities = is_facility(a.place_kind) and is_facility(b.place_kind)
    if both_facilities and a.place_name and a.place_name == b.place_name:
        return 3.0
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return None     # two different named places we cannot locate
    km = distance_km(a, b)
    if both_facilities:
        return 3.0 if km <= SAME_FACILITY_KM else None  # two bases are two incidents
    if km > MAX_DISTANCE_KM:
        return None
    return 2.0 - km / MAX_DISTANCE_KM


def dates_overlap(a: Features, b: Features) -> bool:
    return a.start <= b.end + DATE_TOLERANCE_DAYS and b.start <= a.end + DATE_TOLERANCE_DAYS


def role_reversal(a: Features, b: Features) -> bool:
    """One's attacker is the other's target: a strike and the retaliation for it."""
    return bool(a.perpetrators & b.victims) or bool(a.victims & b.perpetrators)


def _duplicate(a: Features, b: Features, place: float) -> bool:
    """Two mentions of one article at the same named place on the same day: the extractor
    split one incident (GUIDELINES: one record per incident per article), not two incidents."""
    return place >= 3.0 and not a.undated and a.start == a.end == b.start == b.end


@dataclass
class Cluster:
    """An incident while merging (mutable; written out as an ``Incident``)."""

    id: str
    type: str
    members: list[Features] = field(default_factory=list)
    min_end: int = 1 << 30
    max_end: int = 0
    articles: set[str] = field(default_factory=set)

    def add(self, member: Features) -> None:
        self.members.append(member)
        self.min_end = min(self.min_end, member.end)
        self.max_end = max(self.max_end, member.end)
        self.articles.add(member.article)

    @property
    def founder(self) -> tuple[int, str]:
        return min(m.key for m in self.members)


def score(mention: Features, cluster: Cluster) -> float | None:
    """How well ``mention`` fits ``cluster``; None when a rule excludes it."""
    if mention.type != cluster.type:
        return None
    best_place = 0.0
    shared = 0.0
    both_sides = False
    same_day = 0.0
    for member in cluster.members:
        if not dates_overlap(mention, member) or role_reversal(mention, member):
            return None
        place = place_score(mention, member)
        if place is None:
            return None
        if member.article == mention.article and not _duplicate(mention, member, place):
            return None  # one article reports each incident once (GUIDELINES §1)
        best_place = max(best_place, place)
        doers = bool(mention.perpetrators & member.perpetrators)
        victims = bool(mention.victims & member.victims)
        shared = max(shared, 1.5 * doers + victims)
        both_sides = both_sides or (doers and victims)
        if not mention.undated and mention.start == mention.end == member.start == member.end:
            same_day = 0.5
    if best_place < 1.0 and not both_sides:
        # No named place ties them (unknown, or only a province or country): then the
        # same attacker *and* the same target must, or every strike by one force in a
        # country the same week would become one incident.
        return None
    recency = 0.0
    if mention.undated:  # a follow-up without a date: the latest incident before it
        recency = -max(0, mention.end - cluster.max_end) / 100
    # between equals, a vague report most likely means the most reported incident
    support = min(len(cluster.members), 10) / 1000
    return best_place + shared + same_day + recency + support


def assign(mentions: Iterable[Features], clusters: Sequence[Cluster] = ()) -> list[Cluster]:
    """Greedy merge in canonical order; ``clusters`` are incidents already fixed before it.

    Returns every cluster (those given, grown, and new ones).
    """
    result = list(clusters)
    open_by_type: dict[str, list[Cluster]] = defaultdict(list)
    for cluster in result:
        open_by_type[cluster.type].append(cluster)
    for mention in sorted(mentions, key=lambda m: m.key):
        candidates = open_by_type[mention.type]
        # complete linkage: a cluster with a member ending before a mention's start minus
        # the tolerance cannot take it; no later mention starts before day - MAX_LOOKBACK
        horizon = mention.day - MAX_LOOKBACK_DAYS - DATE_TOLERANCE_DAYS
        candidates[:] = [c for c in candidates if c.min_end >= horizon]
        best: tuple[float, tuple[int, str]] | None = None
        chosen = None
        for cluster in candidates:
            if cluster.min_end + DATE_TOLERANCE_DAYS < mention.start:
                continue
            value = score(mention, cluster)
            if value is None:
                continue
            if best is None or value > best[0] or (value == best[0] and cluster.founder < best[1]):
                best = (value, cluster.founder)
                chosen = cluster
        if chosen is None:
            chosen = Cluster(incident_id(mention.id), mention.type)
            result.append(chosen)
            candidates.append(chosen)
        chosen.add(mention)
    return result


def add_role(roles: tuple[set[str], set[str]], role: str, actor_id: str) -> None:
    """Sort one participant into ``(perpetrators, victims)`` by its role (others count for neither)."""
    perpetrators, victims = roles
    if role in PERPETRATOR_ROLES:
        perpetrators.add(actor_id)
    elif role in VICTIM_ROLES:
        victims.add(actor_id)


def make_features(mention_id: str, article_id: str, type: str, merge_date: dt.date, date_start: dt.date,
                  date_end: dt.date, undated: bool, place_id: str | None, place_name_fa: str | None,
                  place_kind: str | None, lat: float | None, lon: float | None, country: str | None,
                  admin1_en: str | None, admin1_fa: str | None, perpetrators: Iterable[str],
                  victims: Iterable[str], incident_id: str | None = None) -> Features:
    """A mention's merge features from its stored columns (``mentions`` joined with ``places``)."""
    return Features(mention_id, article_id, type, merge_date.toordinal(), date_start.toordinal(),
                    date_end.toordinal(), undated, place_id, fold(place_name_fa or ""), place_kind, lat, lon,
                    country, fold(admin1_en or admin1_fa or ""), frozenset(perpetrators), frozenset(victims),
                    incident_id)


def incident_interval(cluster: Cluster, members: Sequence[summary.Member]) -> tuple[dt.date, dt.date]:
    """An incident's first and last day: its members' day-precise dates, else their possible days."""
    days = [dt.date.fromisoformat(m.event.date) for m in members
            if m.event.date and m.event.date_precision is Precision.DAY and len(m.event.date) == 10]
    if days:
        return min(days), max(days)
    return (dt.date.fromordinal(min(f.start for f in cluster.members)),
            dt.date.fromordinal(max(f.end for f in cluster.members)))


# -- the store side --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MergeStats:
    replayed: int
    written: int
    deleted: int
    seconds: float
    since: dt.date | None


def _ordinal(day: dt.date | None) -> int | None:
    return day.toordinal() if day is not None else None


_FEATURE_COLUMNS = (schema.mentions.c.id, schema.mentions.c.article_id, schema.mentions.c.type,
                    schema.mentions.c.merge_date, schema.mentions.c.date_start, schema.mentions.c.date_end,
                    schema.mentions.c.date,
                    schema.mentions.c.place_id, schema.mentions.c.incident_id,
                    schema.places.c.name_fa, schema.places.c.kind, schema.places.c.latitude,
                    schema.places.c.longitude, schema.places.c.country, schema.places.c.admin1_en,
                    schema.places.c.admin1_fa)


def load_features(connection: sa.Connection, condition: sa.ColumnElement[bool]) -> list[Features]:
    """Features of the current mentions matching ``condition`` (on ``mentions``)."""
    m, p, mp = schema.mentions, schema.places, schema.mention_participants
    where = sa.and_(m.c.current, m.c.date_start.is_not(None), condition)
    roles: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    query = sa.select(mp.c.mention_id, mp.c.role, mp.c.actor_id).join(m, m.c.id == mp.c.mention_id).where(where)
    for mention_id, role, actor_id in connection.execute(query):
        add_role(roles[mention_id], role, actor_id)
    rows = connection.execute(sa.select(*_FEATURE_COLUMNS).select_from(m.outerjoin(p, p.c.id == m.c.place_id))
                              .where(where))
    features = []
    for r in rows:
        perpetrators, victims = roles.get(r.id, (set(), set()))
        features.append(make_features(
            r.id, r.article_id, r.type, r.merge_date, r.date_start, r.date_end, r.date is None,
            r.place_id, r.name_fa, r.kind, r.latitude, r.longitude, r.country, r.admin1_en, r.admin1_fa,
            perpetrators, victims, r.incident_id))
    return features


def load_members(connection: sa.Connection, mention_ids: Sequence[str]) -> dict[str, summary.Member]:
    """Events and article metadata for ``summary.summarize``."""
    m, a = schema.mentions, schema.articles
    quote = sa.func.substr(a.c.text, m.c.evidence_start + 1, m.c.evidence_end - m.c.evidence_start)
    members = {}
    for ids in chunked(list(mention_ids)):
        query = (sa.select(m.c.id, m.c.article_id, m.c.record, a.c.outlet, a.c.published, quote.label("quote"))
                 .join(a, sa.and_(a.c.id == m.c.article_id, a.c.version == m.c.article_version))
                 .where(m.c.id.in_(ids)))
        for r in connection.execute(query):
            members[r.id] = summary.Member(r.id, r.article_id, r.outlet, r.published,
                                           serialize.event_from_dict(r.record), r.quote)
    return members


def _start_day(connection: sa.Connection) -> dt.date | None:
    m, i = schema.mentions, schema.incidents
    pending = connection.execute(sa.select(sa.func.min(m.c.merge_date)).where(
        m.c.current, m.c.incident_id.is_(None))).scalar()
    dirty = connection.execute(sa.select(sa.func.min(i.c.key_date)).where(i.c.dirty)).scalar()
    days = [d for d in (pending, dirty) if d is not None]
    return min(days) if days else None


def _write(connection: sa.Connection, clusters: Sequence[Cluster], gone: set[str],
           assignments: dict[str, str]) -> None:
    """Rewrite ``clusters`` as incidents, move mentions to them, drop emptied ``gone`` ones."""
    i, v, m = schema.incidents, schema.incident_values, schema.mentions
    ids = [member.id for c in clusters for member in c.members]
    members = load_members(connection, ids)
    rows, values = [], []
    for cluster in clusters:
        events = [members[f.id] for f in cluster.members]
        incident = summary.summarize(cluster.id, events, incident_interval(cluster, events))
        rows.append(summary.incident_row(incident, dt.date.fromordinal(cluster.founder[0])))
        values.extend(summary.value_rows(incident))
    written = [row["id"] for row in rows]
    for chunk in chunked(written):
        connection.execute(v.delete().where(v.c.incident_id.in_(chunk)))
    if rows:
        upsert(connection, i, rows, ["id"], update=True)
    if values:
        connection.execute(v.insert(), values)
    if assignments:
        connection.execute(m.update().where(m.c.id == sa.bindparam("mid")).values(incident_id=sa.bindparam("iid")),
                           [{"mid": mid, "iid": iid} for mid, iid in assignments.items()])
    for chunk in chunked(sorted(gone)):
        connection.execute(m.update().where(m.c.incident_id.in_(chunk)).values(incident_id=None))
        connection.execute(v.delete().where(v.c.incident_id.in_(chunk)))
        connection.execute(i.delete().where(i.c.id.in_(chunk)))


def _merge_undated(connection: sa.Connection) -> tuple[int, set[str]]:
    """Mentions with no date and no publication date stay alone: one incident each."""
    m, i = schema.mentions, schema.incidents
    pending = connection.execute(sa.select(m.c.id, m.c.article_id, m.c.type).where(
        m.c.current, m.c.incident_id.is_(None), m.c.date_start.is_(None))).all()
    stale = set(connection.execute(sa.select(i.c.id).where(i.c.dirty, i.c.key_date.is_(None))).scalars())
    clusters = []
    for row in pending:
        cluster = Cluster(incident_id(row.id), row.type)
        cluster.members.append(Features(row.id, row.article_id, row.type, 0, 0, 0, True, None, "", None, None,
                                        None, None, "", frozenset(), frozenset(), None))
        clusters.append(cluster)
    if not clusters and not stale:
        return 0, set()
    members = load_members(connection, [c.members[0].id for c in clusters])
    rows, values = [], []
    for cluster in clusters:
        incident = summary.summarize(cluster.id, [members[cluster.members[0].id]], None)
        rows.append(summary.incident_row(incident, None))
        values.extend(summary.value_rows(incident))
    written = {row["id"] for row in rows}
    v = schema.incident_values
    for chunk in chunked(sorted(written | stale)):
        connection.execute(v.delete().where(v.c.incident_id.in_(chunk)))
    if rows:
        upsert(connection, i, rows, ["id"], update=True)
        connection.execute(v.insert(), values)
        connection.execute(m.update().where(m.c.id == sa.bindparam("mid")).values(incident_id=sa.bindparam("iid")),
                           [{"mid": c.members[0].id, "iid": c.id} for c in clusters])
    gone = sorted(stale - written)
    for chunk in chunked(gone):
        connection.execute(i.delete().where(i.c.id.in_(chunk)))
    return len(clusters), set(gone)


def merge_pending(store: Store) -> MergeStats:
    """Bring incidents up to date with the mentions: one transaction, replaying the merge
    from the earliest day that changed since the last merge."""
    started = time.perf_counter()
    m = schema.mentions
    with store.write() as connection:
        undated, undated_gone = _merge_undated(connection)
        since = _start_day(connection)
        if since is None:
            return MergeStats(undated, undated, len(undated_gone), time.perf_counter() - started, None)
        horizon = since - dt.timedelta(days=MAX_LOOKBACK_DAYS + DATE_TOLERANCE_DAYS)
        replay = load_features(connection, m.c.merge_date >= since)
        # incidents formed before `since` that a replayed mention may still join
        open_ids = connection.execute(sa.select(m.c.incident_id).distinct().where(
            m.c.current, m.c.incident_id.is_not(None), m.c.merge_date < since,
            m.c.date_end >= horizon)).scalars().all()
        fixed: list[Features] = []
        for ids in chunked(sorted(open_ids)):
            fixed.extend(load_features(connection, sa.and_(m.c.incident_id.in_(ids), m.c.merge_date < since)))
        by_incident: dict[str, Cluster] = {}
        for member in sorted(fixed, key=lambda f: f.key):
            cluster = by_incident.setdefault(member.incident_id, Cluster(member.incident_id, member.type))
            cluster.add(member)
        clusters = assign(replay, list(by_incident.values()))

        assignments = {}
        for cluster in clusters:
            for member in cluster.members:
                if member.incident_id != cluster.id:
                    assignments[member.id] = cluster.id
        touched_ids = {f.incident_id for f in replay if f.incident_id} | set(assignments.values())
        dirty = set(connection.execute(sa.select(schema.incidents.c.id).where(schema.incidents.c.dirty)).scalars())
        touched = [c for c in clusters if c.id in touched_ids or c.id in dirty]
        gone = (touched_ids | dirty) - {c.id for c in clusters}
        _write(connection, touched, gone, assignments)
    stats = MergeStats(len(replay) + undated, len(touched) + undated, len(gone) + len(undated_gone),
                       time.perf_counter() - started, since)
    log.info("merged %d mentions from %s: %d incidents written, %d removed in %.2fs",
             stats.replayed, since, stats.written, stats.deleted, stats.seconds)
    return stats

