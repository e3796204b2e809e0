"""Shared fixtures.

In-process tests share one migrated database per run (SQLite by default, PostgreSQL when
TEST_DATABASE_URL is set) and roll back after every test: each test's writes, including
those of requests made through `client`, happen inside one outer transaction on one
connection (sessions join it through savepoints) that is rolled back at the end.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from lms import create_app
from lms.db import Database
from lms.migrate import upgrade_to_head
from lms.regions.services import load_regions
from lms.users import services as user_services
from lms.users.models import User

TEST_PASSWORD = "rahasia-uji-123"

pytest_plugins = ["tests.browser.fixtures"]


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(sa.make_url(url).set(drivername="postgresql+psycopg"))
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def make_test_config(database_url: str, **extra: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "LMS_BASE_URL": "http://lms.test",
        **extra,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(make_test_config(database_url))
    with app.app_context():
        upgrade_to_head(app)
        from lms import db

        load_regions(db.session())
        _load_shipped_content(app)
        db.session.commit()
    yield app
    app.extensions["lms.db"].engine.dispose()


def _load_shipped_content(app: Flask) -> None:
    """The shipped modules, loaded once per run (the content feature's loader)."""
    try:
        from lms.content.loader import load_content
    except ImportError:
        return
    from lms import db

    load_content(db.session(), app.config["LMS_CONTENT_DIR"])


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session for the test's own reads and writes; everything is rolled back afterwards."""
    database: Database = app.extensions["lms.db"]
    connection = database.engine.connect()
    outer = connection.begin()
    original_factory = database.session_factory
    database.session_factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    session = database.session_factory()
    try:
        yield session
    finally:
        session.close()
        database.session_factory = original_factory
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app: Flask, db: Session) -> FlaskClient:
    return app.test_client()


_emails = count(1)


@pytest.fixture
def make_user(app: Flask, db: Session) -> Callable[..., User]:
    """`make_user(role="coordinator", regions=["33"])`: a user in the test's transaction."""

    def make(role: str = "pendamping", regions: list[str] | None = None, *, email: str | None = None,
             name: str | None = None, password: str | None = None, kecamatan: str | None = None,
             **fields: Any) -> User:
        if regions is None:
            regions = {"pendamping": ["3374"], "admin": []}.get(role, ["33"])
        number = next(_emails)
        with app.app_context():
            user = user_services.create_user(
                db, email=email or f"user{number}@test.fds.id", name=name or f"Pengguna {number}",
                role=role, region_codes=regions, kecamatan_code=kecamatan, password=password)
        for key, value in fields.items():
            setattr(user, key, value)
        db.flush()
        return user

    return make


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[[User], FlaskClient]:
    """Log a user in on `client` without the password round-trip (which `test_auth` covers)."""

    def login(user: User, on: FlaskClient | None = None) -> FlaskClient:
        target = on or client
        with target.session_transaction() as flask_session:
            flask_session["_user_id"] = user.get_id()
            flask_session["_fresh"] = True
        return target

    return login


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[None]:
    """An application context for service tests that use translations or configuration."""
    with app.test_request_context():
        yield
