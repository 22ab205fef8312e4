"""Where an incident happened and when: place candidates and ranks, one record per place,
references to other incidents, dates from the sentence or its paragraph (Extractor mixin)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rokhdad.extract.context import Located, SentenceView
from rokhdad.extract.patterns import (
    NAMED_PLACE,
    OWNER_BEFORE,
    PLACE_NOUN_BEFORE,
    VERB_BETWEEN,
    NOT_PLACE_NAMES,
    REFERENCE,
    PLACE_RANK,
    FACILITY_KINDS,
)
from rokhdad.extract.phrases import Phrase
from rokhdad.model import Entity, EntityKind, EntitySource, Place

if TYPE_CHECKING:
    from rokhdad.extract.events import Draft


class PlaceRules:
    """Place and date choice; mixed into ``Extractor`` (needs ``ctx``, ``text`` and cue lookups)."""

    def place_candidates(self, start: int, end: int, exclude: list[Phrase]) -> list[tuple[float, Located]]:
        """Places named in ``[start, end)`` with a rank: specific and "در X" first.

        Gazetteer entities, plus names after a place noun ("روستای «الدردارة»") that no
        table knows: those take admin1 and country from the nearest known place, as
        ACLED codes a village it cannot find (geo_precision 2).
        """
        blocked = [(p.norm_start, p.norm_end) for p in exclude]
        out: list[tuple[float, Located]] = []
        known = []
        for loc in self.ctx.within(self.ctx.entities, start, end):
            entity: Entity = loc.item
            if entity.kind not in (EntityKind.PLACE, EntityKind.FACILITY) or entity.place is None:
                continue
            if any(s <= loc.norm_start and loc.norm_end <= e for s, e in blocked):
                continue
            known.append(loc)
            kind = "facility" if entity.kind is EntityKind.FACILITY or entity.place.kind in FACILITY_KINDS \
                else entity.place.kind
            rank = PLACE_RANK.get(kind, 3)
            before = self.text[max(start, loc.norm_start - 14):loc.norm_start]
            if re.search(r"(?:در|به|روستای|شهر|استان|منطقه|شهرک)[\s\u200c\"«]*$", before):
                rank += 0.5
            if kind == "country" and OWNER_BEFORE.search(before):
                continue  # "پایگاه آمریکا", "نیروهای ترکیه": the owner, not the place
            if kind == "country" and re.search(r"(?<![\w\u200c])(?:با|و)[\s\u200c]*$", before):
                rank -= 0.75  # "مرز تاجیکستان با ازبکستان": the neighbour, not the place
            if re.search(r"(?:حومه|توابع|اطراف|نزدیکی|شمال|جنوب|شرق|غرب|کیلومتری|سمت|سوی)[\s\u200c]+(?:شهرک[\s\u200c]+|شهر[\s\u200c]+|روستای[\s\u200c]+|منطقه[\s\u200c]+)?[\"«]?$", before):
                rank -= 1.5  # a reference point, not where it happened
            out.append((rank, loc))
        for m in NAMED_PLACE.finditer(self.text, start, end):
            name_start, name_end = m.span("name")
            if any(loc.norm_start <= name_start < loc.norm_end
                   and (loc.item.kind is EntityKind.FACILITY or loc.item.place.kind in ("populated_place", "facility"))
                   for loc in known):
                continue  # the gazetteer knows this village or town
            if any(s <= name_start < e for s, e in blocked):
                continue
            name = m.group("name")
            if name.split()[0] in NOT_PLACE_NAMES:
                continue
            reference = min(known, key=lambda loc: abs(loc.norm_start - name_start), default=None)
            ref_place = reference.item.place if reference is not None else None
            place = Place(f"text:{name}", name, None, "populated_place",
                          ref_place.lat if ref_place else None, ref_place.lon if ref_place else None,
                          ref_place.admin1_fa if ref_place else None, ref_place.admin1_en if ref_place else None,
                          ref_place.country if ref_place else None)
            entity = Entity(0, 0, name, EntityKind.PLACE, EntitySource.NER, entry_id=place.entry_id,
                            place=place, precision=2,
                            reason=f"named after '{m.group('noun')}', not in the gazetteer; area of "
                                   f"{ref_place.name_fa if ref_place else 'unknown'}")
            rank = PLACE_RANK["populated_place"] + 0.6
            if re.search(r"(?:حومه|توابع|اطراف|نزدیکی|سمت|سوی)[\s\u200c]*$", self.text[max(start, m.start() - 10):m.start()]):
                rank -= 1.5
            out.append((rank, Located(name_start, name_end, entity)))
        return out

    def reference_spans(self, sentence: SentenceView) -> list[tuple[int, int]]:
        """Stretches that name another incident: "به تلافی حمله موشکی به پایگاه التاجی"."""
        out = []
        for m in REFERENCE.finditer(self.text, sentence.norm_start, sentence.norm_end):
            _, c_end = self.clause_of(sentence, m.end())
            verb = VERB_BETWEEN.search(self.text, m.end(), c_end)
            out.append((m.start(), min(c_end, verb.start() if verb else c_end, m.end() + 70)))
        return out

    def choose_place(self, sentence: SentenceView, draft: Draft, exclude: list[Phrase]) -> None:
        clauses = [self.clause_of(sentence, ts) for ts, _, _ in draft.triggers]
        refs = [] if draft.reference else self.reference_spans(self.ctx.sentences[draft.sentence])
        for rank, loc in self.place_candidates(sentence.norm_start, sentence.norm_end, exclude):
            if any(rs <= loc.norm_start < re_ for rs, re_ in refs):
                continue  # the place of the incident referred to, not of this one
            if any(cs <= loc.norm_start < ce for cs, ce in clauses):
                rank += 1.5  # named in the clause that states the incident
            if loc.item.kind is EntityKind.FACILITY and any(
                    t.norm_start <= loc.norm_start < t.norm_end for t in draft.targets):
                rank += 0.75  # the base that was hit, rather than the airport it sits in
            if rank > draft.place_rank:
                draft.place, draft.place_rank = loc, rank

    def coordinated_places(self, start: int, end: int, exclude: list[Phrase]) -> list[tuple[float, Located]]:
        """Specific places joined by "و" in one clause ("روستاهای X … و روستای Y")."""
        cands = sorted((c for c in self.place_candidates(start, end, exclude)
                        if c[0] >= PLACE_RANK["admin1"] and PLACE_NOUN_BEFORE.search(
                            self.text[max(start, c[1].norm_start - 30):c[1].norm_start])),
                       key=lambda c: c[1].norm_start)
        groups: list[list[tuple[float, Located]]] = []
        for c in cands:
            if groups:
                last = groups[-1][-1][1]
                between = self.text[last.norm_end:c[1].norm_start]
                if len(between) < 90 and re.search(r"(?<![\w\u200c])و[\s\u200c]+(?:\S+[\s\u200c]+)?(?:روستای|روستاهای|شهر|شهرهای|شهرک|منطقه|پایگاه|فرودگاه|استان)", between):
                    groups[-1].append(c)
                    continue
            groups.append([c])
        best = max(groups, key=len, default=[])
        # far apart only: different provinces (districts of one city are one record)
        areas = {(c[1].item.place.admin1_en or c[1].item.entry_id) for c in best}
        return best if len(areas) >= 2 else []

    def date_from_paragraph(self, sentence: SentenceView, draft: Draft) -> None:
        """An undated sentence takes the date of the sentence before it in its paragraph."""
        for prev in reversed(self.ctx.sentences[:sentence.index]):
            if "\n" in self.text[prev.norm_end:sentence.norm_start] or prev.headline:
                return
            dates = [d for d in self.ctx.within(self.ctx.dates, prev.norm_start, prev.norm_end)
                     if d.item.value is not None]
            if dates:
                draft.date = dates[-1]
                return

    def countries_in(self, start: int, end: int) -> set[str]:
        out = set()
        for loc in self.ctx.within(self.ctx.entities, start, end):
            entity: Entity = loc.item
            if entity.kind is EntityKind.PLACE and entity.place is not None and entity.place.country:
                out.add(entity.place.country)
        return out

    def choose_date(self, sentence: SentenceView, draft: Draft, anchor: int) -> None:
        dates = [d for d in self.ctx.within(self.ctx.dates, sentence.norm_start, sentence.norm_end)
                 if d.item.value is not None]
        if not dates:
            return
        before = [d for d in dates if d.norm_start <= anchor]
        draft.date = before[-1] if before else dates[0]

    # --- participants ------------------------------------------------------
