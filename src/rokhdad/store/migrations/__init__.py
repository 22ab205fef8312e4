"""Versioned schema migrations (Alembic), run programmatically by ``database.open_store``.

Each file in ``versions/`` is one step with ``revision``/``down_revision`` ids; the
``alembic_version`` table records where a database stands. To change the schema, edit
``schema.py`` and add ``versions/000N_<what>.py`` by hand (``op.add_column`` …, with
``op.batch_alter_table`` for SQLite); ``tests/store/test_database.py`` fails while the
two disagree. Alembic rather than a home-made version table: it already knows how to
alter SQLite tables (copy-and-move) and how to compare a database with ``schema.py``.
"""
