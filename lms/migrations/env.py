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


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with context.config.attributes["engine"].connect() as own_connection:
        _run(own_connection)
        own_connection.commit()
