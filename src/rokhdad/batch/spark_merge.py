"""The incident merge in Spark: blocks by key and date window, then the store's merge per block.

Entry point ``merge_incidents(mentions)``. Steps: each mention's blocking keys
(``merge.blocking_keys``: type × place, facility, grid cell, attacker–target pair);
within a key, runs of mentions whose date windows chain (a window sweep in SQL); the
connected components of those runs (a union-find on the driver up to
``DRIVER_MAX_EDGES`` edges, else in the cluster by alternating large-star/small-star,
Kiveris et al., "Connected Components in MapReduce and Beyond", SoCC 2014); then
``merge.merge_rows`` in the executors on whole components, hashed into buckets.
Invariant: the incidents equal ``merge.merge_rows`` on all mentions at once
(``merge.py`` says why blocks are exact).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import pyarrow as pa

from rokhdad.batch import merge
from rokhdad.batch.rows import INCIDENT_SCHEMA, to_table

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

KEY_SCHEMA = pa.schema([("key", pa.string()), ("lo", pa.int64()), ("hi", pa.int64()), ("id", pa.string())])
FEATURE_COLUMNS = ("id", "article_id", "type", "merge_date", "date_start", "date_end", "date", "place_id",
                   "place_name", "place_kind", "latitude", "longitude", "country", "admin1_en", "admin1_fa",
                   "perpetrators", "victims")
MAX_ROUNDS = 64           # large-star/small-star needs O(log² n) rounds; 64 is never reached in practice
# Up to this many edges the components are found on the driver (a union-find over ids
# collected as Arrow: ~1 s and ~100 MB per million edges); above it, in the cluster, where
# every round costs a few Spark jobs (seconds each even on tiny data).
DRIVER_MAX_EDGES = 5_000_000
BUCKETS_PER_CORE = 4      # merge tasks per core: whole components hashed into buckets


def key_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body: (key, window start, window end, mention id) per key of each mention."""
    for batch in batches:
        keys, los, his, ids = [], [], [], []
        for row in batch.to_pylist():
            features = merge.row_features(row)
            if features is None:
                continue
            lo, hi = merge.overlap_window(features)
            for key in merge.blocking_keys(features):
                keys.append(key)
                los.append(lo)
                his.append(hi)
                ids.append(features.id)
        yield pa.RecordBatch.from_pydict({"key": keys, "lo": los, "hi": his, "id": ids}, schema=KEY_SCHEMA)


def sweep_edges(keys: DataFrame) -> DataFrame:
    """``merge.sweep`` in SQL: (src, dst) joining each mention to the first of its run."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    order = Window.partitionBy("key").orderBy("lo", "hi", "id")
    reach = F.max("hi").over(order.rowsBetween(Window.unboundedPreceding, -1))
    runs = (keys.withColumn("_new", F.when(reach.isNull() | (F.col("lo") > reach), 1).otherwise(0))
            .withColumn("_run", F.sum("_new").over(order.rowsBetween(Window.unboundedPreceding, 0))))
    head = F.first("id").over(Window.partitionBy("key", "_run").orderBy("lo", "hi", "id"))
    return (runs.withColumn("_head", head).where(F.col("id") != F.col("_head"))
            .select(F.col("_head").alias("src"), F.col("id").alias("dst")))


def _checkpoint(frame: DataFrame) -> DataFrame:
    """Cut the lineage each round (reliably when the session has a checkpoint directory)."""
    context = frame.sparkSession.sparkContext
    return frame.checkpoint() if context.getCheckpointDir() else frame.localCheckpoint()


def _large_star(edges: DataFrame) -> DataFrame:
    """Each node's larger neighbours move to the smallest node of its neighbourhood."""
    from pyspark.sql import functions as F

    both = edges.select(F.col("big").alias("u"), F.col("small").alias("v")).unionByName(
        edges.select(F.col("small").alias("u"), F.col("big").alias("v")))
    smallest = both.groupBy("u").agg(F.least(F.col("u"), F.min("v")).alias("m"))
    return (both.where(F.col("v") > F.col("u")).join(smallest, "u")  # duplicates go in _small_star
            .select(F.col("v").alias("big"), F.col("m").alias("small")))


