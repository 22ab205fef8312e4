"""Longest-match tagging of table names over the normalised text: find, choose, then read.

``find_candidates`` returns every whole-word table name (Aho-Corasick), ``choose_mentions``
keeps the longest non-overlapping ones and ``read_mentions`` decides by context what each
names (a province or a news agency, a country or its army). Offsets stay normalised here.
"""

from __future__ import annotations

import bisect

import functools
import hashlib
import importlib.metadata
import itertools
import logging
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from rokhdad.entities.gazetteer import Entry, Gazetteer, OVERRIDE_RANK
from rokhdad.model import EntityKind, EntitySource
from rokhdad.text import chars

log = logging.getLogger(__name__)

# Working copy for matching: every non-letter (space, ZWNJ, punctuation, digit) becomes one
# space, so "حزب\u200cالله" and "حزب الله" look alike and a key " name " only matches whole
# words; ئ becomes ی (اسرائیل / اسراییل). All replacements are one-to-one: offsets into
# it are offsets into the normalised text.
_NOT_LETTER = re.compile(r"[^\w ]|[\d_]")  # spaces are already spaces: fewer replacements
_MARKS = re.compile(f"[{chars.DELETED_CLASS}]")
MAX_JOIN_VARIANTS = 3  # up to 3 separators: every spaced/joined mix (8 keys); more: 2 keys
ARABIC_COUNTRIES = frozenset(
    "IRQ SYR LBN YEM JOR SAU KWT BHR QAT ARE OMN EGY PSE LBY SDN TUN DZA MAR".split())
# A common-word place name counts only right after a cue: "strong" names (frequent words)
# only after a place noun ("شهر بلد"), "context" names also after در/به/از ("در بلد").
STRONG_CONTEXT_WORDS = frozenset(
    "شهر شهرهای شهرک روستای روستا روستاهای قریه استان استانهای ولایت ایالت پایگاه "
    "منطقه مناطق شهرستان بخش حومه اطراف نزدیکی حوالی".split())
CONTEXT_WORDS = STRONG_CONTEXT_WORDS | {"در", "به", "از", "تا"}
CONTEXT_LEVELS = {"context": 1, "strong": 2}  # common_names.tsv decision -> level
PREPOSITIONS = frozenset("در به از با بر علیه برای تا نزد سوی جانب".split())


def normalize_name(name: str) -> str:
    """A table name as a match key: letters as ``normalize`` leaves them, one space between words.

    >>> normalize_name("حزب\u200cالله") == normalize_name("حزب  الله") == "حزب الله"
    True
    """
    return " ".join(build_key_text(_MARKS.sub("", name.translate(chars.ONE_TO_ONE))).split())


def build_key_text(normalized_text: str) -> str:
    """The matching copy of a normalised text (same length, same offsets)."""
    return _NOT_LETTER.sub(" ", normalized_text).replace("\u0626", "\u06cc")


def alias_keys(name: str, *, arabic: bool = False) -> dict[str, bool]:
    """Match keys for one name: ``{key: derived}``; derived keys change letters, not spacing.

    Spacing variants ("حزب الله", "حزبالله") come for every name; an Arab toponym also
    gets its form with or without the article ("الحسکه"/"حسکه"); an initial آ also
    matches as ا ("آمریکا"/"امریکا").
    """
    base = normalize_name(name)
    if not base:
        return {}
    keys: dict[str, bool] = {}
    for spelled, derived in _letter_variants(base, arabic):
        words = spelled.split(" ")
        if len(words) - 1 <= MAX_JOIN_VARIANTS:
            for joins in itertools.product((" ", ""), repeat=len(words) - 1):
                key = words[0] + "".join(j + w for j, w in zip(joins, words[1:]))
                keys.setdefault(key, derived)
        else:
            keys.setdefault(spelled, derived)
            keys.setdefault(spelled.replace(" ", ""), derived)
    return keys


def _letter_variants(base: str, arabic: bool) -> Iterator[tuple[str, bool]]:
    yield base, False
    forms = [base]
    if arabic:
        if base.startswith("ال") and len(base.split(" ")[0]) >= 5:
            forms.append(base[2:])
        elif not base.startswith("ال"):
            forms.append("ال" + base)
    for form in forms:
        derived = form is not base
        if derived:
            yield form, True
        # آ and ا are one letter written two ways: not a derived spelling
        if "آ" in form:
            yield form.replace("آ", "ا"), derived
        elif form.startswith("ا") and not form.startswith("ال") and len(form) >= 4:
            yield "آ" + form[1:], derived


