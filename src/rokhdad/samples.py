"""The sample articles bundled as package data (see data/samples/README.md)."""

from __future__ import annotations

import json
from importlib import resources

from rokhdad.model import Article
from rokhdad.reader import article_from_json


def sample_articles() -> tuple[Article, ...]:
    """Every bundled sample article, in file order."""
    path = resources.files("rokhdad").joinpath("data/samples/articles.jsonl")
    with path.open(encoding="utf-8") as handle:
        return tuple(article_from_json(json.loads(line), where=f"samples:{n}")
                     for n, line in enumerate(handle, 1) if line.strip())
