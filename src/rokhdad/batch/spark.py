"""The Spark runner (extra ``spark``): extraction inside the executors, the merge in blocks.

Entry points: ``SparkRunner.run_batch`` (``rokhdad batch --engine spark``: Spark reads the
input and writes the tables, any URI it can read) and ``SparkRunner.run`` (the Runner
protocol, for a few articles held in this process). Invariant: the rows equal the local
runner's (``job.py``): each Python worker loads the extractor once and codes articles
with the same functions (``runner.extract``, ``rows.mention_rows``), duplicates are
resolved by the same rule, and incidents by the store's merge rules (``spark_merge.py``).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from rokhdad.batch import io, spark_merge
from rokhdad.batch.job import DUPLICATE, DUPLICATE_MESSAGE, MAX_FAILURE_SAMPLES, BatchSummary, coder_version
from rokhdad.batch.rows import (ARTICLE_SCHEMA, ARTICLES, FAILURE_SCHEMA, FAILURES, INCIDENTS, MENTION_SCHEMA,
                                MENTIONS, STAGE_INPUT, FailureRecord, article_row)
from rokhdad.batch.runner import Result, extract, input_failure, load_processor, quiet_worker_logs, warm_up
from rokhdad.errors import ArticleError, ConfigError, InputError
from rokhdad.model import Article
from rokhdad.reader import article_from_json
from rokhdad.store.inputs import InputFailure

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession


PYSPARK_MISSING = "the spark runner needs: pip install 'rokhdad[spark]'"
PARTITIONS_PER_CORE = 4   # input splits per core: small tasks balance articles of uneven length

# One row per input record: the article (None if unreadable), its mentions, its failure.
RESULT_SCHEMA = pa.schema([
    ("seq", pa.int64()),    # position in SparkRunner.run's input; null in a batch
    ("article", pa.struct(list(ARTICLE_SCHEMA))),
    ("mentions", pa.list_(pa.struct(list(MENTION_SCHEMA)))),
    ("failure", pa.struct(list(FAILURE_SCHEMA))),
])
ROW_SCHEMA = pa.schema([  # SparkRunner.run: articles sent from this process
    ("seq", pa.int64()), ("id", pa.string()), ("text", pa.string()), ("published", pa.date32()),
    ("source", pa.string()), ("title", pa.string()), ("url", pa.string()),
])


def require_pyspark() -> None:
    """Raises ConfigError when pyspark (or the pandas its Arrow functions need) is missing."""
    try:
        import pandas  # noqa: F401 - pyspark's mapInArrow/applyInArrow refuse to run without it
        import pyspark.sql  # noqa: F401
    except ImportError as error:
        raise ConfigError(PYSPARK_MISSING) from error


def spark_type(arrow: pa.DataType) -> Any:
    """The Spark SQL type of an Arrow type (the subset our schemas use)."""
    from pyspark.sql import types as T

    if pa.types.is_struct(arrow):
        return T.StructType([T.StructField(f.name, spark_type(f.type), True) for f in arrow])
    if pa.types.is_list(arrow):
        return T.ArrayType(spark_type(arrow.value_type), True)
    simple = {pa.string(): T.StringType(), pa.int64(): T.LongType(), pa.float64(): T.DoubleType(),
              pa.bool_(): T.BooleanType(), pa.date32(): T.DateType()}
    if arrow in simple:
        return simple[arrow]
    raise TypeError(f"no Spark type for Arrow {arrow}")


def spark_schema(schema: pa.Schema) -> Any:
    return spark_type(pa.struct(list(schema)))


# -- in the executors ---------------------------------------------------------------------

_EXECUTOR_PROCESSORS: dict[str | None, Any] = {}


def _executor_processor(spec: str | None):
    """The extractor, loaded once per Python worker (Spark reuses workers between tasks)."""
    if spec not in _EXECUTOR_PROCESSORS:
        quiet_worker_logs()
        process = load_processor(spec)
        if spec is None:
            warm_up(process)
        _EXECUTOR_PROCESSORS[spec] = process
    return _EXECUTOR_PROCESSORS[spec]


def _read_record(row: dict, kind: str) -> Article | InputFailure | None:
    """One input row as an article, or why it is not one (the rules of ``store.inputs``)."""
    where = row.get("file") or "<input>"
    if kind == "jsonl":
        line = row["value"]
        if line is None or not line.strip():
            return None
        obj = None
        try:
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as error:
                raise ArticleError(f"{where}: not JSON ({error.msg} at column {error.colno})") from None
            return article_from_json(obj, where)
        except ArticleError as error:
            known = isinstance(obj, dict) and isinstance(obj.get("id"), (str, int))
            return InputFailure(where, type(error).__name__, str(error), str(obj["id"]) if known else None)
    fields = {key: value for key, value in row.items() if key in io.ARTICLE_COLUMNS}
    try:
        return io.article_from_row(fields, where)
    except ArticleError as error:
        known = fields.get("id", fields.get("doc_id"))
        return InputFailure(where, type(error).__name__, str(error),
                            str(known) if isinstance(known, (str, int)) else None)


def _code_record(row: dict, kind: str, process, version: str) -> dict | None:
    item = _read_record(row, kind)
    if item is None:
        return None
    if isinstance(item, InputFailure):
        failure = input_failure(item).failure
        return {"seq": row.get("seq"), "article": None, "mentions": [], "failure": failure.row()}
    mentions, failure = extract(item, process)
    return {"seq": row.get("seq"), "article": article_row(item, len(mentions), failure is not None, version),
            "mentions": list(mentions), "failure": failure.row() if failure else None}


def code_batches(batches: Iterable[pa.RecordBatch], kind: str, spec: str | None,
                 version: str) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body: input rows to result rows (``RESULT_SCHEMA``)."""
    process = _executor_processor(spec)
    for batch in batches:
        coded = [_code_record(row, kind, process, version) for row in batch.to_pylist()]
        yield pa.RecordBatch.from_pylist([c for c in coded if c is not None], schema=RESULT_SCHEMA)


