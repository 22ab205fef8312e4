"""Batch input and output on local disk: articles from JSONL or Parquet, tables to Parquet.

Entry points: ``read_articles(path)`` yields ``Article`` records and, for records that
cannot be read, ``InputFailure`` records (a batch goes on past them); problems with the
path itself are one ``InputError`` before anything is read. ``TableWriter`` streams rows
to one Parquet file of a table directory; ``read_table`` reads a table back.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from rokhdad.errors import ArticleError, InputError
from rokhdad.model import Article
from rokhdad.reader import article_from_json
from rokhdad.store.inputs import SNIFF_BYTES, InputFailure, read_jsonl

FORMATS = ("auto", "jsonl", "parquet")
JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
PARQUET_SUFFIXES = (".parquet", ".pq")
# Parquet columns read as article fields (reader.article_from_json also accepts the alternatives)
ARTICLE_COLUMNS = ("id", "doc_id", "text", "published", "date", "source", "outlet", "title", "url")
ROWS_PER_GROUP = 10_000   # rows buffered per Parquet row group: bounded memory, few groups
READ_BATCH_ROWS = 1_000   # Parquet rows decoded at a time when reading articles


def is_remote(path: str) -> bool:
    """A URI with a scheme (s3a://, hdfs://, gs://…) rather than a local path."""
    scheme, sep, _ = path.partition("://")
    return bool(sep) and scheme.isalnum() and scheme.lower() != "file"


def local_path(path: str) -> Path:
    return Path(path[len("file://"):] if path.startswith("file://") else path)


def _files(path: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes
                  and not p.name.startswith(("_", ".")))


def input_files(path: str, fmt: str = "auto") -> tuple[str, list[Path]]:
    """The format and the files of a local input: a file, or a directory of Parquet or JSONL files.

    Raises:
        InputError: missing, unreadable or binary path, or no article files in a directory.
    """
    if fmt not in FORMATS:
        raise InputError(f"--format: unknown format {fmt!r} (expected: {', '.join(FORMATS)})")
    where = local_path(path)
    if not where.exists():
        raise InputError(f"{path}: no such file or directory")
    if where.is_dir():
        parquet, jsonl = _files(where, PARQUET_SUFFIXES), _files(where, JSONL_SUFFIXES)
        if fmt == "auto":
            fmt = "parquet" if parquet else "jsonl"
        files = parquet if fmt == "parquet" else jsonl
        if not files:
            raise InputError(f"{path}: no {fmt} files in this directory "
                             f"(expected {' or '.join(PARQUET_SUFFIXES if fmt == 'parquet' else JSONL_SUFFIXES)})")
    else:
        files = [where]
        if fmt == "auto":
            fmt = "parquet" if where.suffix.lower() in PARQUET_SUFFIXES else "jsonl"
    for file in files:
        try:
            with file.open("rb") as handle:
                head = handle.read(SNIFF_BYTES)
        except OSError as error:
            raise InputError(f"{file}: cannot read: {error.strerror}") from error
        if fmt == "jsonl" and b"\x00" in head:
            raise InputError(f"{file}: looks like a binary file (NUL bytes); expected JSONL "
                             "(or give a .parquet file, or --format parquet)")
        if fmt == "parquet" and not head.startswith(b"PAR1"):
            raise InputError(f"{file}: not a Parquet file (no PAR1 header); expected Parquet of articles")
    return fmt, files


def check_article_columns(names: Iterable[str], where: str) -> None:
    """A Parquet of articles has a ``text`` column and an ``id`` (or ``doc_id``) column."""
    names = list(names)
    missing = [label for label, options in (("id", ("id", "doc_id")), ("text", ("text",)))
               if not any(option in names for option in options)]
    if missing:
        raise InputError(f"{where}: not a Parquet of articles: no column {', '.join(repr(m) for m in missing)} "
                         f"(found: {', '.join(names) or 'none'}; expected id, text and optional published, "
                         "source, title, url)")


def json_value(value: Any) -> Any:
    """A Parquet cell as the JSON value ``article_from_json`` expects (dates as ISO strings)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def article_from_row(row: dict, where: str) -> Article:
    """An article from one Parquet (or Spark) row; raises ``ArticleError`` like a JSONL line."""
    return article_from_json({key: json_value(value) for key, value in row.items()}, where)


def read_parquet_articles(file: Path) -> Iterator[Article | InputFailure]:
    try:
        handle = pq.ParquetFile(file)
    except (pa.ArrowException, OSError) as error:
        raise InputError(f"{file}: unreadable Parquet: {error}") from error
    names = handle.schema_arrow.names
    check_article_columns(names, str(file))
    columns = [name for name in ARTICLE_COLUMNS if name in names]
    number = 0
    try:
        for batch in handle.iter_batches(batch_size=READ_BATCH_ROWS, columns=columns):
            for row in batch.to_pylist():
                number += 1
                where = f"{file}:row {number}"
                try:
                    yield article_from_row(row, where)
                except ArticleError as error:
                    known = row.get("id", row.get("doc_id"))
                    yield InputFailure(where, type(error).__name__, str(error),
                                       str(known) if isinstance(known, (str, int)) else None)
    except (pa.ArrowException, OSError) as error:
        raise InputError(f"{file}: unreadable Parquet after {number} rows: {error}") from error


def read_articles(path: str, fmt: str = "auto") -> Iterator[Article | InputFailure]:
    """Articles from a JSONL or Parquet file, or a directory of them, in file order.

    Raises:
        InputError: the path is missing, binary where JSONL is expected, not Parquet where
            Parquet is expected, or a Parquet without ``id``/``text`` columns.
    """
    fmt, files = input_files(path, fmt)
    if fmt == "parquet":
        for file in files:  # fail on a non-article Parquet before coding anything
            check_article_columns(_parquet_names(file), str(file))
    return _read(fmt, files)


def _parquet_names(file: Path) -> list[str]:
    try:
        return pq.read_schema(file).names
    except (pa.ArrowException, OSError) as error:
        raise InputError(f"{file}: unreadable Parquet: {error}") from error


def _read(fmt: str, files: list[Path]) -> Iterator[Article | InputFailure]:
    for file in files:
        if fmt == "parquet":
            yield from read_parquet_articles(file)
        else:
            with file.open("rb") as handle:
                yield from read_jsonl(handle, str(file))


# -- output -----------------------------------------------------------------------------

def check_output(path: str, overwrite: bool) -> Path:
    """Raises InputError unless ``path`` can become the output directory (nothing is created)."""
    where = local_path(path)
    if where.exists() and not where.is_dir():
        raise InputError(f"{path}: exists and is not a directory; OUTPUT is a directory")
    if not overwrite and where.is_dir() and any(where.iterdir()):
        raise InputError(f"{path}: directory exists and is not empty (use --overwrite to replace it)")
    return where


def prepare_output(path: str, overwrite: bool) -> Path:
    """An empty output directory (created); an existing non-empty one only with ``overwrite``."""
    where = check_output(path, overwrite)
    if where.is_dir() and any(where.iterdir()):
        shutil.rmtree(where)
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"{path}: cannot create the output directory: {error.strerror}") from error
    return where


class TableWriter:
    """Streams rows into ``<directory>/part-00000.parquet`` (written even when empty)."""

    def __init__(self, directory: Path, schema: pa.Schema) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "part-00000.parquet"
        self.schema = schema
        self.rows: list[dict] = []
        self.count = 0
        self.writer = pq.ParquetWriter(self.path, schema, compression="zstd")

    def write(self, row: dict) -> None:
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= ROWS_PER_GROUP:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self.flush()
        self.writer.close()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def read_table(path: Path, columns: list[str] | None = None) -> pa.Table:
    """A table directory (or file) written by a batch, by either engine."""
    try:
        return pq.read_table(path, columns=columns)
    except (pa.ArrowException, OSError) as error:
        raise InputError(f"{path}: cannot read the batch table: {error}") from error