def _small_star(edges: DataFrame) -> DataFrame:
    """Each node and its smaller neighbours move to the smallest of them."""
    from pyspark.sql import functions as F

    smallest = edges.groupBy("big").agg(F.min("small").alias("m"))
    moved = (edges.join(smallest, "big").where(F.col("small") != F.col("m"))
             .select(F.col("small").alias("big"), F.col("m").alias("small")))
    return moved.unionByName(smallest.select("big", F.col("m").alias("small"))).distinct()


def _is_star_forest(edges: DataFrame) -> bool:
    """Converged: every node points at one root, and roots point nowhere (one Spark job)."""
    from pyspark.sql import functions as F

    ends = edges.select(F.col("big").alias("node"), F.lit(1).alias("as_big")).unionByName(
        edges.select(F.col("small").alias("node"), F.lit(0).alias("as_big")))
    roles = ends.groupBy("node").agg(F.sum("as_big").alias("bigs"), F.count(F.lit(1)).alias("ends"))
    # a node with two outgoing edges, or with one out and one in, is not part of a star yet
    return roles.where((F.col("bigs") > 1) | ((F.col("bigs") == 1) & (F.col("ends") > 1))).limit(1).count() == 0


def connected_components(edges: DataFrame) -> DataFrame:
    """(id, component) for every node of ``edges`` (src, dst): component = its smallest id."""
    from pyspark.sql import functions as F

    graph = _checkpoint(edges.where(F.col("src") != F.col("dst")).select(
        F.greatest("src", "dst").alias("big"), F.least("src", "dst").alias("small")).distinct())
    for _ in range(MAX_ROUNDS):
        if _is_star_forest(graph):
            break
        graph = _checkpoint(_small_star(_large_star(graph)))
    else:  # pragma: no cover - would be a bug in the algorithm
        raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
    nodes = edges.select(F.col("src").alias("id")).unionByName(edges.select(F.col("dst").alias("id"))).distinct()
    parent = graph.select(F.col("big").alias("id"), F.col("small").alias("component"))
    return (nodes.join(parent, "id", "left")  # roots (and nodes only on a self-loop) are their own component
            .select("id", F.coalesce(F.col("component"), F.col("id")).alias("component")))


def components_on_driver(edges: pa.Table, spark) -> DataFrame:
    """``connected_components`` of collected edges, by a union-find in this process."""
    found = merge.UnionFind()
    for src, dst in zip(edges.column("src").to_pylist(), edges.column("dst").to_pylist()):
        found.union(src, dst)
    ids = list(found.parent)
    result = pa.table({"id": ids, "component": [found.find(i) for i in ids]},
                      schema=pa.schema([("id", pa.string()), ("component", pa.string())]))
    return spark.createDataFrame(result)


def merge_bucket(table: pa.Table) -> pa.Table:
    """``applyInArrow`` body: incidents of the whole components hashed into one bucket."""
    return to_table(merge.merge_rows(table.to_pylist()), INCIDENT_SCHEMA)


def merge_incidents(mentions: DataFrame, buckets: int | None = None,
                    driver_max_edges: int = DRIVER_MAX_EDGES) -> DataFrame:
    """Incident rows (``rows.INCIDENT_SCHEMA``) for a DataFrame of mention rows."""
    from pyspark.sql import functions as F

    from rokhdad.batch.spark import spark_schema

    context = mentions.sparkSession.sparkContext
    keys = mentions.select(*FEATURE_COLUMNS).mapInArrow(key_batches, spark_schema(KEY_SCHEMA))
    edges = sweep_edges(keys)
    sample = edges.limit(driver_max_edges + 1).toArrow()  # one job: are there few enough for the driver?
    if sample.num_rows <= driver_max_edges:
        components = components_on_driver(sample, mentions.sparkSession)
    else:
        components = connected_components(_checkpoint(edges))
    buckets = buckets or context.defaultParallelism * BUCKETS_PER_CORE
    blocked = (mentions.join(components, "id", "left")
               .withColumn("_bucket", F.pmod(F.hash(F.coalesce(F.col("component"), F.col("id"))), F.lit(buckets)))
               .drop("component"))
    return blocked.groupBy("_bucket").applyInArrow(merge_bucket, spark_schema(INCIDENT_SCHEMA))
