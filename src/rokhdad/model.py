"""Frozen records shared by every layer: articles, spans, offset maps, tokens.

Every ``start``/``end`` is a character offset into ``Article.text`` (end exclusive),
so ``article.text[span.start:span.end]`` is always the evidence quote.
"""

from __future__ import annotations

import datetime as dt
import enum
from bisect import bisect_left
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` into an article's original text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span ({self.start}, {self.end})")

    def quote(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article. ``text`` is the text as decoded and is never modified."""

    id: str
    text: str
    published: dt.date | None = None
    source: str | None = None
    title: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps a normalised working copy back to the original text.

    ``origin[i]`` is the original index of normalised character ``i``; one last entry
    holds the original length, so ``origin`` has ``len(normalised) + 1`` entries and
    is non-decreasing.
    """

    origin: tuple[int, ...]

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls(tuple(range(length + 1)))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the normalised range ``[start, end)``.

        Characters deleted right after the range (diacritics, tatweel, a collapsed
        second space) fall inside the original range: they belong to its last letter.
        """
        return self.origin[start], self.origin[end]

    def to_normalized(self, position: int) -> int:
        """First normalised index whose original position is at or after ``position``."""
        return bisect_left(self.origin, position)


class TokenKind(enum.Enum):
    WORD = "word"
    NUMBER = "number"
    PUNCT = "punct"
    SYMBOL = "symbol"


class Token(NamedTuple):
    """A token: original offsets plus its normalised form (``norm``).

    A NamedTuple, not a dataclass: hundreds are made per article on the hot path and a
    tuple is built about twice as fast as a frozen slotted dataclass; it is as immutable.
    """

    start: int
    end: int
    norm: str
    kind: TokenKind


class Sentence(NamedTuple):
    """A sentence: original offsets plus the range of its tokens."""

    start: int
    end: int
    token_start: int
    token_end: int


class Precision(enum.Enum):
    """How precisely a date is known."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"


class Calendar(enum.Enum):
    """Where a resolved date came from."""

    JALALI = "jalali"
    GREGORIAN = "gregorian"
    HIJRI = "hijri"
    RELATIVE = "relative"  # امروز، دیروز، هفته گذشته … against the publication date
    WEEKDAY = "weekday"    # روز چهارشنبه: most recent on or before publication


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in the text and its resolution.

    ``value`` is ISO ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (for WEEK precision: the
    Monday-less convention is the first day of the week range, as ``YYYY-MM-DD``),
    or ``None`` when it cannot be resolved (no publication date for a relative one).
    """

    start: int
    end: int
    text: str
    value: str | None
    precision: Precision
    calendar: Calendar
    rule: str  # which pattern resolved it, for provenance


class Qualifier(enum.Enum):
    """How a count is hedged."""

    EXACT = "exact"
    AT_LEAST = "at_least"  # حداقل، دست کم، بیش از
    ABOUT = "about"        # حدود، نزدیک به، قریب
    AT_MOST = "at_most"    # تا، حداکثر، کمتر از


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number or count found in the text: ``value`` is None for vague counts (ده\u200cها)."""

    start: int
    end: int
    text: str
    value: int | float | None
    qualifier: Qualifier
    vague: bool = False


class EntityKind(enum.Enum):
    """What an entity mention names."""

    PERSON = "person"
    OFFICIAL = "official"          # a person named by title: سخنگوی وزارت دفاع آمریکا
    ORGANIZATION = "organization"
    GOVERNMENT = "government"      # ministries, governments, heads of state's offices
    STATE_FORCE = "state_force"    # armies, police, IRGC, US forces, CENTCOM
    ARMED_GROUP = "armed_group"    # militias, rebels, insurgents, terrorist groups
    COALITION = "coalition"        # multinational military coalitions
    OUTLET = "outlet"              # news agencies, channels, papers
    PLACE = "place"
    FACILITY = "facility"          # bases, airports, camps, fields, embassies, crossings


class EntitySource(enum.Enum):
    """Where an entity mention came from."""

    GAZETTEER = "gazetteer"
    ACTOR_TABLE = "actor_table"
    FACILITY_TABLE = "facility_table"
    NER = "ner"


@dataclass(frozen=True, slots=True)
class Place:
    """A geocoded place or facility: one gazetteer entry."""

    entry_id: str
    name_fa: str
    name_en: str | None
    kind: str                      # country, admin1, populated_place, military_base, airport …
    lat: float | None
    lon: float | None
    admin1_fa: str | None
    admin1_en: str | None
    country: str | None            # ISO 3166-1 alpha-3
    population: int | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity mention with its span into the original text and what it resolved to.

    ``entry_id`` names the actor-table, facility-table or gazetteer entry; it is None
    for mentions the statistical model found that no table knows.
    """

    start: int
    end: int
    text: str
    kind: EntityKind
    source: EntitySource
    name_en: str | None = None
    entry_id: str | None = None
    place: Place | None = None
    precision: int | None = None   # ACLED geo_precision 1-3 for places and facilities
    reason: str | None = None      # why this reading / this place was chosen
    confidence: float = 1.0


class EventType(enum.Enum):
    """PLOVER event types rokhdad codes (GUIDELINES.md §2)."""

    ASSAULT = "ASSAULT"
    PROTEST = "PROTEST"
    COERCE = "COERCE"
    MOBILIZE = "MOBILIZE"


class Modality(enum.Enum):
    """How the article presents an incident."""

    ASSERTED = "asserted"  # the outlet states it as fact
    REPORTED = "reported"  # attributed to a source
    ALLEGED = "alleged"    # a claim the outlet distances itself from
    DENIED = "denied"      # a source denies it happened


@dataclass(frozen=True, slots=True)
class Participant:
    """An actor, target, source, or a party to a claim, blame or denial.

    ``text`` is the name as written (original text of the first span); ``aliases``
    holds the other spellings seen in the article and the table's names.
    """

    text: str
    spans: tuple[Span, ...]
    name_en: str | None = None
    entry_id: str | None = None
    kind: EntityKind | None = None
    inter: int | None = None       # ACLED actor-type code 1-8
    aliases: tuple[str, ...] = ()
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Attribution:
    """``who`` was blamed for, claimed, or denied the incident, according to ``by``."""

    who: tuple[Participant, ...]
    by: tuple[Participant, ...]
    span: Span
    rule: str


@dataclass(frozen=True, slots=True)
class EventPlace:
    """Where an incident happened: the words used and the gazetteer entry chosen."""

    text: str
    spans: tuple[Span, ...]
    place: Place | None
    precision: int | None          # ACLED geo_precision 1-3
    reason: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Provenance:
    """Why a field has its value: evidence spans, the rule or table entry, a confidence."""

    field: str
    spans: tuple[Span, ...]
    rule: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Classification:
    """The event's coding in other schemes, derived from its PLOVER type and mode."""

    disorder_type: str             # ACLED
    event_type: str                # ACLED
    sub_event_type: str            # ACLED
    cameo_root: str                # CAMEO root code, "18" ASSAULT, "19" FIGHT …
    plover_mode: str | None = None  # the PLOVER manual's own mode name, where it has one


@dataclass(frozen=True, slots=True)
class Event:
    """One incident reported in one article (GUIDELINES.md §3), with its evidence."""

    id: str
    article_id: str
    type: EventType
    mode: str | None
    date: str | None
    date_precision: Precision
    place: EventPlace | None
    actors: tuple[Participant, ...]
    targets: tuple[Participant, ...]
    attributed_to: tuple[Attribution, ...]
    claimed_by: tuple[Attribution, ...]
    denied_by: tuple[Attribution, ...]
    weapon: str | None
    weapon_count: int | None
    weapon_count_qualifier: Qualifier | None
    fatalities: int | None
    injured: int | None
    sources: tuple[Participant, ...]
    modality: Modality
    evidence: tuple[Span, ...]
    optional: bool = False
    confidence: float = 0.5
    provenance: tuple[Provenance, ...] = ()
    note: str | None = None
    classification: Classification | None = None
