"""The Spark runner against the local one: the same rows, the same incidents, the same failures.

One SparkSession (``local[2]``) for the test session; skipped without pyspark or Java.
"""

from __future__ import annotations

import random

import pytest
from batch_processors import FAIL_ID
from batch_helpers import MIN_ARTICLES, PROCESSOR, read_rows

from rokhdad.batch import merge
from rokhdad.batch.runner import LocalRunner
from rokhdad.errors import InputError
from rokhdad.model import Article
from rokhdad.samples import sample_articles
from rokhdad.store.inputs import InputFailure


def by_id(rows: list[dict], key: str = "id") -> dict:
    table = {row[key]: row for row in rows}
    assert len(table) == len(rows), f"duplicate {key}s"
    return table


@pytest.mark.parametrize("table", ["articles", "mentions", "incidents"])
def test_spark_writes_the_rows_the_local_runner_writes(spark_output, local_output, table):
    spark_rows, local_rows = by_id(read_rows(spark_output, table)), by_id(read_rows(local_output, table))
    assert spark_rows.keys() == local_rows.keys()
    assert spark_rows == local_rows


def test_spark_records_the_same_failures(spark_output, local_output):
    def failures(output):
        # Spark reads lines without their numbers (and their newline, which moves a JSON
        # error's column): compare the messages of articles, the class of unreadable lines
        return sorted((f["article_id"] or "", f["error_class"], f["stage"],
                       f["message"].split(": ", 1)[-1] if f["article_id"] else "")
                      for f in read_rows(output, "failures"))

    assert failures(spark_output) == failures(local_output)
    assert (FAIL_ID, "RuntimeError", "extract", "injected extractor failure") in failures(spark_output)


def test_spark_incidents_partition_the_mentions_as_one_merge_does(spark_output):
    mentions = read_rows(spark_output, "mentions")
    expected = sorted(sorted(row["mention_ids"]) for row in merge.merge_rows(mentions))
    assert sorted(sorted(row["mention_ids"]) for row in read_rows(spark_output, "incidents")) == expected


def test_the_runner_protocol_on_spark_matches_the_local_runner(spark):
    from rokhdad.batch.spark import SparkRunner

    items = [*sample_articles()[:4], Article(FAIL_ID, "خبر."), InputFailure("x:1", "ArticleError", "x:1: bad")]
    local = [(r.article_id, r.mentions, r.failure) for r in LocalRunner(1, PROCESSOR).run(items)]
    remote = [(r.article_id, r.mentions, r.failure) for r in SparkRunner(processor=PROCESSOR, spark=spark).run(items)]
    assert remote == local
    assert remote[4][2].error_class == "RuntimeError" and remote[5][2].stage == "input"


def test_connected_components_in_the_cluster_equal_a_union_find(spark):
    from rokhdad.batch.spark_merge import components_on_driver, connected_components

    chance = random.Random(7)
    nodes = [f"n{i:02d}" for i in range(60)]
    edges = [(nodes[i + 1], nodes[i]) for i in range(0, 5)]                       # a chain
    edges += [(nodes[20], nodes[i]) for i in range(21, 25)]                       # a star
    edges += [(chance.choice(nodes[40:]), chance.choice(nodes[40:])) for _ in range(8)]  # random, loops too
    frame = spark.createDataFrame(edges, "src string, dst string")
    cluster = {r["id"]: r["component"] for r in connected_components(frame).collect()}
    driver = {r["id"]: r["component"] for r in components_on_driver(frame.toArrow(), spark).collect()}
    found = merge.UnionFind()
    for a, b in edges:
        found.union(a, b)
    expected = {node: found.find(node) for node in found.parent}
    assert cluster == expected and driver == expected


def test_a_uri_without_a_format_is_one_clear_error(spark, tmp_path):
    from rokhdad.batch.spark import SparkRunner

    with pytest.raises(InputError, match="give --format"):
        SparkRunner(spark=spark).run_batch("s3a://bucket/news", str(tmp_path / "out"))


def test_batch_cli_on_spark(spark_run, tmp_path, rokhdad):
    import pyarrow as pa
    import pyarrow.parquet as pq

    output, summary = spark_run  # the run the other tests compare: made by the command line
    assert summary["engine"] == "spark" and summary["incidents"] == len(read_rows(output, "incidents"))
    assert summary["articles"] == len(read_rows(output, "articles")) > MIN_ARTICLES
    pq.write_table(pa.table({"x": [1]}), tmp_path / "other.parquet")
    code, out, err = rokhdad("batch", str(tmp_path / "other.parquet"), str(tmp_path / "out"), "--engine", "spark")
    assert code == 1 and err.startswith("error: ") and "not a Parquet of articles" in err
    assert err.count("\n") == 1 and not (tmp_path / "out").exists()
