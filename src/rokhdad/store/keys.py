"""Deterministic keys: mention, incident, actor and place ids, and folded names for matching.

Every id is a pure function of what it names (STYLE.md: "IDs are a hash of article id,
rule id and evidence offsets"), so storing the same article twice upserts the same rows.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rokhdad.model import Event, Participant

_LETTERS = str.maketrans({
    "\u064a": "\u06cc", "\u0649": "\u06cc",                    # Arabic yeh, alef maksura -> Persian yeh
    "\u0643": "\u06a9",                                        # Arabic kaf -> Persian keheh
    "\u0629": "\u0647", "\u06c0": "\u0647",                    # teh marbuta, heh with yeh -> heh
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627", "\u0622": "\u0627",  # alef forms
    "\u0624": "\u0648",                                        # waw with hamza -> waw
})
_DROP = re.compile(r"[\s\u200c\u200d\u200e\u200f\u0640\u064b-\u065f\u0670\W_]+")


def fold(name: str) -> str:
    """A matching key for a name: letter forms unified, marks, spaces, ZWNJ and punctuation dropped.

    >>> fold("نیروهای\\u200cآمریکایی") == fold("نيروهاي آمريكايي")
    True
    >>> fold("Kata'ib Hezbollah")
    'kataibhezbollah'
    """
    text = unicodedata.normalize("NFKC", name).translate(_LETTERS).casefold()
    text = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)
    return _DROP.sub("", text)


def short_hash(*parts: str, length: int = 16) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def mention_id(event: Event, version: int) -> str:
    """The event's own id for an article's first version; later versions get ``~vN``.

    The extractor's id hashes article id, rule and offsets; the same offsets can recur
    in a changed text, and both versions are kept, so the version is part of the key.
    """
    return event.id if version == 1 else f"{event.id}~v{version}"


def incident_id(founder_mention_id: str) -> str:
    """An incident is named after the mention that founded it in the canonical merge order."""
    return "I" + short_hash(founder_mention_id, length=15)


def participant_key(participant: Participant) -> str:
    """Table entry id when the extractor resolved one, else the folded English or written name."""
    if participant.entry_id:
        return participant.entry_id
    return "name:" + (fold(participant.name_en or "") or fold(participant.text) or participant.text)


def place_key(entry_id: str | None, text: str) -> str:
    return entry_id or "name:" + (fold(text) or text)
