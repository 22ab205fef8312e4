"""Build the compact places gazetteer shipped in ``src/rokhdad/data/gazetteer/``.

Reads ``shared/data/gazetteer-fa`` (places.csv, iran_divisions.csv, person_first_names.csv),
the ir-news-2020 corpus (word frequencies; eval/dev ids excluded) and the PEYMA/ARMAN NER
corpora (words tagged as ordinary words) and writes ``places.tsv.gz`` and
``common_names.tsv``. Run: ``python scripts/build_gazetteer.py [--shared ../shared]``;
the output is byte-identical for identical input. Needs ``pycountry`` (ISO 3166 alpha-2
to alpha-3) at build time only.
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import io
import json
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from rokhdad.entities.match import alias_keys, build_key_text, iter_key_matches, normalize_name
from rokhdad.text.normalize import normalize

log = logging.getLogger("build_gazetteer")

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "rokhdad" / "data" / "gazetteer"

# Populated places are kept in full only for the region the news is about.
ARABIC_COUNTRIES = frozenset("IQ SY LB YE JO SA KW BH QA AE OM EG PS IL LY SD TN DZ MA".split())
PERSIAN_COUNTRIES = frozenset("IR AF TJ".split())  # a letter-neutral name there is Persian
FOCUS = frozenset("IR IQ SY AF LB YE IL PS JO SA TR KW BH QA AE OM PK AZ AM TM EG TJ UZ".split())
WORLD_MIN_POPULATION = 300_000  # outside FOCUS only cities foreign news mentions by name
QUALITY_RANK = {  # README order, best first; override rows (rank 10) beat all of these
    "cldr": 9, "iso-codes": 8, "dr5hn-fa-verified": 7, "geonames-alt-fa-letters": 6,
    "dr5hn-fa": 5, "native-ar-persianized": 4, "native-persianized": 4,
    "geonames-alt-neutral": 3, "geonames-alt-ar-persianized": 2, "dr5hn-fa-unverified": 1,
}
TRUSTED_RANK = 4  # native-persianized and better: a Persian or Arabic spelling a person checked
# Letters of Urdu, Pashto, Sindhi, Kurdish, Uyghur: names with them are not Persian spellings.
FOREIGN_LETTERS = re.compile(
    "[\u0679-\u067d\u067f-\u0685\u0687-\u0697\u0699-\u06a8\u06aa-\u06ae\u06b0-\u06cb"
    "\u06cd-\u06d5\u0762-\u077f]")  # every Arabic-block letter except پ چ ژ ک گ ی
ALLOWED_NAME = re.compile(r"^[\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u0622 \u200c\-]+$")
CONFLICT_MARGIN = 3  # verified (7) beats neutral (3): the neutral holder loses the name
SAME_ID_KM = 50  # rows of one source id further apart than this are two places
MIN_VOTES, MIN_AGREEMENT = 2, 0.6  # a code pair seen once, or disputed, is not learned
CAPITAL_KM = 30  # a town named like its province and this close to it is its capital
MERGE_KM = 15  # two sources' points for one town are within a few km; neighbours are further
COMMON_CONTEXT = 10   # corpus hits from which a minor place name needs a context word
COMMON_STRONG = 50    # corpus hits from which «در/به/از» are not context enough
COMMON_DROP = 150     # corpus hits from which an untrusted or minor name is dropped outright
TAGGED_PLAIN = 3  # times tagged O in PEYMA/ARMAN from which a word is an ordinary word ...
LOC_RATIO = 4     # ... unless it is tagged LOC at least a quarter as often
GIVEN_NAME_TOWN = 20_000  # only villages that share a given name need a cue
COMMON_NEVER = 1000   # corpus hits of a function word («دو», «خبر»): no place owns it
PROMINENT_POPULATION_FOCUS = 500_000
# Words that name a place (Lebanon's North governorate, Mali, Dushanbe) but in news are
# mostly the word: a direction, "financial", "Monday", a surname. Only after شهر/استان/کشور.
GENERIC_WORDS = frozenset(
    "شمال جنوب شرق غرب مرکز شمالی جنوبی شرقی غربی مرکزی میانه میدان مالی چک دوشنبه "
    "احمدی اسماعیلی صالح مردان سینه اندیشه امان جهان میادین".split())  # میادین: "fields"
# CLDR "regions" that are organisations or not places at all.
NOT_PLACES = frozenset({"cldr:001", "cldr:EU", "cldr:EZ", "cldr:UN", "cldr:QO"})
IMPORTANT_POPULATION_FOCUS = 100_000
IMPORTANT_POPULATION_WORLD = 1_000_000


@dataclass
class Place:
    id: str
    kind: str
    cc: str
    lat: float | None
    lon: float | None
    population: int | None
    name_en: str
    admin_code: str  # as in the source: "SY-DY" for admin1 rows, "DY" or "07" for towns
    source: str
    aliases: dict[str, int] = field(default_factory=dict)  # normalised alias -> quality rank
    admin1: "Place | None" = None

    @property
    def rank(self) -> int:
        return max(self.aliases.values(), default=0)

    def best_name(self, hits: collections.Counter | None = None) -> str:
        """The display name: the spelling the news uses most, else the best-quality one."""
        def score(alias: str) -> tuple[int, int, int]:
            used = hits[normalize_name(alias)] if hits else 0
            return (used, self.aliases[alias], -len(alias))
        return max(self.aliases, key=score)


def km(a: Place, b: Place) -> float:
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return math.inf
    dlat = math.radians(b.lat - a.lat)
    dlon = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    return 6371 * math.hypot(dlat, dlon)


def iso3_table() -> dict[str, str]:
    import pycountry  # build-time only

    table = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    table["XK"] = "XKX"  # Kosovo: user-assigned code, as ACLED uses
    return table


def clean_alias(name: str) -> str | None:
    """A source name as the matcher will see it, or None when it is no Persian spelling."""
    if not name or FOREIGN_LETTERS.search(name) or "\u060c" in name or "," in name:
        return None
    text = normalize(name, repair_zwnj=False).text.strip()
    if not ALLOWED_NAME.match(text) or len(text.replace(" ", "")) < 2:
        return None
    return text


def read_places(path: Path, iso3: dict[str, str]) -> list[Place]:
    places: dict[str, Place] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            alias = clean_alias(row["name_fa"])
            if alias is None:
                continue
            lat = float(row["lat"]) if row["lat"] else None
            lon = float(row["lon"]) if row["lon"] else None
            # One wikidata id can name a governorate and its capital (Q2471: Sanaa), and
            # a few dr5hn rows reuse another town's id: split by kind and by distance.
            key = (row["entity_id"], row["kind"])
            place = places.get(key)
            suffix = 0
            while place is not None and km(place, Place("", "", "", lat, lon, None, "", "", "")) > SAME_ID_KM:
                suffix += 1
                key = (row["entity_id"], row["kind"], suffix)
                place = places.get(key)
            if place is None:
                kind = row["kind"]
                place = Place(
                    id=row["entity_id"], kind=kind, cc=row["country"], lat=lat, lon=lon,
                    population=int(row["population"]) if row["population"] else None,
                    name_en=row["name_en"], admin_code=row["admin1"], source=row["source"])
                if kind == "country":
                    place.id = "country:" + iso3.get(row["country"], row["country"])
                elif (row["entity_id"], other_kind(kind)) in places or suffix:
                    place.id = f"{place.id}:{kind}" + (f":{suffix}" if suffix else "")
                places[key] = place
            rank = QUALITY_RANK[row["quality"]]
            place.aliases[alias] = max(rank, place.aliases.get(alias, 0))
    return list(places.values())


def other_kind(kind: str) -> str:
    return "admin1" if kind == "populated_place" else "populated_place"


def drop_conflicting_aliases(places: list[Place]) -> None:
    """A name held well by one place and poorly by another of its country is the first's.

    GeoNames alternate names carry errors («ادلب» among Homs' names); a name that another
    place of the same country holds with a quality MARGIN better is removed.
    """
    best: dict[tuple[str, str], int] = {}
    for p in places:
        for alias, rank in p.aliases.items():
            key = (p.cc, alias)
            best[key] = max(best.get(key, 0), rank)
    dropped = 0
    for p in places:
        for alias, rank in list(p.aliases.items()):
            if best[(p.cc, alias)] - rank >= CONFLICT_MARGIN and len(p.aliases) > 1:
                del p.aliases[alias]
                dropped += 1
    log.info("dropped %d aliases that a better-named place of the country holds", dropped)


def learn_geonames_admin1(places: list[Place]) -> dict[tuple[str, str], str]:
    """GeoNames admin1 codes ("07") to ISO 3166-2 ("SY-DY") by pairing towns both sources hold.

    A GeoNames town and a dr5hn town of one country sharing a name within MERGE_KM vote
    for the code pair; the majority wins.
    """
    dr5hn = collections.defaultdict(list)
    for p in places:
        if p.kind == "populated_place" and p.id.startswith("wikidata:") and p.admin_code:
            for alias in p.aliases:
                dr5hn[(p.cc, alias)].append(p)
    votes: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    for p in places:
        if p.kind != "populated_place" or not p.id.startswith("geonames:") or not p.admin_code:
            continue
        for alias in p.aliases:
            for other in dr5hn.get((p.cc, alias), ()):
                if km(p, other) < MERGE_KM:
                    votes[(p.cc, p.admin_code)][f"{p.cc}-{other.admin_code}"] += 1
    learned = {}
    for key, counter in votes.items():
        (code, best), total = counter.most_common(1)[0], sum(counter.values())
        if best >= MIN_VOTES and best / total >= MIN_AGREEMENT:
            learned[key] = code
    return learned


def assign_admin1(places: list[Place]) -> None:
    admin1 = {p.admin_code: p for p in places if p.kind == "admin1" and p.admin_code}
    learned = learn_geonames_admin1(places)
    labelled: dict[str, list[Place]] = collections.defaultdict(list)
    unresolved = []
    named: dict[tuple[str, str], Place] = {}
    for p in admin1.values():
        for alias in p.aliases:
            named[(p.cc, fold(alias))] = p
    for p in places:
        if p.kind == "admin1":
            p.admin1 = p
        elif p.kind == "populated_place":
            same = [named[(p.cc, fold(a))] for a in p.aliases if (p.cc, fold(a)) in named]
            capital = [a for a in same if km(p, a) < CAPITAL_KM]
            code = (learned.get((p.cc, p.admin_code)) if p.id.startswith("geonames:")
                    else f"{p.cc}-{p.admin_code}")
            p.admin1 = capital[0] if capital else admin1.get(code or "")
            (labelled[p.cc].append(p) if p.admin1 else unresolved.append(p))
    # The rest take the admin1 of the nearest labelled town of their country.
    for p in unresolved:
        near = min(labelled.get(p.cc, ()), key=lambda o: km(p, o), default=None)
        if near is not None and km(p, near) < 60:
            p.admin1 = near.admin1
    log.info("admin1: %d GeoNames codes learned; %d towns by nearest neighbour, %d without",
             len(learned), sum(p.admin1 is not None for p in unresolved),
             sum(p.admin1 is None for p in unresolved))


def fold(alias: str) -> str:
    """The source's match_key rules: one spelling for spellings of one name."""
    return re.sub("[ \u200c\u0621-]", "", alias.replace("آ", "ا").replace("ئ", "ی"))


def merge_towns(places: list[Place]) -> list[Place]:
    """One record per town: GeoNames and dr5hn rows sharing a name within MERGE_KM."""
    by_name: dict[tuple[str, str], list[Place]] = collections.defaultdict(list)
    towns = [p for p in places if p.kind == "populated_place"]
    for p in towns:
        for alias in p.aliases:
            by_name[(p.cc, fold(alias))].append(p)
    parent = {id(p): p for p in towns}

    def root(p: Place) -> Place:
        while parent[id(p)] is not p:
            p = parent[id(p)]
        return p

    for group in by_name.values():
        for a in group:
            for b in group:
                if a is not b and km(a, b) < MERGE_KM:
                    ra, rb = root(a), root(b)
                    if ra is not rb:
                        # keep the GeoNames id and coordinates: cities500 points are town centres
                        keep, gone = (ra, rb) if ra.id.startswith("geonames:") else (rb, ra)
                        parent[id(gone)] = keep
    merged = []
    for p in places:
        if p.kind != "populated_place" or root(p) is p:
            merged.append(p)
            continue
        keep = root(p)
        for alias, rank in p.aliases.items():
            keep.aliases[alias] = max(rank, keep.aliases.get(alias, 0))
        keep.population = keep.population or p.population
        keep.admin1 = keep.admin1 or p.admin1
    return merged


def keep_place(p: Place) -> bool:
    if p.id in NOT_PLACES:
        return False
    if p.kind in ("country", "region"):
        return True
    if p.kind == "admin1":
        return p.lat is not None
    if p.cc in FOCUS:
        return True
    return (p.population or 0) >= WORLD_MIN_POPULATION and p.rank >= 2


def drop_weak_aliases(p: Place) -> None:
    """Unverified machine translations go unless nothing better names the place."""
    if any(rank > 1 for rank in p.aliases.values()):
        for alias in [a for a, r in p.aliases.items() if r <= 1]:
            del p.aliases[alias]


def trusted(p: Place, rank: int) -> bool:
    """A name a reader of the region would write: checked, or native to the country."""
    if rank >= TRUSTED_RANK:
        return True
    if rank == QUALITY_RANK["geonames-alt-neutral"]:
        return p.cc in ARABIC_COUNTRIES or p.cc in PERSIAN_COUNTRIES
    if rank == QUALITY_RANK["geonames-alt-ar-persianized"]:
        return p.cc in ARABIC_COUNTRIES or (p.population or 0) >= IMPORTANT_POPULATION_WORLD
    return False


def important(p: Place) -> bool:
    if p.kind in ("country", "region"):
        return True
    if p.kind == "admin1":
        return p.cc in FOCUS and any(trusted(p, r) for r in p.aliases.values())
    limit = IMPORTANT_POPULATION_FOCUS if p.cc in FOCUS else IMPORTANT_POPULATION_WORLD
    return (p.population or 0) >= limit


def corpus_counts(corpus: Path, excluded: set[str], keys: set[str]) -> collections.Counter:
    """Whole-word hits of each alias key in the corpus (the measurement set excluded)."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for key in keys:
        automaton.add_word(f" {key} ", key)
    automaton.make_automaton()
    counts: collections.Counter = collections.Counter()
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["id"] in excluded:
                continue
            text = build_key_text(normalize(record["text"]).text)
            counts.update(key for _, key in iter_key_matches(automaton, text))
    return counts


def read_iran_counties(path: Path, places: list[Place]) -> list[Place]:
    """Iranian counties (شهرستان) with the province and, where a town shares the name, its point."""
    provinces = {p.best_name(): p for p in places if p.kind == "admin1" and p.cc == "IR"}
    provinces.update({alias: p for p in places if p.kind == "admin1" and p.cc == "IR"
                      for alias in p.aliases})
    towns = collections.defaultdict(list)
    for p in places:
        if p.kind == "populated_place" and p.cc == "IR":
            for alias in p.aliases:
                towns[alias].append(p)
    counties = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] != "county":
                continue
            name = clean_alias(row["name_fa"])
            province = provinces.get(clean_alias(row["province_fa"]) or "")
            if name is None or province is None:
                continue
            same = [t for t in towns.get(name, ()) if t.admin1 is province]
            town = max(same, key=lambda t: t.population or 0, default=None)
            county = Place(
                id=f"ir-county:{row['code']}", kind="admin2", cc="IR",
                lat=float(row["lat"]) if row["lat"] else (town.lat if town else None),
                lon=float(row["lon"]) if row["lon"] else (town.lon if town else None),
                population=None, name_en=town.name_en if town else "", admin_code="",
                source="django-iranian-cities 2.0.0 (GPL-3.0)", admin1=province)
            county.aliases["شهرستان " + name] = 7
            counties.append(county)
    return counties


def write_places(places: list[Place], iso3: dict[str, str], hits: collections.Counter,
                 path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(["id", "kind", "country", "lat", "lon", "population", "rank",
                     "admin1_fa", "admin1_en", "name_en", "name_fa", "aliases"])
    for p in sorted(places, key=lambda p: (p.kind, p.cc, p.id)):
        name = p.best_name(hits)
        writer.writerow([
            p.id, p.kind, iso3.get(p.cc, p.cc),
            "" if p.lat is None else f"{p.lat:.4f}", "" if p.lon is None else f"{p.lon:.4f}",
            p.population or "", p.rank,
            p.admin1.best_name(hits) if p.admin1 else "", p.admin1.name_en if p.admin1 else "",
            p.name_en, name, "|".join(sorted(a for a in p.aliases if a != name)),
        ])
    # mtime=0: the same input gives byte-identical output
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    source = args.shared / "data" / "gazetteer-fa"
    iso3 = iso3_table()

    places = read_places(source / "places.csv", iso3)
    log.info("read %d places", len(places))
    assign_admin1(places)
    places = merge_towns(places)
    # CLDR also names territories ISO 3166 lacks (AC, EA, IC …): no ISO3, no entry
    places = [p for p in places if keep_place(p) and (p.kind == "region" or p.cc in iso3)]
    for p in places:
        drop_weak_aliases(p)
    drop_conflicting_aliases(places)
    places += read_iran_counties(source / "iran_divisions.csv", places)
    log.info("kept %d places", len(places))

    excluded = {json.loads(line)["id"]
                for line in (args.shared / "eval" / "dev" / "articles.jsonl").open(encoding="utf-8")}
    keys = {key for p in places for alias in p.aliases
            for key in alias_keys(alias, arabic=p.cc in ARABIC_COUNTRIES)}
    counts = corpus_counts(args.shared / "data" / "ir-news-2020" / "articles.jsonl",
                           excluded, keys)
    common = decide_common(places, counts)
    ner = args.shared / "data"
    plain, located = tagged_word_counts([ner / "ner-peyma" / "peyma_300k.conll",
                                         ner / "ner-peyma" / "peyma_600k.conll",
                                         *sorted((ner / "ner-arman").glob("fold*.conll"))])
    names = given_names(source / "person_first_names.csv")
    log.info("%d more common names from NER-tagged corpora and given names",
             add_tagged_common(places, common, plain, located, names))
    log.info("%d common names outside the focus region need a place noun",
             foreign_words_need_noun(places, common, plain, located))
    write_common(common, counts, args.out / "common_names.tsv")
    # display names: the spelling news uses most, unless that spelling is a common word
    usage = collections.Counter({k: v for k, v in counts.items() if k not in common})
    write_places(places, iso3, usage, args.out / "places.tsv.gz")
    log.info("wrote %s (%d bytes)", args.out / "places.tsv.gz",
             (args.out / "places.tsv.gz").stat().st_size)


def prominent(p: Place) -> bool:
    """A place news names often enough that even a frequent word is it: «تهران», «ادلب»."""
    if p.kind in ("country", "region"):
        return True
    if p.kind == "admin1":
        return p.cc in FOCUS and p.rank >= QUALITY_RANK["dr5hn-fa-verified"]
    limit = PROMINENT_POPULATION_FOCUS if p.cc in FOCUS else IMPORTANT_POPULATION_WORLD
    return (p.population or 0) >= limit


def decide_common(places: list[Place], counts: collections.Counter) -> dict[str, str]:
    """Match keys that are frequent Persian words: "context", "strong" or "drop".

    "context": a place only after در/به/از/شهر/…; "strong": only after شهر/استان/روستای/…;
    "drop": never a place. The more often a key occurs in the corpus, the more prominent
    the place must be that names it freely (a country, a province of the region, a city
    of half a million); derived spellings («انبار» for «الانبار») never go free.
    """
    holders: dict[str, list[tuple[Place, int, bool]]] = collections.defaultdict(list)
    for p in places:
        for alias, rank in p.aliases.items():
            for key, derived in alias_keys(alias, arabic=p.cc in ARABIC_COUNTRIES).items():
                if counts[key] >= COMMON_CONTEXT:
                    holders[key].append((p, rank, derived))
    decisions: dict[str, str] = {}
    for key, held in holders.items():
        hits = counts[key]
        good = [p for p, rank, derived in held if not derived and trusted(p, rank) and important(p)]
        if key in GENERIC_WORDS:
            decisions[key] = "strong"
        elif good and (hits < COMMON_STRONG or any(prominent(p) for p in good)):
            continue
        elif good:
            decisions[key] = ("drop" if hits >= COMMON_NEVER else
                              "strong" if hits >= COMMON_DROP else "context")
        elif any(trusted(p, rank) and important(p) for p, rank, _ in held):
            decisions[key] = "strong"  # «انبار» for «الانبار»: only after «استان»/«شهر»/…
        elif hits >= COMMON_DROP or all(derived or not trusted(p, rank) for p, rank, derived in held):
            decisions[key] = "drop"
        else:
            decisions[key] = "strong" if hits >= COMMON_STRONG else "context"
    return decisions


def tagged_word_counts(paths: list[Path]) -> tuple[collections.Counter, collections.Counter]:
    """How often each word is tagged outside any entity (O) and inside a location (LOC).

    A place name the annotators of PEYMA/ARMAN tagged O again and again but never LOC is a
    common word («شکم», «ظهیر» the first name), whatever the news corpus says.
    """
    plain: collections.Counter = collections.Counter()
    located: collections.Counter = collections.Counter()
    for path in paths:
        if not path.exists():
            log.warning("%s is missing: tagged-word counts skip it", path)
            continue
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                word, _, tag = line.rstrip("\n").partition("\t")
                if not tag or line.startswith("#"):
                    continue
                key = normalize_name(word)
                if tag == "O":
                    plain[key] += 1
                elif tag.endswith("LOC"):
                    located[key] += 1
    return plain, located


def given_names(path: Path) -> set[str]:
    """Persian given names (person_first_names.csv): «ظهیر» names a man before a village."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {normalize_name(row["name_fa"]) for row in csv.DictReader(handle)}


def add_tagged_common(places: list[Place], decisions: dict[str, str],
                      plain: collections.Counter, located: collections.Counter,
                      names: set[str]) -> int:
    """One-word names of minor places that are ordinary words or given names need a cue."""
    added = 0
    for p in places:
        if prominent(p):
            continue
        for alias in p.aliases:
            for key in alias_keys(alias, arabic=p.cc in ARABIC_COUNTRIES):
                if " " in key or key in decisions:
                    continue
                word = plain[key] >= TAGGED_PLAIN and located[key] * LOC_RATIO < plain[key]
                small = (p.population or 0) < GIVEN_NAME_TOWN  # the list is noisy: «منبج»
                if word or (key in names and small):
                    decisions[key] = "strong" if plain[key] >= COMMON_STRONG else "context"
                    added += 1
    return added


def foreign_words_need_noun(places: list[Place], decisions: dict[str, str],
                            plain: collections.Counter, located: collections.Counter) -> int:
    """"در/به/از" is a weak cue: a "context" name that only places outside the focus region
    hold and that the NER corpora use as a word, never as a location (Irish «لوث» in
    "از لوث نیروهای ترکیه"), names a place only after a place noun ("strong")."""
    focus = {key for p in places if p.cc in FOCUS
             for alias in p.aliases for key in alias_keys(alias, arabic=p.cc in ARABIC_COUNTRIES)}
    changed = 0
    for key, decision in decisions.items():
        if decision == "context" and key not in focus and plain[key] and not located[key]:
            decisions[key] = "strong"
            changed += 1
    return changed


def write_common(decisions: dict[str, str], counts: collections.Counter, path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("# Place names that are frequent Persian words (ir-news-2020 hits, dev set\n"
                     "# excluded). context: a place only after در/به/از/شهر/روستای/استان/…;\n"
                     "# strong: only after شهر/روستای/استان/منطقه/…; drop: never a place\n"
                     "# (unless an override names it). Built by scripts/build_gazetteer.py.\n")
        handle.write("key\tdecision\thits\n")
        for key in sorted(decisions, key=lambda k: (decisions[k], -counts[k], k)):
            handle.write(f"{key}\t{decisions[key]}\t{counts[key]}\n")


if __name__ == "__main__":
    main()
