"""The tables a batch writes (articles, mentions, failures, incidents): Arrow schemas and row builders.

Invariant: a mention row is built by the store's own row builder (``store.rows.Rows``), so
its id, dates, place and participants are what ``rokhdad ingest`` would store, and its
``quote`` is ``text[evidence_start:evidence_end]`` of the article's original text.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa

from rokhdad.model import Article, Event
from rokhdad.store.incidents import add_role
from rokhdad.store.rows import Rows

ARTICLES, MENTIONS, FAILURES, INCIDENTS = "articles", "mentions", "failures", "incidents"
TABLES = (ARTICLES, MENTIONS, FAILURES, INCIDENTS)

_S, _I, _F, _B, _D = pa.string(), pa.int64(), pa.float64(), pa.bool_(), pa.date32()
_LIST = pa.list_(pa.string())

ARTICLE_SCHEMA = pa.schema([
    ("id", _S), ("text", _S), ("published", _D), ("outlet", _S), ("title", _S), ("url", _S),
    ("sha256", _S), ("status", _S), ("num_mentions", _I), ("coder_version", _S),
])

MENTION_SCHEMA = pa.schema([
    ("id", _S), ("event_id", _S), ("article_id", _S), ("type", _S), ("mode", _S),
    ("date", _S), ("date_precision", _S), ("date_start", _D), ("date_end", _D), ("merge_date", _D),
    ("place_id", _S), ("place_name", _S), ("place_name_en", _S), ("place_kind", _S),
    ("latitude", _F), ("longitude", _F), ("admin1_fa", _S), ("admin1_en", _S), ("country", _S),
    ("geo_precision", _I), ("fatalities", _I), ("injured", _I), ("weapon", _S), ("weapon_count", _I),
    ("modality", _S), ("optional", _B), ("confidence", _F),
    ("evidence_start", _I), ("evidence_end", _I), ("quote", _S),
    ("perpetrators", _LIST), ("victims", _LIST),   # actor keys, as the merge compares them
    ("outlet", _S), ("published", _D),             # the article's, for incident summaries
    ("record", _S),                                # the whole event: JSON of serialize.to_dict
])

FAILURE_SCHEMA = pa.schema([
    ("article_id", _S), ("location", _S), ("error_class", _S), ("message", _S),
    ("stage", _S),   # "input": the record could not be read; "extract": the extractor failed
])

INCIDENT_SCHEMA = pa.schema([
    ("id", _S), ("key_date", _D), ("type", _S), ("mode", _S), ("date", _S), ("date_precision", _S),
    ("date_start", _D), ("date_end", _D),
    ("place_id", _S), ("place_name", _S), ("place_name_en", _S), ("place_kind", _S), ("admin1", _S),
    ("country", _S), ("latitude", _F), ("longitude", _F), ("geo_precision", _I),
    ("participants", _S),     # JSON: {role: [actor, …]} as in the store's incidents table
    ("sources", _LIST), ("outlets", _LIST), ("weapon", _S), ("weapon_count", _I),
    ("fatalities", _I), ("fatalities_note", _S), ("injured", _I), ("modality", _S), ("optional", _B),
    ("disputed", _S), ("num_mentions", _I), ("num_articles", _I), ("num_sources", _I),
    ("first_seen", _D), ("last_seen", _D),
    ("evidence", _S),         # JSON: [{article_id, mention_id, start, end, quote}]
    ("values", _S),           # JSON: every value every mention reported, with who said it
    ("mention_ids", _LIST),
])

SCHEMAS = {ARTICLES: ARTICLE_SCHEMA, MENTIONS: MENTION_SCHEMA, FAILURES: FAILURE_SCHEMA,
           INCIDENTS: INCIDENT_SCHEMA}

STAGE_INPUT, STAGE_EXTRACT = "input", "extract"


@dataclass(frozen=True, slots=True)
class FailureRecord:
    """An input record or article that gave no mentions: where, and why."""

    article_id: str | None
    location: str
    error_class: str
    message: str
    stage: str

    def row(self) -> dict:
        return {"article_id": self.article_id, "location": self.location, "error_class": self.error_class,
                "message": self.message, "stage": self.stage}


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_row(article: Article, num_mentions: int, failed: bool, coder_version: str) -> dict:
    return {"id": article.id, "text": article.text, "published": article.published, "outlet": article.source,
            "title": article.title, "url": article.url, "sha256": text_sha256(article.text),
            "status": "failed" if failed else "coded", "num_mentions": num_mentions,
            "coder_version": coder_version}


def mention_rows(article: Article, events: Sequence[Event]) -> list[dict]:
    """One row per event, as the store would key and date it (article version 1)."""
    rows = Rows()
    rows.add_events(article, 1, events)
    roles: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for participant in rows.participants:
        add_role(roles[participant["mention_id"]], participant["role"], participant["actor_id"])
    result = []
    for m in rows.mentions:
        place = rows.places.get(m["place_id"]) if m["place_id"] else None
        perpetrators, victims = roles.get(m["id"], (set(), set()))
        start, end = m["evidence_start"], m["evidence_end"]
        result.append({
            "id": m["id"], "event_id": m["event_id"], "article_id": m["article_id"], "type": m["type"],
            "mode": m["mode"], "date": m["date"], "date_precision": m["date_precision"],
            "date_start": m["date_start"], "date_end": m["date_end"], "merge_date": m["merge_date"],
            "place_id": m["place_id"],
            "place_name": place["name_fa"] if place else None,
            "place_name_en": place["name_en"] if place else None,
            "place_kind": place["kind"] if place else None,
            "latitude": place["latitude"] if place else None,
            "longitude": place["longitude"] if place else None,
            "admin1_fa": place["admin1_fa"] if place else None,
            "admin1_en": place["admin1_en"] if place else None,
            "country": place["country"] if place else None,
            "geo_precision": m["geo_precision"], "fatalities": m["fatalities"], "injured": m["injured"],
            "weapon": m["weapon"], "weapon_count": m["weapon_count"], "modality": m["modality"],
            "optional": m["optional"], "confidence": m["confidence"],
            "evidence_start": start, "evidence_end": end,
            "quote": article.text[start:end] if start is not None else None,
            "perpetrators": sorted(perpetrators), "victims": sorted(victims),
            "outlet": article.source, "published": article.published,
            "record": json.dumps(m["record"], ensure_ascii=False),
        })
    return result


def to_table(rows: Sequence[dict], schema: pa.Schema) -> pa.Table:
    """Rows to an Arrow table of exactly ``schema`` (columns in its order)."""
    return pa.Table.from_pylist(list(rows), schema=schema)