# -- the runner ---------------------------------------------------------------------------

class SparkRunner:
    """Codes articles with Spark.

    Args:
        master: Spark master URL; default: the session's (spark-submit), else ``local[workers]``.
        workers: cores of the default ``local[N]`` master (default: all).
        processor: ``module:function`` extractor (importable on the executors).
        spark: an existing SparkSession to use (tests, notebooks).
        console_progress: Spark's progress bars on the console (when it starts the session).
        conf: more Spark settings for the session it starts (executor memory, archives…).
    """

    def __init__(self, master: str | None = None, workers: int | None = None, processor: str | None = None,
                 spark: SparkSession | None = None, console_progress: bool = True,
                 conf: dict[str, str] | None = None) -> None:
        require_pyspark()
        if workers is not None and workers < 1:
            raise InputError(f"--workers: expected a positive number, got {workers}")
        load_processor(processor)  # a --processor this process cannot import fails here, not in every task
        self.master = master
        self.workers = workers
        self.processor = processor
        self.console_progress = console_progress
        self.conf = dict(conf or {})
        self._spark = spark

    def session(self) -> SparkSession:
        if self._spark is None:
            from pyspark.sql import SparkSession

            builder = SparkSession.builder.appName("rokhdad batch").config(
                "spark.ui.showConsoleProgress", str(self.console_progress).lower())
            for key, value in self.conf.items():
                builder = builder.config(key, value)
            if self.master:
                builder = builder.master(self.master)
            elif not os.environ.get("PYSPARK_GATEWAY_PORT"):  # not under spark-submit: a local cluster
                builder = builder.master(f"local[{self.workers or '*'}]")
            try:
                self._spark = builder.getOrCreate()
            except Exception as error:  # noqa: BLE001 - Java missing, bad master URL: one clear line
                raise ConfigError(f"cannot start Spark (master {self.master or 'local'}): {_first_line(error)} "
                                  "(Spark 4 needs Java 17+: java on PATH, or JAVA_HOME)") from error
        return self._spark

    def _code(self, records: DataFrame, kind: str) -> DataFrame:
        spec, version = self.processor, coder_version()

        def code(batches):
            return code_batches(batches, kind, spec, version)

        return records.mapInArrow(code, spark_schema(RESULT_SCHEMA))

    # the Runner protocol: a few articles from this process ----------------------------

    def run(self, items: Iterable[Article | InputFailure]) -> Iterator[Result]:
        """One result per item, in input order (the articles travel through the driver:
        for archives use ``run_batch``, which reads and writes inside the cluster)."""
        items = list(items)
        rows = [{"seq": i, "id": a.id, "text": a.text, "published": a.published, "source": a.source,
                 "title": a.title, "url": a.url} for i, a in enumerate(items) if isinstance(a, Article)]
        coded: dict[int, Any] = {}
        if rows:
            spark = self.session()
            frame = spark.createDataFrame(rows, spark_schema(ROW_SCHEMA))
            for row in self._code(frame, "articles").collect():
                coded[row["seq"]] = row.asDict(recursive=True)
        for i, item in enumerate(items):
            if isinstance(item, InputFailure):
                yield input_failure(item)
                continue
            row = coded[i]
            failure = FailureRecord(**row["failure"]) if row["failure"] else None
            yield Result(item.id, item, tuple(row["mentions"]), failure)

    # rokhdad batch ----------------------------------------------------------------------

    def read_records(self, input_path: str, fmt: str) -> tuple[DataFrame, str]:
        """The input as rows for ``code_batches``: (frame, kind), split for every core."""
        from pyspark.sql import functions as F

        spark = self.session()
        if io.is_remote(input_path):
            fmt = _remote_format(input_path, fmt)
            paths = [input_path]
        else:
            fmt, files = io.input_files(input_path, fmt)
            paths = [str(f.resolve()) for f in files]
        try:
            if fmt == "jsonl":
                frame = spark.read.text(paths).select("value", F.input_file_name().alias("file"))
            else:
                frame = spark.read.parquet(*paths)
                io.check_article_columns(frame.columns, input_path)
                columns = [c for c in io.ARTICLE_COLUMNS if c in frame.columns]
                frame = frame.select(*columns, F.input_file_name().alias("file"))
        except InputError:
            raise
        except Exception as error:  # noqa: BLE001 - AnalysisException: a path Spark cannot read
            raise InputError(f"{input_path}: Spark cannot read it: {_first_line(error)}") from error
        target = spark.sparkContext.defaultParallelism * PARTITIONS_PER_CORE
        if frame.rdd.getNumPartitions() < target:
            frame = frame.repartition(target)
        return frame, fmt

    def run_batch(self, input_path: str, output: str, fmt: str = "auto", overwrite: bool = False) -> BatchSummary:
        """Code ``input_path`` in the cluster and write the four tables under ``output``."""
        from pyspark import StorageLevel
        from pyspark.sql import functions as F

        if fmt not in io.FORMATS:
            raise InputError(f"--format: unknown format {fmt!r} (expected: {', '.join(io.FORMATS)})")
        started = time.perf_counter()
        if not io.is_remote(input_path):
            io.input_files(input_path, fmt)  # a bad input fails before Spark starts
        if not io.is_remote(output):
            io.check_output(output, overwrite)  # ... and so does an existing OUTPUT
        summary = BatchSummary("spark", output)
        records, kind = self.read_records(input_path, fmt)  # a Parquet without articles fails here
        if not io.is_remote(output):
            io.prepare_output(output, overwrite)
        mode = "overwrite" if overwrite else "errorifexists"
        disk = StorageLevel.MEMORY_AND_DISK
        results = self._code(records, kind).persist(disk)  # coded once, read by every table below
        kept, superseded = _deduplicate(results)
        kept = kept.persist(disk)
        failures = kept.where(F.col("failure").isNotNull()).select("failure.*").unionByName(superseded).persist(disk)
        try:
            self._write(kept.where(F.col("article").isNotNull()).select("article.*"), output, ARTICLES, mode)
            self._write(kept.select(F.explode("mentions").alias("m")).select("m.*"), output, MENTIONS, mode)
            self._write(failures, output, FAILURES, mode)
            totals = kept.agg(F.count("article").alias("articles"),
                              F.coalesce(F.sum(F.size("mentions")), F.lit(0)).alias("mentions")).first()
            summary.articles, summary.mentions = totals["articles"], totals["mentions"]
            summary.failures = failures.count()
            summary.failure_samples = [FailureRecord(**row.asDict())
                                       for row in failures.limit(MAX_FAILURE_SAMPLES).collect()]
        finally:
            for frame in (failures, kept, results):
                frame.unpersist()
        summary.extract_seconds = time.perf_counter() - started

        merge_started = time.perf_counter()
        spark = self.session()
        mentions = spark.read.parquet(_join(output, MENTIONS))
        self._write(spark_merge.merge_incidents(mentions), output, INCIDENTS, mode)
        summary.incidents = spark.read.parquet(_join(output, INCIDENTS)).count()
        summary.merge_seconds = time.perf_counter() - merge_started
        summary.seconds = time.perf_counter() - started
        return summary

    def _write(self, frame: DataFrame, output: str, name: str, mode: str) -> None:
        try:
            frame.write.mode(mode).parquet(_join(output, name))
        except Exception as error:  # noqa: BLE001 - an existing or unwritable path: one line
            if type(error).__name__ != "AnalysisException":
                raise
            raise InputError(f"{_join(output, name)}: cannot write: {_first_line(error)}") from error


