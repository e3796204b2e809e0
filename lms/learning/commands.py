"""`flask --app app lms tick`: the periodic job of the learning path."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms import db
from lms.learning import quiz


@click.command("tick")
@with_appcontext
def tick_command() -> None:
    """Submit quiz attempts whose time is up (run every minute or so, e.g. from cron)."""
    with db.transaction() as session:
        expired = quiz.expire_overdue(session)
    click.echo(f"Submitted {expired} expired attempt(s).")
