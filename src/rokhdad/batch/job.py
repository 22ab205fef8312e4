"""``rokhdad batch``: articles in, a directory of Parquet tables out (articles, mentions,
failures, incidents), on the local runner or on Spark.

Entry point ``run_batch``. Invariant: both engines write the same rows for the same
input: one record per article id (``DUPLICATE_RULE``), the same mention rows, the same
failure records (bar the line number, which Spark does not know), and incidents merged
by the store's rules (``merge.py``).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rokhdad.batch import io, merge
from rokhdad.batch.rows import (ARTICLES, FAILURES, INCIDENTS, MENTIONS, SCHEMAS, STAGE_INPUT, FailureRecord,
                                article_row, text_sha256)
from rokhdad.batch.runner import ENGINES, LocalRunner, Result, get_runner
from rokhdad.errors import InputError
from rokhdad.model import Article
from rokhdad.store.inputs import InputFailure


DUPLICATE = "ArticleError"  # a superseded duplicate is an input problem, like any unreadable record
DUPLICATE_RULE = "the latest 'published' wins; ties: the greatest text SHA-256, then source, title, url"
DUPLICATE_MESSAGE = f"duplicate id, superseded by another record ({DUPLICATE_RULE})"


@dataclass(slots=True)
class BatchSummary:
    """What one batch run did."""

    engine: str
    output: str
    articles: int = 0        # articles coded (or failed in the extractor), one per id
    mentions: int = 0
    failures: int = 0        # records that gave no mentions: unreadable, failed, superseded duplicates
    incidents: int = 0
    copies: int = 0          # exact copies of a coded record, skipped (local engine only)
    seconds: float = 0.0
    extract_seconds: float = 0.0
    merge_seconds: float = 0.0
    failure_samples: list[FailureRecord] = field(default_factory=list)


MAX_FAILURE_SAMPLES = 20


def duplicate_key(article: Article) -> tuple[dt.date, str, str, str, str]:
    """Which record of an id wins: the greatest key (``DUPLICATE_RULE``); equal keys are
    exact copies (same text and metadata), which code to the same rows."""
    return (article.published or dt.date.min, text_sha256(article.text), article.source or "",
            article.title or "", article.url or "")


def duplicate_failure(article_id: str, location: str) -> FailureRecord:
    return FailureRecord(article_id, location, DUPLICATE,
                         f"{article_id}: {DUPLICATE_MESSAGE}",
                         STAGE_INPUT)


def deduplicate(read: Callable[[], Iterable[Article | InputFailure]],
                counter: BatchSummary | None = None) -> Iterator[Article | InputFailure | FailureRecord]:
    """The input with one record per article id (two passes over ``read()``).

    Superseded records become ``FailureRecord``s; exact copies of the winner are dropped.
    """
    best: dict[str, tuple] = {}
    for item in read():
        if isinstance(item, Article):
            key = duplicate_key(item)
            if item.id not in best or key > best[item.id]:
                best[item.id] = key
    done: set[str] = set()
    for item in read():
        if not isinstance(item, Article):
            yield item
            continue
        if duplicate_key(item) != best[item.id]:
            yield duplicate_failure(item.id, item.id)
        elif item.id in done:
            if counter is not None:
                counter.copies += 1
        else:
            done.add(item.id)
            yield item


def coder_version() -> str:
    from rokhdad.store.ingest import default_coder_version

    return default_coder_version()


def run_batch(input_path: str, output: str, engine: str = "local", *, workers: int | None = None,
              master: str | None = None, processor: str | None = None, fmt: str = "auto",
              overwrite: bool = False, progress: Callable[[int, int], None] | None = None,
              spark_conf: Iterable[str] = ()) -> BatchSummary:
    """Code every article of ``input_path`` and write the tables to the ``output`` directory.

    Args:
        engine: ``local`` (worker processes on this machine) or ``spark``.
        workers: local worker processes (default: every core); with Spark and no
            ``master``, the size of the ``local[N]`` cluster.
        master: Spark master URL (``local[4]``, ``spark://host:7077``, ``yarn``…).
        processor: ``module:function`` extractor instead of ``rokhdad.pipeline.process``.
        fmt: ``auto`` (by suffix), ``jsonl`` or ``parquet``.
        progress: called with (records done, failures so far) on the local engine; with
            Spark, None turns Spark's console progress bars off.
        spark_conf: ``KEY=VALUE`` Spark settings for the session the runner starts.

    Raises:
        InputError: unreadable input, existing output without ``overwrite``, bad options.
        ConfigError: the spark engine without pyspark.
    """
    if engine not in ENGINES:
        raise InputError(f"--engine: unknown engine {engine!r} (expected: {', '.join(ENGINES)})")
    settings = {}
    for setting in spark_conf:
        key, sep, value = setting.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--conf: expected KEY=VALUE, got {setting!r}")
        settings[key.strip()] = value
    if engine == "spark":
        runner = get_runner("spark", master=master, workers=workers, processor=processor,
                            console_progress=progress is not None, conf=settings)
        return runner.run_batch(input_path, output, fmt=fmt, overwrite=overwrite)
    if master or settings:
        raise InputError(f"{'--master' if master else '--conf'}: only for --engine spark")
    for path in (input_path, output):
        if io.is_remote(path):
            raise InputError(f"{path}: the local engine reads and writes local paths; use --engine spark for URIs")
    if workers is not None and workers < 1:
        raise InputError(f"--workers: expected a positive number, got {workers}")
    fmt_checked, _ = io.input_files(input_path, fmt)  # fail on a bad input before touching the output
    io.read_articles(input_path, fmt_checked)         # ... including a Parquet that holds no articles
    runner = LocalRunner(workers, processor)          # ... or a --processor that cannot be loaded
    directory = io.prepare_output(output, overwrite)
    return _run_local(input_path, fmt_checked, directory, runner, progress)


def _run_local(input_path: str, fmt: str, directory, runner: LocalRunner,
               progress: Callable[[int, int], None] | None) -> BatchSummary:
    """Tables streamed to disk as articles are coded; the merge then holds every mention
    row in memory (a few KB each), as the store's merge holds their features."""
    summary = BatchSummary("local", str(directory))
    started = time.perf_counter()
    version = coder_version()
    items = deduplicate(lambda: io.read_articles(input_path, fmt), summary)
    done = 0
    writers = {name: io.TableWriter(directory / name, SCHEMAS[name]) for name in (ARTICLES, MENTIONS, FAILURES)}
    try:
        for result in _results(runner, items):
            done += 1
            if result.article is not None:
                writers[ARTICLES].write(article_row(result.article, len(result.mentions),
                                                    result.failure is not None, version))
                summary.articles += 1
            for row in result.mentions:
                writers[MENTIONS].write(row)
            summary.mentions += len(result.mentions)
            if result.failure is not None:
                writers[FAILURES].write(result.failure.row())
                summary.failures += 1
                if len(summary.failure_samples) < MAX_FAILURE_SAMPLES:
                    summary.failure_samples.append(result.failure)
            if progress:
                progress(done, summary.failures)
    finally:
        for writer in writers.values():
            writer.close()
    summary.extract_seconds = time.perf_counter() - started

    merge_started = time.perf_counter()
    mentions = io.read_table(directory / MENTIONS).to_pylist()
    incidents = sorted(merge.merge_rows(mentions), key=lambda r: (r["key_date"] or dt.date.min, r["id"]))
    with io.TableWriter(directory / INCIDENTS, SCHEMAS[INCIDENTS]) as writer:
        for row in incidents:
            writer.write(row)
    summary.incidents = len(incidents)
    summary.merge_seconds = time.perf_counter() - merge_started
    summary.seconds = time.perf_counter() - started
    return summary


def _results(runner: LocalRunner, items: Iterable[Article | InputFailure | FailureRecord]) -> Iterator[Result]:
    """The runner's results, with the duplicate records (already failures) kept in their place."""
    pending: list[FailureRecord] = []

    def articles() -> Iterator[Article | InputFailure]:
        for item in items:
            if isinstance(item, FailureRecord):
                pending.append(item)
            else:
                yield item

    for result in runner.run(articles()):
        while pending:  # superseded duplicates, as soon as the reader has passed them
            failure = pending.pop(0)
            yield Result(failure.article_id, None, failure=failure)
        yield result
    for failure in pending:
        yield Result(failure.article_id, None, failure=failure)
