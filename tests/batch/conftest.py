"""Batch fixtures: one input file, one local run and (when pyspark and Java are there) one
Spark run of it, shared by the tests that compare them; one SparkSession per test session.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # batch_processors: the injected-failure extractor

from batch_helpers import NEWS, PROCESSOR  # noqa: E402
from batch_processors import FAIL_ID  # noqa: E402

SHARED_ARTICLES = 80  # conflict-subset articles: with the samples ~180 mentions, ~15 incidents from 2+ articles


def article_record(article) -> dict:
    return {"id": article.id, "text": article.text,
            "published": article.published.isoformat() if article.published else None,
            "source": article.source, "title": article.title, "url": article.url}


@pytest.fixture(scope="session")
def batch_input(tmp_path_factory) -> Path:
    """The bundled samples, shared ir-news articles (some share an id with a sample: a
    duplicate to resolve), an article the extractor fails on, a malformed line and an
    empty article."""
    from rokhdad.samples import sample_articles

    lines = [json.dumps(article_record(a), ensure_ascii=False) for a in sample_articles()]
    if (NEWS / "articles.jsonl").exists():
        wanted = set((NEWS / "conflict_subset_ids.txt").read_text().split()[:SHARED_ARTICLES])
        with (NEWS / "articles.jsonl").open(encoding="utf-8") as handle:
            lines.extend(line.rstrip("\n") for line in handle if json.loads(line)["id"] in wanted)
    first = sample_articles()[0]  # a duplicate id with an older text: the newer record wins
    lines.append(json.dumps({"id": first.id, "text": first.text + "\nویرایش قدیمی.",
                             "published": (first.published - dt.timedelta(days=1)).isoformat()},
                            ensure_ascii=False))
    lines.insert(5, json.dumps({"id": FAIL_ID, "text": "متن یک خبر.", "published": "2020-01-08"}))
    lines.insert(9, '{"id": "broken-json", "text": ')
    lines.append(json.dumps({"id": "empty-text", "text": "  ", "published": "2020-01-08"}))
    path = tmp_path_factory.mktemp("batch") / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def local_output(batch_input, tmp_path_factory) -> Path:
    from rokhdad.batch.job import run_batch

    output = tmp_path_factory.mktemp("local") / "out"
    run_batch(str(batch_input), str(output), "local", workers=2, processor=PROCESSOR)
    return output


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    pytest.importorskip("pandas")
    if shutil.which("java") is None:
        pytest.skip("the Spark tests need Java")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("rokhdad tests")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "4").config("spark.default.parallelism", "2")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.addPyFile(str(HERE / "batch_processors.py"))
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_run(spark, batch_input, tmp_path_factory) -> tuple[Path, dict]:
    """``rokhdad batch INPUT OUTPUT --engine spark --json`` (in the test's SparkSession):
    the output directory and the printed summary."""
    import contextlib
    import io

    from rokhdad.cli.main import run

    output = tmp_path_factory.mktemp("spark") / "out"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = run(["batch", str(batch_input), str(output), "--engine", "spark", "--processor", PROCESSOR, "--json"])
    assert code == 0
    return output, json.loads(printed.getvalue())


@pytest.fixture(scope="session")
def spark_output(spark_run) -> Path:
    return spark_run[0]


@pytest.fixture
def rokhdad(capsys):
    """Run ``rokhdad ARGS`` in-process: (exit status, stdout, stderr)."""
    from rokhdad.cli.main import run

    def invoke(*args: str):
        capsys.readouterr()
        try:
            code = run(list(args))
        except SystemExit as exited:
            code = exited.code
        out, err = capsys.readouterr()
        return code, out, err
    return invoke
