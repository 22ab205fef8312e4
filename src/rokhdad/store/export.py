"""Exporting incidents: ACLED-style CSV, PLOVER JSONL, GeoJSON and Parquet, and reading them back.

Entry points ``write_export(incidents, format, path)`` and ``read_export(path, format)``;
invariant: ``read_export`` returns exactly the rows ``export_rows`` built (round-trip
tested). The PLOVER/ACLED category mapping lives in ``data/mappings/plover_acled.csv``.

Sources for the field names:
- ACLED: column order of ACLED's data exports as listed in the acledR codebook
  (dtacled/acledR, ``acled_old_dummy``: event_id_cnty … tags, timestamp) and the ACLED
  Codebook 2024; inter codes 1-8, interaction = the two inter codes, lower first.
- PLOVER: "JSON Data Fields" table of the PLOVER manual (openeventdata/PLOVER,
  PLOVER_MANUAL.tex, draft 0.7b1): id, date, enddate, source, recipient, event,
  event_loc (geonames field names plus cc3), event_text, quad_code, mode, cite_info,
  coder, comment; ``dead``/``injured`` as the manual's ASSAULT supplementary fields.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

from rokhdad.extract.taxonomy import CIVILIANS, EXTERNAL_FORCES, STATE_FORCES, Category, mapping_rows
from rokhdad.extract.taxonomy import category as taxonomy_category
from rokhdad.errors import ConfigError, InputError
from rokhdad.model import Precision
from rokhdad.store.query import countries
from rokhdad.store.summary import Incident, IncidentActor

FORMATS = ("acled-csv", "plover-jsonl", "geojson", "parquet")

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
ACLED_INTS = frozenset({"year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision",
                        "fatalities", "timestamp"})
ACLED_FLOATS = frozenset({"latitude", "longitude"})
TIME_PRECISION = {Precision.DAY: 1, Precision.WEEK: 2}   # ACLED: 1 actual date, 2 week, 3 month or vaguer
QUAD_MATERIAL_CONFLICT = 4                                # PLOVER quad code of PROTEST, COERCE, ASSAULT, MOBILIZE
SECTORS = {"state_force": "MIL", "government": "GOV", "outlet": "JRN"}  # PLOVER sector codes we can tell


def _data_rows(name: str) -> list[dict[str, str]]:
    return mapping_rows(name)


@cache
def outlets() -> dict[str, dict[str, str]]:
    return {row["outlet"]: row for row in _data_rows("outlets.csv")}


def category(incident: Incident) -> Category:
    """The mapping row for an incident: type, mode, and whether civilians were targeted."""
    civilians = any(t.inter == CIVILIANS for t in incident.targets)
    return taxonomy_category(incident.type, incident.mode, civilians)


def _perpetrators(incident: Incident) -> tuple[IncidentActor, ...]:
    return incident.actors or incident.claimed_by or incident.attributed_to


def _name(actor: IncidentActor) -> str:
    return actor.name_en or actor.name


def _names(actors: Sequence[IncidentActor]) -> str:
    return "; ".join(_name(a) for a in actors)


def notes(incident: Incident) -> str:
    """A short English description, with disputes and attributions spelled out."""
    doers = _names(_perpetrators(incident)) or "Unidentified actors"
    where = (incident.place.name_en or incident.place.name) if incident.place else "an unnamed place"
    against = f" against {_names(incident.targets)}" if incident.targets else ""
    text = [f"On {incident.date or 'an unknown date'}, {doers}: {incident.type.value.lower()}"
            f"{' (' + incident.mode + ')' if incident.mode else ''}{against} at {where}."]
    if incident.weapon:
        count = f"{incident.weapon_count} x " if incident.weapon_count else ""
        text.append(f"Weapon: {count}{incident.weapon}.")
    for label, actors in (("Attributed to", incident.attributed_to), ("Claimed by", incident.claimed_by),
                          ("Denied by", incident.denied_by)):
        for actor in actors:
            said = f" (according to {', '.join(actor.by)})" if actor.by else ""
            text.append(f"{label} {_name(actor)}{said}.")
    if incident.injured is not None:
        text.append(f"Injured: {incident.injured}.")
    if incident.fatalities_note:
        text.append(incident.fatalities_note[0].upper() + incident.fatalities_note[1:] + ".")
    text.append(f"{incident.num_articles} article(s) from {incident.num_sources} source(s); "
                f"rokhdad incident {incident.id}.")
    return " ".join(text)


def _timestamp(day: dt.date | None) -> int:
    if day is None:
        return 0
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


@cache
def actor_countries() -> dict[str, str]:
    """Actor table id -> the ISO3 country whose actor it is."""
    from rokhdad.entities.gazetteer import ACTORS, parse_actors

    return {e.id: e.country for e in parse_actors(ACTORS.read_text(encoding="utf-8")) if e.country}


def acled_inter(actor: IncidentActor, country: str | None) -> int | None:
    """The actor's ACLED inter code where the incident happened: state forces operating
    outside their own country are "External/Other Forces" (8), as the codebook has it
    (US forces in Iraq, Turkish forces in Syria)."""
    if actor.inter == STATE_FORCES and country:
        home = actor_countries().get(actor.key)
        if home is not None and home != country:
            return EXTERNAL_FORCES
    return actor.inter


def acled_row(incident: Incident) -> dict[str, Any]:
    """One ACLED row; ``None`` where ACLED has nothing to say (an empty CSV cell)."""
    cat = category(incident)
    perpetrators, targets = _perpetrators(incident), incident.targets
    where = incident.place.country if incident.place else None
    inter1 = acled_inter(perpetrators[0], where) if perpetrators else None
    inter2 = acled_inter(targets[0], where) if targets else None
    interaction = None  # ACLED: the two inter codes, lower first; "sole" action: inter1 and 0
    if inter1 is not None:
        interaction = min(inter1, inter2) * 10 + max(inter1, inter2) if inter2 is not None else inter1 * 10
    place = incident.place
    country = countries().get(place.country) if place and place.country else None
    day = incident.date_start
    tags = []
    if incident.fatalities is None:
        tags.append("fatalities unknown")
    if incident.disputed:
        tags.append("disputed: " + ", ".join(incident.disputed))
    if incident.modality.value != "asserted":
        tags.append(f"modality: {incident.modality.value}")
    scales = sorted({outlets().get(o, {}).get("source_scale", "") for o in incident.outlets} - {""})
    return {
        "event_id_cnty": f"{place.country if place and place.country else 'UNK'}-{incident.id}",
        "event_date": day.isoformat() if day else None,
        "year": day.year if day else None,
        "time_precision": TIME_PRECISION.get(incident.date_precision, 3),
        "disorder_type": cat.disorder_type, "event_type": cat.event_type, "sub_event_type": cat.sub_event_type,
        "actor1": _name(perpetrators[0]) if perpetrators else None,
        "assoc_actor_1": _names(perpetrators[1:]) or None, "inter1": inter1,
        "actor2": _name(targets[0]) if targets else None,
        "assoc_actor_2": _names(targets[1:]) or None, "inter2": inter2,
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if any(t.inter == CIVILIANS for t in targets) else None,
        "iso": country.numeric if country else None, "region": country.region if country else None,
        "country": country.name if country else (place.country if place else None),
        "admin1": place.admin1 if place else None, "admin2": None, "admin3": None,
        "location": (place.name_en or place.name) if place else None,
        "latitude": place.latitude if place else None, "longitude": place.longitude if place else None,
        "geo_precision": place.precision if place else None,
        "source": "; ".join(outlets().get(o, {}).get("name", o) for o in incident.outlets) or None,
        "source_scale": "-".join(scales) or None,
        "notes": notes(incident),
        "fatalities": incident.fatalities if incident.fatalities is not None else 0,  # ACLED: 0 when none reported
        "tags": "; ".join(tags) or None,
        "timestamp": _timestamp(incident.last_seen),
    }


def _plover_actor(actor: IncidentActor) -> dict[str, Any]:
    record = {"actor_text": actor.name, "identifier_id": actor.key, "identifier_text": actor.name_en}
    sector = "CVL" if actor.inter == CIVILIANS else SECTORS.get(actor.kind or "")
    if sector:
        record["sector"] = sector
    return record


def plover_record(incident: Incident, coder: str = "rokhdad") -> dict[str, Any]:
    """One PLOVER event record; fields PLOVER lacks go under ``rokhdad``."""
    cat = category(incident)
    place = incident.place
    record: dict[str, Any] = {
        "id": incident.id,
        "date": incident.date_start.isoformat() if incident.date_start else None,
        "source": [_plover_actor(a) for a in _perpetrators(incident)],
        "recipient": [_plover_actor(a) for a in incident.targets],
        "event": [incident.type.value],
        "mode": cat.plover_mode or None,
        "quad_code": QUAD_MATERIAL_CONFLICT,
        "event_text": [e.quote for e in incident.evidence],
        "dead": incident.fatalities,
        "injured": incident.injured,
        "cite_info": [{"citation": e.article_id, "language": "fa"} for e in incident.evidence],
        "coder": coder,
        "comment": notes(incident),
    }
    if incident.date_end and incident.date_end != incident.date_start:
        record["enddate"] = incident.date_end.isoformat()
    if place:
        record["event_loc"] = {"name": place.name, "asciiname": place.name_en, "latitude": place.latitude,
                               "longitude": place.longitude, "cc3": place.country, "admin1": place.admin1}
    record["rokhdad"] = {
        "mode": incident.mode, "date": incident.date, "date_precision": incident.date_precision.value,
        "modality": incident.modality.value, "geo_precision": place.precision if place else None,
        "acled": {"disorder_type": cat.disorder_type, "event_type": cat.event_type,
                  "sub_event_type": cat.sub_event_type},
        "attributed_to": [_plover_actor(a) | {"by": list(a.by)} for a in incident.attributed_to],
        "claimed_by": [_plover_actor(a) | {"by": list(a.by)} for a in incident.claimed_by],
        "denied_by": [_plover_actor(a) | {"by": list(a.by)} for a in incident.denied_by],
        "weapon": incident.weapon, "weapon_count": incident.weapon_count,
        "fatalities_note": incident.fatalities_note, "disputed": list(incident.disputed),
        "num_articles": incident.num_articles, "num_sources": incident.num_sources,
        "outlets": list(incident.outlets), "sources": list(incident.sources),
        "first_seen": incident.first_seen.isoformat() if incident.first_seen else None,
        "last_seen": incident.last_seen.isoformat() if incident.last_seen else None,
        "evidence": [{"article_id": e.article_id, "start": e.start, "end": e.end} for e in incident.evidence],
        "values": [{"field": v.field, "value": v.value, "article_id": v.article_id, "outlet": v.outlet,
                    "said_by": list(v.said_by)} for v in incident.values],
    }
    return record


FLAT_DATES = ("date_start", "date_end", "first_seen", "last_seen")
FLAT_COLUMNS = (
    "id", "type", "mode", "date", "date_precision", "date_start", "date_end", "place_id", "place_name",
    "place_name_en", "admin1", "country", "latitude", "longitude", "geo_precision", "actors", "targets",
    "attributed_to", "claimed_by", "denied_by", "sources", "outlets", "weapon", "weapon_count", "fatalities",
    "fatalities_note", "injured", "modality", "optional", "disputed", "num_mentions", "num_articles",
    "num_sources", "first_seen", "last_seen", "disorder_type", "event_type", "sub_event_type", "notes",
)


def flat_row(incident: Incident) -> dict[str, Any]:
    """One flat row per incident (GeoJSON properties, Parquet columns)."""
    place = incident.place
    cat = category(incident)
    return {
        "id": incident.id, "type": incident.type.value, "mode": incident.mode, "date": incident.date,
        "date_precision": incident.date_precision.value, "date_start": incident.date_start,
        "date_end": incident.date_end,
        "place_id": place.id if place else None, "place_name": place.name if place else None,
        "place_name_en": place.name_en if place else None, "admin1": place.admin1 if place else None,
        "country": place.country if place else None, "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None, "geo_precision": place.precision if place else None,
        "actors": _names(incident.actors), "targets": _names(incident.targets),
        "attributed_to": _names(incident.attributed_to), "claimed_by": _names(incident.claimed_by),
        "denied_by": _names(incident.denied_by), "sources": "; ".join(incident.sources),
        "outlets": "; ".join(incident.outlets), "weapon": incident.weapon, "weapon_count": incident.weapon_count,
        "fatalities": incident.fatalities, "fatalities_note": incident.fatalities_note,
        "injured": incident.injured, "modality": incident.modality.value, "optional": incident.optional,
        "disputed": ", ".join(incident.disputed), "num_mentions": incident.num_mentions,
        "num_articles": incident.num_articles, "num_sources": incident.num_sources,
        "first_seen": incident.first_seen, "last_seen": incident.last_seen,
        "disorder_type": cat.disorder_type, "event_type": cat.event_type, "sub_event_type": cat.sub_event_type,
        "notes": notes(incident),
    }


def geojson_feature(incident: Incident) -> dict[str, Any]:
    row = flat_row(incident)
    properties = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()}
    geometry = None
    if incident.place and incident.place.latitude is not None and incident.place.longitude is not None:
        geometry = {"type": "Point", "coordinates": [incident.place.longitude, incident.place.latitude]}
    return {"type": "Feature", "id": incident.id, "geometry": geometry, "properties": properties}


def export_rows(incidents: Sequence[Incident], format: str) -> list[dict[str, Any]]:
    """What ``format`` holds per incident, as ``read_export`` will return it."""
    builders: dict[str, Callable[[Incident], dict[str, Any]]] = {
        "acled-csv": acled_row, "plover-jsonl": plover_record, "geojson": geojson_feature, "parquet": flat_row}
    if format not in builders:
        raise InputError(f"--format: unknown format {format!r} (expected: {', '.join(FORMATS)})")
    return [builders[format](incident) for incident in incidents]


# -- writing and reading ---------------------------------------------------------------

@contextmanager
def _output(path: str | Path, binary: bool = False) -> Iterator[IO]:
    """Write to ``path`` atomically (temp file, then rename); ``-`` is stdout."""
    if str(path) == "-":
        if binary:
            raise InputError("-o -: this format is binary; give a file name")
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    if target.is_dir():
        raise InputError(f"-o {target}: is a directory")
    if not target.parent.is_dir():
        raise InputError(f"-o {target}: directory {target.parent} does not exist")
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8",
                       newline=None if binary else "") as handle:
            yield handle
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_export(incidents: Sequence[Incident], format: str, path: str | Path) -> int:
    """Write ``incidents`` to ``path`` in ``format``; returns how many were written."""
    rows = export_rows(incidents, format)
    if format == "parquet":
        table = _arrow_table(rows)
        import pyarrow.parquet as pq

        with _output(path, binary=True) as handle:
            pq.write_table(table, handle)
        return len(rows)
    with _output(path) as handle:
        if format == "acled-csv":
            writer = csv.DictWriter(handle, fieldnames=ACLED_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)
        elif format == "plover-jsonl":
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            json.dump({"type": "FeatureCollection", "features": rows}, handle, ensure_ascii=False)
            handle.write("\n")
    return len(rows)


def _arrow_table(rows: list[dict[str, Any]]):
    try:
        import pyarrow as pa
    except ImportError as error:
        raise ConfigError("parquet export needs pyarrow: pip install pyarrow") from error
    types = {"latitude": pa.float64(), "longitude": pa.float64(), "optional": pa.bool_()}
    types |= {name: pa.int64() for name in ("geo_precision", "weapon_count", "fatalities", "injured",
                                            "num_mentions", "num_articles", "num_sources")}
    types |= {name: pa.date32() for name in FLAT_DATES}
    schema = pa.schema([(name, types.get(name, pa.string())) for name in FLAT_COLUMNS])
    return pa.Table.from_pylist(rows, schema=schema)



def _acled_value(column: str, text: str) -> Any:
    if text == "":
        return None
    if column in ACLED_INTS:
        return int(text)
    if column in ACLED_FLOATS:
        return float(text)
    return text


def read_export(path: str | Path, format: str) -> list[dict[str, Any]]:
    """Read an export back into the rows ``export_rows`` builds.

    Raises:
        InputError: unreadable file or not in ``format``.
    """
    path = Path(path)
    try:
        if format == "parquet":
            import pyarrow.parquet as pq

            return pq.read_table(path).to_pylist()
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: cannot read {format}: {error}") from error
    if format == "acled-csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if tuple(reader.fieldnames or ()) != ACLED_COLUMNS:
            raise InputError(f"{path}: not an ACLED CSV (header {reader.fieldnames})")
        return [{k: _acled_value(k, v) for k, v in row.items()} for row in reader]
    if format == "plover-jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if format == "geojson":
        collection = json.loads(text)
        if collection.get("type") != "FeatureCollection":
            raise InputError(f"{path}: not a GeoJSON FeatureCollection")
        return collection["features"]
    raise InputError(f"--format: unknown format {format!r} (expected: {', '.join(FORMATS)})")
