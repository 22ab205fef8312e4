"""API fixtures: a store holding the bundled samples (ingested once, copied per test) and
test clients over it. Every test here skips when the ``api`` extra is not installed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rokhdad.samples import sample_articles
from rokhdad.store.database import open_store
from rokhdad.store.ingest import ingest

# Test modules start with pytest.importorskip("fastapi"); nothing here imports the extra at
# module level, or a missing extra would be a collection error instead of a skip.


def pytest_configure(config) -> None:
    # starlette >= 1.x prefers the httpx2 fork for its TestClient; httpx works the same
    config.addinivalue_line("filterwarnings", "ignore:.*httpx2.*")


@pytest.fixture(scope="session")
def samples_template(tmp_path_factory) -> Path:
    """A SQLite store with the bundled samples ingested (once per session, ~2 s)."""
    path = tmp_path_factory.mktemp("api") / "samples.db"
    with open_store(str(path)) as store:
        summary = ingest(store, sample_articles())
    assert summary.failed == 0 and summary.incidents > 0
    return path


@pytest.fixture
def samples_db(tmp_path, samples_template) -> str:
    """A private copy of the samples store for one test (writes stay in it)."""
    path = tmp_path / "rokhdad.db"
    shutil.copy(samples_template, path)
    return str(path)


@pytest.fixture
def make_client(samples_db):
    """A TestClient over a new app; keyword arguments go to ``create_app``."""
    from fastapi.testclient import TestClient

    from rokhdad.api.app import create_app

    clients = []

    def make(db: str | None = None, **options) -> TestClient:
        client = TestClient(create_app(db or samples_db, **options), raise_server_exceptions=False)
        client.__enter__()  # runs the lifespan: the app closes its store on exit
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client):
    return make_client()
