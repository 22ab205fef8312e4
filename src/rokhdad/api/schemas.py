"""The API's request and response shapes (pydantic), so /openapi.json documents them.

Records shared with the CLI (an event as ``rokhdad extract --format json`` prints it, a run
summary as ``rokhdad ingest --json`` prints it) stay plain ``dict`` here: their form is
``serialize.to_dict`` of ``rokhdad.model`` records and is documented in api/README.md.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SORTS = ("date", "-date", "fatalities", "-fatalities", "injured", "-injured", "mentions", "-mentions",
         "articles", "-articles", "sources", "-sources")
Sort = Literal["date", "-date", "fatalities", "-fatalities", "injured", "-injured", "mentions", "-mentions",
               "articles", "-articles", "sources", "-sources"]
ExportFormat = Literal["acled-csv", "plover-jsonl", "geojson", "parquet"]


class ErrorOut(BaseModel):
    """Every error: the rokhdad error class (or HTTP error name) and a readable message."""

    error: str = Field(examples=["NotFoundError"])
    message: str = Field(examples=["no incident 'I0000000000000000'"])


class ArticleIn(BaseModel):
    """An article to code: the fields of one ``rokhdad ingest`` JSONL line."""

    model_config = ConfigDict(extra="allow")  # 'date' for 'published', 'outlet' for 'source', as in JSONL

    id: str | int | None = Field(None, description="Article id; required for POST /articles.")
    text: str | None = Field(None, description="The article text, as published.")
    published: str | None = Field(None, description="Publication date, YYYY-MM-DD; relative dates need it.",
                                  examples=["2020-01-08"])
    source: str | None = Field(None, description="Outlet, e.g. tasnimnews.")
    title: str | None = None
    url: str | None = None


class ExtractIn(BaseModel):
    """POST /extract: one article's text; nothing is stored."""

    text: str = Field(description="The article text; every span returned is an offset into it.")
    published: str | None = Field(None, description="Publication date, YYYY-MM-DD.", examples=["2020-01-08"])
    title: str | None = None
    source: str | None = None
    id: str | None = Field(None, description="Article id to put on the events (default 'extract').")


class SpanOut(BaseModel):
    """A span of the article text and the field it supports: ``text == article[start:end]``."""

    field: str = Field(description="evidence, type, place, date, fatalities, actors, targets, sources, "
                                   "claimed_by, claimed_by.by, … (what the words support)")
    start: int
    end: int
    text: str
    rule: str | None = Field(None, description="The rule or gazetteer entry that produced it, if recorded.")
    event_id: str | None = None
    mention_id: str | None = None


class ExtractOut(BaseModel):
    article_id: str
    published: str | None
    events: list[dict[str, Any]] = Field(description="As 'rokhdad extract --format json' prints them.")
    spans: list[SpanOut] = Field(description="Every span of every event, tagged with its field and event_id.")


class ActorOut(BaseModel):
    key: str
    name: str
    name_en: str | None = None
    inter: int | None = Field(None, description="ACLED actor type 1-8.")
    kind: str | None = None
    mentions: int = 1
    by: list[str] = Field(default_factory=list, description="Who blamed, claimed or denied (attributions).")


class CategoryOut(BaseModel):
    disorder_type: str
    event_type: str
    sub_event_type: str


class IncidentItem(BaseModel):
    """One incident as a map and a list need it."""

    id: str
    type: str
    mode: str | None
    category: CategoryOut | None = Field(description="ACLED coding of type and mode.")
    date: str | None = Field(description="YYYY-MM-DD, YYYY-MM or YYYY by precision; null when unknown.")
    date_precision: str
    date_start: str | None = Field(description="First day the incident can be on.")
    date_end: str | None = Field(description="Last day the incident can be on.")
    place_id: str | None
    place_name: str | None
    place_name_en: str | None
    admin1: str | None
    country: str | None = Field(description="ISO 3166-1 alpha-3.")
    lat: float | None
    lon: float | None
    geo_precision: int | None = Field(description="ACLED geo precision 1 (exact) to 3 (region).")
    fatalities: int | None = Field(description="The lowest figure reported (ACLED's rule).")
    injured: int | None
    disputed: list[str] = Field(description="Fields the sources disagree on.")
    weapon: str | None
    weapon_count: int | None
    actors: list[ActorOut]
    targets: list[ActorOut]
    claimed_by: list[ActorOut]
    attributed_to: list[ActorOut]
    denied_by: list[ActorOut]
    modality: str
    optional: bool = Field(description="Known only from background mentions.")
    num_mentions: int
    num_articles: int
    num_sources: int
    first_seen: str | None
    last_seen: str | None


