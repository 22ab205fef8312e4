"""Opening stores: URLs, SQLite pragmas, migrations matching schema.py, clear errors."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from rokhdad.errors import InputError, StoreError
from rokhdad.store import database, schema


@pytest.mark.parametrize("value, backend, driver", [
    ("rokhdad.db", "sqlite", "pysqlite"),
    ("data/x.db", "sqlite", "pysqlite"),
    ("sqlite:///tmp/x.db", "sqlite", "pysqlite"),
    ("postgresql://u:p@localhost/db", "postgresql", "psycopg"),
    ("postgres://u@db.example/rokhdad", "postgresql", "psycopg"),
    ("postgresql+psycopg://u@h/d", "postgresql", "psycopg"),
])
def test_resolve_url(value, backend, driver):
    url = database.resolve_url(value)
    assert url.get_backend_name() == backend
    assert url.get_driver_name() == driver


def test_resolve_url_uses_environment_then_default(monkeypatch):
    monkeypatch.setenv("ROKHDAD_DB", "from-env.db")
    assert database.resolve_url(None).database == "from-env.db"
    monkeypatch.delenv("ROKHDAD_DB")
    assert database.resolve_url(None).database == "rokhdad.db"


@pytest.mark.parametrize("value", ["mysql://u@h/d", "oracle://x", "://nothing"])
def test_unsupported_url_is_input_error(value):
    with pytest.raises(InputError, match="--db"):
        database.resolve_url(value)


def test_password_never_shown():
    url = database.resolve_url("postgresql://me:secret@localhost/db")
    assert "secret" not in database.describe(url)


def test_new_sqlite_store_is_wal_with_foreign_keys(tmp_path):
    with database.open_store(str(tmp_path / "new.db")) as store:
        with store.read() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert set(database.table_counts(connection)) == set(schema.metadata.tables)


def test_migrations_build_exactly_schema_py(store):
    """The versioned migrations and schema.py describe the same database (both backends)."""
    with store.read() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, schema.metadata) == []
        assert context.get_current_revision() == database.migrate(store)


def test_reopening_migrates_nothing(sqlite_url):
    first = database.open_store(sqlite_url)
    revision = database.migrate(first)
    first.close()
    with database.open_store(sqlite_url) as again:
        assert database.migrate(again) == revision


def test_in_memory_store():
    with database.open_store("sqlite://") as store:
        with store.write() as connection:
            connection.execute(schema.places.insert().values(id="p", name_fa="تهران"))
        with store.read() as connection:
            assert database.table_counts(connection)["places"] == 1


def test_missing_database_is_not_created_for_reading(tmp_path):
    path = tmp_path / "absent.db"
    with pytest.raises(StoreError, match="no database here"):
        database.open_store(str(path), create=False)
    assert not path.exists()


def test_missing_directory(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        database.open_store(str(tmp_path / "no" / "such" / "dir.db"))


def test_directory_is_not_a_database(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        database.open_store(str(tmp_path))


def test_text_file_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some notes\n" * 100)
    with pytest.raises(StoreError, match="notes.db"):
        database.open_store(str(path))
    assert path.read_text().startswith("just some notes")  # left alone


def test_foreign_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(StoreError, match="not a rokhdad store"):
        database.open_store(str(path))
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT name FROM sqlite_master").fetchall() == [("customers",)]


def test_schema_from_a_newer_rokhdad_is_refused(sqlite_url):
    with sqlite3.connect(sqlite_url) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="unknown to this rokhdad"):
        database.open_store(sqlite_url)


def test_unreachable_postgresql_is_store_error():
    with pytest.raises(StoreError) as caught:
        database.open_store("postgresql://nobody:hunter2@127.0.0.1:1/none?connect_timeout=2")
    assert "hunter2" not in str(caught.value)
    assert "127.0.0.1" in str(caught.value)


def test_write_transaction_rolls_back_on_error(store):
    with pytest.raises(RuntimeError):
        with store.write() as connection:
            connection.execute(schema.places.insert().values(id="p1", name_fa="بغداد"))
            raise RuntimeError("crash in the middle")
    with store.read() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(schema.places)).scalar() == 0


def test_driver_errors_become_store_errors(store):
    with pytest.raises(StoreError):
        with store.write() as connection:
            connection.execute(schema.places.insert().values(id="p1", name_fa="بغداد"))
            connection.execute(schema.places.insert().values(id="p1", name_fa="بغداد"))  # duplicate key
