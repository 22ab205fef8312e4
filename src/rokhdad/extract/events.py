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

from rokhdad.extract import lexicon
from rokhdad.extract.context import ArticleContext, Located, SentenceView
from rokhdad.extract.participants import ParticipantBuilder
from rokhdad.extract.phrases import Phrase, PhraseFinder
from rokhdad.extract.rules import Cue, RuleSet, Trigger
from rokhdad.model import (
    Entity, EntityKind, EntitySource, EventType, Place,
)

SEGMENT_BREAK = lexicon.pattern("segment_break")
NAMED_PLACE = lexicon.pattern("named_place")
PLURAL_REPORT = lexicon.pattern("plural_report")
OWNER_BEFORE = lexicon.pattern("owner_before")
PLACE_NOUN_BEFORE = lexicon.pattern("place_noun_before")
MAX_SPEAKER_LIST = 220  # chars; a longer stretch before the verb is not a list of names
SPEAKER_KINDS = frozenset({"person", "official", "government", "coalition", "outlet", "organization",
                           "state_force", "source"})
ATTACK_WORD = lexicon.pattern("attack_word")
NEEDS_ATTACK_CONTEXT = frozenset({"assault.explosion", "assault.explode.verb", "assault.killed",
                                  "assault.killed.noun", "assault.destroy"})
ATTACK_CONTEXT = lexicon.pattern("attack_context")
VERB_BETWEEN = lexicon.pattern("verb")
NOT_PLACE_NAMES = lexicon.words("not_place_names")
UNIT_BEFORE = lexicon.pattern("unit_before")
UNIT_AFTER = lexicon.pattern("unit_after")
AGENT_KINDS = frozenset({"state_force", "armed_group", "coalition", "government", "place"})
REFERENCE = lexicon.pattern("reference")
TOTAL = lexicon.pattern("casualty_total")
INJURED_TOTALS = lexicon.words("injured_totals")
CLAUSE_BREAK = lexicon.pattern("clause_break")
COUNT_GAP = 12          # chars between a count and its weapon word ("هشت راکت", "۵ فروند موشک")
CASUALTY_GAP = 40       # chars between a number and its casualty word ("۱۵ تن از مهاجمان کشته")
SUPPORT_KINDS = ("weapon", "casualties", "place", "armed")
PLACE_RANK = {"facility": 5, "populated_place": 4, "admin2": 3, "admin1": 2, "country": 1, "region": 0}
FACILITY_KINDS = frozenset({"military_base", "air_base", "airport", "camp", "oil_field", "gas_field",
                            "refinery", "embassy", "consulate", "green_zone", "border_crossing", "port",
                            "dam", "prison", "palace", "government_building", "other", "facility"})


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