@dataclass(frozen=True, slots=True)
class Candidate:
    """A whole-word table name at ``[start, end)`` of the normalised text."""

    start: int
    end: int
    key: str
    entries: tuple[int, ...]       # indices into Gazetteer.entries
    context: tuple[int, ...] = ()  # per entry: 0 free, 1/2 a common word needing a cue


@dataclass(frozen=True, slots=True)
class Reading:
    """What a chosen mention names, with the entries that fit that reading."""

    start: int
    end: int
    kind: EntityKind
    source: EntitySource
    entries: tuple[Entry, ...]     # actors: best first; places/facilities: geocoding candidates
    reason: str
    name_en: str | None = None


class Matcher:
    """An Aho-Corasick automaton over every key of every entry of a gazetteer."""

    # not a dataclass: __init__ compiles the automaton

    def __init__(self, gazetteer: Gazetteer, automaton: ahocorasick.Automaton | None = None,
                 payloads: list[tuple] | None = None):
        self.gazetteer = gazetteer
        if automaton is None or payloads is None:
            automaton, payloads = compile_automaton(gazetteer)
        self.automaton = automaton
        self.payloads = payloads       # automaton value -> (len(key), key, entries, levels)
        self._forces: dict[str, Entry] | None = None

    def force_of(self, country: str | None) -> Entry | None:
        """A country's military: the actor table's first state force for it, else ours."""
        if self._forces is None:
            forces: dict[str, tuple[int, int]] = {}
            for index, row in enumerate(self.gazetteer.rows):
                if row[1] == EntityKind.STATE_FORCE.value and row[7]:
                    table_first = 0 if row[2] == EntitySource.ACTOR_TABLE.value else 1
                    if (table_first, index) < forces.get(row[7], (2, 0)):
                        forces[row[7]] = (table_first, index)
            self._forces = {c: self.gazetteer.entry(i) for c, (_, i) in forces.items()}
        return self._forces.get(country or "")


def compile_automaton(gazetteer: Gazetteer) -> tuple[ahocorasick.Automaton, list[tuple]]:
    """Every match key of every entry, with the entries it names and their context level.

    Keys of hand-made places (overrides) are theirs alone: other places lose them.
    """
    table: dict[str, dict[int, int]] = {}
    claimed: set[str] = set()
    common = gazetteer.common
    for index in range(len(gazetteer)):
        entry = gazetteer.entry(index)
        is_place = entry.kind is EntityKind.PLACE
        hand_made = entry.rank >= OVERRIDE_RANK
        arabic = is_place and entry.country in ARABIC_COUNTRIES
        for alias in entry.aliases:
            for key in alias_keys(alias, arabic=arabic):
                decision = common.get(key) if is_place and not hand_made else None
                if decision == "drop":
                    continue
                level = CONTEXT_LEVELS.get(decision, 0)
                found = table.setdefault(key, {})
                found[index] = min(level, found.get(index, level))
                if is_place and hand_made:
                    claimed.add(key)
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    payloads: list[tuple] = []
    for key, found in table.items():
        if key in claimed:
            found = {i: c for i, c in found.items()
                     if gazetteer.entry(i).kind is not EntityKind.PLACE
                     or gazetteer.entry(i).rank >= OVERRIDE_RANK}
        automaton.add_word(f" {key} ", len(payloads))
        payloads.append((len(key), key, tuple(found), tuple(found.values())))
    automaton.make_automaton()
    return automaton, payloads


def iter_key_matches(automaton: ahocorasick.Automaton, key_text: str) -> Iterator[tuple[int, str]]:
    """``(start, key)`` of every key in ``key_text``; keys are stored as ``" key "``."""
    for last, key in automaton.iter(f" {key_text} "):
        yield last - len(key) - 1, key


_SPACE_RUN = re.compile(" {2,}")


def _compact(key_text: str) -> tuple[str, list[int], list[int]]:
    """Runs of spaces to one (quotes and punctuation inside a name became spaces):
    the compact text, and parallel lists of (compact start, original start) per piece."""
    pieces, compact_starts, original_starts = [], [], []
    last = position = 0
    for m in _SPACE_RUN.finditer(key_text):
        pieces.append(key_text[last:m.start() + 1])
        compact_starts.append(position)
        original_starts.append(last)
        position += m.start() + 1 - last
        last = m.end()
    pieces.append(key_text[last:])
    compact_starts.append(position)
    original_starts.append(last)
    return "".join(pieces), compact_starts, original_starts