def _deduplicate(results: DataFrame) -> tuple[DataFrame, DataFrame]:
    """(results with one record per article id, failure rows for the superseded ones)."""
    from pyspark.sql import functions as F

    article = F.col("article")
    # (published known, published): orders like job.duplicate_key's ``published or date.min``
    key = F.struct(article["published"].isNotNull().alias("dated"),
                   F.coalesce(article["published"], F.lit("1970-01-01").cast("date")).alias("published"),
                   article["sha256"].alias("sha256"), F.coalesce(article["outlet"], F.lit("")).alias("outlet"),
                   F.coalesce(article["title"], F.lit("")).alias("title"),
                   F.coalesce(article["url"], F.lit("")).alias("url"))
    keyed = results.withColumn("_id", article["id"]).withColumn("_key", key)
    shared = (keyed.where(F.col("_id").isNotNull()).groupBy("_id")
              .agg(F.count(F.lit(1)).alias("_n"), F.max("_key").alias("_best"))
              .where(F.col("_n") > 1).select(F.col("_id").alias("_shared"), "_best"))
    joined = keyed.join(shared, keyed["_id"] == shared["_shared"], "left")
    columns = [name for name in RESULT_SCHEMA.names]
    unique = joined.where(F.col("_shared").isNull()).select(*columns)
    winners = joined.where(F.col("_shared").isNotNull() & (F.col("_key") == F.col("_best")))
    kept = unique.unionByName(winners.dropDuplicates(["_id"]).select(*columns))
    message = F.concat(F.col("_id"), F.lit(f": {DUPLICATE_MESSAGE}"))
    superseded = (joined.where(F.col("_shared").isNotNull() & (F.col("_key") != F.col("_best")))
                  .select(F.col("_id").alias("article_id"), F.col("_id").alias("location"),
                          F.lit(DUPLICATE).alias("error_class"), message.alias("message"),
                          F.lit(STAGE_INPUT).alias("stage")))
    return kept, superseded


def _remote_format(path: str, fmt: str) -> str:
    if fmt != "auto":
        return fmt
    lowered = path.lower().rstrip("/")
    if lowered.endswith(io.PARQUET_SUFFIXES):
        return "parquet"
    if lowered.endswith(io.JSONL_SUFFIXES):
        return "jsonl"
    raise InputError(f"{path}: cannot tell its format from the name; give --format jsonl or --format parquet")


def _join(base: str, name: str) -> str:
    return base.rstrip("/") + "/" + name


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:500]