class Extractor:
    """Applies a RuleSet to one analysed article."""

    def __init__(self, ctx: ArticleContext, rules: RuleSet):
        self.ctx = ctx
        self.rules = rules
        self.text = ctx.text
        self.phrases = PhraseFinder(ctx, rules.grammar)
        self.builder = ParticipantBuilder(ctx)
        self.article_blames: list[tuple[Phrase, list[list[Phrase]], tuple[int, int], str]] = []
        self._cache: dict[str, tuple[list[int], list[tuple[int, int]]]] = {}

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
        """As ``_hits`` for a pattern compiled without its left word boundary (see rules.py):
        the boundary is checked here, which lets the regex engine skip ahead on a literal prefix."""
        hits = self._cache.get(key)
        if hits is None:
            text = self.text
            spans = []
            pos = 0
            search = regex.search
            while True:
                m = search(text, pos)
                if m is None:
                    break
                start = m.start()
                if start and (text[start - 1].isalnum() or text[start - 1] in "\u200c_"):
                    pos = start + 1  # started inside a word: look again just after
                    continue
                spans.append(m.span())
                pos = m.end() if m.end() > start else start + 1
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

    def segment_of(self, sentence: SentenceView, position: int) -> tuple[int, int]:
        start, end = sentence.norm_start, sentence.norm_end
        for m in SEGMENT_BREAK.finditer(self.text, sentence.norm_start, sentence.norm_end):
            if m.end() <= position:
                start = m.end()
            elif m.start() >= position:
                end = m.start()
                break
        return start, end

    def clause_of(self, sentence: SentenceView, position: int) -> tuple[int, int]:
        start, end = sentence.norm_start, sentence.norm_end
        for m in CLAUSE_BREAK.finditer(self.text, sentence.norm_start, sentence.norm_end):
            if m.end() <= position:
                start = m.end()
            elif m.start() >= position:
                end = m.start()
                break
        return start, end

    # --- triggers ----------------------------------------------------------
    def triggers_in(self, sentence: SentenceView) -> list[tuple[int, int, Trigger]]:
        found = []
        for trig in self.rules.triggers:
            for s, e in self._in_range(trig.id, trig.regex, sentence.norm_start, sentence.norm_end):
                found.append((s, e, trig))
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
        return sorted(kept, key=lambda x: x[0])

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
            span = (groups[0].norm_start, we)
            slot = {"killed": "fatalities", "injured": "injured", "killed_or_injured": "injured"}[cue.kind]
            current = getattr(draft, slot)
            if current is None or (current[0] in (None, 0) and value) or (value or 0) > (current[0] or 0):
                setattr(draft, slot, (value, span, cue.id))

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
    def speakers(self, sentence: SentenceView) -> list[list[Phrase]]:
        """Who reports what this sentence says: source chains, one list per chain."""
        chains: list[list[Phrase]] = []
        start, end = sentence.norm_start, sentence.norm_end
        chain: list[Phrase] = []
        for s, e, cue in self.cue_matches(("source_before",), start, end):
            phrase = self.phrases.after(e, end)
            if phrase is None:
                continue
            gap = self.text[chain[-1].norm_end:s] if chain else ""
            if chain and re.fullmatch(r"[\s\u200c\u060c,]*", gap):
                chain.append(phrase)
            else:
                if chain:
                    chains.append(chain)
                chain = [phrase]
            # "به گزارش تابناک به نقل از مهر از رویترز"
            tail = phrase.norm_end
            while True:
                m = re.match(r"[\s\u200c]+از[\s\u200c]+", self.text[tail:end])
                nxt = self.phrases.after(tail + m.end(), end) if m else None
                if nxt is None:
                    break
                chain.append(nxt)
                tail = nxt.norm_end
        for s, e, cue in self.cue_matches(("source_after",), start, end):
            clause_start, _ = self.clause_of(sentence, s)
            subject = self._subject(sentence, clause_start, s)
            if subject is None:  # "ارتش عراق … از حمله …، با دو راکت خبر داده بود"
                subject = self._subject(sentence, self.segment_of(sentence, s)[0], s)
                if subject is not None and subject.kind not in SPEAKER_KINDS:
                    subject = None
            listed = self._listed_speakers(sentence, s)
            if len(listed) > 1:  # "جان کربی، سخنگوی پنتاگون، و ائتلاف … اعلام کردند"
                if chain:
                    chains.append(chain)
                groups: list[list[Phrase]] = []
                for p in listed:
                    # apposition: "جان کربی، سخنگوی وزارت دفاع آمریکا" is one speaker
                    if groups and groups[-1][-1].kind == "person" and p.kind == "official":
                        groups[-1].append(p)
                    else:
                        groups.append([p])
                chains.extend(groups[:-1])
                chain = groups[-1]
                continue
            if subject is None:
                continue
            # "یک منبع مطلع به سی\u200cان\u200cان گفت": the outlet joins the chain
            told = re.match(r"[\s\u200c]*به[\s\u200c]+", self.text[subject.norm_end:s])
            links = [subject]
            if told:
                outlet = self.phrases.after(subject.norm_end + told.end(), s, max_skip=0)
                if outlet is not None and not self.text[outlet.norm_end:s].strip():
                    links.append(outlet)  # "یک منبع مطلع به سی\u200cان\u200cان گفت"
            if chain and re.fullmatch(r"[\s\u200c\u060c,]*", self.text[chain[-1].norm_end:subject.norm_start]):
                chain.extend(links)
            else:
                if chain:
                    chains.append(chain)
                chain = links
        if chain:
            chains.append(chain)
        return [c for c in chains if c]

    def _listed_speakers(self, sentence: SentenceView, cue_start: int) -> list[Phrase]:
        """Speakers listed with commas and "و" before a reporting verb, none a trigger."""
        seg_start, _ = self.segment_of(sentence, cue_start)
        if cue_start - seg_start > MAX_SPEAKER_LIST:
            return []
        phrases = self.phrases.all_in(seg_start, cue_start)
        speakers = [p for p in phrases if p.kind in SPEAKER_KINDS]
        if len(speakers) < 2 or phrases[0] is not speakers[0]:
            return []
        for a, b in zip(speakers, speakers[1:]):
            gap = self.text[a.norm_end:b.norm_start]
            if not re.fullmatch(r"[\s\u200c\u060c,]*(?:و[\s\u200c]+)?", gap):
                return []
        return speakers

    def _subject(self, sentence: SentenceView, start: int, limit: int) -> Phrase | None:
        """The first phrase of a clause (skipping discourse markers), if it ends before ``limit``."""
        m = re.match(r"[\s\u200c]*(?:در همین حال|همچنین|از سوی دیگر|از طرف دیگر|در عین حال|علاوه بر این|هم~چنین|بر این اساس|پیش از این)?[\s\u200c\u060c,]*",
                     self.text[start:limit])
        pos = start + (m.end() if m else 0)
        for loc in self.ctx.within(self.ctx.dates, pos, limit):  # "بامداد روز چهارشنبه نیروهای …"
            if loc.norm_start - pos <= 8 and not self.text[pos:loc.norm_start].strip(" \u200c،,در"):
                pos = loc.norm_end
        phrase = self.phrases.after(pos, limit, max_skip=0)
        if phrase is None:
            return None
        return phrase if phrase.norm_end <= limit else None

    def roles(self, sentence: SentenceView, draft: Draft, start: int, end: int, trig: Trigger,
              exclude: list[tuple[int, int]]) -> None:
        """Actors and targets around one trigger by its voice."""
        clause_start, c_end = self.clause_of(sentence, start)
        c_start = min(clause_start, max(sentence.norm_start, start - 150))  # long phrases cross commas

        def free(p: Phrase | None) -> Phrase | None:
            if p is None:
                return None
            if any(s <= p.norm_start < e for s, e in exclude):
                return None
            return p

        by = re.search(r"(?<![\w\u200c])(?:توسط|از سوی|از جانب|در پی عملیات|طی عملیات|در عملیات)[\s\u200c]+",
                       self.text[c_start:c_end])
        if by:
            actor = free(self.phrases.after(c_start + by.end(), c_end))
            if actor:
                draft.actors.append(actor)
        if trig.voice == "passive":
            subject = free(self._subject(sentence, clause_start, start)) or free(self._subject(sentence, c_start, start))
            if subject:
                draft.targets.append(subject)
            inner = re.search(r"قرار[\s\u200c]", self.text[start:end])
            if inner:  # "هدف گلوله\u200cباران هوایی و زمینی ترکیه قرار گرفتند": the attacker is named inside
                agent = self.phrases.before(start + inner.start(), start)
                if agent is not None and agent.kind in AGENT_KINDS:
                    draft.actors.append(agent)
        elif trig.voice == "active":
            seg_start = self.segment_of(sentence, start)[0]
            o_start = max(seg_start, min(c_start, start - 150))
            objs = list(re.finditer(r"(?<![\w\u200c])را(?![\w\u200c])", self.text[o_start:start + 3]))
            obj = objs[-1] if objs else None
            if obj:
                c_start = min(c_start, o_start + obj.start())
                target = free(self.phrases.before(o_start + obj.start(), o_start))
                while target is not None and target.kind == "place" and re.search(
                        r"(?<![\w\u200c])در[\s\u200c]+$", self.text[max(c_start, target.norm_start - 6):target.norm_start]):
                    inner = self.text[:target.norm_start].rstrip()
                    head = free(self.phrases.before(len(inner) - 2, c_start))
                    if head is None:
                        break
                    target = head
                while target:
                    draft.targets.append(target)
                    # coordination: "نیروهای ائتلاف و نیروهای دموکراتیک سوریه را"
                    head = self.text[max(c_start, target.norm_start - 4):target.norm_start]
                    if not re.search(r"(?<![\w\u200c])و[\s\u200c]+$", head):
                        break
                    cut = target.norm_start - len(head) + head.rfind("و")
                    target = free(self.phrases.before(cut, c_start))
            to = list(re.finditer(r"(?<![\w\u200c])به(?:[\s\u200c]+داخل)?[\s\u200c]+", self.text[c_start:start]))
            if to:
                target = free(self.phrases.after(c_start + to[-1].end(), start))
                if target and target.kind not in ("official", "source"):
                    draft.targets.append(target)
            subject = free(self._subject(sentence, clause_start, start))
            for fallback in (c_start, seg_start):
                if subject is None or any(subject.norm_start == t.norm_start for t in draft.targets):
                    subject = free(self._subject(sentence, fallback, start))
            if subject and not any(subject.norm_start == t.norm_start for t in draft.targets) \
                    and subject.kind not in ("source", "target", "place") and not self._is_weapon(subject):
                draft.actors.append(subject)
        else:  # a noun: "حمله X به Y", "حمله راکتی به Y"
            gap_end = end
            for loc in self.ctx.within(self.ctx.dates, end, c_end):  # "حمله هوایی دیروز نیروهای سوری"
                if not self.text[gap_end:loc.norm_start].strip():
                    gap_end = loc.norm_end
            after = self.phrases.after(gap_end, c_end, max_skip=0)
            if after and not self.text[gap_end:after.norm_start].strip():
                if free(after) and after.kind not in ("target", "place"):
                    draft.actors.append(after)
                    end = after.norm_end
            to = re.match(r"[\s\u200c]*(?:\S+[\s\u200c]+){0,2}?به(?:[\s\u200c]+داخل)?[\s\u200c]+", self.text[end:c_end])
            if to:
                target = free(self.phrases.after(end + to.end(), c_end, max_skip=1))
                if target:
                    draft.targets.append(target)

    def before_skipping_places(self, position: int, floor: int) -> Phrase | None:
        """The phrase before ``position``, passing over "در عراق و سوریه"-like place adjuncts."""
        phrase = self.phrases.before(position, floor)
        for _ in range(4):
            if phrase is None or phrase.kind != "place":
                return phrase
            head = self.text[max(floor, phrase.norm_start - 6):phrase.norm_start]
            m = re.search(r"(?<![\w\u200c])(?:در|و)[\s\u200c]+$", head)
            if not m:
                return phrase
            phrase = self.phrases.before(phrase.norm_start - len(head) + m.start(), floor)
        return phrase

    def _is_weapon(self, phrase: Phrase) -> bool:
        return bool(self.weapons_in(phrase.norm_start, phrase.norm_end))

    def party_cues(self, sentence: SentenceView, speakers: list[list[Phrase]]
                   ) -> tuple[list, list, list, bool]:
        """Claims, blames and denials stated in a sentence, and whether a claim is negated."""
        start, end = sentence.norm_start, sentence.norm_end
        claims, blames, denials = [], [], []
        negated = bool(self.cue_matches(("claim_negated",), start, end))
        for s, e, cue in self.cue_matches(("claim", "blame", "denial"), start, end):
            if cue.kind == "claim" and negated:
                continue
            c_start, c_end = self.clause_of(sentence, s)
            if cue.kind == "blame" and not ATTACK_WORD.search(self.text, max(sentence.norm_start, c_start - 40),
                                                              min(sentence.norm_end, c_end + 10)):
                continue  # "از سوی ایران حمایت می\u200cشوند": not about an attack
            if cue.kind == "denial":  # "عصائب اهل الحق دست داشتن در این حمله را تکذیب کرد"
                who = self._subject(sentence, c_start, s) or self._subject(sentence, self.segment_of(sentence, s)[0], s)
            elif cue.who == "before":
                floor = max(sentence.norm_start, c_start - 80)
                who = self.before_skipping_places(s, floor)
                if who is None:
                    who = self._subject(sentence, c_start, s)
            else:
                who = self.phrases.after(e, c_end, max_skip=0)
                if who is not None and re.match(r"[\s\u200c]*(?:حمایت|پشتیبانی|تامین|تأمین|تجهیز)",
                                                self.text[who.norm_end:who.norm_end + 12]):
                    continue
            if who is None or who.kind == "target":
                continue
            if who.kind == "place" and not (who.main_entity is not None and who.main_entity.place is not None
                                            and who.main_entity.place.kind == "country"):
                continue  # a country may be blamed ("ایران را عامل … دانست"); a town may not
            by = speakers
            if not by and cue.kind in ("blame", "denial"):
                # "یک مقام ارشد … ایران را عامل حمله … دانست": the subject blames
                subject = self._subject(sentence, self.segment_of(sentence, s)[0], who.norm_start)
                if subject is not None and subject.norm_end <= who.norm_start and subject.kind in SPEAKER_KINDS:
                    by = [[subject]]
            item = (who, by, (s, e), cue.id)
            {"claim": claims, "blame": blames, "denial": denials}[cue.kind].append(item)
        return claims, blames, denials, negated

    # --- main loop ---------------------------------------------------------
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
        blocked_any = False
        related = [(s, self.segment_of(sentence, e + 2)[1]) for s, e, _ in self.cue_matches(("related",), start, end)]
        for s, e, trig in triggers:
            if any(rs <= s < re_ for rs, re_ in related):
                continue
            if self.blocked(sentence, s, e):
                blocked_any = True
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
