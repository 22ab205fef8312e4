"""Opening a store: a database URL becomes an engine, migrated to the current schema.

SQLite (the default, a file such as ``rokhdad.db``, nothing to start) runs in WAL mode
with explicit ``BEGIN IMMEDIATE`` write transactions; PostgreSQL (``postgresql://…``,
through psycopg) is for teams. Invariant: every write goes through ``Store.write()``,
one transaction at a time, so a process killed at any moment leaves a consistent store.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from rokhdad.errors import InputError, StoreError
from rokhdad.store import schema

log = logging.getLogger(__name__)

DEFAULT_DB = "rokhdad.db"
ENV_VAR = "ROKHDAD_DB"
MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_S = 60.0  # a second writer waits this long for the first instead of failing
IN_LIST = 500  # ids per IN (...) list; SQLite allows 32,766 parameters, PostgreSQL 65,535
WRITE_LOCK = 0x726F6B68  # PostgreSQL advisory lock id ("rokh"): one writer at a time, as in SQLite


def resolve_url(value: str | None = None) -> sa.URL:
    """The database URL from ``--db``, else ``$ROKHDAD_DB``, else ``rokhdad.db`` here.

    A plain path is an SQLite file; ``postgresql://`` and ``postgres://`` use psycopg.

    Raises:
        InputError: an unsupported or malformed URL.
    """
    value = value or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in value:
        return sa.URL.create("sqlite", database=str(Path(value).expanduser()))
    try:
        url = make_url(value)
    except exc.ArgumentError:
        raise InputError(f"--db: cannot parse database URL {value!r}") from None
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return url
    raise InputError(f"--db: unsupported database {backend!r} in {url.render_as_string(hide_password=True)} "
                     "(expected a file path, sqlite:///PATH or postgresql://USER@HOST/DB)")


def describe(url: sa.URL) -> str:
    """The URL as shown to users: password hidden, SQLite as a plain path."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def _json(value: object) -> str:
    # Persian stays readable and half the size of \u escapes
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _sqlite_engine(url: sa.URL) -> sa.Engine:
    memory = url.database in (None, "", ":memory:")
    kwargs: dict = {"json_serializer": _json}
    if memory:
        kwargs["poolclass"] = sa.StaticPool  # one shared connection, or each one sees an empty database
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_S}
    engine = sa.create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's implicit
        # transactions leave DDL outside them); see SQLAlchemy's pysqlite notes.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable across crashes, not power loss
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        immediate = connection.get_execution_options().get("rokhdad_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Store:
    """An open database: an engine plus the write discipline. Use as a context manager."""

    def __init__(self, url: sa.URL, engine: sa.Engine) -> None:
        self.url = url
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def __repr__(self) -> str:
        return f"Store({describe(self.url)!r})"

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """One write transaction; writers queue (SQLite: BEGIN IMMEDIATE, PostgreSQL: a lock)."""
        with translate_errors(self.url):
            with self.engine.connect() as connection:
                connection = connection.execution_options(rokhdad_write=True)
                with connection.begin():
                    if self.dialect == "postgresql":
                        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
                    yield connection

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A read transaction: one consistent snapshot."""
        with translate_errors(self.url):
            with self.engine.connect() as connection:
                with connection.begin():
                    yield connection

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@contextmanager
def translate_errors(url: sa.URL) -> Iterator[None]:
    """Database driver errors become ``StoreError`` naming the database, cause kept."""
    try:
        yield
    except exc.DBAPIError as error:
        detail = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
        raise StoreError(f"{describe(url)}: {detail}") from error


def open_store(url: str | sa.URL | None = None, *, create: bool = True) -> Store:
    """Open the store at ``url`` (see ``resolve_url``) and bring its schema up to date.

    Args:
        create: make a new SQLite file when there is none; with False a missing file
            is an error (commands that only read should not leave empty databases).

    Raises:
        StoreError: the database cannot be opened, is not a rokhdad store, or has a
            schema newer than this version of rokhdad knows.
    """
    url = url if isinstance(url, sa.URL) else resolve_url(url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        if not path.exists():
            if not create:
                raise StoreError(f"{path}: no database here; store articles first with 'rokhdad ingest'")
            if not path.parent.is_dir():
                raise StoreError(f"cannot create {path}: directory {path.parent} does not exist")
        elif path.is_dir():
            raise StoreError(f"{path}: is a directory, expected a database file")
    if url.get_backend_name() == "sqlite":
        engine = _sqlite_engine(url)
    else:
        engine = sa.create_engine(url, json_serializer=_json, pool_pre_ping=True)
    store = Store(url, engine)
    try:
        migrate(store)
    except BaseException:
        engine.dispose()
        raise
    return store


def migrate(store: Store) -> str:
    """Upgrade the schema to the newest migration; returns the revision it is at."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    with store.write() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        if current == head:
            return current
        if current is None:
            foreign = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
            if foreign:
                raise StoreError(f"{describe(store.url)} is not a rokhdad store: it already has tables "
                                 f"({', '.join(sorted(foreign)[:5])}) and no migration record")
        log.info("migrating %s from %s to %s", describe(store.url), current or "empty", head)
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, "head")
        except CommandError as error:
            raise StoreError(f"{describe(store.url)}: schema revision {current} is unknown to this "
                             f"rokhdad (newer?); upgrade rokhdad ({error})") from error
    return head


def chunked(items: Sequence, size: int = IN_LIST) -> Iterator[Sequence]:
    """``items`` in slices, for ``IN (…)`` lists that stay under driver limits."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def upsert(connection: sa.Connection, table: sa.Table, rows: list[dict], keys: list[str],
           update: bool = False) -> None:
    """INSERT … ON CONFLICT DO NOTHING (or DO UPDATE every other column), SQLite or PostgreSQL."""
    if not rows:
        return
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table)
    if update:
        columns = [c for c in rows[0] if c not in keys]
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={c: statement.excluded[c] for c in columns})
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    connection.execute(statement, rows)


def table_counts(connection: sa.Connection) -> dict[str, int]:
    """Rows per table, for summaries and tests."""
    return {name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for name, table in schema.metadata.tables.items()}
