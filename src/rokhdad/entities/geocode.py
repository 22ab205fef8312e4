"""Resolve place and facility mentions to one gazetteer entry with ACLED geo-precision.

Context decides between same-named places: a country or province named right after
(«در دیرالزور سوریه»), a kind cue before («استان», «روستای»), the countries the rest of
the article names, then population and name quality. Each answer says why.
"""

from __future__ import annotations

import collections
import math
from collections.abc import Sequence
from dataclasses import dataclass

from rokhdad.entities.gazetteer import Entry, OVERRIDE_RANK
from rokhdad.entities.match import Reading, previous_word
from rokhdad.model import EntityKind, Place

# Previous word -> the place kinds it announces.
KIND_CUES = {
    **dict.fromkeys(("استان", "استانهای", "ولایت", "ایالت", "محافظه"), ("admin1", "admin2")),
    **dict.fromkeys(("شهر", "شهرهای", "شهرک", "بندر"), ("populated_place",)),
    **dict.fromkeys(("روستای", "روستا", "روستاهای", "قریه", "دهکده"), ("populated_place",)),
    **dict.fromkeys(("شهرستان", "قضا", "قضای", "منطقه"), ("admin2", "populated_place")),
    **dict.fromkeys(("کشور", "کشورهای"), ("country",)),
    **dict.fromkeys(("پایگاه", "فرودگاه", "پادگان", "اردوگاه", "کمپ"), ("facility",)),
}
# «در نزدیکی المیادین», «حومه دمشق»: near a town, ACLED precision 2.
NEAR_WORDS = frozenset("نزدیکی نزدیک حومه اطراف حوالی".split())
# Between a place and the country or province that qualifies it: «المیادین در استان دیرالزور».
# («سامرا در شمال بغداد» is a direction, not containment: not a qualifier)
QUALIFIER_GAP = frozenset({"", "در", "استان", "در استان", "واقع در", "ولایت", "در ولایت",
                           "کشور", "در کشور"})
FOCUS = frozenset("IRN IRQ SYR AFG LBN YEM ISR PSE JOR SAU TUR KWT BHR QAT ARE OMN PAK "
                  "AZE ARM TKM EGY TJK UZB".split())  # the region this news is about
KIND_PRIOR = {"country": 1.0, "region": 0.6, "admin1": 0.8, "admin2": 0.7, "facility": 1.2}
HOME = "IRN"        # where the news comes from
HOME_VOTE = 0.25    # ... so its mentions say little about where events are
COUNTRY_VOTE = 0.5  # a country name says less than a town in it
FULL_SUPPORT = 2.0  # weighted votes from which the article's countries count in full
NAMESAKE_POPULATION = 100_000  # a smaller town in a country the article never names is suspect
VILLAGE_WORDS = frozenset({"روستای", "روستا", "روستاهای", "قریه", "دهکده"})
VILLAGE_MAX_POPULATION = 50_000  # «روستای المحمودیه» is no town of 350,000 ...
PRECISION = {"populated_place": 1, "admin2": 2, "admin1": 3, "country": 3, "region": 3}
WEIGHTS = {  # score points; a qualifier outweighs everything else put together
    "qualifier": 4.0, "kind cue": 3.0, "article countries": 2.0, "population": 1.5,
    "hand-made": 1.0, "region": 0.5, "quality": 0.5, "no coordinates": -0.5,
    "GeoNames point": 0.2,  # a town centre; a dr5hn-only namesake is often a district
}


@dataclass(frozen=True, slots=True)
class Resolution:
    """The entry a place mention resolved to, why, and what else was considered."""

    entry: Entry | None
    place: Place | None
    precision: int | None
    reason: str
    candidates: tuple[str, ...]    # entry ids, best first
    confidence: float = 1.0


def _country_of(entry: Entry) -> str | None:
    return entry.place.country if entry.place else entry.country


def _qualifiers(readings: Sequence[Reading], index: int, text: str) -> list[Entry]:
    """Country/province entries named right after mention ``index`` («دیرالزور سوریه»)."""
    found: list[Entry] = []
    end = readings[index].end
    for following in readings[index + 1 : index + 3]:
        gap = " ".join(text[end : following.start].replace("\u060c", " ").split())
        if gap not in QUALIFIER_GAP or following.kind is not EntityKind.PLACE:
            break
        found += [e for e in following.entries
                  if e.place and e.place.kind in ("country", "admin1", "admin2")]
        end = following.end
    return found


