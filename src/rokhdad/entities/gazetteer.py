"""Load and validate the entity tables shipped as package data: places, facilities, actors.

Every bad row raises ``GazetteerError`` as ``file:line: problem``; ``load_gazetteer()``
reads all tables once per process.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rokhdad.errors import GazetteerError
from rokhdad.model import EntityKind, EntitySource, Place

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parents[1] / "data"
PLACES = DATA / "gazetteer" / "places.tsv.gz"
OVERRIDES = DATA / "gazetteer" / "overrides.csv"
COMMON_NAMES = DATA / "gazetteer" / "common_names.tsv"
FACILITIES = DATA / "facilities.csv"
ACTORS = DATA / "actors.csv"
TABLES = (PLACES, OVERRIDES, COMMON_NAMES, FACILITIES, ACTORS)  # what load_gazetteer reads

OVERRIDE_RANK = 10  # hand-made rows beat every source quality (CLDR is 9)
FACILITY_RANK = 8   # a curated facility name is as good as an ISO country name
MAX_ERRORS = 20     # more than this many bad rows: the file is broken, not a row
PLACE_KINDS = frozenset({"country", "region", "admin1", "admin2", "populated_place"})
ACTOR_KINDS = {
    "state_force": EntityKind.STATE_FORCE,
    "armed_group": EntityKind.ARMED_GROUP,
    "government": EntityKind.GOVERNMENT,
    "coalition": EntityKind.COALITION,
    "outlet": EntityKind.OUTLET,
    "person": EntityKind.PERSON,
    "official": EntityKind.OFFICIAL,
    "organization": EntityKind.ORGANIZATION,
    "political_party": EntityKind.ORGANIZATION,  # the model has no party kind
}
# How a place name that is also a frequent word is matched (common_names.tsv):
COMMON_DECISIONS = ("context", "strong", "drop")
_ISO3 = re.compile(r"^[A-Z]{3}$")

PLACE_COLUMNS = ("id", "kind", "country", "lat", "lon", "population", "rank",
                 "admin1_fa", "admin1_en", "name_en", "name_fa", "aliases")
OVERRIDE_COLUMNS = ("id", "name_fa", "aliases_fa", "name_en", "kind", "lat", "lon",
                    "admin1_fa", "admin1_en", "country", "population", "source")
FACILITY_COLUMNS = ("id", "name_fa", "aliases_fa", "name_en", "kind", "lat", "lon",
                    "admin1_fa", "admin1_en", "country", "wikidata", "source")
ACTOR_COLUMNS = ("id", "name_fa", "aliases_fa", "name_en", "aliases_en", "kind",
                 "country", "inter", "sector", "wikidata", "source")


@dataclass(frozen=True, slots=True)
class Entry:
    """One table row: an actor, a facility or a place, with every Persian name it goes by."""

    id: str
    kind: EntityKind
    source: EntitySource
    name_fa: str
    aliases: tuple[str, ...]       # all Persian names, name_fa first
    name_en: str | None = None
    place: Place | None = None     # places and facilities
    country: str | None = None     # ISO3: where a place is, whose an actor is
    rank: int = 0                  # name quality: 10 hand-made … 1 unverified translation
    inter: int | None = None       # ACLED actor type 1-8 (actors only)


class Gazetteer:
    """All entries plus the place names that are frequent Persian words.

    Entries live as compact rows and become ``Entry`` records on first use: a process
    that reads the cache touches only the few hundred entries its texts name.
    """

    # not a dataclass: entries are materialised lazily from rows (load time)

    def __init__(self, rows: Sequence[tuple], common: dict[str, str]):
        self.rows = rows
        self.common = common           # name key -> a COMMON_DECISIONS value (places only)
        self._entries: dict[int, Entry] = {}
        self._ids: dict[str, int] | None = None

    @classmethod
    def from_entries(cls, entries: Iterable[Entry], common: dict[str, str] | None = None
                     ) -> Gazetteer:
        """A gazetteer from entries; ids must be unique across tables."""
        entries = tuple(entries)
        seen: dict[str, str] = {}
        for entry in entries:
            if entry.id in seen:
                raise GazetteerError(f"id '{entry.id}' is used by two tables ({seen[entry.id]} "
                                     f"and {entry.source.value}): give one of them a prefix")
            seen[entry.id] = entry.source.value
        gazetteer = cls([entry_row(e) for e in entries], dict(common or {}))
        gazetteer._entries = dict(enumerate(entries))
        return gazetteer

    def __len__(self) -> int:
        return len(self.rows)

    def entry(self, index: int) -> Entry:
        found = self._entries.get(index)
        if found is None:
            found = self._entries[index] = row_entry(self.rows[index])
        return found

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(self.entry(i) for i in range(len(self.rows)))

    @property
    def by_id(self) -> Mapping[str, Entry]:
        """Entries by id (a lazy mapping: entries are built only when looked up)."""
        return _ById(self)

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, or None."""
        if self._ids is None:
            self._ids = {row[0]: i for i, row in enumerate(self.rows)}
        index = self._ids.get(entry_id)
        return None if index is None else self.entry(index)


