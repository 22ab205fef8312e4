"""Batch input: JSONL and Parquet articles, bad records as failures, bad paths as one error."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rokhdad.batch import io
from rokhdad.batch.rows import MENTION_SCHEMA
from rokhdad.errors import InputError
from rokhdad.model import Article
from rokhdad.store.inputs import InputFailure


def test_parquet_articles_with_date_columns_and_bad_rows(tmp_path):
    path = tmp_path / "articles.parquet"
    pq.write_table(pa.table({
        "id": ["a1", "a2", "a3"], "text": ["خبر اول.", " ", "خبر سوم."],
        "published": [dt.date(2020, 1, 8), None, dt.date(2020, 1, 9)], "source": ["tabnak", None, None],
        "extra": [1, 2, 3],
    }), path)
    got = list(io.read_articles(str(path)))
    assert got[0] == Article("a1", "خبر اول.", dt.date(2020, 1, 8), "tabnak")
    assert isinstance(got[1], InputFailure) and got[1].article_id == "a2" and "empty text" in got[1].message
    assert got[1].location.endswith("articles.parquet:row 2")
    assert got[2].published == dt.date(2020, 1, 9)


def test_a_directory_of_jsonl_files_is_read_in_name_order(tmp_path):
    for name, ident in (("b.jsonl", "second"), ("a.jsonl", "first")):
        (tmp_path / name).write_text(json.dumps({"id": ident, "text": "خبر."}) + "\n{oops\n", encoding="utf-8")
    got = list(io.read_articles(str(tmp_path)))
    assert [getattr(g, "id", None) for g in got] == ["first", None, "second", None]
    assert got[1].location.endswith("a.jsonl:2")


def _binary(d):
    (d / "blob.jsonl").write_bytes(b"\x00\x01binary")
    return d / "blob.jsonl"


def _fake_parquet(d):
    (d / "fake.parquet").write_text("id,text\n")
    return d / "fake.parquet"


def _other_parquet(d):
    pq.write_table(pa.table({"name": ["x"], "value": [1]}), d / "other.parquet")
    return d / "other.parquet"


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing.jsonl", "no such file"),
    (_binary, "binary"),
    (_fake_parquet, "not a Parquet file"),
    (_other_parquet, "not a Parquet of articles: no column 'id', 'text'"),
    (lambda d: d, "no jsonl files"),
])
def test_bad_inputs_fail_before_reading_with_one_message(tmp_path, make, message):
    with pytest.raises(InputError, match=message):
        io.read_articles(str(make(tmp_path)))


def test_unknown_format_and_remote_paths():
    with pytest.raises(InputError, match="unknown format 'csv'"):
        io.input_files(".", "csv")
    assert io.is_remote("s3a://bucket/news") and io.is_remote("hdfs://nn/x")
    assert not io.is_remote("file:///tmp/x") and not io.is_remote("/tmp/x") and not io.is_remote("C:/x")


def test_table_writer_writes_a_readable_file_even_when_empty(tmp_path):
    with io.TableWriter(tmp_path / "mentions", MENTION_SCHEMA):
        pass
    table = io.read_table(tmp_path / "mentions")
    assert table.num_rows == 0 and table.schema.names == MENTION_SCHEMA.names


def test_output_directory_rules(tmp_path):
    out = tmp_path / "out"
    assert io.prepare_output(str(out), overwrite=False) == out
    (out / "old.txt").write_text("x")
    with pytest.raises(InputError, match="--overwrite"):
        io.prepare_output(str(out), overwrite=False)
    io.prepare_output(str(out), overwrite=True)
    assert list(out.iterdir()) == []
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        io.prepare_output(str(tmp_path / "file"), overwrite=True)
