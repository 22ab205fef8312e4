"""PLOVER type and mode to ACLED disorder/event/sub-event type and CAMEO root code.

The table is data (``data/mappings/plover_acled.csv``, sources in its header); the first
row whose type, mode ("*" for any) and target ("civilians": an ACLED inter-7 target) match wins.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

from rokhdad.errors import ConfigError
from rokhdad.model import Classification, EventType

STATE_FORCES = 1  # ACLED inter codes: state forces ...
CIVILIANS = 7  # ... civilians ...
EXTERNAL_FORCES = 8  # ... and external/other forces (state forces abroad among them)


@dataclass(frozen=True, slots=True)
class Category:
    """One row of ``plover_acled.csv``."""

    type: str
    mode: str
    target: str
    plover_mode: str
    disorder_type: str
    event_type: str
    sub_event_type: str
    cameo_root: str


def mapping_rows(name: str) -> list[dict[str, str]]:
    path = resources.files("rokhdad").joinpath(f"data/mappings/{name}")
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


@functools.cache
def categories() -> tuple[Category, ...]:
    try:
        return tuple(Category(**row) for row in mapping_rows("plover_acled.csv"))
    except TypeError as exc:
        raise ConfigError(f"data/mappings/plover_acled.csv: unexpected columns: {exc}") from exc


def category(event_type: EventType, mode: str | None, civilians: bool) -> Category:
    for row in categories():
        if row.type != event_type.value or row.mode not in ("*", mode or ""):
            continue
        if row.target == "civilians" and not civilians:
            continue
        return row
    raise ConfigError(f"data/mappings/plover_acled.csv has no row for {event_type.value}/{mode}")


def classify(event_type: EventType, mode: str | None, civilians: bool = False) -> Classification:
    """The ACLED and CAMEO coding of a PLOVER type and mode."""
    row = category(event_type, mode, civilians)
    return Classification(row.disorder_type, row.event_type, row.sub_event_type, row.cameo_root,
                          row.plover_mode or None)
