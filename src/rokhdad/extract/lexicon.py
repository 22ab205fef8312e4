"""Named lexical patterns and word lists from ``data/rules/lexicon.yaml``, validated at load.

The event code asks for them by id (``pattern("reference")``); a missing id, a bad regex
or an unknown key is a RuleError naming ``rules/lexicon.yaml`` and the line.
"""

from __future__ import annotations

import functools
import re

from rokhdad.errors import RuleError
from rokhdad.extract.rules import _check_ids, _read


@functools.cache
def _load() -> tuple[dict[str, re.Pattern[str]], dict[str, frozenset[str]]]:
    source = _read("lexicon.yaml")
    patterns: dict[str, re.Pattern[str]] = {}
    entries = source.entries("patterns", {"id": True, "pattern": True, "note": False})
    _check_ids(source, entries)
    for node, d in entries:
        try:
            patterns[d["id"]] = re.compile(d["pattern"])
        except re.error as exc:
            raise source.error(node, f"pattern does not compile: {exc}") from None
    words: dict[str, frozenset[str]] = {}
    entries = source.entries("words", {"id": True, "words": True, "note": False})
    _check_ids(source, entries)
    for node, d in entries:
        words[d["id"]] = frozenset(w for w in d["words"].split("|") if w)
    return patterns, words


def pattern(name: str) -> re.Pattern[str]:
    patterns, _ = _load()
    if name not in patterns:
        raise RuleError(f"rules/lexicon.yaml: no pattern '{name}' (the code needs it)")
    return patterns[name]


def words(name: str) -> frozenset[str]:
    _, lists = _load()
    if name not in lists:
        raise RuleError(f"rules/lexicon.yaml: no word list '{name}' (the code needs it)")
    return lists[name]
