"""Turning JSON objects and text files into ``Article`` records, with clear errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rokhdad.errors import ArticleError
from rokhdad.model import Article

MAX_ARTICLE_CHARS = 2_000_000  # longer "articles" are dumps, not news; refuse them whole


def parse_published(value: Any, where: str) -> dt.date | None:
    """An ISO date (or datetime) string, or None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ArticleError(f"{where}: 'published' must be a YYYY-MM-DD string, got {type(value).__name__}")
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise ArticleError(f"{where}: 'published' is not a date: {value!r} (expected YYYY-MM-DD)") from None


def check_text(text: Any, where: str) -> str:
    if not isinstance(text, str):
        raise ArticleError(f"{where}: 'text' must be a string")
    if not text.strip():
        raise ArticleError(f"{where}: empty text")
    if "\x00" in text:
        raise ArticleError(f"{where}: text contains NUL characters (binary data?)")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleError(f"{where}: text longer than {MAX_ARTICLE_CHARS:,} characters")
    return text


def article_from_json(obj: Any, where: str) -> Article:
    """Build an ``Article`` from a JSON object with ``id``, ``text`` and optional fields.

    ``published`` may also be given as ``date``; ``source`` as ``outlet``.
    """
    if not isinstance(obj, dict):
        raise ArticleError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    article_id = obj.get("id", obj.get("doc_id"))
    if not isinstance(article_id, (str, int)) or str(article_id).strip() == "":
        raise ArticleError(f"{where}: missing 'id'")
    text = check_text(obj.get("text"), f"{where} (id {article_id})")
    published = parse_published(obj.get("published", obj.get("date")), f"{where} (id {article_id})")

    def optional(key: str, *alternatives: str) -> str | None:
        for name in (key, *alternatives):
            value = obj.get(name)
            if isinstance(value, str) and value.strip():
                return value
        return None

    return Article(id=str(article_id), text=text, published=published,
                   source=optional("source", "outlet"), title=optional("title"), url=optional("url"))
