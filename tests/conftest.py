"""Shared fixtures: paths to the shared data and a small article factory."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from rokhdad.model import Article

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_5efb378a2e205048.txt"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test when the shared folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


@pytest.fixture
def article():
    def make(text: str, published: str | None = "2022-01-05", id: str = "test-1") -> Article:
        return Article(id=id, text=text,
                       published=dt.date.fromisoformat(published) if published else None)
    return make


def read_jsonl(path: Path, limit: int | None = None) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            rows.append(json.loads(line))
            if limit is not None and len(rows) >= limit:
                break
    return rows
