"""The cross-article merge over batch mentions: the store's rules (``store/incidents.py``), blockable.

Entry points: ``merge_rows(rows)`` merges mention rows into incident rows exactly as the
store does (``incidents.assign`` in its canonical order: merge day, then mention id);
``blocking_keys`` and ``sweep`` cut the mentions into blocks that can be merged apart.

Invariant (why blocks are exact, not an approximation): ``incidents.score`` accepts a
mention into an incident only if, with at least one member, it shares a named place
(the same non-coarse place, the same facility name, or points at most
``MAX_DISTANCE_KM`` apart) or the same attacker *and* target, and their dates overlap.
Every such pair shares a blocking key (type × place, facility name, 3-D grid cell or
attacker–target pair) and lies in one date-overlap run of that key (``sweep``). So an
incident never spans two connected components of "shares a key and overlaps in time",
a mention's candidate incidents all lie in its own component, and the greedy merge of
each component in canonical order makes the same choices as the merge of everything.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Iterator, Sequence

from rokhdad import serialize
from rokhdad.store import incidents, summary
from rokhdad.store.incidents import Features
from rokhdad.store.keys import incident_id

# Cells of the 3-D grid over the Earth's surface. Two points at most MAX_DISTANCE_KM apart
# along the surface are at most that far apart in a straight line, so on each axis they
# differ by at most one cell; each point takes the two cells nearest it on each axis (8
# keys), and two such points always share one. 1% slack absorbs floating-point rounding.
GEO_CELL_KM = incidents.MAX_DISTANCE_KM * 1.01
EARTH_RADIUS_KM = 6371.0


def row_features(row: dict) -> Features | None:
    """A mention row's merge features; None for a mention with no possible date at all
    (no date in the text, no publication date): the store gives each such one its own incident."""
    if row["date_start"] is None:
        return None
    return incidents.make_features(
        row["id"], row["article_id"], row["type"], row["merge_date"], row["date_start"], row["date_end"],
        row["date"] is None, row["place_id"], row["place_name"], row["place_kind"], row["latitude"],
        row["longitude"], row["country"], row["admin1_en"], row["admin1_fa"], row["perpetrators"] or (),
        row["victims"] or ())


def _geo_cells(lat: float, lon: float) -> Iterator[str]:
    phi, lam = math.radians(lat), math.radians(lon)
    point = (EARTH_RADIUS_KM * math.cos(phi) * math.cos(lam), EARTH_RADIUS_KM * math.cos(phi) * math.sin(lam),
             EARTH_RADIUS_KM * math.sin(phi))
    # the two cells nearest each coordinate: floor(u - 0.5) and the next one
    low = [math.floor(c / GEO_CELL_KM - 0.5) for c in point]
    for dx in (0, 1):
        for dy in (0, 1):
            for dz in (0, 1):
                yield f"{low[0] + dx},{low[1] + dy},{low[2] + dz}"


def blocking_keys(f: Features) -> list[str]:
    """Keys such that two mentions one incident could hold share at least one of them."""
    keys = []
    coarse = f.place_kind in incidents.COARSE_KINDS
    if f.place_id is not None and not coarse:
        keys.append(f"{f.type}|place|{f.place_id}")
        if incidents.is_facility(f.place_kind) and f.place_name:
            keys.append(f"{f.type}|facility|{f.place_name}")
        if f.lat is not None and f.lon is not None:
            keys.extend(f"{f.type}|cell|{cell}" for cell in _geo_cells(f.lat, f.lon))
    for perpetrator in sorted(f.perpetrators):
        for victim in sorted(f.victims):
            keys.append(f"{f.type}|pair|{perpetrator}|{victim}")
    return keys


def overlap_window(f: Features) -> tuple[int, int]:
    """``[start, end + tolerance]``: two mentions' dates overlap (``incidents.dates_overlap``)
    exactly when these windows intersect."""
    return f.start, f.end + incidents.DATE_TOLERANCE_DAYS


def sweep(entries: Iterable[tuple[int, int, str]]) -> Iterator[tuple[str, str]]:
    """Edges joining the mentions of one key whose windows chain together.

    ``entries`` are ``(window start, window end, mention id)``; yields ``(first, other)``
    for each mention after the first of its run, so every run becomes a star.
    """
    head: str | None = None
    reach = 0
    for lo, hi, mention in sorted(entries):
        if head is not None and lo <= reach:
            yield head, mention
            reach = max(reach, hi)
        else:
            head, reach = mention, hi


class UnionFind:
    """Disjoint sets of mention ids; each set is named after its smallest id."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        root = self.parent.setdefault(item, item)
        while self.parent[root] != root:
            root = self.parent[root]
        while item != root:  # path compression, without recursion (chains can be long)
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def components(features: Iterable[Features]) -> dict[str, str]:
    """Each mention's block: the smallest mention id of its connected component."""
    by_key: dict[str, list[tuple[int, int, str]]] = {}
    found = UnionFind()
    for f in features:
        found.find(f.id)
        lo, hi = overlap_window(f)
        for key in blocking_keys(f):
            by_key.setdefault(key, []).append((lo, hi, f.id))
    for entries in by_key.values():
        for a, b in sweep(entries):
            found.union(a, b)
    return {item: found.find(item) for item in list(found.parent)}