def find_candidates(key_text: str, matcher: Matcher) -> list[Candidate]:
    """Every whole-word table name in the matching copy, overlapping ones included.

    Names are matched with runs of spaces collapsed, so «پایگاه هوایی «بلد»» still
    matches "پایگاه هوایی بلد"; spans are mapped back to the uncollapsed copy.
    """
    found = []
    payloads = matcher.payloads
    compact, c_starts, o_starts = _compact(key_text) if "  " in key_text else (key_text, None, None)

    def original(index: int) -> int:
        if c_starts is None:
            return index
        piece = bisect.bisect_right(c_starts, index) - 1
        return o_starts[piece] + index - c_starts[piece]

    for last, value in matcher.automaton.iter(f" {compact} "):
        size, key, entries, context = payloads[value]
        start = last - size - 1  # padded " key " ends at `last`; undo the leading pad
        found.append(Candidate(original(start), original(start + size - 1) + 1, key, entries, context))
    return found


SUFFIXES = frozenset({"ها", "های", "ی", "ای", "هایی"})  # «استان\u200cهای» is one word split by ZWNJ


def previous_word(key_text: str, start: int) -> str:
    """The word before ``start`` in the matching copy ('' at the start).

    A plural or ezafe suffix written after a ZWNJ is joined back: «استان\u200cهای» -> "استانهای".
    """
    end = start
    while end > 0 and key_text[end - 1] == " ":
        end -= 1
    begin = key_text.rfind(" ", 0, end) + 1
    word = key_text[begin:end]
    if word in SUFFIXES and begin > 1:
        return previous_word(key_text, begin) + word
    return word


def apply_context(candidates: Iterable[Candidate], key_text: str) -> list[Candidate]:
    """Drop common-word place names («بلد», «میادین») that no cue word precedes."""
    kept = []
    for candidate in candidates:
        if not any(candidate.context):
            kept.append(candidate)
            continue
        if candidate.key in OUTLET_NAMES and _is_outlet(key_text, candidate.start, candidate.end):
            kept.append(candidate)  # «شبکه المیادین»: read_mentions makes it the outlet
            continue
        word = previous_word(key_text, candidate.start)
        level = 2 if word in STRONG_CONTEXT_WORDS else 1 if word in CONTEXT_WORDS else 0
        fits = [i for i, need in enumerate(candidate.context) if need <= level]
        if len(fits) == len(candidate.entries):
            kept.append(candidate)
        elif fits:
            kept.append(Candidate(candidate.start, candidate.end, candidate.key,
                                  tuple(candidate.entries[i] for i in fits), (0,) * len(fits)))
    return kept


def choose_mentions(candidates: Iterable[Candidate]) -> tuple[Candidate, ...]:
    """The longest non-overlapping candidates (leftmost first on ties), in text order."""
    taken: set[int] = set()
    kept: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.start - c.end, c.start)):
        span = range(candidate.start, candidate.end)
        if taken.isdisjoint(span):
            kept.append(candidate)
            taken.update(span)
    return tuple(sorted(kept, key=lambda c: c.start))


# --- the shipped matcher, cached between processes ----------------------------------

CACHE_VERSION = 1  # bump when the cached layout changes
CACHE_ENV = "ROKHDAD_CACHE_DIR"  # where the compiled matcher goes; "" disables the cache


def cache_path() -> Path | None:
    """The cache file, or None when caching is disabled."""
    configured = os.environ.get(CACHE_ENV)
    if configured == "":
        return None
    if configured:
        return Path(configured) / "matcher.pickle"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "rokhdad" / "matcher.pickle"


def fingerprint(paths: Iterable[Path]) -> str:
    """A hash of every table, of this code and of the automaton library.

    The cache is reused only when all of them are byte-identical, so an edited table
    or module never meets a stale automaton.
    """
    from rokhdad.entities import gazetteer as gazetteer_module

    try:
        library = importlib.metadata.version("pyahocorasick")
    except importlib.metadata.PackageNotFoundError:
        library = "unknown"
    digest = hashlib.sha256(f"{CACHE_VERSION} {library} {sys.version_info[:2]}".encode())
    for path in (Path(__file__), Path(gazetteer_module.__file__), *paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"\0absent")
    return digest.hexdigest()


