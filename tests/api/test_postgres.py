"""The API over PostgreSQL (``ROKHDAD_TEST_PG_URL``, set by .ci/run; skipped without it):
writes, reads with spans, and read-only sessions."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

import os  # noqa: E402
import uuid  # noqa: E402

from rokhdad import errors  # noqa: E402
from rokhdad.samples import sample_articles  # noqa: E402
from rokhdad.store import database, query  # noqa: E402


@pytest.fixture
def pg_url():
    url = os.environ.get("ROKHDAD_TEST_PG_URL")
    if not url:
        pytest.skip("PostgreSQL tests need ROKHDAD_TEST_PG_URL")
    import sqlalchemy as sa

    name = "api_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(database.resolve_url(url))
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {name}"))
    yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
    admin.dispose()


def test_api_on_postgresql(make_client, pg_url):
    client = make_client(pg_url)
    articles = sample_articles()[:8]
    payload = [{"id": a.id, "text": a.text, "published": a.published.isoformat() if a.published else None,
                "source": a.source} for a in articles]
    summary = client.post("/articles", json=payload).json()
    assert summary["new"] == len(articles) and summary["failed"] == 0
    with database.open_store(pg_url, create=False) as store:
        expected = query.find_incidents(store, query.Filters(include_optional=True))
    page = client.get("/incidents", params={"all": "true", "sort": "-mentions"}).json()
    assert page["total"] == len(expected) > 0
    detail = client.get(f"/incidents/{page['items'][0]['id']}").json()
    for mention in detail["mentions"]:
        text = client.get(f"/articles/{mention['article_id']}").json()["text"]
        assert all(text[s["start"]:s["end"]] == s["text"] for s in mention["spans"])
    assert client.get("/facets").json()["total"] == client.get("/incidents").json()["total"]
    assert client.get("/export", params={"format": "acled-csv"}).status_code == 200

    read_only = make_client(pg_url, read_only=True)
    assert read_only.get("/incidents", params={"all": "true"}).json()["total"] == len(expected)
    assert read_only.post("/articles", json=payload[0]).status_code == 404
    import sqlalchemy as sa

    with pytest.raises(errors.StoreError, match="read-only"):
        with read_only.app.state.store.write() as connection:
            connection.execute(sa.text("DELETE FROM failures"))
