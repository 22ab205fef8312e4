"""PLOVER type and mode to ACLED and CAMEO, from data/mappings/plover_acled.csv."""

from __future__ import annotations

import pytest

from rokhdad.extract.taxonomy import categories, classify
from rokhdad.model import EventType
from rokhdad.extract.rules import MODES


@pytest.mark.parametrize(("event_type", "mode", "civilians", "expected"), [
    (EventType.ASSAULT, "heavy-weapons", False, ("Explosions/Remote violence", "Shelling/artillery/missile attack", "19")),
    (EventType.ASSAULT, "aerial", False, ("Explosions/Remote violence", "Air/drone strike", "19")),
    (EventType.ASSAULT, "firearms", False, ("Battles", "Armed clash", "19")),
    (EventType.ASSAULT, "firearms", True, ("Violence against civilians", "Attack", "18")),
    (EventType.ASSAULT, "suicide-attack", False, ("Explosions/Remote violence", "Suicide bomb", "18")),
    (EventType.PROTEST, "demo", False, ("Protests", "Peaceful protest", "14")),
    (EventType.COERCE, "arrest", False, ("Strategic developments", "Arrests", "17")),
    (EventType.MOBILIZE, "troops", False, ("Strategic developments", "Change to group/activity", "15")),
])
def test_classification(event_type, mode, civilians, expected) -> None:
    c = classify(event_type, mode, civilians)
    assert (c.event_type, c.sub_event_type, c.cameo_root) == expected


def test_every_mode_has_a_row() -> None:
    assert categories()
    for event_type, modes in MODES.items():
        for mode in modes:
            assert classify(event_type, mode).disorder_type
