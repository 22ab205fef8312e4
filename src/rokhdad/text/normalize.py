"""Offset-keeping normalisation of Persian text.

Every step takes ``(text, OffsetMap)`` and returns a new pair; ``normalize`` chains them.
The invariant: ``origin`` stays non-decreasing and every entry indexes the original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rokhdad.model import OffsetMap
from rokhdad.text import chars

Step = Callable[[str, OffsetMap], "tuple[str, OffsetMap]"]


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised working copy of ``original`` and the map back to it."""

    original: str
    text: str
    offsets: OffsetMap

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets.to_original(start, end)


def rewrite(text: str, offsets: OffsetMap, pattern: re.Pattern[str],
            replace: Callable[[re.Match[str]], str]) -> tuple[str, OffsetMap]:
    """Replace every match of ``pattern`` and carry the offset map along.

    Inside a match, the replacement is aligned with the matched text by common
    prefix and suffix; the changed middle takes the origin of the first changed
    original character (or, for a pure insertion, of the character after it).
    """
    origin = offsets.origin
    pieces: list[str] = []
    new_origin: list[int] = []
    last = 0
    changed = False
    for match in pattern.finditer(text):
        old = match.group()
        new = replace(match)
        if new == old:
            continue
        changed = True
        start, end = match.span()
        pieces.append(text[last:start])
        new_origin.extend(origin[last:start])
        prefix = 0
        limit = min(len(old), len(new))
        while prefix < limit and old[prefix] == new[prefix]:
            prefix += 1
        suffix = 0
        while (suffix < limit - prefix
               and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]):
            suffix += 1
        new_origin.extend(origin[start : start + prefix])
        middle_new = len(new) - prefix - suffix
        middle_old = len(old) - prefix - suffix
        if middle_new == middle_old:
            new_origin.extend(origin[start + prefix : start + prefix + middle_new])
        else:
            new_origin.extend([origin[start + prefix]] * middle_new)
        new_origin.extend(origin[end - suffix : end])
        pieces.append(new)
        last = end
    if not changed:
        return text, offsets
    pieces.append(text[last:])
    new_origin.extend(origin[last:])
    return "".join(pieces), OffsetMap(tuple(new_origin))


def _delete(pattern: re.Pattern[str]) -> Step:
    def step(text: str, offsets: OffsetMap) -> tuple[str, OffsetMap]:
        return rewrite(text, offsets, pattern, lambda m: "")
    return step


def unify_characters(text: str, offsets: OffsetMap) -> tuple[str, OffsetMap]:
    """Arabic letter forms, digits, odd spaces and quotes: one-to-one, offsets kept.

    >>> unify_characters("كتاب ۱۲", OffsetMap.identity(7))[0]
    'کتاب 12'
    """
    return text.translate(chars.ONE_TO_ONE), offsets


remove_marks = _delete(re.compile(f"[{chars.DELETED_CLASS}]+"))
remove_marks.__doc__ = "Delete tatweel, diacritics and invisible format characters other than ZWNJ."

_CRLF = re.compile(r"\r\n?")
_SPACES = re.compile(r" {2,}|(?<=\n) +| +(?=\n)")
_ZWNJ_RUNS = re.compile(
    f"{chars.ZWNJ}{{2,}}"
    f"|(?<=[\\s{chars.ZWNJ}]){chars.ZWNJ}+"
    f"|{chars.ZWNJ}+(?=\\s)"
    f"|^{chars.ZWNJ}+|{chars.ZWNJ}+$"
    f"|(?<=[^\\w]){chars.ZWNJ}+|{chars.ZWNJ}+(?=[^\\w])"
)
_ARABIC_COMMA = re.compile("(?<![0-9])\u066c|\u066c(?![0-9])")


def tidy_spaces(text: str, offsets: OffsetMap) -> tuple[str, OffsetMap]:
    """CRLF to LF, runs of spaces to one, no spaces around a newline."""
    text, offsets = rewrite(text, offsets, _CRLF, lambda m: "\n")
    return rewrite(text, offsets, _SPACES, lambda m: " " if m.group().startswith("  ") else "")


def tidy_zwnj(text: str, offsets: OffsetMap) -> tuple[str, OffsetMap]:
    """One ZWNJ where there were several; none next to spaces, punctuation or text edges."""
    def keep_one(match: re.Match[str]) -> str:
        s, e = match.span()
        before = text[s - 1] if s else " "
        after = text[e] if e < len(text) else " "
        if before.isspace() or after.isspace() or not before.isalpha() or not after.isalpha():
            return ""
        return chars.ZWNJ
    return rewrite(text, offsets, _ZWNJ_RUNS, keep_one)


_LIGATURES = re.compile("[" + "".join(chars.PRESENTATION_LIGATURES) + "]")


def expand_ligatures(text: str, offsets: OffsetMap) -> tuple[str, OffsetMap]:
    """Presentation-form ligatures ("ﻻ", "ﷲ") to their letters; each takes the ligature's origin."""
    if not _LIGATURES.search(text):
        return text, offsets
    return rewrite(text, offsets, _LIGATURES, lambda m: chars.PRESENTATION_LIGATURES[m.group()])


def unify_punctuation(text: str, offsets: OffsetMap) -> tuple[str, OffsetMap]:
    """The Arabic thousands separator used as a comma outside numbers becomes ``،``."""
    return rewrite(text, offsets, _ARABIC_COMMA, lambda m: "\u060c")


def _repair_zwnj(text: str, offsets: OffsetMap) -> tuple[str, OffsetMap]:
    from rokhdad.text import zwnj  # imported late: loads the lexicon on first use

    return zwnj.repair(text, offsets)


BASE_STEPS: tuple[Step, ...] = (
    expand_ligatures,
    unify_characters,
    remove_marks,
    tidy_spaces,
    tidy_zwnj,
    unify_punctuation,
)


def normalize(text: str, *, repair_zwnj: bool = True) -> Normalized:
    """Normalise ``text`` into a working copy with an offset map back to it.

    >>> normalize("مي\u200c\u200cگويند ۱۲").text == "می\u200cگویند 12"
    True
    """
    offsets = OffsetMap.identity(len(text))
    work = text
    steps = BASE_STEPS + ((_repair_zwnj,) if repair_zwnj else ())
    for step in steps:
        work, offsets = step(work, offsets)
    return Normalized(text, work, offsets)
