"""Extractors for the batch tests: the real one, except for articles named to fail or crash.

Loaded by name (``--processor batch_processors:process``) in worker processes and Spark
executors, so it lives in a module of its own.
"""

from __future__ import annotations

import os

FAIL_ID = "inject-failure"
CRASH_ID = "inject-crash"


def process(article):
    from rokhdad.pipeline import process as real

    if article.id == FAIL_ID:
        raise RuntimeError("injected extractor failure")
    if article.id == CRASH_ID:
        os._exit(3)  # the worker process dies, as on a segfault or the OOM killer
    return real(article)