def _matches(candidate: Entry, qualifier: Entry) -> bool:
    place, other = candidate.place, qualifier.place
    if place is None or other is None or candidate is qualifier:
        return False
    if other.kind == "country":
        return place.country == other.country
    return place.country == other.country and place.admin1_en is not None and \
        place.admin1_en == other.admin1_en


def _article_countries(readings: Sequence[Reading]) -> collections.Counter:
    """Countries the article's unambiguous place mentions lie in, weighted votes.

    A town votes 1, a country name 0.5; Iran counts a quarter: Iranian news names it
    everywhere («کنسولگری ایران در نجف») without the event being there.
    """
    votes: collections.Counter = collections.Counter()
    for reading in readings:
        if reading.kind not in (EntityKind.PLACE, EntityKind.FACILITY):
            continue
        countries = {_country_of(e) for e in reading.entries}
        if len(countries) == 1 and None not in countries:
            country = countries.pop()
            weight = COUNTRY_VOTE if all(e.place and e.place.kind == "country"
                                         for e in reading.entries) else 1.0
            votes[country] += weight * (HOME_VOTE if country == HOME else 1.0)
    return votes


def _own_vote(own: set[str], votes: collections.Counter) -> float:
    if len(own) != 1:
        return 0.0
    return min(votes[next(iter(own))], 1.0)


def _score(candidate: Entry, cue: tuple[str, ...], qualifiers: list[Entry],
           votes: collections.Counter, own: set[str]) -> dict[str, float]:
    place = candidate.place
    kind = "facility" if candidate.kind is EntityKind.FACILITY else (place.kind if place else "")
    country = _country_of(candidate)
    points: dict[str, float] = {}
    if qualifiers and any(_matches(candidate, q) for q in qualifiers):
        points["qualifier"] = WEIGHTS["qualifier"]
    if cue and kind in cue:
        points["kind cue"] = WEIGHTS["kind cue"]
    # the mention's own vote does not count for itself
    own_vote = _own_vote(own, votes)
    total = sum(votes.values()) - own_vote
    if country and total > 0:
        share = (votes[country] - (own_vote if own == {country} else 0)) / total
        if share > 0:
            points["article countries"] = (WEIGHTS["article countries"] * share
                                           * min(1.0, total / FULL_SUPPORT))
    if place and place.population:
        points["population"] = WEIGHTS["population"] * min(math.log10(place.population) / 7, 1.0)
    elif kind in KIND_PRIOR:
        points[kind] = KIND_PRIOR[kind]
    if candidate.rank >= OVERRIDE_RANK:
        points["hand-made"] = WEIGHTS["hand-made"]
    if candidate.id.startswith("geonames:"):
        points["GeoNames point"] = WEIGHTS["GeoNames point"]
    if country in FOCUS:
        points["region"] = WEIGHTS["region"]
    points["quality"] = WEIGHTS["quality"] * min(candidate.rank, 10) / 10
    if place is None or place.lat is None:
        points["no coordinates"] = WEIGHTS["no coordinates"]
    return points


def _small_town(entry: Entry) -> bool:
    place = entry.place
    return (place is not None and place.kind == "populated_place"
            and (place.population or 0) < NAMESAKE_POPULATION)


def _precision(entry: Entry, near: bool) -> int:
    if entry.kind is EntityKind.FACILITY:
        return 1
    kind = entry.place.kind if entry.place else "region"
    precision = PRECISION.get(kind, 3)
    return 2 if near and precision == 1 else precision


