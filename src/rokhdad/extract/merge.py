"""Drafts to incidents: merge what one article says about one incident, then freeze.

Two drafts merge when they are of one type and the later one points back ("این حمله"),
names the same specific place, or (a headline) summarises an incident of the body; they
never merge across different specific places or opposite sides (a retaliation).
"""

from __future__ import annotations

import hashlib
import math

from rokhdad.extract import lexicon
from rokhdad.extract.events import PLACE_RANK, Draft, Extractor
from rokhdad.extract.participants import merge_participants, name_key
from rokhdad.extract.phrases import Phrase
from rokhdad.extract.taxonomy import CIVILIANS, classify
from rokhdad.model import (
    Attribution, EntityKind, Event, EventPlace, EventType, Modality, Participant, Precision,
    Provenance, Span,
)

CIVILIAN_WORDS = lexicon.pattern("civilian")
SPECIFIC = PLACE_RANK["populated_place"]
FACILITY_TOWN_KM = 40  # a base this close to a named town is reported under the town's name too   # a village, town, city or facility
NEAR_SENTENCES = 2                         # an unplaced report this close may continue an incident


def _place_id(d: Draft) -> str | None:
    return d.place.item.entry_id if d.place is not None else None


def _place_country(d: Draft) -> str | None:
    if d.place is None or d.place.item.place is None:
        return None
    return d.place.item.place.country


GENERIC_WORDS = lexicon.words("generic_words")


def _keys(phrases: list[Phrase]) -> set[str]:
    """Words and table ids that identify a side (generic nouns left out)."""
    out = set()
    for p in phrases:
        out.update(w for w in p.text.replace("\u200c", " ").split() if w not in GENERIC_WORDS and len(w) > 2)
        for e in p.entities:
            if e.entry_id is not None and e.kind.value != "place":
                out.add(e.entry_id)
    return out


def places_compatible(a: Draft, b: Draft) -> bool:
    if a.place is None or b.place is None:
        return True
    if _place_id(a) == _place_id(b):
        return True
    if a.place_rank >= SPECIFIC and b.place_rank >= SPECIFIC:
        # a base and the city it serves ("پایگاه التاجی" / "بغداد") can be one place
        return _facility_near_town(a, b) or _facility_near_town(b, a)
    ca, cb = _place_country(a), _place_country(b)
    return ca is None or cb is None or ca == cb


def _facility_near_town(a: Draft, b: Draft) -> bool:
    pa, pb = a.place.item, b.place.item
    if pa.kind is not EntityKind.FACILITY or pb.kind is not EntityKind.PLACE:
        return False
    if pa.place is None or pb.place is None or None in (pa.place.lat, pa.place.lon, pb.place.lat, pb.place.lon):
        return False
    return _km(pa.place.lat, pa.place.lon, pb.place.lat, pb.place.lon) <= FACILITY_TOWN_KM


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def sides_compatible(a: Draft, b: Draft) -> bool:
    """False for opposite sides: one's actors are the other's targets (a retaliation)."""
    a_act, b_act = _keys(a.actors), _keys(b.actors)
    if a_act and b_act and not (a_act & b_act):
        return False
    if a_act & _keys(b.targets) or b_act & _keys(a.targets):
        return False
    return True


def _is_outlet(phrase: Phrase) -> bool:
    entity = phrase.main_entity
    return (entity is not None and entity.kind is EntityKind.OUTLET) or phrase.kind == "outlet" \
        or phrase.text.startswith(("خبرگزاری", "شبکه", "روزنامه", "تلویزیون", "خبرنگار"))


