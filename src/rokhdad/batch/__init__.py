"""Batch coding of article archives: runners (local processes, Spark), Parquet tables, the merge at scale.

``rokhdad batch`` runs ``job.run_batch``; ``runner.get_runner`` gives a ``Runner``
(``run(items) -> Iterator[Result]``); ``rokhdad ingest OUTPUT`` loads an output (``replay``).
"""
