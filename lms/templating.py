"""What every template may use: navigation per role, languages, permission rules."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms import db
from lms.auth import permissions
from lms.auth.forms import ConfirmForm
from lms.cohorts.permissions import can_view_cohorts
from lms.content.permissions import can_browse_question_bank
from lms.grading.permissions import can_grade
from lms.i18n import LANGUAGES
from lms.notifications import services as notification_services


def _navigation() -> list[tuple[str, str]]:
    """(endpoint, label) pairs for the current user's role."""
    if not current_user.is_authenticated:
        return []
    items = [("home.index", _("Home")), ("content.modules", _("Modules"))]
    if permissions.can_view_users(current_user):
        items.append(("users.index", _("Users")))
    if permissions.can_import_users(current_user):
        items.append(("users.imports_page", _("Import recruits")))
    if can_browse_question_bank(current_user):
        items.append(("content.bank", _("Question bank")))
    if can_grade(current_user):
        items.append(("grading.queue", _("Grading")))
    if can_view_cohorts(current_user):
        items.append(("cohorts.index", _("Cohorts")))
    return items


def _unread_notifications() -> int:
    return notification_services.unread_count(db.session(), current_user)


def init_app(app: Flask) -> None:
    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "languages": LANGUAGES,
            "current_locale": str(get_locale() or app.config["LMS_DEFAULT_LOCALE"]),
            "nav_items": _navigation(),
            "unread_count": _unread_notifications() if current_user.is_authenticated else 0,
            "perm": permissions,
            "logout_form": ConfirmForm() if current_user.is_authenticated else None,
            "request_path": request.full_path.rstrip("?") if request else "/",
        }

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