def absorb(into: Draft, other: Draft) -> None:
    into.split = into.split or other.split
    into.triggers.extend(other.triggers)
    into.evidence.extend(e for e in other.evidence if e not in into.evidence)
    if other.place is not None and other.place_rank > into.place_rank:
        into.place, into.place_rank = other.place, other.place_rank
    if into.date is None:
        into.date = other.date
    if other.weapon and (into.weapon is None or len(other.weapon[2]) > len(into.weapon[2])
                         and other.weapon[2].endswith(into.weapon[2])):
        into.weapon = other.weapon
        into.count = other.count or into.count
    if into.count is None:
        into.count = other.count
    if into.mode is None or (into.mode == "other" and other.mode):
        into.mode, into.mode_rule = other.mode, other.mode_rule
    for slot in ("fatalities", "injured"):
        mine, theirs = getattr(into, slot), getattr(other, slot)
        # within one article the largest figure is the running total ("۱۷ کشته" vs "یک افسر")
        if theirs is not None and (mine is None or (theirs[0] or 0) > (mine[0] or 0)):
            setattr(into, slot, theirs)
    if other.reference:
        pass  # a claim or blame sentence: its speakers vouch for the claim, not the incident
    else:
        parties = [c for c in other.sources if not _is_outlet(c[-1])]
        for actor in other.actors:
            if parties:
                # a party to the conflict saying who hit it is blaming, not the outlet's statement
                into.blames.append((actor, parties, (actor.norm_start, actor.norm_end), "blame.reported_actor"))
            else:
                into.actors.append(actor)  # stated as fact, or relayed by a news outlet
    into.targets.extend(other.targets)
    if not other.reference:
        into.sources.extend(c for c in other.sources if c not in into.sources)
    into.claims.extend(other.claims)
    into.blames.extend(other.blames)
    into.denials.extend(other.denials)
    into.optional = into.optional and other.optional
    into.strong = into.strong or other.strong
    into.alleged = into.alleged and other.alleged


def dates_compatible(a: Draft, b: Draft) -> bool:
    if a.date is None or b.date is None:
        return True
    return a.date.item.value == b.date.item.value


def compatible(a: Draft, b: Draft) -> bool:
    if b.retaliation and not a.retaliation and b.sentence != a.sentence:
        return False  # a response is its own incident
    if a.split and a.split == b.split and _place_id(a) != _place_id(b):
        return False  # one record per place: the split stands
    if a.weapon and b.weapon and not (a.weapon[2].endswith(b.weapon[2]) or b.weapon[2].endswith(a.weapon[2])):
        return False  # a mortar round and a landmine are two incidents
    return (a.type is b.type and a.optional == b.optional and places_compatible(a, b)
            and sides_compatible(a, b) and dates_compatible(a, b))


def specific(d: Draft) -> bool:
    return d.place is not None and d.place_rank >= SPECIFIC


def merge_drafts(extractor: Extractor, drafts: list[Draft]) -> list[Draft]:
    """Merge drafts of one incident, in text order; headlines join the body last."""
    events: list[Draft] = []
    pending: list[Draft] = []
    headlines = [d for d in drafts if d.headline]
    for d in (d for d in drafts if not d.headline):
        same = [e for e in events if compatible(e, d)]
        target = None
        if same and same[-1].sentence == d.sentence:
            target = same[-1]
        if target is None and d.anaphoric and same and not d.summary \
                and (extractor.supported(d) or extractor.informative(d)):
            target = same[-1]
        if target is None and specific(d):
            # the same named place, an earlier report of the incident without one, or the
            # base near the town it is reported under
            target = next((e for e in reversed(same) if _place_id(e) == _place_id(d)), None) \
                or next((e for e in reversed(same) if not specific(e)), None) \
                or next((e for e in reversed(same) if specific(e)), None)
        if target is None and not specific(d) and same and not d.summary \
                and (extractor.supported(d) or extractor.informative(d)):
            # a report without a specific place adds to the incident it is compatible with
            target = same[-1]
        if target is not None:
            absorb(target, d)
        elif extractor.supported(d) and not d.reference and not d.summary:
            if d.date is None and d.anaphoric and events:
                d.date = events[-1].date  # "محل پرتاب این راکت …": the day of the incident it answers
            if d.date is None and d.place is None and events and d.type is not EventType.ASSAULT:
                # arrests or deployments told after an attack, with no place or day of their own,
                # happened there and then ("… پنج تن دیگر بازداشت شدند")
                d.date, d.place, d.place_rank = events[-1].date, events[-1].place, events[-1].place_rank
            events.append(d)
        else:
            pending.append(d)
    for d in pending:
        # a weak report before the incident's founding sentence ("… در کابل کشته شدند" and
        # only later "افراد مسلح … تیراندازی کردند") joins it if it adds facts
        same = [e for e in events if compatible(e, d)]
        exact = [e for e in same if d.place is not None and _place_id(e) == _place_id(d)]
        if (exact or same) and not d.summary and (extractor.informative(d) or d.place is not None) \
                and abs(d.sentence - (exact or same)[0].sentence) <= NEAR_SENTENCES + 3:
            absorb((exact or same)[0], d)
        else:
            # not an incident of its own: who it blames still counts for the article
            extractor.article_blames.extend(b for b in d.blames if b not in extractor.article_blames)
    for h in headlines:
        same = [e for e in events if compatible(e, h)]
        exact = [e for e in same if h.place is not None and _place_id(e) == _place_id(h)]
        target = (exact or same or [None])[0]
        if target is not None:
            absorb(target, h)
        elif extractor.supported(h):
            events.append(h)
    events.sort(key=lambda e: min(s for s, _ in e.evidence))
    return events