class IncidentPage(BaseModel):
    total: int = Field(description="How many incidents match the filters, over all pages.")
    limit: int
    offset: int
    sort: str
    items: list[IncidentItem]


class ReportedValueOut(BaseModel):
    field: str
    value: Any
    mention_id: str
    article_id: str
    outlet: str | None
    published: str | None
    said_by: list[str]


class ConflictOut(BaseModel):
    """One field the sources disagree on: each value and who reported it."""

    field: str
    values: list[ReportedValueOut]


class MentionOut(BaseModel):
    mention_id: str
    article_id: str
    article_version: int
    title: str | None
    source: str | None
    published: str | None
    url: str | None
    event: dict[str, Any] = Field(description="The event as extracted (serialize.to_dict form).")
    spans: list[SpanOut] = Field(description="Spans into that article's text (GET /articles/{id}).")


class IncidentDetail(IncidentItem):
    """Everything about one incident: its mentions, sources, attributions and conflicts."""

    fatalities_note: str | None
    place_kind: str | None
    sources: list[str] = Field(description="Who the articles cite ('according to …').")
    outlets: list[str]
    values: list[ReportedValueOut] = Field(description="Every value every mention reported.")
    conflicts: list[ConflictOut]
    mentions: list[MentionOut]


class ArticleMentionOut(BaseModel):
    mention_id: str
    event_id: str
    incident_id: str | None
    type: str
    mode: str | None
    date: str | None
    modality: str
    optional: bool
    confidence: float
    spans: list[SpanOut]


class ArticleOut(BaseModel):
    id: str
    version: int
    versions: list[int]
    current: bool
    title: str | None
    source: str | None
    published: str | None
    url: str | None
    status: str = Field(description="coded or failed")
    error_class: str | None
    error_message: str | None
    coder_version: str
    text: str
    mentions: list[ArticleMentionOut]
    spans: list[SpanOut] = Field(description="All mentions' spans, sorted by start.")


class TimelineDay(BaseModel):
    date: str
    total: int
    counts: dict[str, int] = Field(description="Incidents per type that day.")


class TimelineOut(BaseModel):
    types: list[str]
    days: list[TimelineDay] = Field(description="Incidents dated to one day, by day.")
    undated: TimelineDay = Field(description="Incidents not pinned to one day (date: 'undated').")


class CountOut(BaseModel):
    value: str
    label: str | None = None
    count: int


class FacetActorOut(BaseModel):
    key: str
    name: str
    name_en: str | None
    count: int


class FacetsOut(BaseModel):
    total: int
    types: list[CountOut]
    modes: list[CountOut]
    countries: list[CountOut]
    actors: list[FacetActorOut]
    date_min: str | None
    date_max: str | None
    sorts: list[str]
    export_formats: list[str]


class HealthOut(BaseModel):
    status: str
    version: str
    read_only: bool
    write_protected: bool = Field(description="Write endpoints need a bearer token.")
    database: str


class FailureOut(BaseModel):
    article_id: str | None
    location: str = Field(description="body[N] for POST /articles")
    error_class: str
    message: str


class MergeOut(BaseModel):
    replayed: int
    written: int
    deleted: int
    seconds: float
    since: str | None


class RunSummaryOut(BaseModel):
    """What one POST /articles did: the run summary of 'rokhdad ingest --json'."""

    run_id: str
    coder_version: str
    read: int = Field(description="Articles received (failed ones included).")
    new: int
    versions: int = Field(description="Known articles whose text changed: stored as a new version.")
    unchanged: int
    recoded: int
    failed: int
    mentions: int = Field(description="Mentions stored by this run.")
    incidents: int = Field(description="Incidents in the store after the merge.")
    seconds: float
    merge: MergeOut | None
    failures: list[FailureOut]
