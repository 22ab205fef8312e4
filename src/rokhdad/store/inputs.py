"""Articles to ingest: JSONL files, directories of ``.txt`` files, stdin, or the samples.

Entry point ``read_inputs(paths)`` yields ``Article`` records and, for records that
cannot be read, ``InputFailure`` records, in a stable order (files as given, directory
entries sorted), so a batch goes on past bad articles. Problems with the paths
themselves (missing, unreadable, binary) are ``InputError`` before anything is read.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rokhdad.errors import ArticleError, DateError, InputError
from rokhdad.model import Article
from rokhdad.reader import article_from_json, check_text

TEXT_SUFFIXES = (".txt",)
SIDECAR_SUFFIX = ".json"  # a.txt's metadata lives in a.json: {"id", "published", "source", "title", "url"}
SNIFF_BYTES = 8192         # enough to tell a binary file from JSONL before reading it all


@dataclass(frozen=True, slots=True)
class InputFailure:
    """A record that could not be read: where it is, and why."""

    location: str
    error_class: str
    message: str
    article_id: str | None = None


def _decode(data: bytes, where: str) -> str:
    if b"\x00" in data:
        raise ArticleError(f"{where}: binary data (NUL bytes); expected UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleError(f"{where}: not valid UTF-8 at byte {error.start}") from None


def _failure(location: str, error: Exception, article_id: str | None = None) -> InputFailure:
    return InputFailure(location, type(error).__name__, str(error), article_id)


def read_jsonl(handle: BinaryIO, name: str) -> Iterator[Article | InputFailure]:
    """One article per non-empty line; a bad line becomes an ``InputFailure``."""
    for number, raw in enumerate(handle, 1):
        if not raw.strip():
            continue
        where = f"{name}:{number}"
        obj = None
        try:
            try:
                obj = json.loads(_decode(raw, where))
            except json.JSONDecodeError as error:
                raise ArticleError(f"{where}: not JSON ({error.msg} at column {error.colno})") from None
            article = article_from_json(obj, where)
        except ArticleError as error:
            known = isinstance(obj, dict) and isinstance(obj.get("id"), (str, int))
            yield _failure(where, error, str(obj["id"]) if known else None)
            continue
        yield article


def read_text_file(path: Path, published: dt.date | None = None) -> Article:
    """One ``.txt`` article; id, date and outlet from ``<stem>.json`` beside it if present.

    Raises:
        ArticleError: unreadable text or sidecar.
    """
    where = str(path)
    try:
        text = check_text(_decode(path.read_bytes(), where), where)
    except OSError as error:
        raise ArticleError(f"{where}: cannot read: {error.strerror}") from error
    meta: dict = {}
    sidecar = path.with_suffix(SIDECAR_SUFFIX)
    if sidecar.is_file():
        try:
            meta = json.loads(_decode(sidecar.read_bytes(), str(sidecar)))
        except (OSError, json.JSONDecodeError) as error:
            raise ArticleError(f"{sidecar}: unreadable sidecar: {error}") from error
        if not isinstance(meta, dict):
            raise ArticleError(f"{sidecar}: expected a JSON object")
    obj = {"id": path.stem, **meta, "text": text}
    if obj.get("published", obj.get("date")) is None and published is not None:
        obj["published"] = published.isoformat()
    return article_from_json(obj, where)


def _text_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)


def check_paths(paths: Iterable[str]) -> list[str]:
    """Fail early, with one clear message, on paths that cannot be read at all."""
    checked = []
    for value in paths:
        if value == "-":
            checked.append(value)
            continue
        path = Path(value)
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
        if path.is_file():
            try:
                with path.open("rb") as handle:
                    head = handle.read(SNIFF_BYTES)
            except OSError as error:
                raise InputError(f"{path}: cannot read: {error.strerror}") from error
            if b"\x00" in head:
                raise InputError(f"{path}: looks like a binary file (NUL bytes); expected JSONL or UTF-8 text")
        checked.append(value)
    return checked


def count_articles(paths: Iterable[str]) -> int | None:
    """How many articles ``read_inputs`` will yield (for a progress bar); None for stdin."""
    total = 0
    for value in paths:
        if value == "-":
            return None
        path = Path(value)
        if path.is_dir():
            total += len(_text_files(path))
        elif path.suffix.lower() in TEXT_SUFFIXES:
            total += 1
        else:
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
    return total


def read_inputs(paths: Iterable[str], published: dt.date | None = None,
                stdin: BinaryIO | None = None) -> Iterator[Article | InputFailure]:
    """Articles from each path in turn: ``-`` is JSONL on stdin, a directory holds ``.txt``
    files (searched recursively), a ``.txt`` file is one article, anything else is JSONL.

    Args:
        published: publication date for ``.txt`` articles whose sidecar gives none.
    """
    for value in paths:
        if value == "-":
            yield from read_jsonl(stdin or sys.stdin.buffer, "<stdin>")
            continue
        path = Path(value)
        if path.is_dir():
            files = _text_files(path)
        elif path.suffix.lower() in TEXT_SUFFIXES:
            files = [path]
        else:
            try:
                with path.open("rb") as handle:
                    yield from read_jsonl(handle, str(path))
            except OSError as error:
                yield InputFailure(str(path), "InputError", f"{path}: cannot read: {error.strerror}")
            continue
        for file in files:
            try:
                yield read_text_file(file, published)
            except ArticleError as error:
                yield _failure(str(file), error, file.stem)


def parse_date_option(value: str | None, option: str = "--published") -> dt.date | None:
    """An ISO date given on the command line."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise DateError(f"{option}: {value!r} is not a date; expected YYYY-MM-DD") from None
