"""Rules to incidents: triggers, slots, attribution, merging, and the Event records.

``extract_events(ctx, rules)`` finds trigger words sentence by sentence, fills a draft
per (sentence, type) from the words around it, merges drafts that describe one
incident, and returns frozen ``Event`` records whose spans are original offsets.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass, field

from rokhdad.extract.context import ArticleContext, Located, SentenceView
from rokhdad.extract.participants import ParticipantBuilder
from rokhdad.extract.phrases import Phrase, PhraseFinder
from rokhdad.extract.rules import Cue, RuleSet, Trigger, bounded_spans
from rokhdad.model import Event, EventType
from rokhdad.extract.patterns import (
    SEGMENT_BREAK,
    PLURAL_REPORT,
    NEEDS_ATTACK_CONTEXT,
    ATTACK_CONTEXT,
    VERB_BETWEEN,
    UNIT_BEFORE,
    UNIT_AFTER,
    TOTAL,
    INJURED_TOTALS,
    CLAUSE_BREAK,
    COUNT_GAP,
    PLACE_RANK,
    ONE_OF,
)
from rokhdad.extract.places import PlaceRules
from rokhdad.extract.roles import RoleRules


@dataclass
class Draft:
    """An incident being assembled (mutable while merging; frozen into an Event at the end)."""

    type: EventType
    sentence: int
    headline: bool
    triggers: list[tuple[int, int, Trigger]]
    evidence: list[tuple[int, int]]
    mode: str | None = None
    mode_rule: str = ""
    place: Located | None = None
    place_rank: int = -1
    date: Located | None = None
    weapon: tuple[int, int, str, str] | None = None      # start, end, kind, rule
    count: Located | None = None
    fatalities: tuple[int | None, tuple[int, int], str] | None = None
    injured: tuple[int | None, tuple[int, int], str] | None = None
    actors: list[Phrase] = field(default_factory=list)
    targets: list[Phrase] = field(default_factory=list)
    sources: list[list[Phrase]] = field(default_factory=list)
    blames: list[tuple[Phrase, list[list[Phrase]], tuple[int, int], str]] = field(default_factory=list)
    claims: list[tuple[Phrase, list[list[Phrase]], tuple[int, int], str]] = field(default_factory=list)
    denials: list[tuple[Phrase, list[list[Phrase]], tuple[int, int], str]] = field(default_factory=list)
    optional: bool = False
    alleged: bool = False
    denied: bool = False
    anaphoric: bool = False
    strong: bool = False
    reference: bool = False   # triggers only inside a claim or blame ("مسئولیت حمله … را")
    summary: bool = False     # places in several countries and none specific: an overview
    retaliation: bool = False  # "در واکنش به این حملات …": answers another incident
    split: int = 0             # drafts cut from one clause, one per place: never merged back


class Extractor(PlaceRules, RoleRules):
    """Applies a RuleSet to one analysed article."""

    def __init__(self, ctx: ArticleContext, rules: RuleSet):
        self.ctx = ctx
        self.rules = rules
        self.text = ctx.text
        self.phrases = PhraseFinder(ctx, rules.grammar)
        self.builder = ParticipantBuilder(ctx)
        self.article_blames: list[tuple[Phrase, list[list[Phrase]], tuple[int, int], str]] = []
        # trigger matches were found by the context already (they choose where NER runs)
        self._cache: dict[str, tuple[list[int], list[tuple[int, int]]]] = dict(ctx.trigger_hits)
        self._all_triggers: tuple[list[int], list[tuple[int, int, Trigger]]] | None = None
        self._sentence_triggers: dict[int, list[tuple[int, int, Trigger]]] = {}

    # --- cues --------------------------------------------------------------
    def _hits(self, key: str, regex: re.Pattern[str]) -> tuple[list[int], list[tuple[int, int]]]:
        """Every match of a rule over the whole text, once per article (starts, spans)."""
        hits = self._cache.get(key)
        if hits is None:
            spans = [m.span() for m in regex.finditer(self.text)]
            hits = ([a for a, _ in spans], spans)
            self._cache[key] = hits
        return hits

    def _hits_bounded(self, key: str, regex: re.Pattern[str]) -> tuple[list[int], list[tuple[int, int]]]:
        """As ``_hits`` for a pattern compiled without its left word boundary (see rules.py)."""
        hits = self._cache.get(key)
        if hits is None:
            spans = bounded_spans(self.text, regex)
            hits = ([a for a, _ in spans], spans)
            self._cache[key] = hits
        return hits

    def _in_range(self, key: str, regex: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
        starts, spans = self._hits_bounded(key, regex)
        i = bisect.bisect_left(starts, start)
        out = []
        while i < len(spans) and spans[i][0] < end:
            if spans[i][1] <= end:
                out.append(spans[i])
            i += 1
        return out

    def cue_matches(self, kinds: tuple[str, ...], start: int, end: int) -> list[tuple[int, int, Cue]]:
        out = []
        for cue in self.rules.cues_of(*kinds):
            for s, e in self._in_range(cue.id, cue.regex, start, end):
                out.append((s, e, cue))
        return sorted(out, key=lambda x: x[0])

    def _piece(self, breaks: re.Pattern[str], sentence: SentenceView, position: int) -> tuple[int, int]:
        """The stretch of ``sentence`` around ``position`` between two ``breaks``."""
        start, end = sentence.norm_start, sentence.norm_end
        for m in breaks.finditer(self.text, sentence.norm_start, sentence.norm_end):
            if m.end() <= position:
                start = m.end()
            elif m.start() >= position:
                end = m.start()
                break
        return start, end

    def segment_of(self, sentence: SentenceView, position: int) -> tuple[int, int]:
        """Between "؛" or ":" breaks: one sentence can hold separate reports."""
        return self._piece(SEGMENT_BREAK, sentence, position)

    def clause_of(self, sentence: SentenceView, position: int) -> tuple[int, int]:
        """Between commas and clause words ("که", "اما")."""
        return self._piece(CLAUSE_BREAK, sentence, position)

    # --- triggers ----------------------------------------------------------
    def _trigger_hits(self) -> tuple[list[int], list[tuple[int, int, Trigger]]]:
        """Every trigger match of the article, by start (computed once, sliced per sentence)."""
        if self._all_triggers is None:
            hits = sorted(((s, e, trig) for trig in self.rules.triggers
                           for s, e in self._hits_bounded(trig.id, trig.regex)[1]), key=lambda x: x[0])
            self._all_triggers = ([h[0] for h in hits], hits)
        return self._all_triggers

    def triggers_in(self, sentence: SentenceView) -> list[tuple[int, int, Trigger]]:
        cached = self._sentence_triggers.get(sentence.index)
        if cached is not None:
            return cached
        starts, hits = self._trigger_hits()
        i = bisect.bisect_left(starts, sentence.norm_start)
        found = []
        while i < len(hits) and hits[i][0] < sentence.norm_end:
            if hits[i][1] <= sentence.norm_end:
                found.append(hits[i])
            i += 1
        # find, then choose: longest first, no overlaps; strong beats weak at equal length
        found.sort(key=lambda x: (x[0] - x[1], not x[2].strong, x[2].mode is None, x[0]))
        taken: list[tuple[int, int]] = []
        kept = []
        for s, e, trig in found:
            if any(s < te and ts < e for ts, te in taken):
                continue
            if self._inside_name(s, e):
                continue
            taken.append((s, e))
            kept.append((s, e, trig))
        kept.sort(key=lambda x: x[0])
        self._sentence_triggers[sentence.index] = kept
        return kept

    def _inside_name(self, start: int, end: int) -> bool:
        for loc in self.ctx.entities:
            if loc.norm_start <= start and end <= loc.norm_end and (loc.norm_start, loc.norm_end) != (start, end):
                return True
        return False

    def blocked(self, sentence: SentenceView, start: int, end: int) -> str | None:
        c_start, c_end = self.clause_of(sentence, start)
        for s, e, cue in self.cue_matches(("nonconflict",), c_start, c_end):
            return cue.id
        window_start = min(c_start, max(sentence.norm_start, start - 60))
        window_end = max(c_end, min(sentence.norm_end, end + 40))
        for s, e, cue in self.cue_matches(("block",), window_start, window_end):
            if cue.id in ("block.threat", "block.plan", "block.condemn") or c_start <= s < c_end:
                return cue.id
        seg_start, seg_end = self.segment_of(sentence, start)
        for s, e, cue in self.cue_matches(("block",), end, min(seg_end, end + 90)):
            if cue.id in ("block.future", "block.negation"):
                verbs = VERB_BETWEEN.search(self.text, end, s)
                if verbs is None:
                    return cue.id  # "حملات … را تحمل نخواهد کرد": the first verb after it is future
        for s, e, cue in self.cue_matches(("block",), sentence.norm_start, start):
            if cue.id in ("block.threat", "block.plan", "block.condemn", "block.hypothetical"):
                return cue.id
        return None

    # --- slots -------------------------------------------------------------
    def weapons_in(self, start: int, end: int) -> list[tuple[int, int, str, str, str]]:
        found = []
        for w in self.rules.weapons:
            for s, e in self._in_range(w.id, w.regex, start, end):
                found.append((s, e, w.weapon, w.mode, w.id))
        found.sort(key=lambda x: (x[0] - x[1], x[0]))
        kept, taken = [], []
        for item in found:
            if any(item[0] < e and s < item[1] for s, e in taken):
                continue
            taken.append((item[0], item[1]))
            kept.append(item)
        return sorted(kept)

    def count_before(self, position: int, floor: int) -> Located | None:
        for loc in reversed(self.ctx.quantities):
            if loc.norm_end <= position and position - loc.norm_end <= COUNT_GAP and loc.norm_start >= floor:
                gap = self.text[loc.norm_end:position]
                if re.fullmatch(r"[\s\u200c]*(?:فروند|عدد|تیر|گلوله|قبضه|بار)?[\s\u200c]*", gap):
                    return loc
            if loc.norm_end < position - COUNT_GAP:
                break
        return None

    def casualties_in(self, sentence: SentenceView, draft: Draft) -> None:
        """Killed and injured counts: the numbers before each casualty word, summed over "و".

        "دو نظامی آمریکایی و یک نظامی انگلیسی کشته و ۱۲ تن دیگر زخمی شدند" gives 3 and 12;
        "۷ کشته و زخمی" puts 7 in injured (GUIDELINES §3); "تلفاتی در پی نداشت" gives 0.
        """
        start, end = sentence.norm_start, sentence.norm_end
        for cs, ce, cue in self.cue_matches(("no_casualties",), start, end):
            if draft.fatalities is None:
                draft.fatalities = (0, (cs, ce), cue.id)
        for m in TOTAL.finditer(self.text, start, end):
            # "شمار قربانیان این حمله به ۴ نفر رسید": a running total, after the word
            quantity = next((q for q in self.ctx.within(self.ctx.quantities, m.start(), m.end())
                             if q.item.value is not None and not q.item.vague), None)
            if quantity is not None:
                slot = "injured" if m.group("kind") in INJURED_TOTALS else "fatalities"
                value = int(quantity.item.value)
                current = getattr(draft, slot)
                if current is None or (current[0] or 0) < value:
                    setattr(draft, slot, (value, (m.start(), m.end()), "casualties.total"))
        words = self.cue_matches(("killed", "injured", "killed_or_injured"), start, end)
        quantities = self.ctx.within(self.ctx.quantities, start, end)
        floor = start
        for ws, we, cue in words:
            floor_before = floor
            window = [q for q in quantities if floor <= q.norm_start and q.norm_end <= ws
                      and not UNIT_BEFORE.search(self.text, max(0, q.norm_start - 12), q.norm_start)
                      and not UNIT_AFTER.match(self.text, q.norm_end)]
            # stop at punctuation: only numbers in the same stretch count
            window = [q for q in window if not re.search(r"[\u060c,.؛:!?]", self.text[q.norm_end:ws])]
            floor = we
            if not window:
                continue
            groups = [window[-1]]
            for q in reversed(window[:-1]):
                between = self.text[q.norm_end:groups[0].norm_start]
                if re.search(r"(?<![\w\u200c])و(?![\w\u200c])", between) and len(between) < 45:
                    groups.insert(0, q)
                else:
                    break
            if any(g.item.vague for g in groups):
                value = None
            else:
                value = int(sum(g.item.value for g in groups if g.item.value is not None))
                # "یکی از اعضای شورا و سه تن از محافظانش کشته شدند": one plus three
                one = ONE_OF.search(self.text, max(floor_before, groups[0].norm_start - 60), groups[0].norm_start)
                if one and re.search(r"(?<![\w\u200c])و(?![\w\u200c])", self.text[one.end():groups[0].norm_start]):
                    value += 1
            span = (groups[0].norm_start, we)
            slot = {"killed": "fatalities", "injured": "injured", "killed_or_injured": "injured"}[cue.kind]
            current = getattr(draft, slot)
            if current is None or (current[0] in (None, 0) and value) or (value or 0) > (current[0] or 0):
                setattr(draft, slot, (value, span, cue.id))

    def drafts(self) -> list[Draft]:
        out: list[Draft] = []
        quiet = []
        for sentence in self.ctx.sentences:
            if self.triggers_in(sentence):
                out.extend(self.sentence_drafts(sentence))
            else:
                quiet.append(sentence)
        if out:  # who is blamed in sentences without an incident of their own (only if one exists)
            for sentence in quiet:
                self.article_blames.extend(self.party_cues(sentence, self.speakers(sentence))[1])
        return out

    def sentence_drafts(self, sentence: SentenceView) -> list[Draft]:
        triggers = self.triggers_in(sentence)
        speakers = self.speakers(sentence)
        claims, blames, denials, _ = self.party_cues(sentence, speakers)
        start, end = sentence.norm_start, sentence.norm_end
        if not triggers:
            self.article_blames.extend(blames)
            return []
        kept = []
        related = [(s, self.segment_of(sentence, e + 2)[1]) for s, e, _ in self.cue_matches(("related",), start, end)]
        for s, e, trig in triggers:
            if any(rs <= s < re_ for rs, re_ in related):
                continue
            if self.blocked(sentence, s, e):
                continue
            kept.append((s, e, trig))
        if not kept:
            self.article_blames.extend(blames)
            return []
        # one draft per trigger, or per trigger group inside one clause; merging decides the rest
        by_type: dict[tuple[EventType, int], list] = {}
        for item in kept:
            by_type.setdefault((item[2].type, self.clause_of(sentence, item[0])[0]), []).append(item)
        source_spans = [(p.norm_start, p.norm_end) for chain in speakers for p in chain]
        drafts = []
        for (event_type, seg_start), items in by_type.items():
            seg_start, seg_end = self.segment_of(sentence, items[0][0])
            start, end = seg_start, seg_end
            draft = Draft(event_type, sentence.index, sentence.headline, items, [],
                          anaphoric=bool(self.cue_matches(("anaphora",), start, end)),
                          retaliation=bool(self.cue_matches(("retaliation",), start, end)))
            draft.strong = any(t.strong for _, _, t in items)
            cue_spans = [(cs, ce) for cs, ce, _ in self.cue_matches(("claim", "blame", "claim_negated", "denial"), start, end)]
            cue_spans += [r for r in self.reference_spans(sentence) if not r[0] <= items[0][0] < r[0] + 9]
            draft.reference = all(any(cs <= ts and te <= ce + 1 for cs, ce in cue_spans)
                                  or any(cs <= ts < ce for cs, ce in cue_spans) for ts, te, _ in items)
            first = items[0]
            draft.evidence.append(self._evidence_span(sentence, items))
            for s, e, trig in items:
                if trig.mode and draft.mode is None:
                    draft.mode, draft.mode_rule = trig.mode, trig.id
                if trig.weapon and draft.weapon is None:
                    draft.weapon = (s, e, trig.weapon, trig.id)
                self.roles(sentence, draft, s, e, trig, source_spans)
            segment_view = SentenceView(sentence.index, start, end, sentence.token_start,
                                        sentence.token_end, sentence.headline)
            if event_type is EventType.ASSAULT:
                refs = self.reference_spans(sentence)
                weapons = [w for w in self.weapons_in(start, end)
                           if not re.search(r"(?:این|آن)[\s\u200c]+$", self.text[max(start, w[0] - 6):w[0]])
                           and (draft.reference or not any(rs <= w[0] < re_ for rs, re_ in refs))]
                inside = [w for w in weapons if any(ts <= w[0] < te for ts, te, _ in items)]
                if inside:
                    weapons = inside
                if weapons:
                    ws, we, kind, wmode, wid = min(weapons, key=lambda w: (abs(w[0] - first[0]), w[0] - w[1]))
                    if draft.weapon is None or draft.weapon[2] in ("firearm",) and kind != "firearm":
                        draft.weapon = (ws, we, kind, wid)
                    if draft.mode is None or (draft.mode_rule.startswith("assault.clash") and wmode != "firearms"):
                        draft.mode, draft.mode_rule = wmode, wid
                    draft.count = self.count_before(ws, start)
                self.casualties_in(segment_view, draft)
                if draft.mode is None:
                    for cue in self.rules.modes:
                        if self._in_range(cue.id, cue.regex, start, end):
                            draft.mode, draft.mode_rule = cue.mode, cue.id
                            break
            segment = SentenceView(sentence.index, start, end, sentence.token_start, sentence.token_end,
                                   sentence.headline)

            self.choose_place(segment, draft, [p for chain in speakers for p in chain] + draft.actors)
            self.choose_date(segment, draft, first[0])
            if draft.date is None and start > sentence.norm_start:
                self.choose_date(sentence, draft, first[0])
            if draft.date is None:
                self.date_from_paragraph(sentence, draft)
            plural = any(PLURAL_REPORT.search(self.text, max(start, ts - 30), te) for ts, te, _ in items)
            draft.summary = draft.place_rank < 4 and plural and len(self.countries_in(start, end)) >= 2
            if not draft.actors and any(t.voice == "active" and "خود" in self.text[ts:te].split()
                                        for ts, te, t in items) and speakers:
                draft.actors.append(speakers[0][0])  # "… را هدف حملات خود قرار داد": the speaker did it
            draft.sources = speakers
            draft.claims, draft.denials = claims, denials
            draft.blames = blames
            draft.optional = bool(self.cue_matches(("background",), *self.clause_of(sentence, first[0])))
            draft.optional = draft.optional or (bool(self.cue_matches(("rumour",), start, end)) and not draft.strong)
            draft.alleged = bool(self.cue_matches(("allege",), start, end)) and not speakers
            coordinated = self.coordinated_places(start, end, [p for chain in speakers for p in chain] + draft.actors)
            if coordinated:  # one record per place (GUIDELINES §4)
                for rank, loc in coordinated:
                    copy = dataclasses.replace(draft, place=loc, place_rank=rank, split=coordinated[0][1].norm_start + 1,
                                               targets=[t for t in draft.targets
                                                        if not (t.norm_start <= loc.norm_start < t.norm_end)
                                                        or True])
                    copy.targets = [t for t in copy.targets if _covers_only(t, loc, coordinated)]
                    drafts.append(copy)
            else:
                drafts.append(draft)
        return drafts

    def _evidence_span(self, sentence: SentenceView, items) -> tuple[int, int]:
        """The clauses from the first to the last trigger, without leading source phrases."""
        first_start = self.clause_of(sentence, items[0][0])[0]
        last_end = self.clause_of(sentence, items[-1][0])[1]
        s, e = first_start, last_end
        while s < e and self.text[s] in " \u200c\u060c,:\n«»\"":
            s += 1
        while e > s and self.text[e - 1] in " \u200c\u060c,.:؛;\n":
            e -= 1
        return s, e

    def informative(self, draft: Draft) -> bool:
        """A draft that adds facts to an incident it points back to."""
        verbal = any(t.voice != "noun" for _, _, t in draft.triggers)
        return bool(verbal or draft.fatalities is not None or draft.injured is not None or draft.claims
                    or draft.denials or draft.weapon)

    def supported(self, draft: Draft) -> bool:
        if all(t.id in NEEDS_ATTACK_CONTEXT for _, _, t in draft.triggers):
            sentence = self.ctx.sentences[draft.sentence]
            if not (ATTACK_CONTEXT.search(self.text, sentence.norm_start, sentence.norm_end)
                    or any(p.kind == "armed_group" for p in draft.actors)):
                return False  # an explosion with no attacker, bomb or attack: maybe an accident
        if draft.strong:
            return True
        if draft.weapon or draft.fatalities and draft.fatalities[0] or draft.injured and draft.injured[0]:
            return True
        if draft.place is not None and draft.place_rank >= PLACE_RANK["populated_place"]:
            return True
        return any(p.kind in ("armed_group", "state_force") for p in draft.actors)


def _covers_only(target: Phrase, place: Located, places: list) -> bool:
    """Keep a target phrase for this place's record unless it names only another place."""
    others = [loc for _, loc in places if loc is not place]
    inside = [loc for loc in others if target.norm_start <= loc.norm_start < target.norm_end]
    return not inside or target.norm_start <= place.norm_start < target.norm_end


def extract_events(ctx: ArticleContext, rules: RuleSet) -> tuple[Event, ...]:
    """Every incident the article reports, as Event records (GUIDELINES.md)."""
    from rokhdad.extract.merge import build_events

    extractor = Extractor(ctx, rules)
    drafts = extractor.drafts()
    return build_events(extractor, drafts)
