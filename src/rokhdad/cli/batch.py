"""The ``rokhdad batch`` command: code an archive into Parquet tables, locally or on Spark.

A thin command over ``rokhdad.batch.job.run_batch``; ``register(app)`` adds it to the click
group. Bad input gives one ``error:`` line and exit status 1 (``main.user_errors``).
"""

from __future__ import annotations

import logging
import sys

import click

from rokhdad.cli.dataset import ProgressBar, echo_summary

MAX_FAILURES_SHOWN = 20


class _Progress:
    """Adapts ``run_batch``'s (done, failed) callback to the ingest progress bar."""

    def __init__(self, bar: ProgressBar) -> None:
        self.bar = bar
        self.started = None

    def __call__(self, done: int, failed: int) -> None:
        import time

        from rokhdad.store.ingest import Progress

        if self.started is None:
            self.started = time.perf_counter()
        self.bar(Progress(done, failed, time.perf_counter() - self.started))


def _summary_lines(summary) -> list[str]:
    s = summary
    rate = s.articles / s.extract_seconds if s.extract_seconds else 0.0
    startup = " with Spark's start-up" if s.engine == "spark" else ""
    lines = [f"{s.engine}: {s.articles:,} articles coded in {s.extract_seconds:.1f}s{startup} ({rate:,.1f}/s), "
             f"{s.mentions:,} mentions, {s.failures:,} failure records",
             f"merged into {s.incidents:,} incidents in {s.merge_seconds:.1f}s; tables in {s.output}/"
             "{articles,mentions,failures,incidents}"]
    if s.copies:
        lines.append(f"{s.copies:,} exact copies of coded records skipped")
    if s.failure_samples:
        lines.append("failures:")
        for failure in s.failure_samples[:MAX_FAILURES_SHOWN]:
            lines.append(f"  {failure.article_id or failure.location}  {failure.error_class}  {failure.message}")
        if s.failures > len(s.failure_samples):
            lines.append(f"  … and {s.failures - len(s.failure_samples):,} more (see {s.output}/failures)")
    return lines


@click.command("batch")
@click.argument("input_path", metavar="INPUT")
@click.argument("output", metavar="OUTPUT")
@click.option("--engine", default="local", show_default=True, metavar="ENGINE",
              help="local (worker processes on this machine) or spark.")
@click.option("--workers", type=int, metavar="N",
              help="Worker processes (local; default: every core), or N of local[N] for spark without --master.")
@click.option("--master", metavar="URL", help="Spark master: local[4], spark://HOST:7077, yarn, k8s://… (spark).")
@click.option("--conf", "spark_conf", multiple=True, metavar="KEY=VALUE",
              help="Spark setting, repeatable: spark.executor.memory=4g, spark.archives=env.tar.gz#env … (spark).")
@click.option("--format", "fmt", default="auto", show_default=True, metavar="FORMAT",
              help="Input format: auto (by suffix), jsonl or parquet.")
@click.option("--overwrite", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option("--processor", metavar="MODULE:FUNCTION",
              help="Extractor to run instead of rokhdad.pipeline.process (importable by every worker).")
@click.option("--progress/--no-progress", default=None, help="Progress bars (default: only on a terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
def batch(input_path, output, engine, workers, master, spark_conf, fmt, overwrite, processor, progress,
          as_json) -> None:
    """Code every article of INPUT into Parquet tables under the OUTPUT directory.

    INPUT is a JSONL file of articles ({"id", "text", "published", "source", …} per line),
    a Parquet file with those columns, or a directory of either; with --engine spark, any
    URI Spark reads (s3a://, hdfs://…). OUTPUT gets articles/, mentions/, failures/ and
    incidents/ (merged across articles by the store's rules). Bad records and failing
    articles become failure records; the batch always finishes. Load the result into the
    store with 'rokhdad ingest OUTPUT'.
    """
    from rokhdad.batch.job import run_batch
    from rokhdad.cli.main import user_errors

    with user_errors():
        logging.getLogger("rokhdad").addHandler(logging.NullHandler())
        shown = sys.stderr.isatty() if progress is None else progress
        bar = ProgressBar(None, shown)
        try:
            summary = run_batch(input_path, output, engine, workers=workers, master=master, processor=processor,
                                fmt=fmt, overwrite=overwrite, progress=_Progress(bar) if shown else None,
                                spark_conf=spark_conf)
        finally:
            bar.close()
        echo_summary(summary, as_json, _summary_lines)


def register(app: click.Group) -> click.Group:
    """Add ``rokhdad batch`` to ``app`` (once; registering twice is harmless)."""
    if batch.name not in app.commands:
        app.add_command(batch)
    return app
