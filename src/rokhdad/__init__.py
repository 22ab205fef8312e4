"""rokhdad: Persian news to a traceable conflict-event dataset."""

from rokhdad.errors import (
    ArticleError,
    ConfigError,
    DateError,
    GazetteerError,
    InputError,
    NotFoundError,
    RokhdadError,
    RuleError,
    StoreError,
)
from rokhdad.model import Article, Event, OffsetMap, Span
from rokhdad.pipeline import process

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "process",
    "Article",
    "Event",
    "OffsetMap",
    "Span",
    "RokhdadError",
    "InputError",
    "ArticleError",
    "DateError",
    "ConfigError",
    "GazetteerError",
    "RuleError",
    "StoreError",
    "NotFoundError",
]