# -- merging ----------------------------------------------------------------------------

def _member(row: dict) -> summary.Member:
    return summary.Member(row["id"], row["article_id"], row["outlet"], row["published"],
                          serialize.event_from_dict(json.loads(row["record"])), row["quote"])


def _incident_record(incident: summary.Incident, key_date: dt.date | None) -> dict:
    row = summary.incident_row(incident, key_date)
    values = [{k: v for k, v in value.items() if k != "incident_id"} for value in summary.value_rows(incident)]
    return {
        **{name: row[name] for name in (
            "id", "key_date", "type", "mode", "date", "date_precision", "date_start", "date_end", "place_id",
            "place_name", "place_name_en", "place_kind", "admin1", "country", "latitude", "longitude",
            "geo_precision", "sources", "outlets", "weapon", "weapon_count", "fatalities", "fatalities_note",
            "injured", "modality", "optional", "disputed", "num_mentions", "num_articles", "num_sources",
            "first_seen", "last_seen")},
        "participants": json.dumps(row["participants"], ensure_ascii=False),
        "evidence": json.dumps(row["evidence"], ensure_ascii=False),
        "values": json.dumps(values, ensure_ascii=False, default=str),
        "mention_ids": list(incident.mention_ids),
    }


def merge_rows(rows: Sequence[dict]) -> list[dict]:
    """Incident rows (``rows.INCIDENT_SCHEMA``) for a set of mention rows: the store's merge.

    Mentions with no possible date become one incident each, as in the store.
    """
    by_id = {row["id"]: row for row in rows}
    features = [f for f in map(row_features, rows) if f is not None]
    result = []
    for cluster in incidents.assign(features):
        members = [_member(by_id[f.id]) for f in cluster.members]
        incident = summary.summarize(cluster.id, members, incidents.incident_interval(cluster, members))
        result.append(_incident_record(incident, dt.date.fromordinal(cluster.founder[0])))
    for row in rows:
        if row["date_start"] is None:
            incident = summary.summarize(incident_id(row["id"]), [_member(row)], None)
            result.append(_incident_record(incident, None))
    return result


def merge_blocked(rows: Sequence[dict]) -> list[dict]:
    """``merge_rows`` one block at a time (what the Spark merge does, in one process)."""
    block_of = components(f for f in map(row_features, rows) if f is not None)
    blocks: dict[str, list[dict]] = {}
    for row in rows:
        blocks.setdefault(block_of.get(row["id"], row["id"]), []).append(row)
    return [incident for block in blocks.values() for incident in merge_rows(block)]