def _read_cache(path: Path, key: str) -> Matcher | None:
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
        if stored.get("fingerprint") != key:
            return None
        gazetteer = Gazetteer(stored["rows"], stored["common"])
        return Matcher(gazetteer, stored["automaton"], stored["payloads"])
    except FileNotFoundError:
        return None
    except Exception as exc:  # a corrupt cache is rebuilt, never fatal
        log.info("ignoring unreadable matcher cache %s: %s", path, exc)
        return None


def _write_cache(path: Path, key: str, matcher: Matcher) -> None:
    stored = {"fingerprint": key, "rows": matcher.gazetteer.rows, "common": matcher.gazetteer.common,
              "automaton": matcher.automaton, "payloads": matcher.payloads}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as handle:
            pickle.dump(stored, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)  # atomic: a concurrent reader sees old or new
    except OSError as exc:
        log.warning("cannot write the matcher cache %s: %s", path, exc)


@functools.cache
def shipped_matcher() -> Matcher:
    """The matcher over the shipped tables: from the cache when it is current, else built."""
    from rokhdad.entities.gazetteer import TABLES, load_gazetteer

    path = cache_path()
    key = fingerprint(TABLES) if path else ""
    matcher = _read_cache(path, key) if path else None
    if matcher is None:
        matcher = Matcher(load_gazetteer())
        if path:
            _write_cache(path, key, matcher)
    return matcher


# --- reading: what a chosen mention names, by context -------------------------------

# Place names that are also news outlets: «به گزارش فارس», «شبکه المیادین».
OUTLET_NAMES = {
    "فارس": "Fars News Agency",
    "المیادین": "Al Mayadeen",
    "میادین": "Al Mayadeen",
    "الجزیره": "Al Jazeera",
    "العربیه": "Al Arabiya",
    "مهر": "Mehr News Agency",
    "المنار": "Al-Manar",
}
OUTLET_BEFORE = frozenset(
    "خبرگزاری شبکه تلویزیون روزنامه سایت خبرنگار گزارش نوشته خبری تلویزیونی رسانه".split())
OUTLET_AFTER = ("نیوز", "گزارش داد", "گزارش کرد", "گزارش می دهد", "نوشت", "اعلام کرد",
                "به نقل از", "افزود")
# «حمله آمریکا», «حملات هوایی ترکیه», «جنگنده\u200cهای روسیه»: the country is the attacker.
_ATTACKER_BEFORE = re.compile(
    r"(?:^| )(?:حمله|حملات|تجاوز|بمباران|جنگنده ?(?:ها|های)?|هواپیماهای|بالگردهای|"
    r"پهپادهای|پهپاد|موشک ?های|ارتش|نیروهای|نظامیان|سربازان|ائتلاف)"
    r"(?: (?:هوایی|موشکی|پهپادی|زمینی|نظامی|جنگی|توپخانه ای|تروریستی|مرگبار))? $")
# «آمریکا … به مواضع کتائب حزب\u200cالله حمله کرد»: an attack verb later in the same clause.
_ATTACK_VERB = re.compile(
    r"(?:حمله|حملات|بمباران|موشک ?باران|گلوله ?باران|هدف|ترور)"
    r"(?: (?:هوایی|موشکی|پهپادی|قرار|را))* (?:کرد|کردند|کرده|نمود|نمودند|داد|دادند|داده)(?: |$)")
_CLAUSE_STOP = re.compile(r"[.!?\u061f\n:]| که | گفت| اعلام| افزود| ادعا| مدعی| تاکید")
_CLAUSE_START = re.compile(r"[.!?\u061f\n:«»\"\u060c]| که ")
MAX_SUBJECT_WORDS = 3  # «روز گذشته آمریکا …»: at most this many words before the subject
ATTACK_VERB_WINDOW = 140  # chars: beyond that the verb belongs to another clause
NOT_SUBJECT_BEFORE = PREPOSITIONS | frozenset(
    "وزیر وزارت سفیر سفارت سخنگوی رئیس رییس دولت مقامات مقام کشور کشورهای و یا".split())
