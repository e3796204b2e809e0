"""Run the Alembic migrations in `lms/migrations` against the app's database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(app: Flask) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes["engine"] = app.extensions["lms.db"].engine
    return config


def upgrade_to_head(app: Flask) -> None:
    command.upgrade(alembic_config(app), "head")


def make_revision(app: Flask, message: str) -> None:
    """Autogenerate a migration from the models (`python -m lms.migrate "message"`)."""
    command.revision(alembic_config(app), message=message, autogenerate=True,
                     rev_id=_date_first_id())


def _date_first_id() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y%m%d_%H%M%S")


if __name__ == "__main__":
    import sys

    from lms import create_app

    flask_app = create_app()
    make_revision(flask_app, " ".join(sys.argv[1:]) or "schema change")
