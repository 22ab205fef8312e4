"""Reading user input for the CLI: files or stdin, decoded strictly, with clear errors."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rokhdad.model import Article
from rokhdad.reader import article_from_json

from rokhdad.errors import ArticleError, DateError, InputError

MAX_INPUT_BYTES = 256 * 1024 * 1024  # larger inputs belong in a JSONL batch, not one text


def decode(data: bytes, where: str) -> str:
    """Decode UTF-8 (BOM allowed); reject binary data and invalid UTF-8."""
    if b"\x00" in data:
        raise ArticleError(f"{where}: looks like a binary file (NUL bytes); expected UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"{where}: not valid UTF-8 at byte {exc.start}; convert it to UTF-8 first"
        ) from None


def read_bytes(path: "str | Path | None") -> tuple[bytes, str]:
    if path is None or str(path) == "-":
        return sys.stdin.buffer.read(MAX_INPUT_BYTES + 1), "<stdin>"
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    return data, str(path)


def read_text(path: "str | Path | None") -> str:
    data, where = read_bytes(path)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{where}: larger than {MAX_INPUT_BYTES // 2**20} MiB")
    return decode(data, where)


def parse_date(value: str | None, option: str = "--published") -> dt.date | None:
    """Parse an ISO ``YYYY-MM-DD`` date given on the command line."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise DateError(f"{option}: '{value}' is not a date; expected YYYY-MM-DD") from None


@dataclass(frozen=True, slots=True)
class Failure:
    """An article that could not be read or processed: a record, not an exception."""

    article_id: str | None
    error: Exception

    def record(self) -> dict[str, str | None]:
        return {"id": self.article_id, "error": type(self.error).__name__, "message": str(self.error)}


def read_articles(path: str | None, published: str | None = None,
                  article_id: str | None = None) -> Iterator[Article | Failure]:
    """Articles from a .txt file, a JSONL file, or stdin (JSONL if it starts with '{').

    A bad JSONL line becomes a ``Failure`` and reading goes on.
    """
    data, where = read_bytes(path)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{where}: larger than {MAX_INPUT_BYTES // 2**20} MiB; split it")
    text = decode(data, where)
    is_jsonl = (path not in (None, "-") and str(path).endswith((".jsonl", ".json"))) or (
        path in (None, "-") and text.lstrip().startswith("{"))
    if not is_jsonl:
        day = parse_date(published)
        name = article_id or (Path(path).stem if path not in (None, "-") else "stdin")
        yield article_from_json({"id": name, "text": text, "published": day.isoformat() if day else None},
                                where)
        return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Failure(None, ArticleError(f"{where}:{n}: malformed JSON: {exc.msg} (column {exc.colno})"))
            continue
        try:
            yield article_from_json(obj, f"{where}:{n}")
        except ArticleError as exc:
            yield Failure(obj.get("id") if isinstance(obj, dict) else None, exc)
