"""The local runner: input order, failures as records, a dying worker, the runner factory."""

from __future__ import annotations

import sys

import pytest
from batch_processors import CRASH_ID, FAIL_ID
from batch_helpers import PROCESSOR

from rokhdad.batch.runner import WORKER_CRASH, LocalRunner, get_runner
from rokhdad.errors import ConfigError, InputError
from rokhdad.model import Article
from rokhdad.samples import sample_articles
from rokhdad.store.inputs import InputFailure


def items(*extra_ids: str) -> list:
    articles: list = list(sample_articles()[:6])
    for position, article_id in enumerate(extra_ids):
        articles.insert(2 + 2 * position, Article(article_id, "متن یک خبر."))
    articles.insert(1, InputFailure("x.jsonl:2", "ArticleError", "x.jsonl:2: not JSON"))
    return articles


def outcome(results) -> list:
    return [(r.article_id, r.mentions, r.failure and (r.failure.error_class, r.failure.stage)) for r in results]


def test_workers_keep_input_order_and_match_one_process():
    given = items(FAIL_ID)
    alone = list(LocalRunner(1, PROCESSOR).run(given))
    pooled = list(LocalRunner(2, PROCESSOR, chunk_articles=2).run(given))
    assert [r.article_id for r in pooled] == [getattr(i, "id", None) for i in given]
    assert outcome(pooled) == outcome(alone)
    assert sum(len(r.mentions) for r in pooled) > 5
    for result in pooled:
        for row in result.mentions:
            assert result.article.text[row["evidence_start"]:row["evidence_end"]] == row["quote"]


def test_a_failing_article_is_a_failure_record_and_the_batch_goes_on():
    results = list(LocalRunner(1, PROCESSOR).run(items(FAIL_ID)))
    failed = {r.article_id: r.failure for r in results if r.failure}
    assert failed[FAIL_ID].error_class == "RuntimeError"
    assert failed[FAIL_ID].stage == "extract" and "injected" in failed[FAIL_ID].message
    assert failed[None].stage == "input" and failed[None].location == "x.jsonl:2"
    assert len(results) == 8 and sum(1 for r in results if r.mentions) >= 4


def test_a_worker_that_dies_costs_one_article():
    given = items(CRASH_ID)
    results = list(LocalRunner(2, PROCESSOR, chunk_articles=2).run(given))
    assert [r.article_id for r in results] == [getattr(i, "id", None) for i in given]
    crashed = [r for r in results if r.failure and r.failure.error_class == WORKER_CRASH]
    assert [r.article_id for r in crashed] == [CRASH_ID]
    alone = {r.article_id: r.mentions for r in LocalRunner(1, PROCESSOR).run(
        [i for i in given if getattr(i, "id", None) != CRASH_ID])}
    assert all(r.mentions == alone[r.article_id] for r in results if r.article_id != CRASH_ID)


def test_get_runner_knows_its_engines(monkeypatch):
    assert isinstance(get_runner("local", workers=1, master=None), LocalRunner)
    with pytest.raises(InputError, match="unknown engine 'flink'"):
        get_runner("flink")
    with pytest.raises(InputError, match="--workers"):
        get_runner("local", workers=0)
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(ConfigError, match=r"pip install 'rokhdad\[spark\]'"):
        get_runner("spark")
