"""`flask --app app lms …`: set-up, accounts and content commands. None of them prompts."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from lms import db
from lms.content import commands as content_commands
from lms.content.commands import load_and_report
from lms.learning.commands import tick_command
from lms.migrate import upgrade_to_head
from lms.regions.services import load_regions
from lms.users import imports, services
from lms.users.models import Role
from lms.users.services import UserError

lms_cli = AppGroup("lms", help="FDS Academy administration commands.")

DEMO_PASSWORD = "demo-fds-2026"
DEMO_ACCOUNTS = [
    # email, name, role, regions
    ("admin@demo.fds.id", "Admin Kemensos", Role.ADMIN, []),
    ("pelatih@demo.fds.id", "Dra. Sri Wahyuni (pelatih)", Role.TRAINER, ["33", "34"]),
    ("korwil@demo.fds.id", "Bambang Susilo (Korwil Jawa Tengah)", Role.COORDINATOR, ["33"]),
    ("pendamping@demo.fds.id", "Siti Aminah (pendamping)", Role.PENDAMPING, ["3374"]),
]


@lms_cli.command("init")
def init_command() -> None:
    """Migrate the database to the newest schema, load regions and content (safe to run again)."""
    upgrade_to_head(current_app)
    with db.transaction() as session:
        written = load_regions(session)
    click.echo(f"Database ready ({db.engine().dialect.name}); regions written: {written}.")
    load_and_report(Path(current_app.config["LMS_CONTENT_DIR"]))


@lms_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--region", "regions", multiple=True, help="Region code; repeat for several.")
@click.option("--kecamatan", default=None, help="Kecamatan code (facilitators, optional).")
@click.option("--password", default=None, help="Without it an activation link is printed.")
def create_user_command(email: str, name: str, role: str, regions: tuple[str, ...],
                        kecamatan: str | None, password: str | None) -> None:
    """Create one account."""
    with force_locale("en"):
        try:
            with db.transaction() as session:
                user = services.create_user(session, email=email, name=name, role=role,
                                            region_codes=regions, kecamatan_code=kecamatan,
                                            password=password)
                link = None if password else services.activation_link(services.issue_activation(session, user))
        except UserError as error:
            raise click.ClickException(error.message) from None
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")
    if link:
        click.echo(f"Activation link: {link}")


@lms_cli.command("import-users")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_users_command(csv_file: Path) -> None:
    """Import recruits from a CSV (name,email,phone,region_code,recruitment_year[,kecamatan_code]).

    On any problem prints `line N: problem` per bad row (the header is line 1), writes nothing
    and exits 1.
    """
    session = db.session()
    with force_locale("en"):
        try:
            with csv_file.open(encoding="utf-8-sig", newline="") as handle:
                user_import = imports.stage_import(session, handle, csv_file.name, created_by_id=None)
            if user_import.error_count:
                for line in imports.problem_lines(imports.row_problems(user_import, session)):
                    click.echo(line, err=True)
                session.rollback()
                click.echo(f"{user_import.error_count} row(s) with problems; nothing was imported.", err=True)
                sys.exit(1)
            created = imports.confirm_import(session, user_import, current_app.config["LMS_ACTIVATION_DAYS"])
            session.commit()
        except imports.ImportNotAllowed as error:
            session.rollback()
            click.echo(str(error), err=True)
            sys.exit(1)
        except BaseException:
            session.rollback()
            raise
    click.echo(f"Imported {created} recruit(s). Activation links:")
    for name, email, token in imports.activation_links_for_import(session, user_import):
        click.echo(f"{email}\t{name}\t{services.activation_link(token)}")


@lms_cli.command("demo")
def demo_command() -> None:
    """Create one demo account per role in a real region and print their logins."""
    with db.transaction() as session:
        for email, name, role, regions in DEMO_ACCOUNTS:
            user = services.find_by_email(session, email)
            if user is None:
                services.create_user(session, email=email, name=name, role=role.value,
                                     region_codes=regions, password=DEMO_PASSWORD,
                                     recruitment_year=2026 if role == Role.PENDAMPING else None)
            else:
                user.password_hash = services.hash_password(DEMO_PASSWORD)
                user.is_active = True
                user.must_change_password = False
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, _name, role, regions in DEMO_ACCOUNTS:
        where = ", ".join(regions) or "all regions"
        click.echo(f"  {role.value:<12} {email:<26} {where}")


def init_app(app: Flask) -> None:
    lms_cli.add_command(tick_command)
    content_commands.register(lms_cli)  # idempotent: re-registering replaces the same commands
    app.cli.add_command(lms_cli)