class _ById(Mapping):
    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer

    def __getitem__(self, entry_id: str) -> Entry:
        entry = self.gazetteer.get(entry_id)
        if entry is None:
            raise KeyError(entry_id)
        return entry

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self.gazetteer.rows)

    def __len__(self) -> int:
        return len(self.gazetteer.rows)


def entry_row(entry: Entry) -> tuple:
    """An entry as a tuple of plain values (fast to pickle and unpickle)."""
    place = entry.place
    return (entry.id, entry.kind.value, entry.source.value, entry.name_fa, entry.aliases,
            entry.name_en, None if place is None else (
                place.entry_id, place.name_fa, place.name_en, place.kind, place.lat, place.lon,
                place.admin1_fa, place.admin1_en, place.country, place.population),
            entry.country, entry.rank, entry.inter)


def row_entry(row: tuple) -> Entry:
    place = None if row[6] is None else Place(*row[6])
    return Entry(row[0], EntityKind(row[1]), EntitySource(row[2]), row[3], row[4], row[5],
                 place, row[7], row[8], row[9])


class _Rows:
    """Reads a CSV/TSV table, checks its header and collects ``file:line: problem`` errors."""

    def __init__(self, path: Path, columns: tuple[str, ...], text: str, delimiter: str = ","):
        self.name = path.name
        self.errors: list[str] = []
        self.reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = tuple(self.reader.fieldnames or ())
        missing = [c for c in columns if c not in header]
        if missing:
            raise GazetteerError(f"{self.name}:1: missing columns {', '.join(missing)} "
                                 f"(expected: {','.join(columns)})")

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        for row in self.reader:
            if None in row or any(v is None for v in row.values()):
                self.error(self.reader.line_num, "wrong number of fields")
                continue
            if row.get("id", "").startswith("#"):  # commented-out row
                continue
            yield self.reader.line_num, {k: v.strip() for k, v in row.items()}

    def error(self, line: int, problem: str) -> None:
        self.errors.append(f"{self.name}:{line}: {problem}")
        if len(self.errors) >= MAX_ERRORS:
            self.finish()

    def finish(self) -> None:
        if self.errors:
            more = "" if len(self.errors) < MAX_ERRORS else "\n(stopped at the first errors)"
            raise GazetteerError("\n".join(self.errors) + more)


def _number(rows: _Rows, line: int, row: dict[str, str], column: str, low: float,
            high: float) -> float | None:
    value = row.get(column, "")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        rows.error(line, f"{column} '{value}' is not a number")
        return None
    if not low <= number <= high:
        rows.error(line, f"{column} '{value}' out of range")
        return None
    return number


def _coordinates(rows: _Rows, line: int, row: dict[str, str]) -> tuple[float | None, float | None]:
    lat = _number(rows, line, row, "lat", -90, 90)
    lon = _number(rows, line, row, "lon", -180, 180)
    if (lat is None) != (lon is None) and not rows.errors:
        rows.error(line, "lat and lon must both be given or both be empty")
    return lat, lon


def _country(rows: _Rows, line: int, row: dict[str, str]) -> str | None:
    country = row.get("country", "")
    if country and not _ISO3.match(country):
        rows.error(line, f"country '{country}' is not an ISO 3166-1 alpha-3 code")
        return None
    return country or None


def _names(rows: _Rows, line: int, row: dict[str, str]) -> tuple[str, ...]:
    name = row["name_fa"]
    if not name:
        rows.error(line, "name_fa is empty")
        return ()
    aliases = [a.strip() for a in row.get("aliases_fa", row.get("aliases", "")).split("|")]
    return tuple(dict.fromkeys([name, *(a for a in aliases if a)]))


def _check_ids(rows: _Rows, seen: set[str], line: int, entry_id: str) -> bool:
    if not entry_id:
        rows.error(line, "id is empty")
        return False
    if entry_id in seen:
        rows.error(line, f"duplicate id '{entry_id}'")
        return False
    seen.add(entry_id)
    return True


