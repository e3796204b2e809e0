"""The schema matches the migrations; SQLite runs with WAL, foreign keys and waiting writers."""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy.orm import Session

from lms import create_app
from lms import db as lms_db
from lms.migrate import upgrade_to_head
from lms.models import metadata
from tests.conftest import make_test_config


def test_models_match_migrations(db: Session) -> None:
    connection = db.connection()
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    diff = compare_metadata(context, metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_migrations_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    from alembic import command

    from lms.migrate import alembic_config

    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'down.db'}"))
    with app.app_context():
        upgrade_to_head(app)
        command.downgrade(alembic_config(app), "base")
        tables = sa.inspect(lms_db.engine()).get_table_names()
        assert set(tables) <= {"alembic_version"}
        upgrade_to_head(app)
        assert "users" in sa.inspect(lms_db.engine()).get_table_names()


def _sqlite_app(tmp_path: Path) -> Flask:
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'lock.db'}"))
    with app.app_context():
        upgrade_to_head(app)
    return app


def test_sqlite_pragmas(tmp_path: Path) -> None:
    app = _sqlite_app(tmp_path)
    with app.app_context(), lms_db.engine().connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_concurrent_sqlite_writers_wait_instead_of_failing(tmp_path: Path) -> None:
    """Threads that read then write (the pattern that fails with a deferred BEGIN) all succeed."""
    app = _sqlite_app(tmp_path)
    with app.app_context():
        lms_db.session.execute(sa.text("CREATE TABLE counter (n INTEGER)"))
        lms_db.session.execute(sa.text("INSERT INTO counter VALUES (0)"))
        lms_db.session.commit()
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(20):
                with app.app_context(), lms_db.transaction() as session:
                    n = session.execute(sa.text("SELECT n FROM counter")).scalar_one()
                    session.execute(sa.text("UPDATE counter SET n = :n"), {"n": n + 1})
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert lms_db.session.execute(sa.text("SELECT n FROM counter")).scalar_one() == 80


def test_a_get_that_writes_upgrades_to_begin_immediate(tmp_path: Path) -> None:
    """A GET begins a read transaction (loading the user); `mark_write` must end it so the write
    runs under BEGIN IMMEDIATE instead of failing with "database is locked" under load."""
    from sqlalchemy import event

    app = _sqlite_app(tmp_path)
    statements: list[str] = []
    with app.app_context():
        engine = lms_db.engine()
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with app.test_request_context("/", method="GET"):
        lms_db.session.execute(sa.text("SELECT 1"))
        lms_db.mark_write()
        lms_db.session.execute(sa.text("CREATE TABLE IF NOT EXISTS visits (n INTEGER)"))
        lms_db.session.commit()
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN", "BEGIN IMMEDIATE"]
