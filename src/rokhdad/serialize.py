"""Records to plain JSON-ready dicts and back, losslessly (enums by value, tuples as lists).

``to_dict`` walks any frozen record of ``rokhdad.model``; ``event_from_dict`` and
``article_from_dict`` rebuild them, so a stored or exported event round-trips exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import typing
from typing import Any

from rokhdad import model


def to_dict(record: Any) -> Any:
    """A JSON-ready view of a record: dataclasses and NamedTuples become dicts."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, tuple) and hasattr(record, "_fields"):
        return {name: to_dict(value) for name, value in zip(record._fields, record)}
    if isinstance(record, enum.Enum):
        return record.value
    if isinstance(record, (list, tuple)):
        return [to_dict(x) for x in record]
    if isinstance(record, dt.date):
        return record.isoformat()
    return record


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls, vars(model))
    return _HINTS[cls]


def _build(hint: Any, value: Any) -> Any:
    """Rebuild ``value`` as type ``hint`` (records, enums, tuples, optionals)."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(options) == 1:
            return _build(options[0], value)
        for option in options:  # int | float and the like: keep the JSON value
            if isinstance(value, option):
                return value
        return value
    if origin is tuple:
        args = typing.get_args(hint)
        item = args[0] if args else Any
        return tuple(_build(item, v) for v in value)
    if isinstance(hint, type):
        if issubclass(hint, enum.Enum):
            return hint(value)
        if dataclasses.is_dataclass(hint):
            hints = _hints(hint)
            return hint(**{k: _build(hints[k], v) for k, v in value.items() if k in hints})
        if issubclass(hint, tuple) and hasattr(hint, "_fields"):
            hints = _hints(hint)
            return hint(**{k: _build(hints[k], v) for k, v in value.items()})
        if hint is dt.date:
            return dt.date.fromisoformat(value)
    return value


def event_from_dict(data: dict[str, Any]) -> model.Event:
    """Rebuild an ``Event`` from ``to_dict(event)``."""
    return _build(model.Event, data)


def article_from_dict(data: dict[str, Any]) -> model.Article:
    """Rebuild an ``Article`` from ``to_dict(article)``."""
    return _build(model.Article, data)