def parse_places(text: str, path: Path = PLACES) -> list[Entry]:
    """Rows of ``places.tsv.gz`` (built by scripts/build_gazetteer.py)."""
    rows = _Rows(path, PLACE_COLUMNS, text, delimiter="\t")
    entries: list[Entry] = []
    seen: set[str] = set()
    for line, row in rows:
        if not _check_ids(rows, seen, line, row["id"]):
            continue
        if row["kind"] not in PLACE_KINDS:
            rows.error(line, f"kind '{row['kind']}' unknown (expected: {', '.join(sorted(PLACE_KINDS))})")
            continue
        lat, lon = _coordinates(rows, line, row)
        names = _names(rows, line, row)
        country = row["country"] or None  # regions have none; ISO2 leftovers are tolerated
        place = Place(row["id"], row["name_fa"], row["name_en"] or None, row["kind"], lat, lon,
                      row["admin1_fa"] or None, row["admin1_en"] or None, country,
                      int(row["population"]) if row["population"].isdigit() else None)
        entries.append(Entry(row["id"], EntityKind.PLACE, EntitySource.GAZETTEER, row["name_fa"],
                             names, row["name_en"] or None, place, country,
                             int(row["rank"] or 0)))
    rows.finish()
    return entries


def parse_overrides(text: str, path: Path = OVERRIDES) -> list[Entry]:
    """Hand-made places that fix known gaps; each row names its source."""
    rows = _Rows(path, OVERRIDE_COLUMNS, text)
    entries: list[Entry] = []
    seen: set[str] = set()
    for line, row in rows:
        if not _check_ids(rows, seen, line, row["id"]):
            continue
        if row["kind"] not in PLACE_KINDS:
            rows.error(line, f"kind '{row['kind']}' unknown (expected: {', '.join(sorted(PLACE_KINDS))})")
            continue
        if not row["source"]:
            rows.error(line, "source is empty: every override names where it comes from")
        lat, lon = _coordinates(rows, line, row)
        country = _country(rows, line, row)
        names = _names(rows, line, row)
        population = row["population"]
        if population and not population.isdigit():
            rows.error(line, f"population '{population}' is not a whole number")
            population = ""
        place = Place(row["id"], row["name_fa"], row["name_en"] or None, row["kind"], lat, lon,
                      row["admin1_fa"] or None, row["admin1_en"] or None, country,
                      int(population) if population else None)
        entries.append(Entry(row["id"], EntityKind.PLACE, EntitySource.GAZETTEER, row["name_fa"],
                             names, row["name_en"] or None, place, country, OVERRIDE_RANK))
    rows.finish()
    return entries


def parse_facilities(text: str, path: Path = FACILITIES) -> list[Entry]:
    """Bases, airports, camps, fields: places with a name that is not a town's."""
    rows = _Rows(path, FACILITY_COLUMNS, text)
    entries: list[Entry] = []
    seen: set[str] = set()
    for line, row in rows:
        if not _check_ids(rows, seen, line, row["id"]):
            continue
        if not row["kind"]:
            rows.error(line, "kind is empty")
        lat, lon = _coordinates(rows, line, row)
        country = _country(rows, line, row)
        names = _names(rows, line, row)
        if not names:
            continue
        place = Place(row["id"], row["name_fa"], row["name_en"] or None, row["kind"] or "facility",
                      lat, lon, row["admin1_fa"] or None, row["admin1_en"] or None, country)
        entries.append(Entry(row["id"], EntityKind.FACILITY, EntitySource.FACILITY_TABLE,
                             row["name_fa"], names, row["name_en"] or None, place, country,
                             FACILITY_RANK))
    rows.finish()
    return entries


def parse_actors(text: str, path: Path = ACTORS) -> list[Entry]:
    """Armed groups, state forces, governments, outlets … with their ACLED inter code."""
    rows = _Rows(path, ACTOR_COLUMNS, text)
    entries: list[Entry] = []
    seen: set[str] = set()
    for line, row in rows:
        if not _check_ids(rows, seen, line, row["id"]):
            continue
        kind = ACTOR_KINDS.get(row["kind"])
        if kind is None:
            rows.error(line, f"kind '{row['kind']}' unknown (expected: {', '.join(ACTOR_KINDS)})")
            continue
        inter = row["inter"]
        if inter and not (inter.isdigit() and 1 <= int(inter) <= 8):
            rows.error(line, f"inter '{inter}' out of range (expected 1-8 or empty)")
            inter = ""
        country = _country(rows, line, row)
        names = _names(rows, line, row)
        if not names:
            continue
        entries.append(Entry(row["id"], kind, EntitySource.ACTOR_TABLE, row["name_fa"], names,
                             row["name_en"] or None, None, country, OVERRIDE_RANK,
                             int(inter) if inter else None))
    rows.finish()
    return entries


