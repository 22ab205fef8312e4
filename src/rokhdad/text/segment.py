"""Sentences and tokens with offsets into the original text.

Runs on a ``Normalized`` working copy (so ZWNJ-joined words are one token and digits
are ASCII) and maps every token and sentence back to the original characters.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from rokhdad.model import Sentence, Token, TokenKind
from rokhdad.text.chars import ZWNJ
from rokhdad.text.normalize import Normalized, normalize

# A word is letters (and marks) possibly joined by ZWNJ or an in-word apostrophe;
# a number may carry grouping or decimal separators between digits.
_TOKEN = re.compile(
    rf"(?P<word>[^\W\d_]+(?:[{ZWNJ}'’][^\W\d_]+)*)"
    r"|(?P<number>\d+(?:[.,\u066c\u066b/:]\d+)*)"
    r"|(?P<punct>[.!?\u061f\u060c,;\u061b:«»\"'()\[\]{}\-–—…/\\])"
    r"|(?P<symbol>[^\s])"
)

_NEWLINES = re.compile("\n")
# by group number (``Match.lastindex``): _TOKEN's groups in order (a test checks it)
_KINDS = (None, TokenKind.WORD, TokenKind.NUMBER, TokenKind.PUNCT, TokenKind.SYMBOL)

SENTENCE_END = frozenset(".!?\u061f…")
CLOSERS = frozenset("»\"')]")
# Abbreviation-like tokens after which a period does not end a sentence: single
# letters ("ج.ا.ا", "U.S."), and common Persian and Latin abbreviations.
ABBREVIATIONS = frozenset({
    "ق", "ه", "ش", "م", "ص", "ع", "ج", "ا", "ره", "س", "ح",
    "mr", "mrs", "dr", "prof", "vs", "etc", "no", "st", "jr", "sr", "inc", "ltd", "co",
})
MAX_LIST_NUMBER = 99  # "12." at the start of a line is a list item, not a sentence


@dataclass(frozen=True, slots=True)
class Segmented:
    """A normalised text with its tokens and sentences (all offsets original)."""

    normalized: Normalized
    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]
    # normalised-text offsets of each token, parallel to ``tokens``
    norm_spans: tuple[tuple[int, int], ...]


def tokenize(normalized: Normalized) -> tuple[tuple[Token, ...], tuple[tuple[int, int], ...]]:
    """Tokens of a normalised text, with original offsets, and their normalised spans."""
    origin = normalized.offsets.origin
    kinds = _KINDS
    tokens: list[Token] = []
    spans: list[tuple[int, int]] = []
    add_token, add_span = tokens.append, spans.append
    new = tuple.__new__  # Token(...) runs NamedTuple's Python-level __new__: twice as slow
    for match in _TOKEN.finditer(normalized.text):
        span = match.span()
        add_token(new(Token, (origin[span[0]], origin[span[1]], match.group(), kinds[match.lastindex])))
        add_span(span)
    return tuple(tokens), tuple(spans)


def _ends_sentence(text: str, tokens: tuple[Token, ...], spans, i: int) -> bool:
    """Whether punctuation token ``i`` closes a sentence."""
    mark = tokens[i].norm
    if mark not in SENTENCE_END:
        return False
    if mark == "." and i > 0:
        prev = tokens[i - 1]
        prev_end = spans[i - 1][1]
        glued = prev_end == spans[i][0]
        if glued and prev.kind is TokenKind.WORD and (
                prev.norm.casefold() in ABBREVIATIONS or (len(prev.norm) == 1 and prev.norm.isascii())):
            return False
        if glued and prev.kind is TokenKind.NUMBER and _is_list_number(text, spans[i - 1][0], prev):
            return False
    end = spans[i][1]
    # "...word.word" without a space is an abbreviation or a URL, not an end
    if end < len(text) and (text[end].isalnum()):
        return False
    return True


def _is_list_number(text: str, start: int, token: Token) -> bool:
    line_start = start == 0 or text[start - 1] == "\n"
    return line_start and token.norm.isdigit() and int(token.norm) <= MAX_LIST_NUMBER


def split_sentences(normalized: Normalized, tokens: tuple[Token, ...],
                    spans: tuple[tuple[int, int], ...]) -> tuple[Sentence, ...]:
    """Group tokens into sentences: at sentence-final marks (with closing quotes) and newlines.

    Only the candidate places are visited (final marks and line breaks), not every token.
    """
    text = normalized.text
    n = len(tokens)
    if not n:
        return ()
    starts = [a for a, _ in spans]
    # a line break between tokens i and i+1 closes the sentence at i
    breaks = {bisect_left(starts, m.start()) - 1 for m in _NEWLINES.finditer(text)}
    candidates = sorted(breaks | {i for i, t in enumerate(tokens) if t.norm in SENTENCE_END})
    sentences: list[Sentence] = []
    first = 0
    for i in candidates:
        if i < first or i >= n:
            continue
        if i not in breaks or tokens[i].norm in SENTENCE_END:
            if tokens[i].norm in SENTENCE_END and not _ends_sentence(text, tokens, spans, i):
                if i not in breaks:
                    continue
            else:
                while i + 1 < n and (tokens[i + 1].norm in SENTENCE_END or tokens[i + 1].norm in CLOSERS) \
                        and spans[i + 1][0] - spans[i][1] <= 1:
                    i += 1
        sentences.append(Sentence(tokens[first].start, tokens[i].end, first, i + 1))
        first = i + 1
    if first < n:
        sentences.append(Sentence(tokens[first].start, tokens[n - 1].end, first, n))
    return tuple(sentences)


def segment(text: str | Normalized) -> Segmented:
    """Normalise (if needed), tokenise and split into sentences.

    >>> s = segment("سلام. می\u200cگویند «خوب است.» ۱۲ نفر")
    >>> [s.normalized.original[x.start:x.end] for x in s.sentences]
    ['سلام.', 'می\u200cگویند «خوب است.»', '۱۲ نفر']
    """
    normalized = text if isinstance(text, Normalized) else normalize(text)
    tokens, spans = tokenize(normalized)
    return Segmented(normalized, tokens, split_sentences(normalized, tokens, spans), spans)
