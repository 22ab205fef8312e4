"""ZWNJ repair (placeholder until the lexicon lands): returns text unchanged."""

from __future__ import annotations

from rokhdad.model import OffsetMap


def repair(text: str, offsets: OffsetMap) -> tuple[str, OffsetMap]:
    return text, offsets