def parse_common(text: str, path: Path = COMMON_NAMES) -> dict[str, str]:
    """``key<TAB>decision<TAB>hits`` lines; ``#`` lines are comments."""
    common: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#") or line.startswith("key\t"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or fields[1] not in COMMON_DECISIONS:
            raise GazetteerError(f"{path.name}:{number}: expected 'key<TAB>decision<TAB>hits' "
                                 f"with decision one of {', '.join(COMMON_DECISIONS)}")
        common[fields[0]] = fields[1]
    return common


def read_text(path: Path) -> str:
    """A UTF-8 table, gunzipped when it ends in .gz; errors name the file."""
    try:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise GazetteerError(f"{path}: cannot read: {exc}") from exc


# «نیروهای آمریکایی», «جنگنده\u200cهای روسیه», «ارتش ترکیه»: a force noun and a country (or its
# adjective) name that country's military, unless the actor table knows the phrase.
FORCE_NOUNS = ("نیروهای", "نیروی", "نظامیان", "سربازان", "جنگنده\u200cهای", "جنگنده",
               "هواپیماهای", "بالگردهای", "پهپادهای", "پهپاد", "ناوهای", "ارتش",
               "تفنگداران", "کماندوهای", "یگان\u200cهای", "نیروهای نظامی", "نیروهای ویژه")
DEMONYMS = {
    "USA": ("آمریکایی", "امریکایی", "آمریکا", "امریکا"),
    "RUS": ("روس", "روسی", "روسیه"),
    "TUR": ("ترک", "ترکیه", "ترکیه\u200cای"),
    "ISR": ("اسرائیلی", "اسرائیل", "صهیونیستی", "صهیونیست", "رژیم صهیونیستی"),
    "SAU": ("سعودی", "عربستان", "عربستان سعودی"),
    "IRQ": ("عراقی", "عراق"),
    "SYR": ("سوری", "سوریه"),
    "IRN": ("ایرانی", "ایران"),
    "AFG": ("افغان", "افغانستان"),
    "YEM": ("یمنی", "یمن"),
    "GBR": ("انگلیسی", "انگلیس", "بریتانیا", "بریتانیایی"),
    "FRA": ("فرانسوی", "فرانسه"),
    "ARE": ("اماراتی", "امارات"),
    "PAK": ("پاکستانی", "پاکستان"),
    "LBN": ("لبنانی", "لبنان"),
    "EGY": ("مصری", "مصر"),
    "JOR": ("اردنی", "اردن"),
    "DEU": ("آلمانی", "آلمان"),
}
FORCE_RANK = 9  # below the actor table (10): «ارتش آمریکا» there wins


def force_entries(countries: dict[str, Entry]) -> list[Entry]:
    """One state-force entry per DEMONYMS country, named by every force noun + demonym."""
    entries = []
    for iso3, names in DEMONYMS.items():
        country = countries.get(f"country:{iso3}")
        name_en = country.name_en if country and country.name_en else iso3
        aliases = tuple(f"{noun} {name}" for name in names for noun in FORCE_NOUNS)
        entries.append(Entry(f"forces:{iso3}", EntityKind.STATE_FORCE, EntitySource.GAZETTEER,
                             aliases[0], aliases, f"Military Forces of {name_en}", None, iso3,
                             FORCE_RANK))
    return entries


def load_entries(places: Path = PLACES, overrides: Path = OVERRIDES,
                 facilities: Path | None = FACILITIES, actors: Path | None = ACTORS
                 ) -> list[Entry]:
    """Every entry of the given tables; an absent facility or actor table is skipped."""
    entries = parse_overrides(read_text(overrides), overrides)
    # an override with a places id replaces that entry, names and all
    replaced = {entry.id for entry in entries}
    entries += [e for e in parse_places(read_text(places), places) if e.id not in replaced]
    for path, parse in ((facilities, parse_facilities), (actors, parse_actors)):
        if path is None:
            continue
        if not path.exists():
            log.warning("%s is missing: its entities will not be found", path)
            continue
        entries += parse(read_text(path), path)
    entries += force_entries({e.id: e for e in entries if e.id.startswith("country:")})
    return entries


def shipped_gazetteer() -> Gazetteer:
    """The shipped gazetteer the matcher uses: from the cache when it is current (fast)."""
    from rokhdad.entities.match import shipped_matcher  # the cache lives with the automaton

    return shipped_matcher().gazetteer


@functools.cache
def load_gazetteer() -> Gazetteer:
    """The shipped gazetteer, read and validated (once per process)."""
    return Gazetteer.from_entries(load_entries(),
                                  parse_common(read_text(COMMON_NAMES), COMMON_NAMES))
