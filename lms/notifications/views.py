"""The notifications list, opening one (marks it read) and "mark all read"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from lms import db
from lms.auth.permissions import any_user, require
from lms.notifications import services

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@require(any_user)
def index() -> str:
    items = services.recent(db.session(), current_user)
    return render_template("notifications/index.html", items=items)


@bp.post("/notifications/<int:notification_id>/open")
@require(any_user)
def open_one(notification_id: int) -> Response:
    notification = services.mark_read(db.session(), current_user, notification_id)
    if notification is None:
        abort(404)
    described = services.describe(db.session(), notification)
    return redirect(described.url if described else url_for("notifications.index"))


@bp.post("/notifications/read-all")
@require(any_user)
def read_all() -> Response:
    count = services.mark_all_read(db.session(), current_user)
    if count:
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))
