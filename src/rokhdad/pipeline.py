"""Runs the stages in order: text -> entities -> dates/numbers -> events."""

from __future__ import annotations

from rokhdad.errors import ArticleError
from rokhdad.extract.context import ArticleContext
from rokhdad.extract.events import extract_events
from rokhdad.extract.rules import load_rules
from rokhdad.model import Article, Event


def process(article: Article) -> tuple[Event, ...]:
    """The incidents an article reports, each with evidence spans into ``article.text``."""
    if not isinstance(article.text, str) or not article.text.strip():
        raise ArticleError(f"article {article.id}: empty text")
    rules = load_rules()
    ctx = ArticleContext(article, rules=rules)
    return extract_events(ctx, rules)
