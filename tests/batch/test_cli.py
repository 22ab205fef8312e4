"""``rokhdad batch`` end to end, and ``rokhdad ingest`` of its output into the store."""

from __future__ import annotations

import json
import sys
from collections import defaultdict

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from batch_processors import FAIL_ID
from batch_helpers import MIN_ARTICLES, read_rows

from rokhdad.batch.rows import SCHEMAS, TABLES


def test_batch_writes_the_four_tables(local_output):
    for table in TABLES:
        assert pq.read_schema(next((local_output / table).glob("*.parquet"))).names == SCHEMAS[table].names
    articles = {row["id"]: row for row in read_rows(local_output, "articles")}
    mentions = read_rows(local_output, "mentions")
    assert len(articles) > MIN_ARTICLES and len(mentions) > MIN_ARTICLES
    for row in mentions:  # every span is into the original text
        assert articles[row["article_id"]]["text"][row["evidence_start"]:row["evidence_end"]] == row["quote"]
        event = json.loads(row["record"])
        for span in event["evidence"]:
            assert 0 <= span["start"] <= span["end"] <= len(articles[row["article_id"]]["text"])
    failures = {(row["article_id"], row["error_class"], row["stage"]) for row in read_rows(local_output, "failures")}
    assert (FAIL_ID, "RuntimeError", "extract") in failures
    assert (None, "ArticleError", "input") in failures          # the malformed line
    assert ("empty-text", "ArticleError", "input") in failures
    assert articles[FAIL_ID]["status"] == "failed"
    duplicated = [f for f in read_rows(local_output, "failures") if "duplicate id" in f["message"]]
    assert duplicated and all(f["article_id"] in articles for f in duplicated)
    incidents = read_rows(local_output, "incidents")
    members = [m for row in incidents for m in row["mention_ids"]]
    assert sorted(members) == sorted(m["id"] for m in mentions)
    # merged across articles (the samples alone hold three such clusters)
    assert sum(row["num_articles"] > 1 for row in incidents) >= (10 if MIN_ARTICLES >= 100 else 3)


def test_ingest_of_a_batch_output_stores_what_it_coded(local_output, tmp_path, rokhdad):
    db = tmp_path / "store.db"
    code, out, err = rokhdad("ingest", str(local_output), "--db", str(db))
    assert code == 0, err
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        stored = defaultdict(set)
        for mention_id, incident_id in connection.execute(sa.text("SELECT id, incident_id FROM mentions")):
            stored[incident_id].add(mention_id)
        failed = set(connection.execute(sa.text("SELECT article_id FROM failures")).scalars())
        rows = {r.id: r for r in connection.execute(sa.text("SELECT id, date, fatalities, num_articles FROM incidents"))}
    engine.dispose()
    batch = {row["id"]: row for row in read_rows(local_output, "incidents")}
    # the store's own merge of the stored mentions: the same incidents, same ids and values
    assert {i: set(r["mention_ids"]) for i, r in batch.items()} == dict(stored)
    assert all((rows[i].date, rows[i].fatalities, rows[i].num_articles) ==
               (r["date"], r["fatalities"], r["num_articles"]) for i, r in batch.items())
    # a superseded duplicate's failure goes when its id is stored coded, as in any ingest
    assert failed == {None, "empty-text", FAIL_ID}
    code, out, err = rokhdad("ingest", str(local_output / "mentions"), "--db", str(db), "--json")
    again = json.loads(out)  # the same output again (named by its mentions table): nothing changes
    assert code == 0 and again["unchanged"] == len(read_rows(local_output, "articles"))
    assert again["new"] == again["recoded"] == again["versions"] == 0


def test_batch_cli_on_the_samples(tmp_path, rokhdad):
    from rokhdad.samples import sample_articles

    source = tmp_path / "samples.parquet"
    articles = sample_articles()[:8]
    pq.write_table(pa.table({"id": [a.id for a in articles], "text": [a.text for a in articles],
                             "published": [a.published for a in articles]}), source)
    code, out, err = rokhdad("batch", str(source), str(tmp_path / "out"), "--workers", "1", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["articles"] == 8 and summary["mentions"] > 0 and summary["incidents"] > 0
    code, out, err = rokhdad("batch", str(source), str(tmp_path / "out"))
    assert code == 1 and err.startswith("error: ") and "--overwrite" in err


@pytest.mark.parametrize("args, message", [
    (["missing.jsonl", "out"], "no such file"),
    (["IN", "out", "--engine", "flink"], "unknown engine 'flink'"),
    (["IN", "out", "--workers", "0"], "--workers"),
    (["IN", "out", "--master", "local[2]"], "only for --engine spark"),
    (["IN", "out", "--engine", "spark", "--conf", "spark.executor.memory"], "expected KEY=VALUE"),
    (["IN", "out", "--format", "csv"], "unknown format"),
    (["IN", "s3a://bucket/out"], "use --engine spark"),
    (["other.parquet", "out"], "not a Parquet of articles"),
    (["IN", "out", "--frobnicate"], "No such option"),
    (["IN", "out", "--processor", "no_such_module:process"], "cannot load"),
])
def test_bad_batch_input_is_one_error_line(tmp_path, monkeypatch, rokhdad, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "IN").write_text(json.dumps({"id": "a", "text": "خبر."}) + "\n", encoding="utf-8")
    pq.write_table(pa.table({"x": [1]}), tmp_path / "other.parquet")
    code, out, err = rokhdad("batch", *args)
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err, err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_spark_engine_without_pyspark_is_one_error_line(tmp_path, monkeypatch, rokhdad):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "a", "text": "خبر."}) + "\n", encoding="utf-8")
    code, out, err = rokhdad("batch", str(tmp_path / "in.jsonl"), str(tmp_path / "out"), "--engine", "spark")
    assert code == 1 and err == "error: the spark runner needs: pip install 'rokhdad[spark]'\n"
