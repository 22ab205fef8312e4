"""Phrases to ``Participant`` records: the words as written plus every name they go by."""

from __future__ import annotations

import re

from rokhdad.extract import lexicon
from rokhdad.extract.context import ArticleContext
from rokhdad.extract.phrases import Phrase
from rokhdad.model import EntityKind, Participant, Span
from rokhdad.text.chars import ZWNJ

LEADING = lexicon.pattern("leading_determiner")
INNER_DEMONSTRATIVE = lexicon.pattern("inner_demonstrative")
TRAILING = lexicon.pattern("trailing_pronoun")
NAMED = lexicon.pattern("called")
QUOTES = re.compile("[«»\"']")
TARGET_NOUN = lexicon.pattern("target_noun")
HEAD_KINDS = {
    "armed_group": EntityKind.ARMED_GROUP, "state_force": EntityKind.STATE_FORCE,
    "official": EntityKind.OFFICIAL, "organization": EntityKind.ORGANIZATION,
}


def name_key(name: str) -> str:
    """Comparison key for names: no spaces, ZWNJ or punctuation."""
    return re.sub(f"[\\s{ZWNJ}«»\"'().،,-]", "", name)


class ParticipantBuilder:
    def __init__(self, ctx: ArticleContext):
        self.ctx = ctx
        self._entries = None

    def _entry(self, entry_id: str | None):
        if entry_id is None:
            return None
        if self._entries is None:
            try:
                from rokhdad.entities.gazetteer import shipped_gazetteer

                self._entries = shipped_gazetteer().by_id
            except Exception:  # noqa: BLE001 - names are a bonus; the phrase still stands
                self._entries = {}
        return self._entries.get(entry_id)

    def build(self, phrase: Phrase, rule: str) -> Participant:
        start, end = self.ctx.to_original(phrase.norm_start, phrase.norm_end)
        written = self.ctx.article.text[start:end]
        aliases: list[str] = [written]
        named = NAMED.search(phrase.text)
        if named:  # "گروهی به نام «قاصم الجبارین»": the name is what the group is called
            n_start, n_end = self.ctx.to_original(phrase.norm_start + named.start(1),
                                                  phrase.norm_start + named.end(1))
            start, end = n_start, n_end
            written = self.ctx.article.text[start:end]
            aliases.insert(0, written)
        for variant in (LEADING.sub("", phrase.text), INNER_DEMONSTRATIVE.sub("", phrase.text),
                        TRAILING.sub("", LEADING.sub("", INNER_DEMONSTRATIVE.sub("", phrase.text)))):
            aliases.append(variant)
        entity = phrase.main_entity
        name_en = entry_id = None
        kind = HEAD_KINDS.get(phrase.kind)
        inter = None
        if entity is not None:
            aliases.append(entity.text)
            entry = self._entry(entity.entry_id)
            name_en, entry_id, kind = entity.name_en, entity.entry_id, entity.kind
            if entry is not None:
                aliases.extend(entry.aliases)
                name_en = name_en or entry.name_en
                inter = entry.inter
            if entity.place is not None and entity.place.name_en:
                name_en = name_en or entity.place.name_en
            if entity.kind is EntityKind.PLACE:
                kind = EntityKind.GOVERNMENT if phrase.rule == "entity" else kind
        if name_en:
            aliases.append(name_en)
        seen: set[str] = set()
        unique = []
        aliases = [QUOTES.sub("", a).strip(" \u200c") for a in aliases]
        stripped = [TARGET_NOUN.sub("", a) for a in aliases]
        aliases += [a for a in stripped if len(a) > 2]
        for a in aliases:
            key = name_key(a)
            if key and key not in seen:
                seen.add(key)
                unique.append(a)
        return Participant(text=written, spans=(Span(start, end),), name_en=name_en, entry_id=entry_id,
                           kind=kind, inter=inter, aliases=tuple(unique), rule=rule)


def merge_participants(items: list[Participant]) -> tuple[Participant, ...]:
    """One participant per referent: same table entry or a shared name."""
    out: list[Participant] = []
    for p in items:
        keys = {name_key(a) for a in p.aliases}
        for i, q in enumerate(out):
            same_entry = p.entry_id is not None and p.entry_id == q.entry_id
            if same_entry or keys & {name_key(a) for a in q.aliases}:
                merged_aliases = list(q.aliases) + [a for a in p.aliases
                                                    if name_key(a) not in {name_key(x) for x in q.aliases}]
                out[i] = Participant(q.text, q.spans + tuple(s for s in p.spans if s not in q.spans),
                                     q.name_en or p.name_en, q.entry_id or p.entry_id, q.kind or p.kind,
                                     q.inter or p.inter, tuple(merged_aliases), q.rule)
                break
        else:
            out.append(p)
    return tuple(out)
