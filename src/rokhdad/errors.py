"""The whole rokhdad error hierarchy; every error a user can cause is one of these.

    RokhdadError                    base of everything rokhdad raises on purpose
    ├── InputError        (422)     bad input: text, file, option
    │   ├── ArticleError            an article that cannot be read or processed
    │   └── DateError               a date that cannot be parsed
    ├── ConfigError       (500)     bad package data or set-up
    │   ├── GazetteerError          a gazetteer or actor table row is invalid
    │   └── RuleError               a rule or lexicon file is invalid
    ├── StoreError        (500)     the database cannot be opened, read or written
    └── NotFoundError     (404)     an id that does not exist

Each class carries the HTTP status the API answers with (``http_status``).
"""

from __future__ import annotations

__all__ = [
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


class RokhdadError(Exception):
    """Base class of every error rokhdad raises on purpose."""

    http_status = 500


class InputError(RokhdadError):
    """The user gave input rokhdad cannot use."""

    http_status = 422


class ArticleError(InputError):
    """An article is empty, binary, not UTF-8, or malformed."""


class DateError(InputError):
    """A date string is not a valid ISO date."""


class ConfigError(RokhdadError):
    """Package data or configuration is invalid or missing."""


class GazetteerError(ConfigError):
    """A gazetteer, facility or actor table row is invalid (message gives file:line)."""


class RuleError(ConfigError):
    """A rule or lexicon file is invalid (message gives file:line)."""


class StoreError(RokhdadError):
    """The database cannot be opened, read or written."""


class NotFoundError(RokhdadError):
    """An id that does not exist in the store."""

    http_status = 404