def _last_sentence(extractor: Extractor, d: Draft) -> int:
    return max(extractor.ctx.sentence_of(s).index for s, _, _ in d.triggers)


def build_events(extractor: Extractor, drafts: list[Draft]) -> tuple[Event, ...]:
    events = merge_drafts(extractor, drafts)
    for summary in (d for d in drafts if d.summary and d.fatalities is not None and d.fatalities[0] == 0):
        # "the bases were attacked on Wednesday … without casualties": true of each such attack
        for e in events:
            if e.type is summary.type and e.fatalities is None and not e.actors and e.date is not None \
                    and summary.date is not None and e.date.item.value == summary.date.item.value:
                e.fatalities = summary.fatalities
    out = []
    for d in events:
        if d.sources:
            for actor in d.actors:
                entity = actor.main_entity
                if entity is not None and entity.entry_id is not None:
                    d.blames.append((actor, d.sources, (actor.norm_start, actor.norm_end), "blame.reported_actor"))
        if d.type is EventType.ASSAULT and not d.actors and not d.optional:
            for blame in extractor.article_blames:
                if blame not in d.blames:
                    d.blames.append(blame)
        out.append(freeze(extractor, d))
    return tuple(out)


def _span(extractor: Extractor, start: int, end: int) -> Span:
    return Span(*extractor.ctx.to_original(start, end))


def _participants(extractor: Extractor, phrases: list[Phrase], rule: str) -> tuple[Participant, ...]:
    return merge_participants([extractor.builder.build(p, rule) for p in phrases])


def _chain(extractor: Extractor, chain: list[Phrase]) -> Participant:
    """A source chain (outlet <- official) is one source holding every link's names."""
    parts = [extractor.builder.build(p, "source") for p in chain]
    main = parts[-1] if len(parts) > 1 and parts[0].kind is EntityKind.OUTLET else parts[0]
    aliases = list(main.aliases)
    for p in parts:
        aliases.extend(a for a in p.aliases if a not in aliases)
    spans = tuple(s for p in parts for s in p.spans)
    return Participant(main.text, spans, main.name_en, main.entry_id, main.kind, main.inter,
                       tuple(aliases), "source.chain" if len(parts) > 1 else "source")


def _publisher_keys(extractor: Extractor) -> set[str]:
    source = extractor.ctx.article.source
    names = PUBLISHERS.get((source or "").lower(), ())
    return {name_key(n) for n in names}


PUBLISHERS = {  # the outlet publishing the article is not a source of its own story
    "tabnak": ("تابناک",), "asriran": ("عصر ایران", "عصرایران"), "roozno": ("روزنو",),
    "mashreghnews": ("مشرق", "مشرق نیوز"), "sobhanehonline": ("صبحانه آنلاین",),
    "farsnews": ("فارس", "خبرگزاری فارس"),
}


def _attributions(extractor: Extractor, items, rule_prefix: str) -> tuple[Attribution, ...]:
    out = []
    seen = set()
    for who, speakers, (s, e), rule in items:
        who_p = _participants(extractor, [who], rule)
        by = tuple(_chain(extractor, chain) for chain in speakers)
        key = (tuple(name_key(p.text) for p in who_p), tuple(name_key(p.text) for p in by))
        if key in seen:
            continue
        seen.add(key)
        out.append(Attribution(who_p, by, _span(extractor, s, e), rule))
    return tuple(out)