def resolve_places(readings: Sequence[Reading], key_text: str) -> list[Resolution | None]:
    """One resolution per reading (``None`` for readings that name no place or facility).

    Args:
        readings: from ``read_mentions``, in text order.
        key_text: the matching copy of the normalised text (for cue words).
    """
    votes = _article_countries(readings)
    results: list[Resolution | None] = []
    for index, reading in enumerate(readings):
        if reading.kind not in (EntityKind.PLACE, EntityKind.FACILITY) or not reading.entries:
            results.append(None)
            continue
        before = previous_word(key_text, reading.start)
        cue = KIND_CUES.get(before, ())
        near = before in NEAR_WORDS
        qualifiers = _qualifiers(readings, index, key_text)
        only = reading.entries[0]
        if before in VILLAGE_WORDS:
            namesake = _village_namesake(reading, votes)
            if namesake is not None:
                results.append(namesake)
                continue
        if len(reading.entries) == 1 and not qualifiers and not _small_town(only):
            # the common case (a country, a province, a city): nothing to weigh
            results.append(Resolution(only, only.place, _precision(only, near),
                                      _explain({}, 1, math.inf, before if cue else "", near),
                                      (only.id,)))
            continue
        own = {_country_of(e) for e in reading.entries} - {None}
        scored = sorted(((sum(p.values()), p, e) for e in reading.entries
                         for p in [_score(e, cue, qualifiers, votes, own)]),
                        key=lambda item: -item[0])
        best_score, points, best = scored[0]
        candidates = tuple(e.id for _, _, e in scored)
        qualifier_countries = {q.place.country for q in qualifiers if q.place}
        if qualifiers and "qualifier" not in points and not any(
                _country_of(e) in qualifier_countries for e in reading.entries):
            # «روستای الخضر در دیرالزور»: no «الخضر» in Deir ez-Zor is known, so the
            # event goes to the named province (or country) instead of a namesake abroad
            fallback = qualifiers[0]
            results.append(Resolution(
                fallback, fallback.place, max(2, _precision(fallback, False)),
                f"no candidate lies in the «{fallback.name_fa}» named next to it; "
                f"coded to that {fallback.place.kind}", candidates, 0.5))
            continue
        margin = best_score - scored[1][0] if len(scored) > 1 else math.inf
        reason = _explain(points, len(scored), margin, before if cue else "", near)
        confidence = 1.0 if margin == math.inf else round(min(1.0, 0.5 + margin / 4), 2)
        country = _country_of(best)
        elsewhere = votes[country] - (_own_vote(own, votes) if own == {country} else 0)
        others = sum(votes.values()) - votes[country]
        if others >= 2 and not elsewhere and _small_town(best):
            # the article names other countries only: likely a namesake of an unknown place
            reason += f"; {country} is named nowhere else in the article"
            confidence = min(confidence, 0.3)
        results.append(Resolution(best, best.place, _precision(best, near), reason,
                                  candidates, confidence))
    return results


def _village_namesake(reading: Reading, votes: collections.Counter) -> Resolution | None:
    """An unresolved place for "روستای X" when every candidate X lies in a country no other
    place of the article lies in, while the article does name places elsewhere: the village
    is missing from the gazetteer, and its namesakes abroad (a town of 350,000 in Iraq for a
    village near Ra's al-Ayn in Syria) would put the event in the wrong country."""
    own = {_country_of(e) for e in reading.entries}
    own_vote = _own_vote(own - {None}, votes)

    def elsewhere(country: str | None) -> float:
        return votes[country] - (own_vote if own == {country} else 0.0)

    def implausible(entry: Entry) -> bool:
        place = entry.place
        return place is not None and elsewhere(place.country) <= 0 and (
            place.kind != "populated_place" or (place.population or 0) >= VILLAGE_MAX_POPULATION
            or len(reading.entries) > 1)

    others = sum(votes.values()) - sum(votes[c] for c in own if c)
    if not reading.entries or others < FULL_SUPPORT or not all(map(implausible, reading.entries)):
        return None
    return Resolution(None, None, None,
                      "«روستای» names a village; every candidate lies in a country no other "
                      "place of the article is in: left unresolved",
                      tuple(e.id for e in reading.entries), 0.0)


def _explain(points: dict[str, float], count: int, margin: float, cue: str, near: bool) -> str:
    if count == 1:
        reason = "only candidate"
    else:
        top = sorted((v, k) for k, v in points.items() if v > 0)[::-1][:3]
        reason = f"best of {count} by " + ", ".join(f"{k} {v:.1f}" for v, k in top)
        reason += f" (margin {margin:.1f})"
    if cue:
        reason += f"; cue «{cue}»"
    if near:
        reason += "; near a town"
    return reason
