"""Who did it, to whom, and who says so: speakers and source chains, actor and target
roles by voice, claims, blame and denials (Extractor mixin)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rokhdad.extract.context import SentenceView
from rokhdad.extract.patterns import (
    MAX_SPEAKER_LIST,
    SPEAKER_KINDS,
    ATTACK_WORD,
    AGENT_KINDS,
)
from rokhdad.extract.phrases import Phrase
from rokhdad.extract.rules import Trigger

if TYPE_CHECKING:
    from rokhdad.extract.events import Draft


class RoleRules:
    """Participants around a trigger; mixed into ``Extractor``."""

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
                obj = re.search(r"(?<![\w\u200c])را[\s\u200c]+$", self.text[max(floor, s - 5):s])
                cut = s - len(obj.group()) if obj else s  # "ایران را عامل حمله … دانست"
                who = self.before_skipping_places(cut, floor)
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