def freeze(extractor: Extractor, d: Draft) -> Event:
    ctx = extractor.ctx
    prov: list[Provenance] = []
    evidence = tuple(sorted({_span(extractor, s, e) for s, e in d.evidence}, key=lambda x: x.start))
    first_start, first_end, first_trigger = d.triggers[0]
    prov.append(Provenance("type", (_span(extractor, first_start, first_end),), first_trigger.id,
                           0.9 if d.strong else 0.6))

    place = None
    if d.place is not None:
        entity = d.place.item
        names = [entity.text]
        if entity.place is not None:
            names += [entity.place.name_fa] + ([entity.place.name_en] if entity.place.name_en else [])
        entry = extractor.builder._entry(entity.entry_id)
        if entry is not None:
            names += list(entry.aliases)
        span = _span(extractor, d.place.norm_start, d.place.norm_end)
        unique = list(dict.fromkeys(n for n in names if n))
        place = EventPlace(entity.text, (span,), entity.place, entity.precision, entity.reason, tuple(unique))
        prov.append(Provenance("place", (span,), f"gazetteer:{entity.entry_id}", 0.8 if d.place_rank >= SPECIFIC else 0.6))

    date, precision = None, Precision.UNKNOWN
    if d.date is not None:
        mention = d.date.item
        date, precision = mention.value, mention.precision
        prov.append(Provenance("date", (_span(extractor, d.date.norm_start, d.date.norm_end),), mention.rule, 0.8))

    weapon = count = qualifier = None
    if d.weapon is not None:
        weapon = d.weapon[2]
        prov.append(Provenance("weapon", (_span(extractor, d.weapon[0], d.weapon[1]),), d.weapon[3], 0.8))
    if d.count is not None and d.count.item.value is not None and not d.count.item.vague:
        count = int(d.count.item.value)
        qualifier = d.count.item.qualifier
        prov.append(Provenance("weapon_count", (_span(extractor, d.count.norm_start, d.count.norm_end),),
                               "numbers", 0.8))

    fatalities = injured = None
    for slot in ("fatalities", "injured"):
        value = getattr(d, slot)
        if value is not None:
            number, (s, e), rule = value
            if slot == "fatalities":
                fatalities = number
            else:
                injured = number
            prov.append(Provenance(slot, (_span(extractor, s, e),), rule, 0.75))

    publisher = _publisher_keys(extractor)
    sources = tuple(p for p in (_chain(extractor, c) for c in d.sources)
                    if not ({name_key(a) for a in p.aliases} <= publisher and publisher))
    sources = merge_participants(list(sources))
    actors = _participants(extractor, d.actors, "actor")
    targets = _participants(extractor, d.targets, "target")
    actor_keys = {name_key(a) for p in actors for a in p.aliases}
    targets = tuple(t for t in targets if not ({name_key(a) for a in t.aliases} & actor_keys))

    modality = Modality.ASSERTED
    if d.denied:
        modality = Modality.DENIED
    elif sources:
        modality = Modality.REPORTED
    elif d.alleged:
        modality = Modality.ALLEGED

    confidence = 0.4 + 0.25 * d.strong + 0.1 * (place is not None) + 0.1 * (date is not None) \
        + 0.05 * bool(sources or actors) + 0.05 * (weapon is not None)
    if d.optional:
        confidence *= 0.8
    place_key = d.place.item.entry_id if d.place is not None else ""
    digest = hashlib.sha1(  # one record per place can share a clause: the place keeps ids apart
        f"{ctx.article.id}|{first_trigger.id}|{evidence[0].start}|{evidence[0].end}|{place_key}".encode()
    ).hexdigest()[:16]
    civilians = any(t.inter == CIVILIANS or (t.text and CIVILIAN_WORDS.search(t.text)) for t in targets)
    return Event(
        classification=classify(d.type, d.mode or "other", civilians),
        id=f"ev-{digest}", article_id=ctx.article.id, type=d.type, mode=d.mode or "other",
        date=date, date_precision=precision, place=place, actors=actors, targets=targets,
        attributed_to=_attributions(extractor, d.blames, "blame"),
        claimed_by=_attributions(extractor, d.claims, "claim"),
        denied_by=_attributions(extractor, d.denials, "denial"),
        weapon=weapon, weapon_count=count, weapon_count_qualifier=qualifier,
        fatalities=fatalities, injured=injured, sources=sources, modality=modality,
        evidence=evidence, optional=d.optional, confidence=round(min(confidence, 0.95), 2),
        provenance=tuple(prov),
    )
