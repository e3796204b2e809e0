"""`lms check-content`, `lms load-content` and `lms import-gift`."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
from flask import current_app

from lms import db
from lms.content.checker import CheckResult, check_tree
from lms.content.gift import GiftError, import_gift_file
from lms.content.loader import LoadReport, load_content

_QUESTION_PREFIX_RE = re.compile(r"^(.+?)-q\d+$")


def content_dir() -> Path:
    return Path(current_app.config["LMS_CONTENT_DIR"])


def print_findings(result: CheckResult) -> None:
    for finding in result.findings:
        click.echo(str(finding))
    click.echo(f"{len(result.modules)} modules, {sum(len(m.lessons) for m in result.modules)} lessons, "
               f"{sum(len(m.questions) for m in result.modules)} questions: "
               f"{len(result.errors)} error(s), {len(result.warnings)} warning(s).")


def load_and_report(directory: Path) -> LoadReport:
    """Check, then load in one transaction; on errors print them and exit 1 with nothing written."""
    result = check_tree(directory)
    if result.errors:
        print_findings(result)
        click.echo("Nothing was loaded: fix the errors above first.", err=True)
        sys.exit(1)
    with db.transaction() as session:
        report = load_content(session, directory, checked=result)
    click.echo(report.summary())
    for change in report.changes:
        click.echo(f"  {change}")
    if report.warnings:
        click.echo(f"{report.warnings} warning(s): see `flask --app app lms check-content`.")
    return report


def module_prefix(slug: str, result: CheckResult) -> str:
    """The short prefix of a module's question ids (m3 for m3-q01), else m<number>."""
    module = next(m for m in result.modules if m.slug == slug)
    for question in module.questions:
        match = _QUESTION_PREFIX_RE.match(question.key)
        if match:
            return match.group(1)
    return f"m{module.number}"


def register(group: click.Group) -> None:
    @group.command("check-content")
    @click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Content folder (default: LMS_CONTENT_DIR, i.e. modules/).")
    def check_content_command(directory: Path | None) -> None:
        """Validate modules/: prints path:line: message per problem, exits 1 on any error."""
        result = check_tree(directory or content_dir())
        print_findings(result)
        sys.exit(1 if result.errors else 0)

    @group.command("load-content")
    @click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Content folder (default: LMS_CONTENT_DIR, i.e. modules/).")
    def load_content_command(directory: Path | None) -> None:
        """Check the content, then create, update and retire modules, lessons and questions."""
        load_and_report(directory or content_dir())

    @group.command("import-gift")
    @click.argument("gift_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--module", "slug", required=True, help="Module id, e.g. kesehatan-gizi.")
    def import_gift_command(gift_file: Path, slug: str) -> None:
        """Convert a Moodle GIFT file into modules/<module>/questions-gift-<name>.yaml.

        On a problem prints FILE:line N: message, writes nothing and exits 1.
        """
        result = check_tree(content_dir())
        module = next((m for m in result.modules if m.slug == slug), None)
        if module is None:
            known = ", ".join(m.slug for m in result.modules)
            click.echo(f"No module {slug!r}; modules are: {known}", err=True)
            sys.exit(1)
        existing = {m.slug for m in result.modules}
        for each in result.modules:
            existing.update(lesson.key for lesson in each.lessons)
            existing.update(question.key for question in each.questions)
        try:
            target = import_gift_file(gift_file, module.folder, module_prefix(slug, result), existing)
        except GiftError as error:
            where = f"{gift_file}:line {error.line}" if error.line else f"{gift_file}"
            click.echo(f"{where}: {error.message}", err=True)
            sys.exit(1)
        click.echo(f"Wrote {target}. Review it (explanations, lessons, essay rubrics), then run "
                   "`lms check-content` and `lms load-content`.")
