"""Everything the event rules look at for one article, computed once.

The normalised working copy, its tokens and sentences, entities, dates and quantities,
all with spans in *normalised* offsets (``norm_start``/``norm_end``) so rules compare
positions on one axis; ``to_original`` maps a span back for evidence.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from rokhdad.extract.rules import RuleSet, bounded_spans
from rokhdad.model import Article, Entity, Sentence, Token
from rokhdad.resolve.dates import find_dates
from rokhdad.resolve.numbers import find_quantities
from rokhdad.text.normalize import Normalized, normalize
from rokhdad.text.segment import Segmented, segment

HEADLINE_MAX_CHARS = 200  # a first line longer than this is body text, not a headline


@dataclass(frozen=True, slots=True)
class Located:
    """A found item with its span in the normalised text."""

    norm_start: int
    norm_end: int
    item: object


@dataclass(frozen=True, slots=True)
class SentenceView:
    index: int
    norm_start: int
    norm_end: int
    token_start: int
    token_end: int
    headline: bool


class ArticleContext:
    """One article, analysed. Not a frozen record: it is a cache of derived views."""

    def __init__(self, article: Article, entities: tuple[Entity, ...] | None = None,
                 rules: RuleSet | None = None):
        self.article = article
        self.norm: Normalized = normalize(article.text)
        seg = segment(self.norm)
        self.tokens: tuple[Token, ...] = seg.tokens
        self.token_spans = seg.norm_spans
        self.text = self.norm.text
        self.sentences = self._sentences(seg.sentences)
        # Trigger matches, by trigger id (the Extractor reuses them). With rules, the
        # statistical NER runs only around them: the event rules look at no other sentence's
        # entities, and most sentences of most articles report no incident.
        self.trigger_hits: dict[str, tuple[list[int], list[tuple[int, int]]]] = {}
        if rules is not None:
            for trigger in rules.triggers:
                spans = bounded_spans(self.text, trigger.regex)
                self.trigger_hits[trigger.id] = ([a for a, _ in spans], spans)
        if entities is None:
            near = None if rules is None else self._near_triggers()
            entities = _find_entities(article.text, self.norm, seg, near)
        self.entities = self._locate(entities)
        self.dates = self._locate(find_dates(article.text, article.published, normalized=self.norm))
        quantities = self._locate(find_quantities(article.text, normalized=self.norm))
        # "۱۵ دی ۱۴۰۰" is a date, not the counts 15 and 1400
        self.quantities = tuple(q for q in quantities if not any(
            d.norm_start <= q.norm_start < d.norm_end for d in self.dates))
        self._token_starts = [s for s, _ in self.token_spans]
        self._starts: dict[int, tuple] = {}  # id(items) -> (items, their starts), for within()

    def _near_triggers(self) -> frozenset[int]:
        """Indexes of the sentences holding a trigger match, with the ones before and after
        (sources and actors are often named there), and the headline."""
        sentence_starts = [s.norm_start for s in self.sentences]
        chosen = {0}
        for starts, _ in self.trigger_hits.values():
            for start in starts:
                i = bisect.bisect_right(sentence_starts, start) - 1
                chosen.update((i - 1, i, i + 1))
        return frozenset(chosen)

    def _sentences(self, sentences: tuple[Sentence, ...]) -> tuple[SentenceView, ...]:
        views = []
        text = self.text
        for i, s in enumerate(sentences):
            start = self.token_spans[s.token_start][0]
            end = self.token_spans[s.token_end - 1][1]
            headline = (i == 0 and len(sentences) > 1 and end - start <= HEADLINE_MAX_CHARS
                        and "\n" in text[end:end + 3] and text[end - 1] not in ".!?\u061f")
            views.append(SentenceView(i, start, end, s.token_start, s.token_end, headline))
        return tuple(views)

    def _locate(self, items) -> tuple[Located, ...]:
        to_norm = self.norm.offsets.to_normalized
        out = []
        for item in items:
            start = to_norm(item.start)
            end = to_norm(item.end)
            out.append(Located(start, max(end, start + 1), item))
        return tuple(sorted(out, key=lambda x: x.norm_start))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of a normalised span, trimmed of surrounding spaces."""
        o_start, o_end = self.norm.to_original(start, end)
        raw = self.article.text
        while o_start < o_end and raw[o_start].isspace():
            o_start += 1
        while o_end > o_start and (raw[o_end - 1].isspace() or raw[o_end - 1] in "\u200c\u200f\u200e"):
            o_end -= 1
        return o_start, o_end

    def token_index_at(self, position: int) -> int:
        """Index of the first token starting at or after normalised ``position``."""
        return bisect.bisect_left(self._token_starts, position)

    def within(self, items: tuple[Located, ...], start: int, end: int) -> list[Located]:
        """Items lying in ``[start, end)``; ``items`` are sorted by start (bisect, not a scan)."""
        cached = self._starts.get(id(items))
        if cached is None or cached[0] is not items:  # keyed by identity, checked
            cached = self._starts[id(items)] = (items, [x.norm_start for x in items])
        starts = cached[1]
        i = bisect.bisect_left(starts, start)
        out = []
        while i < len(items) and items[i].norm_start < end:
            if items[i].norm_end <= end:
                out.append(items[i])
            i += 1
        return out

    def sentence_of(self, position: int) -> SentenceView:
        for s in self.sentences:
            if s.norm_start <= position < s.norm_end:
                return s
        return self.sentences[-1]


def _find_entities(text: str, norm: Normalized, segmented: Segmented,
                   ner_sentences: frozenset[int] | None) -> tuple[Entity, ...]:
    from rokhdad.entities import find_entities

    return find_entities(text, normalized=norm, segmented=segmented, ner_sentences=ner_sentences)
