"""Database engine, session lifecycle and the declarative base.

One session per application context; views never commit: `commit_on_success` in
`init_app` commits once at the end of a successful request (habit 4 of STYLE.md).

SQLite follows SQLAlchemy's documented pysqlite recipe: the driver's own transaction
handling is switched off and we emit BEGIN ourselves, `BEGIN IMMEDIATE` for any transaction
that may write (requests with an unsafe method, CLI commands), so concurrent writers wait on
the busy timeout instead of failing with "database is locked" half-way through.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, abort, current_app, g, has_request_context, request
from flask.globals import app_ctx
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Naive UTC timestamp: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


class Database:
    """Holds the engine and session factory of one app in `app.extensions["lms.db"]`."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.session_factory = sessionmaker(bind=engine, expire_on_commit=False)


def _wants_write_transaction() -> bool:
    if has_request_context():
        return request.method not in SAFE_METHODS or bool(g.get("lms_write"))
    return True  # CLI commands and scripts


def _configure_sqlite(engine: sa.Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (pysqlite recipe)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_transaction() else "BEGIN")


def create_engine(url: str, busy_timeout_ms: int = 15000) -> sa.Engine:
    url_obj = sa.make_url(url)
    if url_obj.get_backend_name() == "sqlite":
        engine = sa.create_engine(url_obj, connect_args={"timeout": busy_timeout_ms / 1000})
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    if url_obj.drivername == "postgresql":
        url_obj = url_obj.set(drivername="postgresql+psycopg")
    return sa.create_engine(
        url_obj, pool_pre_ping=True, connect_args={"connect_timeout": 5}
    )


def _scope_id() -> int:
    return id(app_ctx._get_current_object())


# The session of the current application context (request, CLI command or test).
session: scoped_session[Session] = scoped_session(
    lambda: current_app.extensions["lms.db"].session_factory(), scopefunc=_scope_id
)


def mark_write() -> None:
    """Declare that a GET request is about to write (SQLite: BEGIN IMMEDIATE).

    Loading the logged-in user has usually begun a read transaction already; SQLite cannot
    upgrade that one to a write while another writer is busy ("database is locked"), so a
    read transaction with nothing pending is ended here and the next query begins a writing one.
    """
    g.lms_write = True
    if session.registry.has():
        current = session()
        if current.in_transaction() and not (current.new or current.dirty or current.deleted):
            current.commit()


def init_app(app: Flask) -> None:
    engine = create_engine(app.config["DATABASE_URL"], app.config["LMS_SQLITE_BUSY_TIMEOUT_MS"])
    app.extensions["lms.db"] = Database(engine)

    @app.teardown_appcontext
    def _remove_session(exc: BaseException | None) -> None:
        if exc is not None:
            session.rollback()
        session.remove()


ModelT = TypeVar("ModelT")


def get_or_404(model: type[ModelT], key: Any) -> ModelT:
    """The row with this primary key, or a 404 answer."""
    row = session.get(model, key)
    if row is None:
        abort(404)
    return row


def commit() -> None:
    """The one place a request's work is committed (called after a successful view)."""
    session.commit()


@contextmanager
def transaction() -> Iterator[Session]:
    """A unit of work for CLI commands and services run outside a request."""
    try:
        yield session()
        session.commit()
    except BaseException:
        session.rollback()
        raise


def engine() -> sa.Engine:
    return current_app.extensions["lms.db"].engine
