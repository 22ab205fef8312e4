"""Serving while a real 'rokhdad ingest' process writes to the same SQLite database (WAL):
every read answers, a POST waits its turn, and the final state is the CLI's."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from rokhdad.samples import sample_articles  # noqa: E402
from rokhdad.store import query  # noqa: E402
from rokhdad.store.database import open_store  # noqa: E402


COPIES = 2  # sample articles ingested COPIES times under new ids: a few seconds of extraction


def test_reads_while_ingest_writes(make_client, samples_db, tmp_path):
    corpus = tmp_path / "more.jsonl"
    ids = []
    with corpus.open("w", encoding="utf-8") as handle:
        for copy in range(COPIES):
            for article in sample_articles():
                ids.append(f"{article.id}~copy{copy}")
                handle.write(json.dumps({"id": ids[-1], "text": article.text, "source": article.source,
                                         "published": article.published.isoformat() if article.published else None},
                                        ensure_ascii=False) + "\n")
    client = make_client()
    before = client.get("/incidents", params={"all": "true"}).json()["total"]
    incident_id = client.get("/incidents").json()["items"][0]["id"]
    writer = subprocess.Popen([sys.executable, "-m", "rokhdad", "ingest", str(corpus), "--db", samples_db,
                               "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reads = posted = 0
    try:
        while writer.poll() is None:
            for path, params in (("/incidents", {"all": "true", "limit": 5000}), ("/timeline", {}),
                                 ("/facets", {}), (f"/incidents/{incident_id}", {})):
                response = client.get(path, params=params)
                assert response.status_code == 200, response.text
                reads += 1
            assert client.get(f"/articles/{ids[0]}").status_code in (200, 404)  # 404 until committed
            if not posted and reads >= 8:  # a second writer: queued behind the ingest's transactions
                response = client.post("/articles", json={"id": "posted-during-ingest",
                                                          "text": sample_articles()[1].text})
                assert response.status_code == 200, response.text
                assert response.json()["new"] == 1
                posted = 1
            time.sleep(0.05)
        out, err = writer.communicate(timeout=120)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == 0, err.decode()
    assert reads >= 8, "the ingest finished before the test could read alongside it"
    for article_id in ids[::17]:
        assert client.get(f"/articles/{article_id}").status_code == 200
    assert client.get("/articles/posted-during-ingest").status_code == 200
    with open_store(samples_db, create=False) as store:
        expected = query.find_incidents(store, query.Filters(include_optional=True))
    after = client.get("/incidents", params={"all": "true", "limit": 5000}).json()
    assert after["total"] == len(expected) >= before
    assert sorted(i["id"] for i in after["items"]) == sorted(i.id for i in expected)


def test_concurrent_extracts_give_the_sequential_answers(make_client):
    """The extractor runs in FastAPI's thread pool: parallel requests must not mix state."""
    from concurrent.futures import ThreadPoolExecutor

    client = make_client()
    bodies = [{"text": a.text, "published": a.published.isoformat() if a.published else None, "id": a.id}
              for a in sample_articles()]
    sequential = [client.post("/extract", json=body).json() for body in bodies]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda body: client.post("/extract", json=body).json(), bodies))
    assert parallel == sequential
