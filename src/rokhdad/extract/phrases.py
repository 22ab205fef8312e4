"""Participant phrases: who acted, who was hit, who said it.

A phrase is a table entity, or a descriptive noun phrase that starts at a head word
from ``participants.yaml`` ("شبه\u200cنظامیان مورد حمایت ایران", "یک منبع مطلع") and runs
until a stop word, punctuation or a verb. Positions are normalised offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rokhdad.extract.context import ArticleContext
from rokhdad.extract.rules import PhraseGrammar
from rokhdad.model import Entity, EntityKind, TokenKind
from rokhdad.text.chars import ZWNJ

MAX_PHRASE_TOKENS = 9   # longer runs are clauses, not names
_VERB_PREFIX = re.compile(f"^(?:ن?می{ZWNJ}|ن?می(?=[^\\s]{{3,}}))")
_QUOTES = frozenset("«»\"'")
ACTOR_KINDS = frozenset({EntityKind.PERSON, EntityKind.OFFICIAL, EntityKind.ORGANIZATION,
                         EntityKind.GOVERNMENT, EntityKind.STATE_FORCE, EntityKind.ARMED_GROUP,
                         EntityKind.COALITION, EntityKind.OUTLET})


@dataclass(frozen=True, slots=True)
class Phrase:
    norm_start: int
    norm_end: int
    text: str                      # normalised text of the phrase
    kind: str                      # head kind, or the entity kind's value
    entities: tuple[Entity, ...]   # entities inside the phrase
    rule: str                      # head rule id or "entity"

    @property
    def main_entity(self) -> Entity | None:
        """The entity the phrase names: one that starts the phrase or follows its head."""
        for e in self.entities:
            if e.kind in ACTOR_KINDS:
                return e
        if len(self.entities) == 1 and self.entities[0].kind is EntityKind.PLACE and self.rule == "entity":
            return self.entities[0]
        return None


class PhraseFinder:
    """Finds phrases in one article; built once per article."""

    def __init__(self, ctx: ArticleContext, grammar: PhraseGrammar):
        self.ctx = ctx
        self.grammar = grammar
        self.text = ctx.text
        # token index -> (entity, token index after the entity)
        self.entity_at: dict[int, tuple[Entity, int, int]] = {}
        self.inside_entity: set[int] = set()
        # tokens inside date expressions end a phrase ("مقام\u200cهای امنیتی عراق جمعه شب")
        self.in_date: set[int] = set()
        for loc in ctx.dates:
            self.in_date.update(range(ctx.token_index_at(loc.norm_start), ctx.token_index_at(loc.norm_end)))
        for loc in ctx.entities:
            first = ctx.token_index_at(loc.norm_start)
            last = ctx.token_index_at(loc.norm_end)
            if first < last:
                self.entity_at[first] = (loc.item, last, loc.norm_end)
                self.inside_entity.update(range(first + 1, last))

    # token tests ---------------------------------------------------------
    def _word(self, i: int) -> str:
        return self.ctx.tokens[i].norm

    def _is_stop(self, i: int) -> bool:
        tokens = self.ctx.tokens
        token = tokens[i]
        if token.kind is TokenKind.PUNCT or token.kind is TokenKind.SYMBOL:
            return token.norm not in _QUOTES
        word = token.norm
        if word in self.grammar.stops or word.replace(ZWNJ, "") in self.grammar.stops:
            for link in self.grammar.links:
                if link.word != word:
                    continue
                ok = True
                if link.after is not None:
                    ok = i > 0 and bool(link.after.fullmatch(tokens[i - 1].norm))
                if ok and link.before is not None:
                    ok = i + 1 < len(tokens) and bool(link.before.fullmatch(tokens[i + 1].norm))
                if ok:
                    return False
            return True
        return bool(_VERB_PREFIX.match(word)) and len(word) > 4

    def _head_end(self, i: int) -> tuple[int, str, str] | None:
        """If a head starts at token i: (token index after it, kind, rule id)."""
        start = self.ctx.token_spans[i][0]
        best = None
        for head in self.grammar.heads:
            m = head.regex.match(self.text, start)
            if m and (best is None or m.end() > best[0]):
                best = (m.end(), head.kind, head.id)
        if best is None:
            return None
        return self.ctx.token_index_at(best[0]), best[1], best[2]

    def _starts(self, i: int) -> tuple[int, str, str] | None:
        """A phrase may start at token i: (index after the start unit, kind, rule)."""
        if i in self.entity_at:
            entity, after, _ = self.entity_at[i]
            return after, entity.kind.value, "entity"
        if i in self.inside_entity:
            return None
        return self._head_end(i)

    # phrase building -----------------------------------------------------
    def _extend(self, i: int, after: int, limit: int, kind: str = "") -> int:
        """Extend a phrase whose start unit ends before token ``after``."""
        j = after
        n = len(self.ctx.tokens)
        quotes = sum(1 for k in range(i, after) if self.ctx.tokens[k].norm in _QUOTES)
        while j < n and j - i < MAX_PHRASE_TOKENS and self.ctx.token_spans[j][0] < limit:
            if j in self.entity_at:
                _, end, norm_end = self.entity_at[j]
                if norm_end > limit:
                    break
                j = end
                continue
            if self.ctx.tokens[j].norm in _QUOTES:
                quotes += 1
                if quotes % 2 == 0:  # a closing quote ends a quoted name: «الدردارة»
                    j += 1
                    break
            elif self._is_stop(j) or j in self.in_date:
                break
            elif kind != "target" and j > after and self._head_end(j) is not None \
                    and self._head_end(j)[1] == "target":
                break  # "هواپیمای شناسایی ترکیه روستای «الدردارة» را": a new phrase starts
            j += 1
        # a phrase does not end on a link word or a quote
        while j > after and (self.ctx.tokens[j - 1].norm in ("به", "از", "و", "مورد")
                             or (self.ctx.tokens[j - 1].norm in _QUOTES and quotes % 2 == 1)):
            if self.ctx.tokens[j - 1].norm in _QUOTES:
                quotes -= 1
            j -= 1
        return j

    def _make(self, i: int, j: int, kind: str, rule: str) -> Phrase:
        start = self.ctx.token_spans[i][0]
        end = self.ctx.token_spans[j - 1][1]
        entities = tuple(loc.item for loc in self.ctx.entities
                         if loc.norm_start >= start and loc.norm_end <= end)
        return Phrase(start, end, self.text[start:end], kind, entities, rule)

    def after(self, position: int, limit: int, max_skip: int = 2) -> Phrase | None:
        """The phrase starting at the first tokens at/after ``position`` (before ``limit``)."""
        i = self.ctx.token_index_at(position)
        n = len(self.ctx.tokens)
        skipped = 0
        while i < n and self.ctx.token_spans[i][0] < limit:
            start = self._starts(i)
            if start is not None:
                j = self._extend(i, start[0], limit, start[1])
                first = i
                # keep a determiner right before the head ("یک منبع مطلع")
                if i > 0 and self.grammar.determiners.fullmatch(self._word(i - 1)) \
                        and self.ctx.token_spans[i - 1][0] >= position:
                    first = i - 1
                return self._make(first, j, start[1], start[2])
            if not (self.grammar.determiners.fullmatch(self._word(i)) or self.ctx.tokens[i].norm in _QUOTES):
                if skipped >= max_skip:
                    return None
                skipped += 1
            i += 1
        return None

    def before(self, position: int, floor: int) -> Phrase | None:
        """The phrase that ends with the last token before ``position`` (not before ``floor``)."""
        j = self.ctx.token_index_at(position)  # first token at/after position
        last = j - 1
        while last >= 0 and (self.ctx.tokens[last].norm in _QUOTES or self.ctx.tokens[last].norm in "\u060c,"):
            last -= 1
        if last < 0 or self.ctx.token_spans[last][0] < floor:
            return None
        # walk left over words that may be inside a phrase
        k = last
        while k >= 0 and self.ctx.token_spans[k][0] >= floor and last - k < MAX_PHRASE_TOKENS:
            if k in self.inside_entity or k in self.entity_at:
                k -= 1
                continue
            if self._is_stop(k):
                break
            k -= 1
        first_allowed = k + 1
        starts = [i for i in range(first_allowed, last + 1) if self._starts(i) is not None]
        target_heads = [i for i in starts[1:] if self._starts(i)[1] == "target"]
        if target_heads and self._starts(starts[0])[1] != "target":
            first_allowed = target_heads[0]  # "یگان\u200cهای ارتش سوریه روستای «أم شعیفة» را": the object
        for i in range(first_allowed, last + 1):
            start = self._starts(i)
            if start is None:
                continue
            end = self._extend(i, start[0], self.ctx.token_spans[last][1] + 1, start[1])
            if end - 1 != last and not (end > last):
                continue
            first = i
            if i > 0 and self.grammar.determiners.fullmatch(self._word(i - 1)) \
                    and self.ctx.token_spans[i - 1][0] >= floor:
                first = i - 1
            return self._make(first, last + 1, start[1], start[2])
        return None

    def all_in(self, start: int, end: int) -> list[Phrase]:
        """Every maximal phrase in ``[start, end)``, left to right."""
        out = []
        pos = start
        while pos < end:
            phrase = self.after(pos, end, max_skip=10_000)
            if phrase is None:
                break
            out.append(phrase)
            pos = phrase.norm_end
        return out
