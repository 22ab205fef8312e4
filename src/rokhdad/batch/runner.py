"""Runners: the extractor over many articles, as a stream of per-article results.

``Runner.run(items) -> Iterator[Result]`` is the whole interface (STYLE.md, pattern 6).
``LocalRunner`` (always there) codes articles in N worker processes and yields results in
input order; ``get_runner("spark")`` imports the Spark runner only when asked. Invariant:
every item gives exactly one ``Result``: its mention rows, or a failure record. A failing
article, and even a worker process that dies on one, never stops the batch.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Protocol

from rokhdad.batch.rows import STAGE_EXTRACT, STAGE_INPUT, FailureRecord, mention_rows
from rokhdad.errors import InputError
from rokhdad.model import Article, Event
from rokhdad.store.inputs import InputFailure

log = logging.getLogger(__name__)

ENGINES = ("local", "spark")
CHUNK_ARTICLES = 8       # articles per task sent to a worker: amortises the pickling round trip
TASKS_PER_WORKER = 4     # tasks in flight per worker: keeps workers busy, bounds memory
WORKER_CRASH = "WorkerCrash"

Processor = Callable[[Article], Sequence[Event]]


@dataclass(frozen=True, slots=True)
class Result:
    """What one input item gave: mention rows (``rows.MENTION_SCHEMA``) or a failure.

    ``article`` is the article the item was (None when the record could not be read).
    """

    article_id: str | None
    article: Article | None
    mentions: tuple[dict, ...] = ()
    failure: FailureRecord | None = None


class Runner(Protocol):
    def run(self, items: Iterable[Article | InputFailure]) -> Iterator[Result]:
        """One ``Result`` per item."""
        ...


# -- the work of one article (in whichever process runs it) ------------------------------

def load_processor(spec: str | None) -> Processor:
    """``rokhdad.pipeline.process``, or a ``module:function`` extractor (custom ones, tests)."""
    from rokhdad.store import ingest

    return ingest.load_processor(spec) if spec else ingest.default_processor()


def warm_up(process: Processor) -> None:
    """Load what the extractor loads lazily (gazetteers, rules, lexicons) now, once: code
    the first bundled sample, which goes through every stage."""
    from rokhdad.samples import sample_articles

    process(sample_articles()[0])


def extract(article: Article, process: Processor) -> tuple[tuple[dict, ...], FailureRecord | None]:
    """An article's mention rows; any exception becomes a failure record (``store.ingest.code``)."""
    from rokhdad.store.ingest import code

    events, failure = code(article, process)
    if failure is not None:
        return (), FailureRecord(article.id, failure.location, failure.error_class, failure.message, STAGE_EXTRACT)
    return tuple(mention_rows(article, events)), None


def input_failure(item: InputFailure) -> Result:
    return Result(item.article_id, None,
                  failure=FailureRecord(item.article_id, item.location, item.error_class, item.message, STAGE_INPUT))


def crash_failure(article: Article) -> Result:
    return Result(article.id, article, failure=FailureRecord(
        article.id, article.id, WORKER_CRASH,
        "the worker process died while coding this article (killed, out of memory, or a crash in native code)",
        STAGE_EXTRACT))


def quiet_worker_logs() -> None:
    """In a worker, failures travel as records: no stray warnings on the console."""
    logger = logging.getLogger("rokhdad")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())


_WORKER_PROCESS: Processor | None = None


def _init_worker(spec: str | None, default: bool) -> None:
    global _WORKER_PROCESS
    quiet_worker_logs()
    _WORKER_PROCESS = load_processor(spec)
    if default:
        warm_up(_WORKER_PROCESS)  # once per worker; a no-op after fork from a warm parent


def _extract_chunk(articles: Sequence[Article]) -> list[tuple[tuple[dict, ...], FailureRecord | None]]:
    assert _WORKER_PROCESS is not None, "worker not initialised"
    return [extract(article, _WORKER_PROCESS) for article in articles]


# -- the local runner --------------------------------------------------------------------