FACILITY_BEFORE = frozenset("پایگاه پایگاههای پایگاه های کمپ اردوگاه پادگان فرودگاه".split())


def _next_words(key_text: str, end: int, count: int) -> str:
    return " ".join(key_text[end : end + 60].split()[:count])


def _is_outlet(key_text: str, start: int, end: int) -> bool:
    before = previous_word(key_text, start)
    if before in OUTLET_BEFORE or key_text[max(0, start - 12) : start].split()[-2:] == ["نقل", "از"]:
        return True
    after = _next_words(key_text, end, 3)
    if before == "به" and after.startswith("گفت"):
        return True  # «به المیادین گفت»: told the channel
    return any(after.startswith(cue) for cue in OUTLET_AFTER)


def _is_attacker(text: str, key_text: str, start: int, end: int) -> bool:
    """A country named as who attacked: «حمله آمریکا» or «آمریکا … حمله کرد»."""
    if _ATTACKER_BEFORE.search(key_text[max(0, start - 40) : start]):
        return True
    if previous_word(key_text, start) in NOT_SUBJECT_BEFORE:
        return False
    clause = text[max(0, start - 80) : start]
    head = _CLAUSE_START.split(clause)[-1] if _CLAUSE_START.search(clause) or start <= 80 else None
    if head is None or len(head.split()) > MAX_SUBJECT_WORDS:
        return False
    rest = text[end : end + ATTACK_VERB_WINDOW]
    stop = _CLAUSE_STOP.search(rest)
    rest = build_key_text(rest[: stop.start()] if stop else rest)
    return _ATTACK_VERB.search(" ".join(rest.split())) is not None


def read_mentions(mentions: Iterable[Candidate], text: str, key_text: str,
                  matcher: Matcher) -> tuple[Reading, ...]:
    """Decide what each chosen mention names; place readings keep all their candidates.

    Args:
        mentions: from ``choose_mentions``.
        text: the normalised text; ``key_text`` its matching copy.
    """
    readings = []
    for mention in mentions:
        reading = _read(mention, text, key_text, matcher)
        if reading is not None:
            readings.append(reading)
    return tuple(readings)


def _read(mention: Candidate, text: str, key_text: str, matcher: Matcher) -> Reading | None:
    entries = [matcher.gazetteer.entry(i) for i in mention.entries]
    places = [e for e in entries if e.kind is EntityKind.PLACE]
    facilities = [e for e in entries if e.kind is EntityKind.FACILITY]
    actors = sorted((e for e in entries if e.kind not in (EntityKind.PLACE, EntityKind.FACILITY)),
                    key=lambda e: (e.source is not EntitySource.ACTOR_TABLE, -e.rank))
    start, end = mention.start, mention.end

    def reading(kind, found, reason, name_en=None, source=None) -> Reading:
        source = source or found[0].source
        return Reading(start, end, kind, source, tuple(found), reason,
                       name_en if name_en is not None else found[0].name_en)

    outlets = [e for e in actors if e.kind is EntityKind.OUTLET]
    if (outlets or mention.key in OUTLET_NAMES) and (places or facilities):
        if _is_outlet(key_text, start, end):
            if outlets:
                return reading(EntityKind.OUTLET, outlets, "outlet cue beside a place name")
            return Reading(start, end, EntityKind.OUTLET, EntitySource.GAZETTEER, (), 
                           "outlet cue beside a place name", OUTLET_NAMES[mention.key])
    countries = [e for e in places if e.place and e.place.kind == "country"]
    if countries and _is_attacker(text, key_text, start, end):
        forces = [e for e in actors if e.kind is EntityKind.STATE_FORCE]
        force = forces[0] if forces else matcher.force_of(countries[0].country)
        if force is not None:
            return reading(EntityKind.STATE_FORCE, [force], "country named as the attacker")
        country = countries[0]
        return reading(EntityKind.STATE_FORCE, [country], "country named as the attacker",
                       f"Military Forces of {country.name_en}")
    if actors and not (places or facilities):
        return reading(actors[0].kind, actors, f"{actors[0].source.value} entry")
    if facilities and (not places or previous_word(key_text, start) in FACILITY_BEFORE):
        return reading(EntityKind.FACILITY, facilities, "facility table")
    if places:
        return reading(EntityKind.PLACE, places, "gazetteer")
    if actors:
        return reading(actors[0].kind, actors, f"{actors[0].source.value} entry")
    return None
