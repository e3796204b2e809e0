"""Alembic environment: runs on the engine (or connection) of the Flask app that migrates.

`lms.migrate.alembic_config(app)` passes the app's engine; tests may pass a connection.
For `alembic revision --autogenerate` run `python -m lms.migrate revision "message"`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from lms.models import metadata


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def _set_sqlite_foreign_keys(connection: sa.Connection, on: bool) -> None:
    """Batch migrations rebuild SQLite tables; with foreign keys enforced, rebuilding a table
    others point to fails once it holds rows. The pragma only works outside a transaction, so
    it goes straight to the driver before Alembic begins one."""
    if connection.dialect.name == "sqlite" and not connection.in_transaction():
        connection.connection.dbapi_connection.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with context.config.attributes["engine"].connect() as own_connection:
        _set_sqlite_foreign_keys(own_connection, on=False)
        try:
            _run(own_connection)
            own_connection.commit()
        finally:
            _set_sqlite_foreign_keys(own_connection, on=True)