def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class LocalRunner:
    """Codes articles in ``workers`` processes (1: in this process), results in input order.

    Args:
        workers: worker processes (default: every core).
        processor: ``module:function`` of the extractor (default ``rokhdad.pipeline.process``).
        start_method: ``fork`` (default when this process has one thread: workers share the
            parent's loaded tables), else ``spawn``.
    """

    def __init__(self, workers: int | None = None, processor: str | None = None,
                 start_method: str | None = None, chunk_articles: int = CHUNK_ARTICLES) -> None:
        if workers is not None and workers < 1:
            raise InputError(f"--workers: expected a positive number, got {workers}")
        self.workers = workers or default_workers()
        self.processor = processor
        self.process = load_processor(processor)  # a bad --processor fails here, before any work
        self.start_method = start_method
        self.chunk_articles = chunk_articles
        self._pool: ProcessPoolExecutor | None = None

    def run(self, items: Iterable[Article | InputFailure]) -> Iterator[Result]:
        process = self.process
        if self.processor is None:
            warm_up(process)  # broken package data (ConfigError) stops the batch here, with one message
        if self.workers == 1:
            for item in items:
                if isinstance(item, InputFailure):
                    yield input_failure(item)
                else:
                    mentions, failure = extract(item, process)
                    yield Result(item.id, item, mentions, failure)
            return
        yield from self._run_pool(items)

    # the pool ---------------------------------------------------------------------------

    def _method(self) -> str:
        if self.start_method:
            return self.start_method
        methods = multiprocessing.get_all_start_methods()
        # fork copies only the calling thread; with others alive (a Spark gateway, a web
        # server) a lock one of them holds could stay locked in the child forever
        return "fork" if "fork" in methods and threading.active_count() == 1 else "spawn"

    def _new_pool(self) -> ProcessPoolExecutor:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        context = multiprocessing.get_context(self._method())
        self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_init_worker,
                                         initargs=(self.processor, self.processor is None))
        return self._pool

    def _run_pool(self, items: Iterable[Article | InputFailure]) -> Iterator[Result]:
        pending: deque[tuple[list[Article | InputFailure], Future]] = deque()
        iterator = iter(items)
        self._new_pool()
        try:
            while True:
                while len(pending) < self.workers * TASKS_PER_WORKER:
                    chunk = self._next_chunk(iterator)
                    if not chunk:
                        break
                    pending.append((chunk, self._submit(chunk)))
                if not pending:
                    return
                chunk, future = pending.popleft()
                try:
                    coded = future.result()
                except BrokenProcessPool:
                    # a worker died: this task and every one in flight are lost with the pool;
                    # redo them one article at a time to find the article that kills workers
                    lost = [chunk] + [c for c, _ in pending]
                    pending.clear()
                    self._new_pool()
                    for lost_chunk in lost:
                        yield from self._isolate(lost_chunk)
                    continue
                yield from self._results(chunk, coded)
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    def _next_chunk(self, iterator: Iterator[Article | InputFailure]) -> list[Article | InputFailure]:
        chunk: list[Article | InputFailure] = []
        for item in iterator:
            chunk.append(item)
            if len(chunk) >= self.chunk_articles:
                break
        return chunk

    def _submit(self, chunk: list[Article | InputFailure]) -> Future:
        assert self._pool is not None
        return self._pool.submit(_extract_chunk, [item for item in chunk if isinstance(item, Article)])

    @staticmethod
    def _results(chunk: list[Article | InputFailure], coded: list) -> Iterator[Result]:
        outcomes = iter(coded)
        for item in chunk:
            if isinstance(item, InputFailure):
                yield input_failure(item)
            else:
                mentions, failure = next(outcomes)
                yield Result(item.id, item, mentions, failure)

    def _isolate(self, chunk: list[Article | InputFailure]) -> Iterator[Result]:
        for item in chunk:
            if isinstance(item, InputFailure):
                yield input_failure(item)
                continue
            try:
                [(mentions, failure)] = self._submit([item]).result()
            except BrokenProcessPool:
                log.warning("%s: a worker process died coding this article", item.id)
                self._new_pool()
                yield crash_failure(item)
                continue
            yield Result(item.id, item, mentions, failure)


def get_runner(engine: str = "local", **options) -> Runner:
    """The runner for ``engine``: ``local`` always; ``spark`` needs the ``spark`` extra.

    Raises:
        InputError: an unknown engine.
        ConfigError: the spark engine without pyspark installed.
    """
    if engine == "local":
        for spark_only in ("master", "console_progress", "spark", "conf"):
            options.pop(spark_only, None)
        return LocalRunner(**options)
    if engine == "spark":
        from rokhdad.batch import spark  # lazily: pyspark is an optional extra

        return spark.SparkRunner(**options)
    raise InputError(f"--engine: unknown engine {engine!r} (expected: {', '.join(ENGINES)})")
