"""Run the Alembic migrations in `lms/migrations` against the app's database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


# Alembic is imported when a migration runs, not at start-up: it adds about 10 MB to every web
# worker, which never migrates.


def alembic_config(app: Flask) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes["engine"] = app.extensions["lms.db"].engine
    return config


def upgrade_to_head(app: Flask) -> None:
    from alembic import command

    command.upgrade(alembic_config(app), "head")


def make_revision(app: Flask, message: str) -> None:
    """Autogenerate a migration from the models (`python -m lms.migrate "message"`)."""
    from alembic import command

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
