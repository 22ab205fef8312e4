"""Store fixtures: a fresh database per test on SQLite and (when configured) PostgreSQL.

PostgreSQL tests read ``ROKHDAD_TEST_PG_URL`` (``.ci/run`` starts a server and sets it) and
skip when it is unset; each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # fakes.py, gold.py, helpers.py

from rokhdad.store import database  # noqa: E402

PG_ENV = "ROKHDAD_TEST_PG_URL"
BACKENDS = ["sqlite", "postgresql"]


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """An empty migrated SQLite file, copied for each test (migrating costs ~0.2 s)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    database.open_store(str(path)).close()
    return path


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template) -> str:
    path = tmp_path / "rokhdad.db"
    shutil.copy(sqlite_template, path)
    return str(path)


@pytest.fixture
def postgres_url():
    """A URL whose search_path is a fresh schema of the test database."""
    url = pg_url()
    if url is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    import sqlalchemy as sa

    name = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(database.resolve_url(url))
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {name}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{name}"
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def store_url(request) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url):
    with database.open_store(store_url) as opened:
        yield opened


@pytest.fixture
def sqlite_store(sqlite_url):
    with database.open_store(sqlite_url) as opened:
        yield opened


@pytest.fixture
def cli():
    """Invoke the CLI in-process (click's runner), dataset commands registered."""
    from click.testing import CliRunner

    from rokhdad.cli import dataset
    from rokhdad.cli.main import app

    dataset.register(app)
    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None, env: dict | None = None):
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)
    return invoke


@pytest.fixture
def rokhdad(capsys, monkeypatch):
    """Run ``rokhdad ARGS`` in-process through ``main.run`` (one-line errors and all):
    returns (exit status, stdout, stderr)."""
    from rokhdad.cli import dataset
    from rokhdad.cli.main import app, run

    dataset.register(app)

    def invoke(*args: str, stdin: bytes | None = None):
        if stdin is not None:
            import io

            monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        capsys.readouterr()
        try:
            code = run(list(args))
        except SystemExit as exited:  # user_errors() exits 1 after printing its line
            code = exited.code
        out, err = capsys.readouterr()
        return code, out, err
    return invoke
