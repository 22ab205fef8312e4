"""Alembic environment: runs on the connection ``database.migrate`` hands over."""

from alembic import context

from rokhdad.store import schema

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=schema.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
